"""Domain events (API.md's webhook events), published after the transaction that caused them commits.

Producers call `publish`; consumers (webhooks) connect to `domain_event`. Producers never import a
consumer, so the event set can grow without touching them.
"""

import uuid

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

EVENT_TYPES = ("ocr_completed", "baseline_computed", "mrv_calculated", "report_ready", "credits_issued")
# Sent to one webhook on its owner's request, to try the receiving end; no one subscribes to it.
TEST_EVENT = "webhook_test"
# What each event type means, in words, for pages; the code stays the contract (API.md).
EVENT_LABELS = {
    "ocr_completed": "Utility bill read",
    "baseline_computed": "Baseline computed",
    "mrv_calculated": "Savings calculated",
    "report_ready": "Report ready",
    "credits_issued": "Credits issued",
    TEST_EVENT: "Test event",
}

# Sent with: event_id (str), event_type (str), occurred_at (ISO 8601 str), owner (User), payload (dict).
domain_event = Signal()


def publish(*, event_type: str, owner, payload: dict) -> str:
    """Announces an event about `owner`'s data once the current transaction commits; returns its id."""
    if event_type not in EVENT_TYPES:
        raise ValueError(f"Unknown event type {event_type!r}.")
    event_id = f"evt_{uuid.uuid4().hex}"
    occurred_at = timezone.now().isoformat()
    transaction.on_commit(
        lambda: domain_event.send(
            sender=publish,
            event_id=event_id,
            event_type=event_type,
            occurred_at=occurred_at,
            owner=owner,
            payload=payload,
        ),
        robust=True,
    )
    return event_id
