"""Issue 16 in a real browser (Debian's Chromium): status messages follow their report or bill instead of going
stale (defect 7), a report downloads under a name that says what it is (defect 10), and a webhook's secret has a
copy button that leaves plain selectable text without script (webhooks)."""

import re

import pytest
from playwright.sync_api import expect

from carbonexia.webhooks.models import Webhook
from tests.conftest import PASSWORD
from tests.metering import bill_images
from tests.metering.helpers import make_building, reading_written
from tests.mrv import builders
from tests.portal.test_browser import chromium, new_day  # noqa: F401  (the fixture is used by name)

pytestmark = pytest.mark.browser


@pytest.fixture
def browsing(chromium, live_server, transactional_db, django_db_serialized_rollback, tasks_in_process, make_user):  # noqa: F811
    """A signed-in facility manager's browser at 1366 x 800, and the manager."""
    owner = make_user(email="ana@harbourview.test")
    day = new_day(chromium, live_server, "defects")
    day.page.set_viewport_size({"width": 1366, "height": 800})
    day.log_in(owner.email)
    expect(day.page.get_by_role("heading", name="Your buildings")).to_be_visible()
    return day, owner


def test_a_ready_report_has_no_generating_message_and_downloads_under_its_name(browsing):
    day, owner = browsing
    building = builders.building(owner)
    building.name = "Harbour View Offices, Tower B"
    building.save(update_fields=["name"])
    reading_written(building, time="2024-06-30T00:00:00Z")
    day.open(f"/portal/buildings/{building.pk}/reports/")
    day.page.locator("#id_period_start").fill("2024-04")
    day.page.locator("#id_period_end").fill("2024-06")
    day.page.get_by_role("button", name="Generate the report").click()
    expect(day.page.locator("tbody tr").first).to_contain_text("Ready")
    expect(day.page.get_by_text("is being generated")).to_have_count(0)
    with day.page.expect_download() as download:
        day.page.get_by_role("link", name=re.compile("Download the PDF")).first.click()
    assert download.value.suggested_filename == "carbonexia-harbour-view-offices-tower-b-2024-04-to-2024-06.pdf"
    assert open(download.value.path(), "rb").read(4) == b"%PDF"
    assert not day.errors


def test_a_read_bill_has_no_being_read_message(browsing, tmp_path):
    day, owner = browsing
    building = make_building(owner)
    png = tmp_path / "march-bill.png"
    png.write_bytes(bill_images.encoded(bill_images.draw_bill(bill_images.INDIAN_BILL), "PNG"))
    day.open(f"/portal/buildings/{building.pk}/bills/")
    day.page.get_by_label("Utility bill:", exact=True).set_input_files(png)
    day.page.get_by_role("button", name="Upload the bill").click()
    expect(day.page.get_by_label("kWh consumed")).to_have_value("124000.0")
    expect(day.page.get_by_text("march-bill.png was read: check its figures below and confirm them.")).to_be_visible()
    expect(day.page.get_by_text("is being read")).to_have_count(0)
    assert not day.errors


def test_a_webhooks_secret_can_be_copied_and_its_events_read_in_words(browsing, chromium, live_server):  # noqa: F811
    day, owner = browsing
    day.page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    day.open("/portal/webhooks/")
    day.page.get_by_label("URL").fill("https://hooks.harbourview.test/carbonexia")
    day.page.get_by_label("Credits issued").check()
    day.page.get_by_role("button", name="Add the webhook").click()
    secret = Webhook.objects.get(owner=owner).secret
    expect(day.page.get_by_label("Signing secret")).to_have_value(secret)
    day.page.get_by_role("button", name="Copy the secret").click()
    expect(day.page.get_by_text("Copied.")).to_be_visible()
    assert day.page.evaluate("navigator.clipboard.readText()") == secret
    row = day.page.get_by_role("row").filter(has_text="hooks.harbourview.test")
    expect(row).to_contain_text("Credits issued credits_issued")
    expect(row.get_by_role("button", name=re.compile("Send a test event"))).to_be_visible()
    assert not day.errors


def test_without_script_the_secret_is_plain_selectable_text(
    chromium,  # noqa: F811
    live_server,
    make_user,
    transactional_db,
    django_db_serialized_rollback,
):
    owner = make_user(email="noscript@harbourview.test")
    context = chromium.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(live_server.url + "/portal/login/")
    page.get_by_label("Email").fill(owner.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(live_server.url + "/portal/webhooks/")
    page.get_by_label("URL").fill("https://hooks.harbourview.test/carbonexia")
    page.get_by_label("Report ready").check()
    page.get_by_role("button", name="Add the webhook").click()
    secret = Webhook.objects.get(owner=owner).secret
    field = page.get_by_label("Signing secret")
    expect(field).to_have_value(secret)
    expect(field).to_be_editable(editable=False)
    expect(page.get_by_role("button", name="Copy the secret")).to_be_hidden()
    field.select_text()
    assert page.evaluate("window.getSelection().toString() || document.activeElement.value") == secret
    context.close()
