"""Number formats of the PDF report; missing values show as a dash."""

from django import template

register = template.Library()
DASH = "—"


@register.filter
def percent(fraction, digits=1):
    """0.0432 → '4.3 %'."""
    if fraction is None:
        return DASH
    return f"{fraction * 100:.{int(digits)}f} %"


@register.filter
def number(value, digits=0):
    """12345.678 → '12,346' (or '12,345.68' with 2 digits); grouping is fixed so the PDF reads the same anywhere."""
    if value is None:
        return DASH
    return f"{value:,.{int(digits)}f}"


@register.filter
def tonnes(kilograms, digits=2):
    """kg → t: 1234.5 → '1.23'."""
    return DASH if kilograms is None else number(kilograms / 1000, digits)
