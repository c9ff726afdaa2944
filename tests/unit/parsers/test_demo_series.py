import numpy as np
import pandas as pd
import pytest

from metering.parsers.demo_series import CLIMATES, generate_meter, generate_weather, to_csv_bytes
from tests.support.parsing import parse_meter_csv, parse_temperature_csv

TZ = "America/New_York"


@pytest.fixture(scope="module")
def weather() -> pd.DataFrame:
    return generate_weather(start="2021-01-01", end="2023-01-02", tz=TZ, seed=7, climate="continental")


def meter(weather: pd.DataFrame, **overrides) -> pd.DataFrame:
    options = {
        "weather": weather,
        "start": "2021-01-01",
        "end": "2023-01-01",
        "tz": TZ,
        "seed": 1,
    } | overrides
    return generate_meter(**options)


def test_weather_is_hourly_utc_over_the_half_open_range(weather):
    assert list(weather.columns) == ["ts", "temperature_c"]
    assert str(weather["ts"].dtype) == "datetime64[ns, UTC]"
    assert len(weather) == (365 + 365 + 1) * 24
    assert weather["ts"].iloc[0] == pd.Timestamp("2021-01-01 05:00Z")  # local midnight, EST
    assert (weather["ts"].diff().dropna() == pd.Timedelta(hours=1)).all()


def test_weather_has_seasons_and_days(weather):
    local = weather["ts"].dt.tz_convert(TZ)
    by_month = weather.groupby(local.dt.month)["temperature_c"].mean()
    assert by_month[1] < by_month[4] < by_month[7] and by_month[7] > by_month[10] > by_month[1]
    by_hour = weather.groupby(local.dt.hour)["temperature_c"].mean()
    assert by_hour[15] - by_hour[3] > 5
    assert weather["temperature_c"].mean() == pytest.approx(CLIMATES["continental"].mean_c, abs=1.5)
    assert weather["temperature_c"].between(-40, 50).all()


def test_meter_has_two_years_of_15_minute_rows(weather):
    frame = meter(weather)
    assert list(frame.columns) == ["ts", "kwh"]
    assert len(frame) == 70_080
    assert str(frame["ts"].dtype) == "datetime64[ns, UTC]"
    assert frame["kwh"].dtype == np.float64
    assert (frame["ts"].diff().dropna() == pd.Timedelta(minutes=15)).all()


def test_meter_is_never_negative_even_with_a_tiny_base_load(weather):
    frame = meter(weather, base_kw=0.01, occupied_kw=0, heating_kw_per_degc=0, cooling_kw_per_degc=0)
    assert (frame["kwh"] >= 0).all()


def test_same_seed_same_series_other_seed_other_noise(weather):
    pd.testing.assert_frame_equal(meter(weather), meter(weather))
    assert not meter(weather)["kwh"].equals(meter(weather, seed=2)["kwh"])
    pd.testing.assert_frame_equal(
        generate_weather(start="2024-01-01", end="2024-02-01", tz="UTC", seed=3),
        generate_weather(start="2024-01-01", end="2024-02-01", tz="UTC", seed=3),
    )


def test_occupancy_drives_working_hour_load_in_local_time(weather):
    frame = meter(weather, heating_kw_per_degc=0, cooling_kw_per_degc=0)
    local = frame["ts"].dt.tz_convert(TZ)
    weekday = local.dt.dayofweek < 5
    kw = frame["kwh"] * 4
    assert kw[weekday & (local.dt.hour == 10)].mean() == pytest.approx(40 + 60 * 0.9, rel=0.01)
    assert kw[~weekday & (local.dt.hour == 10)].mean() == pytest.approx(40 + 60 * 0.1, rel=0.01)
    assert kw[local.dt.hour == 3].mean() == pytest.approx(40, rel=0.01)


def test_hvac_follows_temperature(weather):
    frame = meter(weather, occupied_kw=0)
    daily = frame.groupby(frame["ts"].dt.tz_convert(TZ).dt.date)["kwh"].sum()
    temps = weather.groupby(weather["ts"].dt.tz_convert(TZ).dt.date)["temperature_c"].mean()
    cold, mild, hot = (
        daily[temps.reindex(daily.index).between(*band)].mean() for band in [(-20, 5), (16, 19), (26, 40)]
    )
    assert cold > mild and hot > mild


@pytest.mark.parametrize("pct", [10.0, 25.0])
def test_retrofit_saves_about_the_requested_share_on_matched_weather(weather, pct):
    before = meter(weather, seed=11)
    after = meter(weather, seed=12, retrofit_date="2022-01-01", retrofit_saving_pct=pct)
    in_2022 = before["ts"] >= pd.Timestamp("2022-01-01", tz=TZ)
    assert after["kwh"][~in_2022].sum() == pytest.approx(before["kwh"][~in_2022].sum(), rel=0.002)
    saving = 1 - after["kwh"][in_2022].sum() / before["kwh"][in_2022].sum()
    assert saving == pytest.approx(pct / 100, abs=0.002)


def test_meter_needs_weather_for_the_whole_period(weather):
    with pytest.raises(ValueError, match="does not cover"):
        meter(weather, end="2023-02-01")


def test_csv_bytes_with_offsets_round_trip(weather):
    frame = meter(weather, end="2021-01-03")
    data = to_csv_bytes(frame)
    assert data.startswith(b"timestamp,kwh\n2021-01-01T05:00:00+00:00,")
    pd.testing.assert_frame_equal(parse_meter_csv(data, tz="Asia/Kolkata"), frame)


def test_csv_bytes_in_naive_local_time_round_trip(weather):
    frame = meter(weather, start="2021-11-06", end="2021-11-08")  # across the fall-back
    data = to_csv_bytes(frame, tz=TZ)
    assert data.startswith(b"timestamp,kwh\n2021-11-06T00:00:00,")
    pd.testing.assert_frame_equal(parse_meter_csv(data, tz=TZ), frame)


def test_weather_csv_bytes_round_trip(weather):
    data = to_csv_bytes(weather.iloc[:48])
    assert data.startswith(b"timestamp,temperature_c\n")
    parsed = parse_temperature_csv(data, tz="UTC")
    pd.testing.assert_frame_equal(parsed.drop(columns="resolution"), weather.iloc[:48])
    assert set(parsed["resolution"]) == {"hour"}
