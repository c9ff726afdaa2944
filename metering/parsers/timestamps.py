"""Parse timestamp text into UTC instants.

Accepted forms:
- ISO 8601 with an offset (`2024-03-31T14:45:00+05:30`, `...Z`, `...+0530`): an exact instant.
- ISO 8601 without one (`2024-03-31T14:45`, `2024-03-31 14:45:00.5`): wall-clock time in `tz`.
- A date alone (`2024-03-31`): the first instant of that local day, marked `date_only` (a daily value).
- `DD/MM/YYYY[ HH:MM[:SS]]` or `MM/DD/YYYY...`: the order is the sender's choice (`date_order`), else read off
  the whole column, as the one that some value is valid in only (13/02/2024 makes the column day-first).
  When no value settles it, or values settle it both ways, it is never guessed: a file is refused once
  (AmbiguousDates, so the sender can choose), a JSON batch has every slashed value as an error.

In the hour repeated when clocks go back, the order of the rows decides: within one local day, the
repeated values before the clock reading steps back are the first occurrence, those after it the second.
A day whose repeated values step back other than exactly once is an error ("ambiguous"), as is a time
skipped when clocks go forward ("does not exist").
"""

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from .errors import AmbiguousDates, RowErrors, quoted

# Values are classified by shape (every digit replaced by 9), so the regexes run once per distinct shape
# rather than once per row, and each class is parsed by one vectorised pd.to_datetime call.
_DIGITS = str.maketrans("0123456789", "9999999999")
_TIME = r"[T ]99:99(?::99(?:\.9{1,9})?)?"
_EXACT = re.compile(rf"9999-99-99{_TIME}(?:Z|[+-]99:?99)")
_LOCAL = re.compile(rf"9999-99-99(?:{_TIME})?")
_SLASHED = re.compile(r"9{1,2}/9{1,2}/9999(?: 9{1,2}:99(?::99)?)?")
_FORM_COLUMNS = ["kind", "date_only", "padding"]
DAY_FIRST, MONTH_FIRST = "day_first", "month_first"
_ORDERS = {DAY_FIRST: "%d/%m/%Y %H:%M:%S", MONTH_FIRST: "%m/%d/%Y %H:%M:%S"}
_OTHER = {DAY_FIRST: MONTH_FIRST, MONTH_FIRST: DAY_FIRST}
_NAMES = {DAY_FIRST: "day-first (DD/MM/YYYY)", MONTH_FIRST: "month-first (MM/DD/YYYY)"}
_UNKNOWN = ("", False, "")


@dataclass(frozen=True)
class Instants:
    ts: pd.Series  # datetime64[ns, UTC]; NaT where the value was bad or missing
    date_only: np.ndarray  # bool: the value was a date alone


def parse_timestamps(
    values: pd.Series,
    *,
    tz: str,
    column: str | np.ndarray,
    errors: RowErrors,
    date_order: str | None = None,
    ask_order: bool = False,
) -> Instants:
    """Parse strings; None marks a value the caller has already reported, and yields NaT silently.

    `date_order` (DAY_FIRST or MONTH_FIRST) reads slashed dates in that order, a value valid only the other way
    being a row error. Without it the order is read off the column; when it is not settled, `ask_order` raises
    AmbiguousDates once (the sender can choose) instead of an error on every slashed row."""
    values = values.reset_index(drop=True)
    codes, shapes = _shapes(values)
    # A missing value has code -1, which picks the final row: _UNKNOWN.
    forms = pd.DataFrame([*map(_form, shapes), _UNKNOWN], columns=_FORM_COLUMNS).iloc[codes]
    kind = forms["kind"].to_numpy()
    date_only = forms["date_only"].to_numpy(dtype=bool)
    empty = values.eq("").to_numpy()
    unrecognised = values.notna().to_numpy() & ~empty & (kind == "")
    errors.add(empty, column=column, message="The timestamp is empty.")
    errors.add(
        unrecognised,
        column=column,
        message=lambda value: f"{quoted(value)} is not a timestamp; use ISO 8601, e.g. 2024-03-31T14:45.",
        value=values,
    )
    exact = _iso_where(values, kind == "exact", utc=True)
    naive = _iso_where(values, kind == "local", utc=False)
    slashed = kind == "slashed"
    unsettled = wrong_way = np.zeros(len(values), dtype=bool)
    if slashed.any():
        text = values.where(slashed) + forms["padding"].to_numpy()
        readings = {order: pd.to_datetime(text, format=form, errors="coerce") for order, form in _ORDERS.items()}
        order = date_order or _settled_order(readings)
        if order is None and ask_order and _askable(readings):
            raise _ambiguous(values, readings, lines=errors.rows, noun=errors.noun)
        if order is None:
            unsettled = slashed
            errors.add(
                unsettled,
                column=column,
                message=lambda value: (
                    f"{quoted(value)} could be day/month or month/day and the other dates do not settle "
                    "which; write dates as YYYY-MM-DD."
                ),
                value=values,
            )
        else:
            naive = naive.where(~slashed, readings[order])
            name = _NAMES[order]
            wrong_way = (readings[order].isna() & readings[_OTHER[order]].notna()).to_numpy()
            errors.add(
                wrong_way,
                column=column,
                message=lambda value: f"{quoted(value)} is not a date in the {name} order.",
                value=values,
            )
    errors.add(
        values.notna().to_numpy() & ~empty & ~unrecognised & ~unsettled & ~wrong_way & exact.isna() & naive.isna(),
        column=column,
        message=lambda value: f"{quoted(value)} is not a valid date and time.",
        value=values,
    )
    # Values that all carry their offset (the usual API batch) leave nothing to place on the zone's clock.
    local = (
        localize_wall_clock(naive, pd.Series(date_only), tz=tz, values=values, column=column, errors=errors)
        if naive.notna().any()
        else naive.dt.tz_localize("UTC")
    )
    ts = exact.where(kind == "exact", local).astype("datetime64[ns, UTC]")
    return Instants(ts=ts, date_only=date_only)


def _shapes(values: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Each value's shape (its digits as 9) as a code into the distinct shapes; -1 for a missing value. ASCII
    values are mapped as one array of bytes, the rest a value at a time."""
    present = values.notna().to_numpy()
    try:
        encoded = np.array((values if present.all() else values[present]).tolist(), dtype=bytes)
    except UnicodeEncodeError:
        translated, shapes = pd.factorize(values.str.translate(_DIGITS))
        return translated, list(shapes)
    width = encoded.dtype.itemsize
    octets = encoded.view(np.uint8).reshape(len(encoded), width)
    shaped = np.where((octets >= ord("0")) & (octets <= ord("9")), ord("9"), octets).astype(np.uint8)
    codes = np.full(len(values), -1, dtype=np.intp)
    if len(shaped) and (shaped == shaped[0]).all():  # the usual file: one shape throughout
        codes[present] = 0
        return codes, [shaped[0].tobytes().rstrip(b"\0").decode()]
    codes[present], distinct = pd.factorize(shaped.view(f"S{width}").ravel())
    return codes, [shape.decode() for shape in distinct]


def _iso_where(values: pd.Series, mask: np.ndarray, *, utc: bool) -> pd.Series:
    """The ISO 8601 values where `mask` holds as datetimes, NaT elsewhere; nothing is parsed where none is."""
    if not mask.any():
        return pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns, UTC]" if utc else "datetime64[ns]")
    return pd.to_datetime(values if mask.all() else values.where(mask), format="ISO8601", errors="coerce", utc=utc)


def _form(shape: str) -> tuple[str, bool, str]:
    """(kind, is a date alone, text that pads a slashed value to D/M/Y H:M:S) for one value shape."""
    if _EXACT.fullmatch(shape):
        return "exact", False, ""
    if _LOCAL.fullmatch(shape):
        return "local", ":" not in shape, ""
    if _SLASHED.fullmatch(shape):
        return "slashed", ":" not in shape, (" 00:00:00", ":00", "")[shape.count(":")]
    return _UNKNOWN


def _settled_order(readings: dict[str, pd.Series]) -> str | None:
    """The order some slashed value is valid in only, if no value is valid in the other order only."""
    only = [order for order in _ORDERS if (readings[order].notna() & readings[_OTHER[order]].isna()).any()]
    return only[0] if len(only) == 1 else None


def _askable(readings: dict[str, pd.Series]) -> bool:
    """Choosing an order would settle something: some value reads both ways, or the values disagree."""
    both = readings[DAY_FIRST].notna() & readings[MONTH_FIRST].notna()
    return bool(both.any()) or all(
        (readings[order].notna() & readings[_OTHER[order]].isna()).any() for order in _ORDERS
    )


def _ambiguous(values: pd.Series, readings: dict[str, pd.Series], *, lines: np.ndarray, noun: str) -> AmbiguousDates:
    """The one answer for a file whose slashed dates do not settle their order, with examples read both ways."""
    day, month = readings[DAY_FIRST], readings[MONTH_FIRST]
    only_day, only_month = (
        np.flatnonzero((mine.notna() & other.isna()).to_numpy()) for mine, other in ((day, month), (month, day))
    )
    if len(only_day) and len(only_month):
        picked = [int(only_day[0]), int(only_month[0])]
        first, second = picked
        message = (
            f"The dates are written both ways: {noun} {lines[first]} has {quoted(values[first])}, which can only be "
            f"day-first ({_spoken(day[first])}), and {noun} {lines[second]} has {quoted(values[second])}, which can "
            f"only be month-first ({_spoken(month[second])}). Choose the order the file uses; the rows written the "
            "other way will then be listed."
        )
    else:  # no value settles the order (else it would be settled), and some value reads both ways (_askable)
        picked = [int(np.flatnonzero((day.notna() & month.notna()).to_numpy())[0])]
        row = picked[0]
        message = (
            f"{noun.capitalize()} {lines[row]} has {quoted(values[row])}, which is {_spoken(day[row])} read day-first "
            f"or {_spoken(month[row])} read month-first, and no date in the file settles which (none has a day "
            "above 12). Choose the date order and upload the file again."
        )
    examples: list[dict[str, object]] = [
        {
            "row": int(lines[position]),
            "value": str(values[position]),
            **{order: _iso(readings[order][position]) for order in _ORDERS},
        }
        for position in picked
    ]
    return AmbiguousDates(message, examples=examples)


def _spoken(moment: pd.Timestamp) -> str:
    return f"{moment.day} {moment.strftime('%B %Y')}"


def _iso(moment: pd.Timestamp) -> str | None:
    return None if pd.isna(moment) else moment.isoformat()


def localize_wall_clock(
    naive: pd.Series,
    date_only: pd.Series,
    *,
    tz: str,
    values: ArrayLike,
    column: str | np.ndarray,
    errors: RowErrors,
) -> pd.Series:
    """UTC instants of wall-clock times in `tz`, NaT where `naive` is; a time the clocks skip is an error, a
    repeated one is placed by the order of the rows (see the module's docstring)."""
    # A date names its whole day: if a clock change skips or repeats midnight, take the day's first instant.
    days = (
        naive.where(date_only).dt.tz_localize(
            tz, ambiguous=np.ones(len(naive), dtype=bool), nonexistent="shift_forward"
        )
        if date_only.any()
        else None
    )
    wall = pd.DatetimeIndex(naive.where(~date_only))
    # Almost every time is neither skipped nor repeated: those are placed at once, only the rest are read both ways.
    local = wall.tz_localize(tz, ambiguous="NaT", nonexistent="NaT")
    utc = local.values.view(np.int64).copy()  # NaT as pandas' integer for it
    doubtful = np.flatnonzero(np.asarray(wall.notna()) & np.asarray(local.isna()))
    skipped, unsettled = np.zeros(len(wall), dtype=bool), np.zeros(len(wall), dtype=bool)
    if len(doubtful):
        earlier = np.ones(len(doubtful), dtype=bool)
        first, second = (wall[doubtful].tz_localize(tz, ambiguous=a, nonexistent="NaT") for a in (earlier, ~earlier))
        exists = np.asarray(first.notna())  # a doubtful time that exists is one the clocks repeat
        skipped[doubtful[~exists]] = True
        later = np.zeros(len(doubtful), dtype=bool)
        later[exists], unsettled[doubtful[exists]] = _order_repeats(wall[doubtful[exists]].values.view(np.int64))
        utc[doubtful] = np.where(later, second.values.view(np.int64), first.values.view(np.int64))  # NaT where skipped
        utc[unsettled] = pd.NaT.value
    errors.add(
        skipped,
        column=column,
        message=lambda value: f"{quoted(value)} does not exist in {tz}: the clocks skip over it.",
        value=values,
    )
    errors.add(
        unsettled,
        column=column,
        message=lambda value: (
            f"{quoted(value)} is ambiguous in {tz}: the clocks go back over it and the order of the rows "
            "does not show which occurrence is meant; add a UTC offset."
        ),
        value=values,
    )
    resolved = pd.Series(pd.DatetimeIndex(utc.view("datetime64[ns]")).tz_localize("UTC"), index=naive.index)
    return resolved if days is None else days.where(date_only, resolved).dt.tz_convert("UTC")


_DAY_NS = 86_400 * 10**9


def _order_repeats(wall: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For repeated wall-clock times (int64 ns) in row order: (second occurrence, cannot tell). Within one local
    day, the times after the clock reading steps back are the second occurrence; a day that steps back other than
    exactly once cannot tell."""
    day = wall // _DAY_NS
    order = np.argsort(day, kind="stable")
    day, wall = day[order], wall[order]
    same_day = np.r_[False, day[1:] == day[:-1]]
    steps_back = same_day & np.r_[False, wall[1:] <= wall[:-1]]
    group = np.cumsum(~same_day) - 1
    settled = (np.bincount(group, weights=steps_back) == 1)[group]
    running = np.cumsum(steps_back)
    starts = np.flatnonzero(~same_day)
    later = running - (running[starts] - steps_back[starts])[group] >= 1
    in_rows = np.empty((2, len(wall)), dtype=bool)
    in_rows[0, order], in_rows[1, order] = later & settled, ~settled
    return in_rows[0], in_rows[1]
