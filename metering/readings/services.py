"""Every write of meter readings: JSON batches, CSV and Green Button files (small ones in the request, large ones by
a worker) and the demo loader share this path. Temperatures are stored the same way (see metering.weather)."""

from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import Any, TypeVar

import pandas as pd
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from accounts.models import User
from buildings.models import Building
from buildings.services import building_data_changed
from carbonexia.audit.services import audit_record
from carbonexia.common.errors import Conflict, Invalid
from carbonexia.common.tasks import enqueue

from .. import parsers
from ..bills.services import greenbutton_bills_import
from ..uploads.models import Upload, UploadKind, UploadStatus
from ..uploads.selectors import upload_progress_key
from ..uploads.services import upload_complete, upload_fail, upload_store
from .models import MeterReading, ReadingSource
from .rollup import reading_days_add, reading_days_refresh
from .selectors import meter_interval
from .upsert import SeriesTable, UpsertCounts, upsert_series

METER_TABLE = SeriesTable(
    model=MeterReading,
    key_columns=("building_id", "time"),
    varying=("time", "value_kwh"),
    replaced=("value_kwh", "source", "upload_id"),
)


Parsed = TypeVar("Parsed")

# Sent once the transaction that stored a building's readings has committed, with the first and last instants
# stored: what reads the readings (anomaly detection, in mrv) starts from it without metering knowing it.
readings_stored = Signal()


DATE_ORDER_NEEDED = "Choose the order of the dates in this file: day first or month first."


def invalid_from_parse_error(error: parsers.InvalidInput) -> Invalid:
    """The API's answer to a rejected file or batch (API.md: code invalid_rows with row numbers)."""
    if isinstance(error, parsers.UsagePointChoice):
        return Invalid(
            error.message,
            code=error.code,
            errors={"usage_point": [error.message], "usage_points": error.usage_points},
        )
    if isinstance(error, parsers.AmbiguousDates):
        return Invalid(
            error.message, code=error.code, errors={"date_order": [DATE_ORDER_NEEDED], "examples": error.examples}
        )
    if isinstance(error, parsers.InvalidRows):
        rows = [{"row": e.row, "column": e.column, "message": e.message} for e in error.errors]
        return Invalid(
            error.message + " Nothing was stored.", code=error.code, errors={"rows": rows, "total": error.total}
        )
    return Invalid(error.message, code=error.code, errors={"file": [error.message]})


def latest_accepted(now: datetime) -> pd.Timestamp:
    """The latest instant a reading or temperature may be dated, `now` being read once per request: a clock a
    few minutes fast at the sender (READING_CLOCK_SKEW_SECONDS) is tolerated, a date in the future is not."""
    return pd.Timestamp(now) + pd.Timedelta(seconds=settings.READING_CLOCK_SKEW_SECONDS)


def meter_bounds(building: Building) -> dict[str, Any]:
    """The meter parsers' keyword arguments for one building's readings, as of now: its zone, the latest instant
    a reading may be dated, and its power ceiling with its meter's stored interval."""
    return {
        "tz": building.timezone,
        "latest": latest_accepted(timezone.now()),
        "power": parsers.PowerCeiling(
            area_sqft=building.area_sqft,
            max_w_per_sqft=building.power_ceiling_w_per_sqft,
            interval=None,
            find_interval=lambda: meter_interval(building=building),
        ),
    }


def parsed(parse: Callable[..., Parsed], *args: Any, **kwargs: Any) -> Parsed:
    try:
        return parse(*args, **kwargs)
    except parsers.InvalidInput as error:
        raise invalid_from_parse_error(error) from None


@transaction.atomic
def meter_readings_ingest(
    *, building: Building, frame: pd.DataFrame, source: str, upload: Upload | None = None
) -> UpsertCounts:
    """Stores validated readings (columns ts, kwh); a reading at an existing (building, time) replaces it."""
    rows = pd.DataFrame({"time": frame["ts"], "value_kwh": frame["kwh"].astype(float)})
    constants = {"building_id": building.pk, "source": source, "upload_id": upload.pk if upload else None}
    counts = upsert_series(table=METER_TABLE, frame=rows, constants=constants)
    building_data_changed(building)
    if len(rows):
        first, last = pd.Timestamp(rows["time"].min()), pd.Timestamp(rows["time"].max())
        # The day rows follow the zone as stored: the update above holds the building's row until commit, so a
        # change of zone (which rebuilds the day rows) ended before it or starts after this transaction.
        building.refresh_from_db(fields=["timezone"])
        if counts.copied:
            reading_days_add(building=building, times=rows["time"], kwh=rows["value_kwh"])
        else:
            reading_days_refresh(building=building, first=first, last=last)
        transaction.on_commit(lambda: readings_stored.send(sender=Building, building=building, first=first, last=last))
    return counts


def meter_batch_ingest(*, actor: User, building: Building, items: list[Any]) -> UpsertCounts:
    frame = parsed(parsers.parse_readings, items, **meter_bounds(building))
    counts = meter_readings_ingest(building=building, frame=frame, source=ReadingSource.API)
    audit_record(
        actor=actor,
        action="readings.ingested",
        obj=building,
        after={"rows": len(frame), "inserted": counts.inserted, "updated": counts.updated, "source": ReadingSource.API},
    )
    return counts


# What each kind of meter file is stored as, and how its readings are counted before parsing (to send a large file
# to the worker): a CSV has a line per reading, a Green Button file an IntervalReading element (an opening and a
# closing tag) per reading.
READING_SOURCES: dict[str, str] = {
    UploadKind.METER_CSV: ReadingSource.CSV,
    UploadKind.GREENBUTTON: ReadingSource.GREENBUTTON,
}


def _reading_count(kind: str, data: bytes) -> int:
    if kind == UploadKind.GREENBUTTON:
        return data.count(b"IntervalReading>") // 2
    if parsers.looks_like_xlsx(data):
        return parsed(parsers.xlsx_rows_at_most, data)
    return data.count(b"\n")


def _parse_meter_file(
    *, kind: str, data: bytes, building: Building, usage_point: str, date_order: str
) -> pd.DataFrame | parsers.BillingPeriods:
    """The readings of a stored or received meter file; raises parsers.InvalidInput."""
    if kind == UploadKind.GREENBUTTON:
        return parsers.parse_greenbutton(
            data, usage_point=usage_point, max_bytes=settings.GREENBUTTON_MAX_MB * 1_000_000, **meter_bounds(building)
        )
    return parsers.parse_meter_csv(data, date_order=date_order or None, **meter_bounds(building))


def meter_file_upload(
    *,
    kind: str,
    actor: User,
    building: Building,
    data: bytes,
    filename: str,
    usage_point: str = "",
    date_order: str = "",
    acknowledge_mismatch: bool = False,
) -> Upload:
    """Small files are stored at once (status completed); large ones are handed to a worker (processing).
    `date_order` is the sender's order of slashed dates in a CSV or workbook (DateOrder; empty: the file's own)."""
    choices = {"usage_point": usage_point, "date_order": date_order}
    if _reading_count(kind, data) > settings.METER_CSV_ASYNC_ROWS:
        with transaction.atomic():
            upload = upload_store(kind=kind, actor=actor, data=data, filename=filename, building=building)
            upload.usage_point, upload.date_order = usage_point, date_order
            upload.save()
            enqueue("metering.process_meter_upload", str(upload.pk))
        return upload
    content = parsed(_parse_meter_file, kind=kind, data=data, building=building, **choices)
    with transaction.atomic():
        upload = upload_store(kind=kind, actor=actor, data=data, filename=filename, building=building)
        upload.usage_point, upload.date_order = usage_point, date_order
        upload.save()
        return _meter_file_store(upload=upload, content=content, acknowledge_mismatch=acknowledge_mismatch)


def _meter_file_store(
    *, upload: Upload, content: pd.DataFrame | parsers.BillingPeriods, acknowledge_mismatch: bool = False
) -> Upload:
    """Stores a parsed meter file and completes its upload: readings, or each billing period as a bill."""
    building = upload.building
    assert building is not None  # a meter upload always belongs to a building
    if isinstance(content, parsers.BillingPeriods):
        periods = content.periods
        if not periods:
            raise Invalid(
                f"None of the file's {content.current} billing periods has ended yet, so none has a final total; "
                "nothing was stored.",
                code="invalid_file",
            )
        imported = greenbutton_bills_import(
            actor=upload.uploaded_by, upload=upload, periods=periods, acknowledge_mismatch=acknowledge_mismatch
        )
        tz = building.timezone
        starts = pd.DataFrame({"ts": pd.to_datetime([period.first_day for period in periods]).tz_localize(tz)})
        until = pd.Timestamp(periods[-1].last_day).tz_localize(tz) + pd.Timedelta(days=1)
        return upload_complete(upload=upload, frame=starts, inserted=len(imported.created), updated=0, until=until)
    kind = UploadKind(upload.kind)
    counts = meter_readings_ingest(building=building, frame=content, source=READING_SOURCES[kind], upload=upload)
    return upload_complete(upload=upload, frame=content, inserted=counts.inserted, updated=counts.updated)


def meter_csv_upload(*, actor: User, building: Building, data: bytes, filename: str, date_order: str = "") -> Upload:
    """A CSV or an Excel workbook of readings."""
    return meter_file_upload(
        kind=UploadKind.METER_CSV, actor=actor, building=building, data=data, filename=filename, date_order=date_order
    )


# A Green Button file: its interval readings, or each of its billing periods as a confirmed bill (a flagged one only
# with `acknowledge_mismatch`).
meter_greenbutton_upload = partial(meter_file_upload, kind=UploadKind.GREENBUTTON)


def meter_upload(
    *, actor: User, building: Building, data: bytes, filename: str, usage_point: str = "", date_order: str = ""
) -> Upload:
    """A meter file of either kind, told apart by its content (the portal's one upload field): XML is Green Button."""
    if not parsers.looks_like_xml(data):
        return meter_csv_upload(actor=actor, building=building, data=data, filename=filename, date_order=date_order)
    return meter_greenbutton_upload(
        actor=actor, building=building, data=data, filename=filename, usage_point=usage_point
    )


def meter_upload_process(*, upload: Upload) -> Upload:
    """The worker's half of a large upload: parse the stored file and store it, or fail with the reasons."""
    if upload.status != UploadStatus.PROCESSING:
        return upload  # a redelivered task finds the work done
    cache.set(upload_progress_key(upload.pk), 5, timeout=3600)
    with upload.file.open("rb") as stored:
        data = stored.read()
    building = upload.building
    assert building is not None  # a meter upload always belongs to a building
    try:
        content = _parse_meter_file(
            kind=upload.kind,
            data=data,
            building=building,
            usage_point=upload.usage_point,
            date_order=upload.date_order,
        )
    except parsers.InvalidInput as error:
        return upload_fail(upload=upload, reason=invalid_from_parse_error(error))
    cache.set(upload_progress_key(upload.pk), 50, timeout=3600)
    try:
        with transaction.atomic():
            locked = Upload.objects.select_for_update().get(pk=upload.pk)
            if locked.status != UploadStatus.PROCESSING:
                return locked
            return _meter_file_store(upload=locked, content=content)
    except (Invalid, Conflict) as refusal:  # billing periods the bill rules refuse
        return upload_fail(upload=upload, reason=refusal if isinstance(refusal, Invalid) else refusal.detail)
