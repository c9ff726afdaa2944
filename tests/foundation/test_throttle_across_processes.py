"""Row 7 of issue 14: with two gunicorn workers and no Redis, ten failed logins got through instead of five,
each process counting its own. Two separate servers on one database, with DEBUG off and no Redis, now let
through exactly five between them, in turn or in parallel."""

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.db import connection

from tests.support import worker
from tests.support.processes import AppServer

PASSWORD = "Shared-Throttle-Pass-58"


@pytest.fixture
def shared_database(transactional_db, django_db_serialized_rollback, tmp_path):
    """The test database on PostgreSQL; on SQLite (whose test database lives in memory) a migrated file."""
    if connection.vendor == "postgresql":
        return worker.test_database_url()
    url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    environment = {name: value for name, value in os.environ.items() if name != "REDIS_URL"}
    migrate = [sys.executable, "manage.py", "migrate", "--noinput", "-v0"]
    subprocess.run(migrate, cwd=worker.ROOT, env={**environment, "DATABASE_URL": url}, check=True)
    return url


@pytest.fixture
def two_servers(shared_database, tmp_path):
    servers = []
    try:
        for name in ("first", "second"):
            (tmp_path / name).mkdir()
            servers.append(AppServer(tmp_path / name, DATABASE_URL=shared_database))
        yield servers
    finally:
        for server in servers:
            server.stop()


def login(server: AppServer, email: str, password: str) -> int:
    return requests.post(
        f"{server.base}/auth/login", json={"email": email, "password": password}, timeout=60
    ).status_code


def register(server: AppServer, email: str) -> None:
    answer = requests.post(f"{server.base}/auth/register", json={"email": email, "password": PASSWORD}, timeout=60)
    assert answer.status_code == 201, answer.text


def test_two_processes_without_redis_let_exactly_five_failures_through(two_servers):
    first, second = two_servers
    register(first, "turns@example.test")
    in_turn = [login(server, "turns@example.test", f"wrong-{i}") for i, server in enumerate([first, second] * 5)]
    assert in_turn == [401] * 5 + [429] * 5
    assert [login(server, "turns@example.test", PASSWORD) for server in (first, second)] == [429, 429]

    register(second, "parallel@example.test")
    with ThreadPoolExecutor(max_workers=6) as pool:
        attempts = pool.map(lambda server: login(server, "parallel@example.test", "wrong"), [first, second] * 6)
        assert sorted(attempts) == [401] * 5 + [429] * 7
