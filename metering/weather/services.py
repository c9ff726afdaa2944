"""Every write of temperatures: JSON batches and CSV files of hourly readings or daily means, stored the way
meter readings are, with each local day's mean of hourly readings kept up to date beside them."""

from typing import Any

import pandas as pd
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from buildings.models import WeatherStation
from buildings.services import station_data_changed
from carbonexia.audit.services import Actor, audit_record

from .. import parsers
from ..readings.services import latest_accepted, parsed
from ..readings.upsert import SeriesTable, UpsertCounts, upsert_series
from ..uploads.models import Upload, UploadKind
from ..uploads.services import upload_complete, upload_store
from .models import TemperatureReading, TemperatureResolution
from .selectors import hourly_daily_means

TEMPERATURE_TABLE = SeriesTable(
    model=TemperatureReading,
    key_columns=("station_id", "resolution", "time"),
    varying=("time", "temperature_c", "resolution"),
    replaced=("temperature_c", "upload_id"),
)


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


def temperature_batch_ingest(*, actor: Actor, station: WeatherStation, items: list[Any]) -> UpsertCounts:
    frame = parsed(parsers.parse_temperature_items, items, tz=station.timezone, latest=latest_accepted(timezone.now()))
    counts = temperatures_ingest(station=station, frame=frame)
    audit_record(
        actor=actor,
        action="temperatures.ingested",
        obj=station,
        after={"rows": len(frame), "inserted": counts.inserted, "updated": counts.updated},
    )
    return counts


def temperature_csv_upload(
    *, actor: User, station: WeatherStation, data: bytes, filename: str, date_order: str = ""
) -> Upload:
    """A CSV or Excel workbook of temperatures; `date_order` as for meter files."""
    frame = parsed(
        parsers.parse_temperature_csv,
        data,
        tz=station.timezone,
        latest=latest_accepted(timezone.now()),
        date_order=date_order or None,
    )
    with transaction.atomic():
        upload = upload_store(kind=UploadKind.WEATHER_CSV, actor=actor, data=data, filename=filename, station=station)
        upload.date_order = date_order
        upload.save()
        counts = temperatures_ingest(station=station, frame=frame, upload=upload)
        return upload_complete(upload=upload, frame=frame, inserted=counts.inserted, updated=counts.updated)
