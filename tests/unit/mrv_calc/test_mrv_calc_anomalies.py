"""Meter anomalies and residual shifts: hand-checked small cases, then injected anomalies in generated
building-years with precision and recall per kind."""

import numpy as np
import pandas as pd
import pytest

from metering.parsers.demo_series import OFFICE, generate_meter, generate_weather
from mrv.calc.anomalies import KINDS, meter_anomalies
from mrv.calc.errors import CalcInputError
from mrv.calc.residual_shift import residual_shift

TZ = "Asia/Kolkata"
QUARTER = pd.Timedelta("15min")


def _flat_week(kwh=1.0, *, days=56, freq="15min"):
    index = pd.date_range("2025-01-06", periods=days * pd.Timedelta("1D") // pd.Timedelta(freq), freq=freq, tz=TZ)
    # a day/night cycle so no stretch is naturally constant
    values = kwh * (1 + 0.5 * np.sin(np.arange(len(index)) * 2 * np.pi / (pd.Timedelta("1D") / pd.Timedelta(freq))))
    return pd.Series(values + np.linspace(0, 1e-3, len(index)), index=index)


def test_a_single_reading_four_times_its_neighbours_is_a_spike_with_its_span_and_values():
    readings = _flat_week()
    at = pd.Timestamp("2025-01-09 11:00", tz=TZ)
    expected = readings[at]
    readings[at] = 4 * expected
    found = meter_anomalies(readings, timezone=TZ, interval=QUARTER)
    assert [a.kind for a in found] == ["spike"]
    spike = found[0]
    assert (spike.start, spike.end) == (at, at + QUARTER)
    assert spike.evidence["seen_kwh"] == pytest.approx(4 * expected, abs=1e-3)
    assert spike.evidence["expected_kwh"] == pytest.approx(expected, rel=0.01)
    assert spike.severity == "warning"  # 4×, not the 10× of a unit error


def test_a_thousandfold_reading_is_severe():
    readings = _flat_week()
    readings.iloc[500] *= 1000
    (spike,) = meter_anomalies(readings, timezone=TZ, interval=QUARTER)
    assert spike.severity == "severe"


def test_six_hours_of_one_value_is_a_flat_line_and_five_hours_is_not():
    readings = _flat_week()
    start = pd.Timestamp("2025-01-10 02:00", tz=TZ)
    six = pd.date_range(start, periods=24, freq="15min")
    stuck = readings.copy()
    stuck[six] = 1.234
    (flat,) = meter_anomalies(stuck, timezone=TZ, interval=QUARTER)
    assert (flat.kind, flat.start, flat.end) == ("flat_line", start, start + pd.Timedelta(hours=6))
    assert flat.evidence == {"value_kwh": 1.234, "readings": 24}
    shorter = readings.copy()
    shorter[six[:20]] = 1.234
    assert meter_anomalies(shorter, timezone=TZ, interval=QUARTER) == []


def test_zeros_count_only_when_the_profile_says_the_hours_are_occupied():
    readings = _flat_week()  # the sine peaks at 06:00 and bottoms at 18:00
    morning = pd.date_range(pd.Timestamp("2025-01-15 05:00", tz=TZ), periods=8, freq="15min")
    zeros = readings.copy()
    zeros[morning] = 0.0
    kinds = [a.kind for a in meter_anomalies(zeros, timezone=TZ, interval=QUARTER)]
    assert "zero_run" in kinds
    evening = pd.date_range(pd.Timestamp("2025-01-15 17:00", tz=TZ), periods=8, freq="15min")
    quiet = readings.copy()
    quiet[evening] = 0.0
    assert "zero_run" not in [a.kind for a in meter_anomalies(quiet, timezone=TZ, interval=QUARTER)]


def test_a_change_from_quarter_hours_to_hours_is_found_and_hourly_readings_are_not_spikes():
    readings = _flat_week(days=70)
    switch = pd.Timestamp("2025-02-17", tz=TZ)
    hourly = readings[readings.index >= switch].resample("1h").sum()
    changed = pd.concat([readings[readings.index < switch], hourly])
    found = meter_anomalies(changed, timezone=TZ, interval=QUARTER)
    assert [(a.kind, a.start) for a in found] == [("interval_change", switch)]
    assert found[0].evidence == {"interval_before_minutes": 15.0, "interval_after_minutes": 60.0}


def test_a_gap_between_days_is_not_an_interval_change():
    readings = _flat_week()
    gapped = readings[(readings.index < "2025-01-09") | (readings.index >= "2025-01-11 13:00")]
    assert meter_anomalies(gapped, timezone=TZ, interval=QUARTER) == []


def test_naive_timestamps_are_refused():
    with pytest.raises(CalcInputError):
        meter_anomalies(
            pd.Series([1.0, 2.0], index=pd.date_range("2025-01-01", periods=2, freq="h")),
            timezone=TZ,
            interval=pd.Timedelta("1h"),
        )


def test_a_residual_step_is_found_from_its_first_day_with_its_size():
    days = pd.date_range("2025-01-01", periods=120, freq="D")
    noise = np.tile([10.0, -10.0], 60)
    residual = pd.Series(noise, index=days)
    residual.iloc[70:] -= 300.0
    shift = residual_shift(residual, daily_expected_kwh=pd.Series(2000.0, index=days))
    assert shift is not None
    assert shift.start == days[70]
    assert shift.evidence["kwh_per_day"] == pytest.approx(-300.0)
    assert shift.evidence["share_of_expected"] == pytest.approx(-0.15)


def test_a_step_smaller_than_the_minimum_share_is_not_reported():
    days = pd.date_range("2025-01-01", periods=120, freq="D")
    residual = pd.Series(np.tile([1.0, -1.0], 60), index=days)
    residual.iloc[70:] -= 50.0  # 2.5 % of 2,000 kWh a day, clear statistically but below the 5 % floor
    assert residual_shift(residual, daily_expected_kwh=pd.Series(2000.0, index=days)) is None


def _office_year(seed):
    weather = generate_weather(start="2024-01-01", end="2025-01-02", tz=TZ, seed=seed, climate="subtropical")
    meter = generate_meter(
        weather=weather,
        start="2024-01-01",
        end="2025-01-01",
        tz=TZ,
        seed=seed,
        **OFFICE,
    )
    return pd.Series(meter["kwh"].to_numpy(), index=meter["ts"].dt.tz_convert(TZ))


def _weekday(rng, first, last, hour):
    day = pd.Timestamp("2024-01-01", tz=TZ) + pd.Timedelta(days=int(rng.integers(first, last)))
    while day.dayofweek >= 5:
        day += pd.Timedelta(days=1)
    return day + pd.Timedelta(hours=hour)


def _inject(readings, rng):
    """Each kind once, at a random weekday; returns the readings and the true spans."""
    truth = []
    at = _weekday(rng, 10, 60, int(rng.integers(0, 24)))
    readings[at] *= 4
    truth.append(("spike", at, at + QUARTER))
    at = _weekday(rng, 70, 120, 2)
    stuck = pd.date_range(at, periods=32, freq="15min")
    readings[stuck] = readings[at]
    truth.append(("flat_line", at, at + 32 * QUARTER))
    at = _weekday(rng, 130, 180, 10)
    readings[pd.date_range(at, periods=12, freq="15min")] = 0.0
    truth.append(("zero_run", at, at + 12 * QUARTER))
    switch = _weekday(rng, 190, 240, 0)
    readings = pd.concat([readings[readings.index < switch], readings[readings.index >= switch].resample("1h").sum()])
    truth.append(("interval_change", switch, switch + pd.Timedelta(days=1)))
    return readings, truth


SEEDS = range(8)


def test_injected_anomalies_are_found_within_an_hour_and_clean_years_raise_at_most_one_alarm(capsys):
    tally = {kind: {"found": 0, "missed": 0, "false": 0} for kind in KINDS}
    clean_alarms = []
    for seed in SEEDS:
        clean = _office_year(seed)
        clean_alarms.append(len(meter_anomalies(clean, timezone=TZ, interval=QUARTER)))
        readings, truth = _inject(clean.copy(), np.random.default_rng(seed))
        found = meter_anomalies(readings, timezone=TZ, interval=QUARTER)
        hour = pd.Timedelta(hours=1)
        for kind, start, end in truth:
            hit = any(a.kind == kind and abs(a.start - start) <= hour and abs(a.end - end) <= hour for a in found)
            tally[kind]["found" if hit else "missed"] += 1
        for a in found:
            if not any(a.kind == kind and a.start < end and a.end > start for kind, start, end in truth):
                tally[a.kind]["false"] += 1
        tally["shift"] = _shift_tally(seed, tally["shift"])
    with capsys.disabled():
        print("\nkind             precision  recall")
        for kind, t in tally.items():
            precision = t["found"] / max(t["found"] + t["false"], 1)
            print(f"{kind:16} {precision:9.2f} {t['found'] / max(t['found'] + t['missed'], 1):7.2f}")
        print(f"false alarms on clean building-years: {clean_alarms}")
    assert all(t["missed"] == 0 for t in tally.values()), tally
    assert sum(t["false"] for t in tally.values()) <= len(SEEDS), tally
    assert max(clean_alarms) <= 1


def _shift_tally(seed, tally):
    """A −15 % step on model error that drifts with the season (±8 % of daily use) and is autocorrelated
    (3 % of daily use, ρ = 0.6), and the same error without the step."""
    rng = np.random.default_rng(1000 + seed)
    days = pd.date_range("2025-01-01", periods=365, freq="D")
    expected = pd.Series(5000.0, index=days)
    error = np.zeros(len(days))
    shocks = rng.normal(0, 0.03 * 5000 * np.sqrt(1 - 0.6**2), len(days))
    for i in range(len(days)):
        error[i] = (0.6 * error[i - 1] if i else 0.0) + shocks[i]
    error += 0.08 * 5000 * np.sin(2 * np.pi * (np.arange(len(days)) / 365 + rng.uniform()))
    if residual_shift(pd.Series(error, index=days), daily_expected_kwh=expected) is not None:
        tally["false"] += 1
    begins = int(rng.integers(60, 300))
    stepped = error.copy()
    stepped[begins:] -= 0.15 * 5000
    found = residual_shift(pd.Series(stepped, index=days), daily_expected_kwh=expected)
    hit = found is not None and abs(found.start - days[begins]) <= pd.Timedelta(days=1)
    tally["found" if hit else "missed"] += 1
    return tally
