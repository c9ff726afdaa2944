import pytest
from django.contrib.auth.hashers import identify_hasher

from accounts.models import User
from carbonexia.audit.models import AuditEvent
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _register(client, email="fm@example.test", password=PASSWORD, **extra):
    return client.post("/auth/register", {"email": email, "password": password, **extra}, format="json")


def _login(client, email="fm@example.test", password=PASSWORD, **headers):
    return client.post("/auth/login", {"email": email, "password": password}, format="json", **headers)


def test_full_token_lifecycle(anon):
    created = _register(anon, full_name="Asha Rao")
    assert created.status_code == 201
    assert created.json()["email"] == "fm@example.test"
    assert created.json()["role"] == "facility_manager"
    user = User.objects.get(pk=created.json()["user_id"])
    assert identify_hasher(user.password).algorithm.startswith("bcrypt")

    login = _login(anon)
    assert login.status_code == 200
    tokens = login.json()
    assert tokens["token_type"] == "bearer"
    assert tokens["expires_in"] == 15 * 60
    me = anon.get("/auth/me", HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}")
    assert me.status_code == 200
    assert me.json() == {
        "user_id": str(user.pk),
        "email": user.email,
        "role": "facility_manager",
        "full_name": "Asha Rao",
    }

    rotated = anon.post("/auth/refresh", {"refresh_token": tokens["refresh_token"]}, format="json")
    assert rotated.status_code == 200
    new = rotated.json()
    assert new["refresh_token"] != tokens["refresh_token"]
    assert set(new) == {"access_token", "refresh_token", "token_type", "expires_in"}

    reused = anon.post("/auth/refresh", {"refresh_token": tokens["refresh_token"]}, format="json")
    assert reused.status_code == 401
    assert reused.json()["code"] == "not_authenticated"

    auth = {"HTTP_AUTHORIZATION": f"Bearer {new['access_token']}"}
    assert anon.post("/auth/logout", {"refresh_token": new["refresh_token"]}, format="json", **auth).status_code == 204
    after_logout = anon.post("/auth/refresh", {"refresh_token": new["refresh_token"]}, format="json")
    assert after_logout.status_code == 401


def test_paths_answer_with_and_without_trailing_slash(anon):
    assert (
        anon.post("/auth/register/", {"email": "slash@example.test", "password": PASSWORD}, format="json").status_code
        == 201
    )
    assert _login(anon, email="slash@example.test").status_code == 200
    assert (
        anon.post("/auth/login/", {"email": "slash@example.test", "password": PASSWORD}, format="json").status_code
        == 200
    )


def test_weak_password_is_422_and_nothing_is_stored(anon):
    response = _register(anon, password="12345678")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "weak_password"
    assert body["errors"]["password"]
    assert not User.objects.exists()


def test_invalid_fields_are_422_with_field_errors(anon):
    response = anon.post("/auth/register", {"email": "not-an-email"}, format="json")
    assert response.status_code == 422
    body = response.json()
    assert set(body["errors"]) == {"email", "password"}
    assert body["code"] == "invalid"
    assert not User.objects.exists()


def test_duplicate_email_is_409(anon):
    assert _register(anon).status_code == 201
    again = _register(anon, email="FM@Example.test")
    assert again.status_code == 409
    assert again.json()["code"] == "duplicate_email"
    assert User.objects.count() == 1


def test_malformed_json_is_400(anon):
    response = anon.generic("POST", "/auth/login", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "malformed_request"


def test_missing_or_bad_token_is_401_json(anon):
    response = anon.get("/auth/me")
    assert response.status_code == 401
    assert response.json() == {
        "detail": "Authentication credentials were not provided.",
        "code": "not_authenticated",
    }
    bad = anon.get("/auth/me", HTTP_AUTHORIZATION="Bearer not.a.token")
    assert bad.status_code == 401
    assert bad.json() == {
        "detail": "The access token is not valid or has expired; log in again.",
        "code": "token_not_valid",
    }


def test_wrong_password_is_401_and_audited(anon):
    _register(anon)
    response = _login(anon, password="wrong-password-1")
    assert response.status_code == 401
    assert AuditEvent.objects.filter(action="user.login_failed").count() == 1


def test_five_failed_logins_for_one_account_throttle_it(anon):
    _register(anon)
    for _ in range(5):
        assert _login(anon, password="wrong-password-1").status_code == 401
    throttled = _login(anon)  # even the right password waits until the window passes
    assert throttled.status_code == 429
    assert throttled.json()["code"] == "throttled"
    assert 0 < int(throttled["Retry-After"]) <= 15 * 60 + 1
    other = _register(anon, email="other@example.test")
    assert other.status_code == 201
    assert _login(anon, email="other@example.test").status_code == 200


def test_twenty_failed_logins_from_one_address_throttle_the_address(anon):
    for attempt in range(20):
        assert _login(anon, email=f"nobody{attempt}@example.test").status_code == 401
    _register(anon)
    assert _login(anon).status_code == 429
    assert _login(anon, REMOTE_ADDR="10.9.8.7").status_code == 200


def test_logout_refuses_someone_elses_refresh_token(anon):
    _register(anon, email="a@example.test")
    _register(anon, email="b@example.test")
    a = _login(anon, email="a@example.test").json()
    b = _login(anon, email="b@example.test").json()
    response = anon.post(
        "/auth/logout",
        {"refresh_token": b["refresh_token"]},
        format="json",
        HTTP_AUTHORIZATION=f"Bearer {a['access_token']}",
    )
    assert response.status_code == 401
    assert anon.post("/auth/refresh", {"refresh_token": b["refresh_token"]}, format="json").status_code == 200
