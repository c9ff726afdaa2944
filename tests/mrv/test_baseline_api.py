import pytest

from carbonexia.audit.models import AuditEvent
from mrv.models import Baseline
from tests.mrv import builders

pytestmark = pytest.mark.django_db


def _calculate(client, building, **body):
    return client.post("/baseline/calculate", {"building_id": str(building.pk), **body}, format="json")


def test_seed_example_gives_39500(as_owner, owner):
    b = builders.building(owner)
    response = _calculate(
        as_owner, b, months=[{"period": "2024-01", "kwh": 38000}, {"period": "2024-02", "kwh": 41000}]
    )
    assert response.status_code == 201
    body = response.json()
    assert body["baseline_monthly_kwh"] == 39500
    assert body["method"] == "historical"
    assert "no temperature data" in body["method_reason"]
    assert (body["period_start"], body["period_end"]) == ("2024-01-01", "2024-02-29")
    assert body["normalization"] == {"weather": False, "occupancy": False}
    # Hand check: mean 39500, residuals ±1500, CV(RMSE) = sqrt(2·1500²/(2-1)) / 39500 = 0.053704
    assert body["fit"]["cv_rmse"] == pytest.approx(0.053704, abs=1e-6)
    assert body["fit"]["n"] == 2
    assert set(body) >= {"baseline_id", "building_id", "model", "fit", "valid", "warnings"}
    assert AuditEvent.objects.filter(action="baseline.computed", object_id=body["baseline_id"]).exists()


def test_history_keeps_every_baseline_and_the_newest_is_current(as_owner, owner):
    b = builders.building(owner)
    first = _calculate(as_owner, b, months=[{"period": "2024-01", "kwh": 100}, {"period": "2024-02", "kwh": 120}])
    second = _calculate(as_owner, b, method="static", static_kwh=5000, months=[{"period": "2024-01", "kwh": 1}])
    assert second.status_code == 201 and second.json()["baseline_monthly_kwh"] == 5000
    body = as_owner.get(f"/baseline/{b.pk}").json()
    assert body["current"]["baseline_id"] == second.json()["baseline_id"]
    assert [h["baseline_id"] for h in body["history"]] == [second.json()["baseline_id"], first.json()["baseline_id"]]
    assert Baseline.objects.get(pk=first.json()["baseline_id"]).baseline_monthly_kwh == 110


def test_occupancy_method_on_posted_months(as_owner, owner):
    b = builders.building(owner)
    months = builders.monthly_values(["2024-01", "2024-02", "2024-03"], [30000, 28000, 31000])
    body = _calculate(as_owner, b, months=months, method="occupancy").json()
    assert body["method"] == "occupancy"
    assert body["normalization"] == {"weather": False, "occupancy": True}
    assert body["baseline_monthly_kwh"] == pytest.approx(29666.667, rel=1e-6)


def test_baseline_from_stored_readings_uses_the_window_before_the_retrofit(as_owner, owner):
    b, _ = builders.two_years(owner)
    response = _calculate(as_owner, b)
    assert response.status_code == 201, response.json()
    body = response.json()
    candidates = {c["method"]: c for c in body["candidates"]}
    granularities = {method: c["granularity"] for method, c in candidates.items()}
    # 15-minute readings: the daily family on complete days, and towt on complete hours
    assert granularities == {"weather": "daily", "daytype": "daily", "regression": "daily", "towt": "hourly"}
    chosen = min((c for c in candidates.values() if c["g14_pass"]), key=lambda c: c["oos_cv_rmse"])
    assert body["method"] == chosen["method"]
    assert body["chosen_because"] == body["method_reason"]
    assert body["chosen_because"].startswith(f"{chosen['method']} (")
    assert body["fit"]["r2"] == chosen["r2"] and body["fit"]["cv_rmse"] == chosen["cv_rmse"]
    assert (body["period_start"], body["period_end"]) == ("2023-03-01", "2024-02-29")
    assert body["valid"] is True
    assert body["model"]["granularity"] == granularities[body["method"]]
    assert body["fit"]["n"] > 300  # fitted on the complete days (or hours), not on 12 months
    regression = _calculate(as_owner, b, method="regression").json()
    assert regression["method"] == "regression" and regression["fit"]["n"] > 300
    assert regression["model"]["changepoint"]["cooling_balance_point_c"] is not None
    assert regression["normalization"] == {"weather": True, "occupancy": True}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"months": [{"period": "2024-13", "kwh": 1}]}, "months"),
        ({"months": [{"period": "2024-01", "kwh": -5}]}, "months"),
        ({"months": []}, "months"),
        ({"method": "astrology"}, "method"),
        ({"method": "static"}, "static_kwh"),
        ({"baseline_start": "2024-01-01"}, "baseline_end"),
        ({"baseline_start": "2024-05-01", "baseline_end": "2024-01-31"}, "baseline_end"),
        ({"months": [{"period": "2024-01", "kwh": 1}, {"period": "2024-01", "kwh": 2}]}, "months"),
    ],
)
def test_bad_baseline_requests_are_422_and_store_nothing(as_owner, owner, body, field):
    b = builders.building(owner)
    response = _calculate(as_owner, b, **body)
    assert response.status_code == 422, response.json()
    assert field in response.json()["errors"]
    assert not Baseline.objects.exists()


def test_no_retrofit_and_no_window_is_422_with_a_reason(as_owner, owner):
    b = builders.building(owner)
    response = _calculate(as_owner, b)
    assert response.status_code == 422
    assert response.json()["code"] == "no_baseline_window"


def test_a_window_without_readings_is_422(as_owner, owner):
    b = builders.building(owner)
    response = _calculate(as_owner, b, baseline_start="2020-01-01", baseline_end="2020-12-31")
    assert response.status_code == 422 and response.json()["code"] == "no_baseline_data"


def test_outsiders_get_404_and_verifiers_may_read_only(as_owner, as_outsider, as_verifier, owner):
    b = builders.building(owner)
    months = [{"period": "2024-01", "kwh": 1}]
    assert _calculate(as_outsider, b, months=months).status_code == 404
    assert as_outsider.get(f"/baseline/{b.pk}").status_code == 404
    assert _calculate(as_verifier, b, months=months).status_code == 403
    assert as_verifier.get(f"/baseline/{b.pk}").status_code == 200
    assert not Baseline.objects.exists()


def test_exact_baseline_dates_fit_exactly_those_days(as_owner, owner):
    b, _ = builders.two_years(owner, interval="1D")
    body = _calculate(as_owner, b, baseline_start="2023-03-15", baseline_end="2024-03-03", method="weather").json()
    assert (body["period_start"], body["period_end"]) == ("2023-03-15", "2024-03-03")
    assert (body["model"]["first_day"], body["model"]["last_day"]) == ("2023-03-15", "2024-03-03")
    assert body["model"]["granularity"] == "daily"
    assert body["fit"]["n"] == 355  # 2023-03-15 … 2024-03-03, both included: a daily meter, fitted on its days
    (candidate,) = body["candidates"]
    assert 0 < candidate.pop("oos_cv_rmse") < body["fit"]["cv_rmse"]  # monthly totals average the daily noise out
    assert [candidate] == [
        {
            "method": "weather",
            "terms": ["temperature"],
            "granularity": "daily",
            "r2": body["fit"]["r2"],
            "cv_rmse": body["fit"]["cv_rmse"],
            "nmbe": body["fit"]["nmbe"],
            "g14_pass": body["valid"],
        }
    ]
    assert body["chosen_because"] == "requested"
