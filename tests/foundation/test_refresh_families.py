"""Row 8 of issue 14: reusing a refresh token after rotation was refused, but the newer token of the same family
stayed valid, so a thief who rotated first kept the session. Now any earlier token of a family revokes the
family: every token of it is refused, and the reuse is audited."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.models import TokenFamily
from carbonexia.audit.models import AuditEvent
from tests.conftest import PASSWORD

REFUSED = {"detail": "The refresh token is invalid, expired or already used.", "code": "not_authenticated"}


def login(client, email: str) -> dict:
    response = client.post("/auth/login", {"email": email, "password": PASSWORD}, format="json")
    assert response.status_code == 200
    return response.json()


def refresh(client, token: str):
    return client.post("/auth/refresh", {"refresh_token": token}, format="json")


def logout(client, tokens: dict, token: str):
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {tokens['access_token']}"}
    return client.post("/auth/logout", {"refresh_token": token}, format="json", **bearer)


@pytest.mark.django_db
def test_reusing_a_rotated_token_revokes_the_newer_token_of_its_family(anon, owner):
    first = login(anon, owner.email)
    second = refresh(anon, first["refresh_token"]).json()
    third = refresh(anon, second["refresh_token"]).json()
    elsewhere = login(anon, owner.email)  # another session of the same user, another family

    reused = refresh(anon, first["refresh_token"])
    assert (reused.status_code, reused.json()) == (401, REFUSED)
    assert refresh(anon, third["refresh_token"]).json() == REFUSED  # the newest of the family died with it
    assert refresh(anon, second["refresh_token"]).status_code == 401
    assert refresh(anon, elsewhere["refresh_token"]).status_code == 200

    family = TokenFamily.objects.get(revoked_at__isnull=False)
    assert family.revoked_because == TokenFamily.Revoked.REUSE and family.user == owner
    event = AuditEvent.objects.get(action="user.refresh_token_reused")
    assert event.object_id == str(owner.pk) and event.after == {"family": str(family.pk)}


@pytest.mark.django_db
def test_logout_revokes_the_family_and_is_done_once_done(anon, owner, make_user):
    first = login(anon, owner.email)
    second = refresh(anon, first["refresh_token"]).json()
    assert logout(anon, second, second["refresh_token"]).status_code == 204
    assert refresh(anon, second["refresh_token"]).status_code == 401
    assert logout(anon, second, first["refresh_token"]).status_code == 204  # already ended
    assert TokenFamily.objects.get().revoked_because == TokenFamily.Revoked.LOGOUT
    assert not AuditEvent.objects.filter(action="user.refresh_token_reused").exists()

    other = make_user(email="other@example.test")
    theirs = login(anon, other.email)
    mine = login(anon, owner.email)
    assert logout(anon, mine, theirs["refresh_token"]).json() == REFUSED
    assert refresh(anon, theirs["refresh_token"]).status_code == 200


@pytest.mark.django_db
def test_tokens_outside_a_live_family_are_refused(anon, owner):
    legacy = RefreshToken.for_user(owner)  # no family claim, as issued before families existed
    assert refresh(anon, str(legacy)).json() == REFUSED
    blacklisted = login(anon, owner.email)["refresh_token"]
    RefreshToken(blacklisted).blacklist()  # SimpleJWT's own blacklist, as its admin uses it, still holds
    assert refresh(anon, blacklisted).status_code == 401
    disabled = login(anon, owner.email)["refresh_token"]
    owner.is_active = False
    owner.save()
    assert refresh(anon, disabled).json() == REFUSED


@pytest.mark.django_db
def test_a_login_clears_the_users_families_whose_tokens_have_expired(anon, owner):
    login(anon, owner.email)
    TokenFamily.objects.update(rotated_at=TokenFamily.objects.get().rotated_at.replace(year=2000))
    login(anon, owner.email)
    assert TokenFamily.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_refreshes_of_one_token_at_once_leave_no_live_token(owner):
    tokens = login(APIClient(), owner.email)

    def in_a_thread(_):
        try:
            return refresh(APIClient(), tokens["refresh_token"])
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(in_a_thread, range(2)))
    assert sorted(answer.status_code for answer in answers) == [200, 401]
    winner = next(answer.json() for answer in answers if answer.status_code == 200)
    assert refresh(APIClient(), winner["refresh_token"]).status_code == 401  # the family was revoked
