"""How a maturity criterion is scored and what it keeps as evidence.

A criterion scores 0, 0.5 or 1 with its evidence. A warehouse criterion measures figures as of a
date (nothing after that day counts) and grades them against its threshold in `[maturity]` or
`[kpi_targets]`: 1 at the threshold, 0.5 from half of it (for a time: up to twice it), else 0, so
a better figure never scores lower.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import duckdb
import pandas as pd

from analysis.period import Period
from socialpulse.config import Settings

STAGES = (
    (1, "Planning", "Listen to learn"),
    (2, "Presence", "Stake our claim"),
    (3, "Engagement", "Dialogue deepens relationships"),
    (4, "Formalized", "Organized for scale"),
    (5, "Strategic", "Becoming a social business"),
    (6, "Converged", "Business is social"),
)
STAGE_NUMBER = {name.lower(): number for number, name, _ in STAGES}
POSTING_WEEKS = 12
NOT_ANALYSED = "not computed for this period yet: run `pulse analyze`"

Measure = Callable[[duckdb.DuckDBPyConnection, Settings, date], dict]


@dataclass(frozen=True)
class Criterion:
    id: str
    description: str
    source: str  # 'warehouse' or 'questionnaire'
    measure: Measure | None = None
    question: str | None = None

    @property
    def stage(self) -> int:
        return STAGE_NUMBER[self.id.split(".", 1)[0]]


def grade(value: float | None, target: float) -> float:
    """1 at or above the target, 0.5 from half of it, 0 below that or without a figure."""
    if value is None or pd.isna(value):
        return 0.0
    if value >= target:
        return 1.0
    return 0.5 if value >= target / 2 else 0.0


def grade_time(minutes: float | None, target: float) -> float:
    """For a delay, where less is better: 1 within the target, 0.5 within twice it."""
    if minutes is None or pd.isna(minutes):
        return 0.0
    if minutes <= target:
        return 1.0
    return 0.5 if minutes <= 2 * target else 0.0


def _plain(value):
    if value is None or (not isinstance(value, list | str) and pd.isna(value)):
        return None
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, bool | str):
        return value
    if float(value).is_integer() and not isinstance(value, float):
        return int(value)
    return round(float(value), 1)


def evidence(score: float, period: Period | None, note: str | None = None, **numbers) -> dict:
    """The stored shape: the score, the figures behind it, the period they cover."""
    result = {
        "score": score,
        "numbers": {name: _plain(value) for name, value in numbers.items()},
        "period": None
        if period is None
        else {"start": period.start.isoformat(), "end": period.end.isoformat()},
    }
    if note:
        result["note"] = note
    return result


def window(as_of: date, days: int) -> Period:
    return Period(as_of - timedelta(days=days - 1), as_of)


def full_month(as_of: date) -> Period:
    """The last calendar month that ended on or before ``as_of``."""
    end = (as_of + timedelta(days=1)).replace(day=1) - timedelta(days=1)
    return Period(end.replace(day=1), end)


def percent(part, whole) -> float | None:
    return 100.0 * part / whole if whole else None
