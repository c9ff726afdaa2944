"""A real Celery worker process bound to the test database and a queue of this test run's own."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def test_database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


class WorkerProcess:
    def __init__(self, log_path: Path, *, app: str = "carbonexia", queue: str | None = None, env: dict | None = None):
        self.log_path = log_path
        self.app = app
        self.queue = queue or settings.CELERY_TASK_DEFAULT_QUEUE
        self.extra_env = env or {}
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        env = {
            **os.environ,
            "DATABASE_URL": test_database_url(),
            "CELERY_QUEUE": self.queue,
            "DB_CONN_MAX_AGE": "0",
            **self.extra_env,
        }
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            self.app,
            "worker",
            "-Q",
            self.queue,
            "--concurrency",
            "2",
            "--pool",
            "prefork",
            "--without-gossip",
            "--without-mingle",
            "--loglevel",
            "INFO",
            "--hostname",
            f"test-{os.getpid()}-{self.queue}@%h",
        ]
        self.log = open(self.log_path, "ab")  # noqa: SIM115 - kept open for the worker's lifetime
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def child_pids(self) -> list[int]:
        out = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True).stdout
        return [int(pid) for pid in out.split()]

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()

    def wait_ready(self, timeout: float = 60) -> None:
        from carbonexia.common.tasks import echo

        deadline = time.monotonic() + timeout
        result = echo.apply_async(("ready",), queue=self.queue)
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the Celery worker exited; see {self.log_path}")
            if result.ready():
                assert result.get() == "ready"
                return
            time.sleep(0.2)
        raise RuntimeError(f"the Celery worker did not answer in {timeout}s; see {self.log_path}")
