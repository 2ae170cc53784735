"""Participation in the employee network: who contributes, how often, and whether threads get
answered. Definitions follow the metric reference (active users, stickiness, interactive users,
reply rate); every figure keeps its numerator and denominator.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from analysis.period import Period
from analysis.privacy import reportable_groups

# One row per contribution by an employee: a post or reply they wrote, or a reaction or
# @mention they made. Readers are not counted: the exports do not say who read what.
CONTRIBUTIONS = """
    SELECT p.author_id AS person, p.created_at FROM posts p
    JOIN channels c USING (channel_id) WHERE c.scope = 'internal'
    UNION ALL
    SELECT i.actor_id, i.created_at FROM interactions i
    WHERE i.kind IN ('reaction', 'mention')
"""


def active_people_per_week(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    segment: str | None = None,
    min_group_size: int = 5,
) -> pd.DataFrame:
    """Distinct contributors per ISO week, overall or per segment (privacy floor applied)."""
    groups = reportable_groups(con, segment, min_group_size) if segment else {}
    mapping = pd.DataFrame({"value": list(groups), "reported": list(groups.values())})
    group_sql = "'All employees'"
    join = ""
    if segment:
        con.register("_privacy_groups", mapping)
        join = (f"JOIN authors a ON a.author_id = c.person "
                f"JOIN _privacy_groups g ON g.value = coalesce(a.{segment}, 'Unknown')")
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
    return {"numerator": active, "denominator": directory,
            "value": 100.0 * active / directory if directory else None}


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
    return {"numerator": round(dau, 1), "denominator": mau,
            "value": 100.0 * dau / mau if mau else None}


def reply_rate(con: duckdb.DuckDBPyConnection, period: Period) -> dict[str, float]:
    """Internal threads started in the period with at least one reply / all such threads."""
    answered, threads = con.execute(
        """
        SELECT count(*) FILTER (EXISTS (SELECT 1 FROM posts r WHERE r.parent_id = t.post_id)),
               count(*)
        FROM posts t JOIN channels c USING (channel_id)
        WHERE c.scope = 'internal' AND t.kind = 'post'
          AND t.created_at >= ? AND t.created_at < ?
        """,
        [period.since, period.until],
    ).fetchall()[0]
    return {"numerator": answered, "denominator": threads,
            "value": 100.0 * answered / threads if threads else None}
