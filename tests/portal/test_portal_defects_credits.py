"""Issue 16, defects 3 and 4 on the credits page: the form proposes a period the request would accept, the preview
reads in words, and it refuses months already requested by the same rule the request uses."""

from datetime import date

import pandas as pd
import pytest

from buildings.services import building_data_changed
from credits.models import CreditBlock, Status
from credits.selectors import next_free_credit_period
from credits.services import credits_request, credits_verify
from tests.portal.conftest import HX

pytestmark = pytest.mark.django_db


def _page(portal, building) -> str:
    return portal.get(f"/portal/buildings/{building.pk}/credits/").content.decode()


def test_the_proposed_period_leaves_out_the_retrofit_month_and_is_accepted(portal, measured):
    # Baseline 2023-03..2024-02, retrofit works in March 2024: the first creditable month is April 2024.
    assert next_free_credit_period(measured) == (pd.Period("2024-04", "M"), pd.Period("2025-03", "M"))
    html = _page(portal, measured)
    assert 'value="2024-04"' in html and 'value="2025-03"' in html and 'value="2024-03"' not in html
    assert "All 12 months can earn credits." in html and "cannot earn credits" not in html
    assert "No period is proposed" not in html
    accepted = portal.post(
        f"/portal/buildings/{measured.pk}/credits/", {"period_start": "2024-04", "period_end": "2025-03"}
    )
    assert accepted.status_code == 302 and CreditBlock.objects.count() == 2  # vintages 2024 and 2025


def test_the_proposed_period_starts_after_the_live_requests_and_skips_ineligible_months(owner, measured):
    credits_request(actor=owner, building=measured, period_start=date(2024, 4, 1), period_end=date(2024, 9, 30))
    assert next_free_credit_period(measured) == (pd.Period("2024-10", "M"), pd.Period("2025-03", "M"))
    credits_request(actor=owner, building=measured, period_start=date(2024, 10, 1), period_end=date(2025, 3, 31))
    assert next_free_credit_period(measured) is None


def test_nothing_is_proposed_when_no_month_after_the_baseline_can_earn_credits(portal, measured):
    # The retrofit still going on in March 2025: no month after the baseline is attributable to it.
    measured.events.filter(event_type="retrofit").update(start_date=date(2025, 3, 1), end_date=None)
    building_data_changed(measured)
    assert next_free_credit_period(measured) is None
    html = _page(portal, measured)
    assert 'name="period_start" ' in html and 'value="2024-' not in html
    assert "No period is proposed" in html


def test_reasons_read_in_words_without_the_raw_status(portal, measured):
    url = f"/portal/buildings/{measured.pk}/credits/?period_start=2024-03&period_end=2024-05"
    html = portal.get(url, headers=HX).content.decode()
    assert "<strong>March 2024:</strong> The retrofit was not finished before this month began" in html
    assert "(OK)" not in html and "<strong>2024-03</strong>" not in html


def test_the_preview_refuses_months_already_requested_as_the_request_does(portal, owner, verifier, measured):
    (held,) = credits_request(
        actor=owner, building=measured, period_start=date(2024, 4, 1), period_end=date(2024, 6, 30)
    )
    url = f"/portal/buildings/{measured.pk}/credits/"
    preview = portal.get(f"{url}?period_start=2024-05&period_end=2024-07", headers=HX).content.decode()
    assert "Some of these months already have credits requested" in preview
    assert "April to June 2024: pending verification" in preview
    assert "can earn credits." not in preview
    refused = portal.post(url, {"period_start": "2024-05", "period_end": "2024-07"})
    assert refused.status_code == 409 and CreditBlock.objects.count() == 1

    # A rejected request holds nothing: the preview and the request both accept the months again.
    credits_verify(verifier=verifier, block=held, decision="reject", comment="Wrong meter.")
    again = portal.get(f"{url}?period_start=2024-05&period_end=2024-07", headers=HX).content.decode()
    assert "All 3 months can earn credits." in again and "already have credits requested" not in again
    assert portal.post(url, {"period_start": "2024-05", "period_end": "2024-07"}).status_code == 302
    assert CreditBlock.objects.filter(status=Status.PENDING).count() == 1
