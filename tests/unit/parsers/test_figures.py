"""Printed figures: each grouping scheme, the bill's decimal mark, and the near-misses that must stay apart."""

import pytest

from metering.parsers.figures import AMBIGUOUS, COMMA, MISFIT, POINT, SPACED, decimal_mark, printed_figures


def read(text: str) -> list[tuple[float, float]]:
    """(value, trust) of each figure, read with the text's own decimal mark."""
    mark, settled = decimal_mark(text)
    return [(f.value, f.trust) for f in printed_figures(text, decimal=mark, settled=settled)]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("38450", 38_450.0),
        ("38,450", 38_450.0),  # commas grouping thousands
        ("1,234,567.25", 1_234_567.25),
        ("1,23,456", 123_456.0),  # Indian lakh grouping
        ("12,34,567.50", 1_234_567.5),  # ten lakh, with paise
        ("1,00,00,000", 10_000_000.0),  # one crore
        ("38 450 units", 38_450.0),  # a plain space, then a unit
        ("12 345 678 kWh", 12_345_678.0),
        ("38\u2009450", 38_450.0),  # thin space
        ("38\u202f450", 38_450.0),  # narrow no-break space
        ("38\u00a0450", 38_450.0),  # no-break space
        ("1.234.567", 1_234_567.0),  # periods grouping: two groups make it plain
        ("1.234,5", 1_234.5),  # periods grouping, comma decimal
        ("38 450,75 kWh", 38_450.75),  # spaces grouping, comma decimal (written as in France)
        ("4,200.5", 4_200.5),
    ],
)
def test_each_scheme_reads_one_figure_with_full_trust(text, value):
    assert read(text) == [(value, 1.0)]


def test_the_bills_decimal_mark_comes_from_figures_that_read_one_way():
    assert decimal_mark("Rate 7.80") == (POINT, True)
    assert decimal_mark("Amount 27,450.00") == (POINT, True)
    assert decimal_mark("Total 1,23,456") == (POINT, True)
    assert decimal_mark("Betrag 1.234,56 EUR") == (COMMA, True)
    assert decimal_mark("Preis 0,15 EUR") == (COMMA, True)
    assert decimal_mark("Units 38,450") == (POINT, False)  # reads either way: not settled
    assert decimal_mark("Rate 7.80, Preis 0,15") == (POINT, False)  # both ways: not settled


def test_a_period_before_three_digits_groups_thousands_only_where_the_bill_says_so():
    # A European bill: its amount settles the comma as the decimal mark, so 38.450 is 38,450 and 0,18 is 0.18.
    assert read("Verbrauch 38.450 kWh\nBetrag 6.921,00 EUR\nPreis 0,18") == [
        (38_450.0, 1.0),
        (6_921.0, 1.0),
        (0.18, 1.0),
    ]
    # A point-decimal bill: 38.450 is 38.45 (meters print three decimals).
    assert read("Reading 38.450 kWh\nAmount 27,450.00") == [(38.45, 1.0), (27_450.0, 1.0)]
    # Nothing settles it: 38.45, trusted half.
    assert read("Units 38.450") == [(38.45, AMBIGUOUS)]


def test_plain_spaces_without_a_unit_are_trusted_less():
    [figure] = printed_figures("Total consumption: 38 450")
    assert (figure.value, figure.trust, figure.printed) == (38_450.0, SPACED, "38 450")
    assert figure.note == "“38 450” is read as 38,450, taking the spaces to group thousands; check it."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "12,3456",
            (123_456.0, "“12,3456” does not group its digits in any usual way; it is read as 123,456, check it."),
        ),
        (
            "1,2345,678",
            (
                12_345_678.0,
                "“1,2345,678” does not group its digits in any usual way; it is read as 12,345,678, check it.",
            ),
        ),
        (
            "123,45,678",
            (
                12_345_678.0,
                "“123,45,678” does not group its digits in any usual way; it is read as 12,345,678, check it.",
            ),
        ),
    ],
)
def test_a_grouping_that_fits_no_scheme_is_low_trust_with_a_note(text, expected):
    [figure] = printed_figures(text)
    assert (figure.value, figure.note) == expected
    assert figure.trust == MISFIT


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("1 234 kWh", [1_234.0]),
        ("Meter 1 234", [1.0, 234.0]),  # meter 1, then 234: a name is never the head of a grouped figure
        ("Meter No. 12 345", [12.0, 345.0]),
        ("450 365 days", [450.0, 365.0]),  # a count's digits are never a group of the figure before them
        ("3,100  450", [3_100.0, 450.0]),  # two spaces: two figures
        ("3,100 450", [3_100.0, 450.0]),  # only a plain 1-3 digit head takes groups
        ("2025 38 450 units", [2_025.0, 38_450.0]),  # a four-digit head is a figure of its own
        ("38 4500", [38.0, 4_500.0]),  # the second is no group of three
        ("38 450.5 kWh", [38_450.5]),  # a decimal part ends the figure
        ("38 450.5 100", [38_450.5, 100.0]),
        ("15/01 3,100", [3_100.0]),  # digits beside a slash are part of a date or a fraction
        ("kWh3,100", []),  # glued to a word: not a figure
    ],
)
def test_near_misses_stay_apart(text, values):
    assert [f.value for f in printed_figures(text)] == values


def test_identifiers_are_marked():
    found = printed_figures("Consumer No: 60012345678 Meter #: 9981 Units 3,100")
    assert [(f.value, f.identifier) for f in found] == [(60_012_345_678.0, True), (9_981.0, True), (3_100.0, False)]


def test_positions_point_at_the_printed_figure():
    text = "Units: 38\u2009450 kWh"
    [figure] = printed_figures(text)
    assert text[figure.start : figure.end] == figure.printed == "38\u2009450"
