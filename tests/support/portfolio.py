"""Buildings and credit blocks the portfolio's tests (the portal page, its CSV and GET /portfolio) share."""

from datetime import date

from buildings.models import Building, BuildingType
from credits.models import CreditBlock
from mrv.models import Baseline
from mrv.services import baseline_calculate
from tests.metering.helpers import daily_readings

AUCKLAND = "Pacific/Auckland"
SEEN_AT = "2025-07-15T00:00:00+00:00"  # with the clock here, June 2025 is the latest complete month in Auckland


def harbour_office(owner, *, name: str = "Harbour office", kwh: float = 24.0) -> Building:
    """A 8,760 sq ft retail building in Auckland metering `kwh` every local day from July 2024 to June 2025."""
    building = Building.objects.create(
        owner=owner, name=name, area_sqft=8760, timezone=AUCKLAND, building_type=BuildingType.RETAIL
    )
    daily_readings(building, "2024-07-01", "2025-06-30", kwh)
    return building


def credit_block(building, status, *, requested, issued=None, parent=None, quarter=2) -> CreditBlock:
    """A block of the given quarter of 2024 (live requests of one building never overlap)."""
    return CreditBlock.objects.create(
        building=building,
        parent=parent,
        period_start=date(2024, 3 * quarter - 2, 1),
        period_end=date(2024, 3 * quarter, 30),
        vintage=2024,
        status=status,
        co2_saved_tons=requested,
        co2_credited_tons=requested,
        credits_requested=requested,
        credits_issued=issued,
        snapshot={},
        requested_by=building.owner,
    )


def static_baseline(building, *, monthly_kwh: float) -> Baseline:
    """A fixed `monthly_kwh` baseline over July to December 2024: the reporting months are 2025's."""
    return baseline_calculate(
        actor=building.owner,
        building=building,
        method="static",
        static_kwh=monthly_kwh,
        baseline_start=date(2024, 7, 1),
        baseline_end=date(2024, 12, 31),
    )
