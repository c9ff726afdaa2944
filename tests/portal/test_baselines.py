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
    form = {"method": "static", "static_kwh": "150000", "baseline_start": "2023-03", "baseline_end": "2024-02"}
    html = portal.post(url, form, follow=True).content.decode()
    assert "Not applicable" in html and "a static baseline has no fit statistics" in html.lower()


@pytest.mark.parametrize(
    ("form", "status", "message"),
    [
        ({"method": "static"}, 422, "Required for the static method."),
        ({"method": "guess"}, 422, "Select a valid choice."),
        ({"baseline_start": "2023-13"}, 422, "Enter a month as YYYY-MM."),
        ({"baseline_start": "2023-03"}, 422, "Required with the other."),
        ({"baseline_start": "2024-03", "baseline_end": "2023-03"}, 422, "Before the first month."),
    ],
)
def test_bad_baseline_input_is_shown_inline_and_stores_nothing(portal, unmeasured, form, status, message):
    response = portal.post(f"/portal/buildings/{unmeasured.pk}/baselines/", form)
    assert response.status_code == status and message in response.content.decode()
    assert not Baseline.objects.exists()


def test_without_a_retrofit_the_default_window_is_explained(portal, owner):
    building = make_building(owner)
    response = portal.post(f"/portal/buildings/{building.pk}/baselines/", {"method": ""})
    assert response.status_code == 422
    assert b"Without a retrofit event there is no default baseline window" in response.content
    assert not Baseline.objects.exists()
