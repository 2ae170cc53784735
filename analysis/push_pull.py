"""Push and pull: announcements reach their audience; check-ins pull answers back.

Answer rate = audience members who answered / audience; the audience of a company-wide channel
is everyone in the directory, of any other channel its members.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from analysis.period import Period


def check_in_answer_rates(con: duckdb.DuckDBPyConnection, period: Period) -> pd.DataFrame:
    """Per check-in posted in the period: audience, people who answered, answer rate (%),
    median minutes to answer."""
    return con.execute(
        """
        WITH check_ins AS (
            SELECT p.post_id, p.created_at, p.author_id, c.name AS channel,
                   CASE WHEN c.segment_type = 'company'
                        THEN (SELECT count(*) FROM authors
                              WHERE scope = 'internal' AND in_directory)
                        ELSE c.audience_size END - 1 AS audience
            FROM posts p JOIN channels c USING (channel_id)
            WHERE p.kind = 'check-in' AND p.created_at >= ? AND p.created_at < ?
        ),
        answers AS (
            SELECT a.parent_id AS post_id, a.author_id,
                   min(a.created_at) AS answered_at
            FROM posts a WHERE a.kind = 'answer' GROUP BY ALL
        )
        SELECT k.post_id, k.created_at, k.channel, k.audience,
               count(a.author_id) AS answered,
               round(100.0 * count(a.author_id) / nullif(k.audience, 0), 1) AS answer_rate,
               median(date_diff('second', k.created_at, a.answered_at)) / 60.0
                   AS median_minutes_to_answer
        FROM check_ins k LEFT JOIN answers a
             ON a.post_id = k.post_id AND a.author_id <> k.author_id
        GROUP BY k.post_id, k.created_at, k.channel, k.audience ORDER BY k.created_at
        """,
        [period.since, period.until],
    ).df()
