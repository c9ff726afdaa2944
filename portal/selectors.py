"""Reads the portal's pages need beyond the apps' own selectors. Each starts from a building (or user) the
caller was already allowed to see by buildings.selectors, so tenant scoping stays there."""

import pandas as pd
from django.db.models import Max

from metering.readings.models import MeterReading
from metering.readings.selectors import readings_page
from metering.uploads.models import UploadKind
from mrv.engine import MonthResult, MrvRun
from mrv.models import Baseline
from mrv.selectors import MAX_MONTHS, cached_mrv_run, latest_complete_month
from reports.selectors import reports_visible_to

RECENT = 10
# How far back each readings chart looks from the latest reading, in the building's calendar.
READING_WINDOWS = {"hour": pd.DateOffset(days=2), "day": pd.DateOffset(days=89), "month": pd.DateOffset(months=23)}
READING_POINTS = 1000


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


def readings_window(*, building, interval: str) -> pd.DataFrame:
    """kWh per hour, day or month (`timestamp` in the building's zone, `kwh`) up to the latest reading."""
    latest = MeterReading.objects.filter(building=building).aggregate(last=Max("time"))["last"]
    if latest is None:
        return pd.DataFrame({"timestamp": [], "kwh": []})
    local = pd.Timestamp(latest).tz_convert(building.timezone)
    start = local.normalize() - READING_WINDOWS[interval]
    if interval == "month":
        start = start.replace(day=1)
    frame = readings_page(
        building=building, start=start.to_pydatetime(), end=None, interval=interval, after=None, limit=READING_POINTS
    )
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


def long_run(building, baseline: Baseline | None, last: pd.Period) -> MrvRun:
    """One cached run for the dashboard's long-range charts: from January of the year before `last` or from the
    first reporting month (the one after the baseline's last), whichever is earlier, to `last`; at most
    MAX_MONTHS long."""
    first = pd.Period(year=last.year - 1, month=1, freq="M")
    if baseline is not None:
        first = min(first, pd.Period(baseline.period_end, freq="M") + 1)
    first = max(first, last - (MAX_MONTHS - 1))
    run, _ = cached_mrv_run(building=building, first=first, last=last)
    return run


def reporting_months(run: MrvRun, baseline: Baseline | None) -> list[MonthResult]:
    """The run's months after the baseline's last month: the reporting period so far."""
    if baseline is None:
        return []
    after = str(pd.Period(baseline.period_end, freq="M"))
    return [month for month in run.months if month.period > after]


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
