"""The real fetching code against a local server that serves GHCNh's own formats under NCEI's paths."""

from datetime import UTC, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from buildings.models import Building
from carbonexia.audit.models import AuditEvent
from carbonexia.common.tasks import task_named
from metering.weather.fetching import building_weather_fetch, weather_top_up
from metering.weather.models import BuildingWeather, FetchStatus, SourceStation, TemperatureReading
from metering.weather.models import TemperatureResolution as Resolution
from metering.weather.source import STATION_LIST_PATH, hourly_path

from ..helpers import make_building
from .source import CHOSEN, CLOSE_PATCHY, FULL_2025, NOW, hourly

pytestmark = pytest.mark.django_db


def hours_of(building):
    return TemperatureReading.objects.filter(station=building.weather_station, resolution=Resolution.HOUR)


def test_the_station_list_is_fetched_once_and_cached(ghcnh, located, clock):
    clock.set(NOW)
    building_weather_fetch(building=located)
    assert SourceStation.objects.count() == 3
    assert SourceStation.objects.get(station_id=CHOSEN[0]).inventory == {"2025": FULL_2025}
    building_weather_fetch(building=located)
    listed = [path for path in ghcnh.requested if path.endswith(STATION_LIST_PATH)]
    assert len(listed) == 1


def test_the_station_list_is_refreshed_when_a_month_old(ghcnh, located, clock):
    clock.set(NOW)
    building_weather_fetch(building=located)
    clock.set("2026-02-08T12:00:00+00:00")
    building_weather_fetch(building=located)
    assert len([path for path in ghcnh.requested if path.endswith(STATION_LIST_PATH)]) == 2


def test_the_chosen_station_is_linked_with_the_reason_in_words(ghcnh, located, clock):
    clock.set(NOW)
    record = building_weather_fetch(building=located)
    located.refresh_from_db()
    assert record.status == FetchStatus.OK
    assert record.chosen_because == "12 km away, 40 m lower, 100 % of hours in 2025"
    assert located.weather_station.source_id == f"ghcnh:{CHOSEN[0]}"
    assert located.weather_station.owner == located.owner
    considered = {c["station_id"]: c["refused"] for c in record.candidates}
    assert considered == {CHOSEN[0]: "", CLOSE_PATCHY[0]: "reported in fewer than 80 % of the hours of 2025"}


def test_hourly_temperatures_go_into_the_station_table_through_the_ingestion_service(ghcnh, located, clock):
    clock.set(NOW)
    record = building_weather_fetch(building=located)
    located.refresh_from_db()
    # 2025 file: 24 reports at :51 from 2025-12-31 00:51 → hours 01:00 .. 2026-01-01 00:00. 2026 file: 36
    # reports from 2025-12-31 23:59+:51 → 2026-01-01 00:50 .. → hours 2026-01-01 01:00 .. 2026-01-02 12:00;
    # the hour 2026-01-01 00:00 of the 2026 file is already stored from the 2025 one. 24 + 36 = 60 hours.
    assert record.hours_added == 60 == hours_of(located).count()
    first = hours_of(located).order_by("time").first()
    assert first.time == datetime(2025, 12, 31, 1, tzinfo=UTC) and first.temperature_c == 0.0
    assert TemperatureReading.objects.filter(station=located.weather_station, resolution=Resolution.MEAN).exists()
    audit = AuditEvent.objects.filter(action="temperatures.ingested").order_by("occurred_at")
    assert [event.actor_label for event in audit] == ["weather fetch (NOAA GHCNh)"]  # both year files, one batch


def test_a_top_up_adds_only_the_new_hours(ghcnh, located, clock):
    clock.set(NOW)
    building_weather_fetch(building=located)
    stored = {r.time: r.temperature_c for r in hours_of(located)}
    ghcnh.put(hourly_path(CHOSEN[0], 2026), hourly(CHOSEN[0], datetime(2025, 12, 31, 23, 59, tzinfo=UTC), 60))
    ghcnh.requested.clear()
    clock.set("2026-01-04T12:00:00+00:00")
    record = building_weather_fetch(building=located)
    assert record.hours_added == 24 and hours_of(located).count() == 84
    assert {r.time: r.temperature_c for r in hours_of(located) if r.time in stored} == stored
    # The year files from that of the correction window's start (30 days before the latest stored hour) are read.
    assert [p for p in ghcnh.requested if "/access/" in p] == [
        f"/oa/ghcnh/hourly/{hourly_path(CHOSEN[0], year)}" for year in (2025, 2026)
    ]


def _corrected(data: bytes, instant: str, value: float) -> bytes:
    """The year file with the report at `instant` (as written in DATE) given another temperature."""
    lines = data.decode().splitlines()
    for i, line in enumerate(lines):
        fields = line.split("|")
        if fields[2] == instant:
            fields[11] = str(value)
            lines[i] = "|".join(fields)
    return ("\n".join(lines) + "\n").encode()


def test_a_top_up_updates_the_hours_noaa_corrected_within_the_window_and_audits_each(ghcnh, located, clock):
    clock.set(NOW)
    building_weather_fetch(building=located)
    located.refresh_from_db()
    path = hourly_path(CHOSEN[0], 2026)
    # The report of 2026-01-02 00:50 stands for 01:00 (report 24 of the file: 2.4 °C); NOAA now says 7.5 °C.
    ghcnh.put(path, _corrected(ghcnh.files[f"/oa/ghcnh/hourly/{path}"], "2026-01-02T00:50:00", 7.5))
    clock.set("2026-01-03T13:00:00+00:00")
    record = building_weather_fetch(building=located)
    assert (record.hours_added, record.hours_corrected) == (0, 1)
    assert "1 stored hours corrected by NOAA were updated" in record.message
    hour = hours_of(located).get(time=datetime(2026, 1, 2, 1, tzinfo=UTC))
    assert hour.temperature_c == 7.5 and hours_of(located).count() == 60
    (audit,) = AuditEvent.objects.filter(action="temperatures.corrected")
    assert audit.after["changes"] == [{"time": "2026-01-02T01:00:00+00:00", "before": 2.4, "after": 7.5}]
    # The same file again changes nothing and audits nothing more.
    again = building_weather_fetch(building=located)
    assert (again.hours_added, again.hours_corrected) == (0, 0)
    assert AuditEvent.objects.filter(action="temperatures.corrected").count() == 1


def test_a_correction_older_than_the_window_is_left_as_stored(ghcnh, located, clock, settings):
    clock.set(NOW)
    building_weather_fetch(building=located)
    settings.WEATHER_CORRECTION_WINDOW_DAYS = 1  # the latest stored hour is 2026-01-02 12:00
    path = hourly_path(CHOSEN[0], 2025)
    ghcnh.put(path, _corrected(ghcnh.files[f"/oa/ghcnh/hourly/{path}"], "2025-12-31T05:51:00", 30.0))
    record = building_weather_fetch(building=located)
    assert record.hours_corrected == 0
    assert hours_of(located).get(time=datetime(2025, 12, 31, 6, tzinfo=UTC)).temperature_c == 0.5


def test_the_admin_lists_each_buildings_weather_read_only(ghcnh, located, clock, admin_client):
    clock.set(NOW)
    building_weather_fetch(building=located)
    client = admin_client
    page = client.get("/admin/metering/buildingweather/")
    assert page.status_code == 200
    text = page.content.decode()
    # 60 hours stored of the 720 in the 30 days to now.
    assert located.name in text and CHOSEN[0] in text and "Fetched" in text and "8%" in text
    assert "60 new hours stored from LA GUARDIA TEST." in text
    record = BuildingWeather.objects.get(building=located)
    assert client.get("/admin/metering/buildingweather/add/").status_code == 403
    change = client.post(f"/admin/metering/buildingweather/{record.pk}/change/", {"status": "failed"})
    assert change.status_code == 403 and BuildingWeather.objects.get(pk=record.pk).status == FetchStatus.OK


def test_a_verifier_reads_the_weather_status_page(ghcnh, located, clock, client, verifier):
    clock.set(NOW)
    building_weather_fetch(building=located)
    client.force_login(verifier)
    page = client.get("/admin/metering/buildingweather/")
    assert page.status_code == 200 and located.name in page.content.decode()
    assert client.get("/admin/metering/buildingweather/add/").status_code == 403


def test_fetching_again_changes_nothing(ghcnh, located, clock):
    clock.set(NOW)
    building_weather_fetch(building=located)
    before = list(hours_of(located).order_by("time").values_list("time", "temperature_c"))
    again = building_weather_fetch(building=located)
    assert again.status == FetchStatus.OK and again.hours_added == 0
    assert list(hours_of(located).order_by("time").values_list("time", "temperature_c")) == before


def test_hours_dated_after_now_are_left_for_later(ghcnh, located, clock):
    clock.set("2026-01-01T06:30:00+00:00")
    building_weather_fetch(building=located)
    assert hours_of(located).order_by("-time").first().time == datetime(2026, 1, 1, 6, tzinfo=UTC)


def test_an_unreachable_source_is_the_status_and_breaks_nothing(ghcnh, located, clock, as_owner):
    clock.set(NOW)
    building_weather_fetch(building=located)
    located.refresh_from_db()
    stored = hours_of(located).count()
    ghcnh.outage = True
    clock.set("2026-01-04T02:00:00+00:00")
    record = building_weather_fetch(building=located)
    assert record.status == FetchStatus.UNREACHABLE
    assert "could not be reached" in record.message and "HTTP 503" in record.message
    assert record.last_attempt_at == datetime(2026, 1, 4, 2, tzinfo=UTC)
    assert record.last_success_at == datetime(2026, 1, 3, 12, tzinfo=UTC)
    assert hours_of(located).count() == stored
    # The CSV upload path still works for the same station.
    csv = b"timestamp,temperature_c\n2026-01-03T13:00:00,5.5\n"
    response = as_owner.post(
        f"/weather/{located.weather_station_id}/upload-csv",
        {"file": SimpleUploadedFile("t.csv", csv, content_type="text/csv")},
        format="multipart",
    )
    assert response.status_code == 201, response.json()


def test_nothing_listening_is_unreachable_too(ghcnh, located, clock):
    clock.set(NOW)
    ghcnh.stop()
    record = building_weather_fetch(building=located)
    assert record.status == FetchStatus.UNREACHABLE and "could not be reached" in record.message
    assert not SourceStation.objects.exists()


def test_no_suitable_station_says_why(ghcnh, owner, clock):
    clock.set(NOW)
    building = make_building(owner, timezone="America/New_York")
    Building.objects.filter(pk=building.pk).update(latitude=40.70, longitude=-73.90, elevation_m=600.0)
    record = building_weather_fetch(building=Building.objects.get(pk=building.pk))
    assert record.status == FetchStatus.NO_STATION
    assert "more than 300 m above or below the building" in record.message
    assert not Building.objects.get(pk=building.pk).weather_station


def test_unreadable_data_fails_with_the_reason(ghcnh, located, clock):
    clock.set(NOW)
    ghcnh.put(hourly_path(CHOSEN[0], 2025), b"STATION|DATE\nX|2025-01-01T00:00:00\n")
    record = building_weather_fetch(building=located)
    assert record.status == FetchStatus.FAILED and "temperature" in record.message


def test_the_nightly_top_up_fetches_for_every_located_building(ghcnh, located, owner, clock, tasks_in_process):
    clock.set(NOW)
    unlocated = make_building(owner, name="Not located")
    assert weather_top_up() == 1
    assert BuildingWeather.objects.get(building=located).status == FetchStatus.OK
    assert not BuildingWeather.objects.filter(building=unlocated).exists()


def test_two_buildings_of_one_owner_share_the_station(ghcnh, located, owner, clock):
    clock.set(NOW)
    building_weather_fetch(building=located)
    twin = make_building(owner, name="Twin", timezone="America/New_York")
    Building.objects.filter(pk=twin.pk).update(latitude=40.71, longitude=-73.90)
    record = building_weather_fetch(building=Building.objects.get(pk=twin.pk))
    assert record.hours_added == 0
    assert Building.objects.get(pk=twin.pk).weather_station_id == Building.objects.get(pk=located.pk).weather_station_id


def test_elevation_unknown_still_chooses(ghcnh, owner, clock):
    clock.set(NOW)
    building = make_building(owner, timezone="America/New_York")
    Building.objects.filter(pk=building.pk).update(latitude=40.70, longitude=-73.90)
    record = building_weather_fetch(building=Building.objects.get(pk=building.pk))
    assert record.chosen_because == "12 km away, elevation difference unknown, 100 % of hours in 2025"


def test_coverage_counts_stored_hours_per_month(ghcnh, located, clock, as_owner):
    clock.set(NOW)
    building_weather_fetch(building=located)
    body = as_owner.get(f"/buildings/{located.pk}/weather").json()
    # December 2025: 23 hours (31 Dec 01:00-23:00) of 744. January 2026 up to now (3 Jan 12:00, the hour
    # 12:00 included): 2 × 24 + 13 = 61 expected; stored 00:00 on 1 Jan .. 12:00 on 2 Jan = 37.
    assert body["coverage"] == [
        {"period": "2025-12", "hours": 23, "expected_hours": 744, "coverage": round(23 / 744, 4)},
        {"period": "2026-01", "hours": 37, "expected_hours": 61, "coverage": round(37 / 61, 4)},
    ]


def test_beat_tops_up_nightly_and_refreshes_the_station_list_monthly(settings):
    schedule = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    nightly, monthly = schedule["metering.top_up_weather"], schedule["metering.refresh_weather_stations"]
    assert (nightly.hour, nightly.minute, nightly.day_of_month) == ({3}, {15}, set(range(1, 32)))
    assert (monthly.day_of_month, monthly.hour) == ({1}, {1})


def test_the_station_list_task_caches_the_list(ghcnh, clock, tasks_in_process):
    clock.set(NOW)
    assert task_named("metering.refresh_weather_stations").delay().get() == 3
    assert SourceStation.objects.get(station_id=CHOSEN[0]).refreshed_at == datetime(2026, 1, 3, 12, tzinfo=UTC)


def test_a_file_larger_than_the_bound_counts_as_unusable(ghcnh, located, clock, settings):
    clock.set(NOW)
    settings.WEATHER_SOURCE_MAX_BYTES = 100
    record = building_weather_fetch(building=located)
    assert record.status == FetchStatus.UNREACHABLE and "is larger than 100 bytes" in record.message
    assert not SourceStation.objects.exists()
