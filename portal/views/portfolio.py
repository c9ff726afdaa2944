"""Every building the user sees, a page at a time, sortable and filterable from the query string, and the same rows
as CSV (every row). The rows come from credits.portfolio, which composes the apps' own figures for the API too."""

import csv

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from credits.portfolio import portfolio, with_creditable

from ..access import portal_view
from ..forms import PortfolioForm
from ..portfolio import csv_rows

PAGE_SIZE = 25


def _chosen(request) -> tuple[PortfolioForm, dict]:
    form = PortfolioForm(request.GET or None)
    form.is_valid()
    return form, form.choices()


def _query(request, **changes) -> str:
    """The page's query string with `changes`; a change of order goes back to the first page."""
    query = request.GET.copy()
    query.pop("page", None)
    for name, value in changes.items():
        query[name] = value
    return query.urlencode()


def _columns(request, current: str) -> list[dict]:
    """Each column's heading and link: sorted by it ascending, or descending when it already is ascending."""
    columns = []
    for key, label, numeric, _ in PortfolioForm.COLUMNS:
        query = _query(request, sort=f"-{key}" if current == key else key)
        columns.append({"label": label, "num": numeric, "query": query, "order": _order(current, key)})
    return columns


def _order(current: str, key: str) -> str:
    if current == key:
        return "ascending"
    return "descending" if current == f"-{key}" else "none"


@portal_view
def portfolio_page(request):
    form, chosen = _chosen(request)
    page = Paginator(portfolio(user=request.user, **chosen), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "rows": with_creditable(list(page)),
        "columns": _columns(request, chosen["sort"]),
        "previous_query": _query(request, page=page.previous_page_number()) if page.has_previous() else "",
        "next_query": _query(request, page=page.next_page_number()) if page.has_next() else "",
        "csv_query": _query(request),
    }
    return render(request, "portal/portfolio/page.html", context, status=400 if form.errors else 200)


@portal_view
def portfolio_csv(request):
    form, chosen = _chosen(request)
    if form.errors:
        errors = "; ".join(f"{name}: {' '.join(messages)}" for name, messages in form.errors.items())
        return HttpResponse(f"The portfolio's choices are not valid: {errors}\n", status=400, content_type="text/plain")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="portfolio-{timezone.now():%Y-%m-%d}.csv"'
    csv.writer(response).writerows(csv_rows(with_creditable(portfolio(user=request.user, **chosen))))
    return response
