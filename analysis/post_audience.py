"""Who a push or a pull is for: the audience of each announcement and check-in, and when each
member first responded.

The audience of a post is a set of people in the directory, never the poster:
- a company-wide channel (``segment_type`` 'company'): everyone in the directory;
- a department, location or employee-type channel: the directory people of that segment, because
  such channels are the segment's own whether or not everyone has spoken in them yet;
- any other channel (topic communities, restricted rooms): the people who ever posted or reacted
  in it. Exports carry no member lists, so this under-counts silent members and the rate is an
  upper bound for those channels.
People outside the directory (guests, bots) have no department or location and are left out, so
every figure has the same denominator as the privacy floor.
"""

from __future__ import annotations

_DIRECTORY_SEGMENTS = "('company', 'department', 'location', 'employee_type')"

# Which pushes and pulls a query covers: fixed fragments, their values always `?` parameters.
EVERY_POST = ""
IN_PERIOD = "AND p.created_at >= ? AND p.created_at < ?"
ONE_POST = "AND p.post_id = ?"


def post_audience(where: str) -> str:
    """CTEs ending in ``people``: one row per post x audience member, with when they first
    responded (NULL if never) and after how many minutes."""
    return f"""
        WITH targets AS (
            SELECT p.post_id, p.kind, p.created_at, p.author_id AS poster, p.channel_id,
                   c.name AS channel, c.segment_type AS channel_segment,
                   c.segment_value AS channel_value
            FROM posts p JOIN channels c USING (channel_id)
            WHERE c.scope = 'internal' AND p.kind IN ('announcement', 'check-in') {where}
        ),
        directory AS (
            SELECT author_id AS person, department, location, employee_type
            FROM authors WHERE scope = 'internal' AND in_directory
        ),
        open_channels AS (
            SELECT DISTINCT channel_id FROM targets
            WHERE coalesce(channel_segment, '') NOT IN {_DIRECTORY_SEGMENTS}
        ),
        regulars AS (
            SELECT channel_id, author_id AS person FROM posts
            WHERE channel_id IN (SELECT channel_id FROM open_channels)
            UNION
            SELECT p.channel_id, i.actor_id FROM interactions i JOIN posts p USING (post_id)
            WHERE i.kind = 'reaction' AND p.channel_id IN (SELECT channel_id FROM open_channels)
        ),
        audience AS (
            SELECT t.post_id, d.* FROM targets t JOIN directory d
                ON t.channel_segment = 'company'
            UNION ALL
            SELECT t.post_id, d.* FROM targets t JOIN directory d
                ON t.channel_segment = 'department' AND d.department = t.channel_value
            UNION ALL
            SELECT t.post_id, d.* FROM targets t JOIN directory d
                ON t.channel_segment = 'location' AND d.location = t.channel_value
            UNION ALL
            SELECT t.post_id, d.* FROM targets t JOIN directory d
                ON t.channel_segment = 'employee_type' AND d.employee_type = t.channel_value
            UNION ALL
            SELECT t.post_id, d.* FROM targets t JOIN regulars r USING (channel_id)
                JOIN directory d USING (person)
            WHERE coalesce(t.channel_segment, '') NOT IN {_DIRECTORY_SEGMENTS}
        ),
        responses AS (
            SELECT post_id, person, min(moment) AS responded_at FROM (
                SELECT t.post_id, a.author_id AS person, a.created_at AS moment
                FROM targets t JOIN posts a ON a.parent_id = t.post_id
                WHERE t.kind = 'announcement' OR a.kind = 'answer'
                UNION ALL
                SELECT t.post_id, i.actor_id, i.created_at
                FROM targets t JOIN interactions i ON i.post_id = t.post_id
                WHERE t.kind = 'announcement' AND i.kind = 'reaction'
            ) GROUP BY ALL
        ),
        people AS (
            SELECT a.*, r.responded_at,
                   date_diff('second', t.created_at, r.responded_at) / 60.0 AS minutes
            FROM targets t JOIN audience a USING (post_id)
            LEFT JOIN responses r ON r.post_id = a.post_id AND r.person = a.person
            WHERE a.person IS DISTINCT FROM t.poster
        )
    """
