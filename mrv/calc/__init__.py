"""Pure MRV calculation core: plain Python, numpy, pandas and scipy in and out; nothing from Django.

Units: kWh, °C, kg CO2e per kWh; fractions (0.15 = 15 %) unless a name ends in ``_pct``. Months are
``pd.Period`` or ``"YYYY-MM"``; daily series are indexed by calendar dates. Bad input raises
``CalcInputError`` (a ValueError) whose message is one sentence for the user.

Degree days (degree_days)
    daily_mean_temperature(*, temperature_c, timezone, min_hourly_coverage=0.5) -> pd.Series
    heating_degree_days(daily_mean_c, base_c) -> ndarray        # (n,) or (n, k) for k bases
    cooling_degree_days(daily_mean_c, base_c) -> ndarray

Change-point models (changepoint, changepoint_model)
    fit_daily(*, usage_kwh, temperature_c, extra=None, settings=CALTRACK_SETTINGS) -> ChangePointModel
    fit_billing_periods(*, period_kwh, period_days, temperature_c, day_period, extra=None,
                        settings=CALTRACK_SETTINGS) -> ChangePointModel
        extra: named daily regressors {"occupancy": [...], "non_working": [...]} → coefficients beta_<name>
    ChangePointModel.predict(*, temperature_c, extra=None) -> ndarray   # usage per day
    ChangePointModel.design(*, temperature_c, extra=None) -> ndarray    # (days, coefficients)
    ChangePointModel.to_dict() -> dict;  ChangePointModel.from_dict(dict) -> ChangePointModel
    ChangePointSettings(heating_balance_points_c, cooling_balance_points_c, max_p_value,
                        min_nonzero_days, min_total_degree_days)

Fit statistics (fit_stats)
    fit_statistics(*, observed, predicted, n_parameters) -> FitStats(n, n_parameters, r2, cv_rmse, nmbe)
    guideline_14_failures(stats, *, granularity) -> list[str]       # "monthly" | "daily" | "hourly"
    passes_guideline_14(stats, *, granularity) -> bool
    guideline_14_verdict(*, fit, granularity, method, n_parameters) -> dict   # for evidence pages

Savings uncertainty (uncertainty)
    fsu(*, baseline, reporting_baseline_kwh, savings_kwh, reporting_months, reporting_points,
        confidence=0.9) -> float | None
    savings_lower_bound(savings, fractional_uncertainty) -> float
    lag1_autocorrelation(residuals) -> float
    BaselineUncertainty(granularity, n, n_parameters, cv_rmse, autocorrelation)

Data quality (quality)
    assess_month(*, readings, month, timezone, interval=None, expected_use=None) -> MonthQuality(label,
        total_kwh, measured_kwh, missing_pct, expected_count, present_count, interval, filled_kwh, gaps,
        fill_shape)
    infer_interval(index) -> pd.Timedelta
    expected_readings(*, month, timezone, interval) -> int;  month_bounds(month, timezone) -> (start, end)
    complete_month(*, total_kwh, count, interval) -> MonthQuality   # OK, known from counts alone
    billed_month(*, kwh, covered_days, days) -> MonthQuality          # a month known from utility bills

Gap filling (gap_fill): INTERPOLATED and FLAGGED months, from the use expected in the missing slots
    ExpectedUse(slot_kwh=None, daily_kwh=None, daily_knows_day_types=True)   # the baseline model's shape
    reading_grid(*, readings, start, month_start, slots, interval, timezone) -> ReadingGrid
    fill_gaps(grid, *, expected=None) -> FilledMonth(series, total_kwh, filled_kwh, gaps, shape)
    GapSpan(start, end, slots, filled_kwh)   # consecutive missing slots within one local day

Months (months)
    first_day(month) -> date;  last_day(month) -> date

Eligibility (eligibility) and occupancy (occupancy)
    check_eligibility(facts, *, min_occupancy_pct=80.0) -> Eligibility(eligible, reasons, warnings)
    MonthFacts(month, savings_kwh, quality, missing_pct, baseline_valid, emission_factor_available, ended,
               emission_factor_carried_forward=False, verifier_approved=False, events=())
    current_month(*, timezone, now) -> pd.Period   # the month still running; earlier ones have ended
    ProjectEvent(event_type, start, end=None, occupancy_pct=None)
    daily_occupancy(*, start, end, weekday_pct, weekend_pct, events=()) -> pd.Series   # fractions

Day types (daytypes)
    holiday_country(grid_region) -> str | None          # "US-CAMX" → "US"; None when unknown
    day_type_columns(dates, *, scheme, country) -> {name: 0/1 array}   # scheme "weekday_weekend" | "day_of_week"

Baselines (baselines, candidates, baseline_choice, out_of_sample, adjusted_baseline)
    calculate_baseline(*, method=None, monthly_kwh=None, daily_temperature_c=None, daily_occupancy=None,
                       daily_kwh=None, static_kwh=None, country=None, settings=CALTRACK_SETTINGS,
                       hourly_kwh=None, hourly_temperature_c=None)
        -> BaselineResult   # without a method: the winner, with .candidates and .method_reason (why)
    Candidate(method, terms, granularity, result, oos_cv_rmse).as_dict()   # the API's candidate row
    daily_candidates(*, daily_kwh, daily_temperature_c, daily_occupancy=None, country=None) -> [Candidate]
    monthly_candidates(*, monthly_kwh, daily_temperature_c=None, daily_occupancy=None) -> [Candidate]
    choose_candidate(candidates) -> (Candidate, chosen_because)   # lowest oos_cv_rmse among G14 passes
    leave_one_month_out(*, design, usage_per_day, weights, month) -> float | None   # the criterion
    historical_baseline(*, monthly_kwh) / static_baseline(*, static_kwh)
    windowed_months(monthly_kwh, *, first, last) -> WindowedMonths   # monthly_kwh of an exact-day window:
        # a cut month prorated by days and fitted on the window's days; under half its days in it: dropped
    occupancy_baseline(*, monthly_kwh, daily_occupancy)
    weather_baseline(*, daily_temperature_c, monthly_kwh=None, daily_kwh=None, settings=CALTRACK_SETTINGS)
    regression_baseline(*, daily_temperature_c, daily_occupancy, monthly_kwh=None, daily_kwh=None, ...)
    daytype_baseline(*, daily_kwh, daily_temperature_c, scheme, country, settings=...)
    adjusted_baseline_kwh(*, model, month, daily_temperature_c=None, daily_occupancy=None) -> float
    adjusted_baselines_kwh(*, model, months, ..., hourly_temperature_c=None)
        -> {month: float | CalcInputError}   # one pass for many; a towt model reads hourly temperatures
    expected_use(*, model, months, daily_temperature_c=None, daily_occupancy=None) -> ExpectedUse | None
    model_uncertainty(model) -> BaselineUncertainty | None
    BaselineResult(method, baseline_monthly_kwh, model, fit, valid, warnings, method_reason, oos_cv_rmse,
                   candidates)
        .normalization, .uncertainty, .fit_dict(), .adjusted_baseline_kwh(*, month, ...)

Hourly time-of-week-and-temperature model (towt, towt_features, towt_baseline, towt_adjusted)
    towt_baseline(*, hourly_kwh, hourly_temperature_c) -> BaselineResult   # granularity "hourly"; its
        uncertainty is measured on daily totals (granularity "daily"), oos_cv_rmse on monthly totals
    towt_candidate(*, hourly_kwh, hourly_temperature_c) -> Candidate
    towt_hourly_kwh(*, model, hourly_temperature_c) -> pd.Series   # a stored model's kWh per hour (NaN: unknown)
    TowtModel.predict(*, hourly_temperature_c) / .to_dict() / .from_dict(dict)

Savings (savings)
    month_savings(*, period, adjusted_baseline_kwh, actual_kwh, emission_factor_kg_per_kwh,
                  non_routine_adjustment_kwh=0.0) -> MonthSavings(..., savings_kwh, co2_saved_kg)
    savings_totals(*, months, uncertainty, confidence=0.9) -> SavingsTotals(..., savings_kwh, co2_saved_kg,
                   co2_saved_tons, fsu, co2_credited_tons, uncertainty_note)

Intensity (intensity): a period's kWh per floor area and the share of the baseline it saved
    energy_use_intensity(*, kwh, area_sqft) -> Intensity(kwh_per_sqft, kwh_per_m2) | None   # 1 m² = 10.7639 sq ft
    saved_share(*, savings_kwh, adjusted_baseline_kwh) -> float | None

Creditable tonnes (creditable)
    creditable_allocation(*, months, uncertainty, confidence=0.9) -> CreditableAllocation | None
        (totals, co2_creditable_tons: Decimal, credits, vintages: (VintageShare(vintage, months, savings_kwh,
        co2_saved_kg, co2_creditable_tons, credits), ...))   # one lower bound per period, split by vintage
    largest_remainder(total, weights) -> list[int]

Anomalies (anomalies, residual_shift)
    meter_anomalies(readings, *, timezone, interval, thresholds=DEFAULT_THRESHOLDS) -> list[Anomaly]
    residual_shift(daily_residual_kwh, *, daily_expected_kwh, thresholds=...) -> Anomaly | None
    Anomaly(kind, start, end, severity, evidence);  AnomalyThresholds(spike_z, spike_min_ratio, ...)

Typical flow
    baseline = calculate_baseline(monthly_kwh={"2024-01": 38000, ...}, daily_temperature_c=temps)
    store baseline.method, .baseline_monthly_kwh, .model (JSON), .fit_dict(), .valid, .warnings
    per reporting month:
        quality = assess_month(readings=kwh, month="2025-03", timezone=tz)
        adjusted = adjusted_baseline_kwh(model=stored_model, month="2025-03", daily_temperature_c=temps)
        month = month_savings(period="2025-03", adjusted_baseline_kwh=adjusted, actual_kwh=quality.total_kwh,
                              emission_factor_kg_per_kwh=factor)
        check_eligibility(MonthFacts(month="2025-03", savings_kwh=month.savings_kwh, quality=quality.label,
                                     missing_pct=quality.missing_pct, ended=True, ...))
    totals = savings_totals(months=eligible_months, uncertainty=model_uncertainty(stored_model))
"""

from mrv.calc.adjusted_baseline import (
    adjusted_baseline_kwh,
    adjusted_baselines_kwh,
    expected_use,
    model_n_parameters,
    model_uncertainty,
)
from mrv.calc.anomalies import KINDS as ANOMALY_KINDS
from mrv.calc.anomalies import SEVERE as ANOMALY_SEVERE
from mrv.calc.anomalies import Anomaly, AnomalyThresholds, meter_anomalies
from mrv.calc.baseline_choice import calculate_baseline
from mrv.calc.baselines import (
    METHODS,
    BaselineResult,
    daytype_baseline,
    historical_baseline,
    occupancy_baseline,
    regression_baseline,
    static_baseline,
    weather_baseline,
)
from mrv.calc.candidates import Candidate, choose_candidate, daily_candidates, monthly_candidates
from mrv.calc.changepoint import CALTRACK_SETTINGS, ChangePointSettings, fit_billing_periods, fit_daily
from mrv.calc.changepoint_model import MODEL_TYPES, ChangePointModel
from mrv.calc.creditable import CreditableAllocation, VintageShare, creditable_allocation, largest_remainder
from mrv.calc.daytypes import day_type_columns, holiday_country
from mrv.calc.degree_days import cooling_degree_days, daily_mean_temperature, heating_degree_days
from mrv.calc.eligibility import (
    EVENT_TYPES,
    NOT_ENDED,
    Eligibility,
    MonthFacts,
    ProjectEvent,
    check_eligibility,
    current_month,
)
from mrv.calc.errors import CalcInputError
from mrv.calc.fit_stats import (
    GUIDELINE_14_LIMITS,
    FitStats,
    fit_statistics,
    guideline_14_failures,
    guideline_14_verdict,
    passes_guideline_14,
)
from mrv.calc.gap_fill import ExpectedUse, FilledMonth, GapSpan, fill_gaps
from mrv.calc.intensity import SQFT_PER_M2, Intensity, energy_use_intensity, saved_share
from mrv.calc.monthly_inputs import MIN_WINDOW_SHARE, WindowedMonths, windowed_months
from mrv.calc.months import first_day, last_day
from mrv.calc.occupancy import daily_occupancy
from mrv.calc.out_of_sample import leave_one_month_out
from mrv.calc.quality import (
    QUALITY_LABELS,
    MonthQuality,
    assess_month,
    billed_month,
    complete_month,
    expected_readings,
    expected_readings_per_month,
    infer_interval,
    month_bounds,
    months_bounds,
)
from mrv.calc.reading_grid import CONTEXT_DAYS, reading_grid
from mrv.calc.residual_shift import residual_shift
from mrv.calc.savings import MonthSavings, SavingsTotals, month_savings, savings_totals
from mrv.calc.towt import TowtModel
from mrv.calc.towt_baseline import towt_baseline, towt_candidate, towt_hourly_kwh
from mrv.calc.uncertainty import BaselineUncertainty, fsu, lag1_autocorrelation, savings_lower_bound

__all__ = [
    "SQFT_PER_M2",
    "Intensity",
    "energy_use_intensity",
    "saved_share",
    "ANOMALY_KINDS",
    "ANOMALY_SEVERE",
    "Anomaly",
    "AnomalyThresholds",
    "meter_anomalies",
    "residual_shift",
    "TowtModel",
    "towt_baseline",
    "towt_candidate",
    "towt_hourly_kwh",
    "CALTRACK_SETTINGS",
    "CONTEXT_DAYS",
    "EVENT_TYPES",
    "GUIDELINE_14_LIMITS",
    "METHODS",
    "MODEL_TYPES",
    "NOT_ENDED",
    "QUALITY_LABELS",
    "BaselineResult",
    "BaselineUncertainty",
    "Candidate",
    "CalcInputError",
    "ChangePointModel",
    "ChangePointSettings",
    "CreditableAllocation",
    "Eligibility",
    "ExpectedUse",
    "MIN_WINDOW_SHARE",
    "WindowedMonths",
    "windowed_months",
    "expected_use",
    "FilledMonth",
    "FitStats",
    "GapSpan",
    "MonthFacts",
    "MonthQuality",
    "MonthSavings",
    "ProjectEvent",
    "SavingsTotals",
    "VintageShare",
    "adjusted_baseline_kwh",
    "adjusted_baselines_kwh",
    "assess_month",
    "billed_month",
    "calculate_baseline",
    "check_eligibility",
    "complete_month",
    "current_month",
    "expected_readings",
    "expected_readings_per_month",
    "month_bounds",
    "months_bounds",
    "choose_candidate",
    "daily_candidates",
    "day_type_columns",
    "daytype_baseline",
    "holiday_country",
    "leave_one_month_out",
    "monthly_candidates",
    "cooling_degree_days",
    "creditable_allocation",
    "daily_mean_temperature",
    "daily_occupancy",
    "fill_gaps",
    "first_day",
    "fit_billing_periods",
    "fit_daily",
    "fit_statistics",
    "fsu",
    "guideline_14_failures",
    "guideline_14_verdict",
    "heating_degree_days",
    "historical_baseline",
    "infer_interval",
    "lag1_autocorrelation",
    "largest_remainder",
    "last_day",
    "model_n_parameters",
    "model_uncertainty",
    "month_savings",
    "occupancy_baseline",
    "passes_guideline_14",
    "reading_grid",
    "regression_baseline",
    "savings_lower_bound",
    "savings_totals",
    "static_baseline",
    "weather_baseline",
]
