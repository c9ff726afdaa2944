"""A private Redis and a gunicorn serving the app on the test database, for tests that break one of them."""

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

from .worker import ROOT, test_database_url

STARTUP_SECONDS = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


class RedisProcess:
    """redis-server on a free loopback port, nothing persisted; `stop` is the outage."""

    def __init__(self, workdir: Path):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        command = ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no"]
        command += ["--dir", str(workdir)]
        self.log = open(workdir / "redis.log", "ab")  # noqa: SIM115 - kept open for the process's lifetime
        self.process = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + STARTUP_SECONDS
        while not self.answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"redis-server did not start; see {workdir / 'redis.log'}")
            time.sleep(0.05)

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as connection:
                connection.sendall(b"PING\r\n")
                return connection.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        _stop(self.process)
        self.log.close()


class AppServer:
    """gunicorn serving carbonexia with DEBUG off on the test database (its rows must be committed to be seen)."""

    APPLICATION_NAME = "carbonexia-fault-server"

    def __init__(self, workdir: Path, **env: str):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / "gunicorn.log"
        # Without a REDIS_URL of its own the server runs tasks in process, as the embedded default does.
        environment = {name: value for name, value in os.environ.items() if name != "REDIS_URL"}
        environment |= {
            # Named, so a test can find this server's own connections in pg_stat_activity.
            "DATABASE_URL": f"{test_database_url()}?application_name={self.APPLICATION_NAME}",
            "DB_CONN_MAX_AGE": "0",
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(48),
            "SECURE_SSL_REDIRECT": "0",
            "MEDIA_ROOT": str(workdir / "media"),
            "CELERY_QUEUE": f"fault-{secrets.token_hex(6)}",
            **env,
        }
        command = [sys.executable, "-m", "gunicorn", "carbonexia.wsgi:application", "--bind", f"127.0.0.1:{self.port}"]
        command += ["--workers", "1", "--timeout", "120", "--graceful-timeout", "5"]
        self.log = open(self.log_path, "ab")  # noqa: SIM115 - kept open for the process's lifetime
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=environment, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = time.monotonic() + STARTUP_SECONDS
        while not self._healthy():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"gunicorn did not start; see {self.log_path}")
            time.sleep(0.2)

    def _healthy(self) -> bool:
        try:
            # The first request imports the whole URLconf (pandas, SciPy, WeasyPrint): seconds, not milliseconds.
            return requests.get(f"{self.base}/health", timeout=STARTUP_SECONDS).status_code in {200, 503}
        except requests.ConnectionError:
            return False

    def login(self, email: str, password: str) -> requests.Session:
        """A session carrying the bearer token the server itself issued."""
        answer = requests.post(f"{self.base}/auth/login", json={"email": email, "password": password}, timeout=30)
        assert answer.status_code == 200, answer.text
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"
        return session

    def stop(self) -> None:
        _stop(self.process)
        self.log.close()
