"""Row 10 of issue 14: `Authorization: Bearer a.b.c` answered "Some fields are not valid: code, detail,
messages." Every refused token is now one sentence with SimpleJWT's code."""

from datetime import timedelta

import pytest
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

pytestmark = pytest.mark.django_db

EXPIRED_OR_INVALID = {
    "detail": "The access token is not valid or has expired; log in again.",
    "code": "token_not_valid",
}


def me(client, authorization: str):
    return client.get("/auth/me", HTTP_AUTHORIZATION=authorization)


def test_a_malformed_token_is_a_sentence_with_a_code(anon):
    response = me(anon, "Bearer a.b.c")
    assert response.status_code == 401
    assert response.json() == EXPIRED_OR_INVALID
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_expired_wrong_type_and_forged_tokens_get_the_same_sentence(anon, owner):
    expired = AccessToken.for_user(owner)
    expired.set_exp(lifetime=-timedelta(seconds=1))
    refresh = RefreshToken.for_user(owner)
    forged = str(refresh.access_token)[:-4] + "AAAA"
    for token in [str(expired), str(refresh), forged]:
        response = me(anon, f"Bearer {token}")
        assert (response.status_code, response.json()) == (401, EXPIRED_OR_INVALID)


def test_a_header_of_three_parts_says_what_the_header_must_be(anon):
    response = me(anon, "Bearer two parts")
    assert response.status_code == 401
    assert response.json() == {
        "detail": "The Authorization header must be 'Bearer', a space, and the access token.",
        "code": "bad_authorization_header",
    }


def test_a_token_of_a_disabled_or_deleted_account(anon, make_user):
    user = make_user(email="leaving@example.test")
    token = f"Bearer {AccessToken.for_user(user)}"
    user.is_active = False
    user.save()
    assert me(anon, token).json() == {
        "detail": "The account this access token was issued to is disabled.",
        "code": "user_inactive",
    }
    user.delete()
    assert me(anon, token).json() == {
        "detail": "The account this access token was issued to no longer exists.",
        "code": "user_not_found",
    }
