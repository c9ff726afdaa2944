"""Rules of a building's and a station's own fields. They sit on the model fields, and the services run them
(full_clean), so the API, the portal and every other caller share them."""

import math

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator

from carbonexia.common.timezones import known_timezones

validate_grid_region = RegexValidator(
    r"^[A-Za-z][A-Za-z0-9-]{1,15}$", "Letters, digits and hyphens, starting with a letter (e.g. IN, US-CAMX)."
)


def validate_timezone(value: str) -> None:
    if value not in known_timezones():
        raise ValidationError(f"{value!r} is not an IANA time zone name, e.g. 'Asia/Kolkata'.", code="invalid")


def validate_finite(value: float) -> None:
    # NaN passes every "at least"/"at most" check (each comparison is false), so it is refused by name.
    if not math.isfinite(value):
        raise ValidationError(f"{value!r} is not a finite number.", code="invalid")
