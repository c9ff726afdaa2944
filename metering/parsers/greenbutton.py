"""Meter readings from a Green Button (NAESB ESPI) file: the electricity one building used, interval by interval.

What is taken, and why:
- Usage point: the one the sender names (`usage_point`: its Atom id or title), else the only one in the file;
  several and none named is refused with the list (UsagePointChoice). Electricity (ServiceCategory kind 0) only:
  gas and the other services are refused by name until the platform measures them.
- Channel: of the usage point's meter readings, those of energy (uom 72, Wh) delivered to the building (flowDirection
  forward or unstated) as interval deltas (accumulationBehaviour 4 or unstated). Reverse flow is energy the building
  exported, net and total mix exports in, register readings are running totals: none of them is use. Of what
  remains the finest interval is the meter's own data; coarser channels re-sum the same energy (daily bins of the
  hourly data) and would count it twice. Two channels of the same finest interval cannot be told apart: refused.
- Billing-period data (a channel of intervals longer than a local day, or only usage summaries) is returned as
  BillingPeriods (espi_billing.py): a billing period is not a meter interval (months would take a period's energy on
  the day it starts), so the platform stores each period as a bill, which is prorated over its days.
- Units: kWh = value × 10^powerOfTenMultiplier / 1000.
- Time: ESPI times are UTC epoch seconds, so every instant is exact in any zone. The feed's LocalTimeParameters
  still say whose clock it is: a standard offset (tzOffset) other than that of the building's zone means the file
  belongs to another site, or the building's zone is wrong, and days and months would be cut at the wrong hour.
- Overlapping blocks: a reading repeated identically (blocks that overlap with the same data) is kept once; another
  value for the same interval, or intervals that overlap, are errors on the later line.
- Every reading keeps the bounds of a CSV upload: not in the future, at most MAX_READING_KWH, no more power than the
  building can draw (over the reading's own duration). Errors name the file's line and the element.
"""

from dataclasses import dataclass

import pandas as pd

from .errors import InvalidFile, UsagePointChoice, quoted
from .espi_billing import BillingPeriods, channel_periods, summary_periods
from .espi_feed import Feed, Resource, read_feed
from .espi_readings import FAR_FUTURE, LONGEST_READING, START, reading_columns, validated_readings
from .plausibility import PowerCeiling

SERVICES = {0: "electricity", 1: "gas", 2: "water", 3: "time", 4: "heat", 5: "refuse", 6: "sewerage", 7: "rates"}
ELECTRICITY = 0
WATT_HOURS = 72
UNITS = {38: "power in W", 61: "apparent power in VA", 63: "reactive power in VAr", 169: "therms", 119: "cubic feet"}
DELIVERED = (0, 1)  # flowDirection: not stated, forward
REVERSE = 19
DELTAS = (0, 4)  # accumulationBehaviour: not stated, deltaData
MULTIPLIERS = range(-9, 10)
GAS_UNITS = {169: "therms", 119: "cubic feet", 42: "cubic metres"}
SUMMARIES = ("UsageSummary", "ElectricPowerUsageSummary")
LISTED = 20  # usage points or channels named in a refusal; a file may hold a whole portfolio's
ELECTRICITY_ONLY = "only electricity usage points can be imported until the platform supports that service."


def parse_greenbutton(
    data: bytes, *, tz: str, latest: pd.Timestamp, power: PowerCeiling, usage_point: str = "", max_bytes: int
) -> pd.DataFrame | BillingPeriods:
    """Parse a whole file into `ts` (datetime64[ns, UTC]) and `kwh` (float64), sorted by `ts`, like parse_meter_csv;
    or, when the usage point holds billing-period data, into its BillingPeriods.

    Raises InvalidFile (UsagePointChoice when a usage point must be named) if the file is not usable Green Button
    electricity data, and InvalidRows (every bad reading, by line) if any reading is bad.
    """
    feed = read_feed(data, max_bytes=max_bytes)
    point = _usage_point(feed, usage_point)
    channel = _consumption(feed, point)
    if channel is None:
        summaries = _summaries(feed, point)
        _check_zone(feed, point, tz=tz, starts=[summary.text("e:billingPeriod/e:start") for summary in summaries])
        return summary_periods(summaries, tz=tz, latest=latest)
    columns = reading_columns(_blocks(feed, channel.reading))
    _check_zone(feed, point, tz=tz, starts=columns[START])
    if channel.interval > LONGEST_READING:
        return channel_periods(columns, multiplier=channel.multiplier, tz=tz, latest=latest)
    return validated_readings(
        columns, interval=channel.interval, multiplier=channel.multiplier, tz=tz, latest=latest, power=power
    )


def _label(resource: Resource) -> str:
    return quoted(resource.title or resource.atom_id or resource.self_href or resource.kind)


def _integer(resource: Resource, path: str) -> int | None:
    text = resource.text(path)
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        field = path.replace("e:", "")
        raise InvalidFile(
            f"{resource.kind} {_label(resource)} has {field} {quoted(text)}, not a whole number."
        ) from None


def _usage_point(feed: Feed, wanted: str) -> Resource:
    points = feed.of_kind("UsagePoint")
    if not points:
        raise InvalidFile("The file has no UsagePoint, so it holds no Green Button usage data.")
    listing = [{"id": p.atom_id, "title": p.title, "service": _service(p)} for p in points[:LISTED]]
    names = _listed([f"{_label(p)} ({_service(p)}, id {p.atom_id or 'none'})" for p in points[:LISTED]], len(points))
    wanted = wanted.strip()
    if wanted:
        key = wanted.casefold()
        matches = [p for p in points if key in {p.title.casefold(), p.atom_id.casefold(), _uuid(p.atom_id)}]
        if len(matches) != 1:
            problem = "No usage point" if not matches else "More than one usage point"
            raise UsagePointChoice(
                f"{problem} in the file is called {quoted(wanted)}. The file has: {names}. Name one by its id.",
                listing,
            )
        point = matches[0]
    elif len(points) > 1:
        raise UsagePointChoice(
            f"The file has {len(points)} usage points: {names}. Name the one this building's readings are "
            "(usage point: its id or title).",
            listing,
        )
    else:
        point = points[0]
    kind = _integer(point, "e:ServiceCategory/e:kind")
    if kind is None:
        # Some gas utilities leave the kind empty: their units still say what is measured.
        gas = [GAS_UNITS[uom] for uom in _units(feed, point) if uom in GAS_UNITS]
        if not gas:
            raise InvalidFile(f"Usage point {_label(point)} does not say which service it measures (ServiceCategory).")
        raise InvalidFile(f"Usage point {_label(point)} measures gas (in {gas[0]}); {ELECTRICITY_ONLY}")
    if kind != ELECTRICITY:
        raise InvalidFile(
            f"Usage point {_label(point)} measures {SERVICES.get(kind, f'service kind {kind}')}; {ELECTRICITY_ONLY}"
        )
    return point


def _units(feed: Feed, point: Resource) -> list[int]:
    """The unit codes of the usage point's meter readings."""
    sole_point = len(feed.of_kind("UsagePoint")) == 1
    units = []
    for reading in feed.children(point, "MeterReading", only_parent=sole_point):
        kind = _reading_type(feed, reading)
        uom = None if kind is None else _integer(kind, "e:uom")
        if uom is not None:
            units.append(uom)
    return units


def _listed(items: list[str], total: int) -> str:
    """The first LISTED of `total` items, joined, and how many more there are."""
    return "; ".join(items) + (f"; and {total - len(items):,} more" if total > len(items) else "")


def _service(point: Resource) -> str:
    kind = point.text("e:ServiceCategory/e:kind")
    return SERVICES.get(int(kind), f"kind {kind}") if kind and kind.isdigit() else "unknown service"


def _uuid(atom_id: str) -> str:
    return atom_id.casefold().removeprefix("urn:uuid:")


@dataclass(frozen=True)
class Channel:
    """A meter reading as judged: its interval and unit multiplier, or why it is not the building's use."""

    reading: Resource
    interval: int = 0  # seconds
    multiplier: int = 0  # powerOfTenMultiplier
    refusal: str = ""


def _summaries(feed: Feed, point: Resource) -> list[Resource]:
    sole_point = len(feed.of_kind("UsagePoint")) == 1
    return [summary for kind in SUMMARIES for summary in feed.children(point, kind, only_parent=sole_point)]


def _consumption(feed: Feed, point: Resource) -> Channel | None:
    """The meter reading that is the building's use (its interval longer than a local day when it is billing data);
    None when the usage point has only usage summaries."""
    sole_point = len(feed.of_kind("UsagePoint")) == 1
    readings = feed.children(point, "MeterReading", only_parent=sole_point)
    if not readings:
        if _summaries(feed, point):
            return None
        raise InvalidFile(f"Usage point {_label(point)} has no meter readings.")
    judged = [_judge(feed, reading) for reading in readings]
    usable = [channel for channel in judged if not channel.refusal]
    if not usable:
        reasons = _listed([f"{_label(channel.reading)} {channel.refusal}" for channel in judged[:LISTED]], len(judged))
        raise InvalidFile(f"Usage point {_label(point)} has no electricity use the platform can count: {reasons}.")
    finest = min(channel.interval for channel in usable)
    chosen = [channel for channel in usable if channel.interval == finest]
    if len(chosen) > 1:
        raise InvalidFile(
            f"Usage point {_label(point)} has {len(chosen)} channels of {finest:,}-second use "
            f"({_listed([_label(channel.reading) for channel in chosen[:LISTED]], len(chosen))}), so which is the "
            "building's is not clear."
        )
    return chosen[0]


def _judge(feed: Feed, reading: Resource) -> Channel:
    kind = _reading_type(feed, reading)
    if kind is None:
        return Channel(reading, refusal="has no ReadingType, so its unit is unknown")
    uom = _integer(kind, "e:uom")
    flow = _integer(kind, "e:flowDirection") or 0
    accumulation = _integer(kind, "e:accumulationBehaviour") or 0
    multiplier = _integer(kind, "e:powerOfTenMultiplier") or 0
    refusal = _refusal(uom=uom, flow=flow, accumulation=accumulation, multiplier=multiplier)
    blocks = _blocks(feed, reading)
    if not refusal and not blocks:
        refusal = "holds no interval blocks"
    interval = _integer(kind, "e:intervalLength")
    if not refusal and not interval:
        interval = _integer(blocks[0], "e:IntervalReading/e:timePeriod/e:duration")
    if not refusal and (not interval or interval <= 0):
        refusal = "states no interval length"
    return Channel(reading, interval=interval or 0, multiplier=multiplier, refusal=refusal)


def _refusal(*, uom: int | None, flow: int, accumulation: int, multiplier: int) -> str:
    """Why a channel of these ReadingType codes is not energy the building used, or ""."""
    if uom != WATT_HOURS:
        return f"measures {UNITS.get(uom, f'unit code {uom}') if uom is not None else 'no stated unit'}, not Wh"
    if flow == REVERSE:
        return "is energy the building exported (reverse flow), which is not use"
    if flow not in DELIVERED:
        return f"mixes exported energy into use (flowDirection {flow}: net or total)"
    if accumulation not in DELTAS:
        return f"holds register readings (accumulationBehaviour {accumulation}), not each interval's energy"
    if multiplier not in MULTIPLIERS:
        return f"has a powerOfTenMultiplier of {multiplier}, outside -9 to 9"
    return ""


def _reading_type(feed: Feed, reading: Resource) -> Resource | None:
    linked = feed.named(reading.related, "ReadingType")
    if linked:
        return linked[0]
    kinds = feed.of_kind("ReadingType")
    return kinds[0] if len(kinds) == 1 else None


def _blocks(feed: Feed, reading: Resource) -> list[Resource]:
    return feed.children(reading, "IntervalBlock", only_parent=len(feed.of_kind("MeterReading")) == 1)


def _check_zone(feed: Feed, point: Resource, *, tz: str, starts: list[str | None]) -> None:
    """Refuses a feed whose LocalTimeParameters' standard offset is not that of `tz` at the first reading."""
    first = next((int(text) for text in starts if text and text.strip().isdigit()), None)
    if first is None:
        return  # no reading has a usable start: the readings' own errors say so
    parameters = feed.of_kind("LocalTimeParameters")
    linked = feed.named(point.related, "LocalTimeParameters")
    chosen = linked[0] if linked else parameters[0] if len(parameters) == 1 else None
    if chosen is None:
        return
    offset = _integer(chosen, "e:tzOffset")
    if offset is None:
        return
    local = pd.Timestamp(min(first, FAR_FUTURE), unit="s", tz="UTC").tz_convert(tz)
    standard = (local.utcoffset() or pd.Timedelta(0)) - (local.dst() or pd.Timedelta(0))
    if offset != standard.total_seconds():
        raise InvalidFile(
            f"The file's local time is {_utc_offset(offset)} (standard time, LocalTimeParameters) but this "
            f"building's time zone {tz} is {_utc_offset(int(standard.total_seconds()))}: check that the file is "
            "this building's, or correct the building's time zone."
        )


def _utc_offset(seconds: int) -> str:
    sign = "+" if seconds >= 0 else "-"
    hours, rest = divmod(abs(seconds), 3600)
    return f"UTC{sign}{hours:02d}:{rest // 60:02d}"
