"""The portfolio page and its CSV: hand-checked rows, the same figures as the API, other tenants' buildings never
shown, bad choices answered with 400, and one building's broken data never taking the page down."""

import csv
import io
import re
from datetime import date

import pandas as pd
import pytest

from buildings.models import Building, BuildingType
from buildings.services import building_data_changed
from credits import portfolio as portfolio_module
from credits.models import Status
from credits.portfolio import portfolio
from credits.selectors import CreditPosition, credit_position
from mrv import calc
from mrv.models import Baseline, MonthReview
from portal.views.portfolio import PAGE_SIZE
from tests.metering.bill_rows import confirmed_bill
from tests.metering.helpers import daily_readings, make_building
from tests.portal.conftest import browser_session
from tests.support.portfolio import AUCKLAND, SEEN_AT, credit_block, harbour_office, static_baseline

pytestmark = pytest.mark.django_db


@pytest.fixture
def auckland(owner, clock):
    """Harbour office (24 kWh every local day from July 2024 to June 2025) seen on 15 July 2025: its latest complete
    month is June 2025."""
    clock.set(SEEN_AT)
    return harbour_office(owner)


def test_intensity_and_saved_share_by_hand():
    # 107,639 kWh on 10,763.9 sq ft (1,000 m²): 10 kWh/sq ft, 107.639 kWh/m².
    eui = calc.energy_use_intensity(kwh=107_639.0, area_sqft=10_763.9)
    assert eui.kwh_per_sqft == pytest.approx(10.0)
    assert eui.kwh_per_m2 == pytest.approx(107.639)
    assert calc.energy_use_intensity(kwh=100.0, area_sqft=0.0) is None
    assert calc.energy_use_intensity(kwh=None, area_sqft=100.0) is None
    assert calc.saved_share(savings_kwh=250.0, adjusted_baseline_kwh=1000.0) == pytest.approx(0.25)
    assert calc.saved_share(savings_kwh=250.0, adjusted_baseline_kwh=0.0) is None


def test_a_row_sums_the_buildings_local_months(owner, auckland):
    (row,) = portfolio(user=owner)
    assert (str(row.first), str(row.last), str(row.ytd_first)) == ("2024-07", "2025-06", "2025-01")
    # Year to date: 1 January to 30 June 2025 in Auckland, 181 days of 24 kWh. In UTC, 1 January's reading
    # (2024-12-31T11:00Z) would have fallen in December.
    assert row.ytd_kwh == pytest.approx(181 * 24)
    assert row.kwh_12m == pytest.approx(365 * 24)
    # 8,760 kWh on 8,760 sq ft: 1 kWh/sq ft, 10.7639 kWh/m².
    assert row.intensity.kwh_per_sqft == pytest.approx(1.0)
    assert row.intensity.kwh_per_m2 == pytest.approx(10.7639)
    assert row.savings_kwh is None and row.saved_share is None and row.co2_saved_kg is None
    assert row.last_reading == pd.Timestamp("2025-06-30", tz=AUCKLAND)
    assert row.issues[0] == "No baseline"  # and a stuck register: the same 24 kWh every day flags months
    assert any(issue.endswith("FLAGGED months to review") for issue in row.issues)


def test_intensity_waits_for_twelve_metered_months(owner, clock):
    clock.set("2025-07-15T00:00:00+00:00")
    building = make_building(owner, name="New meter")
    daily_readings(building, "2025-04-01", "2025-06-30", 10.0)
    (row,) = portfolio(user=owner)
    assert row.kwh_12m == pytest.approx(91 * 10) and row.intensity is None


def test_credit_positions_count_issued_retired_and_pending(owner):
    building = make_building(owner)
    parent = credit_block(building, Status.ISSUED, requested=10, issued=7)  # 3 of its 10 were retired
    credit_block(building, Status.RETIRED, requested=3, issued=3, parent=parent)
    credit_block(building, Status.PENDING, requested=5, quarter=3)
    credit_block(building, Status.REJECTED, requested=9, quarter=4)
    position = credit_position(building)
    assert position == CreditPosition(issued=10, retired=3, pending=5)
    assert position.held == 7
    (row,) = portfolio(user=owner)
    assert row.credits == position


def test_savings_and_co2_are_the_apis(owner, as_owner, measured, clock):
    (row,) = portfolio(user=owner)
    assert (str(row.first), str(row.last)) == ("2024-04", "2025-03")
    totals = as_owner.get(f"/mrv/{measured.pk}/savings?start=2024-04&end=2025-03").json()["totals"]
    assert row.savings_kwh == pytest.approx(totals["savings_kwh"])
    assert row.co2_saved_kg == pytest.approx(totals["co2_saved_kg"])
    months = as_owner.get(f"/mrv/{measured.pk}/savings?start=2024-04&end=2025-03").json()["months"]
    baseline = sum(month["adjusted_baseline_kwh"] for month in months)
    assert row.saved_share == pytest.approx(totals["savings_kwh"] / baseline)
    assert row.kwh_12m == pytest.approx(sum(month["actual_kwh"] for month in months))
    assert row.ytd_kwh == pytest.approx(sum(month["actual_kwh"] for month in months[-3:]))  # 2025-01..03


def test_sorting_filters_and_the_page(owner, portal, auckland, clock):
    small = Building.objects.create(owner=owner, name="annex", area_sqft=1000, timezone=AUCKLAND)
    daily_readings(small, "2025-06-01", "2025-06-30", 2.0)
    Building.objects.create(owner=owner, name="Zeta depot", area_sqft=500, building_type=BuildingType.WAREHOUSE)
    names = [row.building.name for row in portfolio(user=owner)]
    assert names == ["annex", "Harbour office", "Zeta depot"]  # by name, ignoring case
    by_kwh = [row.building.name for row in portfolio(user=owner, sort="-kwh_12m")]
    assert by_kwh == ["Harbour office", "annex", "Zeta depot"]  # unknown last in either direction
    assert [r.building.name for r in portfolio(user=owner, sort="kwh_12m")] == ["annex", "Harbour office", "Zeta depot"]
    assert [r.building.name for r in portfolio(user=owner, building_type="warehouse")] == ["Zeta depot"]
    assert [r.building.name for r in portfolio(user=owner, search="HARB")] == ["Harbour office"]
    assert all(row.issues for row in portfolio(user=owner, has_issues=True))

    html = portal.get("/portal/portfolio/?sort=-kwh_12m&type=&q=").content.decode()
    assert html.index("Harbour office") < html.index("annex") < html.index("Zeta depot")
    assert 'aria-sort="descending"' in html and "8,760" in html and "10.8 kWh/m²" in html
    assert "2025-01 to 2025-06" in html and "No meter readings" in html


def test_the_csv_holds_the_same_rows_in_the_same_order(owner, portal, auckland):
    Building.objects.create(owner=owner, name="=HYPERLINK(1)", area_sqft=500)
    response = portal.get("/portal/portfolio.csv?sort=-ytd_kwh")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="portfolio-')
    lines = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [line["building"] for line in lines] == ["Harbour office", "'=HYPERLINK(1)"]  # never a formula
    harbour = lines[0]
    assert harbour["ytd_kwh"] == "4344.0" and harbour["last_12_months_kwh"] == "8760.0"
    assert harbour["eui_kwh_per_sqft"] == "1.000" and harbour["eui_kwh_per_m2"] == "10.76"
    assert harbour["issues"].startswith("No baseline; ") and harbour["credits_issued"] == "0"
    filtered = portal.get("/portal/portfolio.csv?q=harbour").content.decode()
    assert "Harbour office" in filtered and "HYPERLINK" not in filtered


def test_another_manager_never_sees_my_buildings(owner, outsider, outsider_portal, auckland, verifier):
    make_building(outsider, name="Their own plant")
    for url in ("/portal/portfolio/", "/portal/portfolio.csv", "/portal/portfolio/?q=Harbour"):
        body = outsider_portal.get(url).content.decode()
        assert "Harbour office" not in body
    assert "Their own plant" in outsider_portal.get("/portal/portfolio.csv").content.decode()
    assert [row.building.name for row in portfolio(user=outsider)] == ["Their own plant"]
    # A verifier sees every building.
    seen = browser_session(verifier).get("/portal/portfolio.csv").content.decode()
    assert "Harbour office" in seen and "Their own plant" in seen


def test_signed_out_visitors_are_sent_to_log_in(client):
    assert client.get("/portal/portfolio/").status_code == 302
    assert client.get("/portal/portfolio.csv").status_code == 302


@pytest.mark.parametrize(
    "query", ["sort=garbage", "sort=-", "type=castle", "q=" + "x" * 201, "issues=maybe&sort=name;drop"]
)
def test_bad_choices_are_a_400_with_the_page_not_a_500(portal, auckland, query):
    page = portal.get(f"/portal/portfolio/?{query}")
    assert page.status_code == 400
    assert "Harbour office" in page.content.decode()  # the usable choices still show the buildings
    assert portal.get(f"/portal/portfolio.csv?{query}").status_code == 400


def test_broken_tenants_data_never_breaks_the_page(owner, portal, auckland, monkeypatch):
    make_building(owner, name="No readings")
    billed = make_building(owner, name="Bills only")
    confirmed_bill(billed, kwh=1200.0, period_start=date(2025, 5, 1), period_end=date(2025, 5, 31))
    absurd = Building.objects.create(owner=owner, name="Absurd", area_sqft=0.001, timezone=AUCKLAND)
    daily_readings(absurd, "2025-05-01", "2025-06-30", 1e9)
    real = portfolio_module.cached_mrv_run_keyed

    def fails_for_absurd(*, building, **run):
        if building.name == "Absurd":
            raise calc.CalcInputError("The readings cannot be used.")
        return real(building=building, **run)

    monkeypatch.setattr(portfolio_module, "cached_mrv_run_keyed", fails_for_absurd)
    response = portal.get("/portal/portfolio/?issues=on")
    assert response.status_code == 200
    assert "Its figures could not be computed" in response.content.decode()
    assert "Harbour office" in response.content.decode()  # with its open issue: no baseline
    monkeypatch.setattr(portfolio_module, "cached_mrv_run_keyed", real)
    html = portal.get("/portal/portfolio/").content.decode()
    assert all(name in html for name in ("No readings", "Bills only", "bill to 2025-05-31", "Absurd"))
    rows = {row.building.name: row for row in portfolio(user=owner)}
    assert rows["Absurd"].kwh_12m == pytest.approx(61 * 1e9) and rows["Absurd"].intensity is None
    # A stored baseline whose model cannot be read: that row says so, the page still answers.
    Baseline.objects.create(
        building=absurd,
        method="historical",
        baseline_monthly_kwh=1.0,
        period_start=date(2024, 5, 1),
        period_end=date(2024, 6, 30),
        valid=True,
        created_by=owner,
    )
    building_data_changed(absurd)
    response = portal.get("/portal/portfolio/?q=absurd")
    assert response.status_code == 200 and "Its figures could not be computed" in response.content.decode()


def test_cached_figures_follow_new_readings_and_a_new_floor_area(owner, auckland):
    assert portfolio(user=owner)[0].ytd_kwh == pytest.approx(181 * 24)
    daily_readings(auckland, "2025-06-30", "2025-06-30", 124.0)  # 30 June read again: 100 kWh more
    auckland.area_sqft = 4380
    auckland.save()
    (row,) = portfolio(user=owner)
    assert row.ytd_kwh == pytest.approx(181 * 24 + 100)
    assert row.intensity.kwh_per_sqft == pytest.approx((365 * 24 + 100) / 4380)


def test_issues_name_a_failing_baseline_and_only_the_flagged_months_not_yet_reviewed(owner, verifier, auckland):
    (row,) = portfolio(user=owner)
    flagged = row.flagged_months
    assert flagged  # the same 24 kWh every day: a stuck register
    baseline = static_baseline(auckland, monthly_kwh=700.0)
    Baseline.objects.filter(pk=baseline.pk).update(valid=False)  # as if it had failed Guideline 14
    MonthReview.objects.create(
        building=auckland,
        month=pd.Period(flagged[0], freq="M").start_time.date(),
        decision="approve",
        comment="A flat load: the shop runs a cold store.",
        reviewer=verifier,
    )
    building_data_changed(auckland)
    (row,) = portfolio(user=owner)
    assert row.issues[0] == "Baseline fails Guideline 14"
    assert row.flagged_months == flagged[1:]


def test_every_sort_key_is_a_column_and_a_choice():
    from portal.forms import PortfolioForm

    assert [column[0] for column in PortfolioForm.COLUMNS] == list(portfolio_module.SORT_KEYS)
    # The page's choices are the API's (credits.api.PortfolioQuery).
    assert [name for name, _ in PortfolioForm.base_fields["sort"].choices] == portfolio_module.SORTS


def _names(html: str) -> list[str]:
    return re.findall(r'<th scope="row"><a [^>]*>(.*?)</a>', html)


def test_the_page_shows_a_page_of_buildings_keeps_its_choices_and_the_csv_every_row(owner, portal):
    for number in range(PAGE_SIZE + 2):
        Building.objects.create(owner=owner, name=f"Site {number:02d}", area_sqft=1000)
    Building.objects.create(owner=owner, name="Elsewhere", area_sqft=1000)
    first = portal.get("/portal/portfolio/?q=site&sort=-name").content.decode()
    assert _names(first) == [f"Site {number:02d}" for number in range(PAGE_SIZE + 1, 1, -1)]
    assert f"{PAGE_SIZE + 2} buildings, 1 to {PAGE_SIZE} here" in first
    assert 'href="?q=site&amp;sort=-name&amp;page=2">Next' in first and "Previous" not in first
    second = portal.get("/portal/portfolio/?q=site&sort=-name&page=2").content.decode()
    assert _names(second) == ["Site 01", "Site 00"]
    assert 'href="?q=site&amp;sort=-name&amp;page=1">Previous' in second
    # A new order starts again at the first page; the CSV takes the choices and every row.
    assert 'href="?q=site&amp;sort=name">' in second and "portfolio.csv?q=site&amp;sort=-name" in second
    lines = list(csv.DictReader(io.StringIO(portal.get("/portal/portfolio.csv?q=site&sort=-name").content.decode())))
    assert len(lines) == PAGE_SIZE + 2 and lines[-1]["building"] == "Site 00"
