from django.db.models import QuerySet

from buildings.selectors import buildings_visible_to
from carbonexia.common.errors import NotFound

from .models import CreditBlock, Status


def blocks_visible_to(user) -> QuerySet[CreditBlock]:
    return CreditBlock.objects.filter(building__in=buildings_visible_to(user)).select_related("building", "verified_by")


def block_for_read(*, user, credit_id) -> CreditBlock:
    block = blocks_visible_to(user).filter(pk=credit_id).first()
    if block is None:
        raise NotFound("No such credit block.")
    return block


def blocks_of(building) -> QuerySet[CreditBlock]:
    return building.credit_blocks.select_related("verified_by").order_by("period_start", "serial_start", "created_at")


def pending_queue() -> QuerySet[CreditBlock]:
    """What verifiers have to decide, oldest request first."""
    return CreditBlock.objects.filter(status=Status.PENDING).select_related("building").order_by("created_at")
