"""The dashboard's comparison line under "this year vs last" (portal.selectors.years_to_date): only calendar months
metered in both years count, and the change is the later year's kWh against the earlier's; values worked by hand."""

from portal.selectors import years_to_date

EMPTY = [None] * 9


def test_only_months_metered_in_both_years_are_compared():
    # January is in both (100 → 90), February only in 2024, March only in 2025: one month, -10 %.
    years = {"2024": [100.0, 200.0, None, *EMPTY], "2025": [90.0, None, 300.0, *EMPTY]}
    assert years_to_date(years) == {
        "months": 1,
        "earlier": "2024",
        "earlier_kwh": 100.0,
        "later": "2025",
        "later_kwh": 90.0,
        "change_pct": -10.0,
    }


def test_several_shared_months_are_summed_before_the_change():
    # January and February in both: 120 + 130 = 250 kWh against 100 + 100 = 200 kWh, +25 %; December only in 2025.
    years = {"2024": [100.0, 100.0, *EMPTY, None], "2025": [120.0, 130.0, *EMPTY, 50.0]}
    result = years_to_date(years)
    assert (result["months"], result["earlier_kwh"], result["later_kwh"]) == (2, 200.0, 250.0)
    assert result["change_pct"] == 25.0


def test_a_zero_earlier_year_has_no_percentage_and_no_shared_month_no_line():
    assert years_to_date({"2024": [0.0, None, None, *EMPTY], "2025": [5.0, None, None, *EMPTY]})["change_pct"] is None
    assert years_to_date({"2024": [1.0, None, None, *EMPTY], "2025": [None, 2.0, None, *EMPTY]}) is None
