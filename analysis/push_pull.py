"""Push and pull: announcements reach their audience; check-ins pull answers back.

Reach = audience members who reacted to or replied to an announcement / audience. Readers are
not counted: Slack, Teams and Viva Engage exports do not say who read what, so reach here is a
floor (engaged reach), never the share who saw the message. Answer rate = audience members who
answered a check-in (a post of kind 'answer' under it) / audience; time to answer is the median
of each person's first answer.

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

import duckdb
import pandas as pd

from analysis.period import Period
from analysis.privacy import OTHER, folding
from socialpulse.access import visible_post_filter
from socialpulse.config import Settings
from socialpulse.warehouse import transaction

SEGMENTS = ("all", "department", "location")
_DIRECTORY_SEGMENTS = "('company', 'department', 'location', 'employee_type')"

# Which pushes and pulls a query covers: fixed fragments, their values always `?` parameters.
_EVERY_POST = ""
_IN_PERIOD = "AND p.created_at >= ? AND p.created_at < ?"
_ONE_POST = "AND p.post_id = ?"


def _people(where: str) -> str:
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


def check_in_answer_rates(con: duckdb.DuckDBPyConnection, period: Period) -> pd.DataFrame:
    """Per check-in posted in the period: audience, people who answered, answer rate (%),
    median minutes to answer. Computed live (no privacy folding: one row per check-in, whose
    audience is the whole channel) so the KPI table needs no prior `pulse analyze`."""
    return con.execute(
        _people(_IN_PERIOD)
        + """
        SELECT t.post_id, t.created_at, t.channel, count(p.person) AS audience,
               count(p.responded_at) AS answered,
               round(100.0 * count(p.responded_at) / nullif(count(p.person), 0), 1)
                   AS answer_rate,
               median(p.minutes) AS median_minutes_to_answer
        FROM targets t LEFT JOIN people p USING (post_id)
        WHERE t.kind = 'check-in'
        GROUP BY t.post_id, t.created_at, t.channel ORDER BY t.created_at, t.post_id
        """,
        [period.since, period.until],
    ).df()


def refresh_push_pull(con: duckdb.DuckDBPyConnection, settings: Settings) -> int:
    """Recompute every announcement's reach and every check-in's answers; return rows stored.

    Everything is recomputed each run rather than only posts with new responses: the audience
    follows the directory, so a hire or a move changes old rows too, and the whole job is one
    join of posts x audience (measured: 0.06 s for the default demo's 25 posts x 600 people,
    0.6 s for 50 company-wide announcements x 20,000 people and 24,000 reactions).

    Departments and locations are first folded by the directory-wide privacy floor; then, per
    post, any group whose audience is under the floor joins "Other" (with the next smallest until
    "Other" clears it, so no group can be recovered by subtraction), and a post whose whole
    audience is under the floor is withheld.
    """
    floor = settings.privacy.min_group_size
    mapping = folding(con, floor, ("department", "location")).rename(columns={"reported": "grp"})
    con.register("_push_pull_groups", mapping)
    try:
        with transaction(con):
            con.execute("DELETE FROM push_pull")
            con.execute(
                "INSERT INTO push_pull BY NAME "
                + _people(_EVERY_POST)
                + f"""
                , segmented AS (
                    SELECT post_id, 'all' AS segment_type, 'All' AS grp, responded_at, minutes
                    FROM people
                    UNION ALL
                    SELECT p.post_id, g.segment_type, g.grp, p.responded_at, p.minutes
                    FROM people p JOIN _push_pull_groups g
                        ON g.segment_type = 'department'
                       AND g.value = coalesce(p.department, 'Unknown')
                    WHERE g.grp IS NOT NULL
                    UNION ALL
                    SELECT p.post_id, g.segment_type, g.grp, p.responded_at, p.minutes
                    FROM people p JOIN _push_pull_groups g
                        ON g.segment_type = 'location'
                       AND g.value = coalesce(p.location, 'Unknown')
                    WHERE g.grp IS NOT NULL
                ),
                sizes AS (
                    SELECT post_id, segment_type, grp, count(*) AS n FROM segmented GROUP BY ALL
                ),
                folded AS (
                    SELECT post_id, segment_type, grp,
                           CASE WHEN sum(n) OVER whole < ? THEN NULL
                                WHEN n < ? OR coalesce(sum(n) OVER smaller, 0) BETWEEN 1 AND ? - 1
                                THEN '{OTHER}' ELSE grp END AS reported
                    FROM sizes
                    WINDOW whole AS (PARTITION BY post_id, segment_type),
                           smaller AS (PARTITION BY post_id, segment_type ORDER BY n, grp
                                       ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
                )
                SELECT s.post_id, t.kind, t.created_at, t.channel, s.segment_type,
                       f.reported AS segment_value, count(*) AS audience,
                       count(s.responded_at) AS responded,
                       100.0 * count(s.responded_at) / count(*) AS rate,
                       median(s.minutes) AS median_minutes
                FROM segmented s JOIN folded f USING (post_id, segment_type, grp)
                JOIN targets t USING (post_id)
                WHERE f.reported IS NOT NULL
                GROUP BY ALL
                """,
                [floor, floor, floor],
            )
            return con.execute("SELECT count(*) FROM push_pull").fetchall()[0][0]
    finally:
        con.unregister("_push_pull_groups")


def _stored(con: duckdb.DuckDBPyConnection, kind: str, period: Period, segment: str,
            names: tuple[str, str, str], role: str | None) -> pd.DataFrame:
    """Stored rows of ``kind``; a post in a restricted channel only for the roles it is for."""
    if segment not in SEGMENTS:
        raise ValueError(f"unknown segment {segment!r}; expected one of {', '.join(SEGMENTS)}")
    responded, rate, minutes = names
    visible, visible_params = visible_post_filter(role)
    return con.execute(
        f"""
        SELECT s.post_id, s.created_at, s.channel, left(p.text, 80) AS headline,
               s.segment_value, s.audience, s.responded AS {responded}, s.rate AS {rate},
               s.median_minutes AS {minutes}
        FROM push_pull s JOIN posts p USING (post_id)
        WHERE s.kind = ? AND s.segment_type = ? AND s.created_at >= ? AND s.created_at < ?
          AND {visible}
        ORDER BY s.created_at, s.post_id, s.segment_value
        """,
        [kind, segment, period.since, period.until, *visible_params],
    ).df()


def announcement_reach(
    con: duckdb.DuckDBPyConnection, period: Period, segment: str = "all", *,
    role: str | None = None,
) -> pd.DataFrame:
    """Stored reach of each announcement posted in the period, overall ('all') or per department
    or location; ``reach`` is a percentage of the audience, engaged people only (no readers)."""
    return _stored(con, "announcement", period, segment,
                   ("reached", "reach", "median_minutes_to_respond"), role)


def check_in_answers(
    con: duckdb.DuckDBPyConnection, period: Period, segment: str = "all", *,
    role: str | None = None,
) -> pd.DataFrame:
    """Stored answers to each check-in posted in the period, overall ('all') or per department
    or location, so the crisis team sees where the message did not land."""
    return _stored(con, "check-in", period, segment,
                   ("answered", "answer_rate", "median_minutes_to_answer"), role)


def non_responders(con: duckdb.DuckDBPyConnection, post_id: str) -> pd.DataFrame:
    """The audience members who have not answered check-in ``post_id``, by name where stored.

    This lists individuals, so it bypasses the privacy floor: only authorised roles (the crisis
    team, HR) may see it. It is a separate function so that the access layer, when it comes,
    can gate this one call; nothing else in the module names a person.
    """
    kind = con.execute("SELECT kind FROM posts WHERE post_id = ?", [post_id]).fetchall()
    if not kind or kind[0][0] != "check-in":
        raise ValueError(f"{post_id!r} is not a check-in")
    return con.execute(
        _people(_ONE_POST)
        + """
        SELECT p.person AS pseudonym, a.display_name, p.department, p.location, p.employee_type
        FROM people p JOIN authors a ON a.author_id = p.person
        WHERE p.responded_at IS NULL
        ORDER BY p.department, p.location, p.person
        """,
        [post_id],
    ).df()
