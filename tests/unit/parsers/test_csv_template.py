"""The example files: exactly what the parsers want, values worked out by hand, accepted as they are."""

import pandas as pd
import pytest

from metering import parsers
from metering.parsers import PowerCeiling, csv_template

NOW = pd.Timestamp("2026-12-01", tz="UTC")


def test_a_15_minute_template_states_the_zone_offset_and_a_tenth_of_the_ceiling():
    # 1,000 kW for 15 minutes is 250 kWh; a tenth, 0.12 and 0.11 of it: 25, 30, 27.5. Kolkata is UTC+5:30.
    assert csv_template("15min", tz="Asia/Kolkata", max_kw=1000).decode().splitlines() == [
        "timestamp,kwh",
        "2025-01-06T00:00:00+05:30,25",
        "2025-01-06T00:15:00+05:30,30",
        "2025-01-06T00:30:00+05:30,27.5",
    ]


def test_a_monthly_template_is_dated_the_1st_and_sized_by_each_month():
    # 10 kW over January (744 h) × 0.10 = 744; February (672 h) × 0.12 = 806.4; March (744 h) × 0.11 = 818.4.
    assert csv_template("monthly", tz="America/New_York", max_kw=10).decode().splitlines() == [
        "date,kwh",
        "2025-01-01,744",
        "2025-02-01,806.4",
        "2025-03-01,818.4",
    ]


def test_a_daily_temperature_template_is_dates_and_degrees():
    assert csv_template("temperature_daily", tz="UTC", max_kw=1).decode() == (
        "date,temperature_c\n2025-01-06,4.5\n2025-01-07,5\n2025-01-08,3.5\n"
    )


@pytest.mark.parametrize("granularity", list(parsers.TEMPLATE_GRANULARITIES))
@pytest.mark.parametrize("tz", ["Europe/London", "Asia/Kolkata", "America/St_Johns"])
def test_every_template_is_accepted_as_it_is(granularity, tz):
    ceiling = PowerCeiling(area_sqft=1_000, max_w_per_sqft=5, interval=None)  # 5 kW
    data = csv_template(granularity, tz=tz, max_kw=ceiling.max_kw)
    if parsers.TEMPLATE_GRANULARITIES[granularity].meter:
        frame = parsers.parse_meter_csv(data, tz=tz, latest=NOW, power=ceiling)
    else:
        frame = parsers.parse_temperature_csv(data, tz=tz, latest=NOW)
    assert len(frame) == 3
