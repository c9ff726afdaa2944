from datetime import date

import numpy as np
import pytest

from mrv.calc import CalcInputError, ProjectEvent, daily_occupancy


def test_profile_and_occupancy_events():
    # 1 January 2024 is a Monday.
    events = [
        ProjectEvent("occupancy_change", date(2024, 1, 3), date(2024, 1, 4), occupancy_pct=50.0),
        ProjectEvent("occupancy_change", date(2024, 1, 7), occupancy_pct=50.0),  # open-ended
        ProjectEvent("shutdown", date(2024, 1, 1), date(2024, 1, 2)),  # not an occupancy change: ignored
    ]
    occupancy = daily_occupancy(
        start=date(2024, 1, 1), end=date(2024, 1, 8), weekday_pct=90, weekend_pct=20, events=events
    )
    np.testing.assert_allclose(occupancy.to_numpy(), [0.9, 0.9, 0.45, 0.45, 0.9, 0.2, 0.1, 0.45])
    assert occupancy.index[0].isoformat() == "2024-01-01T00:00:00"


def test_percentages_must_be_between_0_and_100():
    with pytest.raises(CalcInputError):
        daily_occupancy(start=date(2024, 1, 1), end=date(2024, 1, 2), weekday_pct=120, weekend_pct=20)
