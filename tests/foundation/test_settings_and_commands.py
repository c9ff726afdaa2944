import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from carbonexia.audit.models import AuditEvent

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "x7Gk2pQ9vLm4nR8sT1wY5zB3cF6hJ0dA-production-grade-secret-key",
    "JWT_SIGNING_KEY": "a-jwt-signing-key-that-is-long-enough-1234",
    "ALLOWED_HOSTS": "carbonexia.example.com",
}


def _manage(*args, env):
    clean = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY", "JWT_SIGNING_KEY")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_the_default_secret():
    result = _manage("check", env={"DEBUG": "0"})
    assert result.returncode != 0
    assert "Refusing to start with DEBUG off and the default SECRET_KEY" in result.stderr


def test_production_refuses_a_short_jwt_key():
    result = _manage("check", env={**PRODUCTION, "JWT_SIGNING_KEY": "short"})
    assert result.returncode != 0
    assert "JWT_SIGNING_KEY must be at least 32 bytes" in result.stderr


def test_bad_boolean_fails_loudly():
    result = _manage("check", env={"DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr


def test_check_deploy_is_clean_for_production_settings(tmp_path):
    # A deploy collects the static files first (the Dockerfile does); their manifest is what the check looks for.
    (tmp_path / "staticfiles.json").write_text('{"paths": {}, "version": "1.1", "hash": ""}')
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env={**PRODUCTION, "STATIC_ROOT": str(tmp_path)})
    assert result.returncode == 0, result.stderr + result.stdout


@pytest.mark.django_db
def test_grant_role_changes_role_and_audits(make_user):
    user = make_user(email="promote@example.test")
    call_command("grant_role", "Promote@example.test", "verifier")
    user.refresh_from_db()
    assert user.role == "verifier"
    assert user.is_staff
    event = AuditEvent.objects.get(action="user.role_changed")
    assert event.before["role"] == "facility_manager"
    assert event.after["role"] == "verifier"
    with pytest.raises(CommandError, match="No account"):
        call_command("grant_role", "nobody@example.test", "admin")


@pytest.mark.django_db
def test_createsuperuser_runs_non_interactively(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "Admin-Passphrase-77")
    call_command("createsuperuser", "--noinput", "--email", "root@example.test")
    admin = User.objects.get(email="root@example.test")
    assert admin.is_superuser and admin.role == "admin"
    assert admin.check_password("Admin-Passphrase-77")


def test_compose_file_is_valid():
    assert shutil.which("docker-compose"), "scripts/provision-test-services.sh installs docker-compose"
    result = subprocess.run(
        ["docker-compose", "-f", "docker-compose.yml", "config", "-q"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "SECRET_KEY": "x"},
    )
    assert result.returncode == 0, result.stderr
