"""The Green Button parser on feeds written by tests.support.greenbutton (the shape of the Green Button Alliance's
sample files) and on hand-made hostile XML."""

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from metering.parsers import BillingPeriods, InvalidFile, InvalidRows, PowerCeiling, UsagePointChoice
from tests.support import parsing
from tests.support.greenbutton import GAS, NET, REVERSE, Channel, Point, blocks_of, feed

NEW_YORK = "America/New_York"  # tz_offset -18000, the generator's default
# 2024-01-01 00:00 in New York
JAN_1 = "2024-01-01T05:00"


def parse(data: bytes, tz: str = NEW_YORK, **options):
    return parsing.parse_greenbutton(data, tz=tz, **options)


def electricity(blocks, **channel) -> bytes:
    return feed(Point("Main meter", [Channel(blocks, **channel)]))


def refused(data: bytes, **options) -> str:
    with pytest.raises(InvalidFile) as caught:
        parse(data, **options)
    return caught.value.message


def bad_rows(data: bytes, **options) -> InvalidRows:
    with pytest.raises(InvalidRows) as caught:
        parse(data, **options)
    return caught.value


def test_a_day_of_15_minute_wh_readings_becomes_kwh_at_exact_utc_instants():
    values = np.arange(96) * 10 + 100  # 100, 110, … Wh
    frame = parse(electricity(blocks_of(JAN_1, values)))
    assert list(frame.columns) == ["ts", "kwh"]
    assert str(frame["ts"].dtype) == "datetime64[ns, UTC]"
    assert len(frame) == 96
    assert frame["ts"].iloc[0] == pd.Timestamp(JAN_1, tz="UTC")
    assert frame["ts"].iloc[-1] == pd.Timestamp("2024-01-02T04:45", tz="UTC")
    # Hand-checked: 100 Wh = 0.1 kWh; the day is sum(100..1050 step 10) = 55,200 Wh = 55.2 kWh.
    assert frame["kwh"].iloc[0] == 0.1
    assert frame["kwh"].sum() == pytest.approx(55.2)


def test_hourly_readings_and_the_power_bound_uses_each_readings_own_duration():
    data = electricity(blocks_of(JAN_1, [2_000] * 24, seconds=3600, per_block=24), interval=3600)
    frame = parse(data)
    assert frame["ts"].diff().dropna().unique().tolist() == [pd.Timedelta(hours=1)]
    # 2 kWh in an hour is 2 kW: a 100 sq ft building at 10 W/sq ft draws at most 1 kW, so every hour is refused,
    # while 2 kWh spread over the 15 minutes the CSV path would guess for a lone reading would be 8 kW.
    small = PowerCeiling(area_sqft=100, max_w_per_sqft=10, interval=None)
    errors = bad_rows(data, power=small)
    assert errors.total == 24
    assert "in 1 hour is an average of 2 kW" in errors.errors[0].message


@pytest.mark.parametrize(
    ("multiplier", "value", "kwh"),
    [(0, 450, 0.45), (-3, 450_000, 0.45), (1, 45, 0.45), (3, 2, 2.0), (6, 1, 1000.0)],
)
def test_power_of_ten_multiplier_scales_watt_hours(multiplier, value, kwh):
    frame = parse(electricity(blocks_of(JAN_1, [value]), multiplier=multiplier))
    assert frame["kwh"].tolist() == [kwh]


def test_daily_readings_of_local_days_take_the_25_hour_day_clocks_go_back():
    # 2024-11-02, -03 and -04 from New York's midnights: 24, 25 and 24 hours.
    start = int(pd.Timestamp("2024-11-02T04:00", tz="UTC").timestamp())
    days = [(start, 86_400, 30_000), (start + 86_400, 90_000, 31_000), (start + 176_400, 86_400, 29_000)]
    frame = parse(electricity([days], interval=86_400))
    assert frame["kwh"].tolist() == [30.0, 31.0, 29.0]
    assert frame["ts"].dt.tz_convert(NEW_YORK).dt.hour.tolist() == [0, 0, 0]


def test_dst_days_have_92_and_100_quarter_hours_and_no_instant_twice():
    # 2024-03-10 (clocks forward) and 2024-11-03 (clocks back) in New York, each from local midnight.
    spring = blocks_of("2024-03-10T05:00", [100] * 92)
    autumn = blocks_of("2024-11-03T04:00", [100] * 100)
    frame = parse(electricity(spring + autumn))
    local_days = frame["ts"].dt.tz_convert(NEW_YORK).dt.date.astype(str).value_counts()
    assert local_days.to_dict() == {"2024-11-03": 100, "2024-03-10": 92}
    assert frame["ts"].is_unique


def test_the_feeds_zone_must_be_the_buildings():
    data = electricity(blocks_of(JAN_1, [100]))
    message = refused(data, tz="Asia/Kolkata")
    assert "UTC-05:00" in message and "Asia/Kolkata is UTC+05:30" in message
    # Summer time in the building's zone still has the feed's standard offset.
    assert len(parse(electricity(blocks_of("2024-07-01T04:00", [100])))) == 1
    assert len(parse(feed(Point("Main", [Channel(blocks_of(JAN_1, [100]))]), tz_offset=None), tz="Asia/Kolkata")) == 1


def test_several_usage_points_are_listed_until_one_is_named():
    data = feed(
        Point("Main meter", [Channel(blocks_of(JAN_1, [100, 200]))]),
        Point("Car park", [Channel(blocks_of(JAN_1, [7]))], atom_id="urn:uuid:car-park"),
    )
    with pytest.raises(UsagePointChoice) as caught:
        parse(data)
    assert "2 usage points" in caught.value.message and "'Car park'" in caught.value.message
    assert [point["title"] for point in caught.value.usage_points] == ["Main meter", "Car park"]
    assert parse(data, usage_point="main meter")["kwh"].tolist() == [0.1, 0.2]
    assert parse(data, usage_point="car-park")["kwh"].tolist() == [0.007]
    assert parse(data, usage_point="urn:uuid:car-park")["kwh"].tolist() == [0.007]
    with pytest.raises(UsagePointChoice) as unknown:
        parse(data, usage_point="Roof")
    assert "No usage point in the file is called 'Roof'" in unknown.value.message


def test_a_portfolio_of_usage_points_is_listed_twenty_at_a_time():
    data = feed(*(Point(f"Unit {n}", [Channel(blocks_of(JAN_1, [n]))]) for n in range(25)))
    with pytest.raises(UsagePointChoice) as caught:
        parse(data)
    assert len(caught.value.usage_points) == 20 and caught.value.message.endswith(
        "and 5 more. Name the one this building's readings are (usage point: its id or title)."
    )
    assert parse(data, usage_point="Unit 24")["kwh"].tolist() == [0.024]


def test_a_hand_made_utility_file_with_prefixes_relative_links_and_extra_elements():
    data = (Path(__file__).parents[2] / "data" / "greenbutton" / "prefixed_relative_links.xml").read_bytes()
    frame = parse(data, tz="America/Los_Angeles")
    # 2024-01-01 00:00 to 04:00 Pacific (08:00 UTC); values in mWh (multiplier -3): 1,500,000 mWh = 1.5 kWh.
    assert frame["ts"].tolist() == [pd.Timestamp(f"2024-01-01T{h:02d}:00", tz="UTC") for h in (8, 9, 10, 11)]
    assert frame["kwh"].tolist() == [1.5, 1.42, 1.25, 0.9805]


def test_related_links_without_hierarchical_hrefs_tie_the_resources_too():
    data = feed(
        Point("Main meter", [Channel(blocks_of(JAN_1, [100, 200]))]),
        Point("Car park", [Channel(blocks_of(JAN_1, [7]))]),
        links="related",
    )
    assert parse(data, usage_point="Car park")["kwh"].tolist() == [0.007]


def test_gas_and_other_services_are_refused_by_name():
    gas = feed(Point("Boiler", [Channel(blocks_of(JAN_1, [100]))], kind=GAS))
    assert "measures gas; only electricity usage points can be imported" in refused(gas)
    unstated = feed(Point("Boiler", [Channel(blocks_of(JAN_1, [100]), uom=169)], kind=""))
    assert "measures gas (in therms)" in refused(unstated)
    neither = feed(Point("Meter", [Channel(blocks_of(JAN_1, [100]))], kind=""))
    assert "does not say which service it measures" in refused(neither)
    water = feed(Point("Tap", [Channel(blocks_of(JAN_1, [100]))], kind=2))
    assert "measures water" in refused(water)


def test_exported_energy_is_never_counted_as_use():
    data = feed(
        Point(
            "Solar home",
            [
                Channel(blocks_of(JAN_1, [900, 900]), title="Received", flow=REVERSE),
                Channel(blocks_of(JAN_1, [300, 400]), title="Delivered"),
            ],
        )
    )
    assert parse(data)["kwh"].tolist() == [0.3, 0.4]
    only_export = feed(Point("Solar home", [Channel(blocks_of(JAN_1, [900]), title="Received", flow=REVERSE)]))
    assert "'Received' is energy the building exported" in refused(only_export)
    net = feed(Point("Solar home", [Channel(blocks_of(JAN_1, [900]), title="Net", flow=NET)]))
    assert "mixes exported energy into use" in refused(net)
    exports = [Channel(blocks_of(JAN_1, [900]), title=f"Panel {n}", flow=REVERSE) for n in range(25)]
    message = refused(feed(Point("Solar farm", exports)))
    assert message.count("exported (reverse flow)") == 20 and message.endswith("; and 5 more.")


def test_channels_that_are_not_interval_energy_are_refused_with_their_reason():
    demand = electricity(blocks_of(JAN_1, [5]), uom=38)
    assert "measures power in W, not Wh" in refused(demand)
    register = electricity(blocks_of(JAN_1, [5]), accumulation=1)
    assert "register readings (accumulationBehaviour 1)" in refused(register)


def test_the_finest_channel_is_taken_and_coarser_bins_of_the_same_energy_left_out():
    hours = blocks_of(JAN_1, [1_000] * 24, seconds=3600, per_block=24)
    day = blocks_of(JAN_1, [24_000], seconds=86_400)
    data = feed(
        Point("Main", [Channel(day, title="Daily", interval=86_400), Channel(hours, title="Hourly", interval=3600)])
    )
    frame = parse(data)
    assert len(frame) == 24 and frame["kwh"].sum() == 24.0
    twins = feed(Point("Main", [Channel(hours, title="A", interval=3600), Channel(hours, title="B", interval=3600)]))
    assert "2 channels of 3,600-second use ('A'; 'B')" in refused(twins)


def test_billing_period_data_is_read_as_periods_of_whole_local_days():
    month = 31 * 86_400
    # Local midnight of 1 January in New York, 31 days, then 28 days: hand-checked days and kWh.
    monthly = electricity([[(1735707600, month, 900_000), (1735707600 + month, 28 * 86_400, 800_000)]], interval=month)
    periods = parse(monthly)
    assert isinstance(periods, BillingPeriods) and periods.current == 0
    assert [(p.first_day, p.last_day, p.kwh) for p in periods.periods] == [
        (date(2025, 1, 1), date(2025, 1, 31), 900.0),
        (date(2025, 2, 1), date(2025, 2, 28), 800.0),
    ]
    # Summaries only: each summary's billingPeriod and overallConsumptionLastPeriod (768,032 Wh = 768.032 kWh).
    summaries = parse(feed(Point("Main", [], summaries=2)))
    assert isinstance(summaries, BillingPeriods)
    read = [(p.first_day, p.kwh) for p in summaries.periods]
    assert read == [(date(2024, 1, 1), 768.032), (date(2024, 1, 31), 768.032)]
    # A summary beside interval data is the same energy again: the intervals are taken, the summary left out.
    both = feed(Point("Main", [Channel(blocks_of(JAN_1, [100]))], summaries=1))
    assert parse(both)["kwh"].tolist() == [0.1]


def test_billing_periods_read_at_an_hour_of_the_day_share_no_day_and_the_current_one_is_left_out():
    start = int(pd.Timestamp("2025-01-01 14:30", tz="America/New_York").timestamp())  # read in the afternoon
    ends = [start + 30 * 86_400, start + 61 * 86_400]
    data = electricity([[(start, 30 * 86_400, 1_000), (ends[0], 31 * 86_400, 2_000)]], interval=30 * 86_400)
    periods = parsing.parse_greenbutton(data, tz="America/New_York", latest=pd.Timestamp("2025-03-01", tz="UTC"))
    # The afternoon read rounds to the next midnight; the second period ends after `latest`, so it is left out.
    assert [(p.first_day, p.last_day) for p in periods.periods] == [(date(2025, 1, 2), date(2025, 1, 31))]
    assert periods.current == 1


def test_overlapping_billing_periods_are_errors_on_the_later_line_and_identical_ones_collapse():
    month = 31 * 86_400
    first = (1735707600, month, 900_000)
    assert len(parse(electricity([[first], [first]], interval=month)).periods) == 1
    errors = bad_rows(electricity([[first], [(1735707600 + 86_400 * 10, month, 5)]], interval=month))
    assert errors.total == 1 and "overlaps the one on line" in errors.errors[0].message
    negative = bad_rows(electricity([[(1735707600, month, -5)]], interval=month))
    assert "negative" in negative.errors[0].message


def test_identical_overlapping_blocks_collapse():
    block = blocks_of(JAN_1, [100, 200, 300, 400])[0]
    data = electricity([block[:3], block[1:]])  # readings 2 and 3 are in both blocks
    assert parse(data)["kwh"].tolist() == [0.1, 0.2, 0.3, 0.4]


def test_another_value_for_an_interval_or_overlapping_intervals_are_errors_on_the_later_line():
    first = blocks_of(JAN_1, [100, 200])[0]
    changed = [(first[1][0], 900, 250)]
    errors = bad_rows(electricity([first, changed]))
    assert errors.total == 1
    assert "conflicts with line" in errors.errors[0].message and errors.errors[0].column == "value"
    start = first[0][0]
    overlapping = [(start + 600, 900, 5)]  # 10 minutes into the first quarter hour
    errors = bad_rows(electricity([first, overlapping]))
    assert errors.total == 1 and "overlaps the one on line" in errors.errors[0].message


def test_bad_readings_are_listed_by_line_and_element():
    start = int(pd.Timestamp(JAN_1, tz="UTC").timestamp())
    block = [(start, 900, 100), (start + 900, 900, -5), (start + 1800, 900, "lots"), (start + 2700, 900, None)]
    block += [(start + 3600, 172_800, 100), ("soon", 900, 100)]
    errors = bad_rows(electricity([block]))
    assert errors.total == 5
    found = {(error.column, error.message.split(" ")[0]) for error in errors.errors}
    assert found == {
        ("value", "'-0.005'"),
        ("value", "'lots'"),
        ("value", "The"),
        ("timePeriod/duration", "172,800"),
        ("timePeriod/start", "'soon'"),
    }
    lines = sorted(error.row for error in errors.errors)
    assert lines == sorted(set(lines)) and lines[0] > 1


def test_readings_in_the_future_are_refused():
    latest = pd.Timestamp("2024-01-01T05:30", tz="UTC")
    errors = bad_rows(electricity(blocks_of(JAN_1, [1, 2, 3, 4])), latest=latest)
    assert errors.total == 1
    assert "2024-01-01 00:45 EST" in errors.errors[0].message and "in the future" in errors.errors[0].message


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "The file is empty."),
        (b"timestamp,kwh\n2024-01-01,1\n", "not well-formed XML"),
        (b"<feed xmlns='http://www.w3.org/2005/Atom'><entry>", "not well-formed XML"),
        (b"<html><body/></html>", "not a Green Button (ESPI) feed"),
        (b"<feed xmlns='http://www.w3.org/2005/Atom'></feed>", "no UsagePoint"),
    ],
)
def test_files_that_are_not_green_button_feeds(data, expected):
    assert expected in refused(data)


def test_an_entity_bomb_is_refused_unexpanded():
    lol = "".join(f"<!ENTITY lol{i} '{f'&lol{i - 1};' * 10}'>" for i in range(1, 10))
    head = f"<!DOCTYPE feed [<!ENTITY lol0 'lol'>{lol}]>\n"
    data = electricity(blocks_of(JAN_1, [100])).replace(b"<feed", head.encode() + b"<feed", 1)
    data = data.replace(b"<title>Main meter</title>", b"<title>&lol9;</title>")
    assert "declares a DTD" in refused(data)


def test_external_entities_and_dtds_are_never_fetched():
    head = "<!DOCTYPE feed SYSTEM 'http://127.0.0.1:9/espi.dtd'>\n"
    assert "declares a DTD" in refused(feed(Point("Main"), head=head))
    # Past the prolog bytes the pattern looks at, the parsed document still shows the DOCTYPE (never fetched).
    hidden = f"<!--{'x' * 5000}-->\n<!DOCTYPE feed SYSTEM 'file:///etc/passwd'>\n"
    assert "declares a DTD" in refused(feed(Point("Main"), head=hidden))


def test_deep_nesting_and_oversized_files_are_refused():
    deep = b"<feed xmlns='http://www.w3.org/2005/Atom'>" + b"<a>" * 16 + b"</a>" * 16 + b"</feed>"
    assert "more than 16 levels deep" in refused(deep)
    very_deep = b"<a>" * 5000 + b"</a>" * 5000
    assert "more than 16 levels deep" in refused(very_deep)
    data = electricity(blocks_of(JAN_1, [100] * 96))
    assert "a Green Button file may be at most 0.0 MB" in refused(data, max_bytes=len(data) - 1)
    long_link = data.replace(
        b"RetailCustomer/9/UsagePoint/1'", b"RetailCustomer/9/UsagePoint/1" + b"/x" * 1500 + b"'", 1
    )
    assert "a link of 3,0" in refused(long_link)
