"""NOAA's Global Historical Climatology Network hourly (GHCNh), in the formats NCEI publishes it:

- the station list, `ghcnh-station-list.csv`: a header row `GHCN_ID,LATITUDE,LONGITUDE,ELEVATION,STATE,NAME,...`
  with the elevation in metres, -999.9 when unknown;
- the inventory, `ghcnh-inventory.txt`: one line per station and year, `ID YEAR` and twelve monthly counts of
  reports (reports, not hours: a station sending specials between its hourly reports counts more than 744);
- the observations of one station and year, `GHCNh_<ID>_<YEAR>.psv`: pipe-separated with a header row; `DATE`
  is the UTC instant (`2025-07-01T12:53:00`), `temperature` is °C and `temperature_Quality_Code` is empty, or
  a legacy code, when the value passed NCEI's checks. The published files start `STATION|Station_name|DATE|Year|
  Month|Day|Hour|Minute|LATITUDE|LONGITUDE|ELEVATION|temperature|temperature_Measurement_Code|
  temperature_Quality_Code|temperature_Report_Type|temperature_Source_Code|temperature_Source_Station_ID|…` (a
  group of six columns per variable, over 300 in all), may begin with a UTF-8 byte-order mark, and report at any
  minute (METAR at :51–:56, specials between, synoptic reports on the hour). NCEI's own merged layout
  (`Station_ID|Station_name|Year|Month|Day|Hour|Minute|…`) has no DATE: the instant is then built from its parts.

Parsing only: bytes or text in, plain rows or frames out.
"""

import calendar
import io
import math
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from .errors import InvalidFile
from .weather_csv import MAX_TEMPERATURE_C, MIN_TEMPERATURE_C

UNKNOWN_ELEVATION = -999.9
HEADERLESS_COLUMNS = (
    "GHCN_ID",
    "LATITUDE",
    "LONGITUDE",
    "ELEVATION",
    "STATE",
    "NAME",
    "GSN",
    "HCN_CRN",
    "WMO_ID",
    "ICAO",
)
# Legacy quality codes of the sources merged from ISD: 0/1 passed, 4/5 passed and from NCEI, 9 passed the gross
# limits. Every other code (a letter of GHCNh's own checks, 2/3/6/7 suspect or erroneous) marks a failed value.
PASSED_QUALITY_CODES = frozenset({"", "0", "1", "4", "5", "9"})
DATE_PARTS = ("Year", "Month", "Day", "Hour", "Minute")
# An observation stands for the hour it is nearest to, up to half an hour either way (METAR reports at :53).
HOUR = pd.Timedelta(hours=1)


@dataclass(frozen=True)
class ListedStation:
    station_id: str
    name: str
    latitude: float
    longitude: float
    elevation_m: float | None
    country: str


@dataclass(frozen=True)
class HourlyTemperatures:
    """`frame`: `ts` (UTC, on the hour) and `temperature_c`; `failed_quality`: observations dropped by NCEI's
    quality codes or as physically implausible."""

    frame: pd.DataFrame
    failed_quality: int


def parse_station_list(data: bytes) -> list[ListedStation]:
    """Every station with usable coordinates; rows without them cannot be placed and are skipped."""
    # Older copies of the list come without the header row; their columns are in the documented order.
    names = (
        None if data.removeprefix(b"\xef\xbb\xbf").lstrip().upper().startswith(b"GHCN_ID") else list(HEADERLESS_COLUMNS)
    )
    try:
        table = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, skipinitialspace=True, names=names)
    except (ValueError, UnicodeDecodeError) as error:
        raise InvalidFile(f"The GHCNh station list is not a readable CSV: {error}") from None
    required = {"GHCN_ID", "LATITUDE", "LONGITUDE", "ELEVATION", "NAME"}
    if missing := required - set(table.columns):
        raise InvalidFile(f"The GHCNh station list lacks the columns {', '.join(sorted(missing))}.")
    latitude = pd.to_numeric(table["LATITUDE"], errors="coerce")
    longitude = pd.to_numeric(table["LONGITUDE"], errors="coerce")
    elevation = pd.to_numeric(table["ELEVATION"], errors="coerce")
    placed = latitude.between(-90, 90) & longitude.between(-180, 180) & table["GHCN_ID"].str.strip().ne("")
    country = table["ISO_CODE"] if "ISO_CODE" in table else pd.Series("", index=table.index)
    columns = zip(
        table["GHCN_ID"][placed].tolist(),
        table["NAME"][placed].tolist(),
        latitude[placed].tolist(),
        longitude[placed].tolist(),
        elevation[placed].tolist(),
        country[placed].tolist(),
        strict=True,
    )
    return [
        ListedStation(
            station_id=str(station_id).strip(),
            name=str(name).strip(),
            latitude=float(lat),
            longitude=float(lon),
            elevation_m=None if math.isnan(elev) or elev <= UNKNOWN_ELEVATION else float(elev),
            country=str(iso).strip()[:2],
        )
        for station_id, name, lat, lon, elev, iso in columns
    ]


def parse_inventory(lines: Iterable[str], *, years: set[int]) -> dict[str, dict[int, list[int]]]:
    """Monthly report counts per station for the given years; other years and malformed lines are skipped, so the
    whole (large) file can be streamed through line by line."""
    counts: dict[str, dict[int, list[int]]] = {}
    for line in lines:
        parts = line.split()
        if len(parts) != 14 or not parts[1].isdigit() or int(parts[1]) not in years:
            continue
        try:
            months = [int(value) for value in parts[2:]]
        except ValueError:
            continue
        counts.setdefault(parts[0], {})[int(parts[1])] = months
    return counts


def hours_in_month(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1] * 24


def inventory_coverage(months: list[int], year: int) -> float:
    """The share of the year's hours that the inventory's report counts could cover: each month counts at most
    its own hours, since extra reports within an hour add no hour."""
    covered = sum(min(count, hours_in_month(year, month)) for month, count in enumerate(months, start=1))
    return covered / (366 * 24 if calendar.isleap(year) else 365 * 24)


def parse_hourly_psv(data: bytes) -> HourlyTemperatures:
    """One temperature per UTC hour: of the observations that passed NCEI's quality checks, the one nearest the
    hour (within 30 minutes), the earlier one on a tie."""
    try:
        table = pd.read_csv(io.BytesIO(data), sep="|", dtype=str, keep_default_na=False, low_memory=False)
    except (ValueError, UnicodeDecodeError) as error:
        raise InvalidFile(f"The GHCNh file is not readable pipe-separated text: {error}") from None
    if "DATE" not in table and set(DATE_PARTS) <= set(table.columns):
        year, month, day, hour, minute = (table[part].str.strip() for part in DATE_PARTS)
        table["DATE"] = year + "-" + month.str.zfill(2) + "-" + day.str.zfill(2)
        table["DATE"] += "T" + hour.str.zfill(2) + ":" + minute.str.zfill(2)
    if missing := {"DATE", "temperature"} - set(table.columns):
        raise InvalidFile(f"The GHCNh file lacks the columns {', '.join(sorted(missing))}.")
    instants = pd.to_datetime(table["DATE"], format="ISO8601", utc=True, errors="coerce")
    values = pd.to_numeric(table["temperature"], errors="coerce")
    quality = table.get("temperature_Quality_Code", pd.Series("", index=table.index)).str.strip()
    present = instants.notna() & values.notna()
    passed = present & quality.isin(PASSED_QUALITY_CODES) & values.between(MIN_TEMPERATURE_C, MAX_TEMPERATURE_C)
    observed = pd.DataFrame({"instant": instants[passed], "temperature_c": values[passed].astype(float)})
    observed["ts"] = observed["instant"].dt.round("h")
    observed["distance"] = (observed["instant"] - observed["ts"]).abs()
    nearest = (
        observed.sort_values(["ts", "distance", "instant"], kind="stable")
        .drop_duplicates("ts", keep="first")
        .reset_index(drop=True)
    )
    return HourlyTemperatures(frame=nearest[["ts", "temperature_c"]], failed_quality=int(present.sum() - passed.sum()))
