"""The station choice rule, on stations placed at hand-computed distances."""

import pytest

from metering.weather.choice import Candidate, assess, distance_km, ranked

# One degree of latitude on the mean Earth radius (6,371.0088 km): 2π × 6371.0088 / 360 = 111.195 km.
DEGREE_KM = 111.195


def station(sid: str, north_deg: float, *, elevation: float | None = 10.0, coverage: float = 0.98) -> Candidate:
    return Candidate(sid, sid, 40.0 + north_deg, -74.0, elevation, coverage)


def choose(*candidates: Candidate, elevation: float | None = 10.0):
    return ranked(list(candidates), latitude=40.0, longitude=-74.0, elevation_m=elevation, year=2025)


def test_distance_along_a_meridian_is_the_arc():
    assert distance_km(40.0, -74.0, 41.0, -74.0) == pytest.approx(DEGREE_KM, abs=0.01)


def test_the_reason_says_distance_elevation_and_coverage():
    near = station("NEAR", 12 / DEGREE_KM, elevation=-30.0, coverage=0.98)
    assert assess(near, latitude=40.0, longitude=-74.0, elevation_m=10.0, year=2025).description == (
        "12 km away, 40 m lower, 98 % of hours in 2025"
    )


def test_a_station_with_poor_coverage_is_passed_over_for_a_farther_complete_one():
    patchy = station("PATCHY", 5 / DEGREE_KM, coverage=0.40)
    complete = station("COMPLETE", 20 / DEGREE_KM, coverage=0.99)
    best, other = choose(patchy, complete)
    assert best.candidate.station_id == "COMPLETE" and best.refused == ""
    assert other.refused == "reported in fewer than 80 % of the hours of 2025"


def test_penalty_weighs_elevation_and_missing_hours_in_kilometres():
    # A: 10 km, 200 m higher, 90 %: 10 + 0.1 × 200 + 100 × 0.10 = 40 km.
    # B: 30 km, same elevation, 99 %: 30 + 0 + 100 × 0.01 = 31 km. B wins although farther.
    a = station("A", 10 / DEGREE_KM, elevation=210.0, coverage=0.90)
    b = station("B", 30 / DEGREE_KM, elevation=10.0, coverage=0.99)
    best, second = choose(a, b)
    assert best.candidate.station_id == "B" and best.penalty_km == pytest.approx(31.0, abs=0.01)
    assert second.penalty_km == pytest.approx(40.0, abs=0.01)


def test_limits_refuse_far_and_much_higher_stations():
    far = station("FAR", 101 / DEGREE_KM)
    high = station("HIGH", 2 / DEGREE_KM, elevation=400.0)
    assessed = {a.candidate.station_id: a.refused for a in choose(far, high)}
    assert assessed == {"FAR": "farther than 100 km", "HIGH": "more than 300 m above or below the building"}


def test_unknown_building_elevation_leaves_elevation_out():
    high = station("HIGH", 2 / DEGREE_KM, elevation=400.0)
    (only,) = choose(high, elevation=None)
    assert only.refused == "" and "elevation difference unknown" in only.description
