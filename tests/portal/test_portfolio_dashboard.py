"""The building dashboard's credit position and long-range charts: the same figures as the credits page and the API,
every month of the reporting period drawn, and a sentence instead of an empty axis."""

import re
from datetime import date

import pytest

from credits.services import credits_request, credits_retire, credits_verify
from tests.metering.helpers import make_building
from tests.mrv import builders

pytestmark = pytest.mark.django_db


def _cards(html: str) -> dict[str, str]:
    section = re.search(r'<dl class="cards credit-position">(.*?)</dl>', html, re.S).group(1)
    return dict(re.findall(r"<dt>(.*?)</dt><dd>(\d+)", section))


def test_the_credit_position_counts_the_ledger_and_what_is_creditable_now(portal, as_owner, owner, verifier, measured):
    (block,) = credits_request(
        actor=owner, building=measured, period_start=date(2024, 4, 1), period_end=date(2024, 9, 30)
    )
    issued = credits_verify(verifier=verifier, block=block, decision="approve", comment="Checked.")
    credits_retire(actor=owner, block=issued, quantity=2, beneficiary="Acme", reason="Offsetting 2024 travel")
    (pending,) = credits_request(
        actor=owner, building=measured, period_start=date(2024, 10, 1), period_end=date(2024, 12, 31)
    )
    html = portal.get(f"/portal/buildings/{measured.pk}/").content.decode()
    cards = _cards(html)
    assert cards["Issued"] == str(issued.credits_issued)  # every issued credit, the 2 retired included
    assert cards["Retired"] == "2" and cards["Pending verification"] == str(pending.credits_requested)
    # Creditable now: the months a request could still cover (2025-01..03), as the API totals them.
    totals = as_owner.get(f"/mrv/{measured.pk}/savings?start=2025-01&end=2025-03").json()["totals"]
    assert cards["Creditable now"] == str(totals["creditable"]["credits"])
    assert f"{totals['co2_creditable_tons']:,.3f} t at 90 % confidence, 2025-01 to 2025-03" in html


def test_the_long_view_draws_the_whole_reporting_period_and_two_years(portal, measured):
    html = portal.get(f"/portal/buildings/{measured.pk}/").content.decode()
    long_view = html[html.index('id="long-heading"') : html.index('id="quality-heading"')]
    wide = re.findall(r'<div class="chart-wide">(.*?)</div>', long_view, re.S)
    reporting, years = wide
    # The baseline ends in 2024-02: the reporting period runs 2024-03..2025-03, thirteen months, each a bar.
    assert reporting.count('fill="#9db8d9"/>') == 13 + 1  # and the legend's swatch
    assert "Mar 24" in reporting and "Mar 25" in reporting
    # This year over last: 2024 as bars for each of its twelve months, 2025 as a line to March.
    assert "2024 (kWh)" in years and "2025 (kWh)" in years
    assert years.count('fill="#9db8d9"/>') == 12 + 1
    assert years.count("<circle") == 3


def test_charts_without_values_are_a_sentence_not_an_axis(portal, owner):
    building = builders.building(owner)  # readings, no baseline
    make_building(owner, name="Unused")
    builders.store_meter(building, builders.month_frame("2024-05", kwh=2.0))
    html = portal.get(f"/portal/buildings/{building.pk}/").content.decode()
    assert "The reporting period has not started" in html
    assert "No month of these twelve has savings yet" in html
    # The twelve months, the long view's last twelve months (no reporting period yet) and the two years, each at
    # both widths; only the cumulative savings are a sentence.
    assert html.count("<svg") == 6
    cards = _cards(html)
    assert cards == {"Issued": "0", "Pending verification": "0", "Retired": "0", "Creditable now": "0"}


def test_another_manager_cannot_open_the_dashboard(outsider_portal, measured):
    assert outsider_portal.get(f"/portal/buildings/{measured.pk}/").status_code == 404


def test_the_readings_interval_comes_from_the_url_also_when_back_asks_for_the_whole_page(portal, measured):
    url = f"/portal/buildings/{measured.pk}/data/?interval=month"
    partial = portal.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in partial and 'hx-push-url="true"' in partial and "kWh per month" in partial
    restore = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
    page = portal.get(url, headers=restore).content.decode()
    assert "<html" in page and '<option value="month" selected>' in page
    odd = portal.get(url.replace("month", "century")).content.decode()  # a bad choice: said, and the default drawn
    assert "“century” is not an interval" in odd and "kWh per day" in odd
