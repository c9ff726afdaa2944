"""Reads the portal's pages need beyond the apps' own selectors. Each starts from a building (or user) the
caller was already allowed to see by buildings.selectors, so tenant scoping stays there."""

from datetime import date

import pandas as pd
from django.db.models import Max

from metering.readings.models import MeterReading
from metering.readings.selectors import RAW_PAGE, readings_page
from metering.uploads.models import UploadKind
from mrv.engine import MonthResult, MrvRun
from mrv.models import Baseline
from mrv.selectors import cached_mrv_run, latest_complete_month
from reports.selectors import reports_visible_to

from .ranges import DaySpan, MonthSpan

RECENT = 10


def latest_month_of(building) -> MonthResult | None:
    """The MRV result of the building's latest complete month, or None before it has readings."""
    latest = latest_complete_month(building)
    if latest is None:
        return None
    run, _ = cached_mrv_run(building=building, first=latest, last=latest)
    return run.months[0]


def year_to(building, last: pd.Period) -> MrvRun:
    """The MRV run of the twelve months up to `last`."""
    run, _ = cached_mrv_run(building=building, first=last - 11, last=last)
    return run


def recent_uploads(building):
    meter_files = (UploadKind.METER_CSV, UploadKind.GREENBUTTON)
    return building.uploads.filter(kind__in=meter_files).select_related("uploaded_by")[:RECENT]


def latest_reading_day(building) -> date | None:
    """The day of the building's latest reading in its zone, or None before it has one."""
    latest = MeterReading.objects.filter(building=building).aggregate(last=Max("time"))["last"]
    return None if latest is None else pd.Timestamp(latest).tz_convert(building.timezone).date()


def readings_in(*, building, span: DaySpan) -> pd.DataFrame:
    """kWh per hour, day or month of the span's days (`timestamp` in the building's zone, `kwh`): one page of
    the readings API, which the span is bounded to fill at most."""
    start, end = span.instants(building.timezone)
    frame = readings_page(building=building, start=start, end=end, interval=span.interval, after=None, limit=RAW_PAGE)
    return frame.assign(timestamp=frame["timestamp"].dt.tz_convert(building.timezone))


def baseline_months(building, baseline: Baseline) -> list[MonthResult]:
    """The current baseline's model against the metered months of its own window."""
    first, last = pd.Period(baseline.period_start, freq="M"), pd.Period(baseline.period_end, freq="M")
    run, _ = cached_mrv_run(building=building, first=first, last=last)
    return run.months


def bills_of(building):
    return building.bills.select_related("upload").order_by("-created_at")


def reports_of(*, user, building):
    return reports_visible_to(user).filter(building=building).order_by("-created_at")[:RECENT]


def span_run(building, span: MonthSpan) -> MrvRun:
    """The cached MRV run of the span's months: the run GET /mrv/{id}/savings?start=…&end=… answers with."""
    run, _ = cached_mrv_run(building=building, first=span.first, last=span.last)
    return run


def years_run(building, last: pd.Period) -> MrvRun:
    """The cached MRV run from January of the year before `last` to `last`: this year over last."""
    run, _ = cached_mrv_run(building=building, first=pd.Period(year=last.year - 1, month=1, freq="M"), last=last)
    return run


def year_over_year(run: MrvRun, last: pd.Period) -> dict[str, list[float | None]]:
    """Metered kWh per calendar month of `last`'s year and of the year before, January to December (months not
    yet reached, or not in the run, are None)."""
    kwh = {month.period: month.actual_kwh for month in run.months}
    return {
        str(year): [
            kwh.get(f"{year}-{month:02d}") if f"{year}-{month:02d}" <= str(last) else None for month in range(1, 13)
        ]
        for year in (last.year - 1, last.year)
    }


def years_to_date(years: dict[str, list[float | None]]) -> dict | None:
    """The two years of `year_over_year` compared over the calendar months both have metered kWh for: each
    year's kWh over those months and the later's change in percent; None when no month is in both."""
    (earlier, before), (later, after) = years.items()
    both = [index for index, (old, new) in enumerate(zip(before, after, strict=True)) if None not in (old, new)]
    if not both:
        return None
    old_kwh, new_kwh = (sum(values[index] or 0.0 for index in both) for values in (before, after))
    return {
        "months": len(both),
        "earlier": earlier,
        "earlier_kwh": old_kwh,
        "later": later,
        "later_kwh": new_kwh,
        "change_pct": (new_kwh - old_kwh) / old_kwh * 100 if old_kwh else None,
    }
