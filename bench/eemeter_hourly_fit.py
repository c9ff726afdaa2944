"""Run by eemeter's own virtualenv, never the project's (its pins differ): time eemeter's CalTRACK hourly fit.

    python eemeter_hourly_fit.py HOURS.csv ZONE

HOURS.csv has `ts` (ISO 8601 with offset), `kwh` and `temperature_f`. Prints the seconds one
`HourlyModel().fit(...)` took; building eemeter's data object (its sufficiency checks) is not timed.
"""

import sys
import time

import pandas as pd
from eemeter.eemeter.models.hourly_caltrack import HourlyBaselineData, HourlyModel


def main(path: str, zone: str) -> None:
    frame = pd.read_csv(path)
    index = pd.DatetimeIndex(pd.to_datetime(frame["ts"], utc=True)).tz_convert(zone)
    data = HourlyBaselineData.from_series(
        pd.Series(frame["kwh"].to_numpy(), index=index),
        pd.Series(frame["temperature_f"].to_numpy(), index=index),
        is_electricity_data=True,
    )
    started = time.perf_counter()
    HourlyModel().fit(data)
    print(time.perf_counter() - started)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
