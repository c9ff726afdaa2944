"""Billing periods of a Green Button usage point: totals over a utility's billing cycles, which the platform takes as
bills (greenbutton.py decides that a usage point holds billing data rather than meter intervals).

Two shapes carry them:
- a channel (MeterReading) whose IntervalReadings last longer than a local day: each reading is one period, its
  start and duration in epoch seconds, its value in Wh × 10^powerOfTenMultiplier of the channel's ReadingType;
- usage summaries only (ElectricPowerUsageSummary, or UsageSummary in ESPI 3.3): each summary's `billingPeriod`
  (start, duration) with `overallConsumptionLastPeriod` (value, uom, powerOfTenMultiplier) as its total, the
  convention of the utilities' "Download my data" files, where a summary closes its billing cycle.

Days: a bill covers whole local days, both ends included. A utility reads the meter at some hour of the read day, so
each period's start and end instants are taken to the nearest local midnight: consecutive periods that share a
boundary instant then share no day. A period not yet over (it ends after `latest`) is the current cycle, whose
total is not final: it is left out and counted. A period repeated identically (overlapping blocks) is taken once;
another total for the same period, or periods that overlap, are errors on the later line. Each period's kWh and
days are judged by the bill rules of the platform (metering.bills), which name the line.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from .errors import InvalidFile, RowErrors, quoted
from .espi_feed import Resource
from .espi_readings import DURATION, START, VALUE, numbers_of

WATT_HOURS = 72
PERIOD = "billingPeriod"
TOTAL = "overallConsumptionLastPeriod"


@dataclass(frozen=True)
class BillingPeriod:
    first_day: date  # local, included
    last_day: date  # local, included
    kwh: float
    line: int  # of the file


@dataclass(frozen=True)
class BillingPeriods:
    """The ended periods, by first day; `current`: how many periods were left out as not yet over."""

    periods: list[BillingPeriod]
    current: int


def channel_periods(columns: dict[str, list[Any]], *, multiplier: int, tz: str, latest: pd.Timestamp) -> BillingPeriods:
    """The readings of a billing channel (reading_columns' line, start, duration and value texts) as periods."""
    return _periods(columns, multipliers=np.full(len(columns["line"]), multiplier), tz=tz, latest=latest)


def summary_periods(summaries: list[Resource], *, tz: str, latest: pd.Timestamp) -> BillingPeriods:
    """Each usage summary's billing period and total; a summary in another unit than Wh is refused by name."""
    columns: dict[str, list[Any]] = {"line": [], START: [], DURATION: [], VALUE: []}
    multipliers = []
    for summary in summaries:
        uom = summary.text(f"e:{TOTAL}/e:uom")
        if uom and uom != str(WATT_HOURS):
            raise InvalidFile(
                f"The usage summary on line {summary.element.sourceline} states its {TOTAL} in unit code {quoted(uom)},"
                " not Wh (72)."
            )
        columns["line"].append(summary.element.sourceline)
        columns[START].append(summary.text(f"e:{PERIOD}/e:start"))
        columns[DURATION].append(summary.text(f"e:{PERIOD}/e:duration"))
        columns[VALUE].append(summary.text(f"e:{TOTAL}/e:value"))
        multipliers.append(_multiplier(summary.text(f"e:{TOTAL}/e:powerOfTenMultiplier"), summary))
    return _periods(columns, multipliers=np.asarray(multipliers), tz=tz, latest=latest)


def _multiplier(text: str | None, summary: Resource) -> int:
    if not text:
        return 0
    if not text.lstrip("-").isdigit() or not -9 <= int(text) <= 9:
        raise InvalidFile(
            f"The usage summary on line {summary.element.sourceline} has a powerOfTenMultiplier of {quoted(text)}, "
            "not a whole number from -9 to 9."
        )
    return int(text)


def _periods(
    columns: dict[str, list[Any]], *, multipliers: np.ndarray, tz: str, latest: pd.Timestamp
) -> BillingPeriods:
    lines = np.asarray(columns["line"], dtype=np.int64)
    if not len(lines):
        raise InvalidFile("The usage point's billing data holds no periods.")
    errors = RowErrors(lines, noun="line")
    start = numbers_of(columns[START], column=START, whole=True, errors=errors)
    duration = numbers_of(columns[DURATION], column=DURATION, whole=True, errors=errors)
    not_positive = (duration <= 0).to_numpy()
    errors.add(not_positive, column=DURATION, message="A billing period must last more than 0 seconds.")
    wh = numbers_of(columns[VALUE], column=VALUE, whole=False, errors=errors)
    exponent = multipliers - 3  # exact powers of ten, so 450 Wh is exactly the float 0.45 kWh
    kwh = pd.Series(np.where(exponent >= 0, wh * 10.0 ** np.abs(exponent), wh / 10.0 ** np.abs(exponent)))
    errors.add((kwh < 0).to_numpy(), column=VALUE, message=lambda value: f"{quoted(value)} is negative.", value=wh)
    errors.raise_if_any()
    begins = pd.to_datetime(start, unit="s", utc=True).dt.tz_convert(tz)
    ends = begins + pd.to_timedelta(duration, unit="s")
    over = (ends <= latest).to_numpy()
    candidates = [
        _Candidate(first=first, after=after, kwh=float(value), line=int(line))
        for first, after, value, line in zip(
            _nearest_midnight(begins[over]), _nearest_midnight(ends[over]), kwh[over], lines[over], strict=True
        )
    ]
    return BillingPeriods(periods=_without_repeats(candidates), current=int((~over).sum()))


@dataclass(frozen=True)
class _Candidate:
    first: date  # the local day the period starts
    after: date  # the local day after its last
    kwh: float
    line: int


def _nearest_midnight(instants: pd.Series) -> list[date]:
    """Each local instant's nearest local midnight, as that day."""
    return [day.date() for day in instants.dt.tz_localize(None).dt.round("D")]


def _without_repeats(candidates: list[_Candidate]) -> list[BillingPeriod]:
    """Each period once, by first day: an identical repeat is dropped; another total for the same days, periods of no
    whole day, and periods that overlap are errors on the later line."""
    errors = RowErrors(np.asarray([candidate.line for candidate in candidates], dtype=np.int64), noun="line")
    at = np.zeros(len(candidates), dtype=bool)
    message = np.empty(len(candidates), dtype=object)
    position = {candidate.line: i for i, candidate in enumerate(candidates)}
    kept: list[_Candidate] = []
    for candidate in sorted(candidates, key=lambda c: (c.first, c.line)):
        previous = kept[-1] if kept else None
        if previous is not None and (previous.first, previous.after, previous.kwh) == (
            candidate.first,
            candidate.after,
            candidate.kwh,
        ):
            continue  # the same period again (overlapping blocks)
        if candidate.after <= candidate.first:
            at[position[candidate.line]] = True
            message[position[candidate.line]] = "The period covers no whole local day."
        elif previous is not None and candidate.first < previous.after:
            later, earlier = (candidate, previous) if candidate.line > previous.line else (previous, candidate)
            at[position[later.line]] = True
            message[position[later.line]] = (
                f"The billing period overlaps the one on line {earlier.line} (another total for some of its days)."
            )
        else:
            kept.append(candidate)
    errors.add(at, column=START, message=lambda text: text, text=message)
    errors.raise_if_any()
    return [
        BillingPeriod(first_day=c.first, last_day=c.after - timedelta(days=1), kwh=c.kwh, line=c.line) for c in kept
    ]
