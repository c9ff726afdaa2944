"""Issue 16 in a real browser (Debian's Chromium): every time a verifier reads carries its zone's name, on the
portal's meters page and in the admin's lists of uploads and audit events (defect 5); the links `make run
HOST_PORT=…` prints open the portal and the admin where the server runs (defect 9); refusals say fields with the
form's labels and a floor area reads as people write it (defect 10; the report's readable file name is walked in
test_portal_defects_browser.py)."""

import datetime as dt
import re
import subprocess
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from buildings.models import Building, ProjectEvent
from carbonexia.audit.models import AuditEvent
from carbonexia.common.instants import SECONDS, format_instant
from demo.management.commands.load_demo import DEMO_EMAIL, DEMO_PASSWORD, DEMO_VERIFIER_EMAIL
from metering.meters.models import Meter
from metering.meters.services import meter_create
from tests.metering.helpers import make_building, message_refused, upload_received
from tests.portal.test_browser import chromium, new_day  # noqa: F401  (the fixture is used by name)

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
# 08:35:12 UTC is 14:05:12 in Kolkata (UTC+05:30).
INSTANT = dt.datetime(2024, 7, 9, 8, 35, 12, tzinfo=dt.UTC)


def _signed_in(chromium, live_server, user):  # noqa: F811
    day = new_day(chromium, live_server, "defects-pages")
    day.page.set_viewport_size({"width": 1366, "height": 800})
    day.log_in(user.email)
    expect(day.page).not_to_have_url(re.compile(r"/login/"))
    return day


def test_defect_5_a_verifier_reads_every_time_with_its_zone(
    chromium,  # noqa: F811
    live_server,
    transactional_db,
    django_db_serialized_rollback,
    owner,
    verifier,
):
    building = make_building(owner)  # Asia/Kolkata
    meter = meter_create(actor=owner, building=building, device_id="floor-3").meter
    Meter.objects.filter(pk=meter.pk).update(last_message_at=INSTANT)
    message_refused("floor-3", at=INSTANT, meter=meter)
    upload_received(building, at=INSTANT)
    registered = AuditEvent.objects.get(action="meter.registered")
    day = _signed_in(chromium, live_server, verifier)
    page = day.page

    day.open(f"/portal/buildings/{building.pk}/meters/")
    meters = page.get_by_role("region", name="Meters", exact=True)
    expect(meters.get_by_role("row").filter(has_text="floor-3")).to_contain_text("2024-07-09 14:05:12 Asia/Kolkata")
    refused = page.get_by_role("region", name="Refused messages")
    expect(refused).to_contain_text("2024-07-09 14:05:12 Asia/Kolkata")
    day.shot("meters-in-the-buildings-zone")

    day.open("/admin/metering/upload/")
    row = page.locator("#result_list tbody tr").filter(has_text="meter-2024.csv")
    expect(row.locator("td.field-created_at")).to_have_text("2024-07-09 14:05 Asia/Kolkata")

    day.open("/admin/audit/auditevent/")
    row = page.locator("#result_list tbody tr").filter(has_text="meter.registered")
    expect(row.locator("td.field-occurred_at")).to_have_text(format_instant(registered.occurred_at, pattern=SECONDS))
    expect(row.locator("td.field-occurred_at")).to_have_text(re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$"))
    day.shot("audit-in-utc")
    assert not day.errors


def test_defect_9_the_links_make_run_prints_open_the_portal_and_the_admin(
    chromium,  # noqa: F811
    live_server,
    transactional_db,
    django_db_serialized_rollback,
    tasks_in_process,
):
    port = live_server.url.rsplit(":", 1)[1]
    # What `make run HOST_PORT=0.0.0.0:<port>` runs to load the demo, run here against the live server's database.
    planned = subprocess.run(
        ["make", "-n", "run", f"HOST_PORT=0.0.0.0:{port}"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    (command,) = [line.split() for line in planned.splitlines() if "load_demo" in line]
    printed = StringIO()
    call_command(*command[command.index("load_demo") :], stdout=printed)
    links = dict(re.findall(r"\((portal|admin): (http://\S+)\)", printed.getvalue()))
    assert set(links) == {"portal", "admin"}, printed.getvalue()

    day = new_day(chromium, live_server, "defects-demo-links")
    page = day.page
    page.goto(links["portal"])
    page.get_by_label("Email").fill(DEMO_EMAIL)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    assert page.url.startswith(links["portal"])

    verifier = new_day(chromium, live_server, "defects-demo-admin").page
    verifier.goto(links["admin"])
    verifier.locator("#id_username").fill(DEMO_VERIFIER_EMAIL)
    verifier.locator("#id_password").fill(DEMO_PASSWORD)
    verifier.get_by_role("button", name="Log in").click()
    expect(verifier.locator("#verifier-queue")).to_be_visible()
    assert verifier.url.startswith(links["admin"])
    assert not day.errors


def test_defect_10_refusals_use_the_forms_labels_and_a_floor_area_reads_as_written(
    chromium,  # noqa: F811
    live_server,
    transactional_db,
    django_db_serialized_rollback,
    owner,
):
    building = make_building(owner)  # no readings and no retrofit: no default baseline window
    Building.objects.filter(pk=building.pk).update(area_sqft=185_000.0)
    day = _signed_in(chromium, live_server, owner)
    page = day.page

    day.open(f"/portal/buildings/{building.pk}/settings/")
    expect(page.locator(".building-header")).to_contain_text("185,000 sq ft")
    expect(page.get_by_label("Floor area (sq ft)")).to_have_value("185000")

    day.open(f"/portal/buildings/{building.pk}/data/")
    page.get_by_text("Record an event").click()
    page.get_by_label("Event type").select_option("retrofit")
    page.get_by_label("Start date").fill("2024-03-10")
    page.get_by_label("End date").fill("2024-03-01")
    page.get_by_role("button", name="Record the event").click()
    expect(page.get_by_text("Must be on or after the start date.").first).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("start_date")
    assert not ProjectEvent.objects.exists()

    day.open(f"/portal/buildings/{building.pk}/baselines/")
    page.get_by_role("button", name="Compute the baseline").click()
    expect(page.locator("main")).to_contain_text("or give the first day and the last day.")
    expect(page.locator("main")).not_to_contain_text("baseline_start")
    expect(page.locator("main")).not_to_contain_text("baseline_end")
    day.shot("refusal-in-words")
