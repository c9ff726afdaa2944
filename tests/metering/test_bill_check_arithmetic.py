"""The arithmetic of a bill's checks, each figure worked by hand: plausible kWh for a floor area, the meter's kWh
over the bill's days, the verdicts and the sentences that report them."""

from datetime import date

import pandas as pd
import pytest

from metering.bills.checks import METER_COVERAGE, BillCheck, judged, local_days, prorated
from metering.bills.models import AreaCheck, MeterCheck

# 50,000 sq ft over March (31 days of 24 h = 744 h) at the default ceiling of 50 W per sq ft:
# most = 50 × 50,000 × 744 / 1,000 = 1,860,000 kWh; least = 0.01 × 50,000 × 744 / 1,000 = 372 kWh.
MARCH = dict(hours=744.0, area_sqft=50_000.0, ceiling_w_per_sqft=50.0, tolerance_pct=10.0)


def check(kwh: float, *, meter_kwh: float = 0.0, covered: float = 0.0) -> BillCheck:
    return judged(kwh=kwh, meter_kwh=meter_kwh, covered=covered, **MARCH)


def test_the_floor_area_bounds():
    found = check(42_300)
    assert (found.area_min_kwh, found.area_max_kwh) == (pytest.approx(372.0), pytest.approx(1_860_000.0))


@pytest.mark.parametrize(
    ("kwh", "verdict"),
    [
        (1_860_000.0, AreaCheck.OK),  # exactly the ceiling: 2,500 kW on average, which the area can draw
        (1_860_001.0, AreaCheck.ABOVE_CEILING),
        (372.0, AreaCheck.OK),
        (371.0, AreaCheck.BELOW_FLOOR),
        (38.0, AreaCheck.BELOW_FLOOR),  # "38 450" read as 38
        (0.0, AreaCheck.OK),  # the supply was off: taken as stated
    ],
)
def test_the_floor_area_verdict(kwh, verdict):
    assert check(kwh).area == verdict


@pytest.mark.parametrize(
    ("kwh", "meter_kwh", "covered", "verdict", "meter_figure"),
    [
        (42_300.0, 250_885.0, 1.0, MeterCheck.MISMATCH, 250_885.0),  # issue 14, row 12
        (1_100.0, 1_000.0, 1.0, MeterCheck.OK, 1_000.0),  # exactly 10 % more: allowed
        (900.0, 1_000.0, 1.0, MeterCheck.OK, 1_000.0),  # exactly 10 % less: allowed
        (1_100.5, 1_000.0, 1.0, MeterCheck.MISMATCH, 1_000.0),
        (1_000.0, 960.0, 0.96, MeterCheck.OK, 1_000.0),  # 4 % of the days missing: 960 / 0.96 = 1,000
        (1_000.0, 950.0, METER_COVERAGE, MeterCheck.OK, 1_000.0),
        (1_000.0, 940.0, 0.94, MeterCheck.NOT_COVERED, None),  # too little of the bill's time to compare
        (0.0, 0.0, 1.0, MeterCheck.OK, 0.0),
        (5.0, 0.0, 1.0, MeterCheck.MISMATCH, 0.0),  # any kWh against a meter that counted none
    ],
)
def test_the_meter_verdict(kwh, meter_kwh, covered, verdict, meter_figure):
    found = check(kwh, meter_kwh=meter_kwh, covered=covered)
    assert found.meter == verdict
    assert found.meter_kwh == (pytest.approx(meter_figure) if meter_figure is not None else None)
    assert found.meter_coverage_pct == round(covered * 100, 2)


def test_the_difference_from_the_meter():
    # (42,300 − 250,885) / 250,885 = −208,585 / 250,885 = −83.14 %
    assert check(42_300, meter_kwh=250_885, covered=1).difference_pct == pytest.approx(-83.1397, abs=1e-4)
    assert check(1_050, meter_kwh=1_000, covered=1).difference_pct == pytest.approx(5.0)
    assert check(5, meter_kwh=0, covered=1).difference_pct is None
    assert check(5).difference_pct is None  # no meter figure


def test_flagged_is_any_doubt_about_the_figure():
    assert check(42_300, meter_kwh=250_885, covered=1).flagged
    assert check(38).flagged
    assert check(2_000_000).flagged
    assert not check(42_300).flagged  # nothing to compare with is no doubt
    assert not check(42_300, meter_kwh=40_000, covered=1).flagged


def test_the_sentences():
    mismatch = check(42_300, meter_kwh=250_885, covered=1)
    assert mismatch.sentences() == {
        "floor_area": "The bill's 42,300 kWh is plausible for the building's floor area.",
        "meter": "The bill's 42,300 kWh differs from the meter's 250,885 kWh over the same days by 83.1 %, "
        "more than the 10 % allowed.",
    }
    assert mismatch.problems() == [mismatch.sentences()["meter"]]
    assert check(2_000_000).sentences() == {
        "floor_area": "The bill's 2,000,000 kWh is more than the building's floor area can draw in the bill's days: "
        "at most 1,860,000 kWh at its power ceiling.",
        "meter": "The meter's readings cover 0 % of the bill's days, too few to compare with the bill.",
    }
    assert check(38).sentences()["floor_area"] == (
        "The bill's 38 kWh is implausibly little for the building's floor area: even an empty building uses about "
        "372 kWh in the bill's days. Check for lost digits."
    )
    assert check(5.5).sentences()["floor_area"].startswith("The bill's 5.50 kWh")
    assert check(40_000, meter_kwh=41_000, covered=1).sentences()["meter"] == (
        "The bill's 40,000 kWh agrees with the meter's 41,000 kWh over the same days (within 10 %)."
    )
    assert check(5, meter_kwh=0, covered=1).sentences()["meter"] == (
        "The bill's 5.00 kWh differs from the meter's 0.00 kWh over the same days, more than the 10 % allowed."
    )


@pytest.mark.parametrize(
    ("first", "last", "tz", "hours"),
    [
        (date(2025, 3, 1), date(2025, 3, 31), "Asia/Kolkata", 744),
        (date(2025, 3, 9), date(2025, 3, 9), "America/New_York", 23),  # clocks go forward
        (date(2025, 11, 2), date(2025, 11, 2), "America/New_York", 25),  # and back
    ],
)
def test_a_bills_days_run_from_local_midnight_to_local_midnight(first, last, tz, hours):
    start, end = local_days(first, last, tz)
    assert start == pd.Timestamp(first, tz=tz)
    assert (end - start) / pd.Timedelta(hours=1) == hours


def utc(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="UTC")


def series(start: str, periods: int, freq: str, kwh: float) -> pd.Series:
    return pd.Series(kwh, index=pd.date_range(start, periods=periods, freq=freq, tz="UTC"))


def test_readings_inside_the_days_count_whole():
    # Hourly readings of 2 kWh over two days; the bill's day is the second: 24 × 2 = 48 kWh, all covered.
    total, covered = prorated(
        series("2025-03-01", 48, "h", 2.0),
        interval=pd.Timedelta(hours=1),
        start=utc("2025-03-02"),
        end=utc("2025-03-03"),
    )
    assert (total, covered) == (pytest.approx(48.0), pytest.approx(1.0))


def test_longer_readings_count_by_the_share_of_their_interval_inside():
    # One reading of 3,100 kWh for 31 days from 1 March; a bill from 16 to 31 March holds 16 of its days:
    # 3,100 × 16 / 31 = 1,600 kWh.
    total, covered = prorated(
        series("2025-03-01", 1, "D", 3_100.0),
        interval=pd.Timedelta(days=31),
        start=utc("2025-03-16"),
        end=utc("2025-04-01"),
    )
    assert (total, covered) == (pytest.approx(1_600.0), pytest.approx(1.0))


def test_missing_readings_lower_the_coverage():
    # Quarter-hours of 1 kWh over 10 days (960), 48 missing: 912 kWh over 912 / 960 = 95 % of the time.
    full = series("2025-03-01", 960, "15min", 1.0)
    gappy = full.drop(full.index[100:148])
    total, covered = prorated(gappy, interval=pd.Timedelta(minutes=15), start=utc("2025-03-01"), end=utc("2025-03-11"))
    assert (total, covered) == (pytest.approx(912.0), pytest.approx(0.95))


def test_no_readings_cover_nothing():
    empty = pd.Series(dtype=float, index=pd.DatetimeIndex([], tz="UTC"))
    assert prorated(empty, interval=pd.Timedelta(hours=1), start=utc("2025-03-01"), end=utc("2025-03-02")) == (0, 0)
