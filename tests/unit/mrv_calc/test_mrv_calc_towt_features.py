import numpy as np
import pandas as pd
import pytest

from mrv.calc.towt import segment_weights
from mrv.calc.towt_features import (
    BIN_ENDPOINTS_C,
    OCCUPANCY_COOLING_BASE_C,
    OCCUPANCY_HEATING_BASE_C,
    temperature_bin_features,
    time_of_week,
    valid_bin_endpoints,
)

CALTRACK_ENDPOINTS_F = (30, 45, 55, 65, 75, 90)


def test_caltrack_fahrenheit_constants_in_celsius():
    # (30 − 32)/1.8 = −1.111; (45 − 32)/1.8 = 7.222; … (90 − 32)/1.8 = 32.222
    assert BIN_ENDPOINTS_C == pytest.approx((-1.1111, 7.2222, 12.7778, 18.3333, 23.8889, 32.2222), abs=1e-4)
    assert (OCCUPANCY_HEATING_BASE_C, OCCUPANCY_COOLING_BASE_C) == pytest.approx((10.0, 18.3333), abs=1e-4)


@pytest.mark.parametrize(
    ("temperature", "pieces"),
    [  # CalTRACK 2.0 §3.9.2, the worked example in °F
        (20, [20, 0, 0, 0, 0, 0, 0]),
        (40, [30, 10, 0, 0, 0, 0, 0]),
        (50, [30, 15, 5, 0, 0, 0, 0]),
        (60, [30, 15, 10, 5, 0, 0, 0]),
        (70, [30, 15, 10, 10, 5, 0, 0]),
        (80, [30, 15, 10, 10, 10, 5, 0]),
        (100, [30, 15, 10, 10, 10, 15, 10]),
    ],
)
def test_bin_features_match_the_caltrack_table(temperature, pieces):
    features = temperature_bin_features(np.array([temperature], dtype=float), CALTRACK_ENDPOINTS_F)
    assert features[0].tolist() == pieces
    assert features.sum() == temperature


def test_without_endpoints_the_one_piece_is_the_temperature():
    assert temperature_bin_features(np.array([-3.5, 12.0]), ()).tolist() == [[-3.5], [12.0]]


def test_sparse_outer_bins_go_first_then_inner_ones_drop_their_larger_endpoint():
    temperatures = np.repeat([-5.0, 5.0, 10.0, 15.0, 20.0, 28.0, 35.0], [10, 30, 30, 3, 30, 30, 5])
    # Pass 1: ≤ −1.1 °C holds 10 and > 32.2 °C holds 5, so −1.1 and 32.2 go; the 3 hours in
    # (12.8, 18.3] wait until both ends hold 20. Pass 2: ends hold 40 and 35; 18.3 goes.
    assert valid_bin_endpoints(temperatures) == pytest.approx((7.2222, 12.7778, 23.8889), abs=1e-4)


def test_bins_are_closed_on_the_right():
    endpoints = (0.0, 10.0)
    assert valid_bin_endpoints(np.repeat([0.0, 5.0, 11.0], 20), endpoints) == endpoints
    # 20 hours at exactly 10 °C belong to (0, 10]; none is left above 10 °C, so 10 goes.
    assert valid_bin_endpoints(np.repeat([0.0, 10.0], 20), endpoints) == (0.0,)


def test_too_few_hours_leave_no_endpoint():
    assert valid_bin_endpoints(np.linspace(0, 30, 19)) == ()


def test_time_of_week_starts_monday_midnight_on_the_wall_clock():
    index = pd.DatetimeIndex(["2024-03-04 00:00", "2024-03-04 13:00", "2024-03-10 23:00"]).tz_localize("Asia/Kolkata")
    assert time_of_week(index).tolist() == [0, 13, 167]
    assert time_of_week(index.tz_localize(None)).tolist() == [0, 13, 167]


def test_a_month_counts_fully_and_its_neighbours_by_half():
    months = np.array([11, 12, 1, 2, 3])
    assert segment_weights(months, 1).tolist() == [0.0, 0.5, 1.0, 0.5, 0.0]
    assert segment_weights(months, 12).tolist() == [0.5, 1.0, 0.5, 0.0, 0.0]
