"""Day rows (ReadingDay) derived from each building's meter readings, and the calendar totals read from them.

On PostgreSQL every write of readings refreshes the day rows of the local days it touched, in the same transaction,
and a change of the building's zone rebuilds them all, so a day row always holds the sum and count of that day's
readings in the building's current zone. Day and month totals over a span that starts and ends at local midnights
are then sums of day rows; any other span, and hourly totals, are read from the readings. SQLite (the embedded
default) keeps no day rows: metering.readings.selectors reads its readings directly.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import pandas as pd
from django.db import connection

from .models import MeterReading, ReadingDay

READINGS, DAYS = MeterReading._meta.db_table, ReadingDay._meta.db_table
WIDTHS = {"hour": "1 hour", "day": "1 day", "month": "1 month"}
_EVER = (datetime(1900, 1, 2, tzinfo=UTC), datetime(2200, 1, 1, tzinfo=UTC))  # beyond any reading's instant


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


# The local day of an instant, and the first instant of a local date, in the building's zone. Grouping on the
# local date is what TimescaleDB's time_bucket('1 day', time, zone) does, a third cheaper.
_LOCAL_DAY = "(time AT TIME ZONE %(tz)s)::date"
_DAY_START = "({date})::timestamp AT TIME ZONE %(tz)s"
# The day rows of a building's local days from `first`'s to `last`'s, summed from its readings and written over
# the rows there were. A write only adds or replaces readings, so no day it touches can lose its last one.
_DAYS_OF_SPAN = (
    f"INSERT INTO {DAYS} (building_id, day, kwh, count) "
    f"SELECT %(building)s, {_DAY_START.format(date=_LOCAL_DAY)}, sum(value_kwh), count(*) FROM {READINGS} "
    "WHERE building_id = %(building)s "
    f"AND time >= {_DAY_START.format(date='(%(first)s::timestamptz AT TIME ZONE %(tz)s)::date')} "
    f"AND time < {_DAY_START.format(date='(%(last)s::timestamptz AT TIME ZONE %(tz)s)::date + 1')} "
    f"GROUP BY {_LOCAL_DAY} "
    "ON CONFLICT (building_id, day) DO UPDATE SET kwh = EXCLUDED.kwh, count = EXCLUDED.count"
)
_NS_PER_DAY = 86_400 * 10**9


def reading_days_refresh(*, building, first: datetime, last: datetime) -> None:
    """The day rows of the building's local days from `first`'s to `last`'s, from its readings, after a write."""
    if days_kept():
        params = {"building": building.pk, "tz": building.timezone, "first": first, "last": last}
        with connection.cursor() as cursor:
            cursor.execute(_DAYS_OF_SPAN, params)


def reading_days_add(*, building, times: pd.Series, kwh: pd.Series) -> None:
    """The day rows of readings just COPYed into a span that held none: the days inside the span from the readings
    themselves; its first and last day, which a stored reading may share (before or after the span), from the
    table. What `reading_days_refresh` would write, without reading the span back."""
    if not days_kept() or times.empty:
        return
    local = pd.DatetimeIndex(times).tz_convert(building.timezone).tz_localize(None)
    nanoseconds = local.to_numpy(dtype="datetime64[ns]").astype(np.int64)
    days, day_of = np.unique(nanoseconds // _NS_PER_DAY, return_inverse=True)
    values = kwh.to_numpy(dtype=float)
    sums, counts = np.bincount(day_of, weights=values), np.bincount(day_of)
    if len(days) > 2:
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {DAYS} (building_id, day, kwh, count) "
                f"SELECT %(building)s, {_DAY_START.format(date='local_day')}, kwh, n "
                "FROM unnest(%(days)s::date[], %(kwh)s::float8[], %(n)s::int[]) AS d(local_day, kwh, n)",
                {
                    "building": building.pk,
                    "tz": building.timezone,
                    "days": days[1:-1].astype("datetime64[D]").tolist(),
                    "kwh": sums[1:-1].tolist(),
                    "n": counts[1:-1].tolist(),
                },
            )
    for edge in [times.min()] if len(days) == 1 else [times.min(), times.max()]:
        reading_days_refresh(building=building, first=edge, last=edge)


def reading_days_rebuild(*, building) -> None:
    """Every day row of the building anew from its readings: after its zone changed, or readings were removed."""
    if not days_kept():
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {DAYS} WHERE building_id = %s", [building.pk])
        cursor.execute(
            _DAYS_OF_SPAN,
            {"building": building.pk, "tz": building.timezone, "first": _EVER[0], "last": _EVER[1]},
        )


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
