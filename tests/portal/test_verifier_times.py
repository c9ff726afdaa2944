"""Every shown time carries its zone's name (issue 16, defect 5): a building's times in the building's zone on the
portal, the verifier's evidence page and the PDF alike; an account's webhook deliveries in UTC, labelled."""

import datetime as dt

import pytest
from django.template.loader import render_to_string

from buildings.models import Building
from carbonexia.common.instants import days_since, format_instant
from carbonexia.webhooks.models import Webhook, WebhookDelivery
from carbonexia.webhooks.services import deliveries_create, webhook_create
from credits.models import CreditBlock
from credits.services import credits_verify
from metering.meters.models import Meter
from metering.weather.models import BuildingWeather
from reports.context import report_context
from reports.models import Report
from tests.credits.queue_data import building_with_work
from tests.metering.helpers import make_building, message_refused, upload_received
from tests.portal.conftest import browser_session
from tests.portal.demo_manager import read_bill

# 08:35 UTC is 14:05 in Kolkata (UTC+05:30, no summer time).
INSTANT = dt.datetime(2024, 7, 9, 8, 35, 12, tzinfo=dt.UTC)
SHOWN = "2024-07-09 14:05 Asia/Kolkata"


def test_an_instant_is_written_in_the_zone_with_its_name():
    assert format_instant(INSTANT, "Asia/Kolkata") == SHOWN
    assert format_instant(INSTANT) == "2024-07-09 08:35 UTC"
    # New York keeps summer time in July (UTC−4) and not in January (UTC−5).
    assert format_instant(INSTANT, "America/New_York") == "2024-07-09 04:35 America/New_York"
    winter = dt.datetime(2024, 1, 9, 8, 35, tzinfo=dt.UTC)
    assert (
        format_instant(winter, "America/New_York", pattern="%Y-%m-%d %H:%M:%S")
        == "2024-01-09 03:35:00 America/New_York"
    )
    assert format_instant(None, "Asia/Kolkata") == ""
    with pytest.raises(ValueError, match="naive"):
        format_instant(dt.datetime(2024, 7, 9, 8, 35), "UTC")


def test_days_waiting_are_whole_days_and_never_negative():
    assert days_since(INSTANT, INSTANT + dt.timedelta(days=3, hours=23)) == 3
    assert days_since(INSTANT, INSTANT + dt.timedelta(hours=23)) == 0
    assert days_since(INSTANT, INSTANT - dt.timedelta(days=2)) == 0


@pytest.mark.django_db
def test_an_upload_shows_the_same_time_on_the_portal_the_evidence_page_and_the_pdf(owner, verifier):
    building, block = building_with_work(owner)
    upload_received(building, at=INSTANT)

    portal = browser_session(owner).get(f"/portal/buildings/{building.pk}/data/").content.decode()
    admin = browser_session(verifier).get(f"/admin/credits/creditblock/{block.pk}/change/").content.decode()
    report = Report.objects.create(
        building=building, period_start=dt.date(2024, 4, 1), period_end=dt.date(2024, 9, 30), requested_by=owner
    )
    pdf = render_to_string("reports/report.html", report_context(report=report, generated_at=INSTANT))
    for surface, html in (("portal", portal), ("admin", admin), ("pdf", pdf)):
        assert SHOWN in html, surface
    assert f"<td>{SHOWN}</td>" in pdf  # the PDF's "Generated at" too
    assert "UTC<" not in pdf  # no time of this building is left in UTC


@pytest.mark.django_db
def test_webhook_deliveries_are_shown_in_utc_and_say_so(portal, owner, django_capture_on_commit_callbacks):
    webhook = webhook_create(owner=owner, url="https://hooks.example.test/carbonexia", events=["report_ready"])
    with django_capture_on_commit_callbacks():
        deliveries_create(
            event_id="evt_1", event_type="report_ready", occurred_at="2025-04-01T00:00:00Z", owner=owner, payload={}
        )
    WebhookDelivery.objects.filter(webhook=webhook).update(created_at=INSTANT, next_attempt_at=None)
    page = portal.get(f"/portal/webhooks/{webhook.pk}/").content.decode()
    assert "<td>2024-07-09 08:35:12 UTC</td>" in page


@pytest.mark.django_db
def test_the_meters_page_names_the_zone_of_every_time(owner, verifier):
    building = make_building(owner)  # Asia/Kolkata
    meter = Meter.objects.create(building=building, device_id="gw", secret_salt="s", last_message_at=INSTANT)
    Meter.objects.filter(pk=meter.pk).update(created_at=INSTANT)
    message_refused("gw", at=INSTANT, meter=meter)
    for user in (owner, verifier):  # the verifier reads it read-only
        page = browser_session(user).get(f"/portal/buildings/{building.pk}/meters/").content.decode()
        assert page.count("<td>2024-07-09 14:05:12 Asia/Kolkata</td>") == 2  # the last message, the refused one
        assert f"<td>{SHOWN}</td>" in page  # added


@pytest.mark.django_db
def test_the_weather_fetch_a_confirmed_bill_and_a_webhook_say_their_zone(portal, owner):
    building = make_building(owner)
    Building.objects.filter(pk=building.pk).update(latitude=19.07, longitude=72.88)
    BuildingWeather.objects.create(
        building=building, status="ok", requested_at=INSTANT, last_attempt_at=INSTANT, last_success_at=INSTANT
    )
    settings_page = portal.get(f"/portal/buildings/{building.pk}/settings/").content.decode()
    assert settings_page.count(f"<dd>{SHOWN}</dd>") == 2

    bill = read_bill(
        building,
        filename="march.pdf",
        kwh=9000,
        confirmed=True,
        confirmed_by=owner,
        confirmed_at=INSTANT,
        confirmed_kwh=9000,
        confirmed_period_start=dt.date(2024, 6, 1),
        confirmed_period_end=dt.date(2024, 6, 30),
    )
    bill_page = portal.get(f"/portal/buildings/{building.pk}/bills/{bill.upload_id}/").content.decode()
    assert f"Confirmed by {owner.email} on {SHOWN}:" in bill_page

    webhook = webhook_create(owner=owner, url="https://hooks.example.test/carbonexia", events=["report_ready"])
    Webhook.objects.filter(pk=webhook.pk).update(created_at=INSTANT)
    assert "<td>2024-07-09 08:35 UTC</td>" in portal.get("/portal/webhooks/").content.decode()


@pytest.mark.django_db
def test_a_verified_block_says_when_in_the_buildings_zone(portal, owner, verifier):
    building, block = building_with_work(owner)
    credits_verify(verifier=verifier, block=block, decision="approve", comment="")
    CreditBlock.objects.filter(pk=block.pk).update(verified_at=INSTANT)
    page = portal.get(f"/portal/buildings/{building.pk}/credits/").content.decode()
    assert f"{verifier.email}, {SHOWN}" in page


@pytest.mark.django_db
def test_a_flagged_months_missing_hours_name_the_buildings_zone(owner, verifier):
    building, _ = building_with_work(owner)  # October 2024 FLAGGED: three days never read
    review = browser_session(verifier).get(f"/admin/mrv/monthreview/add/?building={building.pk}&month=2024-10-01")
    html = review.content.decode()
    assert "<th>Missing, Asia/Kolkata time</th>" in html and "Tue 2024-10-08" in html
