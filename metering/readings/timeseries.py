"""SQL over time series, shared by meter and temperature reads: calendar buckets in a local time zone
(TimescaleDB's time_bucket, else Django's Trunc*), and timestamps loaded as epoch seconds."""

from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
from django.db import connection
from django.db.models import DateTimeField, F, FloatField, Func, Value
from django.db.models.functions import TruncDay, TruncHour, TruncMonth

INTERVALS = {"hour": ("1 hour", TruncHour), "day": ("1 day", TruncDay), "month": ("1 month", TruncMonth)}


class TimeBucket(Func):
    """TimescaleDB's time_bucket(width, ts, timezone): calendar buckets in the building's zone."""

    function = "time_bucket"
    output_field = DateTimeField()

    def __init__(self, width: str, expression, tz: str):
        super().__init__(expression, Value(tz), width=width)

    def as_sql(self, compiler, connection, **extra):
        width = self.extra["width"]
        assert width in {spec[0] for spec in INTERVALS.values()}  # a literal from our own table, never input
        return super().as_sql(compiler, connection, template=f"time_bucket('{width}'::interval, %(expressions)s)")


class EpochSeconds(Func):
    """Seconds since 1970 as a float: a column of them loads in C, where Django's time-zone-aware timestamp
    loader runs Python per value (about 6 µs a row)."""

    output_field = FloatField()

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="EXTRACT(EPOCH FROM %(expressions)s)::float8", **extra)

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="(julianday(%(expressions)s) - 2440587.5) * 86400.0", **extra)


def instants(epoch_seconds) -> pd.DatetimeIndex:
    """UTC instants from `EpochSeconds` values, to the millisecond (SQLite's julianday carries no finer)."""
    milliseconds = np.round(np.asarray(epoch_seconds, dtype=float) * 1000).astype("int64")
    return pd.DatetimeIndex(pd.to_datetime(milliseconds, unit="ms", utc=True))


def bucket_expression(interval: str, tz: str):
    width, trunc = INTERVALS[interval]
    if connection.vendor == "postgresql":
        return TimeBucket(width, F("time"), tz)
    return trunc("time", tzinfo=ZoneInfo(tz))


def bucket_starts(epoch_seconds, tz: str) -> pd.DatetimeIndex:
    """Zone-aware starts of buckets loaded as `EpochSeconds(bucket_expression(...))`. TimescaleDB's
    time_bucket gives instants; SQLite's Trunc* gives the local wall-clock time, read back here in `tz`
    (it already merged the hour a clock change repeats, taken as the first)."""
    loaded = instants(epoch_seconds)
    if connection.vendor == "postgresql":
        return loaded.tz_convert(tz)
    first = np.ones(len(loaded), dtype=bool)
    return loaded.tz_localize(None).tz_localize(tz, ambiguous=first, nonexistent="shift_forward")
