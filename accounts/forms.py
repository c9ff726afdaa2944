import math

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, BaseUserCreationForm, UserChangeForm
from django.core.exceptions import ValidationError

from . import throttling
from .models import User
from .services import login_failure_record


class AdminUserCreationForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ["email"]


class AdminUserChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


THROTTLED = "Too many failed logins; try again in %(minutes)d minutes."


class LoginForm(AuthenticationForm):
    """Email and password, checked the one way the API, the portal and the admin share: counted against the
    account and the address (5 and 20 failures in 15 minutes, accounts.throttling) and audited when refused.
    While throttled, even the right password gets the refusal, with the wait in `retry_after`."""

    error_messages = {**AuthenticationForm.error_messages, "throttled": THROTTLED}
    retry_after: int | None = None

    def clean_username(self):
        return self.cleaned_data["username"].strip().lower()

    def clean(self):
        email, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        if not email or not password:
            return self.cleaned_data  # the missing field says so; there is no password to check
        address = self.request.META.get("REMOTE_ADDR", "") if self.request else ""
        self.retry_after = throttling.login_attempt_begin(email=email, address=address)
        if self.retry_after is not None:
            raise ValidationError(
                self.error_messages["throttled"], code="throttled", params={"minutes": math.ceil(self.retry_after / 60)}
            )
        try:
            cleaned = super().clean()
        except ValidationError:
            login_failure_record(email=email, address=address)
            raise
        throttling.login_attempt_succeeded(email=email, address=address)
        return cleaned


class AdminLoginForm(LoginForm, AdminAuthenticationForm):
    """The admin's login (admin.site.login_form): the shared check, and only staff get in."""

    error_messages = {**AdminAuthenticationForm.error_messages, "throttled": THROTTLED}
