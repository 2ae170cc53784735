"""Engagement, reach and share of voice per brand, from the daily roll-up ``brand_daily``.

Definitions (the metric reference): engagements = likes + shares + replies + quotes, from each
post's latest snapshot; potential reach on X = the author's followers + the followers of the
accounts that reposted it (a repost adds no reach of its own when its original is stored); on
Reddit the subreddit's subscribers and on YouTube the channel's (upper bounds), and on the web
the configured site audience, each counted once per channel and day, else unknown (NULL, never
zero). Kaushik's rates: conversation = replies / mentions, amplification = shares / mentions,
applause = likes / mentions. Engagement rate by reach = engagements / reach x 100.

``refresh_brand_daily`` rewrites only the days touched since its last run (new posts, new
snapshots, new scores or corrections), so `pulse analyze` stays incremental.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import duckdb
import pandas as pd

from analysis.period import Period
from analysis.volume import brand_filter
from socialpulse.warehouse.cursors import read_cursors, save_cursor

REACH_METHODS = {
    "x": "X: author followers + followers of reposters",
    "reddit": "Reddit: subreddit subscribers (upper bound), once per subreddit and day",
    "rss": "Web: configured site audience, once per site and day",
    "youtube": "YouTube: channel subscribers (upper bound), once per channel and day",
}
GRAINS = {"day": "day", "week": "week", "month": "month"}
WATERMARK = ("analyze", "brand_daily")

_ROLLUP = """
WITH touched AS (SELECT day FROM _days),
latest AS (
    SELECT e.post_id, e.likes, e.shares, e.replies, e.quotes, e.views, e.author_followers
    FROM engagement_snapshots e JOIN posts p USING (post_id)
    WHERE p.created_at::DATE IN (SELECT day FROM touched)
    QUALIFY row_number() OVER (PARTITION BY e.post_id ORDER BY e.taken_at DESC) = 1
),
reposters AS (
    SELECT s.parent_id AS post_id, sum(coalesce(a.followers, 0)) AS followers
    FROM posts s JOIN authors a ON a.author_id = s.author_id
    WHERE s.kind = 'share' AND s.parent_id IS NOT NULL GROUP BY s.parent_id
),
mentions AS (
    SELECT p.created_at::DATE AS day, m.brand, m.is_competitor, p.platform, p.channel_id,
           coalesce(l.likes, 0) AS likes, coalesce(l.shares, 0) AS shares,
           coalesce(l.replies, 0) AS replies, coalesce(l.quotes, 0) AS quotes,
           coalesce(l.views, 0) AS views,
           CASE WHEN p.kind = 'share' AND EXISTS (SELECT 1 FROM posts o
                                                  WHERE o.post_id = p.parent_id) THEN 0
                ELSE coalesce(l.author_followers, a.followers, 0) + coalesce(r.followers, 0)
           END AS x_reach,
           s.label
    FROM brand_matches m
    JOIN posts p USING (post_id)
    LEFT JOIN latest l ON l.post_id = p.post_id
    LEFT JOIN authors a ON a.author_id = p.author_id
    LEFT JOIN reposters r ON r.post_id = p.post_id
    LEFT JOIN post_sentiment s ON s.post_id = p.post_id
    WHERE p.created_at::DATE IN (SELECT day FROM touched)
),
channel_reach AS (
    SELECT d.day, d.brand, d.platform, sum(c.audience_size) AS reach
    FROM (SELECT DISTINCT day, brand, platform, channel_id FROM mentions
          WHERE platform <> 'x') d
    JOIN channels c USING (channel_id)
    GROUP BY ALL
)
SELECT m.day, m.brand, bool_or(m.is_competitor) AS is_competitor, m.platform,
       count(*) AS mentions, sum(likes) AS likes, sum(shares) AS shares,
       sum(replies) AS replies, sum(quotes) AS quotes, sum(views) AS views,
       sum(likes + shares + replies + quotes) AS engagements,
       CASE WHEN m.platform = 'x' THEN sum(x_reach) ELSE any_value(cr.reach) END AS reach,
       count(*) FILTER (label = 'positive') AS positive,
       count(*) FILTER (label = 'neutral') AS neutral,
       count(*) FILTER (label = 'negative') AS negative
FROM mentions m
LEFT JOIN channel_reach cr ON cr.day = m.day AND cr.brand = m.brand AND cr.platform = m.platform
GROUP BY m.day, m.brand, m.platform
"""


def touched_days(con: duckdb.DuckDBPyConnection, since: datetime | None) -> pd.DataFrame:
    """The days whose posts, snapshots, scores or corrections changed since ``since`` (every
    day when None): what an incremental roll-up must rewrite."""
    if since is None:
        return con.execute("SELECT DISTINCT created_at::DATE AS day FROM posts").df()
    return con.execute(
        """
        SELECT DISTINCT p.created_at::DATE AS day FROM posts p
        WHERE p.collected_at >= $since
           OR p.post_id IN (SELECT post_id FROM engagement_snapshots WHERE taken_at >= $since)
           OR p.post_id IN (SELECT post_id FROM sentiment_scores WHERE scored_at >= $since)
           OR p.post_id IN (SELECT post_id FROM sentiment_corrections
                            WHERE corrected_at >= $since)
        """,
        {"since": since},
    ).df()


def refresh_brand_daily(
    con: duckdb.DuckDBPyConnection, full: bool = False, now: datetime | None = None
) -> int:
    """Rewrite the roll-up for the days touched since the last refresh; return how many.
    ``now`` (naive UTC, default the wall clock) is the watermark the next refresh starts from."""
    started = pd.Timestamp(now) if now else pd.Timestamp.now(tz="UTC").tz_localize(None)
    stored = read_cursors(con, WATERMARK[0]).get(WATERMARK[1])
    since = None if full or stored is None else pd.Timestamp(stored).to_pydatetime()
    days = touched_days(con, since)
    rewrite_days(con, days)
    save_cursor(con, WATERMARK[0], WATERMARK[1], started.isoformat())
    return len(days)


def rewrite_days(con: duckdb.DuckDBPyConnection, days: pd.DataFrame) -> None:
    """Rewrite the roll-up of ``days`` (a ``day`` column) from the posts as they are now."""
    if days.empty:
        return
    con.register("_days", days)
    try:
        rows = con.execute(_ROLLUP).df()
        con.execute("DELETE FROM brand_daily WHERE day IN (SELECT day FROM _days)")
    finally:
        con.unregister("_days")
    rows["reach_method"] = rows["platform"].map(REACH_METHODS).fillna("unknown")
    con.register("_rollup", rows)
    con.execute("INSERT INTO brand_daily BY NAME SELECT * FROM _rollup")
    con.unregister("_rollup")


def refresh_days_of(con: duckdb.DuckDBPyConnection, post_ids: list[str]) -> int:
    """Rewrite the days of these posts now (a sentiment correction's figures show at once); the
    next `pulse analyze` needs no notice, it rewrites them again from the correction's time."""
    days = con.execute(
        "SELECT DISTINCT created_at::DATE AS day FROM posts WHERE list_contains(?, post_id) "
        "AND post_id IN (SELECT post_id FROM brand_matches)",
        [post_ids],
    ).df()
    rewrite_days(con, days)
    return len(days)


def brand_metrics(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    brands: Sequence[str] | None = None,
    by: Sequence[str] = ("brand",),
    grain: str | None = None,
) -> pd.DataFrame:
    """Mentions, engagements and their rates, reach, net sentiment and share of voice (by count,
    reach and engagement), grouped by ``by`` (brand, platform) and optionally a time grain."""
    dimensions = [d for d in by if d in ("brand", "platform")]
    if grain:
        dimensions.insert(0, f"date_trunc('{GRAINS[grain]}', day)::DATE AS {grain}")
    keys = [d.split(" AS ")[-1] for d in dimensions]
    condition, params = brand_filter(brands)
    frame = con.execute(
        f"""
        SELECT {", ".join(dimensions)}, bool_or(is_competitor) AS is_competitor,
               sum(mentions) AS mentions, sum(likes) AS likes, sum(shares) AS shares,
               sum(replies) AS replies, sum(quotes) AS quotes, sum(engagements) AS engagements,
               sum(reach) AS reach, string_agg(DISTINCT reach_method, '; ') AS reach_method,
               sum(positive) AS positive, sum(negative) AS negative,
               sum(positive + neutral + negative) AS scored
        FROM brand_daily m
        WHERE day BETWEEN ? AND ? AND {condition}
        GROUP BY ALL ORDER BY ALL
        """,
        [period.start, period.end, *params],
    ).df()
    if frame.empty:
        return frame
    totals = frame.groupby(keys[0]) if grain else None

    def share_of(column: str) -> pd.Series:
        total = totals[column].transform("sum") if grain else frame[column].sum()
        return (100 * frame[column] / total).round(1)

    mentions = frame["mentions"]
    return frame.assign(
        conversation_rate=(frame["replies"] / mentions).round(3),
        amplification_rate=(frame["shares"] / mentions).round(3),
        applause_rate=(frame["likes"] / mentions).round(3),
        engagement_rate_by_reach=(100 * frame["engagements"] / frame["reach"]).round(3),
        net_sentiment=(100 * (frame["positive"] - frame["negative"]) / frame["scored"]).round(1),
        share_of_voice=share_of("mentions"),
        share_of_voice_by_reach=share_of("reach"),
        share_of_voice_by_engagement=share_of("engagements"),
    )


def unique_authors(
    con: duckdb.DuckDBPyConnection, period: Period, brands: Sequence[str] | None = None
) -> pd.DataFrame:
    """Distinct authors and sites per brand over the period (not additive over days, so read
    from posts rather than the roll-up)."""
    condition, params = brand_filter(brands)
    return con.execute(
        f"""
        SELECT m.brand, count(DISTINCT p.author_id) AS unique_authors,
               count(DISTINCT p.channel_id) FILTER (p.platform = 'rss') AS unique_sites
        FROM brand_matches m JOIN posts p USING (post_id)
        WHERE p.created_at >= ? AND p.created_at < ? AND {condition}
        GROUP BY ALL ORDER BY ALL
        """,
        [period.since, period.until, *params],
    ).df()
