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
COLUMNS = [
    "post_id",
    "created_at",
    "platform",
    "author",
    "text",
    "url",
    "brands",
    "reach",
    "engagements",
    "sentiment",
    "sentiment_source",
    "total",
]
TERM = re.compile(r'"([^"]+)"|(\S+)')
RE2_SPECIAL = re.compile(r"([\\.+*?()|\[\]{}^$])")


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
        """,
        [period.start, period.end, MAX_SEARCH_MENTIONS],
    ).fetchall()[0][0]
    if start is None:  # the newest day alone holds more (it is read whole), or no roll-up yet
        start = (
            con.execute(
                "SELECT max(day) FROM brand_daily WHERE day BETWEEN ? AND ?",
                [period.start, period.end],
            ).fetchall()[0][0]
            or period.start
        )
    return replace(period, start=max(start, period.start))


def _literal(term: str) -> str:
    """``term`` as a regular expression that matches it literally (RE2 syntax)."""
    return RE2_SPECIAL.sub(r"\\\1", term)


def _check(query: MentionQuery) -> None:
    """Refuse an order or a sentiment the search box does not offer, before any SQL is built."""
    if query.order not in ORDERS:
        raise ValueError(f"{query.order!r}: expected one of {', '.join(ORDERS)}")
    unknown = set(query.sentiments) - set(SENTIMENTS)
    if unknown:
        raise ValueError(f"{sorted(unknown)}: expected sentiments among {', '.join(SENTIMENTS)}")


def _keyword_match(terms: list[str], window: Period) -> tuple[str, list]:
    """The opening of the search's ``WITH`` (a ``matched`` list of post ids when there are
    keywords) and its parameters.

    Keywords read the texts of the window's posts once, before anything else, as a
    case-insensitive regular expression of the literal keyword: RE2 finds it three times faster
    than ILIKE.
    """
    if not terms:
        return "WITH", []
    sql = (
        "WITH matched AS MATERIALIZED (SELECT p.post_id FROM posts p "
        "WHERE p.created_at >= ? AND p.created_at < ? AND "
        + " AND ".join(["regexp_matches(p.text, ?, 'i')"] * len(terms))
        + "),"
    )
    return sql, [window.since, window.until, *map(_literal, terms)]


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
    _check(query)
    terms = parse_terms(query.text)
    window = search_window(con, period) if terms else period
    brands_sql, brand_params = indexed_brand_filter(query.brands)
    platforms_sql, platform_params = platform_filter(query.platforms, "i.platform")
    # Every filter but the keywords reads the index, and the corrections only when a sentiment
    # is chosen.
    matched, matched_params = _keyword_match(terms, window)
    marks = ", ".join("?" for _ in query.sentiments)
    corrections, sentiment_sql = (
        ("LEFT JOIN sentiment_corrections c USING (post_id)", f"{CORRECTED_LABEL} IN ({marks})")
        if query.sentiments
        else ("", "TRUE")
    )
    visible_sql, visible_params = visible_post_filter(role, "i")
    hits = f"""
        SELECT i.* FROM mention_index i {corrections}
        WHERE i.created_at >= ? AND i.created_at < ? AND {platforms_sql} AND {brands_sql}
          AND {visible_sql} AND {sentiment_sql}
          AND {"i.post_id IN (SELECT post_id FROM matched)" if terms else "TRUE"}
    """
    params = [
        window.since,
        window.until,
        *platform_params,
        *brand_params,
        *visible_params,
        *query.sentiments,
    ]
    order = f"ORDER BY {ORDERS[query.order]}, post_id"
    # Without keywords the count reads the index alone, cheaper apart than as a window over
    # millions of rows; with them the texts are scanned once, for the count and the page.
    total = (
        None if terms else con.execute(f"SELECT count(*) FROM ({hits})", params).fetchall()[0][0]
    )
    page = con.execute(
        f"""
        {matched} page AS (
            SELECT *{", count(*) OVER () AS total" if terms else ""} FROM ({hits})
            {order} LIMIT ? OFFSET ?)
        SELECT i.*, {CORRECTED_LABEL} AS sentiment, {CORRECTED_SOURCE} AS sentiment_source
        FROM page i LEFT JOIN sentiment_corrections c USING (post_id)
        {order}
        """,
        [*matched_params, *params, limit, offset],
    ).df()
    if terms:
        total = int(page["total"].iloc[0]) if len(page) else 0
    details = posts_by_id(con, page["post_id"].tolist(), role=role)
    shown = page.merge(details[["post_id", "text", "url", "author"]], on="post_id", how="inner")
    shown["brands"] = shown["brands"].map(", ".join)
    return shown.assign(total=total)[COLUMNS]


def mentions_by_id(
    con: duckdb.DuckDBPyConnection, post_ids: Sequence[str], *, role: str | None = None
) -> pd.DataFrame:
    """The listed mentions (an alert's or a topic's examples) with their sentiment, in the
    order given; unknown ids and posts ``role`` may not see are left out.

    The posts are looked up by their key, their sentiment in the mention index on their own
    dates, so no read scans millions of rows."""
    wanted = list(post_ids)
    found = posts_by_id(con, wanted, role=role)
    # One seek per example on its own date (row groups are in time order), not a scan.
    seeks = " UNION ALL ".join(
        ["SELECT post_id, label FROM mention_index WHERE created_at = ? AND post_id = ?"]
        * len(found)
    )
    labels = (
        con.execute(
            f"""
        SELECT i.post_id, {CORRECTED_LABEL} AS sentiment
        FROM ({seeks}) i LEFT JOIN sentiment_corrections c USING (post_id)
        """,
            [
                value
                for row in found[["created_at", "post_id"]].itertuples(index=False)
                for value in (row.created_at.to_pydatetime(), row.post_id)
            ],
        ).df()
        if len(found)
        else pd.DataFrame(columns=["post_id", "sentiment"])
    )
    order = pd.DataFrame({"post_id": pd.Series(wanted, dtype=object)}).drop_duplicates()
    shown = order.merge(found, on="post_id").merge(labels, on="post_id", how="left")
    return shown.assign(sentiment=shown["sentiment"].fillna("unscored"))


def posts_by_id(
    con: duckdb.DuckDBPyConnection, post_ids: Sequence[str], *, role: str | None = None
) -> pd.DataFrame:
    """post_id, created_at, platform, author (handle, else id), text and url of the listed
    posts that ``role`` may see, in no particular order. Both reads go by primary key: a join
    would hash every post or every author (0.2 s at ten million mentions) to find a page."""
    visible_sql, visible_params = visible_post_filter(role)
    found = con.execute(
        f"""
        WITH listed AS MATERIALIZED (  -- looked up by key first, then checked for visibility
            SELECT post_id, created_at, platform, author_id, channel_id, text, url FROM posts
            WHERE post_id IN (SELECT unnest(?::VARCHAR[])))
        SELECT p.post_id, p.created_at, p.platform, p.author_id, p.text, p.url
        FROM listed p WHERE {visible_sql}
        """,
        [list(post_ids), *visible_params],
    ).df()
    handles = con.execute(
        "SELECT author_id, handle FROM authors WHERE author_id IN (SELECT unnest(?::VARCHAR[]))",
        [found["author_id"].dropna().unique().tolist()],
    ).df()
    found = found.merge(handles, on="author_id", how="left")
    found.insert(3, "author", found.pop("handle").fillna(found.pop("author_id")))
    return found
