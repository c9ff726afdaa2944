"""One object of every kind a facility manager owns, for the sweeps that walk every endpoint (fuzzing, IDOR)."""

from dataclasses import dataclass
from datetime import date

from buildings.models import Building, WeatherStation
from carbonexia.webhooks.models import Webhook
from carbonexia.webhooks.services import webhook_create
from credits.models import CreditBlock
from credits.services import credits_request
from metering.bills.models import UtilityBill
from metering.meters.models import Meter
from metering.meters.services import meter_create
from metering.readings.services import meter_csv_upload
from metering.uploads.models import Upload
from mrv.services import baseline_calculate
from reports.models import Report
from tests.metering.bill_rows import read_bill
from tests.metering.helpers import csv_bytes
from tests.mrv import builders


@dataclass(frozen=True)
class Owned:
    building: Building
    station: WeatherStation
    upload: Upload
    bill: UtilityBill
    credit: CreditBlock
    report: Report
    webhook: Webhook
    meter: Meter


def owned_world(owner) -> Owned:
    """A building with two years of daily readings, weather, a retrofit and a baseline; a CSV upload, a read
    bill, a pending credit request, a report, a webhook and a smart meter of it."""
    building, _ = builders.two_years(owner, interval="1D")
    baseline_calculate(actor=owner, building=building)
    upload = meter_csv_upload(
        actor=owner,
        building=building,
        data=csv_bytes([("2025-03-31T12:00:00", 1.0)]),
        filename="meter.csv",
    )
    (credit, *_) = credits_request(
        actor=owner, building=building, period_start=date(2024, 4, 1), period_end=date(2024, 6, 30)
    )
    report = Report.objects.create(
        building=building, period_start=date(2024, 4, 1), period_end=date(2024, 6, 30), requested_by=owner
    )
    webhook = webhook_create(owner=owner, url="http://127.0.0.1:9/hook", events=["report_ready"])
    meter = meter_create(actor=owner, building=building, device_id=f"owned-{building.pk.hex}").meter
    return Owned(
        building=building,
        station=building.weather_station,
        upload=upload,
        bill=read_bill(building),
        credit=credit,
        report=report,
        webhook=webhook,
        meter=meter,
    )
