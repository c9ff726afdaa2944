"""The CalTRACK reference implementation (eemeter) as a dev-only oracle for the platform's savings.

Run it with the oracle's own virtualenv, never the project's (see README.md beside this file):

    /work/oracle-venv/bin/python scripts/oracle/caltrack_reference.py fixtures
    /work/oracle-venv/bin/python scripts/oracle/caltrack_reference.py time-hourly --input hours.csv

`fixtures` loads eemeter's own shipped samples, fits its CalTRACK daily and hourly models on one stated
365-day baseline, predicts whole reporting months and writes the samples' data and the reference's figures
under tests/data/oracle/, which tests/mrv/test_oracle.py compares the platform with. `time-hourly` times
the reference's hourly fit on data the caller gives, for the towt benchmark.

eemeter is called as a library; nothing of it is copied here.
"""

import argparse
import gzip
import json
import logging
import platform
import sys
import time
import warnings
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd
from eemeter.eemeter import (
    DailyBaselineData,
    DailyModel,
    DailyReportingData,
    HourlyCaltrackBaselineData,
    HourlyCaltrackModel,
    HourlyCaltrackReportingData,
)
from eemeter.eemeter.samples import load_sample

REPO = Path(__file__).resolve().parents[2]
DATA_DIR = REPO / "tests" / "data" / "oracle"

# The samples' installation blackout runs 2016-12-26..2017-01-04: the baseline is the 365 days before it,
# the reporting period the twelve whole months after it (January 2017 is cut by the blackout).
BASELINE_START = pd.Timestamp("2015-12-27", tz="UTC")
BASELINE_END = pd.Timestamp("2016-12-25", tz="UTC")  # inclusive: 365 days
REPORTING_MONTHS = pd.period_range("2017-02", "2018-01", freq="M")
# The samples are loaded as eemeter loads them, in UTC; the platform's building is put in UTC as well.
TIMEZONE = "UTC"

DAILY_SAMPLES = ("il-electricity-cdd-hdd-daily", "il-electricity-cdd-only-daily")
HOURLY_SAMPLES = ("il-electricity-cdd-hdd-hourly", "il-electricity-cdd-only-hourly")
TEMPERATURE_FILE = "il-temperature-hourly.csv.gz"


def fahrenheit_to_celsius(f: pd.Series) -> pd.Series:
    return (f - 32.0) * 5.0 / 9.0


def celsius_to_fahrenheit(c: pd.Series) -> pd.Series:
    return c * 9.0 / 5.0 + 32.0


def _quiet() -> None:
    """eemeter logs a warning per data-sufficiency remark; the fixture records the ones that matter."""
    warnings.filterwarnings("ignore")
    logging.disable(logging.WARNING)


def _between(series: pd.Series | pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp):
    return series[(series.index >= start) & (series.index < end)]


def _baseline_span() -> tuple[pd.Timestamp, pd.Timestamp]:
    return BASELINE_START, BASELINE_END + pd.Timedelta(days=1)


def _reporting_span() -> tuple[pd.Timestamp, pd.Timestamp]:
    return (
        REPORTING_MONTHS[0].start_time.tz_localize(TIMEZONE),
        (REPORTING_MONTHS[-1] + 1).start_time.tz_localize(TIMEZONE),
    )


@dataclass(frozen=True)
class Savings:
    """Baseline prediction minus metered use over the reporting periods that have a meter value."""

    adjusted_baseline_kwh: float
    observed_kwh: float
    months: list[dict]

    @property
    def savings_kwh(self) -> float:
        return self.adjusted_baseline_kwh - self.observed_kwh

    @property
    def savings_pct(self) -> float:
        return 100.0 * self.savings_kwh / self.adjusted_baseline_kwh

    def as_dict(self) -> dict:
        return {
            "adjusted_baseline_kwh": round(self.adjusted_baseline_kwh, 3),
            "observed_kwh": round(self.observed_kwh, 3),
            "metered_savings_kwh": round(self.savings_kwh, 3),
            "savings_pct": round(self.savings_pct, 3),
        }


def metered_savings(prediction: pd.DataFrame, observed: pd.Series) -> Savings:
    """Sums eemeter's predictions and the given meter values over the reporting periods that have both."""
    both = pd.DataFrame({"predicted": prediction["predicted"], "observed": observed}).dropna()
    month = pd.DatetimeIndex(both.index).tz_convert(TIMEZONE).tz_localize(None).to_period("M")
    by_month = both.groupby(month).sum()
    months = [
        {
            "month": str(period),
            "adjusted_baseline_kwh": round(float(row.predicted), 3),
            "observed_kwh": round(float(row.observed), 3),
            "savings_kwh": round(float(row.predicted - row.observed), 3),
        }
        for period, row in by_month.iterrows()
    ]
    return Savings(float(both["predicted"].sum()), float(both["observed"].sum()), months)


def reporting_figures(prediction: pd.DataFrame, meter_kwh: pd.Series) -> dict:
    """The savings over every reporting period with a reading (a reading of 0 counts as 0 kWh used, as the
    platform counts it), and beside it CalTRACK's own sum, which drops the periods eemeter reads as missing:
    for electricity that includes every reading of exactly 0."""
    everything = metered_savings(prediction, meter_kwh)
    caltrack = metered_savings(prediction, prediction["observed"])
    return {
        **everything.as_dict(),
        "months": everything.months,
        "caltrack_excluding_zero_readings": caltrack.as_dict(),
        "zero_readings_in_reporting": int((meter_kwh == 0).sum()),
    }


def _windows(meter: pd.DataFrame, temperature_f: pd.Series):
    (b0, b1), (r0, r1) = _baseline_span(), _reporting_span()
    return (
        (_between(meter["value"], b0, b1), _between(temperature_f, b0, b1)),
        (_between(meter["value"], r0, r1), _between(temperature_f, r0, r1)),
    )


def daily_reference(meter: pd.DataFrame, temperature_f: pd.Series, *, model: str) -> dict:
    """eemeter's daily model, `legacy` (the CalTRACK 2.0 change-point model) or `current` (eemeter 4's)."""
    (bm, bt), (rm, rt) = _windows(meter, temperature_f)
    baseline = DailyBaselineData.from_series(bm, bt, is_electricity_data=True)
    reporting = DailyReportingData.from_series(rm, rt, is_electricity_data=True)
    fitted = DailyModel(model=model).fit(baseline, ignore_disqualification=True)
    prediction = fitted.predict(reporting, ignore_disqualification=True)
    submodels = {}
    for split, submodel in fitted.params.submodels.items():
        c = submodel.coefficients
        submodels[split] = {
            "model_type": submodel.model_type.value,
            "intercept_kwh_per_day": c.intercept,
            "heating_balance_point_f": c.hdd_bp,
            "heating_kwh_per_degree_f_day": c.hdd_beta,
            "cooling_balance_point_f": c.cdd_bp,
            "cooling_kwh_per_degree_f_day": c.cdd_beta,
        }
    return {
        "model": f"eemeter.DailyModel(model={model!r})",
        "baseline_days": int(baseline.df["observed"].notna().sum()),
        "submodels": submodels,
        "baseline_cv_rmse": fitted.error["CVRMSE"],
        "disqualification": sorted({w.qualified_name for w in fitted.disqualification}),
        **reporting_figures(prediction, rm),
    }


def whole_days(meter: pd.DataFrame) -> pd.DataFrame:
    """Hourly kWh summed to UTC days; a day missing an hour is left out."""
    return meter["value"].resample("D").sum(min_count=24).to_frame("value")


def hourly_baseline(meter_kwh: pd.Series, temperature_f: pd.Series) -> HourlyCaltrackBaselineData:
    return HourlyCaltrackBaselineData.from_series(meter_kwh, temperature_f, is_electricity_data=True)


def timed_hourly_fit(baseline: HourlyCaltrackBaselineData) -> tuple[HourlyCaltrackModel, float]:
    """The reference's hourly fit alone, data preparation and sufficiency checks excluded."""
    started = time.perf_counter()
    fitted = HourlyCaltrackModel().fit(baseline)
    return fitted, time.perf_counter() - started


def hourly_reference(meter: pd.DataFrame, temperature_f: pd.Series) -> dict:
    """eemeter's CalTRACK hourly model (time of week and temperature, three-month weighted segments)."""
    (bm, bt), (rm, rt) = _windows(meter, temperature_f)
    fitted, fit_seconds = timed_hourly_fit(hourly_baseline(bm, bt))
    reporting = HourlyCaltrackReportingData.from_series(rm, rt, is_electricity_data=True)
    prediction = fitted.predict(reporting)
    return {
        "model": "eemeter.HourlyCaltrackModel()",
        "segment_type": fitted.segment_type,
        "occupied_temperature_bins_f": _bins(fitted.model_process_variables.occupied_temperature_bins),
        "unoccupied_temperature_bins_f": _bins(fitted.model_process_variables.unoccupied_temperature_bins),
        "baseline_hours": int(bm.notna().sum()),
        "fit_seconds": round(fit_seconds, 2),
        **reporting_figures(prediction, rm),
    }


def _bins(frame: pd.DataFrame | None) -> dict[str, list[int]]:
    """Each segment's temperature-bin endpoints that CalTRACK kept (°F)."""
    if frame is None:
        return {}
    return {str(segment): [int(b) for b in frame.index[frame[segment]]] for segment in frame.columns}


def _meter_csv(meter: pd.DataFrame, path: Path) -> None:
    span = _baseline_span()[0], _reporting_span()[1]
    kwh = _between(meter["value"], *span).dropna()
    frame = pd.DataFrame({"ts": kwh.index.strftime("%Y-%m-%dT%H:%M:%SZ"), "kwh": kwh.to_numpy()})
    _write_csv(frame, path)


def _temperature_csv(temperature_f: pd.Series, path: Path) -> None:
    span = _baseline_span()[0], _reporting_span()[1]
    kept = _between(temperature_f, *span).dropna()
    celsius = fahrenheit_to_celsius(kept).round(4)
    frame = pd.DataFrame({"ts": kept.index.strftime("%Y-%m-%dT%H:%M:%SZ"), "temperature_c": celsius.to_numpy()})
    _write_csv(frame, path)


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    text = frame.to_csv(index=False, lineterminator="\n").encode()
    if path.suffix == ".gz":
        # mtime 0, so rerunning the script on the same eemeter leaves the committed bytes unchanged.
        path.write_bytes(gzip.compress(text, mtime=0))
    else:
        path.write_bytes(text)


def _versions() -> dict[str, str]:
    names = ("eemeter", "pandas", "numpy", "scipy", "statsmodels", "scikit-learn")
    return {"python": platform.python_version(), **{name: metadata.version(name) for name in names}}


def fixtures(out: Path) -> dict:
    _quiet()
    out.mkdir(parents=True, exist_ok=True)
    samples: dict[str, dict] = {}
    temperature_written = False
    for name in DAILY_SAMPLES + HOURLY_SAMPLES:
        meter, temperature_f, meta = load_sample(name)
        if not temperature_written:
            _temperature_csv(temperature_f, out / TEMPERATURE_FILE)
            temperature_written = True
        hourly = name in HOURLY_SAMPLES
        meter_file = f"{name}.csv.gz" if hourly else f"{name}.csv"
        _meter_csv(meter, out / meter_file)
        entry: dict[str, Any] = {
            "granularity": "hourly" if hourly else "daily",
            "meter_csv": meter_file,
            "temperature_csv": TEMPERATURE_FILE,
            "sample_metadata": {k: v for k, v in meta.items() if not k.startswith("blackout")},
        }
        if hourly:
            entry["reference"] = hourly_reference(meter, temperature_f)
            # Not compared: tells a gap of the model family (hourly vs daily) from one of the implementation.
            entry["daily_model_on_daily_sums"] = daily_reference(whole_days(meter), temperature_f, model="legacy")
        else:
            entry["reference"] = daily_reference(meter, temperature_f, model="legacy")
            entry["eemeter_current_daily_model"] = daily_reference(meter, temperature_f, model="current")
        samples[name] = entry
        print(f"{name}: reference savings {entry['reference']['savings_pct']:.2f} %", file=sys.stderr)
    fixture = {
        "about": "Figures of the CalTRACK reference implementation on its own samples; see README.md.",
        "produced_by": "scripts/oracle/caltrack_reference.py fixtures",
        "versions": _versions(),
        "timezone": TIMEZONE,
        "baseline_start": str(BASELINE_START.date()),
        "baseline_end": str(BASELINE_END.date()),
        "reporting_months": [str(p) for p in REPORTING_MONTHS],
        "savings_definition": "savings_pct = 100 * (adjusted baseline - observed) / adjusted baseline, summed "
        "over the reporting hours or days that have a reading (a reading of 0 counts as 0 kWh)",
        "samples": samples,
    }
    (out / "reference.json").write_text(json.dumps(fixture, indent=2) + "\n")
    return fixture


def time_hourly(path: Path, repeat: int, timezone: str) -> dict:
    """Times the reference's hourly fit on a CSV of ts, kwh, temperature_c (rows of an hour or shorter, which
    are summed, kWh, and averaged, °C, to hours, as the hourly model takes them). The hours are read in
    `timezone`, the building's, since the model's hour of the week is a local hour."""
    _quiet()
    frame = pd.read_csv(path)
    frame.index = pd.DatetimeIndex(pd.to_datetime(frame["ts"], utc=True)).tz_convert(timezone)
    hours = frame.resample("h").agg({"kwh": "sum", "temperature_c": "mean"})
    baseline = hourly_baseline(hours["kwh"].rename("value"), celsius_to_fahrenheit(hours["temperature_c"]))
    seconds = [timed_hourly_fit(baseline)[1] for _ in range(repeat)]
    return {
        "implementation": "eemeter.HourlyCaltrackModel",
        "eemeter": metadata.version("eemeter"),
        "hours": len(hours),
        "repeat": repeat,
        "fit_seconds": [round(s, 4) for s in seconds],
        "best_fit_seconds": round(min(seconds), 4),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    made = commands.add_parser("fixtures", help="write tests/data/oracle/ from eemeter's samples")
    made.add_argument("--out", type=Path, default=DATA_DIR)
    timed = commands.add_parser("time-hourly", help="time eemeter's hourly fit; prints JSON on stdout")
    timed.add_argument("--input", type=Path, required=True, help="CSV with columns ts, kwh, temperature_c")
    timed.add_argument("--repeat", type=int, default=1)
    timed.add_argument("--timezone", default="UTC", help="the building's IANA zone (default UTC)")
    args = parser.parse_args(argv)
    if args.command == "fixtures":
        fixtures(args.out)
    else:
        print(json.dumps(time_hourly(args.input, args.repeat, args.timezone)))


if __name__ == "__main__":
    main()
