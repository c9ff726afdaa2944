"""Issue 13's FLAGGED month on a generated office: three weekdays missing (9.7 % of the readings) were
filled with straight lines at night-time level, understating use and overstating savings. Filled from the
baseline model's shape, the month's use and savings stay within a few % of what the complete month gives,
and the verifier, the credit block's evidence and the PDF show which days were missing and what was filled."""

import pandas as pd
import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from credits.models import CreditBlock
from metering.readings.selectors import meter_series
from mrv import calc
from mrv.models import MonthReview
from mrv.services import baseline_calculate, month_review_record
from reports.context import report_context
from reports.models import Report
from tests.mrv import builders

pytestmark = pytest.mark.django_db

JULY = pd.Period("2024-07", freq="M")
MISSING = ("2024-07-09", "2024-07-12")  # Tuesday to Thursday
OFFICE = {"hotter_by_c": 2.0, "occupancy": (0.85, 0.2)}


@pytest.fixture
def office(owner):
    """The issue's office: weekdays 85 % and weekends 20 % occupied, a reporting year 2 °C hotter, a 20 %
    retrofit saving, 15-minute data, three July weekdays never read; a daily regression baseline."""
    building, truth = builders.two_years(owner, **OFFICE, missing=[MISSING])
    baseline = baseline_calculate(actor=owner, building=building, method="regression")
    assert baseline.model["granularity"] == "daily" and baseline.valid
    return building, truth


def _true_kwh(start, end) -> float:
    """What the office really used over local [start, end), the readings never stored included."""
    _, actual, _ = builders.office_series(**OFFICE)
    local = actual["ts"].dt.tz_convert(builders.TZ)
    inside = (local >= pd.Timestamp(start, tz=builders.TZ)) & (local < pd.Timestamp(end, tz=builders.TZ))
    return float(actual.loc[inside, "kwh"].sum())


def _linearly_filled_kwh(building) -> float:
    """The month's kWh as the straight-line fill made it, for the comparison."""
    start, end = calc.month_bounds(JULY, builders.TZ)
    readings = meter_series(building=building, start=start, end=end)
    grid = pd.date_range(start, end, freq="15min", inclusive="left").tz_convert("UTC")
    return float(readings.reindex(grid).interpolate(method="linear", limit_direction="both").sum())


def test_a_flagged_month_is_filled_in_the_models_shape_and_its_savings_stay_true(as_owner, office):
    building, truth = office
    months = as_owner.get(f"/mrv/{building.pk}/savings?start=2024-06&end=2024-08").json()["months"]
    june, july, august = months
    assert (june["quality"], july["quality"], august["quality"]) == ("OK", "FLAGGED", "OK")
    assert july["missing_pct"] == pytest.approx(100 * 3 / 31, abs=1e-3)
    assert june["filled_kwh"] == august["filled_kwh"] == 0

    start, end = calc.month_bounds(JULY, builders.TZ)
    measured = float(meter_series(building=building, start=start, end=end).sum())
    assert july["filled_kwh"] == pytest.approx(july["actual_kwh"] - measured, rel=1e-9)
    gap_truth = _true_kwh(*MISSING)
    # The savings the same baseline gives with every reading of the month: the fill's own error, apart
    # from the baseline's (which complete months share).
    complete = july["adjusted_baseline_kwh"] - (measured + gap_truth)
    filled_error = july["savings_kwh"] / complete - 1
    line_error = (july["adjusted_baseline_kwh"] - _linearly_filled_kwh(building)) / complete - 1
    print(
        f"July: the three days used {gap_truth:,.0f} kWh, filled {july['filled_kwh']:,.0f}; savings against the "
        f"complete month {filled_error:+.1%} (straight lines {line_error:+.1%}); against the generator's truth "
        + ", ".join(f"{m['period']} {m['savings_kwh'] / truth[pd.Period(m['period'], 'M')] - 1:+.1%}" for m in months)
    )
    assert july["filled_kwh"] == pytest.approx(gap_truth, rel=0.05)
    assert abs(filled_error) <= 0.02
    assert line_error > 0.10  # the straight lines this replaces, on the same data


def test_the_verifier_sees_the_missing_days_before_deciding_and_on_the_credit_evidence(
    client, owner, verifier, as_owner, office
):
    building, _ = office
    client.force_login(verifier)
    page = client.get(f"/admin/mrv/monthreview/add/?building={building.pk}&month=2024-07-01")
    assert page.status_code == 200
    text = page.content.decode()
    for day in ("Tue 2024-07-09", "Wed 2024-07-10", "Thu 2024-07-11"):
        assert day in text, day
    assert text.count("all day") == 3 and "Sat 2024-07-13" not in text
    assert "from the daily model" in text and "9.68 % of readings missing" in text

    decided = client.post(
        "/admin/mrv/monthreview/add/",
        {"building": building.pk, "month": "2024-07-01", "decision": "approve", "comment": "Logger outage."},
    )
    assert decided.status_code == 302, decided.context["adminform"].form.errors
    review = MonthReview.objects.get()
    assert "Wed 2024-07-10" in client.get(f"/admin/mrv/monthreview/{review.pk}/change/").content.decode()

    issued = as_owner.post(
        "/credits/issue",
        {"building_id": str(building.pk), "period_start": "2024-07-01", "period_end": "2024-07-31"},
        format="json",
    )
    assert issued.status_code == 201, issued.json()
    block = CreditBlock.objects.get()
    savings = as_owner.get(f"/mrv/{building.pk}/savings?start=2024-07&end=2024-07").json()["months"][0]
    (frozen,) = block.snapshot["months"]
    assert frozen["filled_kwh"] == pytest.approx(savings["filled_kwh"])
    assert sum(gap["filled_kwh"] for gap in frozen["gaps"]) == pytest.approx(frozen["filled_kwh"])
    evidence = client.get(f"/admin/credits/creditblock/{block.pk}/change/").content.decode()
    assert "Missing readings of 2024-07" in evidence and "Thu 2024-07-11" in evidence

    report = Report.objects.create(
        building=building, period_start=JULY.start_time.date(), period_end=JULY.end_time.date(), requested_by=owner
    )
    html = render_to_string("reports/report.html", report_context(report=report, generated_at=timezone.now()))
    assert "Missing readings of 2024-07 (FLAGGED)" in html and "Tue 2024-07-09" in html
    assert f"{savings['filled_kwh']:,.0f}" in html


@pytest.mark.parametrize(
    "query",
    [
        "building=not-a-uuid&month=2024-08-01",
        "building=00000000-0000-0000-0000-000000000000&month=2024-08-01",
        "building={pk}&month=2024-13-01",
        "building={pk}&month=2300-08-01",
        "building={pk}",
    ],
)
def test_a_review_page_asked_for_no_known_month_shows_no_gaps_and_does_not_fail(client, verifier, flat_building, query):
    builders.store_meter(flat_building, builders.month_frame("2024-08", missing_every=10))
    client.force_login(verifier)
    page = client.get("/admin/mrv/monthreview/add/?" + query.format(pk=flat_building.pk))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Missing days and hours" not in text
    assert 'class="errorlist' in text  # the month asked for above the form says what is wrong
    good = client.get(f"/admin/mrv/monthreview/add/?building={flat_building.pk}&month=2024-08-01")
    assert "Missing days and hours" in good.content.decode()


def test_only_verifiers_reach_the_review_page(client, owner, flat_building):
    builders.store_meter(flat_building, builders.month_frame("2024-08", missing_every=10))
    url = f"/admin/mrv/monthreview/add/?building={flat_building.pk}&month=2024-08-01"
    assert client.get(url).status_code == 302  # anonymous: to the login page
    client.force_login(owner)
    page = client.get(url)
    assert page.status_code == 302 and "/login/" in page["Location"]
    assert MonthReview.objects.count() == 0


def test_a_month_reviewed_from_scattered_gaps_lists_them_by_day(client, verifier, flat_building):
    builders.store_meter(flat_building, builders.month_frame("2024-08", missing_every=10, daily_swing=0))
    month_review_record(
        reviewer=verifier, building=flat_building, month=pd.Period("2024-08", "M"), decision="reject", comment="No."
    )
    client.force_login(verifier)
    text = client.get(f"/admin/mrv/monthreview/{MonthReview.objects.get().pk}/change/").content.decode()
    # Every 10th quarter-hour of a flat 10 kWh month: 298 slots on 31 days, each filled with 10 kWh.
    assert "Thu 2024-08-01" in text and "Sat 2024-08-31" in text
    assert "2980.0" in text and "from the weekly profile" in text


def test_savings_months_carry_filled_kwh_and_outsiders_see_none(as_owner, as_outsider, flat_building):
    builders.store_meter(
        flat_building,
        pd.concat(
            [
                builders.month_frame("2024-05", daily_swing=0),
                builders.month_frame("2024-07", missing_every=50, daily_swing=0),  # 60 quarter-hours missing
                builders.month_frame("2024-08", missing_every=10, daily_swing=0),  # 298 missing: FLAGGED
                builders.month_frame("2024-10", missing_every=3, daily_swing=0),  # REJECTED: nothing is filled
            ]
        ),
    )
    url = f"/mrv/{flat_building.pk}/savings?start=2024-05&end=2024-10"
    months = {m["period"]: m for m in as_owner.get(url).json()["months"]}
    filled = {
        period: months[period]["filled_kwh"] for period in ("2024-05", "2024-06", "2024-07", "2024-08", "2024-10")
    }
    assert filled == {"2024-05": 0, "2024-06": 0, "2024-07": 600, "2024-08": 2980, "2024-10": 0}
    assert as_outsider.get(url).status_code == 404
    assert as_owner.get(f"/mrv/{flat_building.pk}/savings?start=2024-05&end=2024-13").status_code == 422
