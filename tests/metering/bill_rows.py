"""Bills stored without OCR: read (as if a worker had read them) and confirmed through the service."""

from datetime import date

from PIL import Image

from metering.bills.models import UtilityBill
from metering.bills.services import bill_confirm
from metering.uploads.models import UploadKind, UploadStatus
from metering.uploads.services import upload_store
from tests.metering.bill_images import encoded

BLANK_PNG = encoded(Image.new("L", (8, 8), 255), "PNG")


def stored_bill(building, *, status=UploadStatus.PROCESSING, **read) -> UtilityBill:
    """A bill's rows as bill_upload stores them, without queueing its reading, then with the status and fields
    given."""
    upload = upload_store(
        kind=UploadKind.BILL, actor=building.owner, data=BLANK_PNG, filename="bill.png", building=building
    )
    upload.save()
    return UtilityBill.objects.create(upload=upload, building=building, status=status, **read)


def read_bill(building, *, kwh=3100.0, period_start=date(2025, 1, 15), period_end=date(2025, 2, 14)) -> UtilityBill:
    return stored_bill(
        building, status=UploadStatus.COMPLETED, kwh=kwh, period_start=period_start, period_end=period_end
    )


def confirmed_bill(building, *, kwh: float, period_start: date, period_end: date) -> UtilityBill:
    """A confirmed bill as billing data; its owner acknowledges whatever the checks flag (tested on their own)."""
    bill = read_bill(building, kwh=kwh, period_start=period_start, period_end=period_end)
    return bill_confirm(
        actor=building.owner,
        bill=bill,
        kwh=kwh,
        period_start=period_start,
        period_end=period_end,
        acknowledge_mismatch=True,
    )
