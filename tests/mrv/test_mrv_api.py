import pandas as pd
import pytest

from buildings.models import EventType, ProjectEvent
from carbonexia.audit.models import AuditEvent
from carbonexia.common.errors import Forbidden, Invalid
from mrv import selectors
from mrv.models import MonthReview
from mrv.services import baseline_calculate, month_review_record
from tests.mrv import builders

pytestmark = pytest.mark.django_db


def test_quality_bands_and_gap_filling(as_owner, flat_building):
    b = flat_building
    builders.store_meter(
        b,
        pd.concat(
            [
                builders.month_frame("2024-05"),  # complete → OK
                builders.month_frame("2024-07", missing_every=50),  # 2 % missing → INTERPOLATED
                builders.month_frame("2024-08", missing_every=10),  # 10 % → FLAGGED
                builders.month_frame("2024-10", missing_every=3),  # 33 % → REJECTED
            ]
        ),
    )
    body = as_owner.get(f"/mrv/{b.pk}/savings?start=2024-05&end=2024-10").json()
    months = {m["period"]: m for m in body["months"]}
    assert [months[p]["quality"] for p in ["2024-05", "2024-07", "2024-08", "2024-10"]] == [
        "OK",
        "INTERPOLATED",
        "FLAGGED",
        "REJECTED",
    ]
    # 31 days × 96 quarter-hours × 10 kWh; gaps of a flat series fill back to the full month
    assert months["2024-05"]["actual_kwh"] == pytest.approx(29_760)
    assert months["2024-07"]["actual_kwh"] == pytest.approx(29_760)
    assert months["2024-07"]["missing_pct"] == pytest.approx(100 * 60 / 2976, abs=1e-3)
    assert months["2024-08"]["actual_kwh"] == pytest.approx(29_760)
    assert months["2024-05"]["savings_kwh"] == pytest.approx(40_000 - 29_760)
    # CO2 with the CEA v21.0 combined margin (0.7383 kg/kWh) valid in May 2024
    assert months["2024-05"]["co2_saved_kg"] == pytest.approx((40_000 - 29_760) * 0.7383)
    assert months["2024-05"]["eligible"] is True and months["2024-07"]["eligible"] is True
    assert months["2024-08"]["eligible"] is False
    assert months["2024-10"]["eligible"] is False
    assert months["2024-06"]["quality"] == "REJECTED"
    assert "There are no meter readings for this month." in months["2024-06"]["reasons"]


def test_verifier_approval_makes_a_flagged_month_eligible(as_owner, flat_building, make_user):
    b = flat_building
    builders.store_meter(b, builders.month_frame("2024-08", missing_every=10))
    url = f"/mrv/{b.pk}/summary?period=2024-08"
    assert as_owner.get(url).json()["eligible"] is False
    verifier = make_user("verifier")
    with pytest.raises(Invalid, match="not a flagged month"):
        month_review_record(
            reviewer=verifier, building=b, month=pd.Period("2024-05", "M"), decision="approve", comment="fine"
        )
    with pytest.raises(Forbidden):
        month_review_record(
            reviewer=b.owner, building=b, month=pd.Period("2024-08", "M"), decision="approve", comment="mine"
        )
    month_review_record(
        reviewer=verifier,
        building=b,
        month=pd.Period("2024-08", "M"),
        decision="approve",
        comment="Meter outage confirmed by the utility; fill is sound.",
    )
    summary = as_owner.get(url).json()
    assert summary["eligible"] is True, summary["reasons"]
    assert AuditEvent.objects.filter(action="month.reviewed").count() == 1
    assert MonthReview.objects.get().decision == "approve"


def test_verifier_may_not_review_their_own_building(make_user):
    verifier = make_user("verifier")
    b = builders.building(verifier)
    builders.store_meter(b, builders.month_frame("2024-08", missing_every=10))
    with pytest.raises(Forbidden, match="own"):
        month_review_record(
            reviewer=verifier, building=b, month=pd.Period("2024-08", "M"), decision="approve", comment="x"
        )


def test_eligibility_reasons_in_plain_words(as_owner, owner, flat_building):
    b = flat_building
    builders.store_meter(b, pd.concat([builders.month_frame(m) for m in ["2024-02", "2024-05", "2024-06"]]))
    ProjectEvent.objects.create(
        building=b, event_type=EventType.SHUTDOWN, start_date="2024-06-10", end_date="2024-06-12", recorded_by=owner
    )
    months = {m["period"]: m for m in as_owner.get(f"/mrv/{b.pk}/savings?start=2024-02&end=2024-06").json()["months"]}
    assert months["2024-05"]["eligible"] is True
    assert any("shutdown" in r for r in months["2024-06"]["reasons"])
    assert any("retrofit" in r for r in months["2024-02"]["reasons"])
    unknown = builders.building(owner, region="ZZ")
    builders.store_meter(unknown, builders.month_frame("2024-05"))
    summary = as_owner.get(f"/mrv/{unknown.pk}/summary?period=2024-05").json()
    assert summary["eligible"] is False
    assert any("baseline" in r for r in summary["reasons"])
    assert any("emission factor" in r for r in summary["reasons"])


def test_summary_defaults_to_the_latest_complete_month_and_carries_factors_forward(as_owner, flat_building):
    b = flat_building
    builders.store_meter(b, pd.concat([builders.month_frame("2025-05"), builders.month_frame("2025-06")]))
    summary = as_owner.get(f"/mrv/{b.pk}/summary").json()
    assert summary["period"] == "2025-06"
    assert summary["baseline_monthly_kwh"] == 40_000
    assert summary["current_month_kwh"] == pytest.approx(28_800)
    assert summary["emission_factor_kg_per_kwh"] == pytest.approx(0.7383)
    assert any("carried forward" in w for w in summary["warnings"])


def test_results_are_cached_until_the_data_changes(owner, flat_building):
    b = flat_building
    builders.store_meter(b, builders.month_frame("2024-05"))
    first, last = pd.Period("2024-05", "M"), pd.Period("2024-05", "M")
    run, cached = selectors.cached_mrv_run(building=b, first=first, last=last)
    assert cached is False
    assert selectors.cached_mrv_run(building=b, first=first, last=last)[1] is True
    builders.store_meter(b, builders.month_frame("2024-05", kwh=5.0))
    fresh, cached = selectors.cached_mrv_run(building=b, first=first, last=last)
    assert cached is False
    assert fresh.months[0].actual_kwh == pytest.approx(run.months[0].actual_kwh / 2)
    ProjectEvent.objects.create(building=b, event_type=EventType.SHUTDOWN, start_date="2024-05-01", recorded_by=owner)
    from buildings.services import building_data_changed

    building_data_changed(b)
    assert selectors.cached_mrv_run(building=b, first=first, last=last)[1] is False


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("savings?start=2024-13", "start"),
        ("savings?start=2024-05&end=2024-01", "end"),
        ("summary?period=May", "period"),
        ("savings?start=2000-01&end=2024-01", "end"),
    ],
)
def test_bad_month_parameters_are_422(as_owner, flat_building, path, field):
    response = as_owner.get(f"/mrv/{flat_building.pk}/{path}")
    assert response.status_code == 422 and field in response.json()["errors"]


def test_no_data_is_422_with_a_reason(as_owner, owner):
    b = builders.building(owner)
    response = as_owner.get(f"/mrv/{b.pk}/summary")
    assert response.status_code == 422 and response.json()["code"] == "no_data"


def test_outsiders_get_404_on_mrv(as_outsider, as_verifier, flat_building):
    builders.store_meter(flat_building, builders.month_frame("2024-05"))
    for path in ["summary?period=2024-05", "savings?start=2024-05&end=2024-05"]:
        assert as_outsider.get(f"/mrv/{flat_building.pk}/{path}").status_code == 404
        assert as_verifier.get(f"/mrv/{flat_building.pk}/{path}").status_code == 200


def test_a_baseline_publishes_its_event(as_owner, owner, django_capture_on_commit_callbacks):
    from carbonexia.events import domain_event

    sent = []
    domain_event.connect(lambda **event: sent.append(event), weak=False, dispatch_uid="test-mrv-events")
    try:
        b = builders.building(owner)
        builders.retrofit(b)
        with django_capture_on_commit_callbacks(execute=True):
            baseline_calculate(
                actor=owner,
                building=b,
                method="static",
                static_kwh=40_000,
                months=[{"period": "2024-01", "kwh": 40_000}],
            )
            builders.store_meter(b, builders.month_frame("2024-05"))
            as_owner.get(f"/mrv/{b.pk}/summary?period=2024-05")  # a read: announces nothing
    finally:
        domain_event.disconnect(dispatch_uid="test-mrv-events")
    assert [e["event_type"] for e in sent] == ["baseline_computed"]
    assert sent[0]["payload"]["baseline_monthly_kwh"] == 40_000 and sent[0]["owner"] == owner
    assert sent[0]["event_id"].startswith("evt_")
