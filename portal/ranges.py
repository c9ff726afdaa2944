"""The spans of time the portal's charts show, read from the query string so that a view is a link: whole months
for the dashboard's long view, days for the data page's readings. A value that is malformed, reversed, not yet
ended in the building's zone or longer than the chart can show is said in a sentence, and the default span is
shown instead, so a bad bookmark is a message, never an error page."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pandas as pd

from carbonexia.common import calendar
from carbonexia.common.errors import Invalid
from metering.readings.selectors import RAW_PAGE
from mrv.calc import current_month
from mrv.selectors import MAX_MONTHS, months_checked

# The dashboard's quick choices, in the order they are offered.
QUICK = {"reporting": "Reporting period", "12m": "Last 12 months", "years": "This year vs last"}
CUSTOM = "custom"
INTERVALS = ("hour", "day", "month")
DEFAULT_INTERVAL = "day"
# How far back the readings chart looks from the day of the latest reading when no dates are asked for.
READING_WINDOWS = {"hour": pd.DateOffset(days=2), "day": pd.DateOffset(days=89), "month": pd.DateOffset(months=23)}
# The longest span each interval shows in one page of readings (RAW_PAGE points): 41 days of hours leave room
# for the extra hour of a day when clocks go back.
MOST_DAYS = {"hour": RAW_PAGE // 24, "day": RAW_PAGE}


class Refused(ValueError):
    """A span asked for that cannot be shown; its text is the sentence the page shows."""


@dataclass(frozen=True)
class MonthSpan:
    first: pd.Period
    last: pd.Period
    choice: str  # a key of QUICK, or CUSTOM

    @property
    def label(self) -> str:
        return QUICK.get(self.choice, f"{self.first} to {self.last}")

    @property
    def query(self) -> dict[str, str]:
        """The query string that asks for this span."""
        if self.choice == CUSTOM:
            return {"start": str(self.first), "end": str(self.last)}
        return {"range": self.choice}


@dataclass(frozen=True)
class DaySpan:
    first: date
    last: date  # included
    interval: str

    def instants(self, tz: str) -> tuple[datetime, datetime]:
        """From the start of the first day to the start of the day after the last, in the zone `tz`; a midnight
        the clocks skip is the first instant after it."""
        start, end = (
            pd.Timestamp(day).tz_localize(tz, nonexistent="shift_forward", ambiguous=False).to_pydatetime()
            for day in (self.first, self.last + timedelta(days=1))
        )
        return start, end

    @property
    def query(self) -> dict[str, str]:
        return {"interval": self.interval, "start": self.first.isoformat(), "end": self.last.isoformat()}


def reporting_started(*, latest: pd.Period, reporting_first: pd.Period | None) -> bool:
    """Whether the reporting period has a complete month: it needs a baseline, and starts after its last month."""
    return reporting_first is not None and reporting_first <= latest


def quick_span(choice: str, *, latest: pd.Period, reporting_first: pd.Period | None) -> MonthSpan:
    """A quick choice up to the latest complete month; the reporting period goes back at most MAX_MONTHS."""
    if choice == "reporting":
        if reporting_first is None or not reporting_started(latest=latest, reporting_first=reporting_first):
            raise Refused("There is no reporting period yet: it begins the month after the baseline's last month.")
        return MonthSpan(max(reporting_first, latest - (MAX_MONTHS - 1)), latest, choice)
    if choice == "years":
        return MonthSpan(pd.Period(year=latest.year - 1, month=1, freq="M"), latest, choice)
    return MonthSpan(latest - 11, latest, "12m")


def default_span(*, latest: pd.Period, reporting_first: pd.Period | None) -> MonthSpan:
    """The whole reporting period; the last twelve months while there is none."""
    try:
        return quick_span("reporting", latest=latest, reporting_first=reporting_first)
    except Refused:
        return quick_span("12m", latest=latest, reporting_first=reporting_first)


def month_span(
    query: Mapping[str, str], *, latest: pd.Period, tz: str, now: datetime, reporting_first: pd.Period | None
) -> tuple[MonthSpan, str | None]:
    """The span of months `query` asks for (`range`, or `start`/`end` as YYYY-MM, which win), and None; or the
    default span and why the one asked for cannot be shown. A month counts once it has ended in the zone `tz`."""
    try:
        return _asked_months(query, latest=latest, tz=tz, now=now, reporting_first=reporting_first), None
    except Refused as refusal:
        default = default_span(latest=latest, reporting_first=reporting_first)
        return default, f"{refusal} Showing {_in_words(default)} instead."


def _asked_months(
    query: Mapping[str, str], *, latest: pd.Period, tz: str, now: datetime, reporting_first: pd.Period | None
) -> MonthSpan:
    start, end = query.get("start", "").strip(), query.get("end", "").strip()
    if not start and not end:
        choice = query.get("range", "").strip()
        if not choice:
            return default_span(latest=latest, reporting_first=reporting_first)
        if choice not in QUICK:
            raise Refused(f"“{choice}” is not a range; choose one of {', '.join(QUICK.values())}.")
        return quick_span(choice, latest=latest, reporting_first=reporting_first)
    last = _month(end, "The last month") if end else latest
    first = _month(start, "The first month") if start else last - 11
    running = current_month(timezone=tz, now=pd.Timestamp(now))
    if last >= running:
        raise Refused(f"{last} has not ended yet in {tz}: the latest month to choose is {running - 1}.")
    try:
        months_checked(first, last)
    except Invalid as refusal:
        raise Refused(refusal.detail) from None
    return MonthSpan(first, last, CUSTOM)


def _month(text: str, name: str) -> pd.Period:
    start = calendar.month_start(text)
    if start is None:
        raise Refused(f"{name}, “{text}”, is not a month: write it as YYYY-MM.")
    if not calendar.within(start):
        raise Refused(f"{name} must be between {calendar.FIRST:%Y-%m} and {calendar.LAST:%Y-%m}.")
    return pd.Period(start, freq="M")


def _in_words(span: MonthSpan) -> str:
    return f"the {span.label.lower()} ({span.first} to {span.last})"


def day_span(
    query: Mapping[str, str], *, tz: str, now: datetime, latest_day: date | None
) -> tuple[DaySpan, str | None]:
    """The interval (hour, day or month) and days (`start`/`end` as YYYY-MM-DD, both included) `query` asks
    for, and None; or the default span and why. No day after today in the zone `tz`, and no more days than one
    page of readings holds at the interval. By default the window up to the day of the latest reading."""
    interval = query.get("interval", "").strip() or DEFAULT_INTERVAL
    today = pd.Timestamp(now).tz_convert(tz).date()
    try:
        if interval not in INTERVALS:
            raise Refused(f"“{interval}” is not an interval; choose hour, day or month.")
        return _asked_days(query, interval=interval, today=today, latest_day=latest_day), None
    except Refused as refusal:
        interval = interval if interval in INTERVALS else DEFAULT_INTERVAL
        default = _window(interval, latest_day or today)
        return default, f"{refusal} Showing {default.first} to {default.last} instead."


def _asked_days(query: Mapping[str, str], *, interval: str, today: date, latest_day: date | None) -> DaySpan:
    start, end = query.get("start", "").strip(), query.get("end", "").strip()
    last = _day(end, "The end date") if end else min(latest_day or today, today)
    first = _day(start, "The start date") if start else _window(interval, last).first
    if last > today:
        raise Refused(f"{last} is after today ({today}) in the building's time zone.")
    if last < first:
        raise Refused(f"The end date ({last}) is before the start date ({first}).")
    _fits(DaySpan(first, last, interval))
    return DaySpan(first, last, interval)


def _fits(span: DaySpan) -> None:
    if span.interval == "month":
        months = (span.last.year - span.first.year) * 12 + span.last.month - span.first.month + 1
        if months > RAW_PAGE:
            raise Refused(f"Summed per month, a chart shows at most {RAW_PAGE} months.")
        return
    most = MOST_DAYS[span.interval]
    if (span.last - span.first).days + 1 > most:
        longer = "day or month" if span.interval == "hour" else "month"
        raise Refused(f"Summed per {span.interval}, a chart shows at most {most} days; sum per {longer} for more.")


def _window(interval: str, last: date) -> DaySpan:
    first = (pd.Timestamp(last) - READING_WINDOWS[interval]).date()
    return DaySpan(first.replace(day=1) if interval == "month" else first, last, interval)


def _day(text: str, name: str) -> date:
    try:
        day = datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise Refused(f"{name}, “{text}”, is not a date: write it as YYYY-MM-DD.") from None
    if not calendar.within(day):
        raise Refused(f"{name} must be between {calendar.FIRST} and {calendar.LAST}.")
    return day
