"""The platform against the CalTRACK reference implementation (eemeter) on the reference's own samples.

tests/data/oracle/ holds the samples' readings and temperatures and reference.json, the reference's figures
for one stated 365-day baseline and twelve whole reporting months, as scripts/oracle/caltrack_reference.py
wrote them (it runs in its own virtualenv: scripts/oracle/README.md). Here the same data go through the
platform's own services and API, and its savings must agree with the reference's within one percentage point.
"""

import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from buildings.models import Building, WeatherStation
from metering.readings.services import meter_readings_ingest
from metering.weather.services import temperatures_ingest
from mrv.services import baseline_calculate

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[1] / "data" / "oracle"
REFERENCE = json.loads((DATA / "reference.json").read_text())
BASELINE_START = date.fromisoformat(REFERENCE["baseline_start"])
BASELINE_END = date.fromisoformat(REFERENCE["baseline_end"])
MONTHS = REFERENCE["reporting_months"]
TOLERANCE_PP = 1.0


def _series(name: str) -> pd.DataFrame:
    frame = pd.read_csv(DATA / name)
    frame["ts"] = pd.to_datetime(frame["ts"], utc=True)
    return frame


def _sample_building(owner, sample: dict) -> Building:
    """The sample's meter and its station's temperatures, stored the way every reading is. The samples declare
    no occupancy schedule, so the building declares none either (100 % every day)."""
    station = WeatherStation.objects.create(
        owner=owner, name="eemeter sample, Illinois", latitude=39.8, longitude=-89.7, timezone=REFERENCE["timezone"]
    )
    temperatures_ingest(station=station, frame=_series(sample["temperature_csv"]))
    building = Building.objects.create(
        owner=owner,
        name="CalTRACK sample",
        area_sqft=2_000,
        timezone=REFERENCE["timezone"],
        weather_station=station,
        occupancy_weekday=100,
        occupancy_weekend=100,
    )
    meter_readings_ingest(building=building, frame=_series(sample["meter_csv"]), source="MANUAL")
    return building


def _reference_baseline(owner, building: Building, name: str):
    """The platform's model of the kind the reference fitted: its daily default for the daily samples, and the
    hourly model (towt, CalTRACK hourly) for the hourly ones, whatever the default would choose there."""
    method = "towt" if name.endswith("-hourly") else None
    return baseline_calculate(
        actor=owner, building=building, baseline_start=BASELINE_START, baseline_end=BASELINE_END, method=method
    )


def _platform_model(baseline) -> str:
    """The stored model in a few words, for the figures the test prints."""
    words = [baseline.method]
    changepoint = baseline.model.get("changepoint")
    if changepoint:
        words.append(
            f"{changepoint['model_type']} fitted on {changepoint['n']} {changepoint['granularity']} points, "
            f"balance points {changepoint['heating_balance_point_c']} / {changepoint['cooling_balance_point_c']} °C"
        )
    return ", ".join(words)


def _month_table(platform_months: list[dict], reference_months: list[dict]) -> str:
    lines = ["month    platform adj. baseline / actual    reference adj. baseline / actual"]
    for ours, theirs in zip(platform_months, reference_months, strict=True):
        lines.append(
            f"{ours['period']}  {ours['adjusted_baseline_kwh']:10.1f} / {ours['actual_kwh']:8.1f}"
            f"          {theirs['adjusted_baseline_kwh']:10.1f} / {theirs['observed_kwh']:8.1f}"
        )
    return "\n".join(lines)


@pytest.mark.parametrize("name", sorted(REFERENCE["samples"]))
def test_savings_agree_with_the_caltrack_reference_within_one_point(owner, as_owner, name):
    sample = REFERENCE["samples"][name]
    reference = sample["reference"]
    building = _sample_building(owner, sample)
    baseline = _reference_baseline(owner, building, name)

    body = as_owner.get(f"/mrv/{building.pk}/savings?start={MONTHS[0]}&end={MONTHS[-1]}").json()
    months = body["months"]
    assert [m["period"] for m in months] == MONTHS
    # The same readings went in: the platform's metered use is the reference's, to rounding.
    actual = sum(m["actual_kwh"] for m in months)
    assert actual == pytest.approx(reference["observed_kwh"], rel=1e-6)

    adjusted = sum(m["adjusted_baseline_kwh"] for m in months)
    savings_pct = 100.0 * body["totals"]["savings_kwh"] / adjusted
    figures = (
        f"{name}: platform {savings_pct:.2f} % ({_platform_model(baseline)}), "
        f"reference {reference['savings_pct']:.2f} % ({reference['model']})"
    )
    print(figures)
    assert abs(savings_pct - reference["savings_pct"]) <= TOLERANCE_PP, (
        figures + "\n" + _month_table(months, reference["months"])
    )


def test_the_baseline_spans_exactly_the_reference_window(owner):
    """The savings compare like with like only when both fit the same 365 days."""
    building = _sample_building(owner, REFERENCE["samples"]["il-electricity-cdd-only-daily"])
    baseline = _reference_baseline(owner, building, "il-electricity-cdd-only-daily")
    assert (baseline.period_start, baseline.period_end) == (BASELINE_START, BASELINE_END)
