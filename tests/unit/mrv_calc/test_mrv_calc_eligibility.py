from datetime import date

import pandas as pd
import pytest

from mrv import calc
from mrv.calc import CalcInputError, MonthFacts, ProjectEvent, check_eligibility

RETROFIT = ProjectEvent("retrofit", date(2024, 1, 10), date(2024, 2, 20))


def facts(**overrides) -> MonthFacts:
    """A month that passes every rule: March 2024 after a retrofit finished on 20 February."""
    values = dict(
        month="2024-03",
        savings_kwh=1200.0,
        quality="OK",
        missing_pct=0.0,
        baseline_valid=True,
        emission_factor_available=True,
        ended=True,
        events=(RETROFIT,),
    )
    return MonthFacts(**(values | overrides))


def test_a_clean_month_is_eligible():
    assert check_eligibility(facts()) == (True, [], [])


def test_a_month_that_has_not_ended_is_never_eligible():
    result = check_eligibility(facts(ended=False))
    assert result == (False, ["This month has not ended yet."], [])


@pytest.mark.parametrize(
    ("now", "timezone", "month"),
    [
        # 18:29 UTC on 31 March is 23:59 in Kolkata: March is still running there...
        ("2024-03-31T18:29:59Z", "Asia/Kolkata", "2024-03"),
        # ...and a second after 18:30 UTC it is April there, while March runs on in New York until 04:00 UTC.
        ("2024-03-31T18:30:01Z", "Asia/Kolkata", "2024-04"),
        ("2024-04-01T03:59:59Z", "America/New_York", "2024-03"),
        ("2024-04-01T04:00:00Z", "America/New_York", "2024-04"),
    ],
)
def test_the_current_month_is_the_one_running_in_the_buildings_zone(now, timezone, month):
    assert calc.current_month(timezone=timezone, now=pd.Timestamp(now)) == pd.Period(month, freq="M")


def test_no_valid_baseline():
    result = check_eligibility(facts(baseline_valid=False))
    assert not result.eligible
    assert result.reasons == ["no valid baseline: the building's baseline is not accurate enough"]


def test_no_baseline_is_one_reason_and_no_savings_are_judged():
    result = check_eligibility(facts(baseline_exists=False, baseline_valid=False, savings_kwh=None))
    assert result.reasons == ["The building has no baseline yet."]


def test_a_month_without_readings_is_one_reason_not_also_a_use_at_or_above_the_baseline():
    result = check_eligibility(facts(quality="REJECTED", missing_pct=100.0, savings_kwh=None))
    assert result.reasons == ["There are no meter readings for this month."]


def test_a_month_still_running_has_only_that_reason():
    running = facts(ended=False, quality="REJECTED", missing_pct=60.0, savings_kwh=-5.0, events=())
    assert check_eligibility(running) == (False, ["This month has not ended yet."], [])


@pytest.mark.parametrize("savings", [0.0, -50.0])
def test_no_reduction(savings):
    result = check_eligibility(facts(savings_kwh=savings))
    assert result.reasons == ["no energy reduction: this month's use was at or above the baseline"]


def test_interpolated_month_is_eligible_with_a_warning():
    result = check_eligibility(facts(quality="INTERPOLATED", missing_pct=3.2))
    assert result == (
        True,
        [],
        ["3.2% of meter readings are missing; the gaps were filled from the expected use of the missing hours"],
    )


def test_flagged_month_needs_a_verifier():
    result = check_eligibility(facts(quality="FLAGGED", missing_pct=12.0))
    assert result.reasons == [
        "12.0% of meter readings are missing (more than 5%), so a verifier must review this month first"
    ]
    approved = check_eligibility(facts(quality="FLAGGED", missing_pct=12.0, verifier_approved=True))
    assert approved == (
        True,
        [],
        ["12.0% of meter readings are missing; a verifier reviewed and approved this month"],
    )


def test_rejected_month_is_ineligible_even_if_approved():
    result = check_eligibility(facts(quality="REJECTED", missing_pct=31.0, verifier_approved=True))
    assert result.reasons == [
        "31.0% of meter readings are missing (more than 20%), too many to calculate savings reliably"
    ]


def test_no_retrofit_recorded():
    result = check_eligibility(facts(events=()))
    assert result.reasons == ["no retrofit is recorded, so the savings cannot be attributed to one"]


@pytest.mark.parametrize(
    ("retrofit", "eligible"),
    [
        (ProjectEvent("retrofit", date(2024, 2, 29)), True),  # one-day retrofit the day before
        (ProjectEvent("retrofit", date(2024, 3, 1)), False),  # finished on the month's first day
        (ProjectEvent("retrofit", date(2024, 2, 1), date(2024, 3, 5)), False),  # still being installed
    ],
)
def test_retrofit_must_be_finished_before_the_month(retrofit, eligible):
    result = check_eligibility(facts(events=(retrofit,)))
    assert result.eligible is eligible
    if not eligible:
        assert result.reasons[0].startswith("the retrofit was not finished before this month began")


@pytest.mark.parametrize(
    ("event", "overlaps"),
    [
        (ProjectEvent("shutdown", date(2024, 3, 5), date(2024, 3, 9)), True),
        (ProjectEvent("shutdown", date(2024, 2, 20), date(2024, 3, 1)), True),  # ends on the first day
        (ProjectEvent("shutdown", date(2024, 3, 31), date(2024, 4, 3)), True),  # starts on the last day
        (ProjectEvent("shutdown", date(2024, 2, 20), date(2024, 2, 29)), False),  # ends the day before
        (ProjectEvent("shutdown", date(2024, 4, 1)), False),  # starts after
        (ProjectEvent("shutdown", date(2024, 1, 1)), True),  # no end date: still shut down
    ],
)
def test_shutdown_overlap_uses_inclusive_dates(event, overlaps):
    result = check_eligibility(facts(events=(RETROFIT, event)))
    assert result.eligible is not overlaps


def test_shutdown_and_equipment_failure_reasons():
    events = (
        RETROFIT,
        ProjectEvent("shutdown", date(2024, 3, 5), date(2024, 3, 9)),
        ProjectEvent("equipment_failure", date(2024, 3, 20)),
    )
    assert check_eligibility(facts(events=events)).reasons == [
        "the period overlaps a shutdown event (from 2024-03-05 until 2024-03-09)",
        "the period overlaps an equipment failure event (since 2024-03-20, still ongoing)",
    ]


@pytest.mark.parametrize(("occupancy_pct", "eligible"), [(60, False), (79.9, False), (80, True), (95, True)])
def test_occupancy_drop_below_80_percent(occupancy_pct, eligible):
    change = ProjectEvent("occupancy_change", date(2024, 3, 10), date(2024, 3, 20), occupancy_pct)
    result = check_eligibility(facts(events=(RETROFIT, change)))
    assert result.eligible is eligible
    if not eligible:
        assert result.reasons[0].startswith(f"occupancy fell to {occupancy_pct:g}% of normal")


def test_occupancy_threshold_is_configurable():
    change = ProjectEvent("occupancy_change", date(2024, 3, 1), occupancy_pct=85.0)
    assert not check_eligibility(facts(events=(RETROFIT, change)), min_occupancy_pct=90).eligible


def test_emission_factor_missing_or_carried_forward():
    missing = check_eligibility(facts(emission_factor_available=False))
    assert missing.reasons == ["no emission factor is available for the building's grid region"]
    carried = check_eligibility(facts(emission_factor_carried_forward=True))
    assert carried == (
        True,
        [],
        ["no emission factor covers this month; the latest earlier factor was carried forward"],
    )


def test_every_failed_rule_is_reported():
    result = check_eligibility(facts(baseline_valid=False, savings_kwh=-1.0, events=(), quality="REJECTED"))
    assert len(result.reasons) == 4


def test_bad_input_is_refused():
    with pytest.raises(CalcInputError):
        check_eligibility(facts(quality="GOOD"))
    with pytest.raises(CalcInputError):
        ProjectEvent("party", date(2024, 1, 1))
    with pytest.raises(CalcInputError):
        ProjectEvent("shutdown", date(2024, 1, 5), date(2024, 1, 1))


@pytest.mark.parametrize(
    ("month", "first", "last"),
    [
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
        ("2025-02", date(2025, 2, 1), date(2025, 2, 28)),
        ("2025-12", date(2025, 12, 1), date(2025, 12, 31)),
        ("2026-04", date(2026, 4, 1), date(2026, 4, 30)),
    ],
)
def test_a_months_first_and_last_day(month, first, last):
    period = pd.Period(month, freq="M")
    assert (calc.first_day(period), calc.last_day(period)) == (first, last)


def test_a_period_month_is_judged_like_its_text():
    ongoing = ProjectEvent("shutdown", date(2024, 3, 31))
    as_text = check_eligibility(facts(events=(RETROFIT, ongoing)))
    assert check_eligibility(facts(month=pd.Period("2024-03", freq="M"), events=(RETROFIT, ongoing))) == as_text
    assert not as_text.eligible


def test_an_unexplained_anomaly_flags_a_complete_month_for_review_and_approval_clears_it():
    stuck = "the same reading, 12.500 kWh, 32 times in a row (04 Jun 2024 01:00–09:00): a stuck meter?"
    flagged = facts(quality="FLAGGED", missing_pct=0.0, open_anomalies=(stuck,))
    assert check_eligibility(flagged).reasons == [
        f"the readings show {stuck}, so a verifier must review this month first"
    ]
    approved = check_eligibility(
        facts(quality="FLAGGED", missing_pct=0.0, open_anomalies=(stuck,), verifier_approved=True)
    )
    assert approved.eligible and approved.warnings == [
        f"the readings show {stuck}; a verifier reviewed and approved this month"
    ]
