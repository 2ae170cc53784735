"""Bursts on the daily chart: every day a brand's mentions broke from its own recent days, with
what they were about, so no peak on the chart is left unexplained.

The spike scan raises alerts on hourly counts and leaves out reposts (one viral post should not
page anyone), so a day of reposts can tower over a launch on the chart with no alert. Bursts use
the alert settings' score on the counts the chart draws: a day's mentions against the mean of the
brand's previous ``baseline_days`` days (a day without mentions counts as zero), the same
Poisson score, ``min_count`` and ``min_ratio``, from the first day with a whole baseline behind
it; the highest day of each run of burst days (within
three days) stands for the run. Its top terms come from the posts of that day, reposts included,
through the alerts' own evidence query.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import duckdb
import pandas as pd

from analysis.alert_evidence import add_evidence
from analysis.period import Period
from analysis.volume import brand_filter, platform_filter
from socialpulse.config import Alerts

RUN_DAYS = 3  # burst days this close are one burst, labelled once


def daily_bursts(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    config: Alerts,
    brands: Sequence[str] | None = None,
    platforms: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The period's bursts: ``brand``, ``day``, ``mentions``, ``expected``, ``score`` and
    ``top_terms``, biggest first."""
    brands_sql, brand_params = brand_filter(brands)
    platforms_sql, platform_params = platform_filter(platforms)
    found = con.execute(
        f"""
        WITH daily AS (
            SELECT brand, day, sum(mentions) AS mentions FROM brand_daily m
            WHERE day BETWEEN ?::DATE - {config.baseline_days} AND ?
              AND {brands_sql} AND {platforms_sql}
            GROUP BY ALL
        ),
        scored AS (
            SELECT brand, day, mentions,
                   coalesce(sum(mentions) OVER (
                       PARTITION BY brand ORDER BY day
                       RANGE BETWEEN INTERVAL {config.baseline_days} DAYS PRECEDING
                                 AND INTERVAL 1 DAY PRECEDING), 0)
                       / {config.baseline_days} AS expected
            FROM daily
        ),
        bursts AS (
            SELECT *, sqrt(2 * (mentions * ln(mentions / expected) - (mentions - expected)))
                       AS score
            FROM scored
            WHERE day BETWEEN ? AND ? AND expected > 0 AND mentions > expected
              -- a day needs a whole baseline behind it (not the first days of the data)
              AND day >= (SELECT min(day) FROM brand_daily) + {config.baseline_days}
              AND mentions >= ? AND mentions >= ? * expected
        )
        SELECT brand, day, mentions, expected, score FROM bursts
        WHERE score >= ?
        QUALIFY mentions = max(mentions) OVER (
            PARTITION BY brand ORDER BY day
            RANGE BETWEEN INTERVAL {RUN_DAYS} DAYS PRECEDING AND INTERVAL {RUN_DAYS} DAYS FOLLOWING)
        ORDER BY mentions DESC, brand, day
        """,
        [
            period.start,
            period.end,
            *brand_params,
            *platform_params,
            period.start,
            period.end,
            config.min_count,
            config.min_ratio,
            config.threshold,
        ],
    ).df()
    if found.empty:
        return found.assign(top_terms=pd.Series(dtype=object))
    days = pd.to_datetime(found["day"])
    episodes = found.assign(
        episode_key=found["brand"] + "|" + days.dt.strftime("%Y-%m-%d"),
        kind="burst",
        window_start=days,
        window_end=days + timedelta(days=1),
    )
    described = add_evidence(con, episodes, reposts=True)
    return described[["brand", "day", "mentions", "expected", "score", "top_terms"]]
