"""Issue 16 in a real browser (Debian's Chromium), on the credits page and the dashboard: the pre-filled period is
accepted as it stands and reasons read in words (defect 3), the preview says which months are already requested
(defect 4), "why not eligible" names each cause once and an empty chart is a sentence, not a 0–1 axis (defect 8).
The client-level tests beside these (test_portal_defects_credits.py, test_portal_defects_eligibility.py) ask the
same of the HTML; these walk the pages as a facility manager does."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from credits.models import CreditBlock
from credits.services import credits_request
from mrv.services import baseline_calculate
from tests.mrv import builders
from tests.portal.test_browser import chromium, new_day  # noqa: F401  (the fixture is used by name)

pytestmark = pytest.mark.browser


@pytest.fixture
def signed_in(chromium, live_server, transactional_db, django_db_serialized_rollback, owner):  # noqa: F811
    """The owner's browser at 1366 x 800, signed in through the portal's login."""
    day = new_day(chromium, live_server, "defects-credits")
    day.page.set_viewport_size({"width": 1366, "height": 800})
    day.log_in(owner.email)
    expect(day.page).not_to_have_url(re.compile(r"/login/"))
    return day


def _choose_months(page, first: str, last: str, months: int):
    """Types the months as a person does, one field then the other, and waits for the preview of all of them."""
    page.get_by_label("First month").fill(first)
    page.get_by_label("Last month").fill(last)
    preview = page.locator("#eligibility")
    expect(preview.locator("details tbody tr")).to_have_count(months)
    return preview


def test_defect_3_the_proposed_period_is_accepted_as_it_stands_and_reasons_read_in_words(signed_in, measured):
    page = signed_in.page
    signed_in.open(f"/portal/buildings/{measured.pk}/credits/")
    # Baseline 2023-03..2024-02, retrofit works in March 2024: the proposal starts in April, after them.
    expect(page.get_by_label("First month")).to_have_value("2024-04")
    expect(page.get_by_label("Last month")).to_have_value("2025-03")
    page.get_by_role("button", name="Request the credits").click()
    expect(page.get_by_text("credits were requested; a verifier will review them.")).to_be_visible()
    assert CreditBlock.objects.filter(building=measured).count() == 2  # vintages 2024 and 2025

    preview = _choose_months(page, "2024-03", "2024-03", 1)
    reason = preview.locator("ul.reasons li")
    expect(reason).to_have_text(re.compile(r"^March 2024: The retrofit was not finished before this month began"))
    expect(reason).not_to_contain_text("(OK)")  # not "2024-03 (OK): …"
    assert not signed_in.errors


def test_defect_4_the_preview_says_months_already_requested_are_covered(signed_in, owner, measured):
    credits_request(actor=owner, building=measured, period_start=date(2024, 4, 1), period_end=date(2024, 6, 30))
    page = signed_in.page
    signed_in.open(f"/portal/buildings/{measured.pk}/credits/")
    preview = _choose_months(page, "2024-05", "2024-07", 3)
    expect(preview).to_contain_text("Some of these months already have credits requested")
    expect(preview).to_contain_text("April to June 2024: pending verification")
    expect(preview).not_to_contain_text("can earn credits.")
    page.get_by_role("button", name="Request the credits").click()
    expect(page.get_by_text("already covered by a credit request")).to_be_visible()
    assert CreditBlock.objects.filter(building=measured).count() == 1
    assert not signed_in.errors


def test_defect_8_a_month_without_readings_has_one_reason(signed_in, owner):
    building, _ = builders.two_years(owner, interval="1D", missing=[("2024-06-01", "2024-07-01")])
    baseline_calculate(actor=owner, building=building)
    page = signed_in.page
    signed_in.open(f"/portal/buildings/{building.pk}/credits/")
    preview = _choose_months(page, "2024-06", "2024-06", 1)
    expect(preview.locator("ul.reasons li")).to_have_text("June 2024: There are no meter readings for this month.")
    expect(preview).not_to_contain_text("at or above the baseline")
    assert not signed_in.errors


def test_defect_8_a_chart_with_nothing_to_draw_is_a_sentence_not_an_axis(signed_in, owner):
    building = builders.building(owner)  # one month of readings, no baseline: nothing saved, nothing to sum up
    builders.store_meter(building, builders.month_frame("2024-05", kwh=2.0))
    page = signed_in.page
    signed_in.open(f"/portal/buildings/{building.pk}/")
    savings = page.locator("figure.chart").filter(has_text="Cumulative savings")
    expect(savings.locator(".chart-empty")).to_have_text(re.compile("No month of these twelve has savings yet"))
    expect(savings.locator("svg")).to_have_count(0)
    monthly = page.locator("figure.chart").filter(has_text="Adjusted baseline and actual use per month")
    expect(monthly.locator(".chart-wide svg")).to_be_visible()  # that one has metered months to draw
    assert not signed_in.errors
