"""The Celery app of the report worker tests (test code, started by tests/reports/test_report_worker.py).

It is the project's app with two test-only changes, chosen by environment variables:
- REPORT_TEST_MODE: what the PDF step does. "hold-first": the first attempt writes REPORT_TEST_MARKER
  (its process id) and waits to be killed; later attempts render. "hold-always": every attempt does so.
  "oserror-first": the first attempt fails with an OSError (a transient error); later attempts render.
- REPORT_TEST_KEYS / REPORT_TEST_VISIBILITY: the broker's bookkeeping of unacknowledged messages under
  keys of the test's own, with a short visibility timeout, so a restarted worker takes back what a killed
  one held within seconds without touching any other worker's messages.
"""

import os
import time
from pathlib import Path

import django

from carbonexia.celery import app

django.setup()

import reports.services  # noqa: E402
import reports.tasks  # noqa: E402

MODE = os.environ["REPORT_TEST_MODE"]
MARKER = Path(os.environ["REPORT_TEST_MARKER"])
KEYS = os.environ["REPORT_TEST_KEYS"]
# The app reads Django's CELERY_-namespaced settings, so the override goes under that key.
app.conf["CELERY_BROKER_TRANSPORT_OPTIONS"] = {
    "visibility_timeout": float(os.environ["REPORT_TEST_VISIBILITY"]),
    "unacked_key": f"{KEYS}:unacked",
    "unacked_index_key": f"{KEYS}:unacked_index",
    "unacked_mutex_key": f"{KEYS}:unacked_mutex",
}
reports.tasks.RETRY_DELAY = 1
_render = reports.services.pdf_from_html


def _test_render(html: str):
    seen = MARKER.with_suffix(".seen")
    first = not seen.exists()
    seen.touch()
    if MODE == "oserror-first" and first:
        raise OSError("the media volume went away for a moment")
    if MODE == "hold-always" or (MODE == "hold-first" and first):
        pending = MARKER.with_suffix(".tmp")
        pending.write_text(str(os.getpid()))
        pending.rename(MARKER)
        time.sleep(3600)  # the test kills this process here
    return _render(html)


reports.services.pdf_from_html = _test_render
