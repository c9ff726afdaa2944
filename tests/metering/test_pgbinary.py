"""pgbinary writes what PostgreSQL reads back: every type we COPY, NULLs, text of several lengths, microseconds."""

import uuid
from datetime import UTC, datetime

import pandas as pd
import pytest
from django.db import connection

from metering.readings.pgbinary import copy_rows

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_rows_written_column_by_column_read_back_exactly():
    owner = uuid.uuid4()
    times = pd.Series(
        pd.to_datetime(["1999-12-31T23:59:59.999999Z", "2024-03-31T14:45:00.000001Z", "2025-01-01T00:00:00.000000Z"])
    )
    kinds = ["hour", "day", "é"]  # three byte lengths: 4, 3 and 2 (UTF-8)
    payload = copy_rows(
        [
            ("uuid", owner),
            ("uuid", None),
            ("text", "CSV"),
            ("timestamptz", times),
            ("float8", pd.Series([0.0, 1e9, 12.345678901234])),
            ("text", pd.Series(kinds)),
        ],
        3,
    )
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE copied (a uuid, b uuid, c varchar(8), t timestamptz, v float8, k text)")
        with cursor.copy("COPY copied FROM STDIN WITH (FORMAT binary)") as copy:
            copy.write(payload)
        cursor.execute("SELECT a, b, c, t, v, k FROM copied ORDER BY t")
        rows = cursor.fetchall()
    assert rows == [
        (owner, None, "CSV", datetime(1999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC), 0.0, "hour"),
        (owner, None, "CSV", datetime(2024, 3, 31, 14, 45, 0, 1, tzinfo=UTC), 1e9, "day"),
        (owner, None, "CSV", datetime(2025, 1, 1, tzinfo=UTC), 12.345678901234, "é"),
    ]


@pytest.mark.parametrize("source", ["CSV", "", "Zähler"])
def test_a_text_the_same_in_every_row_reads_back_even_empty_or_beyond_ascii(source):
    payload = copy_rows([("text", source), ("float8", pd.Series([1.5, 2.5]))], 2)
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE constant (s text, v float8)")
        with cursor.copy("COPY constant FROM STDIN WITH (FORMAT binary)") as copy:
            copy.write(payload)
        cursor.execute("SELECT s, v FROM constant ORDER BY v")
        assert cursor.fetchall() == [(source, 1.5), (source, 2.5)]
