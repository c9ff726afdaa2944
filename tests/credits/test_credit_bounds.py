"""Issue 14, rows 1 and 2 in the ledger: credits only for periods that have ended in the building's zone, and
never a block larger than its columns hold (a 422 before the write, database constraints behind it)."""

import math
from datetime import date
from decimal import Decimal

import pytest
from django.db import DataError, IntegrityError, transaction

from carbonexia.common.errors import Invalid
from credits.models import MAX_BLOCK_CREDITS, CreditBlock
from credits.services import _refuse_oversized, credits_request
from mrv.calc.eligibility import NOT_ENDED
from tests.credits.conftest import issue
from tests.mrv import builders

pytestmark = pytest.mark.django_db


def test_credits_are_refused_for_a_period_that_has_not_ended_in_the_buildings_zone(as_owner, eligible_building, clock):
    # Daily readings run to 31 March 2025 in Kolkata, whose March ends at 18:30 UTC.
    clock.set("2025-03-31T18:29:59+00:00")
    refused = issue(as_owner, eligible_building, start="2025-01-01", end="2025-03-31")
    assert refused.status_code == 422
    body = refused.json()
    assert body["code"] == "ineligible"
    assert body["errors"]["months"] == {"2025-03": [NOT_ENDED]}
    assert body["reasons"] == [f"2025-03: {NOT_ENDED}"]
    assert not CreditBlock.objects.exists()
    clock.set("2025-03-31T18:30:00+00:00")
    assert issue(as_owner, eligible_building, start="2025-01-01", end="2025-03-31").status_code == 201


def test_credits_for_next_year_are_refused_even_with_readings_stored_for_it(owner, eligible_building, clock):
    """The probe: readings dated next year were accepted, and the baseline made their months look like savings."""
    builders.store_meter(eligible_building, builders.month_frame("2027-01", kwh=0.0))
    clock.set("2026-05-10T06:00:00+00:00")
    with pytest.raises(Invalid) as refused:
        credits_request(
            actor=owner, building=eligible_building, period_start=date(2027, 1, 1), period_end=date(2027, 1, 31)
        )
    assert refused.value.errors["months"]["2027-01"][0] == NOT_ENDED
    assert not CreditBlock.objects.exists()


@pytest.mark.parametrize(
    "values",
    [
        {"co2_saved_tons": Decimal("-1")},
        {"co2_credited_tons": Decimal("-0.001")},
        {"credits_requested": MAX_BLOCK_CREDITS + 1},
        {"credits_issued": MAX_BLOCK_CREDITS + 1},
    ],
)
def test_the_database_refuses_a_block_its_columns_cannot_hold(owner, values):
    building = builders.building(owner)
    fields = {
        "building": building,
        "period_start": date(2025, 1, 1),
        "period_end": date(2025, 1, 31),
        "vintage": 2025,
        "co2_saved_tons": Decimal("10"),
        "co2_credited_tons": Decimal("9"),
        "credits_requested": 9,
        "snapshot": {},
        "requested_by": owner,
    }
    # PostgreSQL refuses a value beyond an integer column's range itself (DataError); SQLite by the constraint.
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        CreditBlock.objects.create(**(fields | values))


@pytest.mark.parametrize(
    ("saved", "credited", "fits"),
    [
        (2_147_483_647.9, 2_147_483_647.9, True),  # floors to 2**31 - 1 credits: the most a block holds
        (2_147_483_648.0, 2_147_483_648.0, False),
        (99_999_999_999.999, 1.0, True),  # the most tonnes the columns hold
        (100_000_000_000.0, 1.0, False),
        (math.inf, 1.0, False),
        (math.nan, math.nan, False),
    ],
)
def test_a_vintage_is_refused_before_the_write_when_a_block_cannot_hold_it(saved, credited, fits):
    share = {"saved_tons": saved, "credited_tons": Decimal(repr(credited)), "vintage": 2025}
    if fits:
        _refuse_oversized(**share)
    else:
        with pytest.raises(Invalid) as refused:
            _refuse_oversized(**share)
        assert refused.value.code == "block_too_large"
