from datetime import date

import pytest

from reports.models import Report, ReportStatus
from tests.metering.helpers import make_building
from tests.portal.conftest import HX

pytestmark = pytest.mark.django_db

PERIOD = {"period_start": "2024-04", "period_end": "2024-06"}


def test_a_report_is_generated_and_downloaded(portal, measured, tasks_in_process, django_capture_on_commit_callbacks):
    url = f"/portal/buildings/{measured.pk}/reports/"
    page = portal.get(url).content.decode()
    assert 'value="2024-04"' in page and 'value="2025-03"' in page  # the latest twelve complete months
    with django_capture_on_commit_callbacks(execute=True):
        response = portal.post(url, PERIOD, follow=True)
    assert b"Ready" in response.content and b"is being generated" not in response.content
    report = Report.objects.get()
    assert report.status == ReportStatus.COMPLETED
    row = f"{url}{report.public_id}/"
    ready = portal.get(row, headers=HX).content.decode()
    assert "Ready" in ready and "every 1s" not in ready and f'href="{row}download/"' in ready
    download = portal.get(f"{row}download/")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'attachment; filename="carbonexia-mrv-test-2024-04-to-2024-06.pdf"'
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_a_report_being_generated_is_polled_and_not_yet_downloadable(portal, owner, measured):
    report = Report.objects.create(
        building=measured, period_start=date(2024, 4, 1), period_end=date(2024, 6, 30), requested_by=owner
    )
    url = f"/portal/buildings/{measured.pk}/reports/"
    row = f"{url}{report.public_id}/"
    assert f'hx-get="{row}" hx-trigger="every 1s"' in portal.get(url).content.decode()
    assert "Generating" in portal.get(row, headers=HX).content.decode()
    assert portal.get(row)["Location"] == url
    refused = portal.get(f"{row}download/")
    assert refused.status_code == 409 and b"The report is not ready" in refused.content


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"period_start": "2024-06", "period_end": "2024-04"}, "Must not be before the first month."),
        ({"period_start": "2024-04", "period_end": "2030-12"}, "Must be a month that has ended."),
        ({"period_start": "1999-01", "period_end": "1999-12"}, "Must be 2000-01-01 or later."),
        ({"period_start": "", "period_end": "2024-04"}, "This field is required."),
    ],
)
def test_a_bad_period_is_refused_inline_and_stores_nothing(portal, owner, form, message):
    building = make_building(owner)
    response = portal.post(f"/portal/buildings/{building.pk}/reports/", form)
    assert response.status_code == 422 and message in response.content.decode()
    assert not Report.objects.exists()


def test_a_report_is_only_reached_through_its_own_building(portal, owner, measured):
    with_report = portal.post(f"/portal/buildings/{measured.pk}/reports/", PERIOD)
    assert with_report.status_code == 302
    report = Report.objects.get()
    other = make_building(owner, name="Other")
    assert portal.get(f"/portal/buildings/{other.pk}/reports/{report.public_id}/download/").status_code == 404
    assert portal.get(f"/portal/buildings/{other.pk}/reports/{report.public_id}/", headers=HX).status_code == 404
