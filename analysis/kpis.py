"""The executive KPI table: each headline figure against its configured target.

Every row keeps the figure's numerator and denominator so an executive can ask "out of what?",
and a KPI with no data in the period says so rather than showing zero.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from analysis.participation import interactive_users, reply_rate, stickiness
from analysis.period import Period
from analysis.push_pull import check_in_answer_rates, check_in_totals
from analysis.share_of_voice import brand_summary
from socialpulse.config import KpiTargets

LATEST_MONTH_INTERACTIVE = "Interactive users, latest month"
MONTHLY_STICKINESS = "Stickiness (DAU/MAU), monthly"


def _row(kpi: str, figure: dict, target: float, definition: str) -> dict:
    value = figure.get("value")
    return {
        "kpi": kpi,
        "value": None if value is None else round(float(value), 1),
        "target": target,
        "met": None if value is None else bool(value >= target),
        "numerator": figure.get("numerator"),
        "denominator": figure.get("denominator"),
        "definition": definition,
    }


def _listening_rows(brands: pd.DataFrame, targets: KpiTargets) -> list[dict]:
    """Share of voice and net sentiment of the own brands, from one row per brand with its
    mentions, scored, positive and negative counts and ``is_competitor``."""
    own = brands[~brands["is_competitor"].astype(bool)] if len(brands) else brands
    own_mentions, all_mentions = int(own["mentions"].sum()), int(brands["mentions"].sum())
    own_scored = int(own["scored"].sum())
    own_net = int(own["positive"].sum() - own["negative"].sum())
    return [
        _row(
            "Share of voice",
            {
                "numerator": own_mentions,
                "denominator": all_mentions,
                "value": 100.0 * own_mentions / all_mentions if all_mentions else None,
            },
            targets.share_of_voice,
            "own-brand mentions / brand + competitor mentions x 100",
        ),
        _row(
            "Net sentiment",
            {
                "numerator": own_net,
                "denominator": own_scored,
                "value": 100.0 * own_net / own_scored if own_scored else None,
            },
            targets.net_sentiment,
            "(positive - negative) / scored own-brand mentions x 100",
        ),
    ]


def kpi_scorecard(
    con: duckdb.DuckDBPyConnection, period: Period, targets: KpiTargets
) -> pd.DataFrame:
    """One row per KPI: value (%), target (%), met, numerator, denominator, definition."""
    check_ins = check_in_answer_rates(con, period)
    rows = [
        *_listening_rows(brand_summary(con, period), targets),
        _row(
            "Interactive users",
            interactive_users(con, period),
            targets.interactive_users,
            "employees with a post, reply, reaction or mention / directory x 100",
        ),
        _row(
            "Stickiness (DAU/MAU)",
            stickiness(con, period),
            targets.stickiness,
            "mean daily active / active in the last 28 days x 100",
        ),
        _row(
            "Internal reply rate",
            reply_rate(con, period),
            targets.reply_rate,
            "threads with a reply / threads x 100",
        ),
        _row(
            "Check-in answer rate",
            {
                "numerator": int(check_ins["answered"].sum()),
                "denominator": int(check_ins["audience"].sum()),
                "value": (
                    100.0 * check_ins["answered"].sum() / check_ins["audience"].sum()
                    if len(check_ins)
                    else None
                ),
            },
            targets.check_in_answer_rate,
            "audience members who answered / audience x 100",
        ),
    ]
    return pd.DataFrame(rows)


# A KPI within this many points below its target is "near" (amber), not "missed" (red).
NEAR_POINTS = 5.0
STATUSES = ("met", "near", "missed")


def kpi_status(value: float | None, target: float) -> str | None:
    """Traffic light of one KPI: met (at or above target), near (less than ``NEAR_POINTS``
    points below), missed; None without data, so an empty period is never shown as red."""
    if value is None or pd.isna(value):
        return None
    if value >= target:
        return "met"
    return "near" if value >= target - NEAR_POINTS else "missed"


_STORED_INTERNAL = """
    SELECT metric, period_start, numerator, denominator, value FROM internal_metrics
    WHERE grain = 'month' AND segment_type = 'all'
      AND metric IN ('interactive_users', 'stickiness', 'reply_rate')
      AND period_start BETWEEN date_trunc('month', ?::DATE) AND ?::DATE
    ORDER BY metric, period_start
"""


def _pooled(rows: pd.DataFrame) -> dict:
    numerator, denominator = rows["numerator"].sum(), rows["denominator"].sum()
    return {
        "numerator": round(float(numerator), 2),
        "denominator": round(float(denominator), 2),
        "value": 100.0 * numerator / denominator if len(rows) and denominator else None,
    }


def _latest(rows: pd.DataFrame) -> dict:
    if rows.empty:
        return {"numerator": None, "denominator": None, "value": None}
    last = rows.iloc[-1]
    return {
        "numerator": last["numerator"],
        "denominator": last["denominator"],
        "value": last["value"],
    }


def kpi_scorecard_from_rollups(
    con: duckdb.DuckDBPyConnection, period: Period, targets: KpiTargets
) -> pd.DataFrame:
    """``kpi_scorecard`` read from what `pulse analyze` stored, never from posts: share of voice
    and net sentiment from ``brand_daily`` (every platform), the internal KPIs from the monthly
    ``internal_metrics`` of the months overlapping the period (interactive users: the latest of
    them, since people are not additive across months; stickiness and reply rate: numerators and
    denominators pooled), the check-in answer rate from ``push_pull``. Adds ``status``
    (met / near / missed, see ``kpi_status``)."""
    from analysis.share_of_voice import share_of_voice

    internal = con.execute(_STORED_INTERNAL, [period.start, period.end]).df()
    by_metric = {
        m: internal[internal["metric"] == m]
        for m in ("interactive_users", "stickiness", "reply_rate")
    }
    _, answered, audience = check_in_totals(con, period)
    rows = [
        *_listening_rows(share_of_voice(con, period), targets),
        # Labelled with their time scope: the Internal engagement page's "Interactive users"
        # and "Stickiness" are over the chosen dates, these are monthly.
        _row(
            LATEST_MONTH_INTERACTIVE,
            _latest(by_metric["interactive_users"]),
            targets.interactive_users,
            "employees with a post, reply, reaction or mention / "
            "directory x 100, in the latest month of the period",
        ),
        _row(
            MONTHLY_STICKINESS,
            _pooled(by_metric["stickiness"]),
            targets.stickiness,
            "mean daily active / monthly active x 100, months of the period pooled",
        ),
        _row(
            "Internal reply rate",
            _pooled(by_metric["reply_rate"]),
            targets.reply_rate,
            "threads with a reply by someone else / threads x 100, months of the period",
        ),
        _row(
            "Check-in answer rate",
            {
                "numerator": int(answered),
                "denominator": int(audience),
                "value": 100.0 * answered / audience if audience else None,
            },
            targets.check_in_answer_rate,
            "audience members who answered / audience x 100",
        ),
    ]
    frame = pd.DataFrame(rows)
    frame.insert(
        3,
        "status",
        [kpi_status(v, t) for v, t in zip(frame["value"], frame["target"], strict=True)],
    )
    return frame
