"""Issue 14, row 1: savings are only ever measured. A month still running in the building's zone is not eligible
and is never the "latest complete month" — even when readings dated in it were stored before future readings
were refused (tests/credits/test_credit_bounds.py: nor are credits requested for it)."""

import pandas as pd
import pytest
from django.urls import reverse

from mrv.calc.eligibility import NOT_ENDED
from mrv.selectors import latest_complete_month
from tests.mrv import builders

pytestmark = pytest.mark.django_db

# Kolkata is 5:30 ahead of UTC: its May ends at 18:30 UTC on 31 May.
LAST_SECOND_OF_MAY = "2025-05-31T18:29:59+00:00"
FIRST_SECOND_OF_JUNE = "2025-05-31T18:30:00+00:00"


def test_a_month_is_eligible_only_once_it_has_ended_in_the_buildings_zone(as_owner, flat_building, clock):
    builders.store_meter(flat_building, builders.month_frame("2025-05"))
    clock.set(LAST_SECOND_OF_MAY)
    running = as_owner.get(f"/mrv/{flat_building.pk}/summary?period=2025-05").json()
    assert running["eligible"] is False and running["reasons"] == [NOT_ENDED]
    # The cached run of the running month is not reused once it has ended.
    clock.set(FIRST_SECOND_OF_JUNE)
    ended = as_owner.get(f"/mrv/{flat_building.pk}/summary?period=2025-05").json()
    assert ended["eligible"] is True and ended["reasons"] == []


def test_the_latest_complete_month_is_never_one_that_has_not_ended(as_owner, flat_building, clock):
    # Stored before future readings were refused: readings through next year.
    months = [builders.month_frame(month) for month in ("2025-04", "2025-05", "2026-05")]
    builders.store_meter(flat_building, pd.concat(months))
    clock.set("2025-05-20T00:00:00+00:00")
    assert latest_complete_month(flat_building) == pd.Period("2025-04", freq="M")
    assert as_owner.get(f"/mrv/{flat_building.pk}/summary").json()["period"] == "2025-04"
    clock.set(FIRST_SECOND_OF_JUNE)
    assert latest_complete_month(flat_building) == pd.Period("2025-05", freq="M")


def test_the_portal_shows_the_latest_ended_month_not_the_future_one(owner, flat_building, clock, client):
    builders.store_meter(flat_building, pd.concat([builders.month_frame("2025-04"), builders.month_frame("2027-05")]))
    clock.set("2025-05-20T00:00:00+00:00")
    client.force_login(owner)
    listing = client.get(reverse("portal:buildings")).content.decode()
    dashboard = client.get(reverse("portal:dashboard", args=[flat_building.pk])).content.decode()
    for page in (listing, dashboard):
        assert "2025-04" in page or "April 2025" in page or "Apr 2025" in page
        assert "2027" not in page
