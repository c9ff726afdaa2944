"""The parsers with time and power bounds that no value in a test of their other rules comes near."""

from functools import partial

import pandas as pd

from metering import parsers

LATEST = pd.Timestamp("2100-01-01", tz="UTC")
ROOMY = parsers.PowerCeiling(area_sqft=1e9, max_w_per_sqft=1000.0, interval=None)

parse_greenbutton = partial(parsers.parse_greenbutton, latest=LATEST, power=ROOMY, max_bytes=10_000_000)
parse_meter_csv = partial(parsers.parse_meter_csv, latest=LATEST, power=ROOMY)
parse_readings = partial(parsers.parse_readings, latest=LATEST, power=ROOMY)
parse_temperature_csv = partial(parsers.parse_temperature_csv, latest=LATEST)
parse_temperature_items = partial(parsers.parse_temperature_items, latest=LATEST)
