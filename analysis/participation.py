"""Participation in the employee network: who contributes, how often, and whether threads get
answered. Definitions follow the metric reference (active users, stickiness, interactive users,
reply rate); every figure keeps its numerator and denominator.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from analysis.period import Period
from analysis.privacy_floor import folding
from socialpulse.config import DEFAULT_MIN_GROUP_SIZE

# One row per contribution by an employee: a post or reply they wrote, or a reaction or
# @mention they made. Readers are not counted: the exports do not say who read what. The channel
# is the one the post (or the post reacted to) lives in, NULL when that post is not stored.
CONTRIBUTION_EVENTS = """
    SELECT p.author_id AS person, p.created_at, p.channel_id FROM posts p
    JOIN channels c USING (channel_id) WHERE c.scope = 'internal'
    UNION ALL
    SELECT i.actor_id, i.created_at, p.channel_id FROM interactions i
    LEFT JOIN posts p USING (post_id)
    WHERE i.kind IN ('reaction', 'mention')
"""
# The same rows without the channel: no lookup of every reaction's post (a join with all the
# posts, most of the cost at ten million mentions).
CONTRIBUTIONS = """
    SELECT p.author_id AS person, p.created_at FROM posts p
    JOIN channels c USING (channel_id) WHERE c.scope = 'internal'
    UNION ALL
    SELECT i.actor_id, i.created_at FROM interactions i WHERE i.kind IN ('reaction', 'mention')
"""

# Internal threads (top-level posts) with the first reply by someone other than their author:
# an author adding to their own thread is not an answer. A reply belongs to the thread its
# ``thread_id`` names (every importer sets it to the root), else to its parent.
_THREADS = """
    SELECT t.post_id, t.author_id AS person, t.channel_id, t.created_at,
           min(r.created_at) FILTER (r.author_id IS DISTINCT FROM t.author_id) AS first_reply
    FROM posts t JOIN channels c ON c.channel_id = t.channel_id AND c.scope = 'internal'
    LEFT JOIN (SELECT coalesce(thread_id, parent_id) AS root, author_id, created_at
               FROM posts WHERE kind = 'reply'{replies}) r ON r.root = t.post_id
    WHERE t.kind = 'post'{threads}
    GROUP BY t.post_id, t.author_id, t.channel_id, t.created_at
"""
THREADS = _THREADS.format(replies="", threads="")
# The threads started in [$since, $until), their replies read from $since on (no reply comes
# before its thread): the same rows as THREADS filtered, without reading every reply ever.
PERIOD_THREADS = _THREADS.format(
    replies=" AND created_at >= $since",
    threads=" AND t.created_at >= $since AND t.created_at < $until",
)


def active_people_per_week(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    segment: str | None = None,
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
) -> pd.DataFrame:
    """Distinct contributors per ISO week, overall or per segment (privacy floor applied)."""
    mapping = folding(con, min_group_size, (segment,)) if segment else None
    group_sql = "'All employees'"
    join = ""
    if segment:
        con.register("_privacy_groups", mapping)
        join = (
            f"JOIN authors a ON a.author_id = c.person "
            f"JOIN _privacy_groups g ON g.value = coalesce(a.{segment}, 'Unknown')"
        )
        group_sql = "g.reported"
    try:
        return con.execute(
            f"""
            SELECT date_trunc('week', c.created_at)::DATE AS week, {group_sql} AS "group",
                   count(DISTINCT c.person) AS active_people
            FROM ({CONTRIBUTIONS}) c {join}
            WHERE c.created_at >= ? AND c.created_at < ? AND {group_sql} IS NOT NULL
            GROUP BY ALL ORDER BY week, "group"
            """,
            [period.since, period.until],
        ).df()
    finally:
        if segment:
            con.unregister("_privacy_groups")


def interactive_users(con: duckdb.DuckDBPyConnection, period: Period) -> dict[str, float]:
    """Share of people in the directory with at least one contribution in the period (SWOOP)."""
    active, directory = con.execute(
        f"""
        SELECT (SELECT count(DISTINCT c.person) FROM ({CONTRIBUTIONS}) c
                JOIN authors a ON a.author_id = c.person AND a.in_directory
                WHERE c.created_at >= ? AND c.created_at < ?),
               (SELECT count(*) FROM authors WHERE scope = 'internal' AND in_directory)
        """,
        [period.since, period.until],
    ).fetchall()[0]
    return {
        "numerator": active,
        "denominator": directory,
        "value": 100.0 * active / directory if directory else None,
    }


def stickiness(con: duckdb.DuckDBPyConnection, period: Period) -> dict[str, float]:
    """Mean daily active people over the last 28 days of the period / people active in those
    28 days (DAU / MAU), as a percentage."""
    dau, mau = con.execute(
        f"""
        WITH recent AS (
            SELECT person, created_at::DATE AS day FROM ({CONTRIBUTIONS}) c
            WHERE created_at >= ?::TIMESTAMP - INTERVAL 28 DAY AND created_at < ?
        )
        SELECT (SELECT count(DISTINCT (person, day)) FROM recent) / 28.0,
               (SELECT count(DISTINCT person) FROM recent)
        """,
        [period.until, period.until],
    ).fetchall()[0]
    return {
        "numerator": round(dau, 1),
        "denominator": mau,
        "value": 100.0 * dau / mau if mau else None,
    }


def reply_rate(con: duckdb.DuckDBPyConnection, period: Period) -> dict[str, float]:
    """Internal threads started in the period with at least one reply by someone other than
    their author / all such threads."""
    answered, threads = con.execute(
        f"""
        SELECT count(first_reply), count(*) FROM ({THREADS}) t
        WHERE t.created_at >= ? AND t.created_at < ?
        """,
        [period.since, period.until],
    ).fetchall()[0]
    return {
        "numerator": answered,
        "denominator": threads,
        "value": 100.0 * answered / threads if threads else None,
    }
