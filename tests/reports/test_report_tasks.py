"""The render task's guarantees, in process: idempotent, bounded retries and attempts, a final status
with a reason on every path, and the sweeper for renders whose worker never answered."""

from datetime import date, timedelta

import pytest
from celery.exceptions import TimeLimitExceeded
from celery.signals import task_failure
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.utils import timezone

from carbonexia.celery import app
from reports import services
from reports.models import Report
from reports.pdf import RenderedPdf
from reports.tasks import render_report, sweep_stuck_reports
from tests.metering.helpers import reading_written
from tests.mrv import builders

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_in_process")]

PDF = RenderedPdf(data=b"%PDF-1.7 stand-in", page_count=1)


@pytest.fixture
def report(owner):
    building = builders.building(owner)
    reading_written(building, time="2024-04-01T00:00:00Z")
    return Report.objects.create(
        building=building, period_start=date(2024, 4, 1), period_end=date(2024, 4, 30), requested_by=owner
    )


@pytest.fixture
def renders(monkeypatch):
    """Replaces the PDF step with scripted outcomes (a RenderedPdf or an exception), one per call."""
    outcomes, calls = [], []

    def fake(html):
        calls.append(html)
        outcome = outcomes.pop(0)
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    monkeypatch.setattr(services, "pdf_from_html", fake)
    return outcomes, calls


def _run(report: Report) -> Report:
    render_report.delay(str(report.pk))
    report.refresh_from_db()
    return report


def test_a_completed_report_is_not_rendered_again(report, renders):
    outcomes, calls = renders
    outcomes.append(PDF)
    first = _run(report)
    assert (first.status, first.attempts, len(calls)) == ("completed", 1, 1)
    again = _run(report)
    assert (again.status, again.attempts, again.sha256, len(calls)) == ("completed", 1, first.sha256, 1)


def test_a_rerun_overwrites_the_file_a_killed_attempt_left(report, renders):
    name = f"reports/{report.public_id}.pdf"
    report.file.storage.save(name, ContentFile(b"half a PDF from an attempt whose worker died"))
    renders[0].append(PDF)
    done = _run(report)
    assert done.file.name == name  # the same path, not a suffixed twin
    assert done.file.read() == PDF.data
    stored = report.file.storage.listdir("reports")[1]
    assert [name for name in stored if name.startswith(report.public_id)] == [f"{report.public_id}.pdf"]


@pytest.mark.parametrize("error", [OSError("disk full"), ValueError("a bug")])
def test_in_process_an_error_fails_the_report_at_once(report, renders, error):
    """Without a broker there is nothing to retry through; on a worker, errors of the database or the
    file system are retried (tests/reports/test_report_worker.py)."""
    renders[0].extend([error, PDF])
    failed = _run(report)
    assert (failed.status, failed.attempts) == ("failed", 1)
    assert f"({type(error).__name__})" in failed.error


def test_attempts_are_bounded_even_when_every_worker_dies(report, renders):
    """A render that kills its worker is redelivered (late ack) and counted each time it starts."""
    Report.objects.filter(pk=report.pk).update(attempts=services.MAX_ATTEMPTS)
    failed = _run(report)
    assert failed.status == "failed"
    assert failed.error == f"The report could not be generated in {services.MAX_ATTEMPTS} attempts; generate it again."
    assert renders[1] == []


def test_a_render_that_finishes_after_the_report_failed_is_discarded(report, monkeypatch):
    def swept_meanwhile(html):
        services.reports_sweep(deadline=timedelta(0))
        return PDF

    monkeypatch.setattr(services, "pdf_from_html", swept_meanwhile)
    final = _run(report)
    assert final.status == "failed" and final.error == services.STUCK_REASON
    assert not final.file and final.sha256 == ""


def test_the_sweeper_fails_reports_processing_past_the_deadline(report, owner, renders):
    stale = timezone.now() - services.PROCESSING_DEADLINE - timedelta(minutes=1)
    Report.objects.filter(pk=report.pk).update(created_at=stale)
    fresh = Report.objects.create(
        building=report.building, period_start=date(2024, 4, 1), period_end=date(2024, 4, 30), requested_by=owner
    )
    done = Report.objects.create(
        building=report.building,
        period_start=date(2024, 4, 1),
        period_end=date(2024, 4, 30),
        requested_by=owner,
        status="completed",
    )
    Report.objects.filter(pk=done.pk).update(created_at=stale)

    assert sweep_stuck_reports.delay().get() == 1
    report.refresh_from_db()
    assert (report.status, report.error) == ("failed", services.STUCK_REASON)
    assert report.error == "The report took too long or its worker stopped; generate it again."
    assert Report.objects.get(pk=fresh.pk).status == "processing"
    assert Report.objects.get(pk=done.pk).status == "completed"
    assert sweep_stuck_reports.delay().get() == 0


def test_the_sweeper_runs_periodically():
    schedule = [
        entry for entry in django_settings.CELERY_BEAT_SCHEDULE.values() if entry["task"] == "reports.sweep_stuck"
    ]
    assert len(schedule) == 1
    assert schedule[0]["schedule"] < services.PROCESSING_DEADLINE.total_seconds()
    assert "reports.sweep_stuck" in app.tasks


def test_a_render_killed_at_its_hard_time_limit_fails_with_a_reason(report):
    """The worker's main process announces the kill with task_failure; the report says why at once."""
    task_failure.send(
        sender=render_report, task_id="t", exception=TimeLimitExceeded(300), args=[str(report.pk)], kwargs={}
    )
    report.refresh_from_db()
    assert report.status == "failed"
    assert report.error.startswith("The report took longer than allowed to render")


def test_time_limits_keep_a_running_render_from_being_delivered_twice():
    options = django_settings.CELERY_BROKER_TRANSPORT_OPTIONS
    assert render_report.soft_time_limit < render_report.time_limit < options["visibility_timeout"]
    assert render_report.acks_late and render_report.reject_on_worker_lost
    assert render_report.max_retries == services.MAX_ATTEMPTS - 1
