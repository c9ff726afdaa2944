"""Every shown time carries its zone's name (issue 16, defect 5): a building's times in the building's zone on the
portal, the verifier's evidence page and the PDF alike; an account's webhook deliveries in UTC, labelled."""

import datetime as dt

import pytest
from django.template.loader import render_to_string

from carbonexia.common.instants import days_since, format_instant
from carbonexia.webhooks.models import WebhookDelivery
from carbonexia.webhooks.services import deliveries_create, webhook_create
from metering.uploads.models import Upload
from reports.context import report_context
from reports.models import Report
from tests.credits.queue_data import building_with_work
from tests.portal.conftest import browser_session

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
    upload = Upload.objects.create(
        kind="meter_csv",
        building=building,
        uploaded_by=owner,
        file="uploads/x.csv",
        filename="meter-2024.csv",
        size_bytes=10,
        sha256="ab" * 32,
    )
    Upload.objects.filter(pk=upload.pk).update(created_at=INSTANT)

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
