import json

import numpy as np
import pandas as pd
import pytest

from mrv.calc import CalcInputError, adjusted_baselines_kwh, assess_month, calculate_baseline, expected_use, fsu
from mrv.calc.candidates import Candidate
from mrv.calc.towt import TowtModel, fit_segment
from mrv.calc.towt_baseline import (
    TERMS,
    baseline_hours,
    leave_one_month_out_cv_rmse,
    towt_baseline,
    towt_candidate,
    towt_hourly_kwh,
)
from mrv.calc.towt_features import temperature_bin_features, time_of_week

YEAR = pd.date_range("2023-01-01", "2023-12-31 23:00", freq="h", tz="Europe/Berlin")
OFFICE_HOURS = {day * 24 + hour for day in range(5) for hour in range(8, 18)}


def seasonal_temperatures(index: pd.DatetimeIndex, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    days = index.dayofyear.to_numpy()
    daily_swing = 5 * np.sin(2 * np.pi * (index.hour.to_numpy() - 9) / 24)
    return 10 - 12 * np.cos(2 * np.pi * days / 365) + daily_swing + rng.normal(0, 3, len(index))


def office(index: pd.DatetimeIndex, temperatures: np.ndarray, noise_kwh: float = 0.0, seed: int = 1) -> pd.Series:
    """10 kWh at night and weekends, 60 kWh in office hours; heating below 12 °C, cooling above 22 °C
    that works twice as hard in office hours."""
    busy = np.isin(time_of_week(index), list(OFFICE_HOURS))
    hvac = 2 * np.maximum(12 - temperatures, 0) + 3 * np.maximum(temperatures - 22, 0) * (1 + busy)
    noise = np.random.default_rng(seed).normal(0, noise_kwh, len(index))
    return pd.Series(np.maximum(10 + 50 * busy + hvac + noise, 0.0), index=index)


def test_a_load_that_only_follows_the_time_of_week_is_recovered_exactly():
    by_tow = np.random.default_rng(2).uniform(5, 50, 168)
    temperatures = pd.Series(seasonal_temperatures(YEAR), index=YEAR)
    usage = pd.Series(by_tow[time_of_week(YEAR)], index=YEAR)
    candidate = towt_candidate(hourly_kwh=usage, hourly_temperature_c=temperatures)
    assert isinstance(candidate, Candidate)
    assert (candidate.method, candidate.granularity) == ("towt", "hourly")
    result = candidate.result
    assert (result.method, result.model["granularity"], result.valid) == ("towt", "hourly", True)
    assert result.fit is not None and result.fit.r2 == pytest.approx(1.0, abs=1e-12)
    assert result.fit.cv_rmse == pytest.approx(0.0, abs=1e-9)
    assert candidate.oos_cv_rmse == pytest.approx(0.0, abs=1e-9)
    model = TowtModel.from_dict(result.model["towt"])
    for segment in model.segments.values():
        assert segment.time_of_week_kwh == pytest.approx(tuple(by_tow), abs=1e-9)
        assert np.abs(segment.occupied_slopes + segment.unoccupied_slopes).max() < 1e-9


def test_a_temperature_slope_is_recovered_in_every_bin_and_both_modes():
    temperatures = np.random.default_rng(3).uniform(-10, 40, len(YEAR))
    by_tow = np.random.default_rng(4).uniform(50, 100, 168)
    usage = pd.Series(by_tow[time_of_week(YEAR)] + 3.0 * temperatures, index=YEAR)
    result = towt_baseline(hourly_kwh=usage, hourly_temperature_c=pd.Series(temperatures, index=YEAR))
    for segment in TowtModel.from_dict(result.model["towt"]).segments.values():
        assert len(segment.occupied_bin_endpoints_c) + len(segment.unoccupied_bin_endpoints_c) > 0
        slopes = segment.occupied_slopes + segment.unoccupied_slopes
        assert slopes == pytest.approx((3.0,) * len(slopes), abs=1e-9)


def test_the_office_hours_are_found_as_occupied_in_every_month():
    temperatures = seasonal_temperatures(YEAR)
    usage = office(YEAR, temperatures, noise_kwh=2.0)
    result = towt_baseline(hourly_kwh=usage, hourly_temperature_c=pd.Series(temperatures, index=YEAR))
    segments = TowtModel.from_dict(result.model["towt"]).segments
    assert sorted(segments) == list(range(1, 13))
    for segment in segments.values():
        assert {tow for tow, busy in enumerate(segment.occupied) if busy} == OFFICE_HOURS
    assert result.valid and result.fit is not None and result.fit.r2 > 0.99


def test_the_closed_form_equals_the_full_weighted_regression():
    index = YEAR[(YEAR.month >= 5) & (YEAR.month <= 7)]
    temperatures = seasonal_temperatures(index)
    usage = office(index, temperatures, noise_kwh=4.0).to_numpy()
    tow, weights = time_of_week(index), np.where(index.month == 6, 1.0, 0.5)
    solution = fit_segment(month=6, usage_kwh=usage, temperature_c=temperatures, tow=tow, weights=weights)
    segment = solution.segment
    busy = np.asarray(segment.occupied)[tow]
    occupied = temperature_bin_features(temperatures, segment.occupied_bin_endpoints_c) * busy[:, None]
    unoccupied = temperature_bin_features(temperatures, segment.unoccupied_bin_endpoints_c) * ~busy[:, None]
    design = np.column_stack((np.eye(168)[tow], occupied, unoccupied)) * np.sqrt(weights)[:, None]
    coefficients = np.linalg.lstsq(design, usage * np.sqrt(weights), rcond=None)[0]
    assert segment.time_of_week_kwh == pytest.approx(tuple(coefficients[:168]), abs=1e-8)
    assert segment.occupied_slopes + segment.unoccupied_slopes == pytest.approx(tuple(coefficients[168:]), abs=1e-8)


def four_weeks_of(months: dict[int, float]) -> pd.Series:
    """A flat load per month over days 1-28 (each hour of the week four times), at a constant 15 °C."""
    index = pd.DatetimeIndex(
        np.concatenate([pd.date_range(f"2023-{m:02d}-01", periods=28 * 24, freq="h") for m in months])
    )
    return pd.Series(index.month.map(months).to_numpy(dtype=float), index=index)


def test_segments_weigh_the_neighbouring_months_by_half_and_leave_one_month_out_by_hand():
    usage = four_weeks_of({1: 200.0, 2: 300.0, 12: 100.0})
    temperatures = pd.Series(15.0, index=usage.index)
    candidate = towt_candidate(hourly_kwh=usage, hourly_temperature_c=temperatures)
    segments = TowtModel.from_dict(candidate.result.model["towt"]).segments
    assert sorted(segments) == [1, 2, 3, 11, 12]
    assert segments[1].time_of_week_kwh == pytest.approx((200.0,) * 168)  # (0.5·100 + 200 + 0.5·300) / 2
    assert segments[2].time_of_week_kwh == pytest.approx((800 / 3,) * 168)  # (0.5·200 + 300) / 1.5
    assert segments[3].time_of_week_kwh == pytest.approx((300.0,) * 168)  # February alone
    # Held out, January is predicted at 200 by Dec/Feb (error 0); December at 200 by January alone
    # (actual 100) and February at 200 (actual 300): errors ±100 kWh × 672 h = ±67,200 on totals of
    # 67,200 / 134,400 / 201,600, so CV(RMSE) = 67,200·sqrt(2/3) / 134,400 = 0.408248.
    assert candidate.oos_cv_rmse == pytest.approx(0.408248, abs=1e-6)
    warnings = candidate.result.warnings
    assert "no baseline hours in or next to April, May, June, July, August, September, October" in warnings[0]
    assert "no baseline hours in March, November: predicted from the neighbouring months alone" in warnings[1]


def test_effective_parameters_by_hand():
    # One month alone: each of the 168 means rests on its own 4 hours (leverage 1/4), so the hourly
    # fit spends 672 · 1/4 = 168 parameters; a day's total spends 24 · (1/4) / 24 per day, 7 in 28 days.
    result = towt_baseline(
        hourly_kwh=four_weeks_of({6: 50.0}) + np.tile([0.0, 1.0], 14 * 24),
        hourly_temperature_c=pd.Series(20.0, index=four_weeks_of({6: 0.0}).index),
    )
    assert result.fit is not None and result.fit.n_parameters == 168
    assert result.model["uncertainty"]["n_parameters"] == 7
    assert result.model["uncertainty"]["n"] == 28


def test_gaps_are_left_out_and_their_hours_predicted_from_temperature():
    temperatures = pd.Series(seasonal_temperatures(YEAR), index=YEAR)
    usage = office(YEAR, temperatures.to_numpy())
    missing_days = (YEAR >= pd.Timestamp("2023-03-06", tz="Europe/Berlin")) & (
        YEAR < pd.Timestamp("2023-03-09", tz="Europe/Berlin")
    )
    gappy = usage[~missing_days].copy()
    gappy.iloc[100:105] = np.nan  # five hours of 5 January read nothing
    result = towt_baseline(hourly_kwh=gappy, hourly_temperature_c=temperatures)
    assert result.fit is not None and result.fit.n == len(YEAR) - 3 * 24 - 5
    # 365 local days, three of them missing and one incomplete (its 19 hours do not make a daily total)
    assert result.model["uncertainty"]["n"] == 365 - 3 - 1
    predicted = towt_hourly_kwh(model=result.model, hourly_temperature_c=temperatures[missing_days])
    assert np.abs(predicted - usage[missing_days]).max() < 0.05 * usage[missing_days].mean()


def test_a_stored_model_predicts_the_same_after_json():
    temperatures = pd.Series(seasonal_temperatures(YEAR), index=YEAR)
    result = towt_baseline(hourly_kwh=office(YEAR, temperatures.to_numpy(), 3.0), hourly_temperature_c=temperatures)
    stored = json.loads(json.dumps(result.model))
    reporting = pd.date_range("2024-01-01", "2024-12-31 23:00", freq="h", tz="Europe/Berlin")
    hotter = pd.Series(seasonal_temperatures(reporting, seed=9) + 2, index=reporting)
    direct = TowtModel.from_dict(result.model["towt"]).predict(hourly_temperature_c=hotter)
    assert towt_hourly_kwh(model=stored, hourly_temperature_c=hotter).equals(direct)
    assert not direct.isna().any() and TowtModel.from_dict(stored["towt"]) == TowtModel.from_dict(result.model["towt"])


def test_hours_no_segment_or_time_of_week_saw_are_not_predicted():
    usage = four_weeks_of({6: 50.0})
    result = towt_baseline(hourly_kwh=usage, hourly_temperature_c=pd.Series(20.0, index=usage.index))
    august = pd.Series(20.0, index=pd.date_range("2024-06-29", "2024-08-02", freq="h"))
    predicted = towt_hourly_kwh(model=result.model, hourly_temperature_c=august)
    assert predicted[august.index.month == 6].eq(50.0).all()  # June's own segment
    assert predicted[august.index.month == 7].eq(50.0).all()  # July, from June at half weight
    assert predicted[august.index.month == 8].isna().all()  # no segment for August


def test_the_uncertainty_is_on_daily_totals_and_feeds_the_fsu():
    temperatures = pd.Series(seasonal_temperatures(YEAR), index=YEAR)
    result = towt_baseline(hourly_kwh=office(YEAR, temperatures.to_numpy(), 5.0), hourly_temperature_c=temperatures)
    uncertainty = result.uncertainty
    assert uncertainty is not None and uncertainty.granularity == "daily" and uncertainty.n == 365
    assert 0 < uncertainty.cv_rmse < result.fit.cv_rmse  # hourly noise averages out over a day
    fractional = fsu(
        baseline=uncertainty,
        reporting_baseline_kwh=1_000_000,
        savings_kwh=200_000,
        reporting_months=12,
        reporting_points=365,
    )
    assert fractional is not None and 0 < fractional < 0.1


def test_out_of_sample_error_exceeds_the_in_sample_one_with_noise():
    temperatures = pd.Series(seasonal_temperatures(YEAR), index=YEAR)
    hours = baseline_hours(hourly_kwh=office(YEAR, temperatures.to_numpy(), 8.0), hourly_temperature_c=temperatures)
    monthly = hours["kwh"].groupby(hours.index.month).sum()
    assert 0 < leave_one_month_out_cv_rmse(hours) < 0.05 * monthly.mean()


@pytest.mark.parametrize(
    ("usage", "temperature", "message"),
    [
        (pd.Series(-1.0, index=YEAR[:400]), pd.Series(10.0, index=YEAR[:400]), "0 or more"),
        (pd.Series(1.0, index=YEAR[:400]), pd.Series(75.0, index=YEAR[:400]), "between -90 and 60"),
        (pd.Series(1.0, index=YEAR[:100]), pd.Series(10.0, index=YEAR[:100]), "at least 336 hours"),
        (pd.Series(1.0, index=YEAR[:400] + pd.Timedelta(minutes=30)), pd.Series(10.0, index=YEAR[:400]), "on the hour"),
        (pd.Series(1.0, index=YEAR[:400].tz_localize(None)), pd.Series(10.0, index=YEAR[:400]), "both"),
        (pd.Series(1.0, index=YEAR[[0, 0, 1]]), pd.Series(10.0, index=YEAR[:3]), "more than one value"),
        (pd.Series([1.0, 2.0]), pd.Series([10.0, 11.0]), "need timestamps"),
    ],
)
def test_bad_input_is_refused_with_a_sentence(usage, temperature, message):
    with pytest.raises(CalcInputError, match=message):
        towt_baseline(hourly_kwh=usage, hourly_temperature_c=temperature)


def test_the_adjusted_baseline_of_a_month_sums_its_hours_and_scales_up_short_coverage():
    usage = four_weeks_of({6: 50.0})
    model = towt_baseline(hourly_kwh=usage, hourly_temperature_c=pd.Series(20.0, index=usage.index)).model
    hours = pd.date_range("2024-06-01", "2024-09-01", freq="h", inclusive="left")
    temperatures = pd.Series(20.0, index=hours)
    temperatures[(hours.month == 7) & (hours.day <= 2)] = np.nan  # July keeps 29 of 31 days: 93.5 %
    temperatures[(hours.month == 6) & (hours.day <= 15)] = np.nan  # June keeps half its hours
    adjusted = adjusted_baselines_kwh(
        model=model, months=["2024-06", "2024-07", "2024-08"], hourly_temperature_c=temperatures
    )
    assert adjusted[pd.Period("2024-07")] == pytest.approx(50.0 * 31 * 24)  # 50 kWh in each of its 744 hours
    assert "too little in 2024-06 (50%)" in str(adjusted[pd.Period("2024-06")])
    assert "saw too few hours like those of 2024-08" in str(adjusted[pd.Period("2024-08")])
    missing = adjusted_baselines_kwh(model=model, months=["2024-07"])[pd.Period("2024-07")]
    assert isinstance(missing, CalcInputError) and "needs the month's hourly temperatures" in str(missing)


def test_a_month_with_a_dst_change_has_its_own_number_of_hours():
    usage = pd.Series(10.0, index=YEAR)
    model = towt_baseline(hourly_kwh=usage, hourly_temperature_c=pd.Series(5.0, index=YEAR)).model
    march = pd.date_range("2024-03-01", "2024-04-01", freq="h", inclusive="left", tz="Europe/Berlin")
    adjusted = adjusted_baselines_kwh(model=model, months=["2024-03"], hourly_temperature_c=pd.Series(5.0, index=march))
    assert adjusted[pd.Period("2024-03")] == pytest.approx(10.0 * 743)  # 31 days less the hour DST skips


def test_towt_joins_the_daily_family_and_can_be_asked_for_by_name():
    temperatures = pd.Series(seasonal_temperatures(YEAR), index=YEAR)
    usage = office(YEAR, temperatures.to_numpy(), noise_kwh=3.0)
    days = usage.index.tz_localize(None).normalize()
    daily = {"daily_kwh": usage.groupby(days).sum(), "daily_temperature_c": temperatures.groupby(days).mean()}
    chosen = calculate_baseline(**daily, hourly_kwh=usage, hourly_temperature_c=temperatures)
    towt = chosen.candidates[-1]
    assert [c.method for c in chosen.candidates[:-1]] == ["weather", "daytype"]
    assert (towt.method, towt.granularity, towt.terms) == ("towt", "hourly", TERMS)
    # Cooling works twice as hard in office hours: only the hourly model sees that, and it wins.
    assert chosen.method == "towt" and towt.oos_cv_rmse < min(c.oos_cv_rmse for c in chosen.candidates[:-1])
    requested = calculate_baseline(method="towt", hourly_kwh=usage, hourly_temperature_c=temperatures)
    assert (requested.method, requested.method_reason, requested.normalization["weather"]) == (
        "towt",
        "requested",
        True,
    )
    assert requested.candidates[0].oos_cv_rmse == pytest.approx(towt.oos_cv_rmse)
    with pytest.raises(CalcInputError, match="needs hourly kWh"):
        calculate_baseline(method="towt", **daily)
    assert "towt" not in [c.method for c in calculate_baseline(**daily).candidates]


def test_the_gap_fill_takes_its_shape_from_the_hourly_model():
    by_tow = np.random.default_rng(5).uniform(5, 50, 168)
    temperatures = pd.Series(seasonal_temperatures(YEAR), index=YEAR)
    model = towt_baseline(
        hourly_kwh=pd.Series(by_tow[time_of_week(YEAR)], index=YEAR), hourly_temperature_c=temperatures
    )
    slots = pd.date_range("2024-10-18", "2024-12-15", freq="15min", inclusive="left", tz="Europe/Berlin")
    readings = pd.Series(0.8 * by_tow[time_of_week(slots)] / 4, index=slots)  # 20 % below the baseline's shape
    gap = (slots >= pd.Timestamp("2024-11-13 06:00", tz="Europe/Berlin")) & (
        slots < pd.Timestamp("2024-11-13 12:00", tz="Europe/Berlin")
    )
    hours = pd.date_range("2024-10-18", "2024-12-15", freq="h", inclusive="left", tz="Europe/Berlin")
    shape = expected_use(model=model.model, months=["2024-11"], hourly_temperature_c=pd.Series(12.0, index=hours))
    quality = assess_month(readings=readings[~gap], month="2024-11", timezone="Europe/Berlin", expected_use=shape)
    # The window's ratio is 0.8 of the model everywhere, so the six missing morning hours come back exactly.
    assert quality.fill_shape == "hourly model"
    assert quality.filled_kwh == pytest.approx(readings[gap].sum())
    # Per local date, the sum of its hours (the residual-shift check reads these): 25 hours on 27 October.
    october_27 = hours[
        (hours >= pd.Timestamp("2024-10-27", tz="Europe/Berlin")) & (hours.day == 27) & (hours.month == 10)
    ]
    assert len(october_27) == 25
    assert shape.daily_kwh[pd.Timestamp("2024-10-27")] == pytest.approx(by_tow[time_of_week(october_27)].sum())
    assert shape.daily_kwh.index[-1] == pd.Timestamp("2024-12-14")
    assert expected_use(model=model.model, months=["2024-11"]) is None  # without hourly temperatures
