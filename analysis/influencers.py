"""Who carries the conversation about a brand, and where it happens."""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pandas as pd

from analysis.period import Period
from analysis.volume import brand_filter, platform_filter
from socialpulse.access import visible_post_filter


def influencers(con: duckdb.DuckDBPyConnection, period: Period, brand: str,
                limit: int = 20, *, role: str | None = None) -> pd.DataFrame:
    """External authors ranked by reach (followers) and the engagement their mentions of
    ``brand`` earned, with their net sentiment and their last mention (posts ``role`` sees)."""
    visible_sql, visible_params = visible_post_filter(role)
    return con.execute(
        f"""
        WITH latest AS (
            SELECT post_id, likes, shares, replies, quotes FROM engagement_snapshots
            QUALIFY row_number() OVER (PARTITION BY post_id ORDER BY taken_at DESC) = 1
        )
        SELECT * FROM (
        SELECT a.author_id, a.handle, a.platform, a.followers,
               count(*) AS mentions,
               sum(coalesce(l.likes, 0) + coalesce(l.shares, 0) + coalesce(l.replies, 0)
                   + coalesce(l.quotes, 0)) AS engagements,
               round(100.0 * (count(*) FILTER (s.label = 'positive')
                              - count(*) FILTER (s.label = 'negative')) / count(*), 1)
                   AS net_sentiment,
               max(p.created_at) AS last_mention_at,
               arg_max(p.text, p.created_at) AS last_mention
        FROM brand_matches m JOIN posts p USING (post_id)
        JOIN authors a ON a.author_id = p.author_id AND a.scope = 'external'
                      AND NOT a.is_owned
        LEFT JOIN latest l ON l.post_id = p.post_id
        LEFT JOIN post_sentiment s ON s.post_id = p.post_id
        WHERE m.brand = ? AND p.created_at >= ? AND p.created_at < ? AND {visible_sql}
        GROUP BY ALL)
        ORDER BY coalesce(followers, 0) + engagements DESC, mentions DESC, author_id
        LIMIT ?
        """,
        [brand, period.since, period.until, *visible_params, limit],
    ).df()


def geo_mentions(con: duckdb.DuckDBPyConnection, period: Period,
                 brands: list[str] | None = None, *, role: str | None = None) -> pd.DataFrame:
    """Mentions per country and city (for a map), with mean coordinates where known."""
    visible_sql, visible_params = visible_post_filter(role)
    chosen = brands or [b for (b,) in con.execute(
        "SELECT DISTINCT brand FROM brand_matches").fetchall()]
    return con.execute(
        f"""
        SELECT p.country, p.city, count(DISTINCT p.post_id) AS mentions,
               avg(p.lat) AS lat, avg(p.lon) AS lon
        FROM brand_matches m JOIN posts p USING (post_id)
        WHERE p.country IS NOT NULL AND list_contains(?, m.brand)
          AND p.created_at >= ? AND p.created_at < ? AND {visible_sql}
        GROUP BY ALL ORDER BY mentions DESC, p.country, p.city
        """,
        [chosen, period.since, period.until, *visible_params],
    ).df()


def top_authors(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    brands: Sequence[str] | None = None,
    platforms: Sequence[str] | None = None,
    limit: int = 20,
    *,
    role: str | None = None,
) -> pd.DataFrame:
    """``influencers`` over several brands and the chosen platforms: external, not owned
    authors ranked by followers + the engagements their mentions earned. Reads the posts of the
    period (their ids, authors and dates, never their text) that ``role`` may see."""
    brands_sql, brand_params = brand_filter(brands)
    platforms_sql, platform_params = platform_filter(platforms, "p.platform")
    visible_sql, visible_params = visible_post_filter(role)
    return con.execute(
        f"""
        WITH mentions AS (
            SELECT p.post_id, p.author_id, p.created_at FROM posts p
            WHERE p.created_at >= ? AND p.created_at < ? AND {platforms_sql}
              AND p.post_id IN (SELECT m.post_id FROM brand_matches m WHERE {brands_sql})
              AND {visible_sql}
        ),
        latest AS (
            SELECT post_id,
                   arg_max(coalesce(likes, 0) + coalesce(shares, 0) + coalesce(replies, 0)
                           + coalesce(quotes, 0), taken_at) AS engagements
            FROM engagement_snapshots WHERE post_id IN (SELECT post_id FROM mentions)
            GROUP BY post_id
        )
        SELECT * FROM (
        SELECT a.author_id, a.handle, a.platform, a.followers, count(*) AS mentions,
               coalesce(sum(l.engagements), 0)::BIGINT AS engagements,
               round(100.0 * (count(*) FILTER (s.label = 'positive')
                              - count(*) FILTER (s.label = 'negative'))
                     / nullif(count(*) FILTER (s.label IN ('positive', 'neutral', 'negative')),
                              0), 1) AS net_sentiment,
               max(mn.created_at) AS last_mention_at
        FROM mentions mn
        JOIN authors a ON a.author_id = mn.author_id AND a.scope = 'external' AND NOT a.is_owned
        LEFT JOIN latest l ON l.post_id = mn.post_id
        LEFT JOIN post_sentiment s ON s.post_id = mn.post_id
        GROUP BY ALL)
        ORDER BY coalesce(followers, 0) + engagements DESC, mentions DESC, author_id
        LIMIT ?
        """,
        [period.since, period.until, *platform_params, *brand_params, *visible_params, limit],
    ).df()


def mentions_by_place(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    brands: Sequence[str] | None = None,
    platforms: Sequence[str] | None = None,
    *,
    role: str | None = None,
) -> pd.DataFrame:
    """``geo_mentions`` on the chosen platforms, with the negative share of each place: mentions
    per country and city where the source gave a place, and its mean coordinates."""
    brands_sql, brand_params = brand_filter(brands)
    platforms_sql, platform_params = platform_filter(platforms, "p.platform")
    visible_sql, visible_params = visible_post_filter(role)
    return con.execute(
        f"""
        SELECT p.country, p.city, count(*) AS mentions,
               count(*) FILTER (s.label = 'negative') AS negative,
               round(avg(p.lat), 4) AS lat, round(avg(p.lon), 4) AS lon
        FROM posts p
        LEFT JOIN post_sentiment s ON s.post_id = p.post_id
        WHERE p.created_at >= ? AND p.created_at < ? AND p.country IS NOT NULL
          AND {platforms_sql}
          AND p.post_id IN (SELECT m.post_id FROM brand_matches m WHERE {brands_sql})
          AND {visible_sql}
        GROUP BY ALL ORDER BY mentions DESC, p.country, p.city
        """,
        [period.since, period.until, *platform_params, *brand_params, *visible_params],
    ).df()
