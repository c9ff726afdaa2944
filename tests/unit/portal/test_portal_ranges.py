"""The spans the portal's charts show, read from the query string: every expected value below was worked out by
hand (calendar months, leap days, month ends, the hour a zone's clocks skip, the month a zone has already ended)."""

from datetime import UTC, date, datetime

import pandas as pd
import pytest

from portal.ranges import DaySpan, MonthSpan, day_span, month_span

M = pd.Period
# The last instant of March 2025 in UTC is still March in New York but already April in Kolkata (UTC+5:30).
MARCH_31_EVENING = datetime(2025, 3, 31, 19, 0, tzinfo=UTC)
APRIL = datetime(2025, 4, 10, 12, 0, tzinfo=UTC)


def months(query, *, latest="2025-03", reporting_first="2024-03", tz="Asia/Kolkata", now=APRIL):
    first = M(reporting_first, freq="M") if reporting_first else None
    return month_span(query, latest=M(latest, freq="M"), tz=tz, now=now, reporting_first=first)


def span(first, last, choice):
    return MonthSpan(M(first, freq="M"), M(last, freq="M"), choice)


def test_the_default_is_the_whole_reporting_period():
    assert months({}) == (span("2024-03", "2025-03", "reporting"), None)
    assert months({"range": "reporting"}) == (span("2024-03", "2025-03", "reporting"), None)


@pytest.mark.parametrize(
    ("choice", "first"),
    [("12m", "2024-04"), ("years", "2024-01")],  # twelve months back, both ends included; January of last year
)
def test_quick_choices_end_at_the_latest_complete_month(choice, first):
    assert months({"range": choice}) == (span(first, "2025-03", choice), None)


def test_without_a_baseline_the_default_is_the_last_twelve_months_and_asking_for_the_reporting_period_is_said():
    assert months({}, reporting_first=None) == (span("2024-04", "2025-03", "12m"), None)
    shown, message = months({"range": "reporting"}, reporting_first=None)
    assert shown == span("2024-04", "2025-03", "12m")
    assert message == (
        "There is no reporting period yet: it begins the month after the baseline's last month. "
        "Showing the last 12 months (2024-04 to 2025-03) instead."
    )
    # A baseline that ends with the latest month: its reporting period has no month yet.
    assert months({}, reporting_first="2025-04")[0] == span("2024-04", "2025-03", "12m")


def test_a_reporting_period_longer_than_an_mrv_run_shows_its_last_120_months():
    assert months({}, reporting_first="2010-01")[0] == span("2015-04", "2025-03", "reporting")


def test_chosen_months_win_over_a_quick_choice_and_ask_for_themselves_again():
    shown, message = months({"range": "12m", "start": "2024-02", "end": "2024-02"})
    assert (shown, message) == (span("2024-02", "2024-02", "custom"), None)
    assert shown.query == {"start": "2024-02", "end": "2024-02"}
    assert months({"range": "years"})[0].query == {"range": "years"}
    # A missing end is the latest complete month; a missing start twelve months before the end.
    assert months({"start": "2023-06"})[0] == span("2023-06", "2025-03", "custom")
    assert months({"end": "2024-12"})[0] == span("2024-01", "2024-12", "custom")


@pytest.mark.parametrize(
    ("query", "said"),
    [
        ({"start": "2024-12", "end": "2024-01"}, "The period ends before it starts."),
        ({"end": "2025-13"}, "The last month, “2025-13”, is not a month: write it as YYYY-MM."),
        ({"start": "2025-3"}, "The first month, “2025-3”, is not a month: write it as YYYY-MM."),
        ({"start": "1899-12"}, "The first month must be between 1900-01 and 2199-12."),
        ({"end": "2025-04"}, "2025-04 has not ended yet in Asia/Kolkata: the latest month to choose is 2025-03."),
        ({"start": "2015-03", "end": "2025-03"}, "A period covers at most 120 months."),  # 121 months
        ({"range": "decade"}, "“decade” is not a range; choose one of Reporting period, Last 12 months, This year"),
    ],
)
def test_a_bad_range_is_said_and_the_reporting_period_shown(query, said):
    shown, message = months(query)
    assert shown == span("2024-03", "2025-03", "reporting")
    assert message.startswith(said) and message.endswith("Showing the reporting period (2024-03 to 2025-03) instead.")


def test_120_months_are_one_run():
    assert months({"start": "2015-04", "end": "2025-03"})[1] is None


def test_a_month_counts_once_it_has_ended_in_the_buildings_zone():
    query = {"start": "2025-01", "end": "2025-03"}
    assert months(query, tz="Asia/Kolkata", now=MARCH_31_EVENING)[1] is None  # 00:30 on 1 April there
    shown, message = months(query, latest="2025-02", tz="America/New_York", now=MARCH_31_EVENING)  # 15:00 on 31 March
    assert message.startswith("2025-03 has not ended yet in America/New_York: the latest month to choose is 2025-02.")
    assert shown == span("2024-03", "2025-02", "reporting")


def days(query, *, latest_day=date(2025, 3, 31), tz="Asia/Kolkata", now=APRIL):
    return day_span(query, tz=tz, now=now, latest_day=latest_day)


@pytest.mark.parametrize(
    ("interval", "latest_day", "first"),
    [
        ("day", date(2025, 3, 31), date(2025, 1, 1)),  # 89 days back: 30 of January, 28 of February, 31 of March
        ("day", date(2024, 3, 31), date(2024, 1, 2)),  # a leap year's February has one day more
        ("hour", date(2025, 3, 1), date(2025, 2, 27)),
        ("month", date(2025, 3, 31), date(2023, 4, 1)),  # 23 months back is 30 April 2023, from its first day
    ],
)
def test_by_default_the_readings_window_ends_on_the_day_of_the_latest_reading(interval, latest_day, first):
    assert days({"interval": interval}, latest_day=latest_day) == (DaySpan(first, latest_day, interval), None)


def test_without_readings_the_window_ends_today_in_the_buildings_zone():
    assert days({}, latest_day=None, now=MARCH_31_EVENING) == (DaySpan(date(2025, 1, 2), date(2025, 4, 1), "day"), None)


def test_chosen_days_are_kept_with_their_interval():
    chosen, message = days({"interval": "hour", "start": "2024-02-29", "end": "2024-02-29"})
    assert (chosen, message) == (DaySpan(date(2024, 2, 29), date(2024, 2, 29), "hour"), None)
    assert chosen.query == {"interval": "hour", "start": "2024-02-29", "end": "2024-02-29"}
    assert days({"start": "2025-03-01"})[0] == DaySpan(date(2025, 3, 1), date(2025, 3, 31), "day")
    assert days({"interval": "hour", "start": "2025-01-01", "end": "2025-02-10"})[1] is None  # 41 days: 984 hours
    assert days({"start": "2022-07-06", "end": "2025-03-31"})[1] is None  # 1000 days


@pytest.mark.parametrize(
    ("query", "said"),
    [
        ({"start": "2023-02-29"}, "The start date, “2023-02-29”, is not a date: write it as YYYY-MM-DD."),
        ({"end": "2025-04-31"}, "The end date, “2025-04-31”, is not a date: write it as YYYY-MM-DD."),
        ({"start": "2025-03-10", "end": "2025-03-09"}, "The end date (2025-03-09) is before the start date"),
        ({"end": "2025-04-11"}, "2025-04-11 is after today (2025-04-10) in the building's time zone."),
        ({"start": "2022-07-05", "end": "2025-03-31"}, "Summed per day, a chart shows at most 1000 days"),
        ({"interval": "hour", "start": "2025-01-01", "end": "2025-02-11"}, "Summed per hour, a chart shows at most 41"),
        ({"start": "1899-12-31"}, "The start date must be between 1900-01-01 and 2199-12-31."),
    ],
)
def test_bad_days_are_said_and_the_default_window_shown(query, said):
    shown, message = days(query)
    default_first = {"day": date(2025, 1, 1), "hour": date(2025, 3, 29)}[shown.interval]
    assert (shown.first, shown.last) == (default_first, date(2025, 3, 31))
    assert message.startswith(said) and message.endswith(f"Showing {shown.first} to 2025-03-31 instead.")


def test_a_bad_interval_is_said_and_days_are_summed():
    shown, message = days({"interval": "century"})
    assert shown == DaySpan(date(2025, 1, 1), date(2025, 3, 31), "day")
    assert message.startswith("“century” is not an interval; choose hour, day or month.")


def test_today_is_the_buildings_today():
    query = {"end": "2025-04-01"}
    assert days(query, tz="Asia/Kolkata", now=MARCH_31_EVENING)[1] is None  # already 1 April there
    assert days(query, tz="America/New_York", now=MARCH_31_EVENING)[1].startswith("2025-04-01 is after today")


def test_days_are_instants_from_local_midnight_to_the_midnight_after_the_last_day():
    def utc(first, last, tz):
        start, end = DaySpan(first, last, "hour").instants(tz)
        return start.astimezone(UTC), end.astimezone(UTC)

    # The last day of a month ends at the first midnight of the next, in the building's zone.
    assert utc(date(2024, 1, 31), date(2024, 1, 31), "Asia/Kolkata") == (
        datetime(2024, 1, 30, 18, 30, tzinfo=UTC),
        datetime(2024, 1, 31, 18, 30, tzinfo=UTC),
    )
    assert utc(date(2024, 2, 1), date(2024, 2, 29), "UTC")[1] == datetime(2024, 3, 1, tzinfo=UTC)
    # New York's clocks spring forward on 10 March 2024: that day has 23 hours.
    start, end = utc(date(2024, 3, 10), date(2024, 3, 10), "America/New_York")
    assert (start, end) == (datetime(2024, 3, 10, 5, tzinfo=UTC), datetime(2024, 3, 11, 4, tzinfo=UTC))
    # Santiago's clocks skip from midnight to 01:00 on 8 September 2024: the day starts at 01:00 (-03:00).
    assert utc(date(2024, 9, 8), date(2024, 9, 8), "America/Santiago")[0] == datetime(2024, 9, 8, 4, tzinfo=UTC)
