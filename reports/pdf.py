"""HTML to PDF with WeasyPrint. The report embeds everything it shows, so no URL is ever fetched."""

from dataclasses import dataclass


@dataclass(frozen=True)
class RenderedPdf:
    data: bytes
    page_count: int


def _refuse_fetch(url: str, *args, **kwargs):
    raise ValueError(f"the report may not load external resources ({url[:60]})")


def pdf_from_html(html: str) -> RenderedPdf:
    # Imported here: WeasyPrint needs Pango from the system, and only rendering should fail without it.
    from weasyprint import HTML

    document = HTML(string=html, url_fetcher=_refuse_fetch).render()
    return RenderedPdf(data=document.write_pdf(), page_count=len(document.pages))
