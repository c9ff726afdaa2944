"""The hash chain of the audit log, kept apart from storage so it can be checked anywhere."""

import hashlib
import json
from datetime import datetime

GENESIS = "0" * 64


def canonical_row(
    *, occurred_at: datetime, actor_label: str, action: str, object_type: str, object_id: str, before, after
) -> str:
    return json.dumps(
        {
            "occurred_at": occurred_at.isoformat(timespec="microseconds"),
            "actor": actor_label,
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "before": before,
            "after": after,
        },
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )


def link_hash(prev_hash: str, row: str) -> str:
    return hashlib.sha256((prev_hash + row).encode()).hexdigest()
