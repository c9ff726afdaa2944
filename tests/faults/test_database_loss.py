"""PostgreSQL ends the connection of a request while it stores a large meter CSV, or is restarted under it (issue 8):
the request answers a JSON error instead of hanging, nothing of the upload is stored, and the next request is served
(Django opens a new connection). Real processes: gunicorn on the test database, and a second connection that watches
for the server's backend writing the readings, then terminates that backend or stops PostgreSQL itself."""

import os
import shlex
import subprocess
import threading
import time
from collections.abc import Callable

import psycopg
import pytest
import requests
from django.db import connection

from metering.readings.models import MeterReading
from metering.uploads.models import Upload
from tests.conftest import PASSWORD
from tests.metering.helpers import frame_csv, make_building, quarter_hours
from tests.support.processes import AppServer

ROWS = 200_000  # five and a half years of quarter hours: the server takes seconds to store them
# The statements that move the readings: the COPY into the staging table, and the upsert out of it.
WRITING = [
    "COPY _incoming_metering_meterreading %",
    "COPY metering_meterreading %",
    "INSERT INTO metering_meterreading %",
]


@pytest.fixture
def server(tmp_path, transactional_db, django_db_serialized_rollback):
    # Stored in the request, not by a worker; connections kept between requests, as in production.
    process = AppServer(tmp_path, METER_CSV_ASYNC_ROWS=str(2 * ROWS), DB_CONN_MAX_AGE="60")
    yield process
    process.stop()


# How to stop and start the test database (scripts/provision-test-services.sh names it for its own cluster).
DATABASE_CTL = shlex.split(os.environ.get("TEST_DATABASE_CTL", ""))


class WhenWriting(threading.Thread):
    """Polls pg_stat_activity from its own connection; once the server's backend runs one of the statements that
    write the readings, calls `act` with that backend's pid and the watching connection."""

    def __init__(self, act: Callable[[int, psycopg.Connection], None], deadline_seconds: float = 120):
        super().__init__(daemon=True)
        self.act = act
        self.deadline = time.monotonic() + deadline_seconds
        self.done = threading.Event()
        self.seen: str | None = None

    def run(self) -> None:
        db = connection.settings_dict
        credentials = {"host": db["HOST"], "port": db["PORT"], "user": db["USER"], "password": db["PASSWORD"]}
        with psycopg.connect(**credentials, dbname=db["NAME"], autocommit=True) as watcher:
            while not self.done.is_set() and time.monotonic() < self.deadline:
                found = watcher.execute(
                    "SELECT pid, query FROM pg_stat_activity WHERE application_name = %s AND state = 'active' "
                    "AND query LIKE ANY(%s)",
                    [AppServer.APPLICATION_NAME, WRITING],
                ).fetchone()
                if found:
                    self.seen = found[1][:80]
                    self.act(found[0], watcher)
                    return
                time.sleep(0.005)


def _terminate_backend(pid: int, watcher: psycopg.Connection) -> None:
    watcher.execute("SELECT pg_terminate_backend(%s)", [pid])


def _stop_postgresql(pid: int, watcher: psycopg.Connection) -> None:
    subprocess.run([*DATABASE_CTL, "stop", "-m", "fast"], check=True, capture_output=True)


def _upload(api, server, building, rows: int):
    csv = frame_csv(quarter_hours("2019-01-01", rows, building.timezone))
    files = {"file": ("meter.csv", csv, "text/csv")}
    return api.post(f"{server.base}/meter/upload-csv", files=files, data={"building_id": str(building.pk)}, timeout=120)


def _assert_unavailable(answer) -> None:
    assert answer.status_code == 503, answer.text
    assert answer.headers["Content-Type"] == "application/json"
    assert answer.json()["code"] == "database_unavailable"
    assert int(answer.headers["Retry-After"]) > 0


def _assert_nothing_stored_then_the_next_upload_works(api, server, building) -> None:
    assert not Upload.objects.filter(building=building).exists()
    assert not MeterReading.objects.filter(building=building).exists()
    again = _upload(api, server, building, 96)
    assert again.status_code == 201, again.text
    assert again.json()["inserted"] == 96
    assert MeterReading.objects.filter(building=building).count() == 96


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_database_connection_lost_while_storing_an_upload_stores_nothing_and_the_next_request_works(owner, server):
    building = make_building(owner)
    api = server.login(owner.email, PASSWORD)
    killer = WhenWriting(_terminate_backend)
    killer.start()
    answer = _upload(api, server, building, ROWS)
    killer.done.set()
    killer.join(timeout=10)

    assert killer.seen, "the upload finished before its backend was seen storing it; raise ROWS"
    _assert_unavailable(answer)
    _assert_nothing_stored_then_the_next_upload_works(api, server, building)


@pytest.mark.postgres
@pytest.mark.skipif(not DATABASE_CTL, reason="TEST_DATABASE_CTL names no command to stop and start the test database")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_postgresql_restarted_during_an_upload_stores_nothing_and_service_resumes(owner, server):
    building = make_building(owner)
    api = server.login(owner.email, PASSWORD)
    stopper = WhenWriting(_stop_postgresql)
    stopper.start()
    try:
        answer = _upload(api, server, building, ROWS)
        stopper.done.set()
        stopper.join(timeout=60)
        assert stopper.seen, "the upload finished before its backend was seen storing it; raise ROWS"
        _assert_unavailable(answer)
        # While PostgreSQL is down: health says so, and reads are a clear 503, not a hang or a traceback.
        health = requests.get(f"{server.base}/health", timeout=30)
        assert health.status_code == 503 and health.json()["database"] == "unavailable"
        _assert_unavailable(api.get(f"{server.base}/buildings/{building.pk}", timeout=30))
    finally:
        subprocess.run([*DATABASE_CTL, "start"], check=True, capture_output=True)
        connection.close()  # this process's own connection ended with the server
    _assert_nothing_stored_then_the_next_upload_works(api, server, building)
