import logging

from celery import shared_task
from django.utils import timezone

from buildings.models import Building
from carbonexia.common.tasks import committed

from .fetching import building_weather_fail, building_weather_fetch, stations_refresh, weather_top_up

log = logging.getLogger(__name__)

# A first fetch downloads three year files of up to a few tens of MB each; under the broker's visibility timeout.
FETCH_SOFT_TIME_LIMIT, FETCH_TIME_LIMIT = 540, 600


@shared_task(
    bind=True,
    name="metering.fetch_weather",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=FETCH_SOFT_TIME_LIMIT,
    time_limit=FETCH_TIME_LIMIT,
)
def fetch_weather(self, building_id: str) -> str:
    building = committed(self, Building, building_id)
    try:
        return building_weather_fetch(building=building).status
    except Exception as error:
        log.exception("The weather of building %s could not be fetched", building_id)
        building_weather_fail(building_id=building_id, reason=f"The fetch broke off: {type(error).__name__}.")
        return "failed"


@shared_task(
    name="metering.refresh_weather_stations",
    acks_late=True,
    soft_time_limit=FETCH_SOFT_TIME_LIMIT,
    time_limit=FETCH_TIME_LIMIT,
)
def refresh_weather_stations() -> int:
    return stations_refresh(now=timezone.now())


@shared_task(name="metering.top_up_weather", acks_late=True)
def top_up_weather() -> int:
    return weather_top_up()
