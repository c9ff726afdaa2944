"""Gap filling by hand: the fill follows the expected shape of the missing slots, scaled to the neighbours."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mrv.calc import CalcInputError, ExpectedUse, assess_month, billed_month

TZ = "Asia/Kolkata"  # no clock changes: every day has 96 quarter-hours


def quarter_hours(start: str, end: str, kwh) -> pd.Series:
    """15-minute readings over [start, end) local, ``kwh`` a function of the local instants."""
    stamps = pd.date_range(start, end, freq="15min", tz=TZ, inclusive="left")
    return pd.Series(np.asarray(kwh(stamps), dtype=float), index=stamps.tz_convert("UTC"))


def office(stamps: pd.DatetimeIndex) -> np.ndarray:
    """2 kWh a quarter-hour from 08:00 to 18:00 on weekdays, 1 kWh otherwise: a weekday is 40 × 2 + 56 = 136."""
    working = (stamps.hour >= 8) & (stamps.hour < 18) & (stamps.dayofweek < 5)
    return np.where(working, 2.0, 1.0)


def days(start: str, end: str, kwh) -> pd.Series:
    stamps = pd.date_range(start, end, freq="D", tz=TZ, inclusive="left")
    return pd.Series(np.asarray(kwh(stamps), dtype=float), index=stamps)


def drop(readings: pd.Series, start: str, end: str) -> pd.Series:
    local = readings.index.tz_convert(TZ)
    return readings[(local < pd.Timestamp(start, tz=TZ)) | (local >= pd.Timestamp(end, tz=TZ))]


def test_a_flat_profile_fills_back_the_flat_level_and_reports_each_day_of_the_gap():
    readings = drop(
        quarter_hours("2024-11-01", "2024-12-01", lambda s: np.ones(len(s))), "2024-11-12 22:00", "2024-11-13 02:00"
    )
    quality = assess_month(readings=readings, month="2024-11", timezone=TZ)
    assert (quality.label, quality.present_count) == ("INTERPOLATED", 2880 - 16)
    assert quality.total_kwh == pytest.approx(2880.0)
    assert quality.filled_kwh == pytest.approx(16.0)
    assert quality.fill_shape == "weekly profile"
    # The gap crosses midnight: one span per local day.
    spans = [(g.start.isoformat(), g.end.isoformat(), g.slots, g.filled_kwh) for g in quality.gaps]
    assert spans == [
        ("2024-11-12T22:00:00+05:30", "2024-11-13T00:00:00+05:30", 8, pytest.approx(8.0)),
        ("2024-11-13T00:00:00+05:30", "2024-11-13T02:00:00+05:30", 8, pytest.approx(8.0)),
    ]


def test_a_missing_weekday_is_filled_at_weekday_level_not_at_night_level():
    # November 2024: Wednesdays 6, 13, 20 and 27 are all there but the 13th. Every weekday reads 136 kWh.
    full = quarter_hours("2024-10-18", "2024-12-15", office)
    readings = drop(full, "2024-11-13", "2024-11-14")
    quality = assess_month(readings=readings, month="2024-11", timezone=TZ)
    # The profile of the other Wednesdays, scaled by a ratio of exactly 1: 40 × 2 + 56 × 1 = 136.
    assert quality.filled_kwh == pytest.approx(136.0)
    assert quality.total_kwh == pytest.approx(
        full[(full.index >= "2024-10-31T18:30Z") & (full.index < "2024-11-30T18:30Z")].sum()
    )
    assert [(g.start.day, g.slots) for g in quality.gaps] == [(13, 96)]
    # A straight line between the readings either side (1 kWh at midnight) would have added only 96 kWh.


def test_a_gap_at_the_months_start_takes_its_level_from_the_month_and_its_shape_from_the_weeks_around():
    # June 2024 starts on a Saturday. Late May reads twice June's level (weekdays 20 / weekends 8, June 10 / 4).
    def level(stamps):
        weekend = stamps.dayofweek >= 5
        return np.where(weekend, 4.0, 10.0) * np.where(stamps.month == 5, 2.0, 1.0)

    readings = drop(days("2024-05-18", "2024-07-01", level), "2024-06-01", "2024-06-03")
    quality = assess_month(readings=readings, month="2024-06", timezone=TZ)
    # Profile: every weekday 80 / 6 = 13.33, Saturday and Sunday 32 / 6 = 5.33. The window cannot reach
    # before June 1st, so it runs from the 1st to the 16th: June 3–16 read 10 × 10 + 4 × 4 = 116 kWh where
    # the profile expects 10 × 13.33 + 4 × 5.33 = 154.67; ratio 0.75, and 5.33 × 0.75 = 4 kWh a weekend day.
    assert quality.filled_kwh == pytest.approx(8.0)
    assert quality.total_kwh == pytest.approx(20 * 10 + 10 * 4)
    assert quality.measured_kwh == pytest.approx(232.0)
    assert [(g.start.day, g.end.day, g.slots) for g in quality.gaps] == [(1, 2, 1), (2, 3, 1)]  # a span per day


def test_a_daily_model_sets_the_days_level_and_the_profile_shares_it_among_the_slots():
    # Every day, weekend too, reads 2 kWh a quarter-hour from 08 to 18 and 1 otherwise: 136 kWh.
    def flat_week(stamps):
        return np.where((stamps.hour >= 8) & (stamps.hour < 18), 2.0, 1.0)

    readings = drop(quarter_hours("2024-10-18", "2024-12-15", flat_week), "2024-11-13", "2024-11-14")
    dates = pd.date_range("2024-11-01", "2024-11-30", freq="D")
    model = pd.Series(np.where(dates == "2024-11-13", 250.0, 200.0), index=dates)  # a hotter 13th
    quality = assess_month(readings=readings, month="2024-11", timezone=TZ, expected_use=ExpectedUse(daily_kwh=model))
    # Neighbours read 136 where the model says 200: ratio 0.68. The 13th: 250 × 0.68 = 170 kWh.
    assert quality.fill_shape == "daily model"
    assert quality.filled_kwh == pytest.approx(170.0)
    # shared as the profile shares a day: 40 slots of 2w and 56 of w, 136 w = 170, w = 1.25
    thirteenth = quality.gaps[0]
    assert (thirteenth.slots, thirteenth.filled_kwh) == (96, pytest.approx(170.0))


def test_a_temperature_only_daily_model_is_shaped_over_the_week_by_the_readings():
    def week(stamps):
        return np.where(stamps.dayofweek >= 5, 4.0, 10.0)

    readings = drop(days("2024-10-18", "2024-12-15", week), "2024-11-13", "2024-11-14")
    dates = pd.date_range("2024-11-01", "2024-11-30", freq="D")
    average_day = pd.Series(8.0, index=dates)  # knows nothing of weekdays
    blind = assess_month(
        readings=readings,
        month="2024-11",
        timezone=TZ,
        expected_use=ExpectedUse(daily_kwh=average_day, daily_knows_day_types=False),
    )
    # 8 × 10 / (58 / 7) for a weekday, 8 × 4 / (58 / 7) for a weekend day: proportional to the readings,
    # so the ratio brings the missing Wednesday back to 10 kWh exactly.
    assert blind.filled_kwh == pytest.approx(10.0)
    trusting = assess_month(
        readings=readings, month="2024-11", timezone=TZ, expected_use=ExpectedUse(daily_kwh=average_day)
    )
    # Taken as the day's own level, the average day puts the Wednesday at the window's mean: 8.29 kWh
    # (Nov 6–20 less the 13th: 10 weekdays and 4 weekend days, 116 kWh over 14 days).
    assert trusting.filled_kwh == pytest.approx(116 / 14)


def test_a_slot_model_shapes_the_fill_and_an_unusable_one_gives_way_to_the_profile():
    full = quarter_hours("2024-10-18", "2024-12-15", office)
    readings = drop(full, "2024-11-13 06:00", "2024-11-13 12:00")  # 8 night and 16 working quarter-hours

    def doubled(starts: pd.DatetimeIndex) -> np.ndarray:
        return 2 * office(starts)

    quality = assess_month(readings=readings, month="2024-11", timezone=TZ, expected_use=ExpectedUse(slot_kwh=doubled))
    # Twice the truth everywhere: the window's ratio is 0.5 and the fill is the truth, 8 × 1 + 16 × 2 = 40.
    assert (quality.fill_shape, quality.filled_kwh) == ("hourly model", pytest.approx(40.0))
    blank = assess_month(
        readings=readings,
        month="2024-11",
        timezone=TZ,
        expected_use=ExpectedUse(slot_kwh=lambda starts: np.full(len(starts), np.nan)),
    )
    assert (blank.fill_shape, blank.filled_kwh) == ("weekly profile", pytest.approx(40.0))


def test_complete_rejected_and_billed_months_fill_nothing():
    full = quarter_hours("2024-11-01", "2024-12-01", lambda s: np.ones(len(s)))
    assert assess_month(readings=full, month="2024-11", timezone=TZ).filled_kwh == 0.0
    rejected = assess_month(readings=full.iloc[::2], month="2024-11", timezone=TZ, interval=pd.Timedelta("15min"))
    assert (rejected.label, rejected.filled_kwh, rejected.gaps) == ("REJECTED", 0.0, ())
    billed = billed_month(kwh=2_700.0, covered_days=27, days=30)  # FLAGGED: three days at the bills' mean
    assert (billed.label, billed.total_kwh, billed.filled_kwh, billed.gaps) == ("FLAGGED", 3_000.0, 300.0, ())


def test_two_expected_values_for_one_day_are_refused():
    readings = drop(days("2024-10-18", "2024-12-15", lambda s: np.full(len(s), 5.0)), "2024-11-13", "2024-11-14")
    twice = pd.Series([8.0, 9.0], index=pd.DatetimeIndex(["2024-11-13", "2024-11-13"]))
    with pytest.raises(CalcInputError, match="more than one value"):
        assess_month(readings=readings, month="2024-11", timezone=TZ, expected_use=ExpectedUse(daily_kwh=twice))


@settings(max_examples=25, deadline=None, database=None)
@given(dropped=st.sets(st.integers(min_value=0, max_value=2879), min_size=1, max_size=576))
def test_any_gaps_of_a_flat_month_fill_back_to_it_and_the_spans_add_up(dropped):
    full = quarter_hours("2024-11-01", "2024-12-01", lambda s: np.full(len(s), 2.0))
    readings = full.drop(full.index[sorted(dropped)])
    quality = assess_month(readings=readings, month="2024-11", timezone=TZ, interval=pd.Timedelta("15min"))
    assert quality.label in ("INTERPOLATED", "FLAGGED")
    assert quality.total_kwh == pytest.approx(5760.0)
    assert quality.filled_kwh == pytest.approx(2.0 * len(dropped))
    assert sum(g.slots for g in quality.gaps) == len(dropped)
    assert sum(g.filled_kwh for g in quality.gaps) == pytest.approx(quality.filled_kwh)
    assert all(g.start.date() == (g.end - pd.Timedelta("1ns")).date() for g in quality.gaps)
