import uuid
from typing import ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models


class Role(models.TextChoices):
    FACILITY_MANAGER = "facility_manager", "Facility manager"
    VERIFIER = "verifier", "Verifier"
    ADMIN = "admin", "Admin"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True, role=Role.ADMIN)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=32, choices=Role.choices, default=Role.FACILITY_MANAGER)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return self.email

    @property
    def is_verifier(self) -> bool:
        return self.role in (Role.VERIFIER, Role.ADMIN)


class LoginAttemptWindow(models.Model):
    """The login attempts counted against one account or one address (accounts.throttling) when the counters
    live in the database, where every web process sees the same count."""

    key = models.CharField(max_length=100, primary_key=True)
    attempts = models.PositiveIntegerField()
    opened_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return f"{self.key}: {self.attempts} since {self.opened_at:%Y-%m-%d %H:%M:%S}"


class TokenFamily(models.Model):
    """One login's chain of refresh tokens. Each refresh replaces `current_jti`; presenting an earlier token of
    the chain (a copy someone kept) revokes the whole family, so the thief's newer token dies with it."""

    class Revoked(models.TextChoices):
        LOGOUT = "logout", "Logged out"
        REUSE = "reuse", "A rotated refresh token was used again"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="token_families")
    current_jti = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    rotated_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_because = models.CharField(max_length=16, choices=Revoked.choices, blank=True)

    class Meta:
        verbose_name_plural = "token families"

    def __str__(self):
        return f"{self.user} since {self.created_at:%Y-%m-%d %H:%M}"
