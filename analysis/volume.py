"""Mention volume: how many brand mentions arrived, per day and platform."""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pandas as pd

from analysis.period import Period
from socialpulse.access import visible_post_filter


def brand_filter(brands: Sequence[str] | None) -> tuple[str, list]:
    """A SQL condition on ``brand_matches m`` for the chosen brands (all when none given)."""
    if not brands:
        return "TRUE", []
    return f"m.brand IN ({', '.join('?' for _ in brands)})", list(brands)


def mentions_per_day(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    brands: Sequence[str] | None = None,
    *,
    role: str | None = None,
) -> pd.DataFrame:
    """Distinct mentions per day and platform; a post naming two chosen brands counts once.
    Only posts ``role`` may see count."""
    condition, params = brand_filter(brands)
    visible_sql, visible_params = visible_post_filter(role)
    return con.execute(
        f"""
        SELECT date_trunc('day', p.created_at)::DATE AS day, p.platform,
               count(DISTINCT p.post_id) AS mentions
        FROM posts p JOIN brand_matches m USING (post_id)
        WHERE p.created_at >= ? AND p.created_at < ? AND {condition} AND {visible_sql}
        GROUP BY ALL ORDER BY day, p.platform
        """,
        [period.since, period.until, *params, *visible_params],
    ).df()


def data_range(con: duckdb.DuckDBPyConnection) -> tuple | None:
    """First and last day with any post, or None for an empty warehouse."""
    first, last = con.execute(
        "SELECT min(created_at)::DATE, max(created_at)::DATE FROM posts"
    ).fetchall()[0]
    return None if first is None else (first, last)


def known_brands(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Brands with at least one match, own brands first."""
    return con.execute(
        "SELECT brand, bool_or(is_competitor) AS is_competitor FROM brand_matches "
        "GROUP BY brand ORDER BY is_competitor, brand"
    ).df()


def platform_filter(platforms: Sequence[str] | None, column: str = "platform") -> tuple[str, list]:
    """A SQL condition on ``column`` for the chosen platforms (all when none given)."""
    if not platforms:
        return "TRUE", []
    return f"{column} IN ({', '.join('?' for _ in platforms)})", list(platforms)


def rollup_coverage(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Which brands and platforms the daily roll-up holds, and from when to when.

    Read from ``brand_daily`` (a few thousand rows a year) so that filling the dashboard's brand
    and platform filters never scans the mentions.
    """
    return con.execute(
        """
        SELECT brand, bool_or(is_competitor) AS is_competitor, platform,
               min(day) AS first_day, max(day) AS last_day, sum(mentions)::BIGINT AS mentions
        FROM brand_daily GROUP BY brand, platform
        ORDER BY is_competitor, brand, platform
        """
    ).df()


def daily_mentions(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    brands: Sequence[str] | None = None,
    platforms: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Mentions and their sentiment counts per day, brand and platform, from ``brand_daily``.

    A post naming two brands counts once for each, as share of voice counts it.
    """
    brands_sql, brand_params = brand_filter(brands)
    platforms_sql, platform_params = platform_filter(platforms)
    return con.execute(
        f"""
        SELECT day, brand, is_competitor, platform, mentions, positive, neutral, negative
        FROM brand_daily m
        WHERE day BETWEEN ? AND ? AND {brands_sql} AND {platforms_sql}
        ORDER BY day, brand, platform
        """,
        [period.start, period.end, *brand_params, *platform_params],
    ).df()


def data_freshness(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Per source, its last collection run and its last successful one; plus a row 'analysis'
    with the last `pulse analyze` roll-up, since pages show what that step stored."""
    return con.execute(
        """
        SELECT source, arg_max(status, started_at) AS status,
               max(coalesce(finished_at, started_at)) AS last_run_at,
               max(finished_at) FILTER (status IN ('ok', 'partial')) AS last_success_at,
               arg_max(items_inserted, started_at) AS items_inserted,
               arg_max(error, started_at) AS error
        FROM collection_runs GROUP BY source
        UNION ALL
        SELECT 'analysis', 'ok', max(updated_at), max(updated_at), NULL, NULL
        FROM collector_state WHERE collector = 'analyze'
        HAVING count(*) > 0
        ORDER BY source
        """
    ).df()
