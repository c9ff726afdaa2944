"""Static files with DEBUG off: content-hashed, compressed names from the manifest `collectstatic` writes.

A host where collectstatic never ran has no manifest, and the strict manifest storage failed every page that
names a static file. Here the URLs are then the files' plain names, which WhiteNoise serves straight from the
apps' static directories (WHITENOISE_USE_FINDERS, see settings), and `check --deploy` says to collect them.
The API needs no static files at all, so one forgotten deploy step does not take it down.
"""

from django.conf import settings
from django.core import checks
from whitenoise.storage import CompressedManifestStaticFilesStorage  # type: ignore[import-untyped]


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    def stored_name(self, name):
        # Collected but missing from the manifest stays an error: that is a file the deploy lost.
        return super().stored_name(name) if settings.STATIC_COLLECTED else name


@checks.register(checks.Tags.staticfiles, deploy=True)
def static_files_collected(app_configs, **kwargs) -> list[checks.CheckMessage]:
    if settings.DEBUG or settings.STATIC_COLLECTED:
        return []
    return [
        checks.Warning(
            f"Static files have not been collected into STATIC_ROOT ({settings.STATIC_ROOT}): pages work, but their "
            "styles and scripts are served from the apps' directories without content hashes, compression or "
            "long-lived caching.",
            hint="Run `python manage.py collectstatic --noinput` on every deploy, then restart the server.",
            id="carbonexia.W001",
        )
    ]
