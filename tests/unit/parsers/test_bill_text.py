"""The bill text parser on hand-made texts: layouts, number and date forms, day/month order, OCR slips."""

import ast
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from metering.parsers import bill_dates, bill_text
from metering.parsers.bill_text import parse_bill_text

INDIAN = """TATA POWER DELHI DISTRIBUTION LTD
Consumer No: 60012345678          Meter No: DL-4471902
Bill Date: 16-02-2026
Billing Period: 15-01-2026 to 14-02-2026
Billing Days: 31
Previous Reading: 1,20,356
Present Reading: 1,23,456
Units Consumed (kWh): 3,100
Amount Payable: Rs. 27,450.00"""

US = """PACIFIC GAS AND ELECTRIC
Meter Number: 1009876543
Service from 01/15/2026 to 02/13/2026 (30 days)
Total kWh 123,456
Rate per kWh $0.21
Amount due $25,925.76 - pay within 15 days"""


def found(text: str) -> dict:
    parsed = parse_bill_text(text)
    return {name: getattr(parsed, name) for name in bill_text.FIELDS}


def test_indian_layout_with_lakh_separators_and_day_first_dates():
    parsed = parse_bill_text(INDIAN)
    assert found(INDIAN) == {
        "kwh": 3100.0,
        "billing_days": 31,
        "meter_number": "DL-4471902",
        "period_start": date(2026, 1, 15),
        "period_end": date(2026, 2, 14),
    }
    # 0.9 for the strong label, +0.05 because present − previous reading (1,23,456 − 1,20,356) agrees.
    assert parsed.confidence == {
        "kwh": 0.95,
        "billing_days": 0.9,
        "meter_number": 0.9,
        "period_start": 0.9,
        "period_end": 0.9,
    }
    assert parsed.notes == ()


def test_us_layout_with_us_separators_and_month_first_dates():
    parsed = parse_bill_text(US)
    assert found(US) == {
        "kwh": 123_456.0,
        "billing_days": 30,
        "meter_number": "1009876543",
        "period_start": date(2026, 1, 15),
        "period_end": date(2026, 2, 13),
    }
    # "(30 days)" is a weak 0.7, raised to the period's 0.9 because 15 Jan–13 Feb is 30 days.
    assert parsed.confidence["billing_days"] == 0.9
    assert parsed.confidence["kwh"] == 0.9


@pytest.mark.parametrize(
    ("line", "kwh", "confidence"),
    [
        ("Units Consumed: 4,200", 4200.0, 0.9),
        ("Total kWh 4,200", 4200.0, 0.9),
        ("Energy (kWh)   4,200   @ 7.80 = 32,760.00", 4200.0, 0.9),
        ("kWh Used: 4,200.5", 4200.5, 0.9),
        ("Consumption 4,200 kWh", 4200.0, 0.7),
        ("Total consumption: Rs. 9,000 for 4,200 units", 4200.0, 0.9),
        ("Units Consumed (kVAh): 4,200", 4200.0, 0.54),  # apparent energy: 0.9 × 0.6, with a note
    ],
)
def test_consumption_labels(line, kwh, confidence):
    parsed = parse_bill_text(f"Bill\n{line}\n")
    assert (parsed.kwh, parsed.confidence["kwh"]) == (kwh, confidence)


@pytest.mark.parametrize(
    ("printed", "value"),
    [
        ("1,23,456", 123_456.0),  # lakh
        ("12,34,567", 1_234_567.0),  # ten lakh
        ("123,456", 123_456.0),  # US
        ("1,234,567.25", 1_234_567.25),
        ("987654", 987_654.0),
        ("12,3456", 123_456.0),  # neither grouping: read at low confidence, see test_doubtful_groupings_*
    ],
)
def test_number_groupings(printed, value):
    assert parse_bill_text(f"Units Consumed: {printed}").kwh == value


def test_averages_history_and_money_are_not_the_consumption():
    text = """Average daily kWh used: 40
Last month consumption 1,100
Consumption charges Rs. 4,500.00
Consumption 1,240"""
    assert parse_bill_text(text).kwh == 1240.0


def test_value_on_the_line_below_its_label():
    parsed = parse_bill_text("Units Consumed\n3,100\n")
    assert (parsed.kwh, parsed.confidence["kwh"]) == (3100.0, 0.7)


def test_without_a_consumption_line_the_meter_readings_give_it():
    parsed = parse_bill_text("Previous Reading: 4,56,789\nPresent Reading: 5,80,789\n")
    assert (parsed.kwh, parsed.confidence["kwh"]) == (124_000.0, 0.5)
    assert "present minus the previous meter reading" in parsed.notes[0]


def test_disagreeing_consumption_lines_lower_the_confidence():
    parsed = parse_bill_text("Units Consumed: 3,100\nTotal Units: 3,200\n")
    assert (parsed.kwh, parsed.confidence["kwh"]) == (3100.0, 0.63)
    assert "more than one consumption" in parsed.notes[0]


@pytest.mark.parametrize(
    ("period", "start", "end"),
    [
        ("15-01-2026 to 14-02-2026", date(2026, 1, 15), date(2026, 2, 14)),
        ("15/01/2026 - 14/02/2026", date(2026, 1, 15), date(2026, 2, 14)),
        ("15.01.2026 to 14.02.2026", date(2026, 1, 15), date(2026, 2, 14)),
        ("01/15/2026 to 02/13/2026", date(2026, 1, 15), date(2026, 2, 13)),
        ("01 Jan 2026 - 31 Jan 2026", date(2026, 1, 1), date(2026, 1, 31)),
        ("1st January 2026 to 31st January 2026", date(2026, 1, 1), date(2026, 1, 31)),
        ("15-JAN-26 TO 14-FEB-26", date(2026, 1, 15), date(2026, 2, 14)),
        ("Jan 1, 2026 through Jan 31, 2026", date(2026, 1, 1), date(2026, 1, 31)),
        ("Sept 3, 2025 - Oct 2, 2025", date(2025, 9, 3), date(2025, 10, 2)),
        ("2026-01-15 to 2026-02-14", date(2026, 1, 15), date(2026, 2, 14)),
        ("15/01/26 to 14/02/26", date(2026, 1, 15), date(2026, 2, 14)),
        ("01/15/26 - 02/13/26", date(2026, 1, 15), date(2026, 2, 13)),
        ("15 Jan '26 - 14 Feb '26", date(2026, 1, 15), date(2026, 2, 14)),
        # The first date's year comes from the second, or the year before across New Year.
        ("Jan 15 – Feb 13, 2026", date(2026, 1, 15), date(2026, 2, 13)),
        ("Jan 15 - Feb 13, 2026", date(2026, 1, 15), date(2026, 2, 13)),
        ("15 Jan - 13 Feb 2026", date(2026, 1, 15), date(2026, 2, 13)),
        ("16th Dec to 14th Jan 2026", date(2025, 12, 16), date(2026, 1, 14)),
        ("Dec 16 — Jan 14, 2026", date(2025, 12, 16), date(2026, 1, 14)),
    ],
)
def test_date_forms(period, start, end):
    parsed = parse_bill_text(f"Billing period: {period}")
    assert (parsed.period_start, parsed.period_end) == (start, end)
    assert parsed.confidence["period_start"] == 0.9
    assert parsed.billing_days == (end - start).days + 1  # computed, both ends included


@pytest.mark.parametrize("text", ["Billing period: Jan 15", "Due by May 3 or pay 2% more", "Read on 15 Jan"])
def test_a_date_without_a_year_and_no_dated_partner_is_no_date(text):
    parsed = parse_bill_text(text)
    assert (parsed.period_start, parsed.period_end) == (None, None)


@pytest.mark.parametrize(
    ("hint", "start", "end", "confidence", "how"),
    [
        # Another date on the bill can be read one way only (25 is no month): day-first, fully trusted.
        ("Bill date: 25/02/2026", date(2026, 1, 2), date(2026, 2, 3), 0.9, "dates"),
        ("Due date: 02/25/2026", date(2026, 2, 1), date(2026, 3, 2), 0.9, "dates"),
        # Country hints: 0.9 × 0.85.
        ("Amount: Rs. 4,500", date(2026, 1, 2), date(2026, 2, 3), 0.765, "country hints"),
        ("Amount: ₹ 4,500", date(2026, 1, 2), date(2026, 2, 3), 0.765, "country hints"),
        ("Demand 120 kVAh", date(2026, 1, 2), date(2026, 2, 3), 0.765, "country hints"),
        ("Total 1,00,000 units", date(2026, 1, 2), date(2026, 2, 3), 0.765, "country hints"),
        ("Amount: $4,500", date(2026, 2, 1), date(2026, 3, 2), 0.765, "country hints"),
        # Nothing settles it: day-first, at half trust.
        ("", date(2026, 1, 2), date(2026, 2, 3), 0.45, "default"),
    ],
)
def test_the_day_month_order_of_ambiguous_dates(hint, start, end, confidence, how):
    parsed = parse_bill_text(f"{hint}\nBilling period: 02/01/2026 to 03/02/2026")
    assert (parsed.period_start, parsed.period_end) == (start, end)
    assert parsed.confidence["period_start"] == confidence
    assert f"({how})" in parsed.notes[-1]


def test_only_one_order_giving_a_sensible_period_settles_it():
    # 05/01 → 04/02: day-first 5 Jan–4 Feb (31 days); month-first would end (2 Apr) before it starts (1 May).
    parsed = parse_bill_text("Period 05/01/2026 - 04/02/2026")
    assert (parsed.period_start, parsed.period_end) == (date(2026, 1, 5), date(2026, 2, 4))
    assert parsed.confidence["period_start"] == pytest.approx(0.63)  # 0.9 × 0.7
    # 03/01 → 04/01 reads either way; a printed 32 days matches only month-first (1 Mar–1 Apr).
    parsed = parse_bill_text("Period 03/01/2026 - 04/01/2026\nNo. of days: 32")
    assert (parsed.period_start, parsed.period_end) == (date(2026, 3, 1), date(2026, 4, 1))


def test_a_period_printed_twice_agrees_with_itself():
    parsed = parse_bill_text("Billing period: 15-01-2026 to 14-02-2026\nSummary for 15-01-2026 to 14-02-2026")
    assert (parsed.period_start, parsed.confidence["period_start"], parsed.notes) == (date(2026, 1, 15), 0.9, ())


def test_printed_billing_days_are_checked_against_the_period():
    period = "Billing period: 15-01-2026 to 14-02-2026\n"  # 31 days, both ends included
    agrees = parse_bill_text(period + "Billing days: 31")
    assert (agrees.billing_days, agrees.confidence["billing_days"]) == (31, 0.9)
    reading_to_reading = parse_bill_text(period + "Billing days: 30")
    assert (reading_to_reading.billing_days, reading_to_reading.notes) == (30, ())
    disagrees = parse_bill_text(period + "Billing days: 45")
    assert disagrees.billing_days == 45
    assert disagrees.confidence["billing_days"] == 0.45 and disagrees.confidence["period_start"] == 0.63
    assert disagrees.notes == ("The bill says 45 days but its period covers 31 days.",)


def test_days_that_are_not_billing_days_are_ignored():
    parsed = parse_bill_text("Pay within 15 days to avoid a late fee\nUnits Consumed: 100")
    assert parsed.billing_days is None


def test_from_and_to_on_lines_of_their_own():
    parsed = parse_bill_text("From: 01-03-2026\nTo: 31-03-2026\nUnits Consumed: 10")
    assert (parsed.period_start, parsed.period_end, parsed.billing_days) == (date(2026, 3, 1), date(2026, 3, 31), 31)
    assert parsed.confidence["period_start"] == 0.75


def test_ocr_confusions_inside_numbers_are_repaired_with_less_confidence():
    parsed = parse_bill_text("Billing period: l5-0l-2026 to 14-02-2026\nUnits Consumed: 3,1OO\nS/O Ramesh Kumar")
    assert (parsed.kwh, parsed.confidence["kwh"]) == (3100.0, 0.765)  # 0.9 × 0.85
    assert parsed.period_start == date(2026, 1, 15)
    assert parsed.confidence["period_start"] == 0.765
    assert bill_text.repair_digits("S/O Ramesh, IS 2O26 S1 1O5O") == ("S/O Ramesh, IS 2026 S1 1050", {"2026", "1050"})


@pytest.mark.parametrize(
    ("line", "number"),
    [
        ("Meter No.: 12345678", "12345678"),
        ("Meter Number 1009876543 Multiplying Factor 1", "1009876543"),
        ("Meter Serial No: ABC-778", "ABC-778"),
        ("Meter #: 9981", "9981"),
        ("METER ID X77-0042", "X77-0042"),
        ("Meter No: MTR-S1234", "MTR-S1234"),  # never "repaired": meter numbers carry letters
    ],
)
def test_meter_numbers(line, number):
    parsed = parse_bill_text(line)
    assert (parsed.meter_number, parsed.confidence["meter_number"]) == (number, 0.9)


def test_text_without_a_bill_finds_nothing():
    parsed = parse_bill_text("Dear customer, thank you.\n\n@@ ## 12 ab")
    assert found("") == dict.fromkeys(bill_text.FIELDS)
    assert parsed.confidence == dict.fromkeys(bill_text.FIELDS, 0.0)


def test_an_endless_digit_run_is_noise_not_kwh():
    assert parse_bill_text("Units Consumed: " + "9" * 400).kwh is None


BILLISH = st.text(alphabet="0123456789/-.,:() \nOolISRs$₹kWhVAJanFebSeptDaysPeriodtoMeterNo#", max_size=400)


@given(BILLISH)
def test_any_text_gives_an_answer_never_an_error(text):
    parsed = parse_bill_text(text)
    assert set(parsed.confidence) == set(bill_text.FIELDS)
    assert all(0.0 <= value <= 1.0 for value in parsed.confidence.values())
    assert parsed.kwh is None or 0 <= parsed.kwh < bill_text.MAX_NUMBER
    if parsed.period_start is not None:
        assert parsed.period_start <= parsed.period_end


def test_the_parsers_import_nothing_from_django():
    for module in (bill_text, bill_dates):
        tree = ast.parse(Path(module.__file__).read_text())
        imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names} | {
            node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
        }
        assert not any(name.startswith("django") for name in imported)
