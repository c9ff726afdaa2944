"""One Guideline 14 verdict (issue 12): the portal's baseline page, the verifier's evidence page in the admin
and the PDF evidence pack say the same thing about the same baseline, built by mrv.evidence."""

from datetime import date

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from credits.models import CreditBlock
from credits.services import credits_request
from mrv import calc
from mrv.evidence import candidate_rows
from mrv.selectors import current_baseline
from reports.context import report_context
from reports.models import Report
from reports.pdf import pdf_from_html
from reports.templatetags.report_format import percent
from tests.reports.test_report_pdf import pdf_text

pytestmark = pytest.mark.django_db


def _flat(html: str) -> str:
    return " ".join(html.split())


def test_portal_admin_and_pdf_show_the_same_verdict(portal, measured, owner, client, verifier):
    baseline = current_baseline(measured)
    expected = calc.guideline_14_verdict(
        fit=baseline.fit,
        granularity=baseline.model["granularity"],
        method=baseline.method,
        n_parameters=calc.model_n_parameters(baseline.model),
    )
    assert expected["verdict"] == "Meets ASHRAE Guideline 14" and expected["granularity"] == "daily"

    portal_page = _flat(portal.get(f"/portal/buildings/{measured.pk}/baselines/").content.decode())

    credits_request(actor=owner, building=measured, period_start=date(2024, 4, 1), period_end=date(2024, 6, 30))
    client.force_login(verifier)
    admin_page = _flat(
        client.get(f"/admin/credits/creditblock/{CreditBlock.objects.get().pk}/change/").content.decode()
    )

    report = Report.objects.create(
        building=measured, period_start=date(2024, 4, 1), period_end=date(2024, 6, 30), requested_by=owner
    )
    html = render_to_string("reports/report.html", report_context(report=report, generated_at=timezone.now()))
    pdf, _ = pdf_text(pdf_from_html(html).data)

    for surface in (portal_page, admin_page, pdf):
        assert expected["verdict"] in surface
        assert "Does not meet" not in surface and "Not applicable" not in surface
    # the candidate models side by side, from one function (mrv.evidence.candidate_rows), on every surface
    rows = candidate_rows(baseline)
    assert [row["method"] for row in rows] == ["weather", "daytype", "regression"]
    assert [row["chosen"] for row in rows].count(True) == 1
    for row in rows:
        for surface in (portal_page, admin_page, pdf):
            assert row["terms"] in surface
        assert percent(row["oos_cv_rmse"], 2) in portal_page and percent(row["oos_cv_rmse"], 2) in pdf
        assert f"{row['oos_cv_rmse']:.4f}" in admin_page
    assert _flat(baseline.method_reason) in portal_page and _flat(baseline.method_reason)[1:] in admin_page
    limits = "CV(RMSE) ≤ 30 % and |NMBE| ≤ 10 %"
    assert "limit 30 %" in portal_page and "limit ±10 %" in portal_page
    assert "limits for daily data: CV(RMSE) ≤ 0.30, |NMBE| ≤ 0.10" in admin_page
    assert f"Limits for daily data: {limits}" in pdf


def test_a_failing_fit_reads_the_same_in_the_portal_and_the_pdf(portal, measured, owner):
    baseline = current_baseline(measured)
    baseline.fit = {**baseline.fit, "cv_rmse": 0.4, "nmbe": 0.12}  # as a poorer fit would have stored it
    baseline.save()
    failing = calc.guideline_14_verdict(
        fit=baseline.fit,
        granularity=baseline.model["granularity"],
        method=baseline.method,
        n_parameters=calc.model_n_parameters(baseline.model),
    )
    assert failing["verdict"] == "Does not meet ASHRAE Guideline 14" and len(failing["failures"]) == 2

    portal_page = _flat(portal.get(f"/portal/buildings/{measured.pk}/baselines/").content.decode())
    report = Report.objects.create(
        building=measured, period_start=date(2024, 4, 1), period_end=date(2024, 6, 30), requested_by=owner
    )
    html = render_to_string("reports/report.html", report_context(report=report, generated_at=timezone.now()))
    pdf, _ = pdf_text(pdf_from_html(html).data)
    for surface in (portal_page, pdf):
        assert failing["verdict"] in surface
        for failure in failing["failures"]:
            assert failure[0].upper() + failure[1:] in surface
