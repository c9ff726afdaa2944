"""metering's services queue their tasks by name (enqueue("metering.process_bill", ...)) and never import the
task modules, which import the services. So every process that starts Django must know those names, the web
process included: in eager mode it runs them itself, and an unknown name is refused."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
QUEUED_BY_NAME = [
    "metering.fetch_weather",
    "metering.process_bill",
    "metering.process_meter_upload",
    "metering.refresh_weather_stations",
    "metering.sweep_stuck_bills",
    "metering.top_up_weather",
]


def test_starting_django_registers_the_tasks_metering_queues_by_name():
    # A fresh interpreter: in this one, some test may already have imported the task modules itself.
    probe = (
        "import django, json; django.setup(); from celery import current_app; "
        "print(json.dumps(sorted(name for name in current_app.tasks if name.startswith('metering.'))))"
    )
    env = {"DJANGO_SETTINGS_MODULE": "carbonexia.settings", "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert json.loads(out.stdout.splitlines()[-1]) == QUEUED_BY_NAME
