from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from carbonexia.audit.services import Actor, audit_record
from carbonexia.common.errors import Conflict, Invalid

from .models import Role, User
from .roles import verifier_group


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
