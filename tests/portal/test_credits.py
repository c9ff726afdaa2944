from datetime import date

import pytest

from credits.models import CreditBlock, Status
from credits.services import credits_request, credits_verify
from tests.metering.helpers import make_building
from tests.portal.conftest import HX

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(owner, verifier, measured):
    (block,) = credits_request(
        actor=owner, building=measured, period_start=date(2024, 4, 1), period_end=date(2024, 9, 30)
    )
    return credits_verify(verifier=verifier, block=block, decision="approve", comment="Checked.")


def test_the_page_proposes_the_eligible_months_after_the_baseline_and_previews_them(portal, measured):
    html = portal.get(f"/portal/buildings/{measured.pk}/credits/").content.decode()
    assert 'value="2024-04"' in html and 'value="2025-03"' in html
    assert "All 12 months can earn credits." in html


def test_the_preview_lists_ineligible_months_with_reasons_before_submitting(portal, measured):
    url = f"/portal/buildings/{measured.pk}/credits/?period_start=2024-03&period_end=2024-05"
    response = portal.get(url, headers=HX)
    html = response.content.decode()
    assert response.status_code == 200 and "<main" not in html
    assert "1 of the 3 months cannot earn credits" in html
    reason = html[html.index("<strong>March 2024:</strong>") :].split("</li>")[0]
    assert "retrofit" in reason.lower()
    eligible = portal.get(url.replace("2024-03", "2024-04"), headers=HX).content.decode()
    assert "All 2 months can earn credits." in eligible and " t can be credited at 90 % confidence" in eligible
    assert not CreditBlock.objects.exists()


def test_requesting_eligible_months_creates_a_pending_block(portal, measured):
    url = f"/portal/buildings/{measured.pk}/credits/"
    response = portal.post(url, {"period_start": "2024-04", "period_end": "2024-06"}, follow=True)
    block = CreditBlock.objects.get()
    assert (block.status, block.period_start, block.period_end) == (Status.PENDING, date(2024, 4, 1), date(2024, 6, 30))
    html = response.content.decode()
    assert f"{block.credits_requested} credits were requested" in html and "Pending verification" in html
    overlap = portal.post(url, {"period_start": "2024-06", "period_end": "2024-08"})
    assert overlap.status_code == 409 and b"already covered by a credit request" in overlap.content
    assert CreditBlock.objects.count() == 1


@pytest.mark.parametrize(
    ("form", "status", "message"),
    [
        ({"period_start": "2024-03", "period_end": "2024-05"}, 422, "<strong>March 2024:</strong> The retrofit"),
        ({"period_start": "2024-06", "period_end": "2024-04"}, 422, "Must not be before the first month."),
        ({"period_start": "April", "period_end": "2024-04"}, 422, "Enter a month as YYYY-MM."),
        ({"period_start": "2024-04"}, 422, "This field is required."),
    ],
)
def test_a_refused_request_is_explained_inline_and_stores_nothing(portal, measured, form, status, message):
    response = portal.post(f"/portal/buildings/{measured.pk}/credits/", form)
    assert response.status_code == status and message in response.content.decode()
    assert not CreditBlock.objects.exists()


def test_issued_credits_show_their_serials_and_can_be_retired_in_part(portal, measured, issued):
    html = portal.get(f"/portal/buildings/{measured.pk}/credits/").content.decode()
    assert issued.serial in html and f"units {issued.serial_start}–{issued.serial_end}" in html
    url = f"/portal/buildings/{measured.pk}/credits/{issued.pk}/retire/"
    assert f"holds <strong>{issued.credits} credits</strong>".encode() in portal.get(url).content
    response = portal.post(url, {"quantity": "5", "beneficiary": "Acme Ltd", "reason": "FY2025 claims"}, follow=True)
    retired = CreditBlock.objects.get(status=Status.RETIRED)
    assert (retired.credits_issued, retired.beneficiary) == (5, "Acme Ltd")
    assert f"5 credits were retired: {retired.serial}." in response.content.decode()


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        ({"quantity": "100000", "beneficiary": "Acme", "reason": "r"}, "quantity", "Between 1 and"),
        ({"quantity": "0", "beneficiary": "Acme", "reason": "r"}, "quantity", "greater than or equal to 1"),
        ({"beneficiary": "", "reason": "r"}, "beneficiary", "This field is required."),
        ({"beneficiary": "Acme", "reason": "   "}, "reason", "This field is required."),
    ],
)
def test_a_bad_retirement_is_refused_inline(portal, measured, issued, form, field, message):
    response = portal.post(f"/portal/buildings/{measured.pk}/credits/{issued.pk}/retire/", form)
    html = response.content.decode()
    assert response.status_code == 422 and message in html and f'id="id_{field}_error"' in html
    assert not CreditBlock.objects.filter(status=Status.RETIRED).exists()


def test_a_block_is_only_reached_through_its_own_building(portal, owner, issued):
    other = make_building(owner, name="Other")
    assert portal.get(f"/portal/buildings/{other.pk}/credits/{issued.pk}/retire/").status_code == 404
