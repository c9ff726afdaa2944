"""`make lint` fails on a forbidden import: its import-contract step, run in a temporary copy of the
repository in which a commit brings one in, names the contract that commit breaks.

The copy is the repository's tracked files as they are in the work tree, committed to a git repository
of its own; it shares this virtualenv, which make is told not to reinstall.
"""

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CONTRACTS = [
    contract["name"]
    for contract in tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
]

# (file, the forbidden import appended to it, the contract it breaks, what import-linter says)
FORBIDDEN = [
    ("mrv/calc/__init__.py", "import django", "Pure cores", "mrv.calc is not allowed to import django"),
    (
        "metering/parsers/__init__.py",
        "from metering import models",
        "Pure cores",
        "metering.parsers is not allowed to import metering.models",
    ),
    ("buildings/services.py", "from credits import models", "Layers", "buildings is not allowed to import credits"),
    (
        "reports/services.py",
        "from reports import tasks",
        "No service/task cycles",
        "reports.services is not allowed to import reports.tasks",
    ),
]


def _contract(prefix: str) -> str:
    (name,) = [name for name in CONTRACTS if name.startswith(prefix)]
    return name


def _git(repo: Path, *args: str) -> None:
    identity = ["-c", "user.name=Lint test", "-c", "user.email=lint@example.test", "-c", "commit.gpgsign=false"]
    subprocess.run(["git", *identity, *args], cwd=repo, check=True, capture_output=True, timeout=60)


def _lint_imports(repo: Path) -> tuple[int, str]:
    """Exit code and output (whitespace collapsed, so wrapped contract names match) of `make lint-imports`."""
    result = subprocess.run(
        ["make", "--no-print-directory", "-o", ".venv/.dev", "lint-imports"],
        cwd=repo,
        env={**os.environ, "COLUMNS": "1000"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    return result.returncode, " ".join((result.stdout + result.stderr).split())


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    copy = tmp_path_factory.mktemp("repository")
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True, timeout=60)
    for name in filter(None, listed.stdout.decode().split("\0")):
        source = ROOT / name
        if source.is_file():  # a tracked file deleted in the work tree is not part of it
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy / name)
    (copy / ".venv").symlink_to(sys.prefix, target_is_directory=True)
    _git(copy, "init", "-q")
    _git(copy, "add", "--all")
    _git(copy, "commit", "-q", "-m", "The repository as it is")
    return copy


def test_the_repository_as_it_is_keeps_every_contract(repo):
    code, output = _lint_imports(repo)
    assert code == 0, output
    for name in CONTRACTS:
        assert f"{name} KEPT" in output


@pytest.mark.parametrize(("path", "line", "contract", "message"), FORBIDDEN, ids=[case[0] for case in FORBIDDEN])
def test_a_commit_with_a_forbidden_import_fails_naming_the_contract(repo, path, line, contract, message):
    with (repo / path).open("a") as module:
        module.write(f"\n{line}\n")
    _git(repo, "commit", "-q", "--all", "-m", f"Forbidden: {line} in {path}")
    try:
        code, output = _lint_imports(repo)
    finally:
        _git(repo, "reset", "-q", "--hard", "HEAD~1")
    assert code != 0, output
    assert f"{_contract(contract)} BROKEN" in output, output
    assert message in output, output
