"""End to end on stored data with a known truth: the reporting year is 2 °C hotter than the baseline
year and the retrofit saves exactly 20 %; weather normalisation asked for by name must recover the true savings.
What the default chooses on generated offices is tested in test_default_model_accuracy."""

import pytest

from mrv.services import baseline_calculate
from tests.mrv import builders

pytestmark = pytest.mark.django_db


def _savings(client, building):
    return client.get(f"/mrv/{building.pk}/savings?start=2024-04&end=2025-03").json()


@pytest.mark.parametrize("interval", ["15min", "1D"])
def test_weather_method_recovers_true_savings_where_the_historical_mean_is_biased(as_owner, owner, interval):
    b, truth = builders.two_years(owner, interval=interval, hotter_by_c=2.0)
    true_total = truth.loc["2024-04":"2025-03"].sum()

    baseline_calculate(actor=owner, building=b, method="historical")
    historical = _savings(as_owner, b)["totals"]["savings_kwh"]
    weather_baseline = baseline_calculate(actor=owner, building=b, method="weather")
    assert weather_baseline.model["granularity"] == "daily"  # a daily meter and an interval meter alike
    body = _savings(as_owner, b)
    weather = body["totals"]["savings_kwh"]

    weather_error = weather / true_total - 1
    historical_error = historical / true_total - 1
    print(
        f"{interval}: truth {true_total:,.0f} kWh; weather {weather:,.0f} ({weather_error:+.1%}); "
        f"historical {historical:,.0f} ({historical_error:+.1%})"
    )
    assert abs(weather_error) <= 0.03
    assert historical_error < -0.05  # a hotter year hides savings from a plain mean
    assert all(m["quality"] == "OK" for m in body["months"])
    assert all(m["eligible"] for m in body["months"]), [m["reasons"] for m in body["months"]]
    uncertainty = body["totals"]["uncertainty"]
    assert 0 < uncertainty["fsu"] < 1
    assert uncertainty["co2_credited_kg"] < body["totals"]["co2_saved_kg"]
