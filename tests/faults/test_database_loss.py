"""PostgreSQL ends the connection of a request while it stores a large meter CSV (issue 8): the request answers
a JSON error instead of hanging, nothing of the upload is stored, and the next request is served (Django opens a
new connection). Real processes: gunicorn on the test database, and a second connection that terminates the
server's backend the moment it is seen writing the readings."""

import threading
import time

import psycopg
import pytest
from django.db import connection

from metering.models import MeterReading, Upload
from tests.conftest import PASSWORD
from tests.metering.helpers import frame_csv, make_building, quarter_hours
from tests.support.processes import AppServer

ROWS = 200_000  # five and a half years of quarter hours: the server takes seconds to store them
# The statements that move the readings: the COPY into the staging table, and the upsert out of it.
WRITING = ["COPY _incoming_metering_meterreading %", "INSERT INTO metering_meterreading %"]


@pytest.fixture
def server(tmp_path, transactional_db, django_db_serialized_rollback):
    # Stored in the request, not by a worker; connections kept between requests, as in production.
    process = AppServer(tmp_path, METER_CSV_ASYNC_ROWS=str(2 * ROWS), DB_CONN_MAX_AGE="60")
    yield process
    process.stop()


class BackendKiller(threading.Thread):
    """Polls pg_stat_activity from its own connection; terminates the server's backend once it runs one of the
    statements that write the readings."""

    def __init__(self, deadline_seconds: float = 120):
        super().__init__(daemon=True)
        self.deadline = time.monotonic() + deadline_seconds
        self.done = threading.Event()
        self.killed: str | None = None

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
                    watcher.execute("SELECT pg_terminate_backend(%s)", [found[0]])
                    self.killed = found[1][:80]
                    return
                time.sleep(0.005)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_database_connection_lost_while_storing_an_upload_stores_nothing_and_the_next_request_works(owner, server):
    building = make_building(owner)
    api = server.login(owner.email, PASSWORD)
    large = frame_csv(quarter_hours("2019-01-01", ROWS, building.timezone))
    upload = {"files": {"file": ("meter.csv", large, "text/csv")}, "data": {"building_id": str(building.pk)}}

    killer = BackendKiller()
    killer.start()
    answer = api.post(f"{server.base}/meter/upload-csv", **upload, timeout=120)
    killer.done.set()
    killer.join(timeout=10)

    assert killer.killed, "the upload finished before its backend was seen storing it; raise ROWS"
    assert answer.status_code >= 500, (killer.killed, answer.status_code, answer.text)
    assert answer.headers["Content-Type"] == "application/json"
    assert answer.json()["code"] == "database_unavailable"
    assert int(answer.headers["Retry-After"]) > 0
    assert not Upload.objects.filter(building=building).exists()
    assert not MeterReading.objects.filter(building=building).exists()

    small = frame_csv(quarter_hours("2019-01-01", 96, building.timezone))
    again = api.post(
        f"{server.base}/meter/upload-csv",
        files={"file": ("meter.csv", small, "text/csv")},
        data={"building_id": str(building.pk)},
        timeout=60,
    )
    assert again.status_code == 201, again.text
    assert again.json()["inserted"] == 96
    assert MeterReading.objects.filter(building=building).count() == 96
