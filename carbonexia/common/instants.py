"""How every page, the admin and the PDF show an instant: in one named zone, with that zone's name beside it.

Building-related times (uploads, reviews, audit rows, reports) are shown in the building's zone everywhere;
account-level times (webhook deliveries) in UTC. Either way the zone is written out, so two surfaces showing
the same instant show the same text: ``2024-07-09 14:05 Asia/Kolkata``.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

UTC = "UTC"
MINUTES = "%Y-%m-%d %H:%M"
SECONDS = "%Y-%m-%d %H:%M:%S"


def format_instant(instant: datetime | None, zone: str = UTC, *, pattern: str = MINUTES) -> str:
    """An aware instant as local wall-clock time in ``zone`` followed by the zone's name; '' for none."""
    if instant is None:
        return ""
    if instant.tzinfo is None:
        raise ValueError("an instant needs its zone: naive datetimes are not shown")
    return f"{instant.astimezone(ZoneInfo(zone)).strftime(pattern)} {zone}"


def days_since(since: datetime, now: datetime) -> int:
    """Whole days from ``since`` to ``now`` (0 on the day itself; never negative)."""
    return max((now - since).days, 0)
