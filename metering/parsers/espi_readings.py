"""The interval readings of a Green Button channel: their line, start, duration and value read from the XML in a
few XPath passes, then checked like a CSV upload's rows (greenbutton.py chooses the channel)."""

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from lxml import etree  # type: ignore[import-untyped]  # lxml ships no type information

from .errors import InvalidFile, RowErrors, quoted
from .espi_feed import NS, Resource
from .meter_csv import KWH
from .numbers import flag_out_of_range
from .plausibility import PowerCeiling, flag_future, flag_over_power

START, DURATION, VALUE = "timePeriod/start", "timePeriod/duration", "value"
FAR_FUTURE = 7_258_118_400  # 2200-01-01 in epoch seconds: later starts are shown as written, not as dates
# Seconds: a daily reading covers a local day, 25 hours the day clocks go back; a longer one is a billing period.
LONGEST_READING = 90_000

_READINGS = etree.XPath("e:IntervalReading", namespaces=NS)
_TEXTS = {
    name: etree.XPath(f"e:IntervalReading/{path}/text()", namespaces=NS, smart_strings=False)
    for name, path in ((START, "e:timePeriod/e:start"), (DURATION, "e:timePeriod/e:duration"), (VALUE, "e:value"))
}
_IRREGULAR = {
    name: etree.XPath(f"count(e:IntervalReading[count({path}) != 1])", namespaces=NS)
    for name, path in ((START, "e:timePeriod/e:start"), (DURATION, "e:timePeriod/e:duration"), (VALUE, "e:value"))
}
_ONE_TEXT = {START: "e:timePeriod/e:start", DURATION: "e:timePeriod/e:duration", VALUE: "e:value"}


def reading_columns(blocks: list[Resource]) -> dict[str, list[Any]]:
    """Line, start, duration and value text of every IntervalReading of the blocks (None where one is missing).

    Each block is read with one XPath per field when every reading has exactly one non-empty element for it (the
    usual file), and reading by reading only when not."""
    columns: dict[str, list[Any]] = {"line": [], START: [], DURATION: [], VALUE: []}
    for block in blocks:
        readings = _READINGS(block.element)
        columns["line"].extend(reading.sourceline for reading in readings)
        for name, texts in _TEXTS.items():
            found = texts(block.element)
            if len(found) != len(readings) or _IRREGULAR[name](block.element):
                found = [reading.findtext(_ONE_TEXT[name], namespaces=NS) for reading in readings]
            columns[name].extend(found)
    return columns


def validated_readings(
    columns: dict[str, list[Any]], *, interval: int, multiplier: int, tz: str, latest: pd.Timestamp, power: PowerCeiling
) -> pd.DataFrame:
    """The readings as `ts` and `kwh`, sorted, after every bound of a CSV upload; InvalidRows names each bad line.
    `interval` (seconds) stands in for a reading that states no duration, `multiplier` is powerOfTenMultiplier."""
    lines = np.asarray(columns["line"], dtype=np.int64)
    if not len(lines):
        raise InvalidFile("The usage point's interval blocks hold no readings.")
    errors = RowErrors(lines, noun="line")
    start = numbers_of(columns[START], column=START, whole=True, errors=errors)
    before_1970 = (start < 0).to_numpy()
    errors.add(before_1970, column=START, message="The start is before 1970 (a negative epoch second).")
    start = start.where(~before_1970)
    stated = columns[DURATION]
    if None in stated:  # a reading without its own duration has the ReadingType's interval
        stated = [str(interval) if text is None else text for text in stated]
    duration = numbers_of(stated, column=DURATION, whole=True, errors=errors)
    not_interval = ((duration <= 0) | (duration > LONGEST_READING)).to_numpy()
    errors.add(
        not_interval,
        column=DURATION,
        message=lambda value: (
            f"{value:,.0f} seconds is not an interval reading: it must be more than 0 and at most a local day "
            f"({LONGEST_READING:,} s, the 25 hours of the day clocks go back); longer periods are billing data."
        ),
        value=duration,
    )
    duration = duration.where(~not_interval)
    kwh = _kwh(columns[VALUE], multiplier=multiplier, errors=errors)
    ts = pd.to_datetime(start.clip(upper=FAR_FUTURE), unit="s", utc=True)
    shown = pd.Series(columns[START], dtype=object)
    if (ts > latest).any():
        shown = ts.dt.tz_convert(tz).dt.strftime("%Y-%m-%d %H:%M %Z").where(start < FAR_FUTURE, shown)
    ts = flag_future(ts, latest=latest, tz=tz, raw=shown, column=START, errors=errors)
    frame = pd.DataFrame({"ts": ts, "seconds": duration, "kwh": kwh, "line": lines})
    kept = _without_repeats(frame, errors=errors)
    usable = np.zeros(len(frame), dtype=bool)
    usable[kept] = True
    flag_over_power(
        frame["ts"].where(usable),
        frame["kwh"],
        date_only=np.zeros(len(frame), dtype=bool),
        ceiling=power,
        raw=frame["kwh"],
        column=VALUE,
        errors=errors,
        hours=np.where(usable, frame["seconds"].to_numpy() / 3600, np.nan),
    )
    errors.raise_if_any()
    return frame.loc[kept, ["ts", "kwh"]].sort_values("ts", ignore_index=True)


def numbers_of(texts: list[str | None], *, column: str, whole: bool, errors: RowErrors) -> pd.Series:
    """Floats of the texts (NaN where bad, each bad one reported): at C speed when all are clean numbers."""
    try:
        clean = np.asarray(texts, dtype=str).astype(np.int64 if whole else np.float64)
        if whole or np.isfinite(clean).all():
            return pd.Series(clean, dtype="float64")
    except (ValueError, OverflowError):
        pass
    raw = pd.Series(texts, dtype=object)
    text = raw.str.strip()
    missing = (raw.isna() | text.eq("")).to_numpy()
    errors.add(missing, column=column, message=f"The reading has no <{column.split('/')[-1]}>.")
    numbers = pd.to_numeric(text.where(~missing), errors="coerce").astype("float64")
    values = numbers.to_numpy()
    wrong = ~np.isfinite(values) | (values != np.floor(values)) if whole else ~np.isfinite(values)
    bad = ~missing & wrong
    what = "a whole number" if whole else "a finite number"
    errors.add(bad, column=column, message=lambda value: f"{quoted(value)} is not {what}.", value=raw)
    return numbers.where(~bad)


def _kwh(texts: list[str | None], *, multiplier: int, errors: RowErrors) -> pd.Series:
    """kWh from Wh × 10^multiplier; scaled by an exact power of ten, so 450 Wh is exactly the float 0.45 kWh."""
    wh = numbers_of(texts, column=VALUE, whole=False, errors=errors)
    exponent = multiplier - 3
    kwh = wh * 10**exponent if exponent >= 0 else wh / 10 ** (-exponent)
    return flag_out_of_range(
        kwh, low=KWH.low, high=KWH.high, below=KWH.below, above=KWH.above, raw=kwh, column=VALUE, errors=errors
    )


def _without_repeats(frame: pd.DataFrame, *, errors: RowErrors) -> np.ndarray:
    """Positions of the readings to keep: each interval once. An identical repeat is dropped; another value for the
    same start, or an interval overlapping the one before it, is an error on the later line."""
    valid = frame[frame["ts"].notna() & frame["seconds"].notna() & frame["kwh"].notna()]
    ordered = valid.sort_values(["ts", "line"], kind="stable")
    identical = ordered.duplicated(subset=["ts", "seconds", "kwh"], keep="first").to_numpy()
    ordered = ordered[~identical]
    first = ordered.groupby("ts")["line"].transform("min")
    clash = ordered.duplicated(subset=["ts"], keep="first").to_numpy()
    _add_at(
        errors,
        ordered.index[clash],
        size=len(frame),
        column=VALUE,
        message=lambda first, value: (
            f"{quoted(value)} kWh conflicts with line {first}: another value (or duration) for the same interval."
        ),
        first=first.to_numpy()[clash],
        value=ordered["kwh"].astype(str).to_numpy()[clash],
    )
    ordered = ordered[~clash]
    ends = ordered["ts"] + pd.to_timedelta(ordered["seconds"], unit="s")
    # Of two overlapping intervals, the one later in the file is the error.
    overlap = np.flatnonzero((ordered["ts"] < ends.shift()).to_numpy())
    line = ordered["line"].to_numpy()
    later = np.where(line[overlap] > line[overlap - 1], overlap, overlap - 1)
    blamed, first_blame = np.unique(later, return_index=True)
    other = np.where(later == overlap, overlap - 1, overlap)[first_blame]
    _add_at(
        errors,
        ordered.index[blamed],
        size=len(frame),
        column=START,
        message=lambda previous: f"The interval overlaps the one on line {previous}, which it does not repeat.",
        previous=line[other],
    )
    return np.sort(np.delete(ordered.index.to_numpy(), blamed))


def _add_at(
    errors: RowErrors,
    positions: pd.Index,
    *,
    size: int,
    column: str,
    message: Callable[..., str],
    **values: np.ndarray,
) -> None:
    """RowErrors.add for rows named by position, with each value given only for those rows."""
    at = positions.to_numpy()
    mask = np.zeros(size, dtype=bool)
    mask[at] = True
    spread = {}
    for name, array in values.items():
        spread[name] = np.empty(size, dtype=object)
        spread[name][at] = array
    errors.add(mask, column=column, message=message, **spread)
