"""Who carries the conversation about a brand, and where it happens."""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pandas as pd

from analysis.mention_index import CORRECTED_LABEL, indexed_brand_filter
from analysis.period import Period
from analysis.volume import platform_filter
from socialpulse.access import visible_post_filter


def influencers(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    brand: str,
    limit: int = 20,
    *,
    role: str | None = None,
) -> pd.DataFrame:
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


def geo_mentions(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    brands: list[str] | None = None,
    *,
    role: str | None = None,
) -> pd.DataFrame:
    """Mentions per country and city (for a map), with mean coordinates where known."""
    visible_sql, visible_params = visible_post_filter(role)
    chosen = brands or [
        b for (b,) in con.execute("SELECT DISTINCT brand FROM brand_matches").fetchall()
    ]
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
    authors ranked by followers + the engagements their mentions earned. Reads the mention
    index (counted per author first, then joined to the authors) among the mentions ``role``
    may see."""
    where, params = _indexed_mentions(period, brands, platforms, role)
    return con.execute(
        f"""
        WITH counted AS (
            SELECT i.author_id, count(*) AS mentions,
                   coalesce(sum(i.engagements), 0)::BIGINT AS engagements,
                   count(*) FILTER ({CORRECTED_LABEL} = 'positive') AS positive,
                   count(*) FILTER ({CORRECTED_LABEL} = 'negative') AS negative,
                   count(*) FILTER ({CORRECTED_LABEL} IN ('positive', 'neutral', 'negative'))
                       AS scored,
                   max(i.created_at) AS last_mention_at
            FROM mention_index i LEFT JOIN sentiment_corrections c USING (post_id)
            WHERE {where}
            GROUP BY i.author_id
        )
        SELECT a.author_id, a.handle, a.platform, a.followers, m.mentions, m.engagements,
               round(100.0 * (m.positive - m.negative) / nullif(m.scored, 0), 1)
                   AS net_sentiment,
               m.last_mention_at
        FROM counted m
        JOIN authors a ON a.author_id = m.author_id AND a.scope = 'external' AND NOT a.is_owned
        ORDER BY coalesce(a.followers, 0) + m.engagements DESC, m.mentions DESC, a.author_id
        LIMIT ?
        """,
        [*params, limit],
    ).df()


def _indexed_mentions(
    period: Period, brands: Sequence[str] | None, platforms: Sequence[str] | None, role: str | None
) -> tuple[str, list]:
    """The WHERE condition (and parameters) on ``mention_index i`` for a view's mentions."""
    brands_sql, brand_params = indexed_brand_filter(brands)
    platforms_sql, platform_params = platform_filter(platforms, "i.platform")
    visible_sql, visible_params = visible_post_filter(role, "i")
    return (
        f"i.created_at >= ? AND i.created_at < ? AND {platforms_sql} AND {brands_sql} "
        f"AND {visible_sql}",
        [period.since, period.until, *platform_params, *brand_params, *visible_params],
    )


def mentions_by_place(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    brands: Sequence[str] | None = None,
    platforms: Sequence[str] | None = None,
    *,
    role: str | None = None,
) -> pd.DataFrame:
    """``geo_mentions`` on the chosen platforms, with the negative share of each place: mentions
    per country and city where the source gave a place, and its mean coordinates (read from the
    mention index)."""
    where, params = _indexed_mentions(period, brands, platforms, role)
    return con.execute(
        f"""
        SELECT i.country, i.city, count(*) AS mentions,
               count(*) FILTER ({CORRECTED_LABEL} = 'negative') AS negative,
               round(avg(i.lat), 4) AS lat, round(avg(i.lon), 4) AS lon
        FROM mention_index i LEFT JOIN sentiment_corrections c USING (post_id)
        WHERE i.country IS NOT NULL AND {where}
        GROUP BY ALL ORDER BY mentions DESC, i.country, i.city
        """,
        params,
    ).df()
