"""Pure parsing of meter and weather data: bytes (CSV, Green Button XML) or JSON in, validated pandas frames out.
No Django."""

from .errors import InvalidFile, InvalidInput, InvalidRows, RowError, UsagePointChoice
from .espi_billing import BillingPeriods
from .espi_feed import looks_like_xml
from .greenbutton import parse_greenbutton
from .meter_csv import parse_meter_csv
from .meter_message import BATCH_SHAPE, Envelope, message_envelope, reading_items
from .plausibility import MAX_READING_KWH, PowerCeiling
from .readings_json import parse_readings
from .weather_csv import MAX_TEMPERATURE_C, MIN_TEMPERATURE_C, parse_temperature_csv, parse_temperature_items

__all__ = [
    "BATCH_SHAPE",
    "BillingPeriods",
    "Envelope",
    "InvalidFile",
    "InvalidInput",
    "InvalidRows",
    "MAX_READING_KWH",
    "MAX_TEMPERATURE_C",
    "MIN_TEMPERATURE_C",
    "PowerCeiling",
    "RowError",
    "UsagePointChoice",
    "looks_like_xml",
    "message_envelope",
    "parse_greenbutton",
    "parse_meter_csv",
    "parse_readings",
    "parse_temperature_csv",
    "parse_temperature_items",
    "reading_items",
]
