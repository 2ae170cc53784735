"""Finding mentions: keyword search and top mentions, bounded by a date window and a page size.

DuckDB's full-text extension cannot be installed offline, and a scan of every text costs about
0.15 to 0.35 s per million mentions. So a search reads only the posts of its window (``created_at``
is stored in arrival order, so DuckDB skips the row groups outside it), at most
``MAX_SEARCH_DAYS`` days, and returns one page of rows: a quarter of ten million mentions a year
still answers in under a second. Keywords match case-insensitively anywhere in the text ("zip"
finds "zipper"); every keyword or "quoted phrase" must appear.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import timedelta

import duckdb
import pandas as pd

from analysis.period import Period
from analysis.volume import brand_filter, platform_filter
from socialpulse.access import visible_post_filter

MAX_SEARCH_DAYS = 92
MAX_TERMS = 10
SENTIMENTS = ("positive", "neutral", "negative", "unscored")
# What a mention list can be sorted by; the SQL is fixed here, never taken from input.
ORDERS = {
    "engagement": "engagements DESC NULLS LAST, created_at DESC",
    "reach": "reach DESC NULLS LAST, created_at DESC",
    "newest": "created_at DESC",
}
TERM = re.compile(r'"([^"]+)"|(\S+)')


@dataclass(frozen=True)
class MentionQuery:
    """What to look for: keywords plus the filters the search box offers."""

    text: str = ""
    brands: tuple[str, ...] = ()
    platforms: tuple[str, ...] = ()
    sentiments: tuple[str, ...] = ()
    order: str = "engagement"


def parse_terms(text: str) -> list[str]:
    """Keywords and "quoted phrases" of a search box, lower-cased, at most ``MAX_TERMS``."""
    terms = [(phrase or word).strip().lower() for phrase, word in TERM.findall(text or "")]
    return [t for t in terms if t][:MAX_TERMS]


def search_window(period: Period) -> Period:
    """The part of ``period`` a search reads: its last ``MAX_SEARCH_DAYS`` days."""
    if period.days <= MAX_SEARCH_DAYS:
        return period
    return replace(period, start=period.end - timedelta(days=MAX_SEARCH_DAYS - 1))


def _like(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_mentions(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    query: MentionQuery = MentionQuery(),
    limit: int = 25,
    offset: int = 0,
    *,
    role: str | None = None,
) -> pd.DataFrame:
    """One page of brand mentions in ``search_window(period)`` that match ``query``, among the
    posts ``role`` may see (``visible_post_filter``: no restricted channel outside its audience).

    Each row: post_id, created_at, platform, author, text, url, brands, reach (potential: the
    author's followers on X, else the channel's audience: subreddit subscribers, site audience),
    engagements (likes + shares + replies + quotes, latest snapshot), sentiment (a human
    correction, else the model) with its source, and ``total``: how many mentions match.
    """
    if query.order not in ORDERS:
        raise ValueError(f"{query.order!r}: expected one of {', '.join(ORDERS)}")
    unknown = set(query.sentiments) - set(SENTIMENTS)
    if unknown:
        raise ValueError(f"{sorted(unknown)}: expected sentiments among {', '.join(SENTIMENTS)}")
    window = search_window(period)
    brands_sql, brand_params = brand_filter(query.brands)
    platforms_sql, platform_params = platform_filter(query.platforms, "p.platform")
    terms = parse_terms(query.text)
    text_sql = " AND ".join(["p.text ILIKE ? ESCAPE '\\'"] * len(terms)) or "TRUE"
    marks = ", ".join("?" for _ in query.sentiments)
    sentiment_sql = f"coalesce(s.label, 'unscored') IN ({marks})" if query.sentiments else "TRUE"
    sentiment_join = ("LEFT JOIN post_sentiment s USING (post_id)" if query.sentiments else "")
    visible_sql, visible_params = visible_post_filter(role)
    return con.execute(
        f"""
        WITH hits AS (
            SELECT p.post_id, p.created_at, p.platform, p.author_id, p.channel_id
            FROM posts p
            WHERE p.created_at >= ? AND p.created_at < ? AND {platforms_sql} AND {text_sql}
              AND p.post_id IN (SELECT m.post_id FROM brand_matches m WHERE {brands_sql})
              AND {visible_sql}
        ),
        latest AS (
            SELECT post_id,
                   arg_max(coalesce(likes, 0) + coalesce(shares, 0) + coalesce(replies, 0)
                           + coalesce(quotes, 0), taken_at) AS engagements,
                   arg_max(author_followers, taken_at) AS author_followers
            FROM engagement_snapshots WHERE post_id IN (SELECT post_id FROM hits)
            GROUP BY post_id
        ),
        page AS (
            SELECT h.post_id, h.created_at, h.platform, coalesce(a.handle, h.author_id) AS author,
                   CASE WHEN h.platform = 'x' THEN coalesce(e.author_followers, a.followers)
                        ELSE c.audience_size END AS reach,
                   e.engagements, count(*) OVER () AS total
            FROM hits h
            LEFT JOIN latest e USING (post_id)
            LEFT JOIN authors a ON a.author_id = h.author_id
            LEFT JOIN channels c ON c.channel_id = h.channel_id
            {sentiment_join}
            WHERE {sentiment_sql}
            ORDER BY {ORDERS[query.order]}, h.post_id
            LIMIT ? OFFSET ?
        ),
        named AS (
            SELECT post_id, string_agg(brand, ', ' ORDER BY brand) AS brands FROM brand_matches
            WHERE post_id IN (SELECT post_id FROM page) GROUP BY post_id
        )
        SELECT page.post_id, page.created_at, page.platform, page.author, p.text, p.url,
               named.brands, page.reach, page.engagements,
               coalesce(s.label, 'unscored') AS sentiment, s.source AS sentiment_source,
               page.total
        FROM page
        JOIN posts p USING (post_id)  -- the texts of one page only, never of every hit
        LEFT JOIN named USING (post_id)
        LEFT JOIN post_sentiment s USING (post_id)
        ORDER BY {ORDERS[query.order]}, page.post_id
        """,
        [window.since, window.until, *platform_params, *[_like(t) for t in terms],
         *brand_params, *visible_params, *query.sentiments, limit, offset],
    ).df()


def mentions_by_id(con: duckdb.DuckDBPyConnection, post_ids: Sequence[str], *,
                   role: str | None = None) -> pd.DataFrame:
    """The listed mentions (an alert's or a topic's examples) with their sentiment, in the
    order given; unknown ids and posts ``role`` may not see are left out."""
    visible_sql, visible_params = visible_post_filter(role)
    return con.execute(
        f"""
        SELECT p.post_id, p.created_at, p.platform, coalesce(a.handle, p.author_id) AS author,
               p.text, p.url, coalesce(s.label, 'unscored') AS sentiment
        FROM unnest(?::VARCHAR[]) WITH ORDINALITY AS wanted(post_id, position)
        JOIN posts p USING (post_id)
        LEFT JOIN authors a ON a.author_id = p.author_id
        LEFT JOIN post_sentiment s ON s.post_id = p.post_id
        WHERE {visible_sql}
        ORDER BY wanted.position
        """,
        [list(post_ids), *visible_params],
    ).df()
