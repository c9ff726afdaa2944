import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from metering.bills.models import UtilityBill
from metering.uploads.models import Upload, UploadKind
from tests.metering import bill_images
from tests.metering.helpers import make_building
from tests.portal.conftest import HX

pytestmark = pytest.mark.django_db


@pytest.fixture
def building(owner):
    return make_building(owner)


def post_bill(portal, building, data: bytes, name="bill.png"):
    return portal.post(f"/portal/buildings/{building.pk}/bills/", {"file": SimpleUploadedFile(name, data)})


def test_a_bill_is_read_then_corrected_and_confirmed(
    portal, building, tasks_in_process, django_capture_on_commit_callbacks
):
    png = bill_images.encoded(bill_images.draw_bill(bill_images.INDIAN_BILL), "PNG")
    with django_capture_on_commit_callbacks(execute=True):
        response = post_bill(portal, building, png)
    bill = UtilityBill.objects.get()
    url = f"/portal/buildings/{building.pk}/bills/{bill.public_id}/"
    assert response.status_code == 302 and response["Location"] == url
    html = portal.get(url).content.decode()
    assert "124,000.0" in html and "DL-4471902" in html and "Read: check and confirm" in html
    assert 'name="kwh" value="124000.0"' in html and 'name="period_start" value="2025-03-01"' in html

    corrected = {"kwh": "123500", "period_start": "2025-03-01", "period_end": "2025-03-31"}
    done = portal.post(url, corrected, follow=True).content.decode()
    bill.refresh_from_db()
    assert bill.confirmed and bill.confirmed_kwh == 123500
    assert "Confirmed by owner@example.test" in done and "123,500.0 kWh" in done


def test_a_bill_being_read_is_polled(portal, owner, building):
    upload = Upload.objects.create(
        kind=UploadKind.BILL, building=building, uploaded_by=owner, filename="march.pdf", size_bytes=1, sha256="0"
    )
    bill = UtilityBill.objects.create(upload=upload, building=building)
    url = f"/portal/buildings/{building.pk}/bills/{bill.public_id}/"
    assert f'hx-get="{url}" hx-trigger="every 1s"' in portal.get(url).content.decode()
    partial = portal.get(url, headers=HX).content.decode()
    assert partial.strip().startswith('<div id="bill"') and "Being read" in partial
    refused = portal.post(url, {"kwh": "1", "period_start": "2025-03-01", "period_end": "2025-03-31"})
    assert refused.status_code == 409 and b"still being read" in refused.content


def test_a_file_that_is_not_a_bill_is_refused_inline(portal, building):
    response = post_bill(portal, building, b"timestamp,kwh\n", name="meter.csv")
    assert response.status_code == 415 and b"Only PNG, JPEG and PDF files are accepted." in response.content
    assert not Upload.objects.exists() and not UtilityBill.objects.exists()
    missing = portal.post(f"/portal/buildings/{building.pk}/bills/", {})
    assert missing.status_code == 422 and b"This field is required." in missing.content


@pytest.mark.parametrize(
    ("figures", "message"),
    [
        ({"kwh": "-1", "period_start": "2025-03-01", "period_end": "2025-03-31"}, "greater than or equal to 0"),
        (
            {"kwh": "100", "period_start": "2025-03-31", "period_end": "2025-03-01"},
            "Must not be before the first day billed.",
        ),
        ({"kwh": "100", "period_start": "2025-01-01", "period_end": "2025-06-30"}, "at most 100 days"),
    ],
)
def test_bad_figures_are_refused_inline_and_nothing_is_confirmed(
    portal, building, tasks_in_process, django_capture_on_commit_callbacks, figures, message
):
    png = bill_images.encoded(bill_images.draw_bill(bill_images.INDIAN_BILL), "PNG")
    with django_capture_on_commit_callbacks(execute=True):
        post_bill(portal, building, png)
    bill = UtilityBill.objects.get()
    response = portal.post(f"/portal/buildings/{building.pk}/bills/{bill.public_id}/", figures)
    assert response.status_code == 422 and message in response.content.decode()
    bill.refresh_from_db()
    assert not bill.confirmed
