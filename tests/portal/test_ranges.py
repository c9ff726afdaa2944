"""The dashboard's long view and the data page's readings follow a span kept in the query string: the figures
beside the charts are the API's for the same months, a bad span is a sentence and the default (never a 500), and
another manager's building stays a 404 whatever the query asks."""

import re

import pandas as pd
import pytest

from tests.portal.conftest import HX

pytestmark = pytest.mark.django_db

LONG_VIEW = {**HX, "HX-Target": "long-view"}


def _long_view(html: str) -> str:
    return html[html.index('<section id="long-view"') : html.index('id="quality-heading"')]


def _words(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


def _heading(long_view: str) -> str:
    return _words(re.search(r'<h3 id="span-heading">(.*?)</h3>', long_view).group(1))


def _bars(long_view: str) -> int:
    """The months the range's baseline chart draws: a bar each, and the legend's swatch."""
    wide = re.findall(r'<div class="chart-wide">(.*?)</div>', long_view, re.S)[0]
    return wide.count('fill="#9db8d9"/>') - 1


def _figures(long_view: str) -> dict[str, str]:
    cards = re.search(r'<dl class="cards span-figures">(.*?)</dl>', long_view, re.S).group(1)
    figures = {
        name: re.sub(r"<[^>]+>", " ", dd).split()[0] for name, dd in re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", cards)
    }
    return figures | {"tonnes": re.search(r"<small>([^<]*? confidence)", cards).group(1)}


def _api_figures(as_owner, building, start: str, end: str) -> dict[str, str]:
    totals = as_owner.get(f"/mrv/{building.pk}/savings?start={start}&end={end}").json()["totals"]
    return {
        "Savings": f"{totals['savings_kwh']:,.0f}",
        "CO2e avoided": f"{totals['co2_saved_kg'] / 1000:,.2f}",
        "Credits these months can earn": str(totals["creditable"]["credits"]),
        "tonnes": f"{totals['co2_creditable_tons']:,.3f} t at 90 % confidence",
    }


@pytest.mark.parametrize(
    ("query", "start", "end", "heading"),
    [
        ("", "2024-03", "2025-03", "Reporting period, 2024-03 to 2025-03"),  # the baseline ends in 2024-02
        ("?range=12m", "2024-04", "2025-03", "Last 12 months, 2024-04 to 2025-03"),
        ("?range=years", "2024-01", "2025-03", "This year vs last, 2024-01 to 2025-03"),
        ("?start=2024-06&end=2024-09", "2024-06", "2024-09", "2024-06 to 2024-09"),
    ],
)
def test_the_long_view_draws_and_totals_the_chosen_months_as_the_api_does(
    portal, as_owner, measured, query, start, end, heading
):
    response = portal.get(f"/portal/buildings/{measured.pk}/{query}")
    assert response.status_code == 200
    long_view = _long_view(response.content.decode())
    assert _heading(long_view) == heading
    assert _bars(long_view) == len(pd.period_range(start, end, freq="M"))
    assert _figures(long_view) == _api_figures(as_owner, measured, start, end)
    assert f'name="start" value="{start}"' in long_view and f'name="end" value="{end}"' in long_view


@pytest.mark.parametrize(
    ("query", "said"),
    [
        ("?start=2025-02&end=2024-01", "The period ends before it starts."),
        ("?end=2199-12", "2199-12 has not ended yet in"),
        ("?start=2024-13", "The first month, “2024-13”, is not a month: write it as YYYY-MM."),
        ("?start=2010-01&end=2025-03", "A period covers at most 120 months."),
        ("?range=forever", "“forever” is not a range"),
    ],
)
def test_a_bad_range_is_said_and_the_reporting_period_drawn(portal, measured, query, said):
    response = portal.get(f"/portal/buildings/{measured.pk}/{query}")
    assert response.status_code == 422
    long_view = _long_view(response.content.decode())
    assert said in long_view and "Showing the reporting period (2024-03 to 2025-03) instead." in long_view
    assert _heading(long_view) == "Reporting period, 2024-03 to 2025-03"
    assert _bars(long_view) == 13


def test_a_range_chosen_on_the_page_swaps_only_the_long_view_and_keeps_the_month(portal, measured):
    url = f"/portal/buildings/{measured.pk}/?month=2024-06&start=2024-06&end=2024-09"
    partial = portal.get(url, headers=LONG_VIEW)
    html = partial.content.decode()
    assert partial.status_code == 200 and "<html" not in html and html.lstrip().startswith('<section id="long-view"')
    assert html.count('hx-push-url="true"') == 4  # three quick choices and the form
    assert f'href="/portal/buildings/{measured.pk}/?month=2024-06&amp;range=12m"' in html
    assert '<input type="hidden" name="month" value="2024-06">' in html
    # The month form above, which the swap leaves, learns the new range out of band.
    assert '<div id="kept-span" hidden hx-swap-oob="true"><input type="hidden" name="start" value="2024-06">' in html
    refused = portal.get(url.replace("2024-09", "2024-05"), headers=LONG_VIEW)
    assert refused.status_code == 422 and "The period ends before it starts." in refused.content.decode()
    # Back to a page htmx no longer holds asks for the whole of it.
    restore = portal.get(url, headers={**LONG_VIEW, "HX-History-Restore-Request": "true"}).content.decode()
    assert "<html" in restore and "2024-06 at a glance" in restore


def test_the_month_form_keeps_the_chosen_range(portal, measured):
    html = portal.get(f"/portal/buildings/{measured.pk}/?range=years").content.decode()
    month_form = html[: html.index('<section id="long-view"')]
    assert '<input type="hidden" name="range" value="years">' in month_form
    assert 'aria-current="true">This year vs last</a>' in html
    default = portal.get(f"/portal/buildings/{measured.pk}/").content.decode()
    assert 'type="hidden" name="range"' not in default[: default.index('<section id="long-view"')]


def test_this_year_against_last_is_compared_over_the_months_both_have(portal, measured):
    html = portal.get(f"/portal/buildings/{measured.pk}/?start=2024-09&end=2025-02").content.decode()
    assert "2025 against 2024, metered kWh per month" in html
    assert "Over the 2 calendar months both years have: 2025 " in html  # January and February


def test_another_manager_cannot_open_the_dashboard_or_the_readings_with_a_range(outsider_portal, measured):
    for url in (
        f"/portal/buildings/{measured.pk}/?range=12m",
        f"/portal/buildings/{measured.pk}/?start=2024-01&end=2024-02",
        f"/portal/buildings/{measured.pk}/data/?interval=hour&start=2024-06-01&end=2024-06-02",
    ):
        assert outsider_portal.get(url).status_code == 404
        assert outsider_portal.get(url, headers=LONG_VIEW).status_code == 404


def test_the_readings_show_the_chosen_days_summed_per_interval(portal, measured):
    url = f"/portal/buildings/{measured.pk}/data/?interval=day&start=2024-02-01&end=2024-02-29"
    html = portal.get(url, headers=HX).content.decode()
    assert "kWh per day, 2024-02-01 to 2024-02-29 (Asia/Kolkata)" in _words(html)
    assert html.count("<td>2024-02-") == 29  # a leap February, each local day once
    assert (
        f'hx-get="/portal/buildings/{measured.pk}/data/?interval=day&amp;start=2024-02-01&amp;end=2024-02-29"' in html
    )
    hours = portal.get(url.replace("interval=day", "interval=hour").replace("02-29", "02-02"), headers=HX)
    assert hours.content.decode().count("<td>2024-02-0") == 2  # daily readings: one sum at each local midnight


@pytest.mark.parametrize(
    ("query", "said"),
    [
        ("interval=day&end=2199-12-31", "is after today"),
        ("interval=day&start=2024-03-10&end=2024-03-01", "The end date (2024-03-01) is before the start date"),
        ("interval=hour&start=2024-01-01&end=2024-03-31", "Summed per hour, a chart shows at most 41 days"),
        ("interval=day&start=2023-02-29", "The start date, “2023-02-29”, is not a date"),
        ("interval=century", "“century” is not an interval"),
    ],
)
def test_bad_readings_days_are_said_and_the_default_window_drawn(portal, measured, query, said):
    for headers in ({}, HX):
        response = portal.get(f"/portal/buildings/{measured.pk}/data/?{query}", headers=headers)
        html = response.content.decode()
        assert response.status_code == 422 and said in html
        assert "Showing " in html and "kWh per " in html and "to 2025-03-31 (Asia/Kolkata)" in _words(html)
