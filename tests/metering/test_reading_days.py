"""The day rows kept beside the readings on PostgreSQL (metering.readings.rollup): every write refreshes the local
days it touched, a change of zone rebuilds them, and day and month totals read from them equal the readings' own."""

import pandas as pd
import pytest
from django.db import connection

from buildings.models import Building
from buildings.services import building_update
from metering.readings.models import ReadingDay
from metering.readings.rollup import READINGS, Window, bucket_totals, reading_days_rebuild
from metering.readings.selectors import meter_bucket_totals
from metering.readings.services import meter_readings_ingest
from tests.metering.helpers import make_building, quarter_hours, readings_deleted

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def _store(building, rows):
    frame = pd.DataFrame({"ts": pd.to_datetime([ts for ts, _ in rows], utc=True), "kwh": [kwh for _, kwh in rows]})
    meter_readings_ingest(building=building, frame=frame, source="MANUAL")


def _days(building) -> dict[str, tuple[float, int]]:
    rows = ReadingDay.objects.filter(building=building).order_by("day").values_list("day", "kwh", "count")
    return {day.isoformat(): (kwh, count) for day, kwh, count in rows}


def _from_readings(building, width: str, start, end) -> list[tuple[float, float, int]]:
    """The readings' own totals per calendar bucket of the building's zone, summed straight from the hypertable."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT EXTRACT(EPOCH FROM time_bucket('{width}'::interval, time, %s))::float8, sum(value_kwh), count(*) "
            f"FROM {READINGS} WHERE building_id = %s AND time >= %s AND time < %s GROUP BY 1 ORDER BY 1",
            [building.timezone, building.pk, start, end],
        )
        return cursor.fetchall()


def test_each_local_day_holds_its_readings_sum_and_count_by_hand(owner):
    # Kolkata is 5 h 30 min ahead of UTC: its days start at 18:30 UTC, which no hourly bucket of UTC could follow.
    building = make_building(owner, timezone="Asia/Kolkata")
    _store(building, [("2024-03-01T18:00Z", 1.0), ("2024-03-01T18:30Z", 2.0), ("2024-03-01T19:00Z", 4.0)])
    assert _days(building) == {
        "2024-02-29T18:30:00+00:00": (1.0, 1),  # 23:30 on 1 March, local
        "2024-03-01T18:30:00+00:00": (6.0, 2),  # midnight and 00:30 on 2 March
    }


def test_a_later_write_refreshes_only_the_days_it_touched_replacing_and_adding(owner):
    building = make_building(owner, timezone="Asia/Kolkata")
    _store(building, [("2024-03-01T18:00Z", 1.0), ("2024-03-01T18:30Z", 2.0), ("2024-03-05T00:00Z", 8.0)])
    # Replaces the midnight reading and adds one in the same local day.
    _store(building, [("2024-03-01T18:30Z", 20.0), ("2024-03-02T10:00Z", 0.5)])
    assert _days(building) == {
        "2024-02-29T18:30:00+00:00": (1.0, 1),
        "2024-03-01T18:30:00+00:00": (20.5, 2),
        "2024-03-04T18:30:00+00:00": (8.0, 1),
    }
    readings_deleted(building, pd.Timestamp("2024-03-02T00:00Z"), pd.Timestamp("2024-03-06T00:00Z"))
    assert _days(building) == {"2024-02-29T18:30:00+00:00": (1.0, 1), "2024-03-01T18:30:00+00:00": (20.0, 1)}


def test_a_span_copied_between_stored_readings_counts_them_in_its_first_and_last_day(owner):
    building = make_building(owner, timezone="America/New_York")
    _store(building, [("2024-03-04T06:00Z", 100.0), ("2024-03-08T03:00Z", 200.0)])  # 1:00 on the 4th, 22:00 on the 7th
    between = quarter_hours("2024-03-04 06:00", 4 * 24 * 3, building.timezone)  # to 5:45 on the 7th, local
    counts = meter_readings_ingest(building=building, frame=between, source="MANUAL")
    assert counts.copied
    kept = _days(building)
    reading_days_rebuild(building=building)
    assert kept.keys() == _days(building).keys()
    for day, (kwh, count) in _days(building).items():
        assert kept[day] == (pytest.approx(kwh, rel=1e-12), count)
    assert [count for _, count in kept.values()] == [1 + 72, 96, 96, 24 + 1]


def test_a_write_keeps_its_day_rows_in_the_zone_as_stored_not_as_its_caller_loaded_it(owner):
    building = make_building(owner, timezone="Asia/Kolkata")
    loaded_before = Building.objects.get(pk=building.pk)
    building_update(actor=owner, building=building, timezone="Europe/London")  # meanwhile, elsewhere
    _store(loaded_before, [("2024-03-01T18:00Z", 1.0), ("2024-03-01T23:30Z", 2.0)])
    assert _days(building) == {"2024-03-01T00:00:00+00:00": (3.0, 2)}


def test_a_change_of_zone_derives_every_day_anew(owner):
    building = make_building(owner, timezone="Asia/Kolkata")
    _store(building, [("2024-03-01T18:00Z", 1.0), ("2024-03-01T18:30Z", 2.0), ("2024-03-01T23:30Z", 4.0)])
    building_update(actor=owner, building=building, timezone="Europe/London")  # UTC in March, before the clocks go on
    assert _days(building) == {"2024-03-01T00:00:00+00:00": (7.0, 3)}
    building_update(actor=owner, building=building, name="Renamed")
    assert _days(building) == {"2024-03-01T00:00:00+00:00": (7.0, 3)}


def test_day_and_month_totals_equal_the_readings_own_across_a_clock_change(owner):
    building = make_building(owner, timezone="America/New_York")
    frame = quarter_hours("2024-10-01", 96 * 61, building.timezone)  # October and November: 3 November is 25 h
    meter_readings_ingest(building=building, frame=frame, source="MANUAL")
    start = pd.Timestamp("2024-10-01", tz=building.timezone)
    end = pd.Timestamp("2024-12-01", tz=building.timezone)
    for width, interval in (("1 day", "day"), ("1 month", "month")):
        totals = meter_bucket_totals(building=building, interval=interval, start=start, end=end)
        expected = _from_readings(building, width, start, end)
        assert len(totals) == len(expected) == (61 if interval == "day" else 2)
        assert [b.timestamp() for b in totals["bucket"]] == [row[0] for row in expected]
        assert totals["kwh"].tolist() == pytest.approx([row[1] for row in expected], rel=1e-12)
        assert totals["count"].tolist() == [row[2] for row in expected]
    assert ReadingDay.objects.get(building=building, day=pd.Timestamp("2024-11-03", tz=building.timezone)).count == 100


def test_a_span_not_bounded_by_local_midnights_is_read_from_the_readings(owner):
    building = make_building(owner, timezone="America/New_York")
    meter_readings_ingest(
        building=building, frame=quarter_hours("2024-10-01", 96 * 3, building.timezone), source="MANUAL"
    )
    start = pd.Timestamp("2024-10-01 06:00", tz=building.timezone)
    end = pd.Timestamp("2024-10-03", tz=building.timezone)
    assert not Window(start, end, building.timezone).at_midnights()
    totals = meter_bucket_totals(building=building, interval="day", start=start, end=end)
    assert totals["count"].tolist() == [72, 96]  # the first day from 06:00 only
    assert totals["kwh"].tolist() == pytest.approx([row[1] for row in _from_readings(building, "1 day", start, end)])


def test_a_batch_of_buildings_reads_the_same_floats_as_each_building_alone(owner):
    buildings = [make_building(owner, timezone=tz) for tz in ("America/New_York", "Asia/Kolkata", "Europe/Berlin")]
    for seed, building in enumerate(buildings):
        meter_readings_ingest(
            building=building, frame=quarter_hours("2024-01-01", 96 * 90, building.timezone, seed=seed), source="API"
        )
    windows = {
        str(b.pk): Window(
            pd.Timestamp("2024-01-01", tz=b.timezone).to_pydatetime(),
            pd.Timestamp("2024-04-01", tz=b.timezone).to_pydatetime(),
            b.timezone,
        )
        for b in buildings
    }
    together = bucket_totals(windows, "month")
    alone = [row for pk, window in windows.items() for row in bucket_totals({pk: window}, "month")]
    assert together == sorted(alone) and len(together) == 9


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_derives_the_day_rows_of_readings_stored_before_them(owner):
    from django.db.migrations.executor import MigrationExecutor

    building = make_building(owner, timezone="Asia/Kolkata")
    _store(building, [("2024-03-01T18:00Z", 1.0), ("2024-03-01T18:30Z", 2.0), ("2024-03-01T19:00Z", 4.0)])
    kept = _days(building)
    executor = MigrationExecutor(connection)
    executor.migrate([("metering", "0013_bills_per_period_nonces_weather_corrections")])  # drops the day rows
    executor.loader.build_graph()
    executor.migrate([("metering", "0014_reading_days")])
    assert (
        _days(building)
        == kept
        == {
            "2024-02-29T18:30:00+00:00": (1.0, 1),
            "2024-03-01T18:30:00+00:00": (6.0, 2),
        }
    )
