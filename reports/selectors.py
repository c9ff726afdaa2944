"""Reads of reports: a report is visible to whoever may read its building."""

from django.db.models import QuerySet

from buildings.selectors import buildings_visible_to
from carbonexia.common.errors import NotFound
from carbonexia.common.models import parse_prefixed_id

from .models import Report


def reports_visible_to(user) -> QuerySet[Report]:
    return Report.objects.filter(building__in=buildings_visible_to(user))


def report_for_read(*, user, report_id: str) -> Report:
    pk = parse_prefixed_id("rep", report_id)
    report = reports_visible_to(user).filter(pk=pk).first() if pk else None
    if report is None:
        raise NotFound("No such report.")
    return report
