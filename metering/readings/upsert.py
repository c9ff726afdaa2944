"""Atomic bulk upsert of a time series into its table, counting inserted vs replaced rows.

On PostgreSQL, a batch whose span holds no stored row of its series (the usual case: new data that continues
the old) is COPYed straight into the table: nothing can conflict, so every row is an insert. A transaction-scoped
advisory lock per series makes that check and the COPY one step against a concurrent writer of the same series.
Otherwise rows first land in a temporary table (PostgreSQL: COPY; SQLite: executemany), then one
INSERT … SELECT … ON CONFLICT DO UPDATE moves them in and counts the replaced ones. Both paths store the same rows:
the direct COPY is the upsert's result when no key can conflict.
"""

from dataclasses import dataclass

import pandas as pd
from django.db import connection, transaction
from django.db.models import Model

from . import pgbinary


@dataclass(frozen=True)
class SeriesTable:
    model: type[Model]
    key_columns: tuple[str, ...]  # the conflict target, e.g. ("building_id", "time")
    varying: tuple[str, ...]  # columns taken from the frame, "time" first
    replaced: tuple[str, ...]  # columns a conflicting row overwrites

    @property
    def name(self) -> str:
        return self.model._meta.db_table


@dataclass(frozen=True)
class UpsertCounts:
    inserted: int
    updated: int
    copied: bool = False  # COPYed straight in: no stored row of the series lay within the frame's span


def _db_value(model, column: str, value):
    field = next(f for f in model._meta.concrete_fields if f.column == column)
    return field.get_db_prep_value(value, connection)


def _sqlite_times(times: pd.Series) -> list[str]:
    # Django keeps aware datetimes in SQLite as naive UTC text: 'YYYY-MM-DD HH:MM:SS[.ffffff]'.
    utc = pd.DatetimeIndex(times).tz_convert("UTC").tz_localize(None)
    text = utc.strftime("%Y-%m-%d %H:%M:%S")
    micro = utc.microsecond != 0
    if micro.any():
        text = text.where(~micro, utc.strftime("%Y-%m-%d %H:%M:%S.%f"))
    return list(text)


_PG_TYPES = {"DateTimeField": "timestamptz", "FloatField": "float8", "CharField": "text", "UUIDField": "uuid"}


def _pg_type(model, column: str) -> str:
    if column == "time":  # a TimescaleDateTimeField
        return "timestamptz"
    field = next(f for f in model._meta.concrete_fields if f.column == column)
    return _PG_TYPES[(field.target_field if field.is_relation else field).get_internal_type()]


def _copy_postgres(cursor, target: str, table: SeriesTable, frame: pd.DataFrame, constants: dict) -> None:
    """Binary COPY of the frame's rows, each with the `constants`, into `target`: no text formatting on the
    server's side, and the rows encoded a column at a time on ours (pgbinary)."""
    columns = list(constants) + list(table.varying)
    values = [*constants.values(), *(frame[column] for column in table.varying)]
    payload = pgbinary.copy_rows(
        [(_pg_type(table.model, c), v) for c, v in zip(columns, values, strict=True)], len(frame)
    )
    # psycopg's copy() is not wrapped by Django, so its errors are: Django then knows the connection failed and
    # replaces it.
    with connection.wrap_database_errors:
        with cursor.copy(f"COPY {target} ({', '.join(columns)}) FROM STDIN WITH (FORMAT binary)") as copy:
            copy.write(payload)


def _stage_postgres(cursor, table: SeriesTable, stage: str, frame: pd.DataFrame) -> None:
    types = [_pg_type(table.model, column) for column in table.varying]
    columns = ", ".join(f"{column} {kind}" for column, kind in zip(table.varying, types, strict=True))
    cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS {stage} ({columns}) ON COMMIT DROP")
    cursor.execute(f"TRUNCATE {stage}")
    _copy_postgres(cursor, stage, table, frame, {})


def _fresh_span(cursor, table: SeriesTable, frame: pd.DataFrame, constants: dict) -> bool:
    """True when no stored row of this series (the key's constant columns) lies within the frame's span. Holds an
    advisory lock on the series until the transaction ends, so no concurrent writer can fill the span meanwhile."""
    series = [
        (column, _db_value(table.model, column, constants[column]))
        for column in table.key_columns
        if column in constants
    ]
    cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [repr((table.name, series))])
    match = " AND ".join(f"{column} = %s" for column, _ in series)
    times = pd.DatetimeIndex(frame["time"])
    cursor.execute(
        f"SELECT EXISTS (SELECT 1 FROM {table.name} WHERE {match} AND time BETWEEN %s AND %s)",
        [value for _, value in series] + [times.min().to_pydatetime(), times.max().to_pydatetime()],
    )
    return not cursor.fetchone()[0]


def _stage_sqlite(cursor, table: SeriesTable, stage: str, frame: pd.DataFrame) -> None:
    cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS {stage} ({', '.join(table.varying)})")
    cursor.execute(f"DELETE FROM {stage}")
    columns = [_sqlite_times(frame["time"])] + [frame[column].tolist() for column in table.varying[1:]]
    placeholders = ", ".join(["%s"] * len(table.varying))
    cursor.executemany(f"INSERT INTO {stage} VALUES ({placeholders})", list(zip(*columns, strict=True)))


# No savepoint of its own: every caller's transaction ends with it, so a failure here ends that transaction anyway.
@transaction.atomic(savepoint=False)
def upsert_series(*, table: SeriesTable, frame: pd.DataFrame, constants: dict) -> UpsertCounts:
    """Writes `frame` (columns = table.varying) with `constants` (column → value) into the table."""
    if frame.empty:
        return UpsertCounts(0, 0)
    stage = f"_incoming_{table.name}"
    constant_columns = list(constants)
    params = [_db_value(table.model, column, value) for column, value in constants.items()]
    key_match = " AND ".join(
        f"t.{column} = %s" if column in constants else f"t.{column} = s.{column}" for column in table.key_columns
    )
    key_params = [_db_value(table.model, c, constants[c]) for c in table.key_columns if c in constants]
    all_columns = constant_columns + list(table.varying)
    select = ", ".join(["%s"] * len(constant_columns) + [f"s.{c}" for c in table.varying])
    replaced = ", ".join(f"{column} = EXCLUDED.{column}" for column in table.replaced)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            if _fresh_span(cursor, table, frame, constants):
                _copy_postgres(cursor, table.name, table, frame, constants)
                return UpsertCounts(inserted=len(frame), updated=0, copied=True)
            _stage_postgres(cursor, table, stage, frame)
        else:
            _stage_sqlite(cursor, table, stage, frame)
        cursor.execute(f"SELECT count(*) FROM {stage} s JOIN {table.name} t ON {key_match}", key_params)
        updated = cursor.fetchone()[0]
        # "WHERE true" lets SQLite tell ON CONFLICT from a join clause (its documented parsing quirk).
        cursor.execute(
            f"INSERT INTO {table.name} ({', '.join(all_columns)}) SELECT {select} FROM {stage} s WHERE true "
            f"ON CONFLICT ({', '.join(table.key_columns)}) DO UPDATE SET {replaced}",
            params,
        )
    return UpsertCounts(inserted=len(frame) - updated, updated=updated)
