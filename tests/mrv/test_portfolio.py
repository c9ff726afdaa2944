import pytest
from django.core.management import call_command

from mrv import selectors
from mrv.services import baseline_calculate
from mrv.tasks import portfolio_chord
from tests.mrv import builders


def _portfolio(owner, count=3):
    buildings = []
    for _ in range(count):
        building, _ = builders.two_years(owner, interval="1D")
        baseline_calculate(actor=owner, building=building)
        buildings.append(building)
    builders.building(owner, region="IN")  # one without data: counted, not computed
    return buildings


def _all_cached(buildings) -> bool:
    for building in buildings:
        last = selectors.latest_complete_month(building)
        if not selectors.cached_mrv_run(building=building, first=last - 11, last=last)[1]:
            return False
    return True


@pytest.mark.django_db
def test_the_portfolio_fan_out_computes_and_caches_every_building(owner, tasks_in_process, capsys, settings):
    settings.MRV_RECOMPUTE_BATCH_SIZE = 3  # two batches, the second of one building
    buildings = _portfolio(owner)
    call_command("recompute_mrv", "--wait", "60")
    out = capsys.readouterr().out
    assert "Recomputing 4 buildings" in out and "3 of 4 buildings computed" in out
    assert _all_cached(buildings)


@pytest.mark.worker
def test_the_chord_runs_on_a_real_worker(live_worker, owner):
    buildings = _portfolio(owner, count=2)
    summary = portfolio_chord().get(timeout=120)
    assert (summary["buildings"], summary["computed"]) == (3, 2)
    # The worker caches under its own key prefix; the sums must match what this process computes.
    expected = 0.0
    for building in buildings:
        last = selectors.latest_complete_month(building)
        expected += selectors.cached_mrv_run(building=building, first=last - 11, last=last)[0].totals["savings_kwh"]
    assert summary["savings_kwh"] == pytest.approx(expected)
