"""POST /reports/generate, GET /reports/{id}, GET /reports/{id}/download (API.md "Reports")."""

import uuid
from datetime import date

import pytest
from celery.exceptions import SoftTimeLimitExceeded

from carbonexia.audit.models import AuditEvent
from carbonexia.events import domain_event
from reports import services
from reports.models import Report
from tests.metering.helpers import reading_written
from tests.mrv import builders

pytestmark = pytest.mark.django_db

PERIOD = {"period_start": "2024-04-01", "period_end": "2024-06-30"}


@pytest.fixture
def building(owner):
    """A building with one reading and no baseline: its report renders quickly and says what is missing."""
    b = builders.building(owner)
    reading_written(b, time="2024-04-01T00:00:00Z")
    return b


@pytest.fixture
def generate(tasks_in_process, django_capture_on_commit_callbacks):
    """POSTs a report request and runs its render in the test, as the embedded default does."""

    def post(client, building, **body):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post("/reports/generate", {"building_id": str(building.pk), **PERIOD, **body}, format="json")

    return post


@pytest.fixture
def events():
    sent = []

    def receiver(**event):
        sent.append(event)

    domain_event.connect(receiver)
    yield sent
    domain_event.disconnect(receiver)


def _processing(building, owner) -> Report:
    return Report.objects.create(
        building=building, period_start=date(2024, 4, 1), period_end=date(2024, 6, 30), requested_by=owner
    )


def test_generate_then_read_then_download(as_owner, owner, building, generate, events):
    response = generate(as_owner, building)
    assert response.status_code == 202
    body = response.json()
    assert set(body) == {"report_id", "status"} and body["status"] == "processing"
    assert body["report_id"].startswith("rep_") and len(body["report_id"]) == 36

    detail = as_owner.get(f"/reports/{body['report_id']}")
    assert detail.status_code == 200
    report = detail.json()
    assert report["report_id"] == body["report_id"]
    assert report["building_id"] == str(building.pk)
    assert (report["status"], report["error"]) == ("completed", None)
    assert (report["period_start"], report["period_end"]) == ("2024-04-01", "2024-06-30")
    assert report["generated_at"].endswith("Z") or "+00:00" in report["generated_at"]
    assert report["file_path"] == f"/reports/{body['report_id']}/download"

    download = as_owner.get(report["file_path"])
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'attachment; filename="carbonexia-mrv-test-2024-04-to-2024-06.pdf"'
    data = b"".join(download.streaming_content)
    assert data.startswith(b"%PDF-")
    stored = Report.objects.get()
    assert stored.page_count >= 1 and report["page_count"] == stored.page_count
    assert stored.file.name == f"reports/{body['report_id']}.pdf"
    assert [(e["event_type"], e["payload"], e["owner"]) for e in events] == [
        ("report_ready", {"report_id": body["report_id"], "file_path": report["file_path"]}, owner)
    ]
    actions = list(AuditEvent.objects.filter(object_id=str(stored.pk)).values_list("action", flat=True))
    assert actions == ["report.requested", "report.completed"]


def test_paths_work_with_a_trailing_slash_and_the_prefix_is_optional(as_owner, owner, building):
    report = _processing(building, owner)
    assert as_owner.get(f"/reports/{report.public_id}/").status_code == 200
    assert as_owner.get(f"/reports/{report.pk.hex}").status_code == 200
    assert as_owner.get(f"/reports/{report.public_id}/download/").status_code == 409


def test_a_verifier_may_generate_a_report_the_owner_then_reads(as_verifier, as_owner, building, generate, events):
    response = generate(as_verifier, building)
    assert response.status_code == 202
    assert as_owner.get(f"/reports/{response.json()['report_id']}").json()["status"] == "completed"
    assert Report.objects.get().requested_by.email == "verifier@example.test"
    assert events[0]["owner"] == building.owner  # the webhook goes to the building's owner


def test_outsiders_get_404_on_every_endpoint(as_outsider, owner, building, generate):
    report = _processing(building, owner)
    response = generate(as_outsider, building)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert Report.objects.count() == 1
    for path in (f"/reports/{report.public_id}", f"/reports/{report.public_id}/download"):
        response = as_outsider.get(path)
        assert response.status_code == 404 and response.json()["code"] == "not_found"


@pytest.mark.parametrize("report_id", ["rep_nothex", f"rep_{uuid.uuid4().hex}", "upl_" + uuid.uuid4().hex, "x"])
def test_unknown_or_malformed_ids_are_404(as_owner, report_id):
    for path in (f"/reports/{report_id}", f"/reports/{report_id}/download"):
        response = as_owner.get(path)
        assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_anonymous_callers_get_401(anon, owner, building):
    report = _processing(building, owner)
    assert anon.post("/reports/generate", {"building_id": str(building.pk), **PERIOD}, format="json").status_code == 401
    assert anon.get(f"/reports/{report.public_id}").status_code == 401
    assert anon.get(f"/reports/{report.public_id}/download").status_code == 401


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"period_start": "2024-06-01", "period_end": "2024-04-30"}, "period_end"),  # ends before it starts
        ({"period_start": "2014-04-01", "period_end": "2024-04-30"}, "period_end"),  # 10 years and a month
        ({"period_start": "2024-13-01"}, "period_start"),  # no such date
        ({"period_end": "2024-02-30"}, "period_end"),
        ({"period_start": "April 2024"}, "period_start"),
        ({"period_start": None}, "period_start"),
        ({"period_start": "2024-04-02"}, "period_start"),  # not a whole month
        ({"period_end": "2024-06-29"}, "period_end"),
        ({"period_start": "1999-12-01"}, "period_start"),
        ({"period_end": "2999-12-31"}, "period_end"),  # has not ended
        ({"period_start": "0001-01-01", "period_end": "9999-12-31"}, "period_start"),  # the extremes of a date
        ({"period_end": "9999-12-31"}, "period_end"),
        ({"building_id": "not-a-uuid"}, "building_id"),
        ({"building_id": None}, "building_id"),
    ],
)
def test_bad_input_is_422_and_stores_nothing(as_owner, building, generate, body, field):
    response = generate(as_owner, building, **body)
    assert response.status_code == 422, response.json()
    answer = response.json()
    assert answer["code"] == "invalid" and answer["detail"]
    assert field in answer["errors"]
    assert Report.objects.count() == 0
    assert not AuditEvent.objects.filter(action__startswith="report.").exists()


def test_ten_whole_years_is_the_longest_period_and_renders(as_owner, building, generate):
    response = generate(as_owner, building, period_start="2014-04-01", period_end="2024-03-31")
    assert response.status_code == 202
    report = Report.objects.get()
    assert report.status == "completed", report.error
    assert report.page_count > 10  # 120 months, each saying why it is not eligible


def test_a_body_that_is_not_json_is_400(as_owner):
    response = as_owner.post("/reports/generate", "{not json", content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "malformed_request"


def test_download_is_409_json_while_processing_even_for_a_pdf_only_client(as_owner, owner, building):
    report = _processing(building, owner)
    for accept in ("application/json", "application/pdf"):
        response = as_owner.get(f"/reports/{report.public_id}/download", HTTP_ACCEPT=accept)
        assert response.status_code == 409
        assert response["Content-Type"] == "application/json"
        assert response.json()["code"] == "report_not_ready"
    assert as_owner.get(f"/reports/{report.public_id}").json()["status"] == "processing"


def test_a_failing_render_ends_failed_with_a_reason_and_download_is_409(
    as_owner, building, generate, monkeypatch, caplog
):
    def broken(html):
        raise RuntimeError("internal detail nobody should see")

    monkeypatch.setattr(services, "pdf_from_html", broken)
    report_id = generate(as_owner, building).json()["report_id"]
    report = as_owner.get(f"/reports/{report_id}").json()
    assert report["status"] == "failed"
    assert "error on our side" in report["error"] and "generate it again" in report["error"]
    assert "internal detail" not in report["error"] and "Traceback" not in report["error"]
    assert report["generated_at"] is None and report["file_path"] is None
    assert "internal detail nobody should see" in caplog.text  # the operator's log has it
    download = as_owner.get(f"/reports/{report_id}/download")
    assert download.status_code == 409
    assert download.json()["code"] == "report_failed"
    assert report["error"] in download.json()["detail"]
    assert AuditEvent.objects.filter(action="report.failed").count() == 1


def test_data_the_calculation_cannot_read_fails_the_report_with_a_reason(as_owner, owner, building, generate):
    """A stored baseline whose model lacks its change-point fit makes building the report's data raise."""
    building.baselines.create(
        method="weather",
        baseline_monthly_kwh=1000,
        period_start=date(2023, 3, 1),
        period_end=date(2024, 2, 29),
        model={"method": "weather"},
        fit={},
        valid=True,
        created_by=owner,
    )
    report = as_owner.get(f"/reports/{generate(as_owner, building).json()['report_id']}").json()
    assert report["status"] == "failed"
    assert "(KeyError)" in report["error"]


def test_a_render_past_its_soft_time_limit_says_so(as_owner, building, generate, monkeypatch):
    def slow(html):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(services, "pdf_from_html", slow)
    report = as_owner.get(f"/reports/{generate(as_owner, building).json()['report_id']}").json()
    assert report["status"] == "failed"
    assert report["error"].startswith("The report took longer than allowed to render")


def test_the_schema_describes_the_report_endpoints(anon):
    paths = anon.get("/schema", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()["paths"]
    generate = paths["/reports/generate"]["post"]
    assert set(generate["responses"]) >= {"202", "404", "422"}
    body = generate["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert body.endswith("/ReportGenerateInRequest")
    detail = paths["/reports/{report_id}"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert detail["$ref"].endswith("/ReportOut")
    download = paths["/reports/{report_id}/download"]["get"]["responses"]
    assert set(download["200"]["content"]) == {"application/pdf"}
    assert {"404", "409"} <= set(download)
