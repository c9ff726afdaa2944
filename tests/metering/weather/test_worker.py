"""The fetch task on a real Celery worker process, which reads the source's URL from its environment."""

import pytest

from buildings.models import Building
from carbonexia.common.tasks import task_named
from metering.weather.models import BuildingWeather, FetchStatus, TemperatureReading
from tests.conftest import ARTIFACTS
from tests.support.waiting import wait_for
from tests.support.worker import WorkerProcess

from .source import CHOSEN


@pytest.fixture
def weather_worker(ghcnh, transactional_db, django_db_serialized_rollback, settings):
    """A worker of its own, on a queue of its own, pointed at this test's GHCNh server."""
    ARTIFACTS.mkdir(exist_ok=True)
    worker = WorkerProcess(
        ARTIFACTS / "weather-worker.log",
        queue=f"{settings.CELERY_TASK_DEFAULT_QUEUE}-weather",
        env={"WEATHER_SOURCE_URL": ghcnh.url, "WEATHER_HISTORY_YEARS": "2"},
    )
    worker.start()
    try:
        worker.wait_ready()
        yield worker
    finally:
        worker.stop()


@pytest.mark.worker
def test_a_real_worker_chooses_the_station_and_stores_the_hours(weather_worker, located):
    task_named("metering.fetch_weather").apply_async(args=(str(located.pk),), queue=weather_worker.queue)
    record = wait_for(
        lambda: BuildingWeather.objects.filter(building=located).first(),
        until=lambda found: found is not None and found.status != FetchStatus.PENDING,
    )
    assert record is not None and record.status == FetchStatus.OK, record and record.message
    station = Building.objects.get(pk=located.pk).weather_station
    assert station.source_id == f"ghcnh:{CHOSEN[0]}"
    assert record.hours_added == 60 == TemperatureReading.objects.filter(station=station, resolution="hour").count()
