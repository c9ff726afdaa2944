"""Whether one month's savings may become credits, with reasons a facility manager understands.

A month is eligible when all of these hold:
- the month has ended in the building's time zone (savings are only ever measured, never expected);
- the building has a valid baseline;
- energy use fell (savings > 0);
- the data quality is OK or INTERPOLATED, or FLAGGED (5–20 % missing, or a severe anomaly no recorded event
  explains) and approved by a verifier;
- a retrofit was completed (its end date, else its start date) before the month began;
- no shutdown or equipment_failure event overlaps the month;
- no occupancy_change event with occupancy below ``min_occupancy_pct`` of normal overlaps the month;
- an emission factor exists for the month (one carried forward from earlier is a warning only).
Event dates are calendar dates, both included; an event without an end date is still ongoing.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

import pandas as pd

from mrv.calc import months
from mrv.calc.errors import CalcInputError
from mrv.calc.quality import INTERPOLATED_MAX_MISSING_PCT, QUALITY_LABELS

EVENT_TYPES = ("retrofit", "occupancy_change", "shutdown", "equipment_failure")
MIN_OCCUPANCY_PCT = 80.0
NOT_ENDED = "This month has not ended yet."
NO_BASELINE = "The building has no baseline yet."
NO_READINGS = "There are no meter readings for this month."
_DISRUPTIONS = {"shutdown": "a shutdown event", "equipment_failure": "an equipment failure event"}


@dataclass(frozen=True)
class ProjectEvent:
    event_type: str
    start: date
    end: date | None = None
    occupancy_pct: float | None = None

    def __post_init__(self) -> None:
        if self.event_type not in EVENT_TYPES:
            raise CalcInputError(f"Unknown event type {self.event_type!r}.")
        if self.end is not None and self.end < self.start:
            raise CalcInputError("An event cannot end before it starts.")

    def overlaps(self, first_day: date, last_day: date) -> bool:
        return self.start <= last_day and (self.end is None or self.end >= first_day)

    def describe_dates(self) -> str:
        return f"from {self.start} until {self.end}" if self.end else f"since {self.start}, still ongoing"


@dataclass(frozen=True)
class MonthFacts:
    """Everything the eligibility rules look at for one month."""

    month: pd.Period | str
    savings_kwh: float | None  # None when it cannot be measured: no readings, or no baseline to compare with
    quality: str
    missing_pct: float
    baseline_valid: bool
    emission_factor_available: bool
    ended: bool  # an earlier month than current_month
    emission_factor_carried_forward: bool = False
    verifier_approved: bool = False
    events: Sequence[ProjectEvent] = field(default_factory=tuple)
    # Severe anomalies in the readings that no recorded event explains, in words; they make the month FLAGGED.
    open_anomalies: Sequence[str] = field(default_factory=tuple)
    baseline_exists: bool = True


def current_month(*, timezone: str, now: pd.Timestamp) -> pd.Period:
    """The month running at the aware instant `now` in `timezone`; every earlier month has ended there."""
    return pd.Timestamp(now).tz_convert(timezone).tz_localize(None).to_period("M")


class Eligibility(NamedTuple):
    eligible: bool
    reasons: list[str]
    warnings: list[str]


def check_eligibility(facts: MonthFacts, *, min_occupancy_pct: float = MIN_OCCUPANCY_PCT) -> Eligibility:
    """Apply every rule; ``reasons`` explains each failure once, in one sentence, and names only causes: a month
    still running is only that (its data and savings are not final), and a month without readings or without a
    baseline has no savings to judge. ``warnings`` says what passed with a caveat."""
    if facts.quality not in QUALITY_LABELS:
        raise CalcInputError(f"Unknown data quality label {facts.quality!r}.")
    if not facts.ended:
        return Eligibility(eligible=False, reasons=[NOT_ENDED], warnings=[])
    period = facts.month if isinstance(facts.month, pd.Period) else pd.Period(facts.month, freq="M")
    first_day, last_day = months.first_day(period), months.last_day(period)
    quality_reasons, warnings = _quality_check(facts)
    reasons: list[str] = []
    if not facts.baseline_exists:
        reasons.append(NO_BASELINE)
    elif not facts.baseline_valid:
        reasons.append("no valid baseline: the building's baseline is not accurate enough")
    if facts.savings_kwh is not None and facts.savings_kwh <= 0:
        reasons.append("no energy reduction: this month's use was at or above the baseline")
    reasons += quality_reasons
    reasons += _retrofit_reasons(facts.events, first_day)
    for event in facts.events:
        if not event.overlaps(first_day, last_day):
            continue
        if event.event_type in _DISRUPTIONS:
            reasons.append(f"the period overlaps {_DISRUPTIONS[event.event_type]} ({event.describe_dates()})")
        elif (
            event.event_type == "occupancy_change"
            and event.occupancy_pct is not None
            and event.occupancy_pct < min_occupancy_pct
        ):
            reasons.append(
                f"occupancy fell to {event.occupancy_pct:g}% of normal ({event.describe_dates()}), below "
                f"{min_occupancy_pct:g}%, so lower use may come from fewer people rather than the retrofit"
            )
    if not facts.emission_factor_available:
        reasons.append("no emission factor is available for the building's grid region")
    elif facts.emission_factor_carried_forward:
        warnings.append("no emission factor covers this month; the latest earlier factor was carried forward")
    return Eligibility(eligible=not reasons, reasons=reasons, warnings=warnings)


def _quality_check(facts: MonthFacts) -> tuple[list[str], list[str]]:
    """(reasons, warnings) from the month's data quality: its missing readings and its unexplained anomalies."""
    missing = f"{facts.missing_pct:.1f}% of meter readings are missing"
    if facts.quality == "INTERPOLATED":
        return [], [f"{missing}; the gaps were filled from the expected use of the missing hours"]
    if facts.quality == "FLAGGED":
        gappy = facts.missing_pct > INTERPOLATED_MAX_MISSING_PCT
        shows = [f"the readings show {anomaly}" for anomaly in facts.open_anomalies]
        if facts.verifier_approved:
            return [], ["; ".join([missing] * gappy + shows) + "; a verifier reviewed and approved this month"]
        because = "; ".join([f"{missing} (more than 5%)"] * gappy + shows)
        return [f"{because}, so a verifier must review this month first"], []
    if facts.quality == "REJECTED":
        if facts.missing_pct >= 100:
            return [NO_READINGS], []
        return [f"{missing} (more than 20%), too many to calculate savings reliably"], []
    return [], []


def _retrofit_reasons(events: Sequence[ProjectEvent], first_day: date) -> list[str]:
    completions = [event.end or event.start for event in events if event.event_type == "retrofit"]
    if not completions:
        return ["no retrofit is recorded, so the savings cannot be attributed to one"]
    if min(completions) >= first_day:
        return [f"the retrofit was not finished before this month began (finished {min(completions)})"]
    return []
