"""The quick path (plain_csv, iso_bytes) only ever accepts, and what it accepts the general path reads alike.

Every generated file and batch is parsed twice, once as the application does (quick path first) and once by the
general path alone; both give the same frame, or the same refusal. The deterministic tests pin which inputs take
the quick path, so a change that silently sends every upload down the slow path fails here too.
"""

import codecs
from datetime import timedelta

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from metering import parsers
from metering.parsers import series
from metering.parsers.iso_bytes import iso_column
from metering.parsers.meter_csv import KWH
from metering.parsers.plain_csv import plain_columns
from metering.parsers.series import TIMESTAMP

ZONES = ["UTC", "America/New_York", "Europe/London", "Australia/Lord_Howe", "Asia/Kolkata"]
# Days on which some zone above changes its clocks, and ordinary days, leap days and month ends.
DAYS = ["2024-03-10", "2024-11-03", "2024-03-31", "2024-10-27", "2024-04-07", "2024-10-06", "2024-02-29", "2023-12-31"]
LOCAL_SHAPES = ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"]
ZONE_SUFFIXES = ["%z", "Z", "colon"]
BAD_TIMESTAMPS = [
    "2024-02-30T00:00:00",
    "2024-13-01T00:00:00",
    "2024-01-01T24:00:00",
    "2024-01-01T00:60:00",
    "2024-01-01T00:00:60",
    "1899-12-31T00:00:00",
    "2024-01-01T00:00:00+15:00",
    "2024-01-01T00:00:00+05:60",
    "2024-01-01T00:00:00.5",
    "2024-01-01t00:00:00",
    "2024-1-01T00:00:00",
    "",
    "2024-01-01T00:00:00 ",
]
NUMBERS = st.one_of(
    st.tuples(st.floats(min_value=0, max_value=5_000, allow_nan=False), st.integers(0, 6)).map(
        lambda drawn: f"{drawn[0]:.{drawn[1]}f}"
    ),
    st.integers(min_value=0, max_value=10**6).map(str),
    st.sampled_from(["0", "-0", "-1.5", "1e3", "1E-2", "+4", "1e999", "", "abc", " 1", "1,5", "1.", ".5", "1e"]),
)


def format_instant(moment: pd.Timestamp, shape: str, zone: str | None) -> str:
    text = moment.strftime(shape)
    if zone is None:
        return text
    if zone == "Z":
        return moment.tz_convert("UTC").strftime(shape) + "Z"
    offset = moment.strftime("%z")
    return text + (offset if zone == "%z" else f"{offset[:3]}:{offset[3:]}")


@st.composite
def timestamp_columns(draw, rows: int) -> tuple[list[str], str]:
    """A column of timestamps as one machine writes them, in some zone, stepping through a day that may change
    its clocks; sometimes shuffled, repeated or with one odd value."""
    tz = draw(st.sampled_from(ZONES))
    shape = draw(st.sampled_from(LOCAL_SHAPES))
    zone = None if shape == "%Y-%m-%d" else draw(st.sampled_from([None, *ZONE_SUFFIXES]))
    step = timedelta(days=1) if shape == "%Y-%m-%d" else timedelta(minutes=draw(st.sampled_from([15, 30, 60])))
    start = pd.Timestamp(draw(st.sampled_from(DAYS)), tz=tz) - step * draw(st.integers(0, 8))
    values = [format_instant(start + step * i, shape, zone) for i in range(rows)]
    change = draw(st.sampled_from(["none", "none", "shuffle", "repeat", "odd"]))
    if change == "shuffle":
        values = draw(st.permutations(values))
    elif change == "repeat" and rows > 1:
        values[draw(st.integers(1, rows - 1))] = values[0]
    elif change == "odd":
        values[draw(st.integers(0, rows - 1))] = draw(st.sampled_from(BAD_TIMESTAMPS))
    return values, tz


@st.composite
def csv_files(draw) -> tuple[bytes, str]:
    rows = draw(st.integers(1, 40))
    stamps, tz = draw(timestamp_columns(rows))
    numbers = [draw(st.sampled_from(["1", "2.5"])) for _ in range(rows)]
    if draw(st.booleans()):
        numbers = [draw(NUMBERS) for _ in range(rows)]
    header = [draw(st.sampled_from(["timestamp", "Date Time", "ts"])), draw(st.sampled_from(["kwh", "Usage (kWh)"]))]
    columns = [stamps, numbers]
    if draw(st.booleans()):
        header, columns = header[::-1], columns[::-1]
    lines = [",".join(header)] + [",".join(values) for values in zip(*columns, strict=True)]
    odd = draw(st.sampled_from(["none", "none", "blank line", "quoted", "extra field", "tab", "latin-1"]))
    if odd == "blank line":
        lines.insert(draw(st.integers(1, len(lines))), "")
    elif odd == "quoted":
        lines[-1] = '"' + lines[-1].replace(",", '","') + '"'
    elif odd == "extra field":
        lines[-1] += ",3"
    elif odd == "tab":
        lines[-1] = lines[-1].replace(",", ",\t")
    ending = draw(st.sampled_from(["\n", "\r\n"]))
    text = ending.join(lines) + (ending if draw(st.booleans()) else "")
    data = text.encode("latin-1" if odd == "latin-1" else "utf-8") + (b"\xe9" if odd == "latin-1" else b"")
    return (codecs.BOM_UTF8 if draw(st.booleans()) else b"") + data, tz


def bounds(draw_latest: bool) -> dict:
    latest = pd.Timestamp("2024-06-01", tz="UTC") if draw_latest else pd.Timestamp("2100-01-01", tz="UTC")
    return {"latest": latest, "power": parsers.PowerCeiling(area_sqft=5_000, max_w_per_sqft=20.0, interval=None)}


def outcome(parse, *args, **kwargs):
    try:
        return parse(*args, **kwargs)
    except parsers.InvalidInput as refusal:
        return type(refusal), str(refusal), getattr(refusal, "errors", None), getattr(refusal, "total", None)


def read_both_ways(parse, value, *, tz: str, future: bool, quick: str, patch: pytest.MonkeyPatch) -> None:
    """`value` parsed as the application does (quick path first), then with the quick path `quick` turned off:
    the same frame, or the same refusal."""
    by_default = outcome(parse, value, tz=tz, **bounds(future))
    with patch.context() as off:
        off.setattr(series, quick, lambda *args, **kwargs: None)
        general = outcome(parse, value, tz=tz, **bounds(future))
    if isinstance(general, pd.DataFrame):
        assert isinstance(by_default, pd.DataFrame), by_default
        pd.testing.assert_frame_equal(by_default, general)
    else:
        assert by_default == general


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(file=csv_files(), future=st.booleans())
def test_a_file_reads_the_same_by_either_path(file, future, monkeypatch_module):
    data, tz = file
    read_both_ways(parsers.parse_meter_csv, data, tz=tz, future=future, quick="_quick_csv", patch=monkeypatch_module)


@st.composite
def batches(draw) -> tuple[list, str]:
    rows = draw(st.integers(1, 40))
    stamps, tz = draw(timestamp_columns(rows))
    numbers = draw(st.lists(st.floats(0, 5_000, allow_nan=False) | st.integers(0, 10**6), min_size=rows, max_size=rows))
    items: list = [{"timestamp": stamp, "kwh": kwh} for stamp, kwh in zip(stamps, numbers, strict=True)]
    odd = draw(st.sampled_from(["none", "none", "none", "bool", "string kwh", "missing", "not an object", "big", "é"]))
    at = draw(st.integers(0, rows - 1))
    if odd == "bool":
        items[at]["kwh"] = True
    elif odd == "string kwh":
        items[at]["kwh"] = "1.5"
    elif odd == "missing":
        del items[at]["timestamp"]
    elif odd == "not an object":
        items[at] = [items[at]["timestamp"], items[at]["kwh"]]
    elif odd == "big":
        items[at]["kwh"] = 10**400
    elif odd == "é":
        items[at]["timestamp"] += "é"
    return items, tz


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batch=batches(), future=st.booleans())
def test_a_batch_reads_the_same_by_either_path(batch, future, monkeypatch_module):
    items, tz = batch
    read_both_ways(parsers.parse_readings, items, tz=tz, future=future, quick="_quick_items", patch=monkeypatch_module)


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


@pytest.mark.parametrize(
    "text",
    [
        "2024-03-31T14:45:00",
        "2024-03-31 14:45",
        "2024-03-31",
        "2024-03-31T14:45:00Z",
        "2024-03-31T14:45:00+05:30",
        "2024-03-31T14:45:00-0400",
        "2024-03-31 14:45+14:00",
    ],
)
def test_each_shape_of_one_machine_takes_the_quick_path_to_the_general_paths_instants(text):
    read = iso_column(np.array([text, text], dtype=bytes))
    assert read is not None
    expected = pd.to_datetime(pd.Series([text]), format="ISO8601", utc=read.exact)
    expected = expected.dt.tz_localize(None) if read.exact else expected
    assert read.instants[0] == expected[0].to_datetime64()
    assert read.date_only == (len(text) == 10)


@pytest.mark.parametrize("text", BAD_TIMESTAMPS + ["2024-03-31T14:45:00.123+01:00", "31/03/2024 14:45"])
def test_a_value_the_quick_path_cannot_vouch_for_sends_the_column_to_the_general_path(text):
    assert iso_column(np.array(["2024-03-31T14:45:00", text], dtype=bytes)) is None


def test_mixed_shapes_go_to_the_general_path():
    assert iso_column(np.array(["2024-03-31T14:45:00", "2024-03-31T14:45:00Z"], dtype=bytes)) is None


def test_a_meter_export_takes_the_quick_path_through_the_hour_the_clocks_repeat(monkeypatch):
    # From 00:00 to 02:45 New York time on the day the clocks go back: 01:00-01:45 twice.
    instants = pd.date_range("2024-11-03T04:00Z", periods=16, freq="15min")
    stamps = instants.tz_convert("America/New_York").strftime("%Y-%m-%dT%H:%M:%S")
    lines = ["timestamp,kwh"] + [f"{stamp},{n / 100}" for n, stamp in enumerate(stamps)]
    data = ("\r\n".join(lines) + "\r\n").encode()
    columns = plain_columns(data, specs=(TIMESTAMP, KWH.column))
    assert columns is not None
    assert columns.values["ts"][0] == b"2024-11-03T00:00:00"
    assert columns.values["kwh"].tolist()[:2] == [b"0.0", b"0.01"]
    assert columns.lines.tolist() == list(range(2, 18))
    monkeypatch.setattr(series, "read_table", None)  # the general reader would fail if it were reached
    frame = parsers.parse_meter_csv(data, tz="America/New_York", **bounds(False))
    assert frame["ts"].tolist() == list(instants)


def test_an_api_batch_takes_the_quick_path(monkeypatch):
    items = [{"timestamp": f"2024-01-01T00:{m:02d}:00-05:00", "kwh": 1.5} for m in (0, 15, 30, 45)]
    monkeypatch.setattr(series, "objects_of", None)  # the general path's first step
    frame = parsers.parse_readings(items, tz="UTC", **bounds(False))
    assert frame["ts"].iloc[0] == pd.Timestamp("2024-01-01T05:00", tz="UTC")
    assert frame["kwh"].tolist() == [1.5] * 4


@pytest.mark.parametrize(
    "data",
    [
        b"timestamp,kwh\n2024-01-01T00:00:00,1\n\n2024-01-01T00:15:00,1\n",  # a blank line
        b'timestamp,kwh\n"2024-01-01T00:00:00",1\n',  # a quoted field
        b"timestamp;kwh\n2024-01-01T00:00:00;1,5\n",  # semicolons, decimal commas
        b"timestamp,kwh,note\n2024-01-01T00:00:00,1,x\n",  # a third column
        b"timestamp,kwh\n2024-01-01T00:00:00, 1\n",  # a blank around a value
        b"timestamp,kwh\n2024-01-01T00:00:00,1\r2024-01-01T00:15:00,1\n",  # a lone carriage return
        b"timestamp,kwh\n",  # no data line
    ],
)
def test_any_other_layout_is_the_general_readers(data):
    assert plain_columns(data, specs=(TIMESTAMP, KWH.column)) is None
