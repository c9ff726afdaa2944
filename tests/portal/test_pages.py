"""Every portal page and partial: it renders for its owner, is a 404 for anyone else, and needs a login."""

from datetime import date

import pytest
from django.test import Client

from buildings.models import Building
from carbonexia.webhooks.models import Webhook
from carbonexia.webhooks.services import webhook_create
from credits.models import CreditBlock, Status
from credits.services import credits_request, credits_verify
from metering.bills.services import bill_upload
from metering.readings.models import MeterReading
from metering.readings.services import meter_csv_upload
from metering.uploads.models import Upload
from mrv.models import Baseline
from reports.services import report_request
from tests.metering.helpers import csv_bytes
from tests.portal.conftest import HX

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


@pytest.fixture
def stocked(owner, verifier, measured):
    """The measured building with one of everything a page can show."""
    upload = meter_csv_upload(
        actor=owner, building=measured, data=csv_bytes([("2025-04-01T00:00:00", 2400)]), filename="april.csv"
    )
    (block,) = credits_request(
        actor=owner, building=measured, period_start=date(2024, 4, 1), period_end=date(2024, 6, 30)
    )
    credits_verify(verifier=verifier, block=block, decision="approve", comment="Checked.")
    report = report_request(actor=owner, building=measured, period_start=date(2024, 4, 1), period_end=date(2024, 6, 30))
    bill = bill_upload(actor=owner, building=measured, data=PNG, filename="bill.png")
    webhook = webhook_create(owner=owner, url="https://hooks.example.test/carbonexia", events=["report_ready"])
    b = f"/portal/buildings/{measured.pk}"
    return {
        "building": measured,
        "pages": [
            f"{b}/",
            f"{b}/?month=2024-09",
            f"{b}/settings/",
            f"{b}/delete/",
            f"{b}/data/",
            f"{b}/data/?interval=hour",
            f"{b}/baselines/",
            f"{b}/credits/",
            f"{b}/credits/?period_start=2024-03&period_end=2024-05",
            f"{b}/credits/{block.pk}/retire/",
            f"{b}/reports/",
            f"{b}/bills/",
            f"{b}/bills/{bill.upload_id}/",
        ],
        "partials": [
            f"{b}/data/?interval=month",
            f"{b}/data/uploads/{upload.pk}/",
            f"{b}/credits/?period_start=2024-07&period_end=2024-09",
            f"{b}/reports/{report.public_id}/",
            f"{b}/bills/{bill.upload_id}/",
        ],
        "posts": [
            f"{b}/settings/",
            f"{b}/delete/",
            f"{b}/data/upload/",
            f"{b}/data/station/",
            f"{b}/data/station/new/",
            f"{b}/data/station/temperatures/",
            f"{b}/data/events/",
            f"{b}/baselines/",
            f"{b}/credits/",
            f"{b}/credits/{block.pk}/retire/",
            f"{b}/reports/",
            f"{b}/bills/",
            f"{b}/bills/{bill.upload_id}/",
            f"/portal/webhooks/{webhook.pk}/delete/",
        ],
        "downloads": [f"{b}/reports/{report.public_id}/download/"],
        # The last is the owner's webhook: another user's must be a 404 too.
        "account_pages": ["/portal/", "/portal/buildings/new/", "/portal/webhooks/", f"/portal/webhooks/{webhook.pk}/"],
    }


def test_every_page_and_partial_renders_for_the_owner(portal, stocked):
    for url in stocked["account_pages"] + stocked["pages"]:
        response = portal.get(url)
        assert response.status_code == 200, url
        assert b'<main id="main"' in response.content, url
    for url in stocked["partials"]:
        response = portal.get(url, headers=HX)
        assert response.status_code == 200, url
        assert b"<main" not in response.content, url


def stored(building) -> tuple[int, ...]:
    return tuple(
        model.objects.filter(building=building).count() for model in (MeterReading, Upload, Baseline, CreditBlock)
    )


def test_another_users_pages_partials_and_forms_are_404(outsider_portal, stocked):
    building = stocked["building"]
    before = stored(building)
    for url in stocked["pages"] + stocked["downloads"] + stocked["account_pages"][-1:]:
        assert outsider_portal.get(url).status_code == 404, url
    for url in stocked["partials"]:
        assert outsider_portal.get(url, headers=HX).status_code == 404, url
    form = {"name": "Mine now", "beneficiary": "x", "reason": "x"}
    for url in stocked["posts"]:
        assert outsider_portal.post(url, form).status_code == 404, url
    assert stored(building) == before
    assert Building.objects.filter(pk=building.pk, name="MRV test").exists()
    assert not CreditBlock.objects.filter(building=building, status=Status.RETIRED).exists()
    assert Webhook.objects.filter(active=True).count() == 1


def test_the_404_page_is_html_for_a_browser(outsider_portal, stocked):
    response = outsider_portal.get(stocked["pages"][0], HTTP_ACCEPT="text/html")
    assert response.status_code == 404
    assert b"Page not found" in response.content and stocked["building"].name.encode() not in response.content


def test_pages_need_a_login(client, stocked):
    for url in stocked["account_pages"] + stocked["pages"]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/portal/login/?next="), url
    # A poll after the session ended sends the whole page to the login, not a login form into a fragment.
    response = client.get(stocked["partials"][1], headers={**HX, "HX-Current-URL": "http://testserver/portal/"})
    assert response["HX-Redirect"] == "/portal/login/?next=%2Fportal%2F"


def test_csrf_is_enforced_on_every_form(owner):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(owner)
    form = {"name": "Annex", "building_type": "retail", "area_sqft": "1000", "timezone": "UTC"}
    form |= {"occupancy_weekday": "100", "occupancy_weekend": "20"}
    assert browser.post("/portal/buildings/new/", form).status_code == 403
    assert not Building.objects.filter(owner=owner).exists()
    page = browser.get("/portal/buildings/new/")
    token = page.cookies["csrftoken"].value
    assert f"""<body hx-headers='{{"X-CSRFToken": "{page.context["csrf_token"]}"}}'>""".encode() in page.content
    assert browser.post("/portal/buildings/new/", {**form, "csrfmiddlewaretoken": token}).status_code == 302
    # HTMX requests carry the token in the header that <body hx-headers> sets.
    building = Building.objects.get(owner=owner)
    upload_url = f"/portal/buildings/{building.pk}/data/upload/"
    assert browser.post(upload_url, headers=HX).status_code == 403
    assert browser.post(upload_url, headers={**HX, "X-CSRFToken": token}).status_code == 422


def test_the_root_leads_to_the_portal_and_the_docs_stay(client):
    assert client.get("/")["Location"] == "/portal/"
    assert client.get("/docs").status_code == 200
