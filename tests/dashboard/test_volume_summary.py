"""The sentence under Mentions over time speaks of the chosen period and the one before it."""

from datetime import date

import pandas as pd

from analysis.period import Period
from dashboard.components.listening import volume_summary

NONE = pd.DataFrame(columns=["kind"])


def days(start: str, mentions: list[int], negative: int = 0) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "day": pd.date_range(start, periods=len(mentions)),
            "brand": "Northwind",
            "mentions": mentions,
            "positive": 0,
            "neutral": [m - negative for m in mentions],
            "negative": negative,
        }
    )


def test_a_year_is_compared_with_the_year_before_not_week_on_week():
    year = Period(date(2026, 1, 1), date(2026, 12, 31))
    now, before = days("2026-01-01", [2] * 365, negative=1), days("2025-01-01", [1] * 365)

    said = volume_summary(now, before, NONE, "Northwind", year)

    assert said == (
        "Mentions of Northwind rose 100% on the previous 365 days (730 against 365); 50% negative."
    )


def test_a_period_with_nothing_before_it_says_so():
    week = Period(date(2026, 3, 1), date(2026, 3, 7))

    said = volume_summary(
        days("2026-03-01", [3] * 7), days("2026-02-22", []), NONE, "Northwind", week
    )

    assert (
        said
        == "Mentions of Northwind: 21 in the period and none in the previous 7 days; 0% negative."
    )


def test_one_day_is_compared_with_the_day_before():
    day = Period(date(2026, 3, 2), date(2026, 3, 2))

    said = volume_summary(days("2026-03-02", [9]), days("2026-03-01", [10]), NONE, "Northwind", day)

    assert said.startswith("Mentions of Northwind fell 10% on the day before (9 against 10)")
