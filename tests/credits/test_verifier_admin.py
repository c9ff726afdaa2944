import pandas as pd
import pytest
from django.utils import timezone

from credits.models import CreditBlock, Status
from tests.credits.conftest import issue
from tests.metering.helpers import upload_received
from tests.mrv import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending_block(as_owner, eligible_building):
    upload_received(eligible_building, at=timezone.now())
    issue(as_owner, eligible_building)
    return CreditBlock.objects.get()


@pytest.fixture
def verifier_browser(client, verifier):
    client.force_login(verifier)
    return client


def test_the_queue_lists_pending_requests_oldest_first(verifier_browser, pending_block):
    page = verifier_browser.get("/admin/credits/creditblock/")
    assert page.status_code == 200
    assert pending_block.building.name.encode() in page.content
    rejected = verifier_browser.get("/admin/credits/creditblock/?status=REJECTED")
    assert pending_block.building.name.encode() not in rejected.content


def test_the_detail_page_shows_the_evidence(verifier_browser, pending_block):
    page = verifier_browser.get(f"/admin/credits/creditblock/{pending_block.pk}/change/")
    assert page.status_code == 200
    text = page.content.decode()
    for expected in [
        "2024-04",
        "Meets ASHRAE Guideline 14",
        "CEA",
        "meter-2024.csv",
        "ab" * 32,
        "Retrofit",
        "credits.requested",
        "Record decision",
    ]:
        assert expected in text, expected


def test_approve_from_the_admin_issues_through_the_service(verifier_browser, pending_block):
    response = verifier_browser.post(
        f"/admin/credits/creditblock/{pending_block.pk}/decide/", {"decision": "approve", "comment": "Checked."}
    )
    assert response.status_code == 302
    pending_block.refresh_from_db()
    assert pending_block.status == Status.ISSUED and pending_block.serial


def test_reject_without_a_comment_is_refused_with_a_message(verifier_browser, pending_block):
    response = verifier_browser.post(
        f"/admin/credits/creditblock/{pending_block.pk}/decide/", {"decision": "reject", "comment": ""}, follow=True
    )
    assert b"needs a comment" in response.content
    pending_block.refresh_from_db()
    assert pending_block.status == Status.PENDING


def test_facility_managers_cannot_use_the_admin(client, owner, pending_block):
    client.force_login(owner)
    response = client.get(f"/admin/credits/creditblock/{pending_block.pk}/change/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.post(f"/admin/credits/creditblock/{pending_block.pk}/decide/", {"decision": "approve"})
    pending_block.refresh_from_db()
    assert pending_block.status == Status.PENDING


def test_verifiers_cannot_edit_or_delete_blocks(verifier_browser, pending_block):
    response = verifier_browser.post(f"/admin/credits/creditblock/{pending_block.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert CreditBlock.objects.filter(pk=pending_block.pk).exists()


def test_the_detail_page_lists_the_anomalies_of_the_blocks_months(verifier_browser, pending_block):
    building = pending_block.building
    stuck = pd.date_range("2024-06-10", periods=4, freq="D", tz=building.timezone)  # four days, one value
    builders.store_meter(building, pd.DataFrame({"ts": stuck.tz_convert("UTC"), "kwh": 1234.5}))
    text = verifier_browser.get(f"/admin/credits/creditblock/{pending_block.pk}/change/").content.decode()
    assert "Anomalies in the readings of these months" in text
    assert "Stuck reading" in text and "the same reading, 1,234.500 kWh, 4 times in a row" in text
