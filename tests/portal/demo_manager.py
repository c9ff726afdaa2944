"""A facility manager like the demo's, with something on every portal page: the demo building (25 months of
15-minute data, a retrofit, a baseline, an issued 2024 vintage and a pending 2025 request), a finished report, a
read bill, a smart meter and a webhook with a delivery."""

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from accounts.models import Role, User
from buildings.models import Building
from carbonexia.webhooks.models import DeliveryStatus, Webhook, WebhookAttempt, WebhookDelivery
from carbonexia.webhooks.services import webhook_create
from credits.demo import demo_credits_load
from credits.models import CreditBlock, Status
from metering.bills.models import UtilityBill
from metering.demo import demo_building_load
from metering.meters.models import Meter
from metering.meters.services import meter_create
from metering.uploads.models import Upload, UploadKind, UploadStatus
from reports.models import Report, ReportStatus


@dataclass
class DemoManager:
    user: User
    building: Building
    issued: CreditBlock
    report: Report
    bill: UtilityBill
    meter: Meter
    webhook: Webhook


def read_bill(building: Building, *, filename: str, **figures) -> UtilityBill:
    """A bill of the building that was read (as OCR would leave it), with the figures given."""
    upload = Upload.objects.create(
        kind=UploadKind.BILL,
        building=building,
        uploaded_by=building.owner,
        filename=filename,
        size_bytes=1,
        sha256="0",
        status=UploadStatus.COMPLETED,
    )
    return UtilityBill.objects.create(upload=upload, building=building, status=UploadStatus.COMPLETED, **figures)


def demo_manager(make_user) -> DemoManager:
    owner, verifier = make_user(email="demo@example.test"), make_user(role=Role.VERIFIER)
    building = demo_building_load(owner=owner)
    demo_credits_load(owner=owner, verifier=verifier, building=building)
    now = timezone.now()
    report = Report.objects.create(
        building=building,
        period_start=date(2024, 4, 1),
        period_end=date(2025, 3, 31),
        requested_by=owner,
        status=ReportStatus.COMPLETED,
        generated_at=now,
        page_count=6,
    )
    bill = read_bill(
        building,
        filename="march-2025-bill.pdf",
        kwh=124_000,
        billing_days=31,
        meter_number="DL-4471902",
        period_start=date(2025, 3, 1),
        period_end=date(2025, 3, 31),
        finished_at=now,
    )
    meter = meter_create(actor=owner, building=building, device_id="tower-b-main-incomer").meter
    webhook = webhook_create(
        owner=owner, url="https://hooks.example.test/carbonexia/credits", events=["credits_issued", "report_ready"]
    )
    delivered = WebhookDelivery.objects.create(
        webhook=webhook,
        event_id="evt_" + "0" * 32,
        event_type="report_ready",
        body="{}",
        status=DeliveryStatus.SUCCEEDED,
        attempt_count=1,
        last_status_code=200,
    )
    WebhookAttempt.objects.create(delivery=delivered, attempted_at=now, status_code=200, duration_ms=84)
    issued = CreditBlock.objects.get(building=building, status=Status.ISSUED)
    return DemoManager(owner, building, issued, report, bill, meter, webhook)
