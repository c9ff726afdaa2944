"""Every building the user sees on one page, sortable and filterable from the query string, and the same rows as
CSV. The rows come from portal.portfolio, which composes the apps' own figures."""

import csv

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from ..access import portal_view
from ..forms import PortfolioForm
from ..portfolio import csv_rows, portfolio


def _chosen(request) -> tuple[PortfolioForm, dict]:
    form = PortfolioForm(request.GET or None)
    form.is_valid()
    return form, form.choices()


def _columns(request, current: str) -> list[dict]:
    """Each column's heading and link: sorted by it ascending, or descending when it already is ascending."""
    columns = []
    for key, label, numeric, _ in PortfolioForm.COLUMNS:
        query = request.GET.copy()
        query["sort"] = f"-{key}" if current == key else key
        columns.append({"label": label, "num": numeric, "query": query.urlencode(), "order": _order(current, key)})
    return columns


def _order(current: str, key: str) -> str:
    if current == key:
        return "ascending"
    return "descending" if current == f"-{key}" else "none"


@portal_view
def portfolio_page(request):
    form, chosen = _chosen(request)
    rows = portfolio(user=request.user, **chosen)
    context = {
        "form": form,
        "rows": rows,
        "columns": _columns(request, chosen["sort"]),
        "csv_query": request.GET.urlencode(),
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
    csv.writer(response).writerows(csv_rows(portfolio(user=request.user, **chosen)))
    return response
