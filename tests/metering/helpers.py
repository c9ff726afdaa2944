import io
from datetime import datetime

import numpy as np
import pandas as pd
from openpyxl import Workbook

from buildings.models import Building
from metering.meters.models import DeadLetter, Meter
from metering.readings.models import MeterReading
from metering.readings.rollup import reading_days_rebuild, reading_days_refresh
from metering.readings.services import meter_readings_ingest
from metering.uploads.models import Upload


def make_building(owner, *, timezone="Asia/Kolkata", name="Plant 7") -> Building:
    return Building.objects.create(
        owner=owner,
        name=name,
        area_sqft=50000,
        timezone=timezone,
        grid_region="IN" if timezone == "Asia/Kolkata" else "US",
    )


def daily_readings(building: Building, first: str, last: str, kwh: float) -> None:
    """One reading per local day at local midnight holding the day's kWh (a daily meter)."""
    days = pd.date_range(first, last, freq="D", tz=building.timezone)
    meter_readings_ingest(building=building, frame=pd.DataFrame({"ts": days, "kwh": kwh}), source="MANUAL")


def reading_written(building: Building, *, time: str, kwh: float = 1.0) -> None:
    """One reading written straight to the table, past the parsers, with its day row (as every write keeps it)."""
    MeterReading.objects.create(building=building, time=time, value_kwh=kwh, source="MANUAL")
    reading_days_refresh(building=building, first=pd.Timestamp(time), last=pd.Timestamp(time))


def readings_deleted(building: Building, start: pd.Timestamp, end: pd.Timestamp) -> None:
    """Removes the readings of [start, end) and derives the day rows anew: a gap made after the fact."""
    MeterReading.objects.filter(building=building, time__gte=start, time__lt=end).delete()
    reading_days_rebuild(building=building)


def upload_received(building: Building, *, at: datetime, **fields) -> Upload:
    """A meter file the building's owner sent, stored as received at `at`."""
    upload = Upload.objects.create(
        kind="meter_csv",
        building=building,
        uploaded_by=building.owner,
        file="uploads/x.csv",
        filename="meter-2024.csv",
        size_bytes=10,
        sha256="ab" * 32,
        **fields,
    )
    Upload.objects.filter(pk=upload.pk).update(created_at=at)
    return upload


def message_refused(device_id: str, *, at: datetime, meter: Meter | None = None, reason: str = "x") -> DeadLetter:
    """A message from `device_id` the consumer refused at `at`."""
    return DeadLetter.objects.create(
        received_at=at, device_id=device_id, meter=meter, topic="t", payload_excerpt="{", payload_bytes=1, reason=reason
    )


def csv_bytes(rows: list[tuple[str, object]], header: str = "timestamp,kwh") -> bytes:
    return (header + "\n" + "\n".join(f"{ts},{kwh}" for ts, kwh in rows) + "\n").encode()


def quarter_hours(start: str, periods: int, tz: str, seed: int = 7) -> pd.DataFrame:
    """Naive local 15-minute stamps with random kWh: what a facility's meter export looks like."""
    stamps = pd.date_range(start, periods=periods, freq="15min", tz=tz)
    kwh = np.round(np.random.default_rng(seed).uniform(5, 25, periods), 3)
    return pd.DataFrame({"ts": stamps, "kwh": kwh})


def frame_csv(frame: pd.DataFrame) -> bytes:
    text = frame.assign(timestamp=frame["ts"].map(lambda t: t.isoformat()))[["timestamp", "kwh"]]
    return text.to_csv(index=False).encode()


def upload(client, building_id, data: bytes, name="meter.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        "/meter/upload-csv",
        {"building_id": str(building_id), "file": SimpleUploadedFile(name, data, content_type="text/csv")},
        format="multipart",
    )


def workbook(*rows: tuple, formats: dict[str, str] | None = None) -> bytes:
    """An .xlsx whose first sheet holds `rows` (cell number formats by reference), and a second sheet to ignore."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Readings"
    for row in rows:
        sheet.append(row)
    for cell, number_format in (formats or {}).items():
        sheet[cell].number_format = number_format
    book.create_sheet("Notes").append(("ignored", "sheet"))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
