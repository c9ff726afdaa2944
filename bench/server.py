"""A real gunicorn (DEBUG off) on a free loopback port, serving the database the bench or the load test made."""

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url(settings_dict: dict) -> str:
    """The URL of Django's current connection (after create_test_db it names the bench's own database)."""
    user = settings_dict.get("USER") or ""
    password = settings_dict.get("PASSWORD") or ""
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host, port = settings_dict.get("HOST") or "127.0.0.1", settings_dict.get("PORT") or 5432
    return f"postgres://{credentials}{host}:{port}/{settings_dict['NAME']}"


def production_env(*, database: str, **extra: str) -> dict[str, str]:
    """The environment of a production-like process: DEBUG off, real secrets, plain HTTP on loopback."""
    key = secrets.token_urlsafe(48)
    return {
        **os.environ,
        "DATABASE_URL": database,
        "DEBUG": "0",
        "SECRET_KEY": key,
        "JWT_SIGNING_KEY": key,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        **extra,
    }


@contextmanager
def gunicorn(env: dict[str, str], *, workers: int = 2, threads: int = 1) -> Iterator[str]:
    """Starts gunicorn with `env`, waits until /health answers, yields its base URL and stops it."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "carbonexia.wsgi:application",
        f"--bind=127.0.0.1:{port}",
        f"--workers={workers}",
        f"--threads={threads}",
        "--timeout=120",
        "--log-level=warning",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base, process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def _wait_healthy(base: str, process: subprocess.Popen, *, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode} before answering")
        try:
            with urllib.request.urlopen(f"{base}/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer {base}/health within {seconds:.0f} s")


def worker_command(queue: str, *, concurrency: int) -> list[str]:
    """A Celery worker on `queue` alone, quiet and quick to start."""
    return [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "carbonexia",
        "worker",
        "-Q",
        queue,
        "--concurrency",
        str(concurrency),
        "--without-gossip",
        "--without-mingle",
        "--loglevel",
        "WARNING",
    ]


@contextmanager
def celery_worker(env: dict[str, str], *, concurrency: int = 1) -> Iterator[subprocess.Popen]:
    """A Celery worker on the queue named in `env` (CELERY_QUEUE), stopped warm at the end."""
    process = subprocess.Popen(worker_command(env["CELERY_QUEUE"], concurrency=concurrency), cwd=ROOT, env=env)
    try:
        yield process
    finally:
        process.terminate()
        process.wait(timeout=120)
