"""How the portal writes months, reasons and areas in words."""

import calendar
from datetime import date

import pandas as pd
from django import template

register = template.Library()


@register.filter
def month_words(month) -> str:
    """'2025-11', a month Period or a date → 'November 2025'."""
    period = month if isinstance(month, pd.Period) else pd.Period(month, freq="M")
    return f"{calendar.month_name[period.month]} {period.year}"


@register.filter
def months_words(first: date | str, last: date | str) -> str:
    """The run of months from `first` to `last`: 'April to December 2024', 'November 2024 to March 2025'."""
    start, end = pd.Period(first, freq="M"), pd.Period(last, freq="M")
    if start == end:
        return month_words(start)
    if start.year == end.year:
        return f"{calendar.month_name[start.month]} to {month_words(end)}"
    return f"{month_words(start)} to {month_words(end)}"


@register.filter
def sentence(text: str) -> str:
    """A reason as a sentence: a capital first letter and a full stop."""
    text = text.strip()
    if not text:
        return text
    return text[0].upper() + text[1:] + ("" if text.endswith((".", "!", "?")) else ".")


@register.filter
def area(value) -> str:
    """A floor area with thousands grouped and no decimals it does not have: 185000.0 → '185,000',
    1250.5 → '1,250.5'."""
    if value is None:
        return "—"
    number = float(value)
    return f"{number:,.0f}" if number.is_integer() else f"{number:,}"
