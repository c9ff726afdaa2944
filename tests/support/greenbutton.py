"""Writes Green Button (NAESB ESPI) feeds for tests and the bench, in the shape utilities publish them (learned from
the Green Button Alliance's sample files): an Atom feed of entries linked by self/up/related hrefs."""

from dataclasses import dataclass, field

import pandas as pd

RESOURCE = "https://utility.example/DataCustodian/espi/1_1/resource"
ELECTRICITY, GAS = 0, 1
FORWARD, NET, REVERSE = 1, 4, 19


@dataclass
class Channel:
    """One MeterReading with its ReadingType; `blocks` are lists of (start epoch s, duration s, value) readings."""

    blocks: list[list[tuple[int, int, int | str | None]]]
    title: str = "Electricity consumption"
    uom: int = 72
    multiplier: int = 0
    flow: int = FORWARD
    accumulation: int = 4
    interval: int | None = 900


@dataclass
class Point:
    title: str
    channels: list[Channel] = field(default_factory=list)
    kind: int | str = ELECTRICITY  # "" writes an empty <kind/>, as some gas utilities do
    atom_id: str = ""
    summaries: int = 0  # ElectricPowerUsageSummary entries (billing periods)


def blocks_of(start: str, values, *, seconds: int = 900, per_block: int = 96) -> list[list[tuple[int, int, int]]]:
    """Readings every `seconds` from the UTC instant `start`, cut into blocks of `per_block` (a day of 15 minutes)."""
    first = int(pd.Timestamp(start, tz="UTC").timestamp())
    readings = [(first + i * seconds, seconds, int(value)) for i, value in enumerate(values)]
    return [readings[i : i + per_block] for i in range(0, len(readings), per_block)]


def feed(
    *points: Point, tz_offset: int | None = -18000, dst_offset: int = 3600, links: str = "hierarchical", head: str = ""
) -> bytes:
    """The feed as bytes. `links="related"` ties resources with related links only (no up links, flat hrefs), as some
    utilities do; `head` goes before the root element (a DOCTYPE, for the hostile cases)."""
    entries = []
    local_time = f"{RESOURCE}/LocalTimeParameters/01"
    if tz_offset is not None:
        entries.append(
            _entry(
                local_time,
                "",
                [],
                "DST For North America",
                f"<LocalTimeParameters xmlns='http://naesb.org/espi'><dstEndRule>B40E2000</dstEndRule>"
                f"<dstOffset>{dst_offset}</dstOffset><dstStartRule>360E2000</dstStartRule>"
                f"<tzOffset>{tz_offset}</tzOffset></LocalTimeParameters>",
            )
        )
    for p, point in enumerate(points, start=1):
        point_href = f"{RESOURCE}/RetailCustomer/9/UsagePoint/{p}"
        reading_hrefs = [_reading_href(point_href, p, r, links) for r in range(1, len(point.channels) + 1)]
        related = (
            [f"{point_href}/MeterReading", local_time] if links == "hierarchical" else [*reading_hrefs, local_time]
        )
        entries.append(
            _entry(
                point_href,
                f"{RESOURCE}/RetailCustomer/9/UsagePoint",
                related,
                point.title,
                f"<UsagePoint xmlns='http://naesb.org/espi'><ServiceCategory><kind>{point.kind}</kind>"
                "</ServiceCategory></UsagePoint>",
                atom_id=point.atom_id or f"urn:uuid:00000000-0000-4000-8000-{p:012d}",
            )
        )
        for r, (channel, reading_href) in enumerate(zip(point.channels, reading_hrefs, strict=True), start=1):
            entries.extend(_channel_entries(channel, reading_href, f"{p}{r:02d}", links))
        for s in range(point.summaries):
            entries.append(
                _entry(
                    f"{point_href}/ElectricPowerUsageSummary/{s + 1}",
                    f"{point_href}/ElectricPowerUsageSummary",
                    [],
                    "Usage Summary",
                    "<ElectricPowerUsageSummary xmlns='http://naesb.org/espi'><billingPeriod><duration>2592000"
                    f"</duration><start>{1704085200 + s * 2592000}</start></billingPeriod>"
                    "<overallConsumptionLastPeriod><powerOfTenMultiplier>0</powerOfTenMultiplier><uom>72</uom>"
                    "<value>768032</value></overallConsumptionLastPeriod></ElectricPowerUsageSummary>",
                )
            )
    body = "\n".join(entries)
    return (
        f"<?xml version='1.0' encoding='UTF-8'?>\n{head}<feed xmlns='http://www.w3.org/2005/Atom'>\n"
        f"<id>urn:uuid:feed</id><title>Green Button Subscription Feed</title>\n{body}\n</feed>\n"
    ).encode()


def _reading_href(point_href: str, p: int, r: int, links: str) -> str:
    return f"{point_href}/MeterReading/{r:02d}" if links == "hierarchical" else f"{RESOURCE}/MeterReading/{p}{r:02d}"


def _channel_entries(channel: Channel, reading_href: str, number: str, links: str) -> list[str]:
    type_href = f"{RESOURCE}/ReadingType/{number}"
    block_hrefs = [
        f"{reading_href}/IntervalBlock/{b}" if links == "hierarchical" else f"{RESOURCE}/IntervalBlock/{number}{b:04d}"
        for b in range(1, len(channel.blocks) + 1)
    ]
    related = [f"{reading_href}/IntervalBlock", type_href] if links == "hierarchical" else [*block_hrefs, type_href]
    up = reading_href.rsplit("/", 1)[0] if links == "hierarchical" else ""
    interval = "" if channel.interval is None else f"<intervalLength>{channel.interval}</intervalLength>"
    entries = [
        _entry(reading_href, up, related, channel.title, "<MeterReading xmlns='http://naesb.org/espi'/>"),
        _entry(
            type_href,
            f"{RESOURCE}/ReadingType",
            [],
            "Type of Meter Reading Data",
            f"<ReadingType xmlns='http://naesb.org/espi'><accumulationBehaviour>{channel.accumulation}"
            f"</accumulationBehaviour><commodity>1</commodity><flowDirection>{channel.flow}</flowDirection>"
            f"{interval}<kind>12</kind><powerOfTenMultiplier>{channel.multiplier}</powerOfTenMultiplier>"
            f"<uom>{channel.uom}</uom></ReadingType>",
        ),
    ]
    for block, href in zip(channel.blocks, block_hrefs, strict=True):
        up = f"{reading_href}/IntervalBlock" if links == "hierarchical" else ""
        start = block[0][0] if block else 0
        span = sum(duration for _, duration, _ in block)
        readings = "".join(_interval_reading(*reading) for reading in block)
        entries.append(
            _entry(
                href,
                up,
                [],
                "",
                f"<IntervalBlock xmlns='http://naesb.org/espi'>\n<interval><duration>{span}</duration>"
                f"<start>{start}</start></interval>\n{readings}</IntervalBlock>",
            )
        )
    return entries


def _interval_reading(start: int, duration: int, value: int | str | None) -> str:
    shown = "" if value is None else f"<value>{value}</value>"
    return (
        f"<IntervalReading><timePeriod><duration>{duration}</duration><start>{start}</start></timePeriod>"
        f"{shown}</IntervalReading>\n"
    )


def _entry(self_href: str, up_href: str, related: list[str], title: str, content: str, *, atom_id: str = "") -> str:
    links = [f"<link rel='self' href='{self_href}'/>"]
    if up_href:
        links.append(f"<link rel='up' href='{up_href}'/>")
    links += [f"<link rel='related' href='{href}'/>" for href in related]
    return (
        f"<entry><id>{atom_id or 'urn:uuid:' + self_href.rsplit('/', 1)[-1]}</id>{''.join(links)}"
        f"<title>{title}</title><content>{content}</content><published>2024-06-01T00:00:00Z</published></entry>"
    )
