import math

import pytest

from carbonexia.common.errors import Conflict
from credits.models import CreditBlock, Status
from metering.factors.services import emission_factor_update
from tests.credits.conftest import issue

pytestmark = pytest.mark.django_db


def test_a_request_creates_a_pending_block_with_frozen_evidence(as_owner, eligible_building):
    response = issue(as_owner, eligible_building)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "PENDING"
    assert body["credits_requested"] == math.floor(body["co2_credited_tons"])
    assert 0 < body["co2_credited_tons"] < body["co2_saved_tons"]
    block = CreditBlock.objects.get(pk=body["credit_id"])
    assert block.vintage == 2024 and str(block.period_start) == "2024-04-01" and str(block.period_end) == "2024-09-30"
    months = block.snapshot["months"]
    assert [m["period"] for m in months] == ["2024-04", "2024-05", "2024-06", "2024-07", "2024-08", "2024-09"]
    # central estimate = the sum of the months' CO2 (API.md)
    assert float(block.co2_saved_tons) == pytest.approx(sum(m["co2_saved_kg"] for m in months) / 1000, abs=0.001)
    assert block.snapshot["baseline"]["method"] == eligible_building.baselines.get().method
    assert {f.version for f in block.factors_used.all()} == {"21.0"}
    assert "lower bound at 90% confidence" in block.uncertainty_note


def test_a_period_across_a_year_boundary_yields_one_block_per_vintage(as_owner, eligible_building):
    body = issue(as_owner, eligible_building, start="2024-11-01", end="2025-02-28").json()
    blocks = body["blocks"]
    assert [(b["vintage"], b["period_start"], b["period_end"]) for b in blocks] == [
        (2024, "2024-11-01", "2024-12-31"),
        (2025, "2025-01-01", "2025-02-28"),
    ]
    assert body["credits_requested"] == sum(b["credits_requested"] for b in blocks)


def test_overlapping_requests_are_409_until_rejected(as_owner, as_verifier, eligible_building):
    first = issue(as_owner, eligible_building).json()
    again = issue(as_owner, eligible_building, start="2024-09-01", end="2024-10-31")
    assert again.status_code == 409 and again.json()["code"] == "credit_period_overlap"
    assert (
        as_verifier.post(
            f"/credits/{first['credit_id']}/verify", {"decision": "reject", "comment": "gap"}, format="json"
        ).status_code
        == 200
    )
    assert issue(as_owner, eligible_building, start="2024-09-01", end="2024-10-31").status_code == 201


def test_ineligible_months_are_422_with_reasons_and_nothing_is_stored(as_owner, eligible_building):
    response = issue(as_owner, eligible_building, start="2024-02-01", end="2024-05-31")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "ineligible"
    assert set(body["errors"]["months"]) == {"2024-02", "2024-03"}
    assert any("retrofit" in reason for reason in body["reasons"])
    assert not CreditBlock.objects.exists()


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        ("2024-04-02", "2024-06-30", "period_start"),
        ("2024-04-01", "2024-06-29", "period_end"),
        ("2024-06-01", "2024-04-30", "period_end"),
        ("2024-04-01", "soon", "period_end"),
    ],
)
def test_bad_periods_are_422(as_owner, eligible_building, start, end, field):
    response = issue(as_owner, eligible_building, start=start, end=end)
    assert response.status_code == 422 and field in response.json()["errors"]
    assert not CreditBlock.objects.exists()


def test_requests_need_the_owner(as_outsider, as_verifier, eligible_building):
    assert issue(as_outsider, eligible_building).status_code == 404
    assert issue(as_verifier, eligible_building).status_code == 403
    assert not CreditBlock.objects.exists()


def test_a_factor_used_by_credits_cannot_be_edited(as_owner, eligible_building, owner):
    issue(as_owner, eligible_building)
    factor = CreditBlock.objects.get().factors_used.get()
    with pytest.raises(Conflict):
        emission_factor_update(factor=factor, actor=owner, factor_kg_per_kwh=1)


def test_building_with_issued_credits_cannot_be_deleted(as_owner, as_verifier, eligible_building):
    block = issue(as_owner, eligible_building).json()
    as_verifier.post(f"/credits/{block['credit_id']}/verify", {"decision": "approve"}, format="json")
    response = as_owner.delete(f"/buildings/{eligible_building.pk}")
    assert response.status_code == 409 and response.json()["code"] == "building_has_credits"
    assert CreditBlock.objects.filter(status=Status.ISSUED).count() == 1


def test_building_with_only_a_pending_request_can_be_deleted(as_owner, eligible_building):
    issue(as_owner, eligible_building)
    assert as_owner.delete(f"/buildings/{eligible_building.pk}").status_code == 204
    assert not CreditBlock.objects.exists()
