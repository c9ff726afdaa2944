"""Utility-bill fields from OCR'd or PDF text: kWh consumed, billing period, billing days, meter number.

Pure: text in, BillFields out. Each field found carries a confidence from 0 to 1 (0 when not found):
~0.9 for a value after a strong label, less for weaker labels or layouts, and less again when the value
needed OCR repair, its dates' order was a guess, or it disagrees with another part of the bill.

- kWh: the first number after a consumption label ("Units Consumed", "Total kWh", "Energy (kWh)",
  "kWh Used", "Consumption", ...) on its line, else the first number of the next line; amounts (after
  ₹, Rs., $) and lines about averages or history are skipped. Without a label: present − previous
  meter reading. Figures are read as figures.py says (38,450 · 1,23,456 · 38 450 · 1.234.567,5), with
  the bill's decimal mark; a figure after an identifier ("Meter No 1234") or a year after a month name
  ("March 2025") is never the consumption, and one whose grouping is doubtful lowers the confidence.
- Billing period: two dates joined by "to", "-" or "through" on one line ("Billing period", "Service
  from" on the line raise confidence), else "From: <date>" and "To: <date>" on lines of their own.
- Billing days: a number labelled "Billing days", "No. of days", ..., or written "31 days"; without
  one, the period's length with both ends included. A printed count agrees with the period when it is
  that length or one less (bills that count from one meter reading to the next).
- Meter number: the token after "Meter No", "Meter Number", "Meter #", "Meter Serial No", "Meter ID".
- OCR confusions: in a token of digits and separators, O/o → 0, l/I → 1, S → 5, only when the token has
  at least two real digits and more digits than letters ("S/O", "IS" and words stay as they are).
Date forms and how day-first or month-first is decided: see bill_dates.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Generic, TypeVar

from .bill_dates import DAY_FIRST, MONTH_NAMES, ORDERS, DateMention, decided_order, find_dates
from .figures import Figure, decimal_mark, printed_figures

FIELDS = ("kwh", "billing_days", "meter_number", "period_start", "period_end")
MAX_PERIOD_DAYS = 100
MAX_NUMBER = 1e12  # above any meter reading or bill's kWh: a longer digit run is OCR noise
REPAIRED = 0.85  # confidence kept by a value whose digits were repaired
# How far the order of ambiguous numeric dates can be trusted, by what settled it (see bill_dates).
ORDER_TRUST = {"dates": 1.0, "country hints": 0.85, "billing period": 0.7, "default": 0.5}

_CONFUSABLE = str.maketrans({"O": "0", "o": "0", "l": "1", "I": "1", "S": "5"})
_TOKEN = re.compile(r"(?<![A-Za-z0-9])[0-9OolIS][0-9OolIS,./\-]*[0-9OolIS](?![A-Za-z0-9])")
_YEAR_AFTER_MONTH = re.compile(rf"\b(?:{MONTH_NAMES})\.?[\s,'\-]*$", re.I)
_CURRENCY_BEFORE = re.compile(r"(?:₹|\brs\.?|\binr|\$|\busd)\s*$", re.I)
_KWH_LABELS = (
    (
        re.compile(
            r"units?\s+consumed|total\s+kwh|kwh\s+(?:used|consumed)|energy\s*\(\s*kwh\s*\)|units?\s+billed"
            r"|billed\s+units|net\s+units|total\s+units|total\s+(?:energy\s+)?consumption|energy\s+(?:consumed|used)"
            r"|consumption\s*\(\s*kwh\s*\)",
            re.I,
        ),
        0.9,
    ),
    (re.compile(r"consumption|usage|\bkwh\b", re.I), 0.7),
)
_NOT_THIS_BILL = re.compile(r"average|\bavg\b|previous|prior|\blast\b|history|per\s+day|daily|same\s+month", re.I)
_NOT_ENERGY = re.compile(r"rate|charge|price|cost|amount|tariff", re.I)
_READING = re.compile(r"\b(previous|prev|past|opening|present|current|closing)\.?\s+(?:meter\s+)?reading\b", re.I)
_JOINER = re.compile(r"\s*(?:-|to|till|until|through|thru)\s*", re.I)
_PERIOD_WORDS = re.compile(r"period|from|cycle|service|billing", re.I)
_FROM = re.compile(r"\b(?:from|start\s+date|previous\s+reading\s+date)\b", re.I)
_TO = re.compile(r"\b(?:to|end\s+date|(?:present|current)\s+reading\s+date)\b", re.I)
_DAYS_LABEL = re.compile(
    r"(?:billing|bill|billed|service|no\.?\s*of|number\s+of|total|period)\s+days?\b|\bdays\s+(?:billed|in\b)|^\s*days\b",
    re.I,
)
_N_DAYS = re.compile(r"(?<![\d.,])(\d{1,3})\s*days?\b", re.I)
_NOT_DAYS = re.compile(r"due|within|pay|late|after|before|grace", re.I)
_METER = re.compile(
    r"\bmeter\s*(?:serial\s*)?(?:no\b\.?|number|num\b\.?|#|id\b|sr\.?\s*no\b\.?)\s*[:.#\-]?\s*([A-Z0-9][A-Z0-9\-/]{3,})",
    re.I,
)


@dataclass(frozen=True)
class BillFields:
    kwh: float | None = None
    billing_days: int | None = None
    meter_number: str | None = None
    period_start: date | None = None
    period_end: date | None = None
    confidence: dict[str, float] = field(default_factory=dict)  # every name in FIELDS, 0 when not found
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Line:
    text: str  # after OCR repair, dates blanked out
    dates: list[DateMention]
    figures: list[Figure]


_T = TypeVar("_T")


@dataclass(frozen=True)
class _Found(Generic[_T]):
    value: _T
    confidence: float
    note: str = ""  # why the value as printed is doubtful


def repair_digits(text: str) -> tuple[str, frozenset[str]]:
    """The text with confusable letters inside numbers made digits, and the tokens that changed."""
    repaired: set[str] = set()

    def fix(match: re.Match[str]) -> str:
        token = match[0]
        digits = sum(c.isdigit() for c in token)
        letters = sum(c in "OolIS" for c in token)
        if not letters or digits < 2 or letters > digits:
            return token
        fixed = token.translate(_CONFUSABLE)
        repaired.add(fixed)
        return fixed

    fixed_text = _TOKEN.sub(fix, text)
    return fixed_text, frozenset(repaired)


def _normalised(text: str) -> str:
    for dash in "‐‑‒–—−":
        text = text.replace(dash, "-")
    return text.replace("\t", " ").replace("\r\n", "\n").replace("\r", "\n").replace("：", ":")


def _lines(text: str) -> list[_Line]:
    dated = []
    for line in text.splitlines():
        dates = find_dates(line)
        blanked = list(line)
        for mention in dates:
            blanked[mention.start : mention.end] = " " * (mention.end - mention.start)
        dated.append(("".join(blanked), dates))
    decimal, settled = decimal_mark("\n".join(blanked for blanked, _ in dated))
    return [
        _Line(blanked, dates, printed_figures(blanked, decimal=decimal, settled=settled)) for blanked, dates in dated
    ]


def _numbers(line: _Line, start: int = 0) -> list[Figure]:
    """The figures of line.text[start:] that can be quantities: no money amount, identifier or year."""
    return [
        figure
        for figure in line.figures
        if figure.start >= start
        and figure.value < MAX_NUMBER
        and not figure.identifier
        and not _CURRENCY_BEFORE.search(line.text, 0, figure.start)
        and not (
            figure.printed.isdigit()
            and len(figure.printed) == 4
            and _YEAR_AFTER_MONTH.search(line.text, 0, figure.start)
        )
    ]


def _trust(figure: Figure, repaired: frozenset[str], confidence: float) -> float:
    confidence *= figure.trust
    return confidence * REPAIRED if figure.printed in repaired else confidence


def _agreed(found: list[_Found[_T]], what: str, notes: list[str]) -> _Found[_T] | None:
    """The best-labelled value; when the best labels disagree, the most frequent with less confidence."""
    if not found:
        return None
    best = max(f.confidence for f in found)
    top = [f.value for f in found if f.confidence == best]
    value = max(top, key=top.count)
    if len(set(top)) > 1:
        notes.append(f"The bill gives more than one {what}; {value} is the most frequent.")
        return _Found(value, best * 0.7)
    return _Found(value, best)


def _kwh(lines: list[_Line], repaired: frozenset[str], notes: list[str]) -> _Found[float] | None:
    for label, confidence in _KWH_LABELS:
        found = [f for i in range(len(lines)) if (f := _labelled_kwh(lines, i, label, confidence, repaired, notes))]
        if found:
            agreed = _agreed(found, "consumption", notes)
            assert agreed is not None  # found is not empty
            notes.extend(f.note for f in found if f.note and f.value == agreed.value)
            return _checked_by_readings(agreed, lines)
    by_readings = _reading_difference(lines)
    if by_readings is not None:
        notes.append("No consumption is printed; kWh is the present minus the previous meter reading.")
        return _Found(by_readings, 0.5)
    return None


def _labelled_kwh(
    lines: list[_Line], i: int, label: re.Pattern[str], confidence: float, repaired: frozenset[str], notes: list[str]
) -> _Found[float] | None:
    line = lines[i].text
    match = label.search(line)
    if not match or _NOT_THIS_BILL.search(line) or (confidence < 0.9 and _NOT_ENERGY.search(line)):
        return None
    numbers = _numbers(lines[i], match.end())
    if not numbers and i + 1 < len(lines) and re.match(r"\s*\d", lines[i + 1].text):
        numbers, confidence = _numbers(lines[i + 1]), confidence - 0.2  # a table: the value below its label
    if not numbers:
        return None
    if "kvah" in line.lower() and "kwh" not in line.lower():
        notes.append("The consumption is given in kVAh, not kWh.")
        confidence *= 0.6
    return _Found(numbers[0].value, _trust(numbers[0], repaired, confidence), numbers[0].note)


def _reading_difference(lines: list[_Line]) -> float | None:
    readings: dict[str, float] = {}
    for line in lines:
        match = _READING.search(line.text)
        if match and (numbers := _numbers(line, match.end())):
            earlier = match[1].lower() in ("previous", "prev", "past", "opening")
            readings.setdefault("previous" if earlier else "present", numbers[0].value)
    if len(readings) == 2 and readings["present"] >= readings["previous"]:
        return readings["present"] - readings["previous"]
    return None


def _checked_by_readings(found: _Found[float], lines: list[_Line]) -> _Found[float]:
    if _reading_difference(lines) == found.value:
        return _Found(found.value, min(1.0, found.confidence + 0.05))
    return found


def _periods(
    lines: list[_Line], order: str, *, trust: float = 1.0, repaired: frozenset[str] = frozenset()
) -> list[_Found[tuple[date, date]]]:
    """Candidate (start, end) periods read in `order`; `trust` scales those whose dates read both ways."""
    pairs: list[tuple[DateMention, DateMention, float]] = []
    for line in lines:
        for first, second in zip(line.dates, line.dates[1:], strict=False):
            if _JOINER.fullmatch(line.text[first.end : second.start]):
                pairs.append((first, second, 0.9 if _PERIOD_WORDS.search(line.text[: first.start]) else 0.7))
    starts = [line.dates[0] for line in lines if len(line.dates) == 1 and _FROM.search(line.text)]
    ends = [line.dates[0] for line in lines if len(line.dates) == 1 and _TO.search(line.text)]
    if starts and ends:
        pairs.append((starts[0], ends[0], 0.75))
    found: list[_Found[tuple[date, date]]] = []
    for first, second, confidence in pairs:
        start, end = first.read(order), second.read(order)
        if start and end and start <= end:
            if first.ambiguous or second.ambiguous:
                confidence *= trust
            if any(token in mention.text for mention in (first, second) for token in repaired):
                confidence *= REPAIRED
            found.append(_Found((start, end), confidence))
    return found


def _days(lines: list[_Line]) -> list[_Found[int]]:
    found: list[_Found[int]] = []
    for line in lines:
        label = _DAYS_LABEL.search(line.text)
        numbers = [n for n in _numbers(line, label.end()) if n.printed.isdigit()] if label else []
        if numbers:
            found.append(_Found(int(numbers[0].value), 0.9))
        elif (written := _N_DAYS.search(line.text)) and not _NOT_DAYS.search(line.text):
            found.append(_Found(int(written[1]), 0.7))
    return [f for f in found if 1 <= f.value <= 400]


def _meter_number(text: str) -> _Found[str] | None:
    numbers = [m[1].rstrip("-/") for m in _METER.finditer(text) if any(c.isdigit() for c in m[1])]
    if not numbers:
        return None
    return _Found(numbers[0], 0.9 if len(set(numbers)) == 1 else 0.6)


def _plausible(period: _Found[tuple[date, date]] | None, printed_days: int | None) -> bool:
    if period is None:
        return False
    span = (period.value[1] - period.value[0]).days + 1
    return span <= MAX_PERIOD_DAYS and (printed_days is None or printed_days in (span, span - 1))


def _settle_order(lines: list[_Line], text: str, printed_days: int | None) -> tuple[str, str]:
    order, how = decided_order([m for line in lines for m in line.dates], text)
    if order:
        return order, how
    sensible = [o for o in ORDERS if _plausible(_agreed(_periods(lines, o), "period", []), printed_days)]
    return (sensible[0], "billing period") if len(sensible) == 1 else (DAY_FIRST, "default")


def parse_bill_text(text: str) -> BillFields:
    notes: list[str] = []
    text = _normalised(text)
    repaired_text, repaired = repair_digits(text)
    lines = _lines(repaired_text)
    kwh = _kwh(lines, repaired, notes)
    days = _agreed(_days(lines), "number of billing days", notes)
    printed_days = days.value if days else None
    order, how = _settle_order(lines, repaired_text, printed_days)
    period = _agreed(_periods(lines, order, trust=ORDER_TRUST[how], repaired=repaired), "billing period", notes)
    start: date | None = None
    end: date | None = None
    period_confidence = 0.0
    if period:
        (start, end), period_confidence = period.value, period.confidence
        if any(mention.ambiguous for line in lines for mention in line.dates):
            notes.append(f"Dates are read {order} ({how}).")
        span = (end - start).days + 1
        if days is None:
            days = _Found(span, period_confidence)
        elif days.value in (span, span - 1):
            days = _Found(days.value, max(days.confidence, period_confidence))
        else:
            notes.append(f"The bill says {days.value} days but its period covers {span} days.")
            days, period_confidence = _Found(days.value, days.confidence * 0.5), period_confidence * 0.7
    meter = _meter_number(text)
    values: dict[str, _Found[Any] | None] = {
        "kwh": kwh,
        "billing_days": days,
        "meter_number": meter,
        "period_start": _Found(start, period_confidence) if start else None,
        "period_end": _Found(end, period_confidence) if end else None,
    }
    return BillFields(
        **{name: found.value if found else None for name, found in values.items()},
        confidence={name: round(found.confidence, 3) if found else 0.0 for name, found in values.items()},
        notes=tuple(dict.fromkeys(notes)),
    )
