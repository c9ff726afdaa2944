"""The demo building: 25 months of 15-minute data from a plausible generator, with a retrofit in March 2024."""

from datetime import date

from buildings.models import BuildingType, EventType
from buildings.services import building_create, event_record, station_create

from .parsers.demo_series import generate_meter, generate_weather, to_csv_bytes
from .readings.services import meter_csv_upload
from .weather.services import temperatures_ingest

TZ = "Asia/Kolkata"
START, END = "2023-03-01", "2025-04-01"
WEATHER_END = "2025-04-02"  # one more day, so the meter's last quarter-hours have weather to interpolate
RETROFIT_WORKS = (date(2024, 3, 4), date(2024, 3, 29))
SAVINGS_FROM = "2024-04-01"


def demo_building_load(*, owner):
    station = station_create(
        owner=owner, name="New Delhi Safdarjung (synthetic)", latitude=28.58, longitude=77.2, timezone=TZ
    )
    weather = generate_weather(start=START, end=WEATHER_END, tz=TZ, seed=2024, climate="subtropical")
    temperatures_ingest(station=station, frame=weather)
    building = building_create(
        owner=owner,
        name="Aravali Business Park, Tower B",
        address="Sector 44, Gurugram, Haryana",
        building_type=BuildingType.COMMERCIAL_OFFICE,
        area_sqft=185_000,
        timezone=TZ,
        occupancy_weekday=85,
        occupancy_weekend=15,
        weather_station=station,
    )
    event_record(
        building=building,
        recorded_by=owner,
        event_type=EventType.RETROFIT,
        start_date=RETROFIT_WORKS[0],
        end_date=RETROFIT_WORKS[1],
        description="Chiller plant replacement, LED lighting and BMS re-commissioning.",
    )
    meter = generate_meter(
        weather=weather,
        start=START,
        end=END,
        tz=TZ,
        seed=7,
        base_kw=120,
        occupied_kw=260,
        heating_kw_per_degc=0,
        cooling_kw_per_degc=22,
        cooling_balance_c=22,
        weekday_occupancy=0.85,
        weekend_occupancy=0.15,
        retrofit_date=SAVINGS_FROM,
        retrofit_saving_pct=18,
    )
    meter_csv_upload(actor=owner, building=building, data=to_csv_bytes(meter, tz=TZ), filename="tower-b-15min.csv")
    return building
