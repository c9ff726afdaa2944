"""Events (and so webhooks) come from writes and explicit computations, never from a read (issue 12): a walk
through every page and MRV read publishes nothing; the nightly recompute and a credit request announce
the run they computed."""

from datetime import date

import pytest
from django.urls import reverse

from carbonexia.events import domain_event
from credits.services import credits_request
from mrv.selectors import latest_complete_month
from mrv.tasks import recompute_building

pytestmark = pytest.mark.django_db

PAGES = ["dashboard", "data", "baselines", "credits", "reports", "bills", "building-edit"]


@pytest.fixture
def published():
    """Every domain event sent (after its transaction commits) while the test runs."""
    sent = []
    domain_event.connect(lambda **event: sent.append(event), weak=False, dispatch_uid="test-published")
    yield sent
    domain_event.disconnect(dispatch_uid="test-published")


def test_no_page_view_or_mrv_read_publishes_an_event(
    portal, as_owner, measured, published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert portal.get(reverse("portal:buildings")).status_code == 200
        for page in PAGES:
            assert portal.get(reverse(f"portal:{page}", args=[measured.pk])).status_code == 200
        preview = {"period_start": "2024-04", "period_end": "2024-06"}
        assert portal.get(reverse("portal:credits", args=[measured.pk]), preview).status_code == 200
        assert as_owner.get(f"/mrv/{measured.pk}/summary").status_code == 200
        assert as_owner.get(f"/mrv/{measured.pk}/savings?start=2024-04&end=2025-03").status_code == 200
    assert published == [] and callbacks == []


def test_the_recompute_and_a_credit_request_announce_their_runs(
    owner, measured, published, django_capture_on_commit_callbacks
):
    last = latest_complete_month(measured)
    with django_capture_on_commit_callbacks(execute=True):
        recompute_building(str(measured.pk))
    with django_capture_on_commit_callbacks(execute=True):
        credits_request(actor=owner, building=measured, period_start=date(2024, 4, 1), period_end=date(2024, 6, 30))
    recomputed, requested = published
    assert recomputed["event_type"] == requested["event_type"] == "mrv_calculated"
    assert (recomputed["payload"]["start"], recomputed["payload"]["end"]) == (str(last - 11), str(last))
    assert requested["payload"]["eligible_months"] == ["2024-04", "2024-05", "2024-06"]
