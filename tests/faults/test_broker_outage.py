"""The task queue's Redis dies under a running server (issue 8): whatever would enqueue work answers 503 with
Retry-After and stores nothing; reads go on being served. Real processes: a redis-server of the test's own and
gunicorn on the test database, driven over HTTP."""

import pytest

from metering.bills.models import UtilityBill
from metering.uploads.models import Upload
from mrv.services import baseline_calculate
from reports.models import Report
from tests.conftest import PASSWORD
from tests.metering.bill_rows import BLANK_PNG
from tests.metering.helpers import frame_csv, quarter_hours
from tests.mrv import builders
from tests.support.processes import AppServer, RedisProcess

ASYNC_ROWS = 50  # the server hands CSVs longer than this to a worker


@pytest.fixture
def redis(tmp_path):
    process = RedisProcess(tmp_path)
    yield process
    process.stop()


@pytest.fixture
def server(redis, tmp_path, transactional_db, django_db_serialized_rollback):
    process = AppServer(tmp_path, REDIS_URL=redis.url, METER_CSV_ASYNC_ROWS=str(ASYNC_ROWS))
    yield process
    process.stop()


def _stored() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in (Upload, UtilityBill, Report)}


def _unavailable(answer) -> None:
    assert answer.status_code == 503, answer.text
    assert answer.headers["Content-Type"] == "application/json"
    assert int(answer.headers["Retry-After"]) > 0
    assert answer.json()["code"] == "queue_unavailable"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_with_the_broker_down_enqueueing_is_503_and_stores_nothing_while_reads_go_on(owner, redis, server):
    building, _ = builders.two_years(owner, interval="1D")
    baseline_calculate(actor=owner, building=building)
    api = server.login(owner.email, PASSWORD)
    bill = {"files": {"file": ("bill.png", BLANK_PNG, "image/png")}, "data": {"building_id": str(building.pk)}}
    large_csv = frame_csv(quarter_hours("2025-06-01", ASYNC_ROWS + 10, building.timezone))
    csv = {"files": {"file": ("meter.csv", large_csv, "text/csv")}, "data": {"building_id": str(building.pk)}}
    report = {"building_id": str(building.pk), "period_start": "2024-04-01", "period_end": "2024-06-30"}
    # While the broker is up each of them is accepted, so the 503s below are the outage's doing.
    assert api.post(f"{server.base}/meter/upload-bill", **bill, timeout=30).status_code == 202
    assert api.post(f"{server.base}/meter/upload-csv", **csv, timeout=30).status_code == 202
    assert api.post(f"{server.base}/reports/generate", json=report, timeout=30).status_code == 202
    before = _stored()

    redis.stop()

    _unavailable(api.post(f"{server.base}/meter/upload-bill", **bill, timeout=30))
    _unavailable(api.post(f"{server.base}/meter/upload-csv", **csv, timeout=30))
    _unavailable(api.post(f"{server.base}/reports/generate", json=report, timeout=30))
    assert _stored() == before

    listed = api.get(f"{server.base}/buildings", timeout=30)
    assert listed.status_code == 200 and listed.json()["count"] == 1
    summary = api.get(f"{server.base}/mrv/{building.pk}/summary", params={"period": "2024-06"}, timeout=60)
    assert summary.status_code == 200 and summary.json()["eligible"] is True
    health = api.get(f"{server.base}/health", timeout=30)
    assert health.status_code == 200
    assert health.json()["database"] == "ok" and health.json()["cache"] == "unavailable"
