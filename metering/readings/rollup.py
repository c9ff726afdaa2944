"""Day rows (ReadingDay) derived from each building's meter readings, and the calendar totals read from them.

On PostgreSQL every write of readings refreshes the day rows of the local days it touched, in the same transaction,
and a change of the building's zone rebuilds them all, so a day row always holds the sum and count of that day's
readings in the building's current zone. Day and month totals over a span that starts and ends at local midnights
are then sums of day rows; any other span, and hourly totals, are read from the readings. SQLite (the embedded
default) keeps no day rows: metering.readings.selectors reads its readings directly.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd
from django.db import connection

from .models import MeterReading, ReadingDay

READINGS, DAYS = MeterReading._meta.db_table, ReadingDay._meta.db_table
WIDTHS = {"hour": "1 hour", "day": "1 day", "month": "1 month"}


@dataclass(frozen=True)
class Window:
    """One building's span [start, end) and zone, for `bucket_totals`."""

    start: datetime
    end: datetime
    tz: str

    def at_midnights(self) -> bool:
        return all(_local_midnight(instant, self.tz) for instant in (self.start, self.end))


def _local_midnight(instant: datetime, tz: str) -> bool:
    local = pd.Timestamp(instant).tz_convert(tz)
    return local == local.floor("D", ambiguous=True, nonexistent="shift_forward")


def days_kept() -> bool:
    return connection.vendor == "postgresql"


# The local days' sums of a building's readings over [start, end), each day at its first instant. Grouping on the
# local date is the same as TimescaleDB's time_bucket('1 day', time, zone), and a third cheaper.
_DAY_SUMS = (
    f"INSERT INTO {DAYS} (building_id, day, kwh, count) "
    "SELECT %(building)s, ((time AT TIME ZONE %(tz)s)::date)::timestamp AT TIME ZONE %(tz)s, sum(value_kwh), count(*) "
    f"FROM {READINGS} WHERE building_id = %(building)s AND time >= %(start)s AND time < %(end)s "
    "GROUP BY (time AT TIME ZONE %(tz)s)::date"
)
_EVER = {"start": datetime.min.replace(tzinfo=UTC), "end": datetime.max.replace(tzinfo=UTC)}


def reading_days_refresh(*, building, first: datetime, last: datetime) -> None:
    """Recomputes, from the readings, the day rows of the building's local days from `first`'s to `last`'s."""
    if not days_kept():
        return
    params = {"building": building.pk, "tz": building.timezone, "first": first, "last": last}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ((%(first)s::timestamptz AT TIME ZONE %(tz)s)::date)::timestamp AT TIME ZONE %(tz)s, "
            "((%(last)s::timestamptz AT TIME ZONE %(tz)s)::date + 1)::timestamp AT TIME ZONE %(tz)s",
            params,
        )
        params["start"], params["end"] = cursor.fetchone()
        cursor.execute(
            f"DELETE FROM {DAYS} WHERE building_id = %(building)s AND day >= %(start)s AND day < %(end)s", params
        )
        cursor.execute(_DAY_SUMS, params)


def reading_days_rebuild(*, building) -> None:
    """Every day row of the building anew, in its current zone (after the zone changed)."""
    if not days_kept():
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {DAYS} WHERE building_id = %s", [building.pk])
        cursor.execute(_DAY_SUMS, {"building": building.pk, "tz": building.timezone, **_EVER})


def on_building_zone_changed(sender, *, building, **kwargs: object) -> None:
    """buildings' `building_zone_changed` signal, sent inside the change's transaction."""
    reading_days_rebuild(building=building)


def bucket_totals(windows: dict[str, Window], interval: str) -> list[tuple[str, float, float, int]]:
    """(building id, bucket start in epoch seconds, kWh, reading count) per calendar hour, day or month of each
    building's zone over its window, ordered by building and bucket (PostgreSQL). Day rows serve the day and
    month totals of windows bounded by local midnights; the readings serve the rest. Sums run in a fixed order,
    so one building read alone and in a batch gives the same floats."""
    from_days = {pk for pk, window in windows.items() if interval != "hour" and window.at_midnights()}
    rows = []
    for ids, table, at, kwh, count in (
        ([pk for pk in windows if pk in from_days], DAYS, "day", "t.kwh", "t.count"),
        ([pk for pk in windows if pk not in from_days], READINGS, "time", "t.value_kwh", "1"),
    ):
        if not ids:
            continue
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT building_id::text, EXTRACT(EPOCH FROM bucket)::float8, kwh, n FROM ("
                f"SELECT t.building_id, time_bucket('{WIDTHS[interval]}'::interval, t.{at}, w.tz) AS bucket, "
                f"sum({kwh} ORDER BY t.{at}) AS kwh, sum({count})::bigint AS n "
                "FROM unnest(%s::uuid[], %s::timestamptz[], %s::timestamptz[], %s::text[]) "
                "AS w(id, start_at, end_at, tz) "
                f"JOIN {table} t ON t.building_id = w.id AND t.{at} >= w.start_at AND t.{at} < w.end_at "
                "GROUP BY 1, 2) AS buckets ORDER BY 1, 2",
                [
                    ids,
                    [windows[pk].start for pk in ids],
                    [windows[pk].end for pk in ids],
                    [windows[pk].tz for pk in ids],
                ],
            )
            rows.extend(cursor.fetchall())
    return sorted(rows, key=lambda row: (row[0], row[1]))
