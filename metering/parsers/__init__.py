"""Pure parsing of meter and weather data: bytes (CSV, Excel .xlsx, Green Button XML) or JSON in, validated pandas
frames out. No Django."""

from .csv_template import GRANULARITIES as TEMPLATE_GRANULARITIES
from .csv_template import csv_template
from .errors import AmbiguousDates, InvalidFile, InvalidInput, InvalidRows, RowError, UsagePointChoice
from .espi_billing import BillingPeriods
from .espi_feed import looks_like_xml
from .greenbutton import parse_greenbutton
from .meter_csv import parse_meter_csv
from .meter_message import BATCH_SHAPE, Envelope, message_envelope, reading_items
from .plausibility import MAX_READING_KWH, PowerCeiling
from .readings_json import parse_readings
from .spreadsheet import looks_like_xlsx, xlsx_rows_at_most
from .timestamps import DAY_FIRST, MONTH_FIRST
from .weather_csv import MAX_TEMPERATURE_C, MIN_TEMPERATURE_C, parse_temperature_csv, parse_temperature_items

__all__ = [
    "AmbiguousDates",
    "DAY_FIRST",
    "MONTH_FIRST",
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
    "TEMPLATE_GRANULARITIES",
    "RowError",
    "UsagePointChoice",
    "csv_template",
    "looks_like_xlsx",
    "looks_like_xml",
    "message_envelope",
    "parse_greenbutton",
    "parse_meter_csv",
    "parse_readings",
    "parse_temperature_csv",
    "parse_temperature_items",
    "reading_items",
    "xlsx_rows_at_most",
]
