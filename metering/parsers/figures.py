"""Figures printed on a document (a utility bill): their value, however the thousands are grouped, and how far
that reading can be trusted.

Schemes read, with the bill's decimal mark a point (the default) or a comma:
- point decimal: 38,450 and 1,234,567.25 (groups of three), 1,23,456 and 12,34,567.50 (Indian lakh grouping);
- comma decimal: 38.450 and 1.234.567,25 (periods group thousands);
- either: 38 450 or 12 345 678.5 (spaces group thousands). A no-break, thin or narrow no-break space (U+00A0,
  U+2009, U+202F) between digit groups only ever groups them; a plain space also separates figures, so a run
  joined by plain spaces is trusted less unless an energy unit (kWh, units) follows it.

The decimal mark is the bill's, decided by its figures that read one way only (`decimal_mark`): 1.234,56 or
12,5 say comma; 1,234.56, 1,23,456 or 7.80 say point. Without such figures, or with both kinds, it is a point,
and then 38.450 (38.45, or 38,450 written the European way?) is read 38.45 with little trust.

Spaces never join a group onto a figure that follows an identifier word ("Meter 1 234" is meter 1, then 234),
nor a last group that a count unit follows ("450 365 days" is 450, then 365 days). Digits grouped in no scheme
(12,3456) are read with every separator dropped, at low trust, with a note saying so.
"""

import re
from dataclasses import dataclass

POINT, COMMA = ".", ","
AMBIGUOUS = 0.5  # 38.450 on a bill whose figures never settle the decimal mark
SPACED = 0.85  # groups joined by plain spaces, no unit after them
MISFIT = 0.3  # digits grouped in no scheme

_TYPOGRAPHIC_SPACES = "\u00a0\u2009\u202f"
_COMPACT = re.compile(r"(?<![\w.,/])\d(?:[\d.,]*\d)?(?![\w/]|[.,]\d)")
_WESTERN, _LAKH, _CONTINENTAL = r"\d{1,3}(?:,\d{3})+", r"\d{1,2}(?:,\d{2})+,\d{3}", r"\d{1,3}(?:\.\d{3})+"
_FITS = {
    POINT: re.compile(rf"(?:{_WESTERN}|{_LAKH}|\d+)(?:\.\d+)?"),
    COMMA: re.compile(rf"(?:{_CONTINENTAL}|\d+)(?:,\d+)?"),
}
_ONLY = {
    POINT: re.compile(rf"{_WESTERN}\.\d+|\d{{1,3}}(?:,\d{{3}}){{2,}}|{_LAKH}(?:\.\d+)?|\d+\.\d{{1,2}}"),
    COMMA: re.compile(rf"{_CONTINENTAL},\d+|\d{{1,3}}(?:\.\d{{3}}){{2,}}|\d+,\d{{1,2}}"),
}
_EITHER_WAY = re.compile(r"\d{1,3}\.\d{3}")
_GROUP = re.compile(r"\d{3}")
_SPACE = re.compile(rf"[ {_TYPOGRAPHIC_SPACES}]")
_IDENTIFIER_BEFORE = re.compile(
    r"(?:\bmeter|\bno\b\.?|\bnumber|#|\bid|\bserial|\baccount|\ba/c|\bphase|\bpage)\s*[:.#\-]?\s*$", re.I
)
_COUNT_AFTER = re.compile(r"\s*(?:days?|months?|hours?|hrs?|%)(?!\w)", re.I)
_ENERGY_AFTER = re.compile(r"\s*(?:kwh|kvah|units?)(?!\w)", re.I)


@dataclass(frozen=True)
class Figure:
    value: float
    printed: str  # as printed, separators included
    start: int
    end: int
    trust: float  # 1 when the printed form reads one way only
    note: str = ""  # why trust is below 1
    identifier: bool = False  # follows a word like "Meter" or "No.": a name, not a quantity


def decimal_mark(text: str) -> tuple[str, bool]:
    """The decimal mark the text's figures use, and whether some figure settled it."""
    compact = [m[0] for m in _COMPACT.finditer(text)]
    said = {mark for mark, only in _ONLY.items() if any(only.fullmatch(token) for token in compact)}
    if len(said) == 1:
        return said.pop(), True
    return POINT, False


def printed_figures(text: str, *, decimal: str = POINT, settled: bool = True) -> list[Figure]:
    """Every figure in `text`, left to right, read with `decimal` as the decimal mark."""
    tokens = list(_COMPACT.finditer(text))
    figures: list[Figure] = []
    i = 0
    while i < len(tokens):
        run = _space_run(text, tokens, i, decimal)
        first, last = tokens[i], tokens[i + len(run) - 1]
        if len(run) > 1:
            figures.append(_spaced(text, run, first.start(), last.end(), decimal))
        else:
            figures.append(_compact(first, decimal, settled, identifier=_after_identifier(text, first.start())))
        i += len(run)
    return figures


def _after_identifier(text: str, start: int) -> bool:
    return bool(_IDENTIFIER_BEFORE.search(text, 0, start))


def _space_run(text: str, tokens: list[re.Match[str]], i: int, decimal: str) -> list[str]:
    """The printed groups a space-grouped figure starting at token i is made of (only token i when none)."""
    head = tokens[i]
    run = [head[0]]
    if not head[0].isdigit() or len(head[0]) > 3 or _after_identifier(text, head.start()):
        return run
    group = re.compile(rf"\d{{3}}(?:{re.escape(decimal)}\d+)?")
    for before, token in zip(tokens[i:], tokens[i + 1 :], strict=False):
        joined = _SPACE.fullmatch(text[before.end() : token.start()])
        if not joined or not group.fullmatch(token[0]) or _COUNT_AFTER.match(text, token.end()):
            break
        run.append(token[0])
        if not _GROUP.fullmatch(token[0]):
            break  # a decimal part ends the figure
    return run


def _spaced(text: str, run: list[str], start: int, end: int, decimal: str) -> Figure:
    printed = text[start:end]
    value = float("".join(run).replace(decimal, "."))
    typographic = all(c in _TYPOGRAPHIC_SPACES for c in printed if _SPACE.match(c))
    if typographic or _ENERGY_AFTER.match(text, end):
        return Figure(value, printed, start, end, 1.0)
    note = f"“{printed}” is read as {_shown(value)}, taking the spaces to group thousands; check it."
    return Figure(value, printed, start, end, SPACED, note)


def _compact(match: re.Match[str], decimal: str, settled: bool, *, identifier: bool) -> Figure:
    printed, start, end = match[0], match.start(), match.end()
    if _FITS[decimal].fullmatch(printed):
        value = float(printed.replace(COMMA if decimal == POINT else POINT, "").replace(decimal, "."))
        if not settled and _EITHER_WAY.fullmatch(printed):
            grouped = _shown(float(printed.replace(POINT, "")))
            note = f"“{printed}” may be {_shown(value)} or {grouped} (a period grouping thousands); check it."
            return Figure(value, printed, start, end, AMBIGUOUS, note, identifier)
        return Figure(value, printed, start, end, 1.0, identifier=identifier)
    digits = printed.replace(COMMA if decimal == POINT else POINT, "")
    if digits.count(decimal) > 1:
        digits = digits.replace(decimal, "")
    value = float(digits.replace(decimal, "."))
    note = f"“{printed}” does not group its digits in any usual way; it is read as {_shown(value)}, check it."
    return Figure(value, printed, start, end, MISFIT, note, identifier)


def _shown(value: float) -> str:
    return f"{value:,.0f}" if value.is_integer() else f"{value:,}"
