"""Document benchmarks (issue 6): a PDF evidence pack against the MRV run it rests on, and bill OCR per
page against one plain Tesseract pass over the same image."""

import io
from datetime import date

import pandas as pd
import pytesseract
from PIL import Image, ImageDraw, ImageFont

from metering.bills import ocr
from mrv.engine import mrv_run
from mrv.selectors import current_baseline
from reports.models import Report
from reports.services import report_render

from .harness import Result, paired_medians

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
BILL = [
    "TATA POWER DELHI DISTRIBUTION LTD",
    "Electricity Bill - Non Domestic",
    "Meter No: DL-4471902",
    "Billing Period: 01-03-2025 to 31-03-2025",
    "Billing Days: 31",
    "Units Consumed (kWh): 1,24,000",
    "Amount Payable: Rs. 9,87,654.00",
]


def _bill_png() -> tuple[bytes, Image.Image]:
    image = Image.new("L", (1200, 1600), 255)
    draw, font = ImageDraw.Draw(image), ImageFont.truetype(FONT, 30)
    for row, line in enumerate(BILL):
        draw.text((80, 120 + 70 * row), line, font=font, fill=0)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue(), image


def ocr_per_page(*, repeats: int = 5) -> Result:
    data, image = _bill_png()
    ours, reference = paired_medians(
        lambda i: ocr.bill_text(data), lambda i: pytesseract.image_to_string(image), repeats=repeats
    )
    return Result(
        "Bill OCR, one 1200×1600 page (sniff, preprocess, orientation check, parse-ready text)",
        ours,
        "one plain Tesseract pass",
        reference,
        None,
        f"{ours:.2f} s per page",
    )


def report_render_time(owner, building, *, repeats: int = 3) -> Result:
    first, last = pd.Period("2023-01", "M"), pd.Period("2023-12", "M")

    def render(_):
        report = Report.objects.create(
            building=building, period_start=date(2023, 1, 1), period_end=date(2023, 12, 31), requested_by=owner
        )
        assert report_render(report=report).status == "completed"

    ours, reference = paired_medians(
        render,
        lambda i: mrv_run(building=building, first=first, last=last, baseline=current_baseline(building)),
        repeats=repeats,
    )
    pages = Report.objects.filter(building=building).values_list("page_count", flat=True).first()
    return Result(
        f"PDF evidence pack, 12 months of 15-minute data ({pages} pages)",
        ours,
        "the MRV run it rests on",
        reference,
        None,
        f"{ours:.2f} s per report",
    )
