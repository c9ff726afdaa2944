"""The text of a utility bill's file: a PDF page's own text layer, else Tesseract OCR of the page or image.

Files are recognised by their first bytes, never by name or declared type: PNG, JPEG and PDF only.
Images are turned upright by their EXIF orientation, put on white where transparent, made grayscale,
scaled so the short side has at least 1,000 pixels (Tesseract misses letters under ~20 px) and the long
side at most 4,000, and binarised by Tesseract's adaptive (Sauvola) threshold, which survives shadows
on photographed bills better than one global cut. A scan lying on its side or upside down is read at
0°, 90°, 270° and 180° until a reading is confident, or finds no word at all; the reading with the most
confident words wins. PDF pages without a text layer are rendered at 300 dpi (less for huge pages).
Only the first MAX_PAGES pages are read: bills put the figures up front.
"""

import io
import os
import time
from dataclasses import dataclass

import pypdfium2 as pdfium
import pytesseract
from django.conf import settings
from PIL import Image, ImageOps

from carbonexia.common.errors import ServiceError

MAGIC = {b"\x89PNG\r\n\x1a\n": "png", b"\xff\xd8\xff": "jpeg", b"%PDF-": "pdf"}
MAX_PAGES = 5
RENDER_DPI = 300
MIN_SIDE, MAX_SIDE = 1000, 4000
MAX_PIXELS = 50_000_000
MIN_LAYER_CHARS = 40  # fewer letters and digits than this in a PDF page's text layer: a scan, OCR it
OCR_TIMEOUT_SECONDS = 60
ROTATIONS = (0, 90, 270, 180)  # clockwise turns tried, most likely first
TESSERACT_CONFIG = "--psm 3 -c thresholding_method=2"
# A reading is confident when it has at least this many words of 3+ letters or digits, and at least
# this share of them read with Tesseract confidence ≥ 60.
CONFIDENT_WORDS, CONFIDENT_SHARE = 8, 0.6

# One thread per Tesseract run: workers already read several bills in parallel, and Tesseract's OpenMP
# threads fighting for the same cores made a page 3-4 times slower here. The environment may override it.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")


class UnsupportedMedia(ServiceError):
    status = 415
    code = "unsupported_media_type"


class Unreadable(Exception):
    """A file of a supported kind from which no text could be read; the message says why, for the user."""


@dataclass(frozen=True)
class PageText:
    text: str
    method: str  # "text layer" or "ocr"
    rotation: int  # degrees the page was turned clockwise before OCR
    seconds: float


@dataclass(frozen=True)
class BillText:
    pages: list[PageText]
    page_count: int

    @property
    def text(self) -> str:
        return "\n".join(page.text for page in self.pages)

    def summary(self) -> dict:
        return {
            "page_count": self.page_count,
            "pages": [{"method": p.method, "rotation": p.rotation, "seconds": round(p.seconds, 2)} for p in self.pages],
        }


def file_kind(data: bytes) -> str:
    for magic, kind in MAGIC.items():
        if data.startswith(magic):
            return kind
    raise UnsupportedMedia(
        "The file is not a PNG, JPEG or PDF: send a photo, scan or PDF of the bill.",
        errors={"file": ["Only PNG, JPEG and PDF files are accepted."]},
    )


def bill_text(data: bytes) -> BillText:
    """Every page's text; raises Unreadable when the file cannot be decoded or OCR cannot run."""
    if file_kind(data) == "pdf":
        return _pdf_text(data)
    started = time.monotonic()
    text, rotation = _ocr(_image(data))
    return BillText(pages=[PageText(text, "ocr", rotation, time.monotonic() - started)], page_count=1)


def _image(data: bytes) -> Image.Image:
    try:
        with Image.open(io.BytesIO(data)) as opened:
            if opened.width * opened.height > MAX_PIXELS:
                raise Unreadable(f"The image has more than {MAX_PIXELS // 1_000_000} million pixels.")
            image = ImageOps.exif_transpose(opened)
            image.load()
            return image
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise Unreadable(f"The image could not be decoded; it may be damaged or cut short ({exc}).") from None


def _pdf_text(data: bytes) -> BillText:
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise Unreadable(f"The PDF could not be opened; it may be damaged or password-protected ({exc}).") from None
    try:
        pages = []
        for index in range(min(len(pdf), MAX_PAGES)):
            started = time.monotonic()
            page = pdf[index]
            layer = page.get_textpage().get_text_range()
            if sum(c.isalnum() for c in layer) >= MIN_LAYER_CHARS:
                pages.append(PageText(layer, "text layer", 0, time.monotonic() - started))
                continue
            image = page.render(scale=_render_scale(page.get_size())).to_pil()
            text, rotation = _ocr(image)
            pages.append(PageText(text, "ocr", rotation, time.monotonic() - started))
        if not pages:
            raise Unreadable("The PDF has no pages.")
        return BillText(pages=pages, page_count=len(pdf))
    finally:
        pdf.close()


def _render_scale(size_points: tuple[float, float]) -> float:
    """300 dpi, or less for a page so large that 300 dpi would pass MAX_SIDE pixels."""
    return min(RENDER_DPI / 72, MAX_SIDE / max(size_points))


def _prepared(image: Image.Image) -> Image.Image:
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        # Transparent pixels are often black underneath: show them as the white paper they stand for.
        image = Image.alpha_composite(Image.new("RGBA", image.size, "white"), image.convert("RGBA"))
    gray = image.convert("L")
    scale = min(max(MIN_SIDE / min(gray.size), 1.0), MAX_SIDE / max(gray.size))
    if scale != 1.0:
        gray = gray.resize((round(gray.width * scale), round(gray.height * scale)), Image.Resampling.LANCZOS)
    return ImageOps.autocontrast(gray, cutoff=1)


def _ocr(image: Image.Image) -> tuple[str, int]:
    """The text of the best-read orientation and the clockwise turn that gave it."""
    prepared = _prepared(image)
    best = ("", -1, 0)
    for rotation in ROTATIONS:
        turned = prepared.rotate(-rotation, expand=True, fillcolor=255) if rotation else prepared
        text, confident, words = _read(turned)
        if confident > best[1]:
            best = (text, confident, rotation)
        # No word at all means no text to turn upright (a blank page, a photo of nothing).
        if words == 0 or (confident >= CONFIDENT_WORDS and confident >= CONFIDENT_SHARE * words):
            break
    return best[0], best[2]


def _read(image: Image.Image) -> tuple[str, int, int]:
    """Tesseract's text in reading order, how many of its longer words it is confident of, and their number."""
    try:
        data = pytesseract.image_to_data(
            image,
            lang=settings.OCR_LANG,
            config=TESSERACT_CONFIG,
            output_type=pytesseract.Output.DICT,
            timeout=OCR_TIMEOUT_SECONDS,
        )
    except pytesseract.TesseractNotFoundError:
        raise Unreadable("The OCR engine (Tesseract) is not installed on the server.") from None
    except RuntimeError as exc:  # pytesseract's timeout, and Tesseract's own errors (a TesseractError)
        raise Unreadable(f"OCR failed: {exc}") from None
    lines: dict[tuple[int, int, int], list[str]] = {}
    words = confident = 0
    for word, conf, *key in zip(
        data["text"], data["conf"], data["block_num"], data["par_num"], data["line_num"], strict=True
    ):
        if not word.strip():
            continue
        lines.setdefault(tuple(key), []).append(word)
        if sum(c.isalnum() for c in word) >= 3:
            words += 1
            confident += float(conf) >= 60
    return "\n".join(" ".join(line) for line in lines.values()), confident, words
