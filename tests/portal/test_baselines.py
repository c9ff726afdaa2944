import re

import pytest

from mrv.models import Baseline
from tests.metering.helpers import make_building
from tests.mrv import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def unmeasured(owner):
    """Two years of daily data with the retrofit recorded, and no baseline yet."""
    building, _ = builders.two_years(owner, interval="1D")
    return building


def test_computing_a_baseline_shows_its_fit_verdict_and_model(portal, unmeasured):
    url = f"/portal/buildings/{unmeasured.pk}/baselines/"
    assert b"has no baseline yet" in portal.get(url).content
    response = portal.post(url, {"method": "", "static_kwh": "", "baseline_start": "", "baseline_end": ""}, follow=True)
    baseline = Baseline.objects.get(building=unmeasured)
    assert baseline.method in {c["method"] for c in baseline.candidates}
    assert (baseline.period_start.isoformat(), baseline.period_end.isoformat(), baseline.valid) == (
        "2023-03-01",
        "2024-02-29",
        True,
    )
    html = response.content.decode()
    assert "baseline was computed; it meets the acceptance criteria." in html
    assert f"{baseline.get_method_display()} over 2023-03-01 to 2024-02-29" in html
    assert baseline.model["granularity"] == "daily"  # a daily meter fits on its days, not on 12 monthly totals
    assert (
        '<span class="badge yes">Meets ASHRAE Guideline 14</span>' in html
        and "limit 30 %" in html
        and "limit ±10 %" in html
    )
    assert 'aria-label="Model (kWh) and Metered (kWh)"' in html
    assert html.count('<td class="num">') >= 24  # model and metered for each of the 12 months


def test_a_static_baseline_is_not_judged_by_guideline_14(portal, unmeasured):
    url = f"/portal/buildings/{unmeasured.pk}/baselines/"
    form = {"method": "static", "static_kwh": "150000", "baseline_start": "2023-03-01", "baseline_end": "2024-02-29"}
    html = portal.post(url, form, follow=True).content.decode()
    assert "Not applicable" in html and "a static baseline has no fit statistics" in html.lower()


def test_exact_days_are_fitted_as_the_api_fits_them(portal, as_owner, unmeasured):
    """The form takes the first and last day as dates and calls the service the API calls: a window cut
    mid-month gives the same baseline through either."""
    url = f"/portal/buildings/{unmeasured.pk}/baselines/"
    days = {"baseline_start": "2023-03-15", "baseline_end": "2024-03-03"}
    page = portal.get(url).content.decode()
    assert 'type="date" name="baseline_start"' in page and 'type="date" name="baseline_end"' in page
    html = portal.post(url, {"method": "weather", "static_kwh": "", **days}, follow=True).content.decode()
    from_portal = Baseline.objects.get(building=unmeasured)
    assert (from_portal.period_start.isoformat(), from_portal.period_end.isoformat()) == ("2023-03-15", "2024-03-03")
    assert from_portal.fit["n"] == 355  # exactly the days of the window, both included
    assert "Weather normalised over 2023-03-15 to 2024-03-03" in html
    body = as_owner.post(
        "/baseline/calculate", {"building_id": str(unmeasured.pk), "method": "weather", **days}, format="json"
    ).json()
    assert (body["baseline_monthly_kwh"], body["fit"], body["model"]) == (
        from_portal.baseline_monthly_kwh,
        from_portal.fit,
        from_portal.model,
    )


@pytest.mark.parametrize(
    ("form", "status", "message"),
    [
        ({"method": "static"}, 422, "Required for the static method."),
        ({"method": "guess"}, 422, "Select a valid choice."),
        ({"baseline_start": "2023-13-01"}, 422, "Enter the first day as a date, e.g. 2023-03-15."),
        ({"baseline_start": "2023-03", "baseline_end": "2024-02-29"}, 422, "Enter the first day as a date"),
        ({"baseline_start": "2023-03-01"}, 422, "Give the last day too, or leave both days empty."),
        ({"baseline_end": "2024-02-29"}, 422, "Give the first day too, or leave both days empty."),
        (
            {"baseline_start": "3165-11-02", "baseline_end": "3166-01-01"},
            422,
            "The first day must be between 1900-01-01 and 2199-12-31.",
        ),
        (
            {"baseline_start": "2024-03-01", "baseline_end": "2024-02-29"},
            422,
            "The last day must not be before the first day.",
        ),
    ],
)
def test_bad_baseline_input_is_shown_inline_in_words_and_stores_nothing(portal, unmeasured, form, status, message):
    response = portal.post(f"/portal/buildings/{unmeasured.pk}/baselines/", form)
    html = response.content.decode()
    assert response.status_code == status and message in html
    errors = re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', html, flags=re.S)
    assert errors and not any("baseline_" in error for error in errors)  # said in words, not field names
    assert not Baseline.objects.exists()


def test_without_a_retrofit_the_default_window_is_explained(portal, owner):
    building = make_building(owner)
    response = portal.post(f"/portal/buildings/{building.pk}/baselines/", {"method": ""})
    assert response.status_code == 422
    assert b"Without a retrofit event there is no default baseline window" in response.content
    assert not Baseline.objects.exists()
