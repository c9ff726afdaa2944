import pytest
from django.urls import path

from carbonexia import urls as project_urls


def _boom(request):
    raise RuntimeError("secret internal detail")


urlpatterns = [path("boom", _boom), *project_urls.urlpatterns]
handler404 = project_urls.handler404
handler500 = project_urls.handler500


@pytest.mark.django_db
def test_health_reports_database_and_cache(anon):
    response = anon.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["cache"] == "ok"
    assert anon.get("/health/").status_code == 200


@pytest.mark.django_db
def test_unknown_path_is_json_404(anon):
    response = anon.get("/no/such/thing")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found"}


@pytest.mark.django_db
@pytest.mark.urls("tests.foundation.test_conventions")
def test_server_error_is_json_without_traceback(client):
    client.raise_request_exception = False
    response = client.get("/boom")
    assert response.status_code == 500
    assert response.json()["code"] == "server_error"
    assert b"secret internal detail" not in response.content
    assert b"Traceback" not in response.content


@pytest.mark.django_db
def test_oversized_body_is_413(anon, settings):
    settings.MAX_UPLOAD_BYTES = 1024
    settings.MAX_UPLOAD_MB = 0
    response = anon.post("/auth/login", {"email": "x@example.test", "password": "y" * 2000}, format="json")
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"


@pytest.mark.django_db
def test_schema_and_docs(anon):
    schema = anon.get("/schema", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    document = schema.json()
    assert document["openapi"].startswith("3.")
    for operation in [
        "/auth/register",
        "/auth/login",
        "/auth/refresh",
        "/auth/logout",
        "/auth/me",
        "/health",
    ]:
        assert operation in document["paths"]
    assert not [p for p in document["paths"] if p.endswith("/") and p != "/"]
    docs = anon.get("/docs")
    assert docs.status_code == 200
    assert b"swagger" in docs.content.lower()
    assert b"cdn" not in docs.content.lower()


def test_the_openapi_schema_generates_without_warnings(tmp_path):
    from django.core.management import call_command

    target = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    text = target.read_text()
    for expected in [
        "/buildings/{building_id}/events:",
        "/meter/upload-csv:",
        "/meter/upload-greenbutton:",
        "/mrv/{building_id}/savings:",
        "/credits/issue:",
        "/emission-factors:",
        "/webhooks/{webhook_id}/deliveries:",
    ]:
        assert expected in text, expected


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy_and_docs_need_no_inline_script(anon):
    docs = anon.get("/docs")
    policy = docs["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert b"<script>" not in docs.content  # the Swagger initialiser is served as a separate file
    assert docs["X-Frame-Options"] == "DENY"
    assert docs["X-Content-Type-Options"] == "nosniff"
    assert anon.get("/docs?script=").status_code == 200
