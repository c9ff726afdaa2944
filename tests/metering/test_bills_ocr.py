"""Real Tesseract and pypdfium2 on bills the tests draw: layouts, fonts, a rotated scan, PDFs, garbage."""

from datetime import date

import pytest
from PIL import Image

from metering.bills import ocr
from metering.parsers.bill_text import parse_bill_text
from tests.metering import bill_images as bills

INDIAN = {
    "kwh": 124_000.0,
    "billing_days": 31,
    "meter_number": "DL-4471902",
    "period_start": date(2025, 3, 1),
    "period_end": date(2025, 3, 31),
}


def fields(read: ocr.BillText) -> dict:
    parsed = parse_bill_text(read.text)
    return {name: getattr(parsed, name) for name in INDIAN}


@pytest.mark.parametrize(
    ("lines", "font", "kind", "expected"),
    [
        (bills.INDIAN_BILL, bills.SANS, "PNG", INDIAN),
        (
            bills.US_BILL,
            bills.SERIF,
            "JPEG",
            {
                "kwh": 12_480.0,
                "billing_days": 30,
                "meter_number": "1009876543",
                "period_start": date(2025, 1, 5),
                "period_end": date(2025, 2, 3),
            },
        ),
        (
            bills.NAMED_DATES_BILL,
            bills.MONO,
            "PNG",
            {
                "kwh": 2_480.0,
                "billing_days": 31,
                "meter_number": "X77-0042",
                "period_start": date(2025, 1, 1),
                "period_end": date(2025, 1, 31),
            },
        ),
    ],
    ids=["indian-sans-png", "us-serif-jpeg", "named-dates-mono-png"],
)
def test_drawn_bills_are_read(lines, font, kind, expected):
    read = ocr.bill_text(bills.encoded(bills.draw_bill(lines, font=font), kind))
    assert [(page.method, page.rotation) for page in read.pages] == [("ocr", 0)]
    assert fields(read) == expected


def test_a_scan_lying_on_its_side_is_turned_upright():
    sideways = bills.draw_bill(bills.INDIAN_BILL).rotate(90, expand=True, fillcolor=255)  # counter-clockwise
    read = ocr.bill_text(bills.encoded(sideways, "PNG"))
    assert read.pages[0].rotation == 90  # turned back clockwise
    assert fields(read) == INDIAN


def test_a_small_photo_is_upscaled_before_ocr():
    small = bills.draw_bill(bills.INDIAN_BILL, size=(600, 800), points=15)
    assert fields(ocr.bill_text(bills.encoded(small, "JPEG"))) == INDIAN


def test_text_on_a_transparent_background_is_read_on_white():
    ink = bills.draw_bill(bills.INDIAN_BILL)
    transparent = Image.new("RGBA", ink.size, (0, 0, 0, 0))
    transparent.putalpha(ink.point(lambda value: 255 - value))  # black text, nothing behind it
    assert fields(ocr.bill_text(bills.encoded(transparent, "PNG"))) == INDIAN


def test_a_pdf_with_a_text_layer_is_read_without_ocr():
    read = ocr.bill_text(bills.text_pdf())
    assert [page.method for page in read.pages] == ["text layer"]
    assert fields(read) == {
        "kwh": 9_875.0,
        "billing_days": 28,
        "meter_number": "LS-20931",
        "period_start": date(2025, 2, 1),
        "period_end": date(2025, 2, 28),
    }


def test_a_scanned_pdf_is_rendered_and_ocrd():
    read = ocr.bill_text(bills.encoded(bills.draw_bill(bills.INDIAN_BILL, font=bills.SERIF), "PDF"))
    assert [page.method for page in read.pages] == ["ocr"]
    assert read.page_count == 1
    assert fields(read) == INDIAN


def test_noise_yields_no_bill_fields():
    parsed = parse_bill_text(ocr.bill_text(bills.noise_png()).text)
    assert (parsed.kwh, parsed.period_start, parsed.meter_number) == (None, None, None)


@pytest.mark.parametrize(
    "data",
    [b"Units Consumed: 100\n", b"GIF89a\x01\x00", b"", b"%PD"],
    ids=["text", "gif", "empty", "short"],
)
def test_only_png_jpeg_and_pdf_are_accepted_by_their_bytes(data):
    with pytest.raises(ocr.UnsupportedMedia) as caught:
        ocr.file_kind(data)
    assert caught.value.status == 415


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (bills.encoded(Image.new("L", (50, 50), 255), "PNG")[:40], "could not be decoded"),
        (b"%PDF-1.7\nnot really a pdf", "PDF could not be opened"),
    ],
    ids=["truncated-png", "broken-pdf"],
)
def test_damaged_files_are_unreadable_with_a_reason(data, reason):
    with pytest.raises(ocr.Unreadable, match=reason):
        ocr.bill_text(data)
