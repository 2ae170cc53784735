"""Mention volume: how many brand mentions arrived, per day and platform."""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pandas as pd

from analysis.period import Period


def brand_filter(brands: Sequence[str] | None) -> tuple[str, list]:
    """A SQL condition on ``brand_matches m`` for the chosen brands (all when none given)."""
    if not brands:
        return "TRUE", []
    return f"m.brand IN ({', '.join('?' for _ in brands)})", list(brands)


def mentions_per_day(
    con: duckdb.DuckDBPyConnection, period: Period, brands: Sequence[str] | None = None
) -> pd.DataFrame:
    """Distinct mentions per day and platform; a post naming two chosen brands counts once."""
    condition, params = brand_filter(brands)
    return con.execute(
        f"""
        SELECT date_trunc('day', p.created_at)::DATE AS day, p.platform,
               count(DISTINCT p.post_id) AS mentions
        FROM posts p JOIN brand_matches m USING (post_id)
        WHERE p.created_at >= ? AND p.created_at < ? AND {condition}
        GROUP BY ALL ORDER BY day, p.platform
        """,
        [period.since, period.until, *params],
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
