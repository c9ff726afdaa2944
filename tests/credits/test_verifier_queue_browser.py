"""The verifier's day in a real browser (Debian's Chromium through Playwright) against the live server: the work
queue on the admin index with counts and age, the FLAGGED month's review opened from the queue already filled in
(issue 16), the review saved without the "already exists" error (defect 1), and the approval from the evidence
page at 1366 px with the button on screen and no sideways scroll (defect 2). The screenshots of the queue and the
evidence page committed under docs/screenshots/ are copies of the ones written here to test-artifacts/screenshots/."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from credits.models import CreditBlock, Status
from mrv.models import MonthReview
from tests.conftest import PASSWORD
from tests.credits.queue_data import building_with_work
from tests.portal.test_browser import SHOTS, chromium, new_day  # noqa: F401  (the fixture is used by name)

pytestmark = pytest.mark.browser


@pytest.fixture
def work(transactional_db, django_db_serialized_rollback, make_user):
    """A verifier, and a building with a block pending for three days and October 2024 FLAGGED."""
    owner = make_user(email="owner@example.test")
    verifier = make_user("verifier", email="verifier@example.test")
    building, block = building_with_work(owner)
    CreditBlock.objects.filter(pk=block.pk).update(created_at=timezone.now() - dt.timedelta(days=3, hours=1))
    return verifier, building, block


def admin_day(chromium, live_server, verifier, width, height):  # noqa: F811
    day = new_day(chromium, live_server, f"verifier-{width}")
    day.page.set_viewport_size({"width": width, "height": height})
    day.open("/admin/login/")
    day.page.locator("#id_username").fill(verifier.email)
    day.page.locator("#id_password").fill(PASSWORD)
    day.page.get_by_role("button", name="Log in").click()
    expect(day.page.locator("#verifier-queue")).to_be_visible()
    return day


def _no_sideways_scroll(page) -> None:
    scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll_width <= inner_width, (scroll_width, inner_width)


def test_the_queue_leads_to_the_prefilled_review_and_to_the_approval(chromium, live_server, work):  # noqa: F811
    verifier, building, block = work
    day = admin_day(chromium, live_server, verifier, 1366, 800)
    page = day.page
    queue = page.locator("#verifier-queue")
    blocks = queue.get_by_role("list", name="Credit blocks pending verification")
    months = queue.get_by_role("list", name="Flagged months awaiting review")
    expect(queue.get_by_role("heading", name="Credit blocks pending verification")).to_contain_text("1")
    expect(queue.get_by_role("heading", name="Flagged months awaiting review")).to_contain_text("1")
    expect(blocks).to_contain_text("Harbour View Offices: 2024-04 – 2024-09, vintage 2024")
    expect(blocks).to_contain_text("waiting 3 days")
    waited = (timezone.now() - dt.datetime(2024, 10, 31, 18, 30, tzinfo=dt.UTC)).days
    expect(months).to_contain_text(f"Harbour View Offices: 2024-10, 9.7 % missing waiting {waited} days")
    _no_sideways_scroll(page)
    page.screenshot(path=SHOTS / "verifier-queue-1366.png", full_page=False)

    # The month opens already filled in, its missing days listed; nothing is typed but the decision.
    months.get_by_role("link", name="Harbour View Offices: 2024-10").click()
    form = page.locator("#monthreview_form")
    expect(form.locator("#id_month")).to_have_value("2024-10-01")
    expect(form.locator("#id_building")).to_have_value(str(building.pk))
    expect(form.locator("table.gaps")).to_contain_text("Tue 2024-10-08")
    expect(form.locator("table.gaps tbody tr")).to_have_count(3)
    day.shot("month-review")
    form.locator("#id_decision").select_option("approve")
    form.locator("#id_comment").fill("Logger outage, the fill follows the model.")
    form.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("ul.messagelist")).to_contain_text("was added successfully")
    expect(page.locator("body")).not_to_contain_text("already exists")
    assert MonthReview.objects.get().decision == "approve"

    page.goto(f"{live_server.url}/admin/")
    expect(queue.get_by_role("heading", name="Flagged months awaiting review")).to_contain_text("0")
    expect(queue).to_contain_text("No flagged month is waiting.")
    blocks.get_by_role("link", name="Harbour View Offices: 2024-04").click()
    expect(page.locator("svg").first).to_be_visible()  # charts, not the snapshot's JSON
    expect(page.locator("body")).not_to_contain_text('"calculation_version"')
    expect(page.get_by_role("link", name="The building in the portal (read-only)")).to_be_visible()
    page.locator("#evidence").evaluate("heading => heading.scrollIntoView()")
    page.screenshot(path=SHOTS / "evidence-1366.png", full_page=False)
    decision = page.locator("#decision")
    decision.get_by_label("Approve and issue").check()
    decision.get_by_role("button", name="Record decision").click()
    expect(page.locator("ul.messagelist")).to_contain_text("Issued:")
    block.refresh_from_db()
    assert block.status == Status.ISSUED and block.serial
    expect(page.locator("#verifier-queue")).to_have_count(0)  # the changelist, not the index
    page.goto(f"{live_server.url}/admin/")
    expect(queue).to_contain_text("No credit block is waiting.")
    assert not day.errors


def test_the_queue_fits_a_phone(chromium, live_server, work):  # noqa: F811
    verifier, _, _ = work
    day = admin_day(chromium, live_server, verifier, 390, 844)
    expect(day.page.locator("#verifier-queue")).to_contain_text("waiting 3 days")
    _no_sideways_scroll(day.page)
    day.page.screenshot(path=SHOTS / "verifier-queue-390.png", full_page=False)
    assert not day.errors


def test_defect_1_a_flagged_month_added_in_the_admin_is_saved_without_an_error(chromium, live_server, work):  # noqa: F811
    """Admin → Month reviews → Add, the month typed by hand, Save: the review is stored and the page says so,
    not "Month review with this Building and Month already exists." (issue 16, defect 1)."""
    verifier, building, _ = work
    day = admin_day(chromium, live_server, verifier, 1366, 800)
    page = day.page
    page.get_by_role("row", name="Month reviews").get_by_role("link", name="Add").click()
    form = page.locator("#monthreview_form")
    form.locator("#id_building").select_option(str(building.pk))
    form.locator("#id_month").fill("2024-10-01")
    form.locator("#id_decision").select_option("reject")
    form.locator("#id_comment").fill("Three weekdays missing, no explanation.")
    form.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("ul.messagelist")).to_contain_text("was added successfully")
    expect(page.locator("body")).not_to_contain_text("already exists")
    expect(page.locator(".errornote")).to_have_count(0)
    review = MonthReview.objects.get()
    assert (review.building_id, str(review.month), review.decision) == (building.pk, "2024-10-01", "reject")
    assert not day.errors


def test_defect_2_approve_from_the_evidence_page_at_1366_with_the_button_on_screen(chromium, live_server, work):  # noqa: F811
    """The Approve/Reject panel sat off-screen at 1366 px (the page 1645 px wide, the heading cut to "D", the help
    text one word a line): now the page is as wide as the window and the button lies within it."""
    verifier, _, block = work
    day = admin_day(chromium, live_server, verifier, 1366, 800)
    page = day.page
    page.goto(f"{live_server.url}/admin/credits/creditblock/{block.pk}/change/")
    _no_sideways_scroll(page)
    decision = page.locator("#decision")
    decision.get_by_label("Approve and issue").check()
    decision.get_by_label("Comment").fill("Evidence checked.")
    button = decision.get_by_role("button", name="Record decision")
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 1366, box
    heading = decision.get_by_role("heading", name="Decision").bounding_box()
    assert heading is not None and heading["width"] >= 200, heading  # not cut to "D"
    help_text = decision.locator(".helptext").bounding_box()
    assert help_text is not None and help_text["height"] < 40, help_text  # one line, not a word a line
    button.click()
    expect(page.locator("ul.messagelist")).to_contain_text("Issued:")
    block.refresh_from_db()
    assert block.status == Status.ISSUED
    assert not day.errors
