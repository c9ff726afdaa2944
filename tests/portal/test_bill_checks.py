"""The portal's bill page warns, with both figures, before a flagged bill is confirmed, and asks for the
acknowledgement only then."""

import pandas as pd
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from carbonexia.audit.models import AuditEvent
from metering.bills.models import UtilityBill
from tests.metering import bill_images
from tests.metering.helpers import make_building
from tests.mrv import builders

pytestmark = pytest.mark.django_db

MISMATCH = (
    "The bill&#x27;s 42,300 kWh differs from the meter&#x27;s 250,885 kWh over the same days by 83.1 %, "
    "more than the 10 % allowed."
)
CHECKBOX = 'type="checkbox" name="acknowledge_mismatch"'


@pytest.fixture
def building(owner):
    building = make_building(owner)
    stamps = pd.date_range("2025-03-01", "2025-04-01", freq="15min", inclusive="left", tz=building.timezone)
    builders.store_meter(building, pd.DataFrame({"ts": stamps, "kwh": 250_885 / len(stamps)}))
    return building


def url(bill) -> str:
    return f"/portal/buildings/{bill.building_id}/bills/{bill.upload_id}/"


@pytest.fixture
def upload(portal, building, tasks_in_process, django_capture_on_commit_callbacks):
    """Uploads a PDF bill for March 2025 with its own text layer, which the worker reads and checks."""

    def send(consumption: str) -> UtilityBill:
        html = f"<p>Billing period: 01-03-2025 to 31-03-2025</p><p>Units Consumed: {consumption}</p>"
        pdf = SimpleUploadedFile("march.pdf", bill_images.text_pdf(html))
        with django_capture_on_commit_callbacks(execute=True):
            portal.post(f"/portal/buildings/{building.pk}/bills/", {"file": pdf})
        return UtilityBill.objects.latest("created_at")

    return send


@pytest.fixture
def flagged(upload):
    """Read as 42,300 kWh for March, where the meter holds 250,885 kWh."""
    return upload("42,300")


def test_a_flagged_bill_warns_with_both_figures_before_confirming(portal, flagged):
    html = portal.get(url(flagged)).content.decode()
    assert 'class="notice" role="alert"' in html and "Check these figures before confirming them." in html
    assert MISMATCH in html
    assert "Meter readings exist for 2025-03: savings use the meter there, not this bill." in html
    assert CHECKBOX in html


def test_confirming_without_the_acknowledgement_is_refused_inline_and_changes_nothing(portal, flagged):
    figures = {"kwh": "42300", "period_start": "2025-03-01", "period_end": "2025-03-31"}
    response = portal.post(url(flagged), figures)
    assert response.status_code == 422
    html = response.content.decode()
    assert "nothing was confirmed" in html and MISMATCH in html and CHECKBOX in html
    flagged.refresh_from_db()
    assert not flagged.confirmed
    assert not AuditEvent.objects.filter(action="bill.confirmed").exists()


def test_confirming_with_the_acknowledgement_keeps_both_figures(portal, flagged):
    figures = {"kwh": "42300", "period_start": "2025-03-01", "period_end": "2025-03-31", "acknowledge_mismatch": "on"}
    done = portal.post(url(flagged), figures, follow=True).content.decode()
    flagged.refresh_from_db()
    assert (flagged.confirmed, flagged.checks_acknowledged, flagged.confirmed_kwh) == (True, True, 42_300)
    assert "Check these figures." in done and "The owner confirmed the bill knowing this." in done
    assert AuditEvent.objects.get(action="bill.confirmed").after["checks"]["acknowledged"] is True


def test_a_bill_that_passes_asks_for_no_acknowledgement(portal, upload):
    bill = upload("250,000")
    html = portal.get(url(bill)).content.decode()
    assert "agrees with the meter" in html and 'class="notice"' not in html
    assert CHECKBOX not in html and 'type="hidden" name="acknowledge_mismatch"' in html
    response = portal.post(url(bill), {"kwh": "250000", "period_start": "2025-03-01", "period_end": "2025-03-31"})
    assert response.status_code == 302


def test_a_correction_the_checks_flag_asks_for_the_acknowledgement_then(portal, upload):
    bill = upload("250,000")
    figures = {"kwh": "38", "period_start": "2025-03-01", "period_end": "2025-03-31", "acknowledge_mismatch": "False"}
    response = portal.post(url(bill), figures)
    html = response.content.decode()
    assert response.status_code == 422 and "Check for lost digits." in html and CHECKBOX in html
    bill.refresh_from_db()
    assert not bill.confirmed and bill.checked_kwh == 250_000  # the figures as read, still


def test_an_outsider_gets_404(outsider_portal, flagged):
    assert outsider_portal.get(url(flagged)).status_code == 404
    figures = {"kwh": "42300", "period_start": "2025-03-01", "period_end": "2025-03-31", "acknowledge_mismatch": "on"}
    assert outsider_portal.post(url(flagged), figures).status_code == 404
    assert not UtilityBill.objects.get(pk=flagged.pk).confirmed


def test_the_bills_list_marks_a_flagged_bill(portal, flagged):
    listed = portal.get(f"/portal/buildings/{flagged.building_id}/bills/").content.decode()
    assert "Read: flagged, check it" in listed
