"""A report whose worker dies mid-render, on the real Redis broker with real worker processes.

Each test starts its own worker from tests/reports/worker_app.py (the project's app, with the PDF step
scripted by the test) on a queue and broker keys of its own, so no other worker sees its messages and the
kill always lands while the render is in flight: the PDF step writes a marker with its process id and
waits, the test reads the marker and sends SIGKILL to that process.

What the tests prove:
- A pool process killed while rendering: the worker's main process sees the child die
  (WorkerLostError); because the task is acks_late and reject_on_worker_lost, the message goes back to
  the queue at once, a new pool process renders it, and the report ends completed on attempt 2.
- The whole worker killed (SIGKILL: no warm shutdown, nothing acknowledged or handed back): the broker
  still holds the unacknowledged delivery; a worker started afterwards takes it back once the visibility
  timeout has passed (seconds here, 12 minutes in production) and completes the report on attempt 2.
- A render that kills its worker every time is redelivered and counted until MAX_ATTEMPTS; the next
  delivery ends the report failed with a reason, so it is never left in processing.
- A transient error (OSError) on a worker is retried through the broker and completes on attempt 2.
"""

import hashlib
import os
import signal
import time
import uuid
from datetime import date
from types import SimpleNamespace

import pytest
from redis import Redis

from reports.models import Report
from reports.services import MAX_ATTEMPTS
from reports.tasks import render_report
from tests.conftest import ARTIFACTS
from tests.metering.helpers import reading_written
from tests.mrv import builders
from tests.support.waiting import wait_for
from tests.support.worker import WorkerProcess

pytestmark = pytest.mark.worker

VISIBILITY_SECONDS = 3


@pytest.fixture
def workers(transactional_db, django_db_serialized_rollback, tmp_path, settings):
    """Starts workers of this test's own; committed rows, with the seeded ones put back afterwards (as live_worker)."""
    token = uuid.uuid4().hex[:12]
    own = SimpleNamespace(
        queue=f"{settings.CELERY_TASK_DEFAULT_QUEUE}-reports-{token}",
        keys=f"reports-test-{token}",
        marker=tmp_path / "held",
        started=[],
    )

    def start(mode: str) -> WorkerProcess:
        worker = WorkerProcess(
            ARTIFACTS / f"reports-worker-{token}.log",
            app="tests.reports.worker_app",
            queue=own.queue,
            env={
                "REPORT_TEST_MODE": mode,
                "REPORT_TEST_MARKER": str(own.marker),
                "REPORT_TEST_KEYS": own.keys,
                "REPORT_TEST_VISIBILITY": str(VISIBILITY_SECONDS),
                "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            },
        )
        own.started.append(worker)
        worker.start()
        worker.wait_ready()
        return worker

    own.start = start
    yield own
    for worker in own.started:
        worker.stop()
    redis = Redis.from_url(settings.REDIS_URL)
    for key in redis.scan_iter(f"*{token}*"):  # only what this test created
        redis.delete(key)


def _render(owner, queue: str) -> Report:
    building = builders.building(owner)
    reading_written(building, time="2024-04-01T00:00:00Z")
    report = Report.objects.create(
        building=building, period_start=date(2024, 4, 1), period_end=date(2024, 4, 30), requested_by=owner
    )
    render_report.apply_async((str(report.pk),), queue=queue)
    return report


def _held_pid(marker) -> int:
    wait_for(marker.exists, until=bool)
    assert marker.exists(), "the render never reached its PDF step; see the worker log in test-artifacts/"
    return int(marker.read_text())


def _finished(report: Report) -> Report:
    final = wait_for(lambda: Report.objects.get(pk=report.pk), until=lambda r: r.status != "processing", timeout=120)
    assert final.status != "processing", "the report was left in processing"
    return final


def _assert_completed_on_second_attempt(report: Report) -> None:
    final = _finished(report)
    assert (final.status, final.error, final.attempts) == ("completed", "", 2)
    data = final.file.read()
    assert data.startswith(b"%PDF-") and hashlib.sha256(data).hexdigest() == final.sha256


def test_a_pool_process_killed_mid_render_is_replaced_and_the_report_completes(workers, owner):
    worker = workers.start("hold-first")
    report = _render(owner, workers.queue)
    pid = _held_pid(workers.marker)
    assert pid in worker.child_pids()
    assert Report.objects.filter(pk=report.pk, status="processing", attempts=1).exists()

    os.kill(pid, signal.SIGKILL)

    _assert_completed_on_second_attempt(report)
    assert worker.process.poll() is None  # only the pool process died


def test_a_worker_killed_mid_render_leaves_the_report_to_the_next_worker(workers, owner, settings):
    first = workers.start("hold-first")
    report = _render(owner, workers.queue)
    _held_pid(workers.marker)

    os.killpg(first.process.pid, signal.SIGKILL)
    first.process.wait()
    held = Redis.from_url(settings.REDIS_URL).zrange(f"{workers.keys}:unacked_index", 0, -1, withscores=True)
    assert len(held) == 1  # delivered, never acknowledged
    assert Report.objects.filter(pk=report.pk, status="processing", attempts=1).exists()
    delivered_at = held[0][1]
    wait_for(time.time, until=lambda now: now > delivered_at + VISIBILITY_SECONDS)

    workers.start("hold-first")  # the marker exists, so this worker renders

    _assert_completed_on_second_attempt(report)


def test_a_render_that_kills_its_worker_every_time_ends_failed(workers, owner):
    workers.start("hold-always")
    report = _render(owner, workers.queue)
    for _ in range(MAX_ATTEMPTS):
        pid = _held_pid(workers.marker)
        workers.marker.unlink()
        os.kill(pid, signal.SIGKILL)

    final = _finished(report)
    assert (final.status, final.attempts) == ("failed", MAX_ATTEMPTS)
    assert final.error == f"The report could not be generated in {MAX_ATTEMPTS} attempts; generate it again."


def test_a_transient_error_on_a_worker_is_retried_through_the_broker(workers, owner):
    workers.start("oserror-first")
    report = _render(owner, workers.queue)
    _assert_completed_on_second_attempt(report)
