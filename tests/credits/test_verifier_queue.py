"""The verifiers' work queue on the admin index: pending blocks and FLAGGED months awaiting review, counted,
aged and oldest first, each linked to where the verifier acts; facility managers never reach it."""

import datetime as dt
from unittest.mock import patch

import pandas as pd
import pytest
from django.utils import timezone

from carbonexia.common.instants import format_instant
from credits.models import CreditBlock
from credits.selectors import verifier_queue
from credits.services import credits_request
from mrv import evidence
from mrv.models import MonthReview
from mrv.selectors import flagged_months_awaiting_review
from mrv.services import month_review_record
from tests.credits.queue_data import FLAGGED_MONTH, building_with_work

pytestmark = pytest.mark.django_db


@pytest.fixture
def work(owner):
    return building_with_work(owner)


def test_the_queue_counts_pending_blocks_and_unreviewed_flagged_months_with_their_age(work):
    building, block = work
    CreditBlock.objects.filter(pk=block.pk).update(created_at=timezone.now() - dt.timedelta(days=3, hours=2))
    queue = verifier_queue()
    assert queue["blocks_count"] == 1 and queue["blocks"][0]["block"] == block
    assert queue["blocks"][0]["waiting_days"] == 3
    assert queue["months_count"] == 1
    (month,) = queue["months"]
    assert (month["building"], str(month["month"])) == (building, FLAGGED_MONTH)
    assert month["missing_pct"] == pytest.approx(100 * 3 / 31, abs=1e-3)
    # Waiting since October ended in Kolkata: 1 November 2024 00:00 IST is 31 October 18:30 UTC.
    assert month["since"] == dt.datetime(2024, 10, 31, 18, 30, tzinfo=dt.UTC)
    assert month["waiting_days"] == (timezone.now() - month["since"]).days


def test_the_oldest_waits_first(owner, make_user):
    first, older = building_with_work(owner, "B second"), building_with_work(make_user(), "A first")
    CreditBlock.objects.filter(pk=older[1].pk).update(created_at=timezone.now() - dt.timedelta(days=9))
    blocks = [entry["block"] for entry in verifier_queue()["blocks"]]
    assert blocks == [older[1], first[1]]


def test_one_look_computes_a_bounded_number_of_buildings_and_counts_the_rest(owner, make_user):
    for index in range(3):
        building_with_work(make_user(), f"Office {index}")
    months, not_computed = flagged_months_awaiting_review(compute_at_most=2)
    assert (len(months), not_computed) == (2, 1)
    months, not_computed = flagged_months_awaiting_review(compute_at_most=2)  # the two are cached now
    assert (len(months), not_computed) == (3, 0)
    assert [entry["building"].name for entry in months] == ["Office 0", "Office 1", "Office 2"]  # all ended alike


def test_the_index_says_how_many_buildings_were_not_looked_through(work, make_user, verifier, client):
    building_with_work(make_user(), "Second office")
    client.force_login(verifier)
    with patch("mrv.selectors.QUEUE_COLD_RUNS", 1):
        text = client.get("/admin/").content.decode()
    assert "1 building is not looked through yet" in text
    assert "2 buildings" not in text


def test_a_reviewed_month_leaves_the_queue(work, verifier, client):
    building, _ = work
    client.force_login(verifier)
    decided = client.post(
        "/admin/mrv/monthreview/add/",
        {"building": building.pk, "month": "2024-10-01", "decision": "approve", "comment": "Logger outage."},
    )
    assert decided.status_code == 302
    review = MonthReview.objects.get()
    assert verifier_queue()["months_count"] == 0
    # The list of reviews says when, in the building's zone and with its name.
    listed = client.get("/admin/mrv/monthreview/").content.decode()
    assert format_instant(review.created_at, "Asia/Kolkata") in listed and "Asia/Kolkata" in listed


def test_the_admin_index_shows_the_queue_linked_to_where_the_verifier_acts(work, verifier, client):
    building, block = work
    client.force_login(verifier)
    page = client.get("/admin/")
    assert page.status_code == 200
    text = page.content.decode()
    assert 'id="verifier-queue"' in text
    assert f'href="/admin/credits/creditblock/{block.pk}/change/"' in text
    assert f'href="/admin/mrv/monthreview/add/?building={building.pk}&amp;month=2024-10-01"' in text
    assert "Harbour View Offices: 2024-10, 9.7 % missing" in text
    assert text.count('class="queue-count">1<') == 2
    review = client.get(f"/admin/mrv/monthreview/add/?building={building.pk}&month=2024-10-01").content.decode()
    assert "Tue 2024-10-08" in review and "Thu 2024-10-10" in review  # the evidence is already built


def test_the_evidence_page_links_each_flagged_month_to_its_review(work, owner, verifier, client):
    building, _ = work
    review = month_review_record(
        reviewer=verifier, building=building, month=pd.Period(FLAGGED_MONTH, "M"), decision="approve", comment="Ok."
    )
    (october,) = credits_request(
        actor=owner, building=building, period_start=dt.date(2024, 10, 1), period_end=dt.date(2024, 10, 31)
    )
    client.force_login(verifier)
    text = client.get(f"/admin/credits/creditblock/{october.pk}/change/").content.decode()
    assert f'href="/admin/mrv/monthreview/{review.pk}/change/"' in text
    assert "Approved by verifier@example.test on " in text and "Asia/Kolkata</a>" in text
    assert f'href="/portal/buildings/{building.pk}/"' in text


def test_facility_managers_never_reach_the_queue(work, owner, client):
    client.force_login(owner)
    page = client.get("/admin/")
    assert page.status_code == 302 and "/admin/login/" in page["Location"]
    assert "Harbour View" not in client.get(page["Location"]).content.decode()


def _month(period, savings):
    return {
        "period": period,
        "adjusted_baseline_kwh": 100.0,
        "actual_kwh": 100.0 - (savings or 0),
        "savings_kwh": savings,
    }


def test_the_evidence_charts_add_up_the_savings_and_rank_candidates_by_their_out_of_sample_error():
    charts = evidence.savings_charts([_month("2024-04", 10.0), _month("2024-05", None), _month("2024-06", 5.0)])
    cumulative = charts["cumulative"]
    # 10, then a gap, then 10 + 5 = 15: two points on an axis whose ticks run to 15 in steps of 5 (10 alone would
    # end the axis at 10, in steps of 2).
    assert cumulative.count("<circle") == 2 and ">15<" in cumulative and ">20<" not in cumulative
    assert 'aria-label="Adjusted baseline (kWh) and Actual (kWh)"' in charts["monthly"]
    rows = [
        {"method": "weather", "cv_rmse": 0.30, "oos_cv_rmse": 0.04, "chosen": False},
        {"method": "static", "cv_rmse": 0.30, "oos_cv_rmse": None, "chosen": False},  # no out-of-sample figure
    ]
    chart = evidence.candidates_chart(rows)
    # 4 % and 30 % against the 15 % monthly limit: the axis runs to 30 in steps of 10.
    assert ">30<" in chart and ">40<" not in chart and ">weather<" in chart and ">static<" in chart
