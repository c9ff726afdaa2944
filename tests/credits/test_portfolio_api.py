"""GET /portfolio: the portal's portfolio rows as JSON, from the same function (credits.portfolio) with the same
filters and order, a page at a time; another tenant's buildings never listed; bad choices a 422; and a fixed number
of queries for a page however many buildings it holds."""

import csv
import io
import re
from datetime import date
from pathlib import Path

import pytest

from buildings.models import Building, BuildingType
from credits.models import Status
from credits.portfolio import SORTS
from credits.selectors import creditable_now
from tests.metering.bill_rows import confirmed_bill
from tests.metering.helpers import make_building
from tests.portal.conftest import browser_session
from tests.support.portfolio import SEEN_AT, credit_block, harbour_office, static_baseline

pytestmark = pytest.mark.django_db

DOCS = Path(__file__).resolve().parents[2] / "docs" / "API.md"


@pytest.fixture
def portal(owner):
    return browser_session(owner)


def _csv(session, query: str = "") -> dict[str, dict]:
    text = session.get(f"/portal/portfolio.csv?{query}").content.decode()
    return {line["building"]: line for line in csv.DictReader(io.StringIO(text))}


def test_a_row_by_hand_is_the_same_in_the_api_the_page_and_the_csv(owner, as_owner, portal, clock):
    clock.set(SEEN_AT)
    harbour_office(owner)
    credit_block(Building.objects.get(name="Harbour office"), Status.PENDING, requested=5)
    (row,) = as_owner.get("/portfolio").json()["results"]
    # 24 kWh a local day: 1 January to 30 June 2025 is 181 days, July 2024 to June 2025 365 days; on 8,760 sq ft
    # that is 1 kWh/sq ft, 10.7639 kWh/m².
    assert (row["first_month"], row["last_month"], row["ytd_first_month"]) == ("2024-07", "2025-06", "2025-01")
    assert row["ytd_kwh"] == pytest.approx(181 * 24) and row["kwh_12m"] == pytest.approx(365 * 24)
    assert row["eui_kwh_per_sqft"] == pytest.approx(1.0) and row["eui_kwh_per_m2"] == pytest.approx(10.7639)
    assert row["savings_kwh"] is None and row["co2_saved_tons"] is None and row["creditable_now_tons"] == 0.0
    assert (row["credits_issued"], row["credits_pending"], row["credits_retired"]) == (0, 5, 0)
    # The last reading is local midnight of 30 June in Auckland (NZST, UTC+12), an aware ISO 8601 instant.
    assert row["last_reading_at"] == "2025-06-29T12:00:00Z" and row["last_bill_day"] is None
    assert row["issues"][0] == "No baseline" and row["flagged_months"]  # the same kWh every day: a stuck register
    assert row["issues"][1] == f"{len(row['flagged_months'])} FLAGGED months to review"

    line = _csv(portal)["Harbour office"]
    assert (line["ytd_kwh"], line["last_12_months_kwh"]) == ("4344.0", "8760.0")
    assert (line["eui_kwh_per_sqft"], line["eui_kwh_per_m2"]) == ("1.000", "10.76")
    assert (line["credits_pending"], line["creditable_now_t"]) == ("5", "0.000")
    assert line["flagged_months"].split() == row["flagged_months"] and line["issues"] == "; ".join(row["issues"])
    html = portal.get("/portal/portfolio/").content.decode()
    assert "4,344" in html and "8,760" in html and "10.8 kWh/m²" in html and row["issues"][1] in html


def test_savings_credits_and_creditable_now_are_the_dashboards(owner, as_owner, portal, eligible_building):
    measured = eligible_building
    # 10 credits issued, 3 of them retired since (a block of their own), 5 awaiting a verifier, through December.
    parent = credit_block(measured, Status.ISSUED, requested=10, issued=7, quarter=2)
    credit_block(measured, Status.RETIRED, requested=3, issued=3, parent=parent, quarter=2)
    credit_block(measured, Status.PENDING, requested=5, quarter=4)
    (row,) = as_owner.get("/portfolio").json()["results"]
    assert (row["credits_issued"], row["credits_retired"], row["credits_pending"]) == (10, 3, 5)
    savings = as_owner.get(f"/mrv/{measured.pk}/savings?start=2024-04&end=2025-03").json()["totals"]
    assert (row["first_month"], row["last_month"]) == ("2024-04", "2025-03")
    assert row["savings_kwh"] == pytest.approx(savings["savings_kwh"])
    assert row["co2_saved_tons"] == pytest.approx(savings["co2_saved_kg"] / 1000)
    # Creditable now: the months a request could still cover, 2025-01..03, as the dashboard and the API total them.
    creditable = creditable_now(measured)
    left = as_owner.get(f"/mrv/{measured.pk}/savings?start=2025-01&end=2025-03").json()["totals"]
    assert (row["creditable_now_first_month"], row["creditable_now_last_month"]) == ("2025-01", "2025-03")
    assert row["creditable_now_tons"] == creditable.co2_creditable_tons == left["co2_creditable_tons"] > 0
    assert row["creditable_now_credits"] == creditable.credits == left["creditable"]["credits"]

    line = _csv(portal)[measured.name]
    assert line["creditable_now_t"] == f"{row['creditable_now_tons']:.3f}"
    assert line["co2_saved_t"] == f"{row['co2_saved_tons']:.3f}" and line["savings_kwh"] == f"{row['savings_kwh']:.1f}"
    assert (line["credits_issued"], line["credits_retired"], line["credits_pending"]) == ("10", "3", "5")
    html = portal.get("/portal/portfolio/").content.decode()
    assert f"{row['creditable_now_tons']:,.3f} t creditable now" in html


def test_another_tenants_buildings_never_appear_and_a_verifier_sees_every_one(
    owner, outsider, as_owner, as_outsider, as_verifier, anon
):
    mine, theirs = make_building(owner, name="My plant"), make_building(outsider, name="Their plant")
    assert [row["building_id"] for row in as_owner.get("/portfolio").json()["results"]] == [str(mine.pk)]
    assert [row["name"] for row in as_outsider.get("/portfolio").json()["results"]] == ["Their plant"]
    assert as_outsider.get("/portfolio?q=My plant").json()["count"] == 0
    seen = as_verifier.get("/portfolio/").json()  # with a trailing slash too
    assert {row["building_id"] for row in seen["results"]} == {str(mine.pk), str(theirs.pk)}
    assert anon.get("/portfolio").status_code == 401


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("sort=garbage", "sort"),
        ("sort=-", "sort"),
        ("type=castle", "type"),
        ("q=" + "x" * 201, "q"),
        ("issues=maybe", "issues"),
        ("sort=name;drop", "sort"),
    ],
)
def test_bad_choices_are_a_422_naming_the_parameter(as_owner, owner, query, field):
    make_building(owner)
    response = as_owner.get(f"/portfolio?{query}")
    assert response.status_code == 422 and response["Content-Type"] == "application/json"
    body = response.json()
    assert body["code"] == "invalid" and list(body["errors"]) == [field] and body["detail"]


def test_filters_order_and_pages_are_the_pages(owner, as_owner, clock):
    clock.set(SEEN_AT)
    harbour_office(owner)
    harbour_office(owner, name="annex", kwh=2.0)
    Building.objects.create(owner=owner, name="Zeta depot", area_sqft=500, building_type=BuildingType.WAREHOUSE)

    def names(query: str) -> list[str]:
        return [row["name"] for row in as_owner.get(f"/portfolio?{query}").json()["results"]]

    assert names("") == ["annex", "Harbour office", "Zeta depot"]  # by name, ignoring case
    assert names("sort=-kwh_12m") == ["Harbour office", "annex", "Zeta depot"]  # unknown last either way
    assert names("sort=kwh_12m") == ["annex", "Harbour office", "Zeta depot"]
    assert names("type=warehouse") == ["Zeta depot"] and names("q=HARB") == ["Harbour office"]
    assert names("issues=true&type=") == ["annex", "Harbour office", "Zeta depot"]  # each has an issue
    first = as_owner.get("/portfolio?sort=-kwh_12m&page_size=2").json()
    assert (
        first["count"] == 3
        and first["previous"] is None
        and [r["name"] for r in first["results"]] == ["Harbour office", "annex"]
    )
    second = as_owner.get(first["next"]).json()
    assert "sort=-kwh_12m" in first["next"] and [r["name"] for r in second["results"]] == ["Zeta depot"]
    assert as_owner.get("/portfolio?page=9").status_code == 404


def _portfolio_of(owner, count: int) -> None:
    """`count` buildings of every kind a row reads: metered with a baseline and credits, billed only, empty."""
    for number in range(count - 2):
        building = harbour_office(owner, name=f"Metered {number}", kwh=20.0 + number)
        static_baseline(building, monthly_kwh=900.0)
        credit_block(building, Status.PENDING, requested=3, quarter=4)
    billed = make_building(owner, name="Billed")
    confirmed_bill(billed, kwh=1200.0, period_start=date(2025, 5, 1), period_end=date(2025, 5, 31))
    make_building(owner, name="Empty")


# Three buildings and ten cost the same queries once their figures are cached: the buildings (with their latest
# reading and bill), their current baselines, credit positions, the factors' fingerprint (in every cache key) and
# the ends of their live credit requests; and the user (the portal reads the session too).
API_QUERIES = 6
PAGE_QUERIES = 7


@pytest.mark.parametrize("count", [3, 10])
def test_a_page_costs_the_same_queries_for_three_buildings_as_for_ten(
    owner, as_owner, clock, count, django_assert_max_num_queries
):
    clock.set(SEEN_AT)
    _portfolio_of(owner, count)
    portal = browser_session(owner)
    cold = as_owner.get("/portfolio").json()  # computes and caches each building's figures
    assert cold["count"] == count and sum(row["kwh_12m"] is not None for row in cold["results"]) == count - 2
    with django_assert_max_num_queries(API_QUERIES):
        warm = as_owner.get("/portfolio").json()
    assert warm == cold
    portal.get("/portal/portfolio/")
    with django_assert_max_num_queries(PAGE_QUERIES):
        html = portal.get("/portal/portfolio/").content.decode()
    assert f"Metered {count - 3}" in html and "bill to 2025-05-31" in html


def test_the_schema_describes_the_portfolio_and_the_docs_name_every_field(anon):
    document = anon.get("/schema", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    operation = document["paths"]["/portfolio"]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"q", "type", "issues", "sort", "page", "page_size"}
    (sort,) = [p for p in operation["parameters"] if p["name"] == "sort"]
    assert sort["schema"]["enum"] == SORTS
    assert set(operation["responses"]) >= {"200", "401", "422"}
    page = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert page.endswith("/PortfolioPage")
    schemas = document["components"]["schemas"]
    assert set(schemas["PortfolioPage"]["properties"]) == {"count", "next", "previous", "results"}
    fields = set(schemas["PortfolioRowOut"]["properties"])
    section = DOCS.read_text().split("### Portfolio (as built)")[1].split("\n### ")[0]
    assert fields == set(re.findall(r"`([a-z_0-9]+)`", _rows(section)))


def _rows(section: str) -> str:
    """The field column of the docs' table of a row's fields."""
    table = section.split("Each row:")[1]
    return "\n".join(line.split("|")[1] for line in table.splitlines() if line.startswith("| `"))
