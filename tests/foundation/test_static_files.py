"""Row 13 of issue 14: with DEBUG=0 on a host where collectstatic never ran, every portal page answered 500
(the strict manifest storage had no manifest). Pages now render with the files' plain names, WhiteNoise serves
them from the apps' directories, and `check --deploy` says to run collectstatic."""

import json
import os
import subprocess
import sys

import pytest
import requests

from carbonexia.common.staticfiles import StaticFilesStorage
from tests.foundation.test_settings_and_commands import PRODUCTION
from tests.support import worker
from tests.support.processes import AppServer


@pytest.fixture
def server_without_collected_files(tmp_path):
    (tmp_path / "static").mkdir()
    server = AppServer(
        tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", STATIC_ROOT=str(tmp_path / "static")
    )
    yield server
    server.stop()


def test_pages_render_and_their_files_are_served_without_collectstatic(server_without_collected_files):
    base = server_without_collected_files.base
    for page in ("/portal/login/", "/admin/login/"):
        response = requests.get(base + page, timeout=60)
        assert response.status_code == 200, page
    page = requests.get(f"{base}/portal/login/", timeout=60).text
    for path, kind in [("/static/portal/portal.css", "text/css"), ("/static/carbonexia/favicon.svg", "image/svg+xml")]:
        assert f'"{path}"' in page
        served = requests.get(base + path, timeout=60)
        assert served.status_code == 200 and served.headers["Content-Type"].startswith(kind)


def test_check_deploy_names_collectstatic_until_the_files_are_collected(tmp_path):
    environment = {name: value for name, value in os.environ.items() if name not in ("DEBUG", "REDIS_URL")}
    command = [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"]
    run = {"cwd": worker.ROOT, "capture_output": True, "text": True, "timeout": 120}
    empty = subprocess.run(command, env={**environment, **PRODUCTION, "STATIC_ROOT": str(tmp_path)}, **run)
    assert empty.returncode != 0
    assert "(carbonexia.W001) Static files have not been collected" in empty.stderr
    assert "Run `python manage.py collectstatic --noinput` on every deploy" in empty.stderr


def test_collected_files_keep_their_hashed_names_and_a_lost_one_is_still_an_error(tmp_path, settings):
    (tmp_path / "staticfiles.json").write_text(
        json.dumps({"paths": {"portal/portal.css": "portal/portal.0123456789ab.css"}, "version": "1.1", "hash": "x"})
    )
    settings.STATIC_COLLECTED = True
    storage = StaticFilesStorage(location=tmp_path, base_url="/static/")
    assert storage.url("portal/portal.css") == "/static/portal/portal.0123456789ab.css"
    with pytest.raises(ValueError, match="Missing staticfiles manifest entry for 'portal/portal.js'"):
        storage.url("portal/portal.js")
    settings.STATIC_COLLECTED = False
    assert storage.url("portal/portal.js") == "/static/portal/portal.js"
