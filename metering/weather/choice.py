"""Which public station's temperatures stand for a building's: pure arithmetic over the cached station list.

A station is suitable when it is within MAX_DISTANCE_KM, at most MAX_ELEVATION_DIFF_M above or below the
building (when the building's elevation is known) and reported in at least MIN_COVERAGE of the reference
year's hours. Of the suitable stations the one with the lowest penalty wins, the penalty being in kilometres:
the distance, plus 1 km per 10 m of elevation difference (air cools about 0.65 °C per 100 m, as much as
temperatures typically differ across tens of kilometres of flat land), plus 1 km per percentage point of hours
missing in the reference year.
"""

import math
from dataclasses import dataclass

EARTH_RADIUS_KM = 6371.0088
MAX_DISTANCE_KM = 100.0
MAX_ELEVATION_DIFF_M = 300.0
MIN_COVERAGE = 0.8
KM_PER_M_ELEVATION = 0.1
KM_PER_MISSING_SHARE = 100.0


@dataclass(frozen=True)
class Candidate:
    station_id: str
    name: str
    latitude: float
    longitude: float
    elevation_m: float | None
    coverage: float  # share of the reference year's hours, 0..1


@dataclass(frozen=True)
class Assessed:
    candidate: Candidate
    distance_km: float
    elevation_diff_m: float | None  # station minus building
    penalty_km: float
    refused: str  # why it is unsuitable; empty when suitable
    description: str


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine) on the mean Earth radius."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def _elevation_words(diff_m: float | None) -> str:
    if diff_m is None:
        return "elevation difference unknown"
    if round(diff_m) == 0:
        return "at the same elevation"
    return f"{abs(diff_m):.0f} m {'higher' if diff_m > 0 else 'lower'}"


def assess(
    candidate: Candidate, *, latitude: float, longitude: float, elevation_m: float | None, year: int
) -> Assessed:
    distance = distance_km(latitude, longitude, candidate.latitude, candidate.longitude)
    diff = None if elevation_m is None or candidate.elevation_m is None else candidate.elevation_m - elevation_m
    words = f"{distance:.0f} km away, {_elevation_words(diff)}, {candidate.coverage * 100:.0f} % of hours in {year}"
    refused = ""
    if distance > MAX_DISTANCE_KM:
        refused = f"farther than {MAX_DISTANCE_KM:.0f} km"
    elif diff is not None and abs(diff) > MAX_ELEVATION_DIFF_M:
        refused = f"more than {MAX_ELEVATION_DIFF_M:.0f} m above or below the building"
    elif candidate.coverage < MIN_COVERAGE:
        refused = f"reported in fewer than {MIN_COVERAGE * 100:.0f} % of the hours of {year}"
    penalty = distance + KM_PER_M_ELEVATION * abs(diff or 0.0) + KM_PER_MISSING_SHARE * (1 - candidate.coverage)
    return Assessed(candidate, distance, diff, penalty, refused, words)


def ranked(
    candidates: list[Candidate], *, latitude: float, longitude: float, elevation_m: float | None, year: int
) -> list[Assessed]:
    """Every candidate assessed, the suitable ones first by penalty, then the others by distance."""
    assessed = [
        assess(candidate, latitude=latitude, longitude=longitude, elevation_m=elevation_m, year=year)
        for candidate in candidates
    ]
    return sorted(assessed, key=lambda a: (a.refused != "", a.penalty_km if not a.refused else a.distance_km))
