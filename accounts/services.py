from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.tokens import RefreshToken

from carbonexia.audit.services import Actor, audit_record
from carbonexia.common.errors import Conflict, Invalid, ServiceError

from .models import Role, TokenFamily, User
from .roles import verifier_group

# The claim that ties a refresh token to its TokenFamily; access tokens carry it too.
FAMILY_CLAIM = "family"


class TokenRefused(ServiceError):
    status = 401
    code = "not_authenticated"


@transaction.atomic
def user_register(*, email: str, password: str, full_name: str = "") -> User:
    email = User.objects.normalize_email(email).strip().lower()
    candidate = User(email=email, full_name=full_name)
    try:
        password_validation.validate_password(password, user=candidate)
    except ValidationError as exc:
        raise Invalid("The password is too weak.", code="weak_password", errors={"password": exc.messages}) from None
    if User.objects.filter(email=email).exists():
        raise Conflict("An account with this email already exists.", code="duplicate_email")
    try:
        with transaction.atomic():
            user: User = User.objects.create_user(email=email, password=password, full_name=full_name)
    except IntegrityError:
        raise Conflict("An account with this email already exists.", code="duplicate_email") from None
    audit_record(actor=user, action="user.registered", obj=user, after={"email": email, "role": user.role})
    return user


@transaction.atomic
def user_grant_role(*, actor: Actor, user: User, role: str) -> User:
    if role not in Role.values:
        raise Invalid(f"Unknown role {role!r}; choose one of {', '.join(Role.values)}.", code="invalid_role")
    before = {"role": user.role, "is_staff": user.is_staff}
    user.role = role
    # Verifiers work in the Django admin; admins own it.
    user.is_staff = role in (Role.VERIFIER, Role.ADMIN)
    user.is_superuser = role == Role.ADMIN
    user.save(update_fields=["role", "is_staff", "is_superuser"])
    if role == Role.VERIFIER:
        user.groups.add(verifier_group())
    else:
        user.groups.remove(verifier_group())
    audit_record(
        actor=actor,
        action="user.role_changed",
        obj=user,
        before=before,
        after={"role": user.role, "is_staff": user.is_staff},
    )
    return user


def login_failure_record(*, email: str, address: str) -> None:
    audit_record(
        actor=None,
        action="user.login_failed",
        object_type="accounts.user",
        after={"email": email.strip().lower(), "address": address},
    )


def _refresh_token(*, user_id: str, family: TokenFamily) -> RefreshToken:
    refresh = RefreshToken()
    refresh[jwt_settings.USER_ID_CLAIM] = user_id
    refresh[FAMILY_CLAIM] = str(family.pk)
    refresh.outstand()  # SimpleJWT's register of issued tokens, listed in its admin
    return refresh


@transaction.atomic
def refresh_token_issue(*, user: User) -> RefreshToken:
    """A login: a refresh token that starts a new family. The user's families whose last token has expired go."""
    now = timezone.now()
    TokenFamily.objects.filter(user=user, rotated_at__lt=now - jwt_settings.REFRESH_TOKEN_LIFETIME).delete()
    family = TokenFamily.objects.create(user=user, current_jti="", rotated_at=now)
    refresh = _refresh_token(user_id=str(user.pk), family=family)
    family.current_jti = refresh[jwt_settings.JTI_CLAIM]
    family.save(update_fields=["current_jti"])
    return refresh


def refresh_token_rotate(*, token: str) -> RefreshToken:
    """Exchanges the family's current refresh token for the next one. An earlier token of the family is a copy
    someone kept: it revokes the family, so neither it nor the newer token works again."""
    presented = _verified(token)
    with transaction.atomic():
        family = TokenFamily.objects.select_for_update().filter(pk=presented.get(FAMILY_CLAIM)).first()
        if family is not None and family.revoked_at is None and family.user.is_active:
            if presented[jwt_settings.JTI_CLAIM] == family.current_jti:
                refresh = _refresh_token(user_id=str(family.user_id), family=family)
                family.current_jti, family.rotated_at = refresh[jwt_settings.JTI_CLAIM], timezone.now()
                family.save(update_fields=["current_jti", "rotated_at"])
                return refresh
            _family_revoke(family, because=TokenFamily.Revoked.REUSE)
            audit_record(
                actor=None, action="user.refresh_token_reused", obj=family.user, after={"family": str(family.pk)}
            )
    raise TokenRefused("The refresh token is invalid, expired or already used.")


@transaction.atomic
def refresh_token_revoke(*, user: User, token: str) -> None:
    """A logout: every token of the family stops working. Logging out of a family already revoked is done."""
    presented = _verified(token)
    family = TokenFamily.objects.select_for_update().filter(pk=presented.get(FAMILY_CLAIM)).first()
    if family is None or family.user_id != user.pk:
        raise TokenRefused("The refresh token is invalid, expired or already used.")
    if family.revoked_at is None:
        _family_revoke(family, because=TokenFamily.Revoked.LOGOUT)


def _verified(token: str) -> RefreshToken:
    try:
        return RefreshToken(token)  # type: ignore[arg-type]  # the stubs want a Token; the class takes its text
    except TokenError:
        raise TokenRefused("The refresh token is invalid, expired or already used.") from None


def _family_revoke(family: TokenFamily, *, because: str) -> None:
    family.revoked_at, family.revoked_because = timezone.now(), because
    family.save(update_fields=["revoked_at", "revoked_because"])
