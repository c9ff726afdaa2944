"""Anomaly detection after ingest, on the real worker: batches stored for the same months within
ANOMALY_DETECT_DELAY_SECONDS are judged by one detection, after the last of them, and what is stored once that
detection has started queues another."""

import pandas as pd
import pytest
from django.core.cache import cache
from django_celery_results.models import TaskResult

from metering.readings.services import meter_readings_ingest
from mrv.anomalies import detection_queued_key
from mrv.cache_keys import key_state
from tests.metering.helpers import make_building
from tests.support.waiting import wait_for

pytestmark = [pytest.mark.worker]


def _batch(building, start: str) -> None:
    times = pd.date_range(start, periods=96, freq="15min", tz=building.timezone)
    meter_readings_ingest(building=building, frame=pd.DataFrame({"ts": times, "kwh": 10.0}), source="API")


def _detections(building) -> list[TaskResult]:
    return list(TaskResult.objects.filter(task_name="mrv.detect_anomalies", task_args__contains=str(building.pk)))


def _january_judged(building) -> bool:
    """Whether January's anomalies are cached for the building's data as it is now."""
    month = pd.Period("2025-01", freq="M")
    return cache.get(key_state(building).key(building=building, first=month, last=month, kind="anomalies")) is not None


@pytest.fixture
def worker_cache(settings):
    """The worker's key space (no test prefix), so that this test sees the marks and results the worker leaves,
    as the web processes do; the building's fresh id keeps the keys apart from any other test's."""
    settings.CACHES = {name: {**config, "KEY_PREFIX": ""} for name, config in settings.CACHES.items()}


def test_batches_within_the_delay_are_judged_once_after_the_last(live_worker, worker_cache, owner, settings):
    settings.ANOMALY_DETECT_DELAY_SECONDS = 3
    building = make_building(owner)
    for day in ("2025-01-10", "2025-01-11", "2025-01-12"):
        _batch(building, day)
    assert cache.get(detection_queued_key(str(building.pk), "2025-01", "2025-01")) is True
    # Judged on the data of all three batches: the cached result is under the latest data version.
    assert wait_for(lambda: _january_judged(building), until=bool)
    done = wait_for(lambda: _detections(building), until=lambda found: found and found[0].status == "SUCCESS")
    assert len(done) == 1
    assert cache.get(detection_queued_key(str(building.pk), "2025-01", "2025-01")) is None

    _batch(building, "2025-01-13")
    assert not _january_judged(building)
    assert wait_for(lambda: _january_judged(building), until=bool)
    assert len(wait_for(lambda: _detections(building), until=lambda found: len(found) == 2)) == 2
