"""A bill checked against its building and its meter: stored with both figures, shown by the API, and confirmed
when flagged only with an explicit acknowledgement that the audit keeps (issue 14, row 12)."""

import math
from datetime import date

import pandas as pd
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from accounts.models import Role
from buildings.models import Building
from buildings.services import building_power_ceiling_set
from carbonexia.audit.models import AuditEvent
from metering.bills.models import MAX_BILL_KWH, AreaCheck, MeterCheck, UtilityBill
from metering.bills.selectors import months_on_meter
from mrv.inputs import month_qualities
from tests.metering import bill_images, bill_rows
from tests.metering.helpers import make_building
from tests.mrv import builders

pytestmark = pytest.mark.django_db

MARCH = {"period_start": "2025-03-01", "period_end": "2025-03-31"}
METER_MARCH_KWH = 250_885.0


def store_march(building: Building, *, total: float = METER_MARCH_KWH, days: int = 31) -> None:
    """Quarter-hour readings over the first `days` of March 2025 (local), `total` kWh spread evenly."""
    stamps = pd.date_range("2025-03-01", periods=days * 96, freq="15min", tz=building.timezone)
    builders.store_meter(building, pd.DataFrame({"ts": stamps, "kwh": total / len(stamps)}))


def confirm(client, bill, **body):
    return client.post(f"/meter/bills/{bill.public_id}/confirm", {**MARCH, **body}, format="json")


@pytest.fixture
def building(owner):
    return make_building(owner)  # 50,000 sq ft in Asia/Kolkata


def test_a_bill_off_the_meter_is_flagged_refused_then_confirmed_with_acknowledgement(as_owner, building):
    store_march(building)
    bill = bill_rows.read_bill(building, kwh=42_300, period_start=date(2025, 3, 1), period_end=date(2025, 3, 31))
    version = Building.objects.get(pk=building.pk).data_version

    refused = confirm(as_owner, bill, kwh=42_300)
    assert refused.status_code == 422
    sentence = (
        "The bill's 42,300 kWh differs from the meter's 250,885 kWh over the same days by 83.1 %, "
        "more than the 10 % allowed."
    )
    assert refused.json() == {
        "detail": "The bill's checks flag its figures, so nothing was confirmed: correct them, or confirm them as "
        "they are with acknowledge_mismatch.",
        "code": "bill_flagged",
        "errors": {"acknowledge_mismatch": [sentence]},
    }
    stored = UtilityBill.objects.get(pk=bill.pk)
    assert (stored.confirmed, stored.confirmed_kwh, stored.checked_at, stored.checks_acknowledged) == (
        False,
        None,
        None,
        False,
    )
    assert Building.objects.get(pk=building.pk).data_version == version
    assert not AuditEvent.objects.filter(action="bill.confirmed").exists()

    accepted = confirm(as_owner, bill, kwh=42_300, acknowledge_mismatch=True)
    assert accepted.status_code == 200, accepted.json()
    checks = accepted.json()["checks"]
    assert checks["flagged"] is True and checks["acknowledged"] is True and checks["bill_kwh"] == 42_300
    assert checks["meter"] == {
        "result": "mismatch",
        "meter_kwh": pytest.approx(METER_MARCH_KWH),
        "difference_pct": pytest.approx(-83.1397, abs=1e-4),
        "tolerance_pct": 10.0,
        "coverage_pct": 100.0,
        "message": sentence,
    }
    assert checks["floor_area"]["result"] == "ok"
    assert checks["months_on_meter"] == ["2025-03"]
    assert checks["messages"] == [
        "The bill's 42,300 kWh is plausible for the building's floor area.",
        sentence,
        "The owner confirmed the bill knowing this.",
        "Meter readings exist for 2025-03: savings use the meter there, not this bill.",
    ]
    trail = AuditEvent.objects.get(action="bill.confirmed").after["checks"]
    assert (trail["checked_kwh"], trail["meter_kwh"], trail["meter_check"]) == (
        42_300,
        pytest.approx(METER_MARCH_KWH),
        "mismatch",
    )
    assert (trail["flagged"], trail["acknowledged"]) == (True, True)
    # The month keeps using the meter.
    march = pd.Period("2025-03", freq="M")
    assert month_qualities(building=building, months=[march])[march].total_kwh == pytest.approx(METER_MARCH_KWH)


def test_a_corrected_figure_is_checked_again_and_needs_no_acknowledgement(as_owner, building):
    store_march(building)
    bill = bill_rows.read_bill(building, kwh=42_300, period_start=date(2025, 3, 1), period_end=date(2025, 3, 31))
    response = confirm(as_owner, bill, kwh=252_000)
    assert response.status_code == 200, response.json()
    checks = response.json()["checks"]
    assert (checks["flagged"], checks["acknowledged"], checks["bill_kwh"]) == (False, False, 252_000)
    assert checks["meter"]["result"] == "ok"
    assert checks["meter"]["difference_pct"] == pytest.approx((252_000 - METER_MARCH_KWH) / METER_MARCH_KWH * 100)


def test_acknowledging_a_bill_nothing_flags_records_no_acknowledgement(as_owner, building):
    store_march(building)
    bill = bill_rows.read_bill(building, kwh=250_000, period_start=date(2025, 3, 1), period_end=date(2025, 3, 31))
    body = confirm(as_owner, bill, kwh=250_000, acknowledge_mismatch=True).json()
    assert (body["checks"]["flagged"], body["checks"]["acknowledged"]) == (False, False)


@pytest.mark.parametrize(
    ("kwh", "result", "sentence"),
    [
        (
            2_000_000,
            "above_ceiling",
            "The bill's 2,000,000 kWh is more than the building's floor area can draw in the bill's days: at most "
            "1,860,000 kWh at its power ceiling.",
        ),
        (
            38,
            "below_floor",
            "The bill's 38 kWh is implausibly little for the building's floor area: even an empty building uses "
            "about 372 kWh in the bill's days. Check for lost digits.",
        ),
    ],
)
def test_a_figure_implausible_for_the_floor_area_is_flagged_without_any_meter(
    as_owner, building, kwh, result, sentence
):
    bill = bill_rows.read_bill(building, kwh=kwh, period_start=date(2025, 3, 1), period_end=date(2025, 3, 31))
    refused = confirm(as_owner, bill, kwh=kwh)
    assert (refused.status_code, refused.json()["errors"]) == (422, {"acknowledge_mismatch": [sentence]})
    body = confirm(as_owner, bill, kwh=kwh, acknowledge_mismatch=True).json()
    assert body["checks"]["floor_area"] == {
        "result": result,
        "min_kwh": pytest.approx(372.0),
        "max_kwh": pytest.approx(1_860_000.0),
        "message": sentence,
    }
    assert body["checks"]["meter"]["result"] == "not_covered" and body["checks"]["meter"]["meter_kwh"] is None


def test_the_power_ceiling_is_the_setting(as_owner, building, settings):
    settings.MAX_POWER_W_PER_SQFT = 100  # 3,720,000 kWh over March for 50,000 sq ft
    bill = bill_rows.read_bill(building, kwh=2_000_000, period_start=date(2025, 3, 1), period_end=date(2025, 3, 31))
    body = confirm(as_owner, bill, kwh=2_000_000).json()
    assert body["checks"]["floor_area"]["max_kwh"] == pytest.approx(3_720_000.0)


def test_a_ceiling_an_admin_raised_for_the_building_holds_for_its_bills(as_owner, building, make_user):
    # A data hall: 300 W per sq ft over March for 50,000 sq ft is 300 × 50,000 × 744 / 1,000 = 11,160,000 kWh.
    building_power_ceiling_set(actor=make_user(Role.ADMIN), building=building, max_power_w_per_sqft=300)
    bill = bill_rows.read_bill(building, kwh=9_000_000, period_start=date(2025, 3, 1), period_end=date(2025, 3, 31))
    response = confirm(as_owner, bill, kwh=9_000_000)
    assert response.status_code == 200, response.json()
    assert response.json()["checks"]["floor_area"] == {
        "result": "ok",
        "min_kwh": pytest.approx(372.0),
        "max_kwh": pytest.approx(11_160_000.0),
        "message": "The bill's 9,000,000 kWh is plausible for the building's floor area.",
    }


def test_the_tolerance_is_the_setting(as_owner, building, settings):
    store_march(building, total=100_000)
    settings.BILL_METER_TOLERANCE_PCT = 20
    bill = bill_rows.read_bill(building, kwh=85_000, period_start=date(2025, 3, 1), period_end=date(2025, 3, 31))
    body = confirm(as_owner, bill, kwh=85_000).json()  # 15 % off: within 20 %
    assert (body["checks"]["meter"]["result"], body["checks"]["meter"]["tolerance_pct"]) == ("ok", 20.0)


def test_a_meter_missing_a_few_days_is_filled_and_one_missing_many_is_not_compared(as_owner, building):
    store_march(building, total=3_000, days=30)  # 30 of 31 days: 96.8 %, so 3,000 × 31 / 30 = 3,100 kWh
    bill = bill_rows.read_bill(building, kwh=3_100, period_start=date(2025, 3, 1), period_end=date(2025, 3, 31))
    meter = confirm(as_owner, bill, kwh=3_100).json()["checks"]["meter"]
    assert meter["result"] == "ok" and meter["meter_kwh"] == pytest.approx(3_100.0)
    assert meter["coverage_pct"] == pytest.approx(96.77)
    # A bill for 1-20 April: no readings at all.
    april = bill_rows.read_bill(building, kwh=5_000, period_start=date(2025, 4, 1), period_end=date(2025, 4, 20))
    body = confirm(as_owner, april, kwh=5_000, period_start="2025-04-01", period_end="2025-04-20").json()
    assert body["confirmed"] is True
    assert body["checks"]["meter"] == {
        "result": "not_covered",
        "meter_kwh": None,
        "difference_pct": None,
        "tolerance_pct": 10.0,
        "coverage_pct": 0.0,
        "message": "The meter's readings cover 0 % of the bill's days, too few to compare with the bill.",
    }


def test_daily_readings_count_by_the_day_across_two_months(as_owner, building):
    january = pd.date_range("2025-01-10", "2025-01-31", freq="D", tz=building.timezone)
    february = pd.date_range("2025-02-01", "2025-02-20", freq="D", tz=building.timezone)
    builders.store_meter(building, pd.DataFrame({"ts": january, "kwh": 100.0}))
    builders.store_meter(building, pd.DataFrame({"ts": february, "kwh": 80.0}))
    # 15 Jan - 14 Feb: 17 January days at 100 kWh and 14 February days at 80 = 1,700 + 1,120 = 2,820 kWh.
    bill = bill_rows.read_bill(building, kwh=2_820, period_start=date(2025, 1, 15), period_end=date(2025, 2, 14))
    checks = confirm(as_owner, bill, kwh=2_820, period_start="2025-01-15", period_end="2025-02-14").json()["checks"]
    assert (checks["meter"]["result"], checks["meter"]["meter_kwh"]) == ("ok", pytest.approx(2_820.0))
    assert checks["months_on_meter"] == ["2025-01", "2025-02"]
    # 15 Feb - 16 Mar: readings for 6 of its 30 days, 20 %: not compared.
    later = bill_rows.read_bill(building, kwh=2_400, period_start=date(2025, 2, 15), period_end=date(2025, 3, 16))
    meter = confirm(as_owner, later, kwh=2_400, period_start="2025-02-15", period_end="2025-03-16").json()
    assert (meter["checks"]["meter"]["result"], meter["checks"]["meter"]["coverage_pct"]) == ("not_covered", 20.0)
    assert months_on_meter(building=building, period_start=date(2025, 2, 10), period_end=date(2025, 3, 5)) == [
        pd.Period("2025-02", freq="M")
    ]


def test_a_bill_never_checked_says_so(as_owner, building):
    bill = bill_rows.read_bill(building)
    checks = as_owner.get(f"/meter/bills/{bill.public_id}").json()["checks"]
    assert checks == {
        "flagged": False,
        "acknowledged": False,
        "checked_at": None,
        "bill_kwh": None,
        "floor_area": {"result": "not_checked", "min_kwh": None, "max_kwh": None, "message": None},
        "meter": {
            "result": "not_checked",
            "meter_kwh": None,
            "difference_pct": None,
            "tolerance_pct": None,
            "coverage_pct": None,
            "message": None,
        },
        "months_on_meter": [],
        "messages": [
            "The bill's figures are not checked yet: they are checked against the building and its meter when "
            "confirmed."
        ],
    }


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kwh": MAX_BILL_KWH * 2}, "kwh"),
        ({"kwh": 100, "period_start": "0001-01-01", "period_end": "0001-01-31"}, "period_start"),
        ({"kwh": 100, "period_start": "1989-12-31", "period_end": "1990-01-30"}, "period_start"),
        ({"kwh": 42_300, "acknowledge_mismatch": "maybe"}, "acknowledge_mismatch"),
        ({"kwh": 42_300, "acknowledge_mismatch": [True]}, "acknowledge_mismatch"),
    ],
)
def test_bad_input_is_422_and_changes_nothing(as_owner, building, body, field):
    store_march(building)
    bill = bill_rows.read_bill(building, kwh=42_300, period_start=date(2025, 3, 1), period_end=date(2025, 3, 31))
    response = confirm(as_owner, bill, **body)
    assert response.status_code == 422 and field in response.json()["errors"]
    stored = UtilityBill.objects.get(pk=bill.pk)
    assert (stored.confirmed, stored.checked_at) == (False, None)


def test_an_outsider_acknowledging_anothers_bill_is_404(as_outsider, building):
    bill = bill_rows.read_bill(building, kwh=38, period_start=date(2025, 3, 1), period_end=date(2025, 3, 31))
    assert confirm(as_outsider, bill, kwh=38, acknowledge_mismatch=True).status_code == 404
    assert as_outsider.get(f"/meter/bills/{bill.public_id}").status_code == 404
    assert not UtilityBill.objects.get(pk=bill.pk).confirmed


@pytest.mark.parametrize(
    "change",
    [
        # A confirmed bill the checks flag, without the owner's acknowledgement.
        {"area_check": AreaCheck.BELOW_FLOOR},
        {"meter_check": MeterCheck.MISMATCH},
        {"meter_coverage_pct": 100.5},
        {"checked_kwh": math.inf},
        {"meter_kwh": -1.0},
        {"confirmed_kwh": MAX_BILL_KWH * 2},
        {"confirmed_period_start": date(1989, 12, 31)},
    ],
    ids=lambda change: next(iter(change)),
)
def test_the_database_refuses_what_the_service_would(building, change):
    bill = bill_rows.confirmed_bill(building, kwh=3_100, period_start=date(2025, 1, 15), period_end=date(2025, 2, 14))
    with pytest.raises(IntegrityError), transaction.atomic():
        UtilityBill.objects.filter(pk=bill.pk).update(**change)


def test_the_schema_describes_the_checks(anon):
    schema = anon.get("/schema", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()["components"]["schemas"]
    assert set(schema["BillChecksOut"]["properties"]) == {
        "flagged",
        "acknowledged",
        "checked_at",
        "bill_kwh",
        "floor_area",
        "meter",
        "months_on_meter",
        "messages",
    }
    assert "checks" in schema["BillOut"]["properties"]
    assert "acknowledge_mismatch" in schema["BillConfirmInRequest"]["properties"]


@pytest.mark.parametrize("year", ["0001", "9999"])
def test_a_misread_year_leaves_the_bill_unchecked_never_a_500(
    as_owner, building, year, tasks_in_process, django_capture_on_commit_callbacks
):
    html = f"<p>Billing period: 01-01-{year} to 31-01-{year}</p><p>Units Consumed: 3,100</p>"
    pdf = SimpleUploadedFile("odd.pdf", bill_images.text_pdf(html), content_type="application/pdf")
    with django_capture_on_commit_callbacks(execute=True):
        upload_id = as_owner.post(
            "/meter/upload-bill", {"building_id": str(building.pk), "file": pdf}, format="multipart"
        ).json()["upload_id"]
    body = as_owner.get(f"/meter/bills/{upload_id}").json()
    assert body["status"] == "completed" and body["extracted"]["period_start"] == f"{year}-01-01"
    assert body["checks"]["floor_area"]["result"] == "not_checked" and body["checks"]["months_on_meter"] == []
    refused = as_owner.post(
        f"/meter/bills/{upload_id}/confirm",
        {"kwh": 3_100, "period_start": f"{year}-01-01", "period_end": f"{year}-01-31"},
        format="json",
    )
    assert refused.status_code == 422
