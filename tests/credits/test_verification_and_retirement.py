import re

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from carbonexia.audit.models import AuditEvent
from carbonexia.events import domain_event
from credits.models import CreditBlock, Status
from credits.services import credits_retire
from tests.conftest import client_for
from tests.credits.conftest import issue

pytestmark = pytest.mark.django_db

SERIAL = re.compile(r"^(\d+)-(\d+)-(\d+)-CBX-CCU-\1-VER-IN-3-[0-9A-F]{8}-01042024-30092024-0$")


@pytest.fixture
def pending(as_owner, eligible_building):
    return issue(as_owner, eligible_building).json()


def _verify(client, credit_id, decision="approve", comment="Evidence checked against the uploads."):
    return client.post(f"/credits/{credit_id}/verify", {"decision": decision, "comment": comment}, format="json")


def test_approval_issues_a_registry_style_serial_block(as_verifier, pending, django_capture_on_commit_callbacks):
    sent = []

    def receiver(**event):
        sent.append(event)

    domain_event.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = _verify(as_verifier, pending["credit_id"])
    finally:
        domain_event.disconnect(receiver)
    assert response.status_code == 200
    block = response.json()
    assert block["status"] == "ISSUED"
    assert block["credits_issued"] == pending["credits_requested"]
    assert block["serial_end"] - block["serial_start"] + 1 == block["credits_issued"]
    assert block["verified_by"] == "verifier@example.test"
    match = SERIAL.match(block["serial"])
    assert match, block["serial"]
    assert (int(match[2]), int(match[3])) == (block["serial_start"], block["serial_end"])
    assert [e["event_type"] for e in sent] == ["credits_issued"]
    assert sent[0]["payload"]["serial"] == block["serial"]
    assert AuditEvent.objects.filter(action="credits.issued", object_id=block["credit_id"]).exists()


def test_serials_continue_from_one_issuance_to_the_next(as_owner, as_verifier, eligible_building, pending):
    first = _verify(as_verifier, pending["credit_id"]).json()
    second_request = issue(as_owner, eligible_building, start="2024-10-01", end="2024-12-31").json()
    second = _verify(as_verifier, second_request["credit_id"]).json()
    assert second["serial_start"] == first["serial_end"] + 1
    assert second["issuance_number"] == first["issuance_number"] + 1


def test_only_verifiers_decide_never_on_their_own_building_and_only_once(
    as_owner, as_outsider, pending, as_verifier, make_user
):
    assert _verify(as_owner, pending["credit_id"]).status_code == 403
    assert _verify(as_outsider, pending["credit_id"]).status_code == 404
    assert _verify(as_verifier, pending["credit_id"], decision="reject", comment="").status_code == 422
    assert _verify(as_verifier, pending["credit_id"], decision="maybe").status_code == 422
    assert CreditBlock.objects.get().status == Status.PENDING
    assert _verify(as_verifier, pending["credit_id"]).status_code == 200
    again = _verify(as_verifier, pending["credit_id"])
    assert again.status_code == 409 and again.json()["code"] == "not_pending"


def test_a_verifier_who_owns_the_building_may_not_verify(make_user):
    from mrv.services import baseline_calculate
    from tests.mrv import builders

    verifier = make_user("verifier")
    building, _ = builders.two_years(verifier, interval="1D")
    baseline_calculate(actor=verifier, building=building)
    as_them = client_for(verifier)
    request = issue(as_them, building).json()
    response = _verify(as_them, request["credit_id"])
    assert response.status_code == 403
    assert "own" in response.json()["detail"]


def _retire(client, credit_id, **body):
    return client.post(
        f"/credits/{credit_id}/retire", {"beneficiary": "Acme Ltd", "reason": "FY2025 net zero", **body}, format="json"
    )


def test_partial_then_full_retirement_splits_and_conserves(as_owner, as_verifier, pending):
    issued = _verify(as_verifier, pending["credit_id"]).json()
    total, first_serial = issued["credits_issued"], issued["serial_start"]
    part = _retire(as_owner, issued["credit_id"], quantity=3)
    assert part.status_code == 200
    retired = part.json()
    assert retired["status"] == "RETIRED" and retired["parent_id"] == issued["credit_id"]
    assert (retired["serial_start"], retired["serial_end"]) == (first_serial, first_serial + 2)
    assert retired["beneficiary"] == "Acme Ltd" and retired["retired_quantity"] == 3
    rest = CreditBlock.objects.get(pk=issued["credit_id"])
    assert rest.status == Status.ISSUED and rest.credits_issued == total - 3 and rest.serial_start == first_serial + 3
    full = _retire(as_owner, issued["credit_id"]).json()
    assert full["credit_id"] == issued["credit_id"] and full["status"] == "RETIRED"
    assert full["credits_issued"] == total - 3
    listed = as_owner.get(f"/credits/{rest.building_id}").json()["results"]
    assert sum(b["credits_issued"] for b in listed) == total
    assert _retire(as_owner, issued["credit_id"]).status_code == 409  # irreversible, nothing left


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"quantity": 0}, "quantity"),
        ({"quantity": 10**6}, "quantity"),
        ({"beneficiary": ""}, "beneficiary"),
        ({"reason": "  "}, "reason"),
    ],
)
def test_bad_retirements_are_422_and_change_nothing(as_owner, as_verifier, pending, body, field):
    issued = _verify(as_verifier, pending["credit_id"]).json()
    response = _retire(as_owner, issued["credit_id"], **body)
    assert response.status_code == 422 and field in response.json()["errors"]
    assert CreditBlock.objects.get().status == Status.ISSUED


def test_retirement_is_the_owners_and_only_of_issued_credits(as_owner, as_outsider, as_verifier, pending):
    assert _retire(as_owner, pending["credit_id"]).status_code == 409  # still PENDING
    _verify(as_verifier, pending["credit_id"])
    assert _retire(as_outsider, pending["credit_id"]).status_code == 404
    assert _retire(as_verifier, pending["credit_id"]).status_code == 403
    assert as_outsider.get(f"/credits/{CreditBlock.objects.get().building_id}").status_code == 404


@pytest.fixture
def issued_block(as_verifier, pending):
    _verify(as_verifier, pending["credit_id"])
    return CreditBlock.objects.get(pk=pending["credit_id"])


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fractions=st.lists(st.floats(min_value=0.0, max_value=1.0), min_size=1, max_size=6))
def test_any_sequence_of_partial_retirements_conserves_credits_and_serials(issued_block, owner, fractions):
    total, first, last = issued_block.credits_issued, issued_block.serial_start, issued_block.serial_end
    with transaction.atomic():
        for fraction in fractions:
            remaining = CreditBlock.objects.get(pk=issued_block.pk)
            if remaining.status != Status.ISSUED:
                break
            quantity = max(1, round(fraction * remaining.credits_issued))
            credits_retire(actor=owner, block=remaining, quantity=quantity, beneficiary="B", reason="R")
        family = list(CreditBlock.objects.filter(building=issued_block.building).order_by("serial_start"))
        assert sum(b.credits_issued for b in family) == total
        assert family[0].serial_start == first and family[-1].serial_end == last
        for before, after in zip(family, family[1:], strict=False):
            assert after.serial_start == before.serial_end + 1  # contiguous, no overlap, no gap
        assert all(b.serial_end - b.serial_start + 1 == b.credits_issued for b in family)
        transaction.set_rollback(True)
