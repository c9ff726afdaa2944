"""Dates in utility-bill text, and which comes first, day or month, in the bill's numeric dates.

Forms found: 15-01-2026, 15/01/2026, 15.01.2026 (numeric, day or month first), 2026-01-15 (ISO),
"15 Jan 2026", "15-JAN-2026", "15th January 2026", "15-Jan-26" (a month name after the day),
"Jan 15, 2026", "January 15 2026" (a month name first), 15/01/26 (numeric with a two-digit year: 20yy).
A month-named date without a year ("Jan 15", "15 Jan") takes its year from the next dated mention on its
line, as in "Jan 15 – Feb 13, 2026" or "Dec 16 – Jan 14, 2026" (then the year before); alone, it is no date.

One bill uses one order for all its numeric dates, decided by, in turn:
1. the dates themselves: a first number above 12 (25/01/2026) makes the bill day-first, a second one
   above 12 (01/25/2026) month-first — unless the bill has both, which settles nothing;
2. country hints: ₹, Rs., INR, kVAh, GSTIN or lakh-grouped numbers (1,23,456) say day-first (India);
   $ or USD say month-first (US); hints both ways, or none, settle nothing;
3. the caller's check of which reading gives a sensible billing period (see bill_text);
4. day-first, the order of most of the world, with low confidence.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

DAY_FIRST = "day-first"
MONTH_FIRST = "month-first"
ORDERS = (DAY_FIRST, MONTH_FIRST)

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
MONTH_NAMES = "|".join(sorted(_MONTHS, key=len, reverse=True))
_MONTH = f"({MONTH_NAMES})\\.?"
_ORDINAL = r"(?:st|nd|rd|th)?"
# Between a date's parts: one of - . / ("15-Jan-26"), or spaces, before a year with an optional comma or
# apostrophe ("15 Jan 2026", "Jan 15, 2026", "15 Jan '26"); never " - ", which joins two dates.
_DAY_SEPARATOR = r"(?:[\-./]|\s*)"
_YEAR_SEPARATOR = r"(?:[\-./]|\s*[,']?\s*)"
_NUMERIC = re.compile(r"(?<![\d.])(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|\d{2})(?!\d)(?!\.\d)")
_ISO = re.compile(r"(?<![\d.])(\d{4})-(\d{2})-(\d{2})(?!\d)")
_DAY_NAMED = re.compile(
    rf"(?<![\w.])(\d{{1,2}}){_ORDINAL}{_DAY_SEPARATOR}{_MONTH}{_YEAR_SEPARATOR}(\d{{4}}|\d{{2}})(?![\w])"
    rf"(?!\s*(?:{MONTH_NAMES})\b)",
    re.I,
)
_NAMED_DAY = re.compile(rf"(?<![\w])(?:{_MONTH})\s*(\d{{1,2}}){_ORDINAL}{_YEAR_SEPARATOR}(\d{{4}})(?!\d)", re.I)
_NAMED_DAY_NO_YEAR = re.compile(rf"(?<![\w])(?:{_MONTH})\s*(\d{{1,2}}){_ORDINAL}(?![\w])(?!{_YEAR_SEPARATOR}\d)", re.I)
_DAY_NAMED_NO_YEAR = re.compile(
    rf"(?<![\w.])(\d{{1,2}}){_ORDINAL}{_DAY_SEPARATOR}{_MONTH}(?![\w])(?!{_YEAR_SEPARATOR}\d)", re.I
)
_DAY_FIRST_HINTS = re.compile(r"₹|\brs\b\.?|\binr\b|\bkvah\b|\bgstin\b|(?<![\d,])\d{1,2},\d{2},\d{3}(?![\d,])", re.I)
_MONTH_FIRST_HINTS = re.compile(r"\$|\busd\b", re.I)


@dataclass(frozen=True)
class DateMention:
    """A date in one line of text: its span and its reading in each order (None where impossible)."""

    start: int
    end: int
    text: str
    day_first: date | None
    month_first: date | None

    def read(self, order: str) -> date | None:
        return self.day_first if order == DAY_FIRST else self.month_first

    @property
    def ambiguous(self) -> bool:
        """Valid and different read either way, as 05/01/2026."""
        return bool(self.day_first and self.month_first and self.day_first != self.month_first)


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _full_year(text: str) -> int:
    return int(text) + 2000 if len(text) == 2 else int(text)


_Add = Callable[[re.Match[str], date | None, date | None], None]


def find_dates(line: str) -> list[DateMention]:
    """Every date in `line`, left to right; spans never overlap."""
    found: list[DateMention] = []

    def add(match: re.Match[str], day_first: date | None, month_first: date | None) -> None:
        overlaps = any(m.start < match.end() and match.start() < m.end for m in found)
        if (day_first or month_first) and not overlaps:
            found.append(DateMention(match.start(), match.end(), match[0], day_first, month_first))

    for m in _ISO.finditer(line):
        same = _date(int(m[1]), int(m[2]), int(m[3]))
        add(m, same, same)
    for m in _DAY_NAMED.finditer(line):
        same = _date(_full_year(m[3]), _MONTHS[m[2].lower()], int(m[1]))
        add(m, same, same)
    for m in _NAMED_DAY.finditer(line):
        same = _date(int(m[3]), _MONTHS[m[1].lower()], int(m[2]))
        add(m, same, same)
    for m in _NUMERIC.finditer(line):
        first, second, year = int(m[1]), int(m[3]), _full_year(m[4])
        add(m, _date(year, second, first), _date(year, first, second))
    dated = sorted(found, key=lambda mention: mention.start)
    for m in _NAMED_DAY_NO_YEAR.finditer(line):
        _add_yearless(add, m, dated, month=_MONTHS[m[1].lower()], day=int(m[2]))
    for m in _DAY_NAMED_NO_YEAR.finditer(line):
        _add_yearless(add, m, dated, month=_MONTHS[m[2].lower()], day=int(m[1]))
    return sorted(found, key=lambda mention: mention.start)


def _add_yearless(add: _Add, match: re.Match[str], dated: list[DateMention], *, month: int, day: int) -> None:
    """A year-less date in the year of the next dated mention, or the year before when it falls later in the year
    than that date (a period across New Year)."""
    following = next((m for m in dated if m.start >= match.end()), None)
    if following is None or following.ambiguous:
        return
    anchor = following.day_first or following.month_first
    assert anchor is not None  # a mention is only kept when it reads as a date
    year = anchor.year if (month, day) <= (anchor.month, anchor.day) else anchor.year - 1
    same = _date(year, month, day)
    add(match, same, same)


def decided_order(mentions: list[DateMention], text: str) -> tuple[str | None, str]:
    """The numeric-date order the dates or the country hints settle (rules 1 and 2), and which settled it."""
    day_only = any(m.day_first and not m.month_first for m in mentions)
    month_only = any(m.month_first and not m.day_first for m in mentions)
    if day_only != month_only:
        return (DAY_FIRST if day_only else MONTH_FIRST), "dates"
    day_hint = bool(_DAY_FIRST_HINTS.search(text))
    month_hint = bool(_MONTH_FIRST_HINTS.search(text))
    if day_hint != month_hint:
        return (DAY_FIRST if day_hint else MONTH_FIRST), "country hints"
    return None, ""
