"""Reads of utility bills: tenant scoping (through the building), confirmed bills as monthly kWh, and what a
bill's checks found."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import cast

import pandas as pd

from buildings.selectors import buildings_visible_to
from carbonexia.common.errors import Forbidden, NotFound

from ..readings.selectors import meter_bucket_totals
from ..uploads.models import Upload, UploadKind
from .checks import Findings, checkable, local_days, stored_check
from .models import UtilityBill, parse_bill_id


@dataclass(frozen=True)
class BillMonth:
    kwh: float  # confirmed kWh falling in the month
    covered_days: int  # days of the month inside a confirmed bill's period
    days: int  # days in the month


def bill_for_read(*, user, bill_id: str) -> UtilityBill:
    """The bill `bill_id` (its public id, upl_<32 hex>[-<period>], or its upload's bare UUID) when the caller may read
    its building (owner, verifier, admin)."""
    upload_id, period_index = parse_bill_id(bill_id)
    bill = (
        UtilityBill.objects.select_related("building", "upload", "confirmed_by")
        .filter(upload_id=upload_id, period_index=period_index, building__in=buildings_visible_to(user))
        .first()
        if upload_id
        else None
    )
    if bill is None:
        raise NotFound("No such bill.")
    return bill


def bill_for_confirm(*, user, bill_id: str) -> UtilityBill:
    bill = bill_for_read(user=user, bill_id=bill_id)
    if bill.building.owner_id != user.pk:
        raise Forbidden("Only the building's owner may confirm its bills.")
    return bill


def confirmed_bill_months(*, building, months: list[pd.Period]) -> dict[pd.Period, BillMonth]:
    """Confirmed bills' kWh per calendar month, for the months some bill touches.

    Each bill's kWh is spread evenly over its days, both ends included (kWh/day × the bill's days in
    the month). Bill periods are calendar dates of the building's own time zone, so a month here is the
    building's local month, as for meter readings. Confirmed bills of a building never overlap.
    """
    if not months:
        return {}
    first, last = min(months).start_time.date(), max(months).end_time.date()
    bills = UtilityBill.objects.filter(
        building=building, confirmed=True, confirmed_period_start__lte=last, confirmed_period_end__gte=first
    ).values_list("confirmed_period_start", "confirmed_period_end", "confirmed_kwh")
    spread = [
        pd.Series(kwh / ((end - start).days + 1), index=pd.date_range(start, end, freq="D"))
        for start, end, kwh in cast(Iterable[tuple[date, date, float]], bills)  # the filter excludes nulls
    ]
    if not spread:
        return {}
    days = pd.concat(spread)
    per_month = days.groupby(pd.DatetimeIndex(days.index).to_period("M")).agg(["sum", "count"])
    return {
        month: BillMonth(kwh=float(kwh), covered_days=int(count), days=month.days_in_month)
        for month, (kwh, count) in ((cast(pd.Period, m), row) for m, row in per_month.iterrows())
        if month in months
    }


def bill_findings(bill: UtilityBill) -> Findings:
    """The bill's stored checks, and the months of its period (confirmed, else as read) with meter readings."""
    start, end = (
        (bill.confirmed_period_start, bill.confirmed_period_end)
        if bill.confirmed
        else (bill.period_start, bill.period_end)
    )
    months = []
    if start is not None and end is not None and checkable(start, end):
        months = months_on_meter(building=bill.building, period_start=start, period_end=end)
    return Findings(check=stored_check(bill), acknowledged=bill.checks_acknowledged, months_on_meter=months)


def months_on_meter(*, building, period_start: date, period_end: date) -> list[pd.Period]:
    """The calendar months the days fall in that have meter readings: MRV uses the meter for them (mrv.inputs)."""
    first, last = pd.Period(period_start, freq="M"), pd.Period(period_end, freq="M")
    start, end = local_days(first.start_time.date(), last.end_time.date(), building.timezone)
    totals = meter_bucket_totals(building=building, interval="month", start=start, end=end)
    return sorted({bucket.tz_localize(None).to_period("M") for bucket in totals["bucket"]})


def confirmed_bills_with_findings(
    *, building, start: date | str, end: date | str
) -> list[tuple[UtilityBill, Findings]]:
    """The building's confirmed bills whose periods overlap [start, end], oldest first, each with its findings."""
    bills = UtilityBill.objects.filter(
        building=building, confirmed=True, confirmed_period_start__lte=end, confirmed_period_end__gte=start
    ).select_related("building", "upload", "confirmed_by")
    return [(bill, bill_findings(bill)) for bill in bills.order_by("confirmed_period_start")]


@dataclass(frozen=True)
class UploadBills:
    """What a Green Button file of billing periods became: the bills it created, and the periods already confirmed."""

    bills: list[UtilityBill]
    unchanged: int


def upload_bills(upload: Upload) -> UploadBills | None:
    """The bills of a completed meter upload whose file held billing periods; None when it held readings. Of its
    `rows` (periods) each created a bill or was already confirmed, while readings are all inserted or updated."""
    bills = list(upload.bills.order_by("period_index"))
    rows, stored = upload.rows or 0, (upload.inserted or 0) + (upload.updated or 0)
    if upload.kind != UploadKind.GREENBUTTON or (not bills and rows == stored):
        return None
    return UploadBills(bills=bills, unchanged=rows - len(bills))
