"""Races on real PostgreSQL: the locks and the exclusion constraint must hold under simultaneous requests."""

import threading

import pandas as pd
import pytest
from django.db import connection, connections

from carbonexia.common.errors import ServiceError
from credits.models import CreditBlock, Status
from credits.services import credits_request, credits_verify

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _race(count: int, work) -> list:
    """Runs work(i) in `count` threads released at the same instant; returns results or exceptions."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(i):
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test inspects
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_ten_simultaneous_requests_for_one_period_make_exactly_one_block(eligible_building, owner):
    results = _race(
        10,
        lambda i: credits_request(
            actor=owner,
            building=eligible_building,
            period_start=pd.Timestamp("2024-04-01").date(),
            period_end=pd.Timestamp("2024-06-30").date(),
        ),
    )
    created = [r for r in results if isinstance(r, list)]
    refused = [r for r in results if isinstance(r, ServiceError)]
    assert len(created) == 1 and len(refused) == 9, results
    assert {r.status for r in refused} == {409}
    assert CreditBlock.objects.count() == 1


def test_exclusion_constraint_refuses_overlap_even_without_the_service(eligible_building, owner):
    credits_request(
        actor=owner,
        building=eligible_building,
        period_start=pd.Timestamp("2024-04-01").date(),
        period_end=pd.Timestamp("2024-06-30").date(),
    )
    with connection.cursor() as cursor, pytest.raises(Exception, match="credit_blocks_never_overlap"):
        cursor.execute(
            "INSERT INTO credits_creditblock (id, building_id, period_start, period_end, vintage, status, "
            "co2_saved_tons, co2_credited_tons, credits_requested, retired_quantity, snapshot, requested_by_id, "
            "beneficiary, retirement_reason, serial, uncertainty_note, verification_comment, created_at, updated_at) "
            "VALUES (gen_random_uuid(), %s, '2024-06-01', '2024-07-31', 2024, 'PENDING', 1, 1, 1, 0, '{}', %s, "
            "'', '', '', '', '', now(), now())",
            [eligible_building.pk, owner.pk],
        )


def test_five_simultaneous_approvals_get_disjoint_gapless_serial_ranges(eligible_building, owner, make_user):
    months = ["2024-04", "2024-05", "2024-06", "2024-07", "2024-08"]
    blocks = [
        credits_request(
            actor=owner,
            building=eligible_building,
            period_start=pd.Period(m, "M").start_time.date(),
            period_end=pd.Period(m, "M").end_time.date(),
        )[0]
        for m in months
    ]
    verifier = make_user("verifier")
    results = _race(5, lambda i: credits_verify(verifier=verifier, block=blocks[i], decision="approve", comment="ok"))
    assert all(isinstance(r, CreditBlock) for r in results), results
    issued = sorted(CreditBlock.objects.filter(status=Status.ISSUED), key=lambda b: b.serial_start)
    assert len(issued) == 5
    assert issued[0].serial_start == 1
    for before, after in zip(issued, issued[1:], strict=False):
        assert after.serial_start == before.serial_end + 1
    assert sorted(b.issuance_number for b in issued) == [1, 2, 3, 4, 5]
