"""Utility bills the tests draw themselves: images with Pillow, PDFs with and without a text layer."""

import io

import numpy as np
from PIL import Image, ImageDraw, ImageFont

FONTS = "/usr/share/fonts/truetype/dejavu"
SANS, SERIF, MONO = (f"{FONTS}/DejaVuSans.ttf", f"{FONTS}/DejaVuSerif.ttf", f"{FONTS}/DejaVuSansMono.ttf")

# An Indian bill: "Units Consumed", lakh separators, dd-mm-yyyy.
INDIAN_BILL = [
    "TATA POWER DELHI DISTRIBUTION LTD",
    "Electricity Bill - Non Domestic",
    "Consumer No: 60012345678",
    "Meter No: DL-4471902",
    "Bill Date: 04-04-2025",
    "Billing Period: 01-03-2025 to 31-03-2025",
    "Billing Days: 31",
    "Previous Reading: 4,56,789",
    "Present Reading: 5,80,789",
    "Units Consumed (kWh): 1,24,000",
    "Amount Payable: Rs. 9,87,654.00",
]
# A US bill: "Total kWh", US separators, mm/dd/yyyy that only the $ settles (Jan 5 - Feb 3).
US_BILL = [
    "METRO ELECTRIC COMPANY",
    "Account Number 4410-2291-07",
    "Meter Number: 1009876543",
    "Service period: 01/05/2025 - 02/03/2025",
    "Total kWh 12,480",
    "Rate per kWh $0.15",
    "Amount due $1,872.00",
]
# Dates written "01 Jan 2025", "Energy (kWh)".
NAMED_DATES_BILL = [
    "CITY POWER AND LIGHT",
    "Statement period: 01 Jan 2025 - 31 Jan 2025",
    "Meter ID: X77-0042",
    "Energy (kWh) 2,480",
    "Total charges 310.00",
]
# A bill whose PDF carries its own text, "kWh Used" and "Jan 1, 2025" dates.
TEXT_PDF_BILL = """
<html><body style="font-family: 'DejaVu Sans'; font-size: 11pt">
<h2>Lakeside Energy Co-op</h2>
<p>Meter #: LS-20931</p>
<p>Billing period: Feb 1, 2025 to Feb 28, 2025 (28 days)</p>
<p>kWh Used: 9,875</p>
<p>Amount due: $1,234.56</p>
</body></html>
"""


def draw_bill(lines: list[str], *, font: str = SANS, size=(1200, 1600), points: int = 30) -> Image.Image:
    """Black text on white, as a flatbed scan at ~200 dpi would give."""
    image = Image.new("L", size, 255)
    pen = ImageDraw.Draw(image)
    face = ImageFont.truetype(font, points)
    for row, line in enumerate(lines):
        pen.text((80, 80 + row * int(points * 1.8)), line, font=face, fill=0)
    return image


def encoded(image: Image.Image, kind: str) -> bytes:
    """PNG or JPEG bytes, or a PDF page holding the image and no text (at 300 dpi, so it renders back 1:1)."""
    buffer = io.BytesIO()
    if kind == "PDF":
        image.save(buffer, "PDF", resolution=300)
    else:
        image.save(buffer, kind, **({"quality": 85} if kind == "JPEG" else {}))
    return buffer.getvalue()


def text_pdf(html: str = TEXT_PDF_BILL) -> bytes:
    from weasyprint import HTML

    return HTML(string=html).write_pdf()


def noise_png(seed: int = 1) -> bytes:
    pixels = (np.random.default_rng(seed).random((1600, 1200)) * 255).astype("uint8")
    return encoded(Image.fromarray(pixels), "PNG")
