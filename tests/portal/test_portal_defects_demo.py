"""Issue 16, defect 9: `make run HOST_PORT=…` prints links to where the server really runs, the README says how to
set it, and the files the README points to are in the repository."""

import re
import subprocess
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from demo.management.commands.load_demo import base_url

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("address", "url"),
    [
        ("127.0.0.1:8000", "http://127.0.0.1:8000"),
        ("8001", "http://127.0.0.1:8001"),
        ("0.0.0.0:8002", "http://127.0.0.1:8002"),
        ("localhost:8003", "http://localhost:8003"),
        ("[::1]:8004", "http://[::1]:8004"),
    ],
)
def test_the_printed_links_follow_the_address(address, url):
    assert base_url(address) == url


@pytest.mark.django_db
def test_the_demo_prints_links_to_the_address_it_was_given(tasks_in_process):
    out = StringIO()
    call_command("load_demo", address="0.0.0.0:8001", stdout=out)
    printed = out.getvalue()
    assert "portal: http://127.0.0.1:8001/portal/" in printed and "admin: http://127.0.0.1:8001/admin/" in printed
    assert ":8000" not in printed
    again = StringIO()
    call_command("load_demo", address="8001", stdout=again)
    assert again.getvalue().strip() == "Carbonexia is running at http://127.0.0.1:8001 (demo data already loaded)."


def test_make_run_passes_host_port_to_the_demo_and_the_server():
    planned = subprocess.run(
        ["make", "-n", "run", "HOST_PORT=0.0.0.0:8001"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert "load_demo --address 0.0.0.0:8001" in planned and "runserver 0.0.0.0:8001" in planned


def test_the_readme_documents_host_port_and_points_only_to_files_in_the_repository():
    readme = (ROOT / "README.md").read_text()
    assert "make run HOST_PORT=" in readme
    named = set(re.findall(r"`([\w./-]+\.(?:md|yml|toml|sh))`", readme))
    assert "docs/API.md" in named
    assert [name for name in named if not (ROOT / name).exists()] == []
