# Two commands matter: `make run` (embedded instance) and `make test` (the whole suite on the real stack).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# Where `make run` serves: PORT or HOST:PORT, as runserver takes it (e.g. make run HOST_PORT=0.0.0.0:8001).
HOST_PORT ?= 127.0.0.1:8000
# Tests use their own Celery queue so a developer's running worker never takes their tasks.
TEST_QUEUE := carbonexia-test-$(shell date +%s%N)
PYTEST_SQLITE := -m "not postgres and not worker"

.PHONY: install install-dev run test test-postgres test-sqlite fuzz lint lint-imports lint-types bench loadtest services worker clean

$(VENV)/.runtime: requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	touch $@

$(VENV)/.dev: requirements-dev.lock $(VENV)/.runtime
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.lock
	touch $@

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

run: install
	@mkdir -p var/media
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py load_demo --address $(HOST_PORT)
	$(PY) manage.py runserver $(HOST_PORT)

services: install-dev
	bash scripts/provision-test-services.sh

lint: install-dev
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	env -u DATABASE_URL -u REDIS_URL $(PY) manage.py makemigrations --check --dry-run -v1
	$(MAKE) --no-print-directory --keep-going lint-imports lint-types

# The import contracts in pyproject.toml: the order of floors, the pure cores, no service/task cycles.
lint-imports: install-dev
	$(VENV)/bin/lint-imports

# mypy with the django-stubs plugin; strict on the pure cores and on every services module (pyproject.toml).
lint-types: install-dev
	env -u DATABASE_URL -u REDIS_URL $(PY) -m mypy

# Both databases side by side (one per core); each suite's output is shown whole once it ends.
test: services lint
	$(MAKE) --no-print-directory -j2 --output-sync=target test-postgres test-sqlite

# The real stack: TimescaleDB, Redis and a Celery worker started by the fixtures.
test-postgres:
	set -a; . var/test-services.env; set +a; \
	DATABASE_URL=$$TEST_DATABASE_URL CELERY_QUEUE=$(TEST_QUEUE) MEDIA_ROOT=$$(mktemp -d) $(PY) -m pytest -q $(PYTEST_ARGS)

# The embedded default: SQLite, tasks in-process, local-memory cache; the MQTT tests still need the broker.
test-sqlite:
	$(if $(wildcard var/test-services.env),set -a; . var/test-services.env; set +a;) \
	env -u DATABASE_URL -u REDIS_URL -u TEST_DATABASE_URL MEDIA_ROOT=$$(mktemp -d) $(PY) -m pytest -q $(PYTEST_SQLITE) $(PYTEST_ARGS)

# Schema fuzzing at length: FUZZ_EXAMPLES examples per operation and mode, new ones each run, on both databases.
FUZZ_EXAMPLES ?= 100
fuzz: services
	$(MAKE) --no-print-directory test-postgres test-sqlite PYTEST_ARGS="tests/fuzz -rP $(PYTEST_ARGS)" FUZZ_EXAMPLES=$(FUZZ_EXAMPLES)

bench: services
	set -a; . var/test-services.env; set +a; $(PY) -m bench

# Locust against gunicorn (DEBUG off) + TimescaleDB + Redis + a Celery worker, all on loopback, for LOADTEST_TIME;
# fails when a request failed or the rows stored differ from the rows sent (bench/loadtest/run.py).
LOADTEST_TIME ?= 3m
loadtest: services
	set -a; . var/test-services.env; set +a; LOADTEST_TIME=$(LOADTEST_TIME) $(PY) -m bench.loadtest.run

worker: install
	$(VENV)/bin/celery -A carbonexia worker -B --loglevel=info

clean:
	rm -rf $(VENV) var/test-services.env .import_linter_cache .mypy_cache
