"""Finding mentions: top mentions and keyword search, one page of rows at a time.

Without keywords, the list reads the mention index (``analysis.mention_index``) over all the
chosen dates: a narrow table in time order, so a year of ten million mentions sorts in about
0.3 s. Keywords must read texts, and DuckDB's full-text extension cannot be installed offline:
a scan costs about 0.3 s per million texts on two cores. So a keyword search reads the newest
days of the chosen dates that hold at most ``MAX_SEARCH_MENTIONS`` mentions (counted in
``brand_daily``, never in the posts), and the page says which days those were. Keywords match
case-insensitively anywhere in the text ("zip" finds "zipper"); every keyword or "quoted phrase"
must appear.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

import duckdb
import pandas as pd

from analysis.mention_index import CORRECTED_LABEL, CORRECTED_SOURCE, indexed_brand_filter
from analysis.period import Period
from analysis.volume import platform_filter
from socialpulse.access import visible_post_filter

MAX_SEARCH_MENTIONS = 1_000_000
MAX_TERMS = 10
SENTIMENTS = ("positive", "neutral", "negative", "unscored")
# What a mention list can be sorted by; the SQL is fixed here, never taken from input.
ORDERS = {
    "engagement": "engagements DESC NULLS LAST, created_at DESC",
    "reach": "reach DESC NULLS LAST, created_at DESC",
    "newest": "created_at DESC",
}
COLUMNS = ["post_id", "created_at", "platform", "author", "text", "url", "brands", "reach",
           "engagements", "sentiment", "sentiment_source", "total"]
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


def search_window(con: duckdb.DuckDBPyConnection, period: Period) -> Period:
    """The part of ``period`` a keyword search reads: its newest days holding at most
    ``MAX_SEARCH_MENTIONS`` mentions (by the daily roll-up, at least the last day)."""
    start = con.execute(
        """
        SELECT min(day) FROM (
            SELECT day, sum(sum(mentions)) OVER (ORDER BY day DESC) AS newer
            FROM brand_daily WHERE day BETWEEN ? AND ? GROUP BY day)
        WHERE newer <= ?
        """, [period.start, period.end, MAX_SEARCH_MENTIONS]).fetchall()[0][0]
    if start is None:  # the newest day alone holds more (it is read whole), or no roll-up yet
        start = con.execute("SELECT max(day) FROM brand_daily WHERE day BETWEEN ? AND ?",
                            [period.start, period.end]).fetchall()[0][0] or period.start
    return replace(period, start=max(start, period.start))


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
    """One page of brand mentions in ``period`` (with keywords: in ``search_window``) that match
    ``query``, among the posts ``role`` may see (``visible_post_filter``: no restricted channel
    outside its audience).

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
    terms = parse_terms(query.text)
    window = search_window(con, period) if terms else period
    brands_sql, brand_params = indexed_brand_filter(query.brands)
    platforms_sql, platform_params = platform_filter(query.platforms, "i.platform")
    # Keywords read the texts of the window's posts only; every other filter reads the index.
    text_sql = ("i.post_id IN (SELECT p.post_id FROM posts p WHERE p.created_at >= ? "
                "AND p.created_at < ? AND " + " AND ".join(["p.text ILIKE ? ESCAPE '\\'"]
                                                         * len(terms)) + ")") if terms else "TRUE"
    text_params = [window.since, window.until, *[_like(t) for t in terms]] if terms else []
    marks = ", ".join("?" for _ in query.sentiments)
    sentiment_sql = f"{CORRECTED_LABEL} IN ({marks})" if query.sentiments else "TRUE"
    visible_sql, visible_params = visible_post_filter(role, "i")
    hits = f"""
        SELECT i.post_id, i.created_at, i.platform, i.author_id, i.brands, i.reach,
               i.engagements, {CORRECTED_LABEL} AS sentiment,
               {CORRECTED_SOURCE} AS sentiment_source
        FROM mention_index i LEFT JOIN sentiment_corrections c USING (post_id)
        WHERE i.created_at >= ? AND i.created_at < ? AND {platforms_sql} AND {brands_sql}
          AND {visible_sql} AND {sentiment_sql} AND {text_sql}
    """
    params = [window.since, window.until, *platform_params, *brand_params, *visible_params,
              *query.sentiments, *text_params]
    total = con.execute(f"SELECT count(*) FROM ({hits})", params).fetchall()[0][0]
    page = con.execute(
        f"SELECT * FROM ({hits}) ORDER BY {ORDERS[query.order]}, post_id LIMIT ? OFFSET ?",
        [*params, limit, offset]).df()
    # The texts, links and handles of this page's rows only, looked up by their ids.
    details = con.execute(
        """
        SELECT p.post_id, p.text, p.url, coalesce(a.handle, p.author_id) AS author
        FROM posts p LEFT JOIN authors a ON a.author_id = p.author_id
        WHERE p.post_id IN (SELECT unnest(?::VARCHAR[]))
        """, [page["post_id"].tolist()]).df()
    shown = page.merge(details, on="post_id", how="inner")
    shown["brands"] = shown["brands"].map(", ".join)
    return shown.assign(total=total)[COLUMNS]


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
