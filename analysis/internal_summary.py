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


# The threads of the periods' window and their replies, the replies read from internal channels
# only, so the replies among external mentions never reach the join.
INTERNAL_THREADS = (
    PERIOD_THREADS.replace(
        "AND created_at >= $since",
        "AND created_at >= $window_since AND channel_id IN "
        "(SELECT channel_id FROM channels WHERE scope = 'internal')",
    )
    .replace("$since", "$window_since")
    .replace("$until", "$window_until")
)

# Several periods in one pass (this one and the one before, for the change): every figure is
# grouped by the period ``k`` its rows fall in, over one read of the periods' whole window.
_SUMMARY = f"""
WITH directory AS ({{people}}),
chosen AS (SELECT person FROM directory WHERE {{condition}}),
periods AS (
    SELECT * FROM (VALUES {{periods}}) p(k, p_start, p_end, p_since, p_until, p_mau_since)
),
events AS (  -- CONTRIBUTIONS of the directory's people, read only over the periods' window
    -- (the data's span comes in as parameters); employees post only in internal channels, so
    -- their authorship picks the internal posts without joining every post to its channel
    SELECT person, created_at, created_at::DATE AS day FROM (
        SELECT author_id AS person, created_at FROM posts
        WHERE created_at >= $window_since AND created_at < $window_until
        UNION ALL
        SELECT actor_id, created_at FROM interactions
        WHERE kind IN ('reaction', 'mention')
          AND created_at >= $window_since AND created_at < $window_until
    )
    WHERE person IN (SELECT person FROM directory)
),
selected AS (SELECT * FROM events WHERE person IN (SELECT person FROM chosen)),
per_person AS (
    SELECT k, person, count(*) AS n, count(DISTINCT day) AS days
    FROM selected JOIN periods ON created_at >= p_since AND created_at < p_until
    GROUP BY k, person
),
active AS (
    SELECT k, count(*) AS active, sum(days) AS person_days, sum(n) AS contributions,
           sum(n * r) AS rank_weighted
    FROM (SELECT *, row_number() OVER (PARTITION BY k ORDER BY n) AS r FROM per_person)
    GROUP BY k
),
mau AS (
    SELECT k, count(DISTINCT person) AS mau
    FROM selected JOIN periods ON created_at >= p_mau_since AND created_at < p_until
    GROUP BY k
),
threads AS (
    SELECT k, count(*) AS threads, count(first_reply) AS answered
    FROM ({INTERNAL_THREADS})
    t JOIN periods ON t.created_at >= p_since AND t.created_at < p_until
    WHERE t.person IN (SELECT person FROM chosen)
    GROUP BY k
)
SELECT (SELECT count(*) FROM chosen) AS people,
       coalesce(a.active, 0), coalesce(a.person_days, 0), coalesce(a.contributions, 0),
       coalesce(a.rank_weighted, 0),
       greatest(coalesce(date_diff('day', greatest(p.p_start, $data_first),
                                   least(p.p_end, $data_last)) + 1, 0), 0) AS days,
       coalesce(m.mau, 0), coalesce(t.threads, 0), coalesce(t.answered, 0)
FROM periods p LEFT JOIN active a USING (k) LEFT JOIN mau m USING (k)
LEFT JOIN threads t USING (k)
ORDER BY p.k
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
    return internal_summaries(con, [period], filters, min_group_size, span)[0]


def internal_summaries(
    con: duckdb.DuckDBPyConnection,
    periods: Sequence[Period],
    filters: Mapping[str, Sequence[str]] | None = None,
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
    span: tuple[date | None, date | None] | None = None,
) -> list[dict]:
    """``internal_summary`` of each period (the same people), computed in one statement."""
    filters = {segment: list(values) for segment, values in (filters or {}).items() if values}
    results = [{"period": (p.start, p.end), "filters": filters} for p in periods]
    with folded_directory(con, min_group_size) as people_sql:
        problem = selection_problem(con, people_sql, filters, min_group_size)
        if problem:
            withheld = {"withheld": True, "reason": BELOW_FLOOR, "detail": problem}
            return [{**r, **withheld, "people": None, "metrics": {}} for r in results]
        condition, named = filter_condition(filters)
        first, last = span if span is not None else contribution_span(con)
        values, bounds = [], {}
        for k, period in enumerate(periods):
            mau_since = min(period.since, period.until - timedelta(days=STICKINESS_WINDOW_DAYS))
            values.append(
                f"({k}, $start_{k}::DATE, $end_{k}::DATE, $since_{k}::TIMESTAMP, "
                f"$until_{k}::TIMESTAMP, $mau_{k}::TIMESTAMP)"
            )
            bounds.update(
                {
                    f"start_{k}": period.start,
                    f"end_{k}": period.end,
                    f"since_{k}": period.since,
                    f"until_{k}": period.until,
                    f"mau_{k}": mau_since,  # never after the period's own start
                }
            )
        sql = _SUMMARY.format(people=people_sql, condition=condition, periods=", ".join(values))
        rows = con.execute(
            sql,
            {
                **named,
                **bounds,
                "window_since": min(bounds[f"mau_{k}"] for k in range(len(periods))),
                "window_until": max(p.until for p in periods),
                "data_first": first,
                "data_last": last,
            },
        ).fetchall()
    return [
        {
            **r,
            "withheld": False,
            "reason": None,
            "detail": None,
            "people": row[0],
            "metrics": _summary_metrics(*row),
        }
        for r, row in zip(results, rows, strict=True)
    ]


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
