"""The span of dates the MRV engine computes in. pandas keeps timestamps in nanoseconds (years 1677 to 2262), so
a date outside a safe span is refused where it comes in (422) instead of failing deep in a calculation (500)."""

import re
from datetime import date, datetime

from rest_framework import serializers

FIRST = date(1900, 1, 1)
LAST = date(2199, 12, 31)
OUTSIDE = f"Must be between {FIRST} and {LAST}."
MONTH = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])")


def within(value: date | datetime) -> bool:
    day = value.date() if isinstance(value, datetime) else value
    return FIRST <= day <= LAST


def month_start(text: str) -> date | None:
    """The first day of a YYYY-MM month written in ASCII digits; None for any other text. Year 0000, which no
    calendar has, reads as year 1: outside the span all the same."""
    return date(max(int(text[:4]), 1), int(text[5:]), 1) if MONTH.fullmatch(text) else None


class CalendarDateField(serializers.DateField):
    def to_internal_value(self, value):
        day = super().to_internal_value(value)
        if not within(day):
            raise serializers.ValidationError(OUTSIDE)
        return day
