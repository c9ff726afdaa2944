"""The PDF itself: a real WeasyPrint render of two years of 15-minute data, read back with pdfium."""

import hashlib
import re
import time
from datetime import date

import pandas as pd
import pypdfium2 as pdfium
import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from metering.readings.services import meter_csv_upload
from mrv.engine import mrv_run
from mrv.selectors import current_baseline
from mrv.services import baseline_calculate, month_review_record
from reports.context import report_context
from reports.models import Report
from tests.metering.helpers import readings_deleted
from tests.mrv import builders

pytestmark = pytest.mark.django_db

PERIOD = {"period_start": "2024-04-01", "period_end": "2025-03-31"}


def pdf_text(data: bytes) -> tuple[str, int]:
    """All text of the PDF with runs of whitespace made single spaces, and its page count."""
    document = pdfium.PdfDocument(data)
    text = " ".join(page.get_textpage().get_text_range() for page in document)
    return " ".join(text.split()), len(document)


@pytest.fixture
def evidence_building(owner, verifier, as_owner, as_verifier):
    """two_years with a weather baseline, November 2024 FLAGGED (3 of 30 days missing) and approved by a
    verifier, a CSV upload, and credits issued for April–September 2024."""
    building, _ = builders.two_years(owner)
    baseline_calculate(actor=owner, building=building, method="weather")
    november_gap = (pd.Timestamp("2024-11-10", tz=builders.TZ), pd.Timestamp("2024-11-13", tz=builders.TZ))
    readings_deleted(building, *november_gap)
    month_review_record(
        reviewer=verifier,
        building=building,
        month=pd.Period("2024-11", freq="M"),
        decision="approve",
        comment="Logger outage confirmed by the site.",
    )
    meter_csv_upload(
        actor=owner, building=building, data=b"timestamp,kwh\n2025-04-01T00:00:00,31.5\n", filename="a.csv"
    )
    issued = as_owner.post(
        "/credits/issue",
        {"building_id": str(building.pk), "period_start": "2024-04-01", "period_end": "2024-09-30"},
        format="json",
    )
    assert issued.status_code == 201, issued.json()
    verified = as_verifier.post(
        f"/credits/{issued.json()['credit_id']}/verify", {"decision": "approve", "comment": "Checked."}, format="json"
    )
    assert verified.status_code == 200, verified.json()
    return building


def test_two_year_report_is_an_evidence_pack_a_verifier_can_read(
    as_owner, owner, evidence_building, tasks_in_process, django_capture_on_commit_callbacks
):
    started = time.perf_counter()
    with django_capture_on_commit_callbacks(execute=True):
        response = as_owner.post(
            "/reports/generate", {"building_id": str(evidence_building.pk), **PERIOD}, format="json"
        )
    elapsed = time.perf_counter() - started
    assert response.status_code == 202, response.json()
    report = Report.objects.get()
    print(f"two-year report: {report.page_count} pages rendered in {elapsed:.2f} s")
    assert report.status == "completed", report.error

    download = as_owner.get(f"/reports/{report.public_id}/download")
    assert download.status_code == 200
    data = b"".join(download.streaming_content)
    assert hashlib.sha256(data).hexdigest() == report.sha256
    text, pages = pdf_text(data)
    assert pages == report.page_count >= 5
    assert f"Page 1 of {pages}" in text and f"Page {pages} of {pages}" in text

    assert "MRV test" in text
    assert "2024-04-01 to 2025-03-31" in text
    for label in ("ISO 14064-2", "IPMVP Option C (whole facility)", "Verra VCS / Gold Standard"):
        assert label in text
    run = mrv_run(
        building=evidence_building,
        first=pd.Period("2024-04", freq="M"),
        last=pd.Period("2025-03", freq="M"),
        baseline=current_baseline(evidence_building),
    )
    june = next(m for m in run.months if m.period == "2024-06")
    assert (
        f"2024-06 {june.adjusted_baseline_kwh:,.0f} {june.actual_kwh:,.0f} {june.filled_kwh:,.0f} "
        f"{june.savings_kwh:,.0f}" in text
    )
    assert f"{run.totals['savings_kwh']:,.0f} kWh Energy savings" in text
    creditable, credits = run.totals["co2_creditable_tons"], run.totals["creditable"]["credits"]
    assert f"{creditable:,.3f} t CO2e creditable: lower bound at 90 % confidence, {credits} credits" in text
    assert "Meets ASHRAE Guideline 14" in text
    assert "Limits for daily data: CV(RMSE) ≤ 30 % and |NMBE| ≤ 10 %" in text
    assert "cooling-only (CDD) change-point model" in text
    assert "CEA CO2 Baseline Database for the Indian Power Sector, version 21.0" in text
    assert "Central Electricity Authority (Ministry of Power, Government of India)" in text
    assert re.search(r"2024-11 FLAGGED \d+\.\d % yes Approved by verifier@example.test", text)
    assert "Logger outage confirmed by the site." in text
    november = next(m for m in run.months if m.period == "2024-11")
    assert november.filled_kwh > 0
    assert f"Missing readings of 2024-11 (FLAGGED): {november.filled_kwh:,.0f} kWh filled from the daily model" in text
    for day in ("Sun 2024-11-10", "Mon 2024-11-11", "Tue 2024-11-12"):
        assert f"{day} all day 24.00" in text, day
    assert "Retrofit 2024-03-04 2024-03-29" in text

    upload = evidence_building.uploads.get()
    assert upload.sha256 in "".join(text.split())  # a hash wraps inside its table cell
    block = evidence_building.credit_blocks.get()
    assert block.serial and f"Serial numbers: {block.serial}" in text
    assert "ISSUED" in text
    assert "baseline.computed" in text and "month.reviewed" in text and "upload.completed" in text


def test_the_report_embeds_everything_it_shows(owner):
    """No URL in the HTML WeasyPrint renders: charts are inline SVG, styles inline, fonts from the system."""
    building, _ = builders.two_years(owner, interval="1D")
    baseline_calculate(actor=owner, building=building)
    report = Report.objects.create(
        building=building, period_start=date(2024, 4, 1), period_end=date(2025, 3, 31), requested_by=owner
    )
    html = render_to_string("reports/report.html", report_context(report=report, generated_at=timezone.now()))
    assert html.count("<svg") == 2
    urls = re.findall(r"""(?:src|href)\s*=|url\(|@import|https?://(?!www\.w3\.org/2000/svg)""", html)
    assert urls == []
