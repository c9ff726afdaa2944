"""Every write of meter and weather data: JSON batches, CSV files and the demo loader share this path."""

import hashlib
import logging

import pandas as pd
from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from buildings.models import WeatherStation
from buildings.services import building_data_changed, station_data_changed
from carbonexia.audit.services import audit_record
from carbonexia.common.errors import Invalid
from carbonexia.common.tasks import enqueue

from . import parsers
from .models import (
    MeterReading,
    ReadingSource,
    TemperatureReading,
    TemperatureResolution,
    Upload,
    UploadKind,
    UploadStatus,
)
from .selectors import hourly_daily_means
from .upsert import SeriesTable, UpsertCounts, upsert_series

log = logging.getLogger(__name__)

METER_TABLE = SeriesTable(
    model=MeterReading,
    key_columns=("building_id", "time"),
    varying=("time", "value_kwh"),
    replaced=("value_kwh", "source", "upload_id"),
)
TEMPERATURE_TABLE = SeriesTable(
    model=TemperatureReading,
    key_columns=("station_id", "resolution", "time"),
    varying=("time", "temperature_c", "resolution"),
    replaced=("temperature_c", "upload_id"),
)


def invalid_from_parse_error(error: parsers.InvalidInput) -> Invalid:
    """The API's answer to a rejected file or batch (API.md: code invalid_rows with row numbers)."""
    if isinstance(error, parsers.InvalidRows):
        rows = [{"row": e.row, "column": e.column, "message": e.message} for e in error.errors]
        return Invalid(
            error.message + " Nothing was stored.", code=error.code, errors={"rows": rows, "total": error.total}
        )
    return Invalid(error.message, code=error.code, errors={"file": [error.message]})


def _parsed(parse, *args, **kwargs) -> pd.DataFrame:
    try:
        return parse(*args, **kwargs)
    except parsers.InvalidInput as error:
        raise invalid_from_parse_error(error) from None


# --- meter readings ------------------------------------------------------------------------------
@transaction.atomic
def meter_readings_ingest(*, building, frame: pd.DataFrame, source: str, upload: Upload | None = None) -> UpsertCounts:
    """Stores validated readings (columns ts, kwh); a reading at an existing (building, time) replaces it."""
    rows = pd.DataFrame({"time": frame["ts"], "value_kwh": frame["kwh"].astype(float)})
    constants = {"building_id": building.pk, "source": source, "upload_id": upload.pk if upload else None}
    counts = upsert_series(table=METER_TABLE, frame=rows, constants=constants)
    building_data_changed(building)
    return counts


def meter_batch_ingest(*, actor, building, items: list) -> UpsertCounts:
    frame = _parsed(parsers.parse_readings, items, tz=building.timezone)
    counts = meter_readings_ingest(building=building, frame=frame, source=ReadingSource.API)
    audit_record(
        actor=actor,
        action="readings.ingested",
        obj=building,
        after={"rows": len(frame), "inserted": counts.inserted, "updated": counts.updated, "source": ReadingSource.API},
    )
    return counts


def upload_store(*, kind: str, actor, data: bytes, filename: str, building=None, station=None) -> Upload:
    """An unsaved Upload with the file written to storage: every received file is kept as evidence."""
    upload = Upload(
        kind=kind,
        building=building,
        station=station,
        uploaded_by=actor,
        filename=filename[:255],
        size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )
    upload.file.save(filename or "upload", ContentFile(data), save=False)
    return upload


def _finish(upload: Upload, *, rows: int, counts: UpsertCounts, frame: pd.DataFrame) -> Upload:
    upload.status = UploadStatus.COMPLETED
    upload.progress = 100
    upload.rows = rows
    upload.inserted, upload.updated = counts.inserted, counts.updated
    upload.period_start = frame["ts"].min().to_pydatetime()
    upload.period_end = frame["ts"].max().to_pydatetime()
    upload.finished_at = timezone.now()
    upload.save()
    audit_record(
        actor=upload.uploaded_by,
        action="upload.completed",
        obj=upload,
        after={
            "kind": upload.kind,
            "sha256": upload.sha256,
            "rows": rows,
            "inserted": counts.inserted,
            "updated": counts.updated,
        },
    )
    return upload


def _line_count(data: bytes) -> int:
    return data.count(b"\n")


def meter_csv_upload(*, actor, building, data: bytes, filename: str) -> Upload:
    """Small files are stored at once (status completed); large ones are handed to a worker (processing)."""
    if _line_count(data) > settings.METER_CSV_ASYNC_ROWS:
        from .tasks import process_meter_upload

        with transaction.atomic():
            upload = upload_store(
                kind=UploadKind.METER_CSV, actor=actor, data=data, filename=filename, building=building
            )
            upload.save()
            enqueue(process_meter_upload, str(upload.pk))
        return upload
    frame = _parsed(parsers.parse_meter_csv, data, tz=building.timezone)
    with transaction.atomic():
        upload = upload_store(kind=UploadKind.METER_CSV, actor=actor, data=data, filename=filename, building=building)
        upload.save()
        counts = meter_readings_ingest(building=building, frame=frame, source=ReadingSource.CSV, upload=upload)
        return _finish(upload, rows=len(frame), counts=counts, frame=frame)


def upload_progress_key(upload_id) -> str:
    return f"upload-progress:{upload_id}"


def upload_progress(upload: Upload) -> int:
    """Percent done: a worker reports progress through the cache while the row is locked in its transaction."""
    if upload.status != UploadStatus.PROCESSING:
        return upload.progress
    return cache.get(upload_progress_key(upload.pk), upload.progress)


def meter_upload_process(*, upload: Upload) -> Upload:
    """The worker's half of a large upload: parse the stored file and store it, or fail with the reasons."""
    if upload.status != UploadStatus.PROCESSING:
        return upload  # a redelivered task finds the work done
    cache.set(upload_progress_key(upload.pk), 5, timeout=3600)
    with upload.file.open("rb") as stored:
        data = stored.read()
    try:
        frame = parsers.parse_meter_csv(data, tz=upload.building.timezone)
    except parsers.InvalidInput as error:
        return upload_fail(upload=upload, reason=invalid_from_parse_error(error))
    cache.set(upload_progress_key(upload.pk), 50, timeout=3600)
    with transaction.atomic():
        locked = Upload.objects.select_for_update().get(pk=upload.pk)
        if locked.status != UploadStatus.PROCESSING:
            return locked
        counts = meter_readings_ingest(building=upload.building, frame=frame, source=ReadingSource.CSV, upload=locked)
        return _finish(locked, rows=len(frame), counts=counts, frame=frame)


def upload_fail(*, upload: Upload, reason: Invalid | str) -> Upload:
    detail = reason if isinstance(reason, str) else reason.detail
    upload.status = UploadStatus.FAILED
    upload.error = detail
    upload.errors = None if isinstance(reason, str) else reason.errors
    upload.finished_at = timezone.now()
    upload.save(update_fields=["status", "error", "errors", "finished_at", "updated_at"])
    audit_record(actor=upload.uploaded_by, action="upload.failed", obj=upload, after={"error": detail})
    return upload


# --- weather -------------------------------------------------------------------------------------
@transaction.atomic
def temperatures_ingest(*, station: WeatherStation, frame: pd.DataFrame, upload: Upload | None = None) -> UpsertCounts:
    resolution = frame["resolution"] if "resolution" in frame else TemperatureResolution.HOUR
    rows = pd.DataFrame(
        {"time": frame["ts"], "temperature_c": frame["temperature_c"].astype(float), "resolution": resolution}
    )
    counts = upsert_series(
        table=TEMPERATURE_TABLE,
        frame=rows,
        constants={"station_id": station.pk, "upload_id": upload.pk if upload else None},
    )
    hourly = rows[rows["resolution"] == TemperatureResolution.HOUR]
    if not hourly.empty:
        _refresh_daily_means(station, hourly["time"].min(), hourly["time"].max())
    station_data_changed(station)
    return counts


def _refresh_daily_means(station: WeatherStation, first: pd.Timestamp, last: pd.Timestamp) -> None:
    """Recomputes the derived daily means of the local days the new hourly rows fall on."""
    tz = station.timezone
    start = pd.Timestamp(first).tz_convert(tz).normalize()
    end = (pd.Timestamp(last).tz_convert(tz).tz_localize(None).normalize() + pd.Timedelta(days=1)).tz_localize(
        tz, ambiguous=True, nonexistent="shift_forward"
    )
    means = hourly_daily_means(station=station, start=start, end=end)
    if not means.empty:
        upsert_series(
            table=TEMPERATURE_TABLE,
            frame=means.assign(resolution=TemperatureResolution.MEAN),
            constants={"station_id": station.pk, "upload_id": None},
        )


def temperature_batch_ingest(*, actor, station: WeatherStation, items: list) -> UpsertCounts:
    frame = _parsed(parsers.parse_temperature_items, items, tz=station.timezone)
    counts = temperatures_ingest(station=station, frame=frame)
    audit_record(
        actor=actor,
        action="temperatures.ingested",
        obj=station,
        after={"rows": len(frame), "inserted": counts.inserted, "updated": counts.updated},
    )
    return counts


def temperature_csv_upload(*, actor, station: WeatherStation, data: bytes, filename: str) -> Upload:
    frame = _parsed(parsers.parse_temperature_csv, data, tz=station.timezone)
    with transaction.atomic():
        upload = upload_store(kind=UploadKind.WEATHER_CSV, actor=actor, data=data, filename=filename, station=station)
        upload.save()
        counts = temperatures_ingest(station=station, frame=frame, upload=upload)
        return _finish(upload, rows=len(frame), counts=counts, frame=frame)
