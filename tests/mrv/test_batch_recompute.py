"""The set-based portfolio recompute (mrv.recompute) gives every building the run the per-building path gives.

On TimescaleDB the batch reads its inputs together (one month-total query for all buildings, one interval query,
one baseline query...); on SQLite it falls back to the per-building path. The same test runs on both."""

from datetime import date

import pandas as pd
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from metering.readings.models import MeterReading
from mrv.engine import mrv_run
from mrv.recompute import mrv_recompute_batch, mrv_recompute_one
from mrv.selectors import cached_mrv_run, current_baseline, latest_complete_month
from mrv.services import baseline_calculate, month_review_record
from tests.metering import bill_rows
from tests.mrv import builders

TZ = builders.TZ


def _monthly_meter(owner):
    """One reading a month, at each local month start (a meter read like a bill), without a baseline."""
    b = builders.building(owner)
    starts = pd.date_range("2024-01-01", "2024-12-01", freq="MS", tz=TZ)
    frame = pd.DataFrame({"ts": starts.tz_convert("UTC"), "kwh": [30_000.0 + 500 * i for i in range(12)]})
    builders.store_meter(b, frame)
    return b


def _billed_then_metered(owner):
    """Twelve monthly bills give a historical baseline; after the retrofit, bills for some months, readings
    for June 2025 and nothing for May (a REJECTED month)."""
    b = builders.building(owner)
    for month in pd.period_range("2024-03", "2025-02", freq="M"):
        bill_rows.confirmed_bill(b, kwh=35_000, period_start=month.start_time.date(), period_end=month.end_time.date())
    builders.retrofit(b, start="2025-03-03", end="2025-03-28")
    baseline_calculate(actor=owner, building=b)
    bill_rows.confirmed_bill(b, kwh=30_000, period_start=date(2025, 4, 1), period_end=date(2025, 4, 30))
    builders.store_meter(b, builders.month_frame("2025-06"))
    return b


def _flagged_and_approved(owner, verifier):
    """A static baseline; July complete, August with one reading in ten missing (FLAGGED), which a verifier
    approves, and September FLAGGED too but not reviewed."""
    b = builders.building(owner)
    builders.retrofit(b)
    baseline_calculate(
        actor=owner, building=b, method="static", static_kwh=40_000, months=[{"period": "2024-01", "kwh": 40_000}]
    )
    builders.store_meter(b, builders.month_frame("2024-07"))
    builders.store_meter(b, builders.month_frame("2024-08", missing_every=10))
    builders.store_meter(b, builders.month_frame("2024-09", missing_every=12))
    month_review_record(
        reviewer=verifier, building=b, month=pd.Period("2024-08", "M"), decision="approve", comment="Outage confirmed."
    )
    return b


def _portfolio(owner, verifier):
    quarter_hourly, _ = builders.two_years(owner, missing=[("2024-10-03", "2024-10-06")])  # October FLAGGED
    baseline_calculate(actor=owner, building=quarter_hourly)  # the default: towt on a 15-minute meter
    daily, _ = builders.two_years(owner, interval="1D", seed=5, saving_pct=10.0)
    baseline_calculate(actor=owner, building=daily, method="regression")
    return [
        quarter_hourly,
        daily,
        _flagged_and_approved(owner, verifier),
        builders.office_with_june_anomalies(owner),  # anomalies, no baseline
        _billed_then_metered(owner),
        _monthly_meter(owner),
        builders.building(owner),  # no readings: counted, not computed
    ]


@pytest.mark.django_db
def test_the_batch_recompute_equals_the_per_building_one(owner, verifier, clock):
    clock.set("2025-07-10T06:00:00+00:00")
    buildings = _portfolio(owner, verifier)
    ids = [str(b.pk) for b in buildings]

    outcomes = mrv_recompute_batch(building_ids=ids)

    assert [o["building_id"] for o in outcomes] == ids
    assert [o["computed"] for o in outcomes] == [True] * 6 + [False]
    checked = set()
    for building, batch_outcome in zip(buildings[:-1], outcomes, strict=False):
        last = latest_complete_month(building)
        first = last - 11
        # The batch cached its run under the key the per-building reads ask for.
        batch_run, cached = cached_mrv_run(building=building, first=first, last=last)
        assert cached, building.pk
        alone = mrv_run(building=building, first=first, last=last, baseline=current_baseline(building))
        assert (batch_run.building_id, batch_run.baseline_id) == (alone.building_id, alone.baseline_id)
        for batch_month, alone_month in zip(batch_run.months, alone.months, strict=True):
            assert batch_month.as_dict() == alone_month.as_dict()
        assert batch_run.totals == alone.totals
        assert batch_run.creditable == alone.creditable
        assert batch_outcome == mrv_recompute_one(str(building.pk))
        checked |= {m.quality for m in alone.months} | {"ANOMALIES" for m in alone.months if m.anomalies}
        checked |= {"ELIGIBLE" for m in alone.months if m.eligible}
    # The portfolio exercised what it was built for.
    assert {"OK", "FLAGGED", "REJECTED", "ANOMALIES", "ELIGIBLE"} <= checked
    assert outcomes[-1] == mrv_recompute_one(ids[-1])


@pytest.mark.django_db
def test_a_batch_of_unknown_or_deleted_buildings_is_answered_not_computed(owner):
    gone = builders.building(owner)
    gone_id = str(gone.pk)
    gone.delete()
    assert mrv_recompute_batch(building_ids=[gone_id]) == [
        {"building_id": gone_id, "computed": False, "savings_kwh": 0.0, "co2_saved_kg": 0.0}
    ]


def _chunk_scans(plan: dict):
    """Every scan node of a readings chunk in an EXPLAIN (FORMAT JSON) plan."""
    if plan.get("Relation Name", "").startswith("_hyper_"):
        yield plan
    for child in plan.get("Plans", []):
        yield from _chunk_scans(child)


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_batch_reads_each_building_s_readings_through_its_own_index_entries(owner, verifier, clock):
    """Buildings whose readings end at different dates, as a portfolio's do: the batch's queries of the readings
    never walk through other buildings' readings to find a building's own (what made a batch of 50 take 14 s)."""
    clock.set("2025-07-10T06:00:00+00:00")
    ids = [str(b.pk) for b in _portfolio(owner, verifier)]
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {MeterReading._meta.db_table}")
    with CaptureQueriesContext(connection) as batch:
        mrv_recompute_batch(building_ids=ids)

    # The batch's own queries of the readings, for all its buildings at once: the latest readings and the
    # meters' intervals (a meter with too few readings for the batch's sample is then asked alone, as before).
    readings_queries = [
        q["sql"] for q in batch.captured_queries if MeterReading._meta.db_table in q["sql"] and "unnest(" in q["sql"]
    ]
    assert len(readings_queries) == 2
    for sql in readings_queries:
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
            plan = cursor.fetchone()[0][0]["Plan"]
        scans = list(_chunk_scans(plan))
        assert scans, sql
        for scan in scans:
            assert scan.get("Rows Removed by Filter", 0) == 0, (sql, scan.get("Index Name"))
