"""Example files for a building's uploads, which the parsers take as they are (the API and the data page serve them)."""

import re
from dataclasses import dataclass

from django.http import HttpResponse

from buildings.models import Building
from carbonexia.common.errors import NotFound

from .. import parsers


@dataclass(frozen=True)
class UploadTemplate:
    filename: str
    content: bytes


def upload_template(*, building: Building, granularity: str) -> UploadTemplate:
    """A CSV of `granularity` (a key of parsers.TEMPLATE_GRANULARITIES) in the building's zone, or its weather
    station's for temperatures, with values the building's power ceiling allows."""
    kind = parsers.TEMPLATE_GRANULARITIES.get(granularity)
    if kind is None:
        raise NotFound("No such template.")
    station = building.weather_station
    tz = station.timezone if station is not None and not kind.meter else building.timezone
    ceiling = parsers.PowerCeiling(
        area_sqft=building.area_sqft, max_w_per_sqft=building.power_ceiling_w_per_sqft, interval=None
    )
    content = parsers.csv_template(granularity, tz=tz, max_kw=ceiling.max_kw)
    zone = re.sub(r"[^A-Za-z0-9_-]+", "-", tz)
    return UploadTemplate(filename=f"carbonexia-{granularity}-template-{zone}.csv", content=content)


def template_choices(*, meter: bool) -> list[tuple[str, str]]:
    """(granularity, label) of the meter templates, or of the temperature ones."""
    return [(key, kind.label) for key, kind in parsers.TEMPLATE_GRANULARITIES.items() if kind.meter == meter]


def attachment(template: UploadTemplate) -> HttpResponse:
    response = HttpResponse(template.content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{template.filename}"'
    return response
