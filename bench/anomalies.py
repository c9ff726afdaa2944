"""Anomaly detection benchmarks (issue 15): one building-year of 15-minute readings against the SQL monthly
aggregation of the same year, and the portfolio's detection fanned out on the worker."""

import pandas as pd
from django.db import connection

from buildings.services import building_data_changed
from mrv.anomalies import building_anomalies

from .harness import Result, paired_medians

TZ = "Asia/Kolkata"


def one_building_year(building, *, repeats: int = 9) -> Result:
    """Cold detection (a new data version each time, so nothing is cached) over 2024, the last year of the
    three-year MRV benchmark building."""
    sql = (
        "SELECT time_bucket('1 month'::interval, time, %s) AS month, sum(value_kwh), count(*) "
        "FROM metering_meterreading WHERE building_id = %s AND time >= %s AND time < %s GROUP BY 1 ORDER BY 1"
    )
    bounds = [TZ, building.pk, pd.Timestamp("2024-01-01", tz=TZ), pd.Timestamp("2025-01-01", tz=TZ)]

    def detect(_):
        building_data_changed(building)
        building_anomalies(
            building=building, first=pd.Period("2024-01", freq="M"), last=pd.Period("2024-12", freq="M"), baseline=None
        )

    def aggregate(_):
        with connection.cursor() as cursor:
            cursor.execute(sql, bounds)
            assert len(cursor.fetchall()) == 12

    ours, reference = paired_medians(detect, aggregate, repeats=repeats)
    return Result(
        "Meter anomaly detection, one building-year of 15-minute readings (cold cache)",
        ours,
        "raw SQL monthly aggregation of that year",
        reference,
        None,
        f"ours {ours * 1000:.0f} ms against the 200 ms target: {'ok' if ours <= 0.2 else 'MISSED'}",
    )
