import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from carbonexia.audit.chain import GENESIS, canonical_row, link_hash
from carbonexia.audit.models import AuditEvent
from carbonexia.audit.services import audit_first_broken_link, audit_record

pytestmark = pytest.mark.django_db


def _three_events(user):
    for n in range(3):
        audit_record(
            actor=user,
            action="thing.changed",
            object_type="thing",
            object_id=str(n),
            before={"n": n},
            after={"n": n + 1},
        )


def test_each_link_hashes_its_predecessor_and_its_row(owner):
    _three_events(owner)
    events = list(AuditEvent.objects.order_by("seq"))
    assert events[0].prev_hash == GENESIS
    for previous, event in zip(events, events[1:], strict=False):
        assert event.prev_hash == previous.hash
    first = events[0]
    row = canonical_row(
        occurred_at=first.occurred_at,
        actor_label=owner.email,
        action="thing.changed",
        object_type="thing",
        object_id="0",
        before={"n": 0},
        after={"n": 1},
    )
    assert first.hash == link_hash(GENESIS, row)
    assert audit_first_broken_link() is None


def _tamper(event_seq: int):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")  # bypass the append-only trigger
        cursor.execute("UPDATE audit_auditevent SET after = %s WHERE seq = %s", ['{"n": 999}', event_seq])


def test_verify_audit_log_finds_the_first_tampered_event(owner, capsys):
    _three_events(owner)
    middle = AuditEvent.objects.order_by("seq")[1]
    call_command("verify_audit_log")
    assert "3 events verified" in capsys.readouterr().out
    with transaction.atomic():
        _tamper(middle.seq)
    with pytest.raises(CommandError, match=f"#{middle.seq}"):
        call_command("verify_audit_log")


@pytest.mark.postgres
def test_database_refuses_update_and_delete_of_audit_rows(owner):
    _three_events(owner)
    event = AuditEvent.objects.first()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="rewritten")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.count() == 3
