"""Change against the previous period, as a headline figure's delta says it.

Every headline figure compares the chosen dates with the period of the same length just before
them (``Filters.previous``), and, where the data reaches that far back, with the same dates a
year earlier (``Filters.year_before``, said in one line under the figures); with nothing to
compare with there is no delta rather than a made-up one.
"""

from __future__ import annotations

import pandas as pd


def percent(now: float | None, before: float | None) -> str | None:
    """'+12%' of a count against the previous period's; None when there was nothing before."""
    if now is None or before is None or pd.isna(now) or pd.isna(before) or before == 0:
        return None
    return f"{(now - before) / before:+.0%}"


def points(now: float | None, before: float | None, unit: str = " pts") -> str | None:
    """'+2.1 pts' of a rate against the previous period's; None when either is unknown."""
    if now is None or before is None or pd.isna(now) or pd.isna(before):
        return None
    return f"{now - before:+.1f}{unit}"


def count(now: int | None, before: int | None) -> str | None:
    """'+2' of a number of things (alerts) against the previous period's."""
    if now is None or before is None:
        return None
    return f"{now - before:+,}"


def against(days: int) -> str:
    """What a delta is measured against, for the figure's help."""
    span = "the day" if days == 1 else f"the {days:,} days"
    return f"The change is against {span} before the chosen dates."


def year_on_year(changes: dict[str, str | None], reaches: bool) -> str | None:
    """'Against the same dates last year: mentions +12%, net sentiment -4.0 pts.'; None when the
    data does not reach a year back or nothing compares."""
    said = [f"{label} {delta}" for label, delta in changes.items() if delta]
    if not reaches or not said:
        return None
    return "Against the same dates last year: " + ", ".join(said) + "."
