"""A building-year of 15-minute readings as an Excel workbook, beside the same readings as a CSV: the parser alone
(`parse_meter_csv` on the bytes), since storing them is the same path for both."""

import io

import pandas as pd
from openpyxl import Workbook

from metering import parsers
from metering.parsers.demo_series import generate_meter, generate_weather, to_csv_bytes

from .harness import Result, paired_medians

TZ = "America/New_York"
ROOMY = parsers.PowerCeiling(area_sqft=10_000, max_w_per_sqft=1_000, interval=None)


def _workbook(frame: pd.DataFrame) -> bytes:
    """Date cells of local wall-clock time and number cells, as Excel saves a meter export."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Readings")
    sheet.append(["Timestamp", "kWh"])
    local = frame["ts"].dt.tz_convert(TZ).dt.tz_localize(None)
    for stamp, kwh in zip(local.tolist(), frame["kwh"].tolist(), strict=True):
        sheet.append([stamp, kwh])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_vs_csv(*, repeats: int = 3) -> Result:
    weather = generate_weather(start="2024-01-01", end="2025-01-02", tz=TZ, seed=6, climate="continental")
    frame = generate_meter(weather=weather, start="2024-01-01", end="2025-01-01", tz=TZ, seed=6).iloc[:35_040]
    xlsx, csv = _workbook(frame), to_csv_bytes(frame, tz=TZ)
    latest = pd.Timestamp("2100-01-01", tz="UTC")

    def parse(data: bytes) -> None:
        assert len(parsers.parse_meter_csv(data, tz=TZ, latest=latest, power=ROOMY)) == len(frame)

    ours, reference = paired_medians(lambda i: parse(xlsx), lambda i: parse(csv), repeats=repeats)
    return Result(
        f"Excel upload parsed, 1 building-year ({len(frame):,} readings, {len(xlsx) / 1e6:.1f} MB .xlsx)",
        ours,
        f"the same readings as CSV ({len(csv) / 1e6:.1f} MB)",
        reference,
        None,
        "openpyxl read-only turns the first sheet into CSV text, then the CSV parser runs; report only",
    )
