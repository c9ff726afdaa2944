"""The verifier sees a building's confirmed bills and what their checks found: on the credit block's evidence page
and in the bill admin, with the bill's and the meter's figures side by side."""

from datetime import date

import pytest

from credits.models import CreditBlock
from metering.bills.checks import bill_check
from metering.bills.models import UtilityBill
from tests.credits.conftest import issue
from tests.metering import bill_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def verifier_browser(client, verifier):
    client.force_login(verifier)
    return client


@pytest.fixture
def block_with_bills(as_owner, eligible_building):
    """A pending block for April-September 2024, a flagged bill in May that its owner acknowledged, a bill that
    agrees with the meter in June, and one long before the baseline."""
    issue(as_owner, eligible_building)
    may = bill_rows.confirmed_bill(
        eligible_building, kwh=1_000, period_start=date(2024, 5, 1), period_end=date(2024, 5, 31)
    )
    june = {"period_start": date(2024, 6, 1), "period_end": date(2024, 6, 30)}
    bill_rows.confirmed_bill(eligible_building, kwh=_meter_kwh(eligible_building, **june), **june)
    bill_rows.confirmed_bill(eligible_building, kwh=900, period_start=date(2020, 1, 1), period_end=date(2020, 1, 31))
    return CreditBlock.objects.get(), may


def _meter_kwh(building, *, period_start: date, period_end: date) -> float:
    found = bill_check(building=building, kwh=1, period_start=period_start, period_end=period_end)
    assert found.meter_kwh is not None
    return found.meter_kwh


def grouped(kwh: float) -> str:
    return f"{kwh:,.0f}"


def test_the_evidence_page_lists_the_bills_with_their_checks(verifier_browser, block_with_bills):
    block, may = block_with_bills
    html = verifier_browser.get(f"/admin/credits/creditblock/{block.pk}/change/").content.decode()
    assert "Confirmed utility bills" in html
    assert "2024-05-01 – 2024-05-31" in html and "2024-06-01 – 2024-06-30" in html
    assert "2020-01-01" not in html  # neither in the baseline nor in the block's months
    assert "Flagged, confirmed by its owner as it is" in html and "Passed" in html
    assert f"<td>1,000</td><td>{grouped(may.meter_kwh)}</td>" in html
    assert (
        f"The bill&#x27;s 1,000 kWh differs from the meter&#x27;s {grouped(may.meter_kwh)} kWh over the same days"
        in html
    )
    assert "Meter readings exist for 2024-05: savings use the meter there, not this bill." in html


def test_the_bill_admin_shows_the_checks(verifier_browser, block_with_bills):
    _, may = block_with_bills
    listing = verifier_browser.get("/admin/metering/utilitybill/", {"meter_check__exact": "mismatch"})
    assert listing.status_code == 200
    assert listing.context["cl"].result_count == UtilityBill.objects.filter(meter_check="mismatch").count() == 1
    page = verifier_browser.get(f"/admin/metering/utilitybill/{may.pk}/change/").content.decode()
    assert "What the checks found" in page and "The owner confirmed the bill knowing this." in page
    assert f"differs from the meter&#x27;s {grouped(may.meter_kwh)} kWh" in page
