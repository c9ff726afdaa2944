#!/usr/bin/env bash
# Makes the real services the test suite needs reachable on loopback, installing them when they are
# not: TimescaleDB (PostgreSQL 17), Redis, Mosquitto, Tesseract, WeasyPrint's libraries and Chromium.
# Idempotent: a second run only checks and (re)starts. Writes var/test-services.env for `make test`.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
out="$here/var/test-services.env"
py="$here/.venv/bin/python"
tsdb_root=${TSDB_ROOT:-/opt/carbonexia/tsdb-trixie}
tsdb_port=${TSDB_PORT:-55432}
redis_default=redis://127.0.0.1:6379/13   # our own database number on a shared Redis

say() { printf '[provision] %s\n' "$*" >&2; }

if ! command -v apt-get >/dev/null 2>&1; then
  say "this is not a Debian-like host: start the services with 'docker compose up -d db redis' and set"
  say "TEST_DATABASE_URL=postgres://carbonexia:carbonexia@127.0.0.1:5432/carbonexia REDIS_URL=redis://127.0.0.1:6379/13"
  exit 1
fi

apt_updated=
apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing ${missing[*]}"
  if [ -z "$apt_updated" ]; then apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Tesseract for bill OCR, Pango/HarfBuzz and fonts for WeasyPrint, Chromium for the browser tests,
# docker-compose to validate docker-compose.yml (no Docker engine runs here).
apt_install tesseract-ocr tesseract-ocr-eng libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
  fonts-dejavu-core chromium ca-certificates procps docker-compose

redis_answers() { "$py" - "$1" <<'PY'
import sys, redis
try:
    redis.Redis.from_url(sys.argv[1], socket_connect_timeout=2).ping()
except Exception:
    sys.exit(1)
PY
}

timescale_answers() { "$py" - "$1" <<'PY'
import sys, psycopg
try:
    with psycopg.connect(sys.argv[1], connect_timeout=3) as conn:
        row = conn.execute("select 1 from pg_available_extensions where name = 'timescaledb'").fetchone()
except Exception:
    sys.exit(1)
sys.exit(0 if row else 2)
PY
}

# --- Redis -------------------------------------------------------------------------------------
redis_url=${REDIS_URL:-$redis_default}
if ! redis_answers "$redis_url"; then
  redis_url=$redis_default
  if ! redis_answers "$redis_url"; then
    apt_install redis-server
    say "starting redis-server on 127.0.0.1:6379"
    mkdir -p /var/lib/redis /var/log/redis
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
      --dir /var/lib/redis --logfile /var/log/redis/carbonexia-test.log
    for _ in $(seq 50); do redis_answers "$redis_url" && break; sleep 0.2; done
    redis_answers "$redis_url" || { say "redis did not start"; exit 1; }
  fi
fi

# --- Mosquitto (MQTT broker for the smart-meter consumer) -----------------------------------------
mqtt_default=mqtt://127.0.0.1:1883
mqtt_answers() { "$py" - "$1" <<'PY'
import sys
from urllib.parse import urlsplit
import paho.mqtt.client as mqtt
url = urlsplit(sys.argv[1])
client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
try:
    client.connect(url.hostname, url.port or 1883, keepalive=5)
    client.disconnect()
except Exception:
    sys.exit(1)
PY
}

mqtt_url=${MQTT_BROKER_URL:-$mqtt_default}
if ! mqtt_answers "$mqtt_url"; then
  mqtt_url=$mqtt_default
  if ! mqtt_answers "$mqtt_url"; then
    apt_install mosquitto
    # Debian's config persists sessions in /var/lib/mosquitto and, naming no listener, makes Mosquitto 2 listen
    # on loopback port 1883 only, without logins: what the tests need.
    say "starting mosquitto on 127.0.0.1:1883"
    mkdir -p /run/mosquitto /var/lib/mosquitto /var/log/mosquitto
    chown mosquitto: /run/mosquitto /var/lib/mosquitto /var/log/mosquitto 2>/dev/null || true
    mosquitto -d -c /etc/mosquitto/mosquitto.conf
    for _ in $(seq 50); do mqtt_answers "$mqtt_url" && break; sleep 0.2; done
    mqtt_answers "$mqtt_url" || { say "mosquitto did not start"; exit 1; }
  fi
fi

# --- TimescaleDB -------------------------------------------------------------------------------
debian_mirror() {
  # The mirror this host's apt already uses, so nothing else is contacted.
  { cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '/^URIs:/{print $2}'
    cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | awk '/^deb /{print $2}'
  } | grep -v security | grep -i debian | head -n1 || true
}

start_chroot_cluster() {
  local root=$1
  mountpoint -q "$root/proc" || mount -t proc proc "$root/proc"
  mountpoint -q "$root/dev/shm" || { mkdir -p "$root/dev/shm"; mount -t tmpfs -o mode=1777 shm "$root/dev/shm"; }
  local conf="$root/etc/postgresql/17/main"
  cat > "$conf/conf.d/carbonexia.conf" <<CONF
shared_preload_libraries = 'timescaledb'
port = $tsdb_port
listen_addresses = '127.0.0.1'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
timescaledb.telemetry_level = off
CONF
  grep -q '^host all all 127.0.0.1/32 trust' "$conf/pg_hba.conf" \
    || sed -i '1i host all all 127.0.0.1/32 trust' "$conf/pg_hba.conf"
  chroot "$root" pg_ctlcluster 17 main status >/dev/null 2>&1 || {
    say "starting TimescaleDB (PostgreSQL 17) from $root on 127.0.0.1:$tsdb_port"
    chroot "$root" pg_ctlcluster 17 main start
  }
}

provision_timescale_debian12() {
  if [ ! -x "$tsdb_root/usr/lib/postgresql/17/bin/postgres" ]; then
    apt_install debootstrap
    local mirror tmp
    mirror=$(debian_mirror)
    [ -n "$mirror" ] || { say "no Debian mirror found in this host's apt sources"; exit 1; }
    tmp="$tsdb_root.partial"
    rm -rf "$tmp"; mkdir -p "$tmp"
    say "building a Debian 13 root with postgresql-17-timescaledb in $tsdb_root (about a minute)"
    debootstrap --variant=minbase --include=postgresql-17,postgresql-17-timescaledb trixie "$tmp" "$mirror" >/dev/null
    mv "$tmp" "$tsdb_root"
  fi
  start_chroot_cluster "$tsdb_root"
}

provision_timescale_debian13() {
  apt_install postgresql-17 postgresql-17-timescaledb
  start_chroot_cluster /
}

# How a fault test stops and starts the test database (PostgreSQL restarted mid-request): only for the cluster
# this script runs; a database given in TEST_DATABASE_URL is someone else's to restart.
db_ctl=""
db_url=${TEST_DATABASE_URL:-}
if [ -z "$db_url" ] || ! timescale_answers "$db_url"; then
  maintenance="postgres://postgres@127.0.0.1:$tsdb_port/postgres"
  # Tests create test_carbonexia through the maintenance database; the name need not exist yet.
  db_url="postgres://postgres@127.0.0.1:$tsdb_port/carbonexia"
  if ! timescale_answers "$maintenance"; then
    . /etc/os-release
    case "${VERSION_CODENAME:-}" in
      trixie|forky|sid) provision_timescale_debian13 ;;
      *) provision_timescale_debian12 ;;
    esac
    for _ in $(seq 50); do timescale_answers "$maintenance" && break; sleep 0.2; done
    timescale_answers "$maintenance" || { say "TimescaleDB did not come up on $tsdb_port"; exit 1; }
  fi
  if [ -x "$tsdb_root/usr/lib/postgresql/17/bin/postgres" ]; then
    db_ctl="chroot $tsdb_root pg_ctlcluster 17 main"
  elif [ -d /etc/postgresql/17/main ]; then
    db_ctl="pg_ctlcluster 17 main"
  fi
fi

mkdir -p "$(dirname "$out")"
printf 'TEST_DATABASE_URL=%s\nREDIS_URL=%s\nTEST_DATABASE_CTL="%s"\n' "$db_url" "$redis_url" "$db_ctl" > "$out"
printf 'MQTT_BROKER_URL=%s\n' "$mqtt_url" >> "$out"
say "TimescaleDB: $db_url  Redis: $redis_url  Mosquitto: $mqtt_url"
