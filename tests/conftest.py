import os
import uuid
from datetime import datetime
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.utils import timezone as django_timezone
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.models import Role, User
from accounts.services import user_grant_role

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
PASSWORD = "Sturdy-Passphrase-42"


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    on_postgres = django_settings.DATABASES["default"]["ENGINE"].startswith("timescale")
    for item in items:
        if item.get_closest_marker("postgres") and not on_postgres:
            raise pytest.UsageError(f"{item.nodeid} needs PostgreSQL: deselect it with -m 'not postgres' on SQLite")
        if item.get_closest_marker("worker") and not django_settings.REDIS_URL:
            raise pytest.UsageError(f"{item.nodeid} needs Redis: deselect it with -m 'not worker' without REDIS_URL")
        if item.get_closest_marker("mqtt") and not os.environ.get("MQTT_BROKER_URL"):
            raise pytest.UsageError(
                f"{item.nodeid} needs Mosquitto: set MQTT_BROKER_URL or deselect with -m 'not mqtt'"
            )


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, request, tmp_path_factory):
    """SQLite's test database lives in memory, which no other process can open: when a test runs another
    process on it (the MQTT consumer), it lives in a file instead."""
    database = django_settings.DATABASES["default"]
    needs_file = any(item.get_closest_marker("mqtt") for item in request.session.items)
    if database["ENGINE"] == "django.db.backends.sqlite3" and needs_file:
        database.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("sqlite") / "test.sqlite3")


@pytest.fixture(autouse=True)
def _quick_hashing_and_own_cache(settings):
    settings.PASSWORD_HASHERS = ["tests.support.hashers.QuickBCryptSHA256PasswordHasher"]
    # Each test gets its own key space (throttle counters, cached results); a shared Redis is never flushed.
    settings.CACHES = {
        name: {**config, "KEY_PREFIX": f"test-{uuid.uuid4().hex}"} for name, config in django_settings.CACHES.items()
    }
    # No test reaches NOAA: a building given coordinates queues a weather fetch, which here finds nothing
    # listening (the discard port) unless the test serves GHCNh files from a local server of its own.
    settings.WEATHER_SOURCE_URL = "http://127.0.0.1:9/ghcnh"


@pytest.fixture
def clock(monkeypatch):
    """Holds Django's clock (timezone.now, which the services read once per request) at an instant the test sets:
    `clock.set("2026-03-31T18:29:59Z")`. Rules that depend on "now" are tested at the edge, never by waiting."""

    class Clock:
        def set(self, instant: str) -> datetime:
            frozen = datetime.fromisoformat(instant)
            monkeypatch.setattr(django_timezone, "now", lambda: frozen)
            return frozen

    return Clock()


@pytest.fixture
def make_user(db):
    counter = iter(range(1, 10_000))

    def make(role: str = Role.FACILITY_MANAGER, email: str | None = None) -> User:
        email = email or f"user{next(counter)}-{role}@example.test"
        user = User.objects.create_user(email=email, password=PASSWORD)
        return user if role == Role.FACILITY_MANAGER else user_grant_role(actor="tests", user=user, role=role)

    return make


@pytest.fixture
def owner(make_user):
    return make_user(email="owner@example.test")


@pytest.fixture
def outsider(make_user):
    return make_user(email="outsider@example.test")


@pytest.fixture
def verifier(make_user):
    return make_user(Role.VERIFIER, email="verifier@example.test")


def client_for(user: User | None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
    return client


@pytest.fixture
def anon():
    return APIClient()


@pytest.fixture
def as_owner(owner):
    return client_for(owner)


@pytest.fixture
def as_outsider(outsider):
    return client_for(outsider)


@pytest.fixture
def as_verifier(verifier):
    return client_for(verifier)


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker, tmp_path_factory):
    from tests.support.worker import WorkerProcess

    ARTIFACTS.mkdir(exist_ok=True)
    worker = WorkerProcess(ARTIFACTS / "celery-worker.log")
    with django_db_blocker.unblock():
        worker.start()
        try:
            worker.wait_ready()
        except Exception:
            worker.stop()
            raise
    yield worker
    worker.stop()


@pytest.fixture
def live_worker(celery_worker_process, transactional_db, django_db_serialized_rollback):
    """A test that hands work to the real worker: its rows must be committed for the worker to see.
    The serialized rollback puts back what migrations seeded (emission factors) after the flush."""
    return celery_worker_process


@pytest.fixture
def tasks_in_process():
    """Runs Celery tasks inside the test, as the embedded default does, whatever the broker."""
    from carbonexia.celery import app

    # The app reads Django's CELERY_-namespaced settings, so the override goes under that key.
    previous = app.conf["CELERY_TASK_ALWAYS_EAGER"]
    app.conf["CELERY_TASK_ALWAYS_EAGER"] = True
    yield
    app.conf["CELERY_TASK_ALWAYS_EAGER"] = previous
