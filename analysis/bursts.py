"""Bursts on the daily chart: every day a brand's mentions broke from its own recent days, with
what they were about, so no peak on the chart is left unexplained.

The spike scan raises alerts on hourly counts and leaves out reposts (one viral post should not
page anyone), so a day of reposts can tower over a launch on the chart with no alert. Bursts use
the alert settings' score on the counts the chart draws: a day's mentions against the mean of the
brand's previous ``baseline_days`` days (a day without mentions counts as zero), the same
Poisson score, ``min_count`` and ``min_ratio``, from the first day with a whole baseline behind
it; the highest day of each run of burst days (within
three days) stands for the run. Its top terms come from the posts of that day, reposts included,
through the alerts' own evidence query. `pulse analyze` stores them (``refresh_bursts``) so
a page reads them, like every other figure, from a table.
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
from socialpulse.warehouse.loader import transaction

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
    return _with_terms(con, _detect(con, period, config, brands, platforms))


def _detect(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    config: Alerts,
    brands: Sequence[str] | None = None,
    platforms: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The bursts by their counts alone (no terms): the roll-up only, milliseconds."""
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
    return found


def _with_terms(con: duckdb.DuckDBPyConnection, found: pd.DataFrame) -> pd.DataFrame:
    """The bursts with the top terms of their day's posts (these read texts)."""
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


def refresh_bursts(
    con: duckdb.DuckDBPyConnection, config: Alerts, now: pd.Timestamp | None = None
) -> int:
    """Store every burst of the history in ``brand_bursts`` for the chart; return how many.

    Finding them reads the daily roll-up only (a few thousand rows a year), so all history is
    judged again each run; the terms, which read posts, are read only for a burst that is new
    or whose count changed since it was stored.
    """
    first, last = con.execute("SELECT min(day), max(day) FROM brand_daily").fetchall()[0]
    found = _detect(con, Period(first, last), config) if first is not None else pd.DataFrame()
    stored = con.execute("SELECT brand, day, mentions, top_terms FROM brand_bursts").df()
    if not found.empty:
        found["day"] = pd.to_datetime(found["day"])
        stored["day"] = pd.to_datetime(stored["day"])
        known = found.merge(stored, on=["brand", "day", "mentions"], how="left")
        fresh = known["top_terms"].isna()
        described = _with_terms(con, found[fresh.to_numpy()])
        found = pd.concat([known[~fresh], described], ignore_index=True)
    stamp = now if now is not None else pd.Timestamp.now(tz="UTC").tz_localize(None)
    rows = found.assign(computed_at=stamp) if not found.empty else found
    with transaction(con):
        con.execute("DELETE FROM brand_bursts")
        if not rows.empty:
            con.register("_bursts", rows)
            con.execute(
                "INSERT INTO brand_bursts SELECT brand, day::DATE, mentions, expected, score, "
                "top_terms, computed_at FROM _bursts"
            )
            con.unregister("_bursts")
    return len(rows)


def stored_bursts(
    con: duckdb.DuckDBPyConnection, period: Period, brands: Sequence[str] | None = None
) -> pd.DataFrame:
    """The stored bursts of the period's days, biggest first (what the chart labels)."""
    brands_sql, params = brand_filter(brands)
    return con.execute(
        f"""
        SELECT brand, day, mentions, expected, score, top_terms FROM brand_bursts m
        WHERE day BETWEEN ? AND ? AND {brands_sql}
        ORDER BY mentions DESC, brand, day
        """,
        [period.start, period.end, *params],
    ).df()
