"""Issue 16, defect 8: "why not eligible" names each cause once, in one sentence, and never blames the use of a
month that has no data (the reasons come deduplicated from mrv.calc.eligibility; the page only words them)."""

import re

import pandas as pd
import pytest

from mrv.selectors import cached_mrv_run
from mrv.services import baseline_calculate
from tests.mrv import builders
from tests.portal.conftest import HX

pytestmark = pytest.mark.django_db


def _engine_reasons(building, month: str) -> list[str]:
    period = pd.Period(month, freq="M")
    run, _ = cached_mrv_run(building=building, first=period, last=period)
    return run.months[0].reasons


def _reasons(portal, building, month: str) -> list[str]:
    url = f"/portal/buildings/{building.pk}/credits/?period_start={month}&period_end={month}"
    html = portal.get(url, headers=HX).content.decode()
    line = re.search(r"<li><strong>[A-Z][a-z]+ \d{4}:</strong> (.*?)</li>", html)
    assert line, html
    return [sentence.strip() + "." for sentence in line.group(1).split(".") if sentence.strip()]


def test_a_month_without_readings_has_one_reason(portal, owner):
    building, _ = builders.two_years(owner, interval="1D", missing=[("2024-06-01", "2024-07-01")])
    baseline_calculate(actor=owner, building=building)
    assert _engine_reasons(building, "2024-06") == ["There are no meter readings for this month."]
    assert _reasons(portal, building, "2024-06") == ["There are no meter readings for this month."]


def test_a_building_without_a_baseline_has_one_reason_per_month(portal, owner):
    building, _ = builders.two_years(owner, interval="1D")
    assert _engine_reasons(building, "2024-06") == ["The building has no baseline yet."]
    assert _reasons(portal, building, "2024-06") == ["The building has no baseline yet."]
