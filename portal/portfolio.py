"""The portfolio's CSV export: the rows of credits.portfolio, the page's and the API's, one line per building."""

from credits.portfolio import PortfolioRow


def _csv_number(value: float | None, digits: int) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def _csv_text(value: str) -> str:
    """A spreadsheet runs a cell that starts with = + - @ as a formula: such a name is written as text."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@") else value


CSV_HEADER = [
    "building",
    "type",
    "area_sqft",
    "first_month",
    "last_month",
    "ytd_kwh",
    "last_12_months_kwh",
    "eui_kwh_per_sqft",
    "eui_kwh_per_m2",
    "savings_kwh",
    "savings_pct",
    "co2_saved_t",
    "credits_issued",
    "credits_pending",
    "credits_retired",
    "creditable_now_t",
    "last_reading_utc",
    "last_bill_day",
    "flagged_months",
    "open_anomalies",
    "issues",
]


def csv_rows(rows: list[PortfolioRow]) -> list[list[str]]:
    """The CSV export of the same rows, in the same order: the header, then one line per building."""
    lines = [CSV_HEADER]
    for row in rows:
        share = None if row.saved_share is None else row.saved_share * 100
        lines.append(
            [
                _csv_text(row.building.name),
                row.building.get_building_type_display(),
                _csv_number(row.building.area_sqft, 0),
                str(row.first or ""),
                str(row.last or ""),
                _csv_number(row.ytd_kwh, 1),
                _csv_number(row.kwh_12m, 1),
                _csv_number(row.intensity.kwh_per_sqft if row.intensity else None, 3),
                _csv_number(row.intensity.kwh_per_m2 if row.intensity else None, 2),
                _csv_number(row.savings_kwh, 1),
                _csv_number(share, 1),
                _csv_number(row.co2_saved_tons, 3),
                str(row.credits.issued),
                str(row.credits.pending),
                str(row.credits.retired),
                _csv_number(row.creditable_tons, 3),
                row.last_reading.isoformat() if row.last_reading else "",
                str(row.last_bill_day or ""),
                " ".join(row.flagged_months),
                str(row.open_anomalies),
                "; ".join(row.issues),
            ]
        )
    return lines
