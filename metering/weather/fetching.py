"""Every write of fetched weather: the cached station list, the choice of a building's station, and its hourly
temperatures, stored through the same ingestion service as an API batch (bounds, idempotent upsert, audit)."""

import math
from datetime import datetime, timedelta

import numpy as np
import pandas as pd
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from buildings.models import Building, WeatherStation
from buildings.services import building_station_link, station_for_source
from carbonexia.audit.services import audit_record
from carbonexia.common.tasks import enqueue

from ..parsers import InvalidInput
from ..parsers.ghcnh import inventory_coverage, parse_hourly_psv, parse_inventory, parse_station_list
from . import source
from .choice import MAX_DISTANCE_KM, Assessed, Candidate, ranked
from .models import BuildingWeather, FetchStatus, SourceStation, TemperatureReading, TemperatureResolution
from .services import temperature_batch_ingest

ACTOR = "weather fetch (NOAA GHCNh)"
INVENTORY_YEARS = 3
CANDIDATES_KEPT = 5
KM_PER_DEGREE_LATITUDE = 111.2
UPSERT_BATCH = 2000
AUDITED_CHANGES = 100


def reference_year(now: datetime) -> int:
    """Coverage is judged on the last complete calendar year."""
    return now.year - 1


@transaction.atomic
def weather_fetch_request(*, building: Building) -> BuildingWeather:
    """Marks the building's weather as waiting and queues its fetch, in the caller's transaction."""
    record, _ = BuildingWeather.objects.update_or_create(
        building=building,
        defaults={"status": FetchStatus.PENDING, "message": "Queued for the worker.", "requested_at": timezone.now()},
    )
    enqueue("metering.fetch_weather", str(building.pk))
    return record


def weather_top_up() -> int:
    """Queues a fetch for every located building; each fetch adds the hours not yet stored and updates those of the
    trailing window that NOAA has corrected since."""
    located = Building.objects.filter(latitude__isnull=False, longitude__isnull=False).values_list("pk", flat=True)
    count = 0
    for building_id in located.iterator():
        enqueue("metering.fetch_weather", str(building_id))
        count += 1
    return count


def stations_refresh(*, now: datetime) -> int:
    """Downloads the station list and the recent inventory and replaces the cached list with them."""
    listed = source.download(source.STATION_LIST_PATH)
    if listed is None:
        raise source.SourceUnreachable("the GHCNh station list is missing (HTTP 404)")
    stations = parse_station_list(listed)
    years = set(range(now.year - INVENTORY_YEARS, now.year + 1))
    inventory = parse_inventory(source.lines(source.INVENTORY_PATH), years=years)
    rows = [
        SourceStation(
            station_id=station.station_id,
            name=station.name[:200],
            latitude=station.latitude,
            longitude=station.longitude,
            elevation_m=station.elevation_m,
            country=station.country,
            inventory={str(year): months for year, months in inventory.get(station.station_id, {}).items()},
            refreshed_at=now,
        )
        for station in stations
    ]
    with transaction.atomic():
        SourceStation.objects.bulk_create(
            rows,
            batch_size=UPSERT_BATCH,
            update_conflicts=True,
            unique_fields=["station_id"],
            update_fields=["name", "latitude", "longitude", "elevation_m", "country", "inventory", "refreshed_at"],
        )
        SourceStation.objects.filter(refreshed_at__lt=now).delete()
    return len(rows)


def _stations_current(now: datetime) -> None:
    oldest_accepted = now - timedelta(days=settings.WEATHER_STATION_LIST_MAX_AGE_DAYS)
    if not SourceStation.objects.filter(refreshed_at__gte=oldest_accepted).exists():
        stations_refresh(now=now)


def _nearby(building: Building) -> list[SourceStation]:
    """The cached stations in a box around the building that holds every station within MAX_DISTANCE_KM."""
    assert building.latitude is not None and building.longitude is not None
    dlat = MAX_DISTANCE_KM / KM_PER_DEGREE_LATITUDE
    near = SourceStation.objects.filter(latitude__range=(building.latitude - dlat, building.latitude + dlat))
    cos_lat = math.cos(math.radians(min(89.0, abs(building.latitude) + dlat)))
    dlon = dlat / cos_lat
    if abs(building.longitude) + dlon < 180:  # no box across the antimeridian: there the distance filters alone
        near = near.filter(longitude__range=(building.longitude - dlon, building.longitude + dlon))
    return list(near)


def _candidate(station: SourceStation, year: int) -> Candidate:
    months = station.inventory.get(str(year))
    return Candidate(
        station_id=station.station_id,
        name=station.name,
        latitude=station.latitude,
        longitude=station.longitude,
        elevation_m=station.elevation_m,
        coverage=inventory_coverage(months, year) if months else 0.0,
    )


def _considered(assessed: list[Assessed]) -> list[dict[str, str]]:
    return [
        {
            "station_id": a.candidate.station_id,
            "name": a.candidate.name,
            "description": a.description,
            "refused": a.refused,
        }
        for a in assessed[:CANDIDATES_KEPT]
    ]


def _latest_hour(station: WeatherStation) -> datetime | None:
    return (
        TemperatureReading.objects.filter(station=station, resolution=TemperatureResolution.HOUR)
        .order_by("-time")
        .values_list("time", flat=True)
        .first()
    )


def _stored_hours(station: WeatherStation, since: datetime | None) -> pd.Series:
    """The station's hourly temperatures after `since` (all when None), by UTC instant."""
    rows = TemperatureReading.objects.filter(station=station, resolution=TemperatureResolution.HOUR)
    if since is not None:
        rows = rows.filter(time__gt=since)
    frame = pd.DataFrame.from_records(list(rows.values_list("time", "temperature_c")), columns=["ts", "t"])
    return pd.Series(frame["t"].to_numpy(dtype=float), index=pd.DatetimeIndex(frame["ts"], tz="UTC"))


def _fetch_hours(station: WeatherStation, station_id: str, now: datetime) -> tuple[int, int]:
    """Stores the hours the source has that are new, and those of the trailing window (WEATHER_CORRECTION_WINDOW_DAYS
    before the latest stored hour) whose value NOAA has since corrected; returns how many of each. Hours the source
    repeats unchanged are not written again, so fetching twice changes nothing."""
    latest = _latest_hour(station)
    since = latest - timedelta(days=settings.WEATHER_CORRECTION_WINDOW_DAYS) if latest else None
    first_year = since.year if since else now.year - settings.WEATHER_HISTORY_YEARS + 1
    frames = []
    for year in range(first_year, now.year + 1):
        data = source.download(source.hourly_path(station_id, year))
        if data is not None:  # None: the station reported nothing that year
            frames.append(parse_hourly_psv(data).frame)
    if not frames:
        return 0, 0
    # An hour near New Year can come in two year files: the later file's report is taken, the same every night.
    fetched = pd.concat(frames, ignore_index=True).drop_duplicates("ts", keep="last")
    wanted = fetched["ts"] <= pd.Timestamp(now)
    if since is not None:
        wanted &= fetched["ts"] > pd.Timestamp(since)
    fetched = fetched[wanted]
    stored = _stored_hours(station, since)
    before = stored.reindex(pd.DatetimeIndex(fetched["ts"])).to_numpy()
    known = ~np.isnan(before)
    changed = known & ~np.isclose(before, fetched["temperature_c"].to_numpy(), rtol=0, atol=1e-9)
    written = fetched[~known | changed]
    if written.empty:
        return 0, 0
    items = [
        {"timestamp": ts.isoformat(), "temperature_c": value}
        for ts, value in zip(written["ts"], written["temperature_c"], strict=True)
    ]
    with transaction.atomic():
        counts = temperature_batch_ingest(actor=ACTOR, station=station, items=items)
        if changed.any():
            _audit_corrections(station, fetched["ts"][changed], before[changed], fetched["temperature_c"][changed])
    return counts.inserted, counts.updated


def _audit_corrections(station: WeatherStation, times: pd.Series, before: np.ndarray, after: pd.Series) -> None:
    """What NOAA changed in stored hours: how many, and each hour's old and new value (the first AUDITED_CHANGES)."""
    changes = [
        {"time": ts.isoformat(), "before": float(old), "after": float(new)}
        for ts, old, new in zip(times[:AUDITED_CHANGES], before[:AUDITED_CHANGES], after[:AUDITED_CHANGES], strict=True)
    ]
    audit_record(
        actor=ACTOR,
        action="temperatures.corrected",
        obj=station,
        after={"hours": len(times), "changes": changes, "listed": len(changes)},
    )


def building_weather_fetch(*, building: Building) -> BuildingWeather:
    """Chooses the building's station from the cached list (refreshing it when stale), links the building to it
    and stores its new hourly temperatures. What cannot be done is the record's status and message."""
    now = timezone.now()
    record, _ = BuildingWeather.objects.get_or_create(building=building, defaults={"requested_at": now})
    record.last_attempt_at = now
    try:
        record = _fetch(record, building, now)
    except source.SourceUnreachable as error:
        record.status = FetchStatus.UNREACHABLE
        record.message = (
            f"The weather source could not be reached: {error}. Stored temperatures are kept and CSV uploads "
            "still work; the nightly top-up tries again."
        )[:500]
    except InvalidInput as error:
        record.status, record.message = (
            FetchStatus.FAILED,
            f"The weather source sent data we cannot read: {error}"[:500],
        )
    record.save()
    return record


def _fetch(record: BuildingWeather, building: Building, now: datetime) -> BuildingWeather:
    if building.latitude is None or building.longitude is None:
        record.status, record.message = FetchStatus.NO_STATION, "The building has no coordinates."
        return record
    _stations_current(now)
    year = reference_year(now)
    candidates = [_candidate(station, year) for station in _nearby(building)]
    assessed = ranked(
        candidates,
        latitude=building.latitude,
        longitude=building.longitude,
        elevation_m=building.elevation_m,
        year=year,
    )
    record.candidates = _considered(assessed)
    if not assessed or assessed[0].refused:
        record.status, record.source_station, record.chosen_because = FetchStatus.NO_STATION, None, ""
        record.message = (
            f"No station within {MAX_DISTANCE_KM:.0f} km is suitable"
            + (f"; the nearest is {assessed[0].description}, {assessed[0].refused}." if assessed else ".")
            + " Upload temperatures as CSV instead."
        )[:500]
        return record
    chosen = assessed[0]
    listed = SourceStation.objects.get(station_id=chosen.candidate.station_id)
    station = station_for_source(
        owner=building.owner,
        source_id=f"ghcnh:{listed.station_id}",
        name=f"{listed.name} (NOAA GHCNh {listed.station_id})",
        latitude=listed.latitude,
        longitude=listed.longitude,
        timezone_name=building.timezone,
    )
    building_station_link(actor=ACTOR, building=building, station=station)
    record.source_station, record.chosen_because = listed, chosen.description
    record.hours_added, record.hours_corrected = _fetch_hours(station, listed.station_id, now)
    record.status, record.last_success_at = FetchStatus.OK, now
    record.message = f"{record.hours_added} new hours stored from {listed.name}" + (
        f"; {record.hours_corrected} stored hours corrected by NOAA were updated." if record.hours_corrected else "."
    )
    return record


def building_weather_fail(*, building_id: str, reason: str) -> None:
    """An attempt that broke off unexpectedly (a time limit, a bug) still leaves a status that says so."""
    BuildingWeather.objects.filter(building_id=building_id).update(
        status=FetchStatus.FAILED, message=reason[:500], last_attempt_at=timezone.now()
    )


def on_building_located(sender: type[Building], *, building: Building, **kwargs: object) -> None:
    """buildings' `building_located` signal: the coordinates changed, so the weather of the new place is fetched."""
    weather_fetch_request(building=building)
