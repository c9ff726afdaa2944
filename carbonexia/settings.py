"""Carbonexia settings: environment variables only (see README). Nothing set → the embedded default."""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from .env import env_bool, env_float, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

DEFAULT_SECRET_KEY = "carbonexia-embedded-default-secret-key-do-not-use-in-production"
SECRET_KEY = env_str("SECRET_KEY", DEFAULT_SECRET_KEY)
DEBUG = env_bool("DEBUG", True)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

JWT_SIGNING_KEY = env_str("JWT_SIGNING_KEY", SECRET_KEY)
# Smart meters' secrets are derived from this key (metering.meters.secrets): changing it invalidates every
# registered device's secret, so it is its own setting and rotating SECRET_KEY leaves the meters working.
METER_SECRET_KEY = env_str("METER_SECRET_KEY", SECRET_KEY)
if not DEBUG:
    if SECRET_KEY == DEFAULT_SECRET_KEY:
        raise ImproperlyConfigured(
            "Refusing to start with DEBUG off and the default SECRET_KEY: set SECRET_KEY to a long random value."
        )
    if len(JWT_SIGNING_KEY.encode()) < 32:
        raise ImproperlyConfigured("JWT_SIGNING_KEY must be at least 32 bytes when DEBUG is off.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "django_celery_results",
    "carbonexia.common",
    "carbonexia.audit",
    "carbonexia.webhooks",
    "accounts",
    "buildings",
    "metering",
    "mrv",
    "credits",
    "reports",
    "portal",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "carbonexia.common.middleware.UploadSizeLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "carbonexia.common.read_once.ReadOnceMiddleware",
]

ROOT_URLCONF = "carbonexia.urls"
WSGI_APPLICATION = "carbonexia.wsgi.application"
APPEND_SLASH = False

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database: SQLite under var/ unless DATABASE_URL says otherwise --------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'carbonexia.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["ENGINE"] = "timescale.db.backends.postgresql"
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and Celery: Redis when REDIS_URL is set, else in-process -----------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "carbonexia.common.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = "django-db"
CELERY_RESULT_EXTENDED = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_SOFT_TIME_LIMIT", 300)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TIME_LIMIT", 360)
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "carbonexia")
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT * 2}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
# Apps add their periodic work here (see carbonexia/celery.py).
CELERY_BEAT_SCHEDULE: dict = {}
NIGHTLY = crontab(hour=2, minute=5)
CELERY_BEAT_SCHEDULE["mrv-portfolio-nightly"] = {"task": "mrv.portfolio_recompute", "schedule": NIGHTLY}
CELERY_BEAT_SCHEDULE["webhooks-sweep"] = {"task": "webhooks.sweep", "schedule": 60.0}
CELERY_BEAT_SCHEDULE["reports-sweep-stuck"] = {"task": "reports.sweep_stuck", "schedule": 300.0}
CELERY_BEAT_SCHEDULE["bills-sweep-stuck"] = {"task": "metering.sweep_stuck_bills", "schedule": 300.0}
# New hours of every located building's station; the station list itself once a month (NOAA refreshes it rarely).
CELERY_BEAT_SCHEDULE["weather-top-up-nightly"] = {
    "task": "metering.top_up_weather",
    "schedule": crontab(hour=3, minute=15),
}
CELERY_BEAT_SCHEDULE["weather-stations-monthly"] = {
    "task": "metering.refresh_weather_stations",
    "schedule": crontab(day_of_month=1, hour=1, minute=40),
}

# --- Auth ------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.passwords.NotBlankOrRepeatedValidator"},
]
LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "portal:buildings"
LOGOUT_REDIRECT_URL = "portal:login"

ACCESS_TOKEN_LIFETIME = timedelta(minutes=env_int("ACCESS_TOKEN_MINUTES", 15))
SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": ACCESS_TOKEN_LIFETIME,
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env_int("REFRESH_TOKEN_DAYS", 7)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": True,
    "SIGNING_KEY": JWT_SIGNING_KEY,
    "ALGORITHM": "HS256",
    "AUTH_HEADER_TYPES": ("Bearer",),
    "USER_ID_FIELD": "id",
    "USER_ID_CLAIM": "user_id",
}
LOGIN_FAILURES_PER_ACCOUNT = 5
LOGIN_FAILURES_PER_ADDRESS = 20
LOGIN_FAILURE_WINDOW_SECONDS = 15 * 60
# Where the failed-login counters live (accounts.throttling): Redis when there is one, else the database, so
# every process counts the same failures; never a process's own memory.
LOGIN_THROTTLE_STORE = "cache" if REDIS_URL else "database"

# --- API -------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework_simplejwt.authentication.JWTAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "carbonexia.common.parsers.BoundedJSONParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "carbonexia.common.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"user": env_str("API_RATE", "1000/min")},
    "DEFAULT_SCHEMA_CLASS": "carbonexia.common.schema.AutoSchema",
    "EXCEPTION_HANDLER": "carbonexia.common.exceptions.api_exception_handler",
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "carbonexia.common.negotiation.FirstRendererFallback",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Carbonexia API",
    "DESCRIPTION": "Measured building energy savings, verified and issued as carbon credits.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "PREPROCESSING_HOOKS": ["carbonexia.common.schema.drop_slash_twins"],
    # Uploads, bills and reports share one processing → completed | failed life cycle.
    "ENUM_NAME_OVERRIDES": {
        "JobStatusEnum": "metering.uploads.models.UploadStatus",
        "BaselineMethodEnum": "mrv.models.Method",
    },
}

MAX_UPLOAD_MB = env_int("MAX_UPLOAD_MB", 50)
# JSON bodies nested deeper are refused with 400; the API's own bodies nest three levels at most.
JSON_MAX_DEPTH = env_int("JSON_MAX_DEPTH", 64)
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_BYTES
OCR_LANG = env_str("OCR_LANG", "eng")
# A bill's kWh may differ from the building meter's over the same days by this share of the meter's figure before
# it is flagged (metering.bills.checks). Revenue meters are accurate to 0.5-2 %, and a utility's read dates may
# shift a day or two against the printed period (3-6 % of a month); a misread or mistyped figure differs by more.
BILL_METER_TOLERANCE_PCT = env_int("BILL_METER_TOLERANCE_PCT", 10)
if not 0 < BILL_METER_TOLERANCE_PCT <= 100:
    raise ImproperlyConfigured("BILL_METER_TOLERANCE_PCT must be a whole percent from 1 to 100.")
WEBHOOK_ALLOW_PRIVATE = env_bool("WEBHOOK_ALLOW_PRIVATE", DEBUG)
WEBHOOK_RETRY_BASE_SECONDS = env_int("WEBHOOK_RETRY_BASE_SECONDS", 10)

# --- Files, i18n -----------------------------------------------------------------------------
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "carbonexia.common.staticfiles.StaticFilesStorage"
    },
}
# With DEBUG off, static URLs come from the manifest `collectstatic` writes into STATIC_ROOT. Until it has run,
# WhiteNoise serves the apps' own static directories under plain names (carbonexia.common.staticfiles).
STATIC_COLLECTED = (STATIC_ROOT / "staticfiles.json").is_file()
WHITENOISE_USE_FINDERS = DEBUG or not STATIC_COLLECTED
LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
FORMAT_MODULE_PATH = ["carbonexia.formats"]  # a datetime Django formats itself names its zone too
USE_I18N = True
USE_TZ = True

# --- Security (production defaults when DEBUG is off) -------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^health/?$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
# Scripts only from our own static files (the portal has no inline scripts, /docs uses the split
# Swagger view); inline style attributes stay allowed for the server-drawn SVG charts.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.server": {"level": "WARNING"},
        # SQL logged with its parameters would carry refresh tokens and webhook secrets: never, at any level.
        "django.db.backends": {"level": "INFO"},
    },
}

# --- Weather fetched for a building's coordinates (metering.weather.fetching) ---------------------
# NOAA NCEI's GHCNh directory; needs outbound internet. Tests point it at a local server.
WEATHER_SOURCE_URL = env_str(
    "WEATHER_SOURCE_URL", "https://www.ncei.noaa.gov/oa/global-historical-climatology-network/hourly"
)
WEATHER_SOURCE_TIMEOUT_SECONDS = env_int("WEATHER_SOURCE_TIMEOUT_SECONDS", 30)
# A year of a busy airport's reports (METAR every 30 minutes plus specials, 230 columns) is about 15 MB.
WEATHER_SOURCE_MAX_BYTES = env_int("WEATHER_SOURCE_MAX_BYTES", 60_000_000)
# A first fetch reaches back this many calendar years (the current one included): a baseline needs 12 months.
WEATHER_HISTORY_YEARS = env_int("WEATHER_HISTORY_YEARS", 3)
# The cached station list is refreshed when older than this, even if the monthly beat did not run.
WEATHER_STATION_LIST_MAX_AGE_DAYS = env_int("WEATHER_STATION_LIST_MAX_AGE_DAYS", 35)
# Every fetch (the nightly top-up too) reads again the days before the latest stored hour, and updates the hours NOAA
# has corrected since: GHCNh's recent files are revised as late reports and quality checks come in.
WEATHER_CORRECTION_WINDOW_DAYS = env_int("WEATHER_CORRECTION_WINDOW_DAYS", 30)

# Meter CSVs with more lines than this are stored by a worker (202 + progress) instead of in the request.
METER_CSV_ASYNC_ROWS = env_int("METER_CSV_ASYNC_ROWS", 100_000)
# Green Button XML larger than this is refused before parsing: the parsed tree takes about ten times the file's
# size in memory, and a building-year of 15-minute readings is about 5 MB, so 40 MB holds several years.
GREENBUTTON_MAX_MB = env_int("GREENBUTTON_MAX_MB", 40)

# --- Smart meters over MQTT (manage.py consume_mqtt) ------------------------------------------------
MQTT_BROKER_URL = env_str("MQTT_BROKER_URL", "mqtt://127.0.0.1:1883")
# The consumer's MQTT client id: the broker keeps its session (subscription, unacknowledged messages) under it.
MQTT_CLIENT_ID = env_str("MQTT_CLIENT_ID", "carbonexia-consumer")
# Messages are written in one transaction per batch: when this many have arrived, or when the oldest has waited
# MQTT_BATCH_MS. The broker must let this many messages be in flight (Mosquitto: max_inflight_messages).
MQTT_BATCH_SIZE = env_int("MQTT_BATCH_SIZE", 200)
MQTT_BATCH_MS = env_int("MQTT_BATCH_MS", 500)
# A message larger than this is dead-lettered unread: 64 KiB holds a day of 15-minute readings several times over.
MQTT_MAX_PAYLOAD_BYTES = env_int("MQTT_MAX_PAYLOAD_BYTES", 65536)
# A signed message sent (its `sent_at`) longer ago than this is refused as a possible replay, and each device's nonces
# are remembered this long. It bounds how long the consumer may be away without its queued messages going stale.
MQTT_REPLAY_WINDOW_SECONDS = env_int("MQTT_REPLAY_WINDOW_SECONDS", 86400)
if MQTT_BATCH_SIZE < 1 or MQTT_BATCH_MS < 1 or MQTT_MAX_PAYLOAD_BYTES < 1 or MQTT_REPLAY_WINDOW_SECONDS < 1:
    raise ImproperlyConfigured(
        "MQTT_BATCH_SIZE, MQTT_BATCH_MS, MQTT_MAX_PAYLOAD_BYTES and MQTT_REPLAY_WINDOW_SECONDS must be positive."
    )

# --- Plausibility of incoming meter data and temperatures (metering.parsers.plausibility) -----------
# A value dated later than now plus this skew is refused: a sender's clock may run a few minutes fast, but a
# reading from the future is a mistake or a forgery, and it would make months look measured before they end.
READING_CLOCK_SKEW_SECONDS = env_int("READING_CLOCK_SKEW_SECONDS", 300)
# The most average power per sq ft of floor area a reading may imply, unless an admin raises it for one
# building (Building.max_power_w_per_sqft, e.g. a data centre). US EIA CBECS (2003, table E6) puts the most
# electricity-intensive activity, food sales, at 49.4 kWh/sq ft a year: 5.6 W/sq ft on average, so peaks of
# ordinary buildings stay near 15-20; data halls draw 100-300. 50 leaves every ordinary building more than
# twice its peak, and still catches Wh sent as kWh (a factor of 1,000) in any building.
MAX_POWER_W_PER_SQFT = env_int("MAX_POWER_W_PER_SQFT", 50)
# Every uploaded CSV (meter readings, temperatures) is refused with 422 before parsing when its header has more
# columns or any line more bytes than this (metering.parsers.csv_table.CsvLimits says why these defaults).
CSV_MAX_COLUMNS = env_int("CSV_MAX_COLUMNS", 1_000)
CSV_MAX_LINE_BYTES = env_int("CSV_MAX_LINE_BYTES", 64 * 1024)

# --- Meter anomalies and non-routine event candidates (mrv.calc.anomalies; README lists them) -----------
ANOMALY_SPIKE_Z = env_float("ANOMALY_SPIKE_Z", 8.0)
ANOMALY_SPIKE_MIN_RATIO = env_float("ANOMALY_SPIKE_MIN_RATIO", 2.0)
ANOMALY_FLAT_RUN_HOURS = env_float("ANOMALY_FLAT_RUN_HOURS", 6.0)
ANOMALY_ZERO_RUN_HOURS = env_float("ANOMALY_ZERO_RUN_HOURS", 2.0)
ANOMALY_SHIFT_STATISTIC = env_float("ANOMALY_SHIFT_STATISTIC", 6.0)
ANOMALY_SHIFT_MIN_PCT = env_float("ANOMALY_SHIFT_MIN_PCT", 5.0)
ANOMALY_SHIFT_MIN_DAYS = env_int("ANOMALY_SHIFT_MIN_DAYS", 14)
# Readings stored for a building's months within this many seconds are judged by one detection, after the last.
ANOMALY_DETECT_DELAY_SECONDS = env_int("ANOMALY_DETECT_DELAY_SECONDS", 60)

# --- Portfolio recompute (mrv.recompute): buildings per Celery task, their inputs read together -----------
MRV_RECOMPUTE_BATCH_SIZE = env_int("MRV_RECOMPUTE_BATCH_SIZE", 50)
