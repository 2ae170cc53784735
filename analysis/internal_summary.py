"""Headline internal figures for any filter combination, computed live.

``internal_metrics`` stores one segment type at a time; a page that filters by department and
location at once needs the figures of that intersection, so they are computed here from the
warehouse, after the privacy floor has agreed that the selection may be shown. The definitions
are those of ``analysis.internal_metrics``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta

import duckdb

from analysis.participation import CONTRIBUTIONS, PERIOD_THREADS
from analysis.period import Period
from analysis.privacy_floor import (
    BELOW_FLOOR,
    filter_condition,
    folded_directory,
    selection_problem,
)
from socialpulse.config import DEFAULT_MIN_GROUP_SIZE

SUMMARY_METRICS = ("active_people", "interactive_users", "stickiness", "reply_rate", "gini")
STICKINESS_WINDOW_DAYS = 28


_SUMMARY = f"""
WITH directory AS ({{people}}),
chosen AS (SELECT person FROM directory WHERE {{condition}}),
events AS (  -- only the window the figures read: the data's span comes in as parameters
    SELECT person, created_at, created_at::DATE AS day FROM ({CONTRIBUTIONS})
    WHERE person IN (SELECT person FROM directory)
      AND created_at >= $window_since AND created_at < $until
),
span AS (
    SELECT greatest($start, $data_first) AS first_day, least($end, $data_last) AS last_day
),
selected AS (SELECT * FROM events WHERE person IN (SELECT person FROM chosen)),
per_person AS (
    SELECT person, count(*) AS n, count(DISTINCT day) AS days FROM selected
    WHERE created_at >= $since AND created_at < $until GROUP BY person
),
threads AS (
    SELECT * FROM ({PERIOD_THREADS}) WHERE person IN (SELECT person FROM chosen)
)
SELECT (SELECT count(*) FROM chosen) AS people,
       (SELECT count(*) FROM per_person) AS active,
       (SELECT coalesce(sum(days), 0) FROM per_person) AS person_days,
       (SELECT coalesce(sum(n), 0) FROM per_person) AS contributions,
       (SELECT coalesce(sum(n * r), 0)
        FROM (SELECT n, row_number() OVER (ORDER BY n) AS r FROM per_person)) AS rank_weighted,
       (SELECT greatest(coalesce(date_diff('day', first_day, last_day) + 1, 0), 0)
        FROM span) AS days,
       (SELECT count(DISTINCT person) FROM selected
        WHERE created_at >= $mau_since AND created_at < $until) AS mau,
       (SELECT count(*) FROM threads) AS threads,
       (SELECT count(first_reply) FROM threads) AS answered
"""


def _ratio(numerator: float, denominator: float, scale: float = 100.0) -> float | None:
    return scale * numerator / denominator if denominator else None


def contribution_span(con: duckdb.DuckDBPyConnection) -> tuple[date | None, date | None]:
    """The first and last day any directory member contributed: what a period is clipped to.
    It reads every contribution, so a dashboard computes it once per warehouse version and
    passes it in (``span``), and a filter change reads only its own weeks."""
    return tuple(
        con.execute(
            f"SELECT min(created_at)::DATE, max(created_at)::DATE FROM ({CONTRIBUTIONS}) "
            "WHERE person IN (SELECT author_id FROM authors WHERE scope = 'internal' "
            "AND in_directory)"
        ).fetchall()[0]
    )


def internal_summary(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    filters: Mapping[str, Sequence[str]] | None = None,
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
    span: tuple[date | None, date | None] | None = None,
) -> dict:
    """Headline figures for the people any department / location / employee_type filters select.

    Filter values are the reported ones ("Other" stands for every group folded into it; an
    empty list does not filter). The result says ``withheld: True`` with ``reason`` =
    ``BELOW_FLOOR`` and no figure (not even the headcount) when the privacy floor forbids the
    selection: see ``privacy_floor.selection_problem``. Stickiness compares the mean daily active
    people over the period with those active in the period, or in the 28 days ending at its end
    when the period is shorter (as the stored weeks and months do).
    """
    filters = {segment: list(values) for segment, values in (filters or {}).items() if values}
    result = {"period": (period.start, period.end), "filters": filters}
    with folded_directory(con, min_group_size) as people_sql:
        problem = selection_problem(con, people_sql, filters, min_group_size)
        if problem:
            return {
                **result,
                "withheld": True,
                "reason": BELOW_FLOOR,
                "detail": problem,
                "people": None,
                "metrics": {},
            }
        condition, named = filter_condition(filters)
        sql = _SUMMARY.format(people=people_sql, condition=condition)
        first, last = span if span is not None else contribution_span(con)
        mau_since = min(period.since, period.until - timedelta(days=STICKINESS_WINDOW_DAYS))
        row = con.execute(
            sql,
            {
                **named,
                "start": period.start,
                "end": period.end,
                "since": period.since,
                "until": period.until,
                "mau_since": mau_since,
                "window_since": min(mau_since, period.since),
                "data_first": first,
                "data_last": last,
            },
        ).fetchall()[0]
    return {
        **result,
        "withheld": False,
        "reason": None,
        "detail": None,
        "people": row[0],
        "metrics": _summary_metrics(*row),
    }


def _summary_metrics(
    people: int,
    active: int,
    person_days: int,
    contributions: int,
    rank_weighted: int,
    days: int,
    mau: int,
    threads: int,
    answered: int,
) -> dict[str, dict]:
    """The summary's figures, each with its numerator and denominator, from the counts that
    ``_SUMMARY`` returns."""
    dau = person_days / days if days else None
    gini = (
        (
            2 * ((people - active) * contributions + rank_weighted) / (people * contributions)
            - (people + 1) / people
        )
        if contributions
        else None
    )
    return {
        "active_people": {"numerator": active, "denominator": None, "value": active},
        "interactive_users": {
            "numerator": active,
            "denominator": people,
            "value": _ratio(active, people),
        },
        "stickiness": {
            "numerator": dau,
            "denominator": mau,
            "value": _ratio(dau, mau) if dau is not None else None,
        },
        "reply_rate": {
            "numerator": answered,
            "denominator": threads,
            "value": _ratio(answered, threads),
        },
        "gini": {"numerator": contributions, "denominator": people, "value": gini},
    }
