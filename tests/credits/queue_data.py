"""One building with work for a verifier: a pending credit block for 2024-04..2024-09 and October 2024
FLAGGED (three of its 31 days never read, 9.68 % missing), not yet reviewed."""

from datetime import date

from buildings.models import Building
from credits.models import CreditBlock
from credits.services import credits_request
from mrv.services import baseline_calculate
from tests.mrv import builders

FLAGGED_MONTH = "2024-10"
MISSING = ("2024-10-08", "2024-10-11")  # Tuesday to Thursday


def building_with_work(owner, name: str = "Harbour View Offices") -> tuple[Building, CreditBlock]:
    building, _ = builders.two_years(owner, interval="1D", missing=[MISSING])
    Building.objects.filter(pk=building.pk).update(name=name)
    building.refresh_from_db()
    baseline_calculate(actor=owner, building=building)
    (block,) = credits_request(
        actor=owner, building=building, period_start=date(2024, 4, 1), period_end=date(2024, 9, 30)
    )
    return building, block
