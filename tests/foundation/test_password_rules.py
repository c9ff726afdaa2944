"""Row 9 of issue 14: a password of 12 spaces was accepted. Register, the portal's registration and the
admin's add-user and change-password forms now refuse whitespace-only and one-character passwords alike."""

import pytest
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

from accounts.models import Role, User
from accounts.passwords import NotBlankOrRepeatedValidator
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

BLANK = "This password is only spaces; use letters, digits or symbols."
REPEATED = "This password is one character repeated; use several different characters."


@pytest.mark.parametrize(
    ("password", "message"),
    [(" " * 12, BLANK), ("\t \u00a0\u2003 " * 3, BLANK), ("x" * 12, REPEATED), ("\u00e9" * 20, REPEATED)],
)
def test_the_validator_refuses_blank_and_repeated_passwords_with_a_sentence(password, message):
    with pytest.raises(ValidationError) as refused:
        NotBlankOrRepeatedValidator().validate(password)
    assert refused.value.messages == [message]


@pytest.mark.parametrize("password", [PASSWORD, "  spaced  out  words  ", "xy" * 6])
def test_the_validator_lets_other_passwords_through(password):
    NotBlankOrRepeatedValidator().validate(password)


def test_it_is_one_of_the_configured_validators_so_every_form_applies_it():
    with pytest.raises(ValidationError) as refused:
        password_validation.validate_password(" " * 12)
    assert refused.value.messages == [BLANK]  # the length minimum alone would have let it through
    assert "can’t be only spaces" in " ".join(password_validation.password_validators_help_texts())


def test_register_refuses_twelve_spaces_and_stores_nothing(anon):
    response = anon.post("/auth/register", {"email": "sp@example.test", "password": " " * 12}, format="json")
    assert response.status_code == 422
    assert response.json()["code"] == "weak_password"
    assert response.json()["errors"] == {"password": [BLANK]}
    assert not User.objects.exists()


def test_portal_registration_refuses_a_repeated_character(client):
    form = {"email": "rep@example.test", "full_name": "", "password": "z" * 14, "password_again": "z" * 14}
    response = client.post("/portal/register/", form)
    assert response.status_code == 422
    assert REPEATED.encode() in response.content
    assert not User.objects.exists()


def test_the_admin_add_user_and_change_password_forms_refuse_blank_passwords(client, make_user):
    admin = make_user(Role.ADMIN, email="root@example.test")
    client.force_login(admin)
    added = client.post(
        "/admin/accounts/user/add/", {"email": "new@example.test", "password1": " " * 12, "password2": " " * 12}
    )
    assert added.status_code == 200 and BLANK.encode() in added.content
    assert not User.objects.filter(email="new@example.test").exists()

    member = make_user(email="member@example.test")
    changed = client.post(f"/admin/accounts/user/{member.pk}/password/", {"password1": "q" * 16, "password2": "q" * 16})
    assert changed.status_code == 200 and REPEATED.encode() in changed.content
    member.refresh_from_db()
    assert member.check_password(PASSWORD)
