"""Pure parsing of meter and weather data: bytes or JSON in, validated pandas frames out. No Django."""

from .errors import InvalidFile, InvalidInput, InvalidRows, RowError
from .meter_csv import parse_meter_csv
from .readings_json import parse_readings
from .weather_csv import parse_temperature_csv, parse_temperature_items

__all__ = [
    "InvalidFile",
    "InvalidInput",
    "InvalidRows",
    "RowError",
    "parse_meter_csv",
    "parse_readings",
    "parse_temperature_csv",
    "parse_temperature_items",
]
