"""Calendar days of a monthly Period, read off its year and month: pandas' start_time/end_time cost tens of
microseconds each, which adds up over months × rules on every MRV run."""

from datetime import date

import pandas as pd


def first_day(month: pd.Period) -> date:
    return date(month.year, month.month, 1)


def last_day(month: pd.Period) -> date:
    return date(month.year, month.month, month.days_in_month)
