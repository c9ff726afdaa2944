"""Issue 13, item 4: what every surface previews for a period is what a request of that period creates — the blocks'
tonnes to the 0.001 t and their whole credits to the credit — also for a period that spans two vintage years."""

from decimal import Decimal

import pytest

from credits.models import CreditBlock
from mrv.services import baseline_calculate
from tests.credits.conftest import issue
from tests.mrv import builders
from tests.portal.conftest import HX, browser_session
from tests.reports.test_report_pdf import pdf_text

pytestmark = pytest.mark.django_db

START, END = "2024-11-01", "2025-02-28"


def savings_totals(client, building, start="2024-11", end="2025-02"):
    response = client.get(f"/mrv/{building.pk}/savings?start={start}&end={end}")
    assert response.status_code == 200, response.json()
    return response.json()["totals"]


def pdf_of_period(client, building, django_capture_on_commit_callbacks) -> str:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/reports/generate",
            {"building_id": str(building.pk), "period_start": START, "period_end": END},
            format="json",
        )
    assert response.status_code == 202, response.json()
    download = client.get(f"/reports/{response.json()['report_id']}/download")
    assert download.status_code == 200
    text, _ = pdf_text(b"".join(download.streaming_content))
    return text


def test_a_period_across_two_vintages_is_requested_as_previewed_everywhere(
    as_owner, owner, verifier, eligible_building, tasks_in_process, django_capture_on_commit_callbacks
):
    totals = savings_totals(as_owner, eligible_building)
    tons, credits = Decimal(repr(totals["co2_creditable_tons"])), totals["creditable"]["credits"]
    vintages = totals["creditable"]["vintages"]
    assert [v["vintage"] for v in vintages] == [2024, 2025]
    assert sum(Decimal(repr(v["co2_creditable_tons"])) for v in vintages) == tons
    assert credits == sum(v["credits"] for v in vintages) > 0
    # the share follows central CO2, so no vintage keeps a smaller fraction of its central estimate than another
    kept = [v["co2_creditable_tons"] / v["co2_saved_tons"] for v in vintages]
    assert kept[0] == pytest.approx(kept[1], abs=0.001)

    preview = browser_session(owner).get(
        f"/portal/buildings/{eligible_building.pk}/credits/?period_start=2024-11&period_end=2025-02", headers=HX
    )
    html = preview.content.decode()
    assert f"of which {tons:,.3f} t can be credited at 90 % confidence" in html
    assert f"a request creates <strong>{credits} credit" in html
    pdf = pdf_of_period(as_owner, eligible_building, django_capture_on_commit_callbacks)
    assert f"{tons:,.3f} t CO2e creditable: lower bound at 90 % confidence, {credits} credits" in pdf
    for v in vintages:
        first, last = v["months"][0], v["months"][-1]
        line = f"Vintage {v['vintage']} ({first} to {last}) {v['co2_creditable_tons']:,.3f} t · {v['credits']} credits"
        assert line in pdf

    response = issue(as_owner, eligible_building, start=START, end=END)
    assert response.status_code == 201, response.json()
    body = response.json()
    blocks = CreditBlock.objects.order_by("period_start")
    assert [(b.vintage, b.co2_credited_tons, b.credits_requested) for b in blocks] == [
        (v["vintage"], Decimal(repr(v["co2_creditable_tons"])).quantize(Decimal("0.001")), v["credits"])
        for v in vintages
    ]
    assert sum(b.co2_credited_tons for b in blocks) == tons
    assert sum(b.credits_requested for b in blocks) == credits == body["credits_requested"]
    assert Decimal(repr(body["co2_credited_tons"])) == tons

    admin = browser_session(verifier)
    for block in blocks:
        page = admin.get(f"/admin/credits/creditblock/{block.pk}/change/").content.decode()
        assert "Months requested</th><td>2024-11 – 2025-02:" in page
        assert f"{tons:.3f} t, {credits} credits: the lower bound" in page
        assert f"Vintage {block.vintage} (this block)" in page
        assert f"{block.co2_credited_tons} t creditable, {block.credits_requested} credits" in page


def test_only_eligible_months_are_creditable_and_the_dashboard_shows_the_same(as_owner, owner, eligible_building):
    # February and March 2024 are before and during the retrofit: a request including them is refused, and the
    # creditable figure of such a range is that of its eligible months alone (April and May), bounded together.
    mixed = savings_totals(as_owner, eligible_building, start="2024-02", end="2024-05")
    eligible = savings_totals(as_owner, eligible_building, start="2024-04", end="2024-05")
    assert mixed["co2_creditable_tons"] == eligible["co2_creditable_tons"] > 0
    assert mixed["creditable"] == eligible["creditable"]
    assert [v["months"] for v in mixed["creditable"]["vintages"]] == [["2024-04", "2024-05"]]
    assert issue(as_owner, eligible_building, start="2024-02-01", end="2024-05-31").status_code == 422

    year = savings_totals(as_owner, eligible_building, start="2024-03", end="2025-02")
    dashboard = browser_session(owner).get(f"/portal/buildings/{eligible_building.pk}/?month=2025-02")
    credits = year["creditable"]["credits"]
    expected = f"creditable at 90 % confidence {year['co2_creditable_tons']:,.3f} t ({credits} credits"
    assert expected in dashboard.content.decode()


def test_an_outsider_sees_no_creditable_figure(as_outsider, outsider, eligible_building):
    assert as_outsider.get(f"/mrv/{eligible_building.pk}/savings?start=2024-11&end=2025-02").status_code == 404
    preview = f"/portal/buildings/{eligible_building.pk}/credits/?period_start=2024-11&period_end=2025-02"
    assert browser_session(outsider).get(preview, headers=HX).status_code == 404


def test_a_vintage_below_one_credit_is_previewed_as_the_refusal_the_request_meets(as_owner, owner):
    # A static 3,000 kWh baseline (no uncertainty: credited = central). December at 1 kWh a quarter-hour uses
    # 2,976 kWh: 24 kWh saved, 17.7192 kg at 0.7383 kg/kWh. January at 0.5 kWh uses 1,488: 1,512 kWh saved, 1,116.3096
    # kg. The period: 1.134 t = 1,134 thousandths; quotas 17.72 and 1,116.28 → 17 + 1,116 and the one left to the
    # larger remainder (December's .72) → 0.018 t and 1.116 t.
    building = builders.building(owner)
    builders.retrofit(building)
    baseline_calculate(
        actor=owner, building=building, method="static", static_kwh=3000, months=[{"period": "2024-01", "kwh": 3000}]
    )
    builders.store_meter(building, builders.month_frame("2024-12", kwh=1.0))
    builders.store_meter(building, builders.month_frame("2025-01", kwh=0.5))
    creditable = savings_totals(as_owner, building, start="2024-12", end="2025-01")["creditable"]
    assert [(v["vintage"], v["co2_creditable_tons"], v["credits"]) for v in creditable["vintages"]] == [
        (2024, 0.018, 0),
        (2025, 1.116, 1),
    ]
    refusal = "The 2024 part of the period credits 0.018 t, less than one whole credit."
    assert creditable["refusal"] == refusal
    preview = browser_session(owner).get(
        f"/portal/buildings/{building.pk}/credits/?period_start=2024-12&period_end=2025-01", headers=HX
    )
    assert "but this request would be refused:</strong> " + refusal in preview.content.decode()
    response = issue(as_owner, building, start="2024-12-01", end="2025-01-31")
    assert response.status_code == 422
    assert (response.json()["code"], response.json()["detail"]) == ("below_one_credit", refusal)
    assert not CreditBlock.objects.exists()
