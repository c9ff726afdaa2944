"""The bill's consumption read through every thousands grouping, and the figures beside it that are not it."""

import pytest

from metering.parsers.bill_text import parse_bill_text


@pytest.mark.parametrize(
    ("text", "kwh", "confidence"),
    [
        ("Total consumption: 38 450 units", 38_450.0, 0.9),  # issue 14, row 11: was 38.0 at 0.9
        ("Units Consumed: 38\u2009450", 38_450.0, 0.9),  # a thin space only ever groups
        ("Units Consumed: 38\u202f450 kWh", 38_450.0, 0.9),
        ("Units Consumed (kWh): 12,34,567.50", 1_234_567.5, 0.9),  # lakh grouping
        ("Units Consumed: 1,23,456\nAmount Payable: Rs. 9,87,654.00", 123_456.0, 0.9),
        ("Total kWh 38,450", 38_450.0, 0.9),
        # A European layout: the amount's 6.921,00 makes the comma the decimal mark, so 38.450 groups thousands.
        ("Total kWh 38.450\nAmount due 6.921,00", 38_450.0, 0.9),
        # Plain spaces with no unit after them: 0.9 × 0.85.
        ("Units Consumed: 38 450", 38_450.0, 0.765),
        ("Total kWh 1 234", 1_234.0, 0.765),
        # 38.450 with nothing on the bill to settle the decimal mark: 38.45 at 0.9 × 0.5.
        ("Units Consumed: 38.450", 38.45, 0.45),
        # Digits grouped in no scheme: 0.9 × 0.3.
        ("Units Consumed: 12,3456", 123_456.0, 0.27),
    ],
)
def test_the_consumption_in_each_grouping(text, kwh, confidence):
    parsed = parse_bill_text(text)
    assert (parsed.kwh, parsed.confidence["kwh"]) == (kwh, confidence)


@pytest.mark.parametrize(
    ("text", "note"),
    [
        ("Units Consumed: 38 450", "“38 450” is read as 38,450, taking the spaces to group thousands; check it."),
        ("Units Consumed: 38.450", "“38.450” may be 38.45 or 38,450 (a period grouping thousands); check it."),
        (
            "Units Consumed: 12,3456",
            "“12,3456” does not group its digits in any usual way; it is read as 123,456, check it.",
        ),
    ],
)
def test_a_doubtful_grouping_says_why_in_the_notes(text, note):
    assert parse_bill_text(text).notes == (note,)


@pytest.mark.parametrize(
    ("text", "kwh"),
    [
        ("Consumption (kWh) Meter 1 234", 234.0),  # meter 1's 234 kWh, not 1,234
        ("Units Consumed (Meter No 12345678): 3,100", 3_100.0),  # the meter number beside the figure
        ("Units consumed in March 2025: 3,100", 3_100.0),  # the year of a month is no figure
        ("Units Consumed 31.03.2025 38 450 kWh", 38_450.0),  # a date before it is blanked, never joined
        ("Units Consumed 38 450 15-04-2025", 38_450.0),  # ...nor after it
        ("Units Consumed: 450 365 days", 450.0),  # the count of days is no group of the figure
        ("Units Consumed: Rs. 9,000 for 4 200 units", 4_200.0),  # money first, then the spaced figure
    ],
)
def test_figures_beside_the_consumption_are_not_joined_to_it(text, kwh):
    assert parse_bill_text(text).kwh == kwh


def test_readings_printed_with_spaces_give_the_consumption():
    parsed = parse_bill_text("Previous Reading: 212 435\nPresent Reading: 250 885\n")
    assert (parsed.kwh, parsed.confidence["kwh"]) == (38_450.0, 0.5)
