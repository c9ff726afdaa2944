import pytest

from accounts.models import User
from carbonexia.audit.models import AuditEvent
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

GOOD = {"email": "new.manager@example.test", "full_name": "New Manager", "password": PASSWORD}


def test_register_logs_the_new_facility_manager_in(client):
    response = client.post("/portal/register/", {**GOOD, "password_again": PASSWORD}, follow=True)
    assert response.redirect_chain == [("/portal/", 302)]
    user = User.objects.get(email="new.manager@example.test")
    assert user.role == "facility_manager" and user.full_name == "New Manager"
    assert b"new.manager@example.test" in response.content and b"Add your first building" in response.content


@pytest.mark.parametrize(
    ("changes", "status", "message"),
    [
        ({"password": "password", "password_again": "password"}, 422, b"This password is too common."),
        ({"password_again": "Something-Else-42"}, 422, b"The two passwords differ."),
        ({"email": "not-an-email"}, 422, b"Enter a valid email address."),
        ({"email": "owner@example.test"}, 409, b"An account with this email already exists."),
    ],
)
def test_register_refusals_show_inline_and_store_nothing(client, owner, changes, status, message):
    response = client.post("/portal/register/", {**GOOD, "password_again": PASSWORD, **changes})
    assert response.status_code == status
    assert message in response.content
    assert b'class="errorlist' in response.content
    assert User.objects.count() == 1
    assert "_auth_user_id" not in client.session


def test_login_with_a_wrong_password_is_refused_inline_and_audited(client, owner):
    response = client.post("/portal/login/", {"username": "Owner@Example.test", "password": "wrong"})
    assert response.status_code == 200
    assert b"Please enter a correct email and password." in response.content
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="user.login_failed", after__email="owner@example.test").exists()


def test_login_lands_on_the_buildings_and_logout_ends_the_session(client, owner):
    response = client.post("/portal/login/", {"username": " OWNER@example.test ", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/portal/"
    assert client.get("/portal/").status_code == 200
    assert client.post("/portal/logout/")["Location"] == "/portal/login/"
    assert client.get("/portal/").status_code == 302


def test_login_is_throttled_like_the_api_after_five_failures(client, owner):
    for _ in range(5):
        client.post("/portal/login/", {"username": "owner@example.test", "password": "wrong"})
    response = client.post("/portal/login/", {"username": "owner@example.test", "password": PASSWORD})
    assert b"Too many failed logins; try again in 15 minutes." in response.content
    assert "_auth_user_id" not in client.session
