"""The executive KPI table: each headline figure against its configured target.

Every row keeps the figure's numerator and denominator so an executive can ask "out of what?",
and a KPI with no data in the period says so rather than showing zero.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from analysis.participation import interactive_users, reply_rate, stickiness
from analysis.period import Period
from analysis.push_pull import check_in_answer_rates
from analysis.share_of_voice import brand_summary
from socialpulse.config import KpiTargets


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


def kpi_scorecard(
    con: duckdb.DuckDBPyConnection, period: Period, targets: KpiTargets
) -> pd.DataFrame:
    """One row per KPI: value (%), target (%), met, numerator, denominator, definition."""
    brands = brand_summary(con, period)
    own = brands[~brands["is_competitor"]]
    own_mentions = int(own["mentions"].sum())
    all_mentions = int(brands["mentions"].sum())
    own_scored = int(own["scored"].sum())
    own_net = int(own["positive"].sum() - own["negative"].sum())
    check_ins = check_in_answer_rates(con, period)
    rows = [
        _row("Share of voice",
             {"numerator": own_mentions, "denominator": all_mentions,
              "value": 100.0 * own_mentions / all_mentions if all_mentions else None},
             targets.share_of_voice, "own-brand mentions / brand + competitor mentions x 100"),
        _row("Net sentiment",
             {"numerator": own_net, "denominator": own_scored,
              "value": 100.0 * own_net / own_scored if own_scored else None},
             targets.net_sentiment, "(positive - negative) / scored own-brand mentions x 100"),
        _row("Interactive users", interactive_users(con, period), targets.interactive_users,
             "employees with a post, reply, reaction or mention / directory x 100"),
        _row("Stickiness (DAU/MAU)", stickiness(con, period), targets.stickiness,
             "mean daily active / active in the last 28 days x 100"),
        _row("Internal reply rate", reply_rate(con, period), targets.reply_rate,
             "threads with a reply / threads x 100"),
        _row("Check-in answer rate",
             {"numerator": int(check_ins["answered"].sum()),
              "denominator": int(check_ins["audience"].sum()),
              "value": (100.0 * check_ins["answered"].sum() / check_ins["audience"].sum()
                        if len(check_ins) else None)},
             targets.check_in_answer_rate, "audience members who answered / audience x 100"),
    ]
    return pd.DataFrame(rows)
