"""Daily occupancy fractions from a building's weekday/weekend profile and its occupancy_change events."""

from collections.abc import Sequence
from datetime import date

import numpy as np
import pandas as pd

from mrv.calc.eligibility import ProjectEvent
from mrv.calc.errors import CalcInputError


def daily_occupancy(
    *,
    start: date,
    end: date,
    weekday_pct: float,
    weekend_pct: float,
    events: Sequence[ProjectEvent] = (),
) -> pd.Series:
    """Occupancy as a fraction (0.9 = 90 %) for each day from ``start`` to ``end``, both included.

    Monday–Friday get ``weekday_pct``, Saturday–Sunday ``weekend_pct`` (0–100). An occupancy_change
    event's ``occupancy_pct`` is a percentage of normal and scales the profile on the event's days
    (later events override earlier ones where they overlap).
    """
    if not (0 <= weekday_pct <= 100 and 0 <= weekend_pct <= 100):
        raise CalcInputError("Weekday and weekend occupancy must be percentages between 0 and 100.")
    days = pd.date_range(start, end, freq="D")
    occupancy = np.where(days.dayofweek < 5, weekday_pct, weekend_pct) / 100.0
    scale = np.ones(len(days))
    for event in events:
        if event.event_type != "occupancy_change" or event.occupancy_pct is None:
            continue
        last = pd.Timestamp(event.end) if event.end else days.max()
        scale[(days >= pd.Timestamp(event.start)) & (days <= last)] = event.occupancy_pct / 100.0
    return pd.Series(occupancy * scale, index=days, name="occupancy")
