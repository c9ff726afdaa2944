"""Confirmed utility bills as billing data: prorated into calendar months, used where there are no readings."""

from datetime import date

import pandas as pd
import pytest

from metering.bills.selectors import BillMonth, confirmed_bill_months
from mrv import calc
from mrv.models import Baseline
from tests.metering import bill_rows
from tests.mrv import builders


def months(*labels: str) -> list[pd.Period]:
    return [pd.Period(label, freq="M") for label in labels]


@pytest.mark.django_db
def test_bills_are_prorated_by_day_into_calendar_months(owner, outsider):
    b = builders.building(owner)
    # 15 Jan–14 Feb: 31 days at 3,100 / 31 = 100 kWh a day → 17 days in January, 14 in February.
    bill_rows.confirmed_bill(b, kwh=3100, period_start=date(2025, 1, 15), period_end=date(2025, 2, 14))
    # 15 Feb–16 Mar: 30 days at 2,400 / 30 = 80 kWh a day → 14 days in February, 16 in March.
    bill_rows.confirmed_bill(b, kwh=2400, period_start=date(2025, 2, 15), period_end=date(2025, 3, 16))
    bill_rows.read_bill(b, kwh=9999, period_start=date(2025, 3, 17), period_end=date(2025, 4, 15))  # not confirmed
    other = builders.building(outsider)
    bill_rows.confirmed_bill(other, kwh=5000, period_start=date(2025, 1, 1), period_end=date(2025, 1, 31))

    found = confirmed_bill_months(building=b, months=months("2025-01", "2025-02", "2025-03", "2025-04"))
    assert found == {
        pd.Period("2025-01", "M"): BillMonth(kwh=pytest.approx(1700), covered_days=17, days=31),
        pd.Period("2025-02", "M"): BillMonth(kwh=pytest.approx(1400 + 1120), covered_days=28, days=28),
        pd.Period("2025-03", "M"): BillMonth(kwh=pytest.approx(1280), covered_days=16, days=31),
    }
    # Only the months asked for, even when a bill runs on into others.
    assert set(confirmed_bill_months(building=b, months=months("2025-02"))) == {pd.Period("2025-02", "M")}
    assert confirmed_bill_months(building=b, months=[]) == {}


@pytest.mark.parametrize(
    ("covered", "label", "total"),
    [
        (31, "OK", 3100.0),
        (30, "INTERPOLATED", 3100 * 31 / 30),  # 1 of 31 days missing: 3.2 %
        (28, "FLAGGED", 3100 * 31 / 28),  # 3 missing: 9.7 %
        (24, "REJECTED", 3100.0),  # 7 missing: 22.6 %, only what was billed
    ],
)
def test_a_billed_month_is_judged_like_a_daily_meter(covered, label, total):
    quality = calc.billed_month(kwh=3100.0, covered_days=covered, days=31)
    assert (quality.label, quality.total_kwh, quality.measured_kwh) == (label, pytest.approx(total), 3100.0)
    assert quality.missing_pct == pytest.approx(100 * (31 - covered) / 31)
    assert (quality.expected_count, quality.present_count) == (31, covered)


def test_exactly_20_percent_of_days_missing_is_still_flagged():
    assert calc.billed_month(kwh=2400.0, covered_days=24, days=30).label == "FLAGGED"
    with pytest.raises(calc.CalcInputError):
        calc.billed_month(kwh=1.0, covered_days=0, days=30)


BASELINE_KWH = [30_000 + 1_000 * i for i in range(12)]  # 2024-03 … 2025-02: mean 35,500


@pytest.fixture
def billed_building(owner):
    """A building with no meter at all: twelve monthly bills, then the retrofit in March 2025."""
    b = builders.building(owner)
    for month, kwh in zip(pd.period_range("2024-03", "2025-02", freq="M"), BASELINE_KWH, strict=True):
        bill_rows.confirmed_bill(b, kwh=kwh, period_start=month.start_time.date(), period_end=month.end_time.date())
    builders.retrofit(b, start="2025-03-03", end="2025-03-28")
    return b


@pytest.mark.django_db
def test_twelve_monthly_bills_give_a_historical_baseline(as_owner, billed_building):
    response = as_owner.post("/baseline/calculate", {"building_id": str(billed_building.pk)}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["method"] == "historical"
    assert body["baseline_monthly_kwh"] == pytest.approx(35_500)
    assert (body["period_start"], body["period_end"]) == ("2024-03-01", "2025-02-28")
    assert body["fit"]["n"] == 12
    assert not [w for w in body["warnings"] if "left out" in w]  # every month was usable


@pytest.mark.django_db
def test_reporting_months_covered_by_bills_show_in_savings(as_owner, billed_building):
    b = billed_building
    as_owner.post("/baseline/calculate", {"building_id": str(b.pk)}, format="json")
    bill_rows.confirmed_bill(b, kwh=30_000, period_start=date(2025, 4, 1), period_end=date(2025, 4, 30))
    # 1–29 May: 2 of 31 days uncovered (6.5 %), so FLAGGED and scaled to the month at 1,000 kWh a day.
    bill_rows.confirmed_bill(b, kwh=29_000, period_start=date(2025, 5, 1), period_end=date(2025, 5, 29))
    # June has meter readings, which win over a bill for the same month.
    builders.store_meter(b, builders.month_frame("2025-06"))
    bill_rows.confirmed_bill(b, kwh=99_999, period_start=date(2025, 6, 1), period_end=date(2025, 6, 30))

    body = as_owner.get(f"/mrv/{b.pk}/savings?start=2025-04&end=2025-07").json()
    by_month = {m["period"]: m for m in body["months"]}
    april, may, june_result, july = (by_month[p] for p in ("2025-04", "2025-05", "2025-06", "2025-07"))
    assert (april["quality"], april["actual_kwh"], april["missing_pct"]) == ("OK", 30_000, 0.0)
    assert april["savings_kwh"] == pytest.approx(35_500 - 30_000)
    assert april["co2_saved_kg"] == pytest.approx(5_500 * april["emission_factor_kg_per_kwh"])
    assert may["quality"] == "FLAGGED" and may["actual_kwh"] == pytest.approx(31_000)
    assert may["missing_pct"] == pytest.approx(100 * 2 / 31, abs=1e-3)
    assert (june_result["quality"], june_result["actual_kwh"]) == ("OK", pytest.approx(30 * 96 * 10.0))
    assert july["quality"] == "REJECTED" and "There are no meter readings for this month." in july["reasons"]


@pytest.fixture
def mid_month_bills(owner):
    """Bills read on the 15th: 100, then 200, then 300 kWh a day, so April and May each straddle two bills."""
    b = builders.building(owner)
    for start, end, per_day in (
        (date(2024, 3, 15), date(2024, 4, 14), 100),
        (date(2024, 4, 15), date(2024, 5, 14), 200),
        (date(2024, 5, 15), date(2024, 6, 14), 300),
    ):
        bill_rows.confirmed_bill(b, kwh=per_day * ((end - start).days + 1), period_start=start, period_end=end)
    return b


@pytest.mark.django_db
def test_a_window_that_cuts_billed_months_prorates_them_by_its_days(as_owner, mid_month_bills):
    b = mid_month_bills
    body = {"building_id": str(b.pk), "method": "historical"}
    response = as_owner.post(
        "/baseline/calculate", {**body, "baseline_start": "2024-04-10", "baseline_end": "2024-05-20"}, format="json"
    )
    assert response.status_code == 201, response.json()
    result = response.json()
    # April: 14 days x 100 + 16 x 200 = 4,600 kWh; the window holds 10-30 April, 21 of 30 days: 4,600 x 21/30.
    # May: 14 days x 200 + 17 x 300 = 7,900 kWh; the window holds 1-20 May, 20 of 31 days: 7,900 x 20/31.
    stored = Baseline.objects.get(pk=result["baseline_id"]).inputs["monthly_kwh"]
    assert stored == {"2024-04": pytest.approx(3220.0), "2024-05": pytest.approx(7900 * 20 / 31)}
    # The historical mean counts each at its kWh per day x the month's days: (4,600 + 7,900) / 2.
    assert result["baseline_monthly_kwh"] == pytest.approx(6250.0)
    assert (result["period_start"], result["period_end"]) == ("2024-04-10", "2024-05-20")

    # 1-10 May is 10 of 31 days, under half: May is left out, and the warning says so.
    short = as_owner.post(
        "/baseline/calculate", {**body, "baseline_start": "2024-04-10", "baseline_end": "2024-05-10"}, format="json"
    ).json()
    assert short["baseline_monthly_kwh"] == pytest.approx(4600.0)
    assert "2024-05 is left out of the baseline: the window holds under half its days." in short["warnings"]


@pytest.mark.django_db
def test_a_window_holding_under_half_of_every_month_is_refused(as_owner, mid_month_bills):
    b = mid_month_bills
    response = as_owner.post(
        "/baseline/calculate",
        {"building_id": str(b.pk), "baseline_start": "2024-04-20", "baseline_end": "2024-05-10"},
        format="json",
    )
    assert response.status_code == 422
    assert "holds at least 50% of the days of no month" in response.json()["detail"]
    assert not Baseline.objects.filter(building=b).exists()
