"""IANA time zones and the country each belongs to (from the tz database's zone.tab)."""

from functools import cache
from importlib import resources
from zoneinfo import available_timezones


@cache
def known_timezones() -> frozenset[str]:
    return frozenset(available_timezones())


@cache
def _zone_countries() -> dict[str, str]:
    table = resources.files("tzdata").joinpath("zoneinfo", "zone.tab").read_text(encoding="utf-8")
    countries = {}
    for line in table.splitlines():
        if line and not line.startswith("#"):
            country, _coordinates, zone, *_ = line.split("\t")
            countries[zone] = country
    return countries


def country_of_timezone(name: str) -> str:
    """The ISO 3166 country of a zone ('Asia/Kolkata' → 'IN'), or '' for zones of no one country (UTC)."""
    return _zone_countries().get(name, "")
