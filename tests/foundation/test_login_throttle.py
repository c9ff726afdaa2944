"""Rows 6 and 7 of issue 14. The admin's login skipped the failed-login throttle and the audit; and without Redis
each gunicorn worker counted its own failures. Now the API, the portal and the admin share one check, counted
in a store every process sees (Redis, or the database), and attempts are counted before the password is
checked so parallel ones cannot slip under the limit."""

import hashlib
from datetime import timedelta

import pytest
from django.db.models import F

from accounts import throttling
from accounts.models import LoginAttemptWindow, Role
from carbonexia.audit.models import AuditEvent
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

THROTTLED = b"Too many failed logins; try again in 15 minutes."


@pytest.fixture(params=["cache", "database"])
def store(request, settings):
    settings.LOGIN_THROTTLE_STORE = request.param
    return request.param


def admin_login(client, email, password, **extra):
    return client.post("/admin/login/", {"username": email, "password": password, "next": "/admin/"}, **extra)


def api_login(client, email, password, **extra):
    return client.post("/auth/login", {"email": email, "password": password}, format="json", **extra)


def failures_audited(email: str) -> int:
    return AuditEvent.objects.filter(action="user.login_failed", after__email=email).count()


def test_25_wrong_passwords_at_the_admin_then_the_right_one_does_not_get_in(client, make_user, store):
    make_user(Role.ADMIN, email="root@example.test")
    for _ in range(25):
        refused = admin_login(client, "root@example.test", "wrong-password")
        assert refused.status_code == 200 and "_auth_user_id" not in client.session
    right = admin_login(client, "root@example.test", PASSWORD)
    assert right.status_code == 200 and THROTTLED in right.content
    assert "_auth_user_id" not in client.session
    assert failures_audited("root@example.test") == 5  # the password was checked five times


def test_an_address_locked_elsewhere_is_locked_at_the_admin_too(client, anon, make_user, store):
    make_user(Role.VERIFIER, email="verifier@example.test")
    for attempt in range(20):
        assert api_login(anon, f"nobody{attempt}@example.test", "x-wrong-1").status_code == 401
    assert THROTTLED in admin_login(client, "verifier@example.test", PASSWORD).content
    assert "_auth_user_id" not in client.session
    other_address = admin_login(client, "verifier@example.test", PASSWORD, REMOTE_ADDR="10.1.2.3")
    assert other_address.status_code == 302 and client.session["_auth_user_id"]


def test_api_portal_and_admin_failures_count_together(client, anon, make_user, store):
    make_user(Role.ADMIN, email="root@example.test")
    assert api_login(anon, "ROOT@example.test", "wrong-1").status_code == 401
    assert api_login(anon, "root@example.test", "wrong-2").status_code == 401
    client.post("/portal/login/", {"username": "root@example.test", "password": "wrong-3"})
    client.post("/portal/login/", {"username": " root@example.test", "password": "wrong-4"})
    admin_login(client, "root@example.test", "wrong-5")
    assert failures_audited("root@example.test") == 5
    throttled = api_login(anon, "root@example.test", PASSWORD)
    assert throttled.status_code == 429 and 0 < int(throttled["Retry-After"]) <= 15 * 60 + 1


def test_successful_logins_do_not_count_and_a_non_staff_password_at_the_admin_does(client, anon, owner, store):
    for _ in range(10):
        assert api_login(anon, owner.email, PASSWORD).status_code == 200
    for _ in range(4):
        assert api_login(anon, owner.email, "wrong").status_code == 401
    # A facility manager's right password is still a failed admin login: counted and audited.
    assert admin_login(client, owner.email, PASSWORD).status_code == 200
    assert failures_audited(owner.email) == 5
    assert api_login(anon, owner.email, PASSWORD).status_code == 429


def test_an_attempt_over_the_limit_is_not_counted(owner, settings, store):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 2
    begin = {"email": owner.email, "address": "192.0.2.9"}
    assert throttling.login_attempt_begin(**begin) is None
    assert throttling.login_attempt_begin(**begin) is None
    for _ in range(3):
        assert 0 < throttling.login_attempt_begin(**begin) <= 15 * 60 + 1
    throttling.login_attempt_succeeded(**begin)  # one of the two counted had the right password
    assert throttling.login_attempt_begin(**begin) is None


def age(minutes: int) -> None:
    """Moves every database window's opening back, as the clock moving on would."""
    LoginAttemptWindow.objects.update(opened_at=F("opened_at") - timedelta(minutes=minutes))


def test_a_closed_database_window_reopens_and_closed_windows_are_purged(owner, settings):
    settings.LOGIN_THROTTLE_STORE = "database"
    settings.LOGIN_FAILURES_PER_ACCOUNT = 1
    begin = {"email": owner.email, "address": "192.0.2.1"}
    assert throttling.login_attempt_begin(**begin) is None
    throttling.login_attempt_begin(email="other@example.test", address="192.0.2.2")
    assert LoginAttemptWindow.objects.count() == 4  # two addresses, two accounts
    age(14)
    assert 0 < throttling.login_attempt_begin(**begin) <= 60 + 1  # a minute of the window is left
    age(1)
    assert throttling.login_attempt_begin(**begin) is None  # a new window
    account = "login-fail:account:" + hashlib.sha256(owner.email.encode()).hexdigest()[:32]
    assert sorted(LoginAttemptWindow.objects.values_list("key", "attempts")) == [
        (account, 1),
        ("login-fail:address:192.0.2.1", 1),
    ]


def test_without_redis_the_store_is_the_database_and_never_process_memory(settings):
    from django.conf import settings as live

    assert live.LOGIN_THROTTLE_STORE == ("cache" if live.REDIS_URL else "database")


def test_with_redis_down_logins_still_answer_and_the_counters_fail_open(anon, owner, settings):
    settings.LOGIN_THROTTLE_STORE = "cache"
    settings.CACHES = {
        "default": {
            "BACKEND": "carbonexia.common.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # refuses connections at once
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    for _ in range(6):
        assert api_login(anon, owner.email, "wrong").status_code == 401
    assert api_login(anon, owner.email, PASSWORD).status_code == 200
