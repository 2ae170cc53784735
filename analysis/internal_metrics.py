"""Internal engagement per ISO week and calendar month, stored so pages and the scorecard only read.

Who counts: the people in the directory today (their segment is known, and the privacy floor is
about them); a contribution is what ``participation.CONTRIBUTIONS`` says. Segments: everyone,
each department, location and employee type folded by the privacy floor, and each internal
channel that is not restricted, withheld in any period where fewer than the floor took part.

Definitions (every row keeps its numerator and denominator; rates are percentages):

- ``dau``: person-days of activity / days of the period, the days clipped to the data (from the
  first to the last day anyone in the directory contributed), so a week still running or the
  first partial month is not diluted by days that have no data yet.
- ``wau``: distinct active people in each ISO week overlapping the period (whole weeks), summed /
  the number of those weeks; for a week, its own distinct active people.
- ``mau``: distinct active people in the month; for a week, in the 28 days ending at its end.
- ``stickiness``: dau / mau x 100. ``active_people``: distinct contributors in the period.
- ``activation``: people whose first contribution is on or before the period's end / the
  segment's directory x 100.
- ``interactive_users``: people of the segment's directory with a contribution in the period /
  that directory x 100 (SWOOP's benchmark: 27%).
- Nielsen's 90-9-1: ``lurker_share`` = people with no contribution / directory x 100; the top 1%
  are the ceil(directory / 100) people with the most contributions (ties by pseudonym, never more
  than the contributors); ``contributor_share`` = the other, light contributors / directory x 100
  (so lurkers + light + top 1% = 100%); ``top1_contribution_share`` = contributions by the top 1%
  / all contributions x 100.
- ``gini``: Gini coefficient of contributions per person of the directory, lurkers included
  (numerator: contributions, denominator: people), by the rank formula
  G = 2 sum(i x_i) / (n sum x) - (n + 1) / n over the n values sorted ascending.
- ``reply_rate``: threads started in the period with a reply by someone other than their author /
  threads x 100; ``median_minutes_to_first_reply`` over the answered ones (denominator: how many).

A channel has no directory of its own, so it gets the activity and thread metrics only.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from analysis.participation import (
    CONTRIBUTION_EVENTS,
    THREADS,
)
from analysis.privacy_floor import folded_directory
from socialpulse.config import Settings
from socialpulse.warehouse.loader import transaction

GRAINS = ("week", "month")
SEGMENT_TYPES = ("all", "department", "location", "employee_type", "channel")
ALL_EMPLOYEES = "All employees"
METRICS = (
    "dau",
    "wau",
    "mau",
    "stickiness",
    "active_people",
    "activation",
    "interactive_users",
    "lurker_share",
    "contributor_share",
    "top1_contribution_share",
    "gini",
    "reply_rate",
    "median_minutes_to_first_reply",
)
DIRECTORY_METRICS = (
    "activation",
    "interactive_users",
    "lurker_share",
    "contributor_share",
    "top1_contribution_share",
    "gini",
)

# The week or month a moment falls in, for each grain.
_BY_GRAIN = " UNION ALL ".join(
    f"SELECT '{g}' AS grain, date_trunc('{g}', {{column}})::DATE AS period_start, * FROM {{source}}"
    for g in GRAINS
)

_STAGING = {
    # Each directory person's segments, as the privacy floor lets them be reported.
    "_im_members": """
        SELECT 'all' AS segment_type, '{all}' AS segment_value, person FROM _im_people
        WHERE (SELECT count(*) FROM _im_people) >= $floor
        UNION ALL SELECT 'department', department, person FROM _im_people
        WHERE department IS NOT NULL
        UNION ALL SELECT 'location', location, person FROM _im_people WHERE location IS NOT NULL
        UNION ALL SELECT 'employee_type', employee_type, person FROM _im_people
        WHERE employee_type IS NOT NULL
    """.replace("{all}", ALL_EMPLOYEES),
    "_im_days": f"""
        SELECT e.person, e.channel_id, e.created_at::DATE AS day, count(*) AS n
        FROM ({CONTRIBUTION_EVENTS}) e WHERE e.person IN (SELECT person FROM _im_people)
        GROUP BY ALL
    """,
    # Contributions per segment, person and day: directory segments and open channels.
    "_im_segment_days": """
        SELECT m.segment_type, m.segment_value, d.person, d.day, d.n
        FROM (SELECT person, day, sum(n) AS n FROM _im_days GROUP BY ALL) d
        JOIN _im_members m USING (person)
        UNION ALL
        SELECT 'channel', d.channel_id, d.person, d.day, d.n FROM _im_days d
        JOIN channels c ON c.channel_id = d.channel_id AND c.sensitivity <> 'restricted'
    """,
    "_im_periods": """
        WITH span AS (SELECT min(day) AS first_day, max(day) AS last_day FROM _im_days),
        starts AS (
            SELECT 'week' AS grain, unnest(generate_series(
                date_trunc('week', first_day)::TIMESTAMP, last_day::TIMESTAMP, INTERVAL 7 DAY
            ))::DATE AS period_start FROM span
            UNION ALL
            SELECT 'month', unnest(generate_series(
                date_trunc('month', first_day)::TIMESTAMP, last_day::TIMESTAMP, INTERVAL 1 MONTH
            ))::DATE FROM span
        ),
        bounds AS (
            SELECT grain, period_start, (period_start + CASE grain WHEN 'week'
                   THEN INTERVAL 7 DAY ELSE INTERVAL 1 MONTH END)::DATE AS period_end
            FROM starts
        )
        SELECT b.*, date_diff('day', greatest(b.period_start, s.first_day),
                              least(b.period_end, s.last_day + 1)) AS days
        FROM bounds b, span s
    """,
    "_im_person_periods": f"""
        SELECT grain, period_start, segment_type, segment_value, person,
               sum(n) AS n, count(*) AS days
        FROM ({_BY_GRAIN.format(column="day", source="_im_segment_days")}) GROUP BY ALL
    """,
}

_WIDE = f"""
WITH sizes AS (
    SELECT segment_type, segment_value, count(*) AS people FROM _im_members GROUP BY ALL
),
activity AS (
    SELECT grain, period_start, segment_type, segment_value, count(*) AS active,
           sum(days) AS person_days, sum(n) AS contributions
    FROM _im_person_periods GROUP BY ALL
),
weekly AS (SELECT * FROM activity WHERE grain = 'week'),
wau AS (
    SELECT p.grain, p.period_start, w.segment_type, w.segment_value, sum(w.active) AS active_sum
    FROM _im_periods p JOIN weekly w
      ON w.period_start < p.period_end AND w.period_start + 7 > p.period_start
    GROUP BY ALL
),
weeks AS (
    SELECT p.grain, p.period_start, count(*) AS weeks
    FROM _im_periods p JOIN _im_periods w
      ON w.grain = 'week' AND w.period_start < p.period_end AND w.period_start + 7 > p.period_start
    GROUP BY ALL
),
mau_week AS (
    SELECT 'week' AS grain, (period_start + (7 * k)::INTEGER)::DATE AS period_start, segment_type,
           segment_value, count(DISTINCT person) AS mau
    FROM _im_person_periods, range(4) t(k) WHERE grain = 'week' GROUP BY ALL
),
firsts AS (
    SELECT segment_type, segment_value, min(day) AS first_day FROM _im_segment_days
    WHERE segment_type <> 'channel' GROUP BY segment_type, segment_value, person
),
newly_active AS (
    SELECT grain, period_start, segment_type, segment_value, count(*) AS people
    FROM ({_BY_GRAIN.format(column="first_day", source="firsts")}) GROUP BY ALL
),
ranked AS (
    SELECT pp.grain, pp.period_start, pp.segment_type, pp.segment_value, pp.n, s.people,
           row_number() OVER (PARTITION BY pp.grain, pp.period_start, pp.segment_type,
                              pp.segment_value ORDER BY pp.n DESC, pp.person) AS rank_desc,
           row_number() OVER (PARTITION BY pp.grain, pp.period_start, pp.segment_type,
                              pp.segment_value ORDER BY pp.n) AS rank_asc
    FROM _im_person_periods pp JOIN sizes s USING (segment_type, segment_value)
),
inequality AS (
    SELECT grain, period_start, segment_type, segment_value,
           sum(n) FILTER (rank_desc <= ceil(people / 100)) AS top_contributions,
           least(ceil(any_value(people) / 100), count(*)) AS heavy,
           sum(n * rank_asc) AS rank_weighted
    FROM ranked GROUP BY ALL
),
threads AS (
    SELECT * FROM ({THREADS}) WHERE person IN (SELECT person FROM _im_people)
),
thread_segments AS (
    SELECT m.segment_type, m.segment_value, t.created_at, t.first_reply
    FROM threads t JOIN _im_members m USING (person)
    UNION ALL
    SELECT 'channel', t.channel_id, t.created_at, t.first_reply FROM threads t
    JOIN channels c ON c.channel_id = t.channel_id AND c.sensitivity <> 'restricted'
),
thread_stats AS (
    SELECT grain, period_start, segment_type, segment_value, count(*) AS threads,
           count(first_reply) AS answered,
           median((epoch(first_reply) - epoch(created_at)) / 60) AS median_minutes
    FROM ({_BY_GRAIN.format(column="created_at", source="thread_segments")}) GROUP BY ALL
),
frame AS (
    SELECT p.*, s.segment_type, s.segment_value, s.people
    FROM _im_periods p CROSS JOIN sizes s
    UNION ALL
    SELECT p.*, a.segment_type, a.segment_value, NULL
    FROM _im_periods p JOIN activity a USING (grain, period_start)
    WHERE a.segment_type = 'channel' AND a.active >= $floor
)
SELECT f.grain, f.period_start, f.segment_type, f.segment_value, f.people, f.days,
       coalesce(a.active, 0) AS active, coalesce(a.person_days, 0) AS person_days,
       coalesce(a.contributions, 0) AS contributions,
       coalesce(w.active_sum, 0) AS active_sum, k.weeks,
       CASE f.grain WHEN 'week' THEN coalesce(m.mau, 0) ELSE coalesce(a.active, 0) END AS mau,
       sum(coalesce(n.people, 0)) OVER (PARTITION BY f.grain, f.segment_type, f.segment_value
                                        ORDER BY f.period_start) AS ever_active,
       coalesce(i.top_contributions, 0) AS top_contributions, coalesce(i.heavy, 0) AS heavy,
       coalesce(i.rank_weighted, 0) AS rank_weighted,
       coalesce(t.threads, 0) AS threads, coalesce(t.answered, 0) AS answered,
       t.median_minutes
FROM frame f
LEFT JOIN activity a USING (grain, period_start, segment_type, segment_value)
LEFT JOIN wau w USING (grain, period_start, segment_type, segment_value)
LEFT JOIN weeks k USING (grain, period_start)
LEFT JOIN mau_week m USING (grain, period_start, segment_type, segment_value)
LEFT JOIN newly_active n USING (grain, period_start, segment_type, segment_value)
LEFT JOIN inequality i USING (grain, period_start, segment_type, segment_value)
LEFT JOIN thread_stats t USING (grain, period_start, segment_type, segment_value)
"""


def _metric(name: str, numerator: str, denominator: str, value: str) -> str:
    return (
        f"{{'metric': '{name}', 'numerator': ({numerator})::DOUBLE, "
        f"'denominator': ({denominator})::DOUBLE, 'value': ({value})::DOUBLE}}"
    )


# Wide rows to one row per metric; a zero denominator gives no value rather than zero.
_LONG = f"""
WITH wide AS ({_WIDE}),
long AS (
    SELECT grain, period_start, segment_type, segment_value, unnest([
        {_metric("dau", "person_days", "days", "person_days / nullif(days, 0)")},
        {_metric("wau", "active_sum", "weeks", "active_sum / nullif(weeks, 0)")},
        {_metric("mau", "mau", "NULL", "mau")},
        {
    _metric(
        "stickiness",
        "person_days / nullif(days, 0)",
        "mau",
        "100 * person_days / nullif(days, 0) / nullif(mau, 0)",
    )
},
        {_metric("active_people", "active", "NULL", "active")},
        {_metric("activation", "ever_active", "people", "100 * ever_active / people")},
        {_metric("interactive_users", "active", "people", "100 * active / people")},
        {_metric("lurker_share", "people - active", "people", "100 * (people - active) / people")},
        {
    _metric("contributor_share", "active - heavy", "people", "100 * (active - heavy) / people")
},
        {
    _metric(
        "top1_contribution_share",
        "top_contributions",
        "contributions",
        "100 * top_contributions / nullif(contributions, 0)",
    )
},
        {
    _metric(
        "gini",
        "contributions",
        "people",
        "2 * ((people - active) * contributions + rank_weighted)"
        " / nullif(people * contributions, 0) - (people + 1) / people",
    )
},
        {_metric("reply_rate", "answered", "threads", "100 * answered / nullif(threads, 0)")},
        {_metric("median_minutes_to_first_reply", "NULL", "answered", "median_minutes")},
    ]) AS m
    FROM wide
)
SELECT grain, period_start, segment_type, segment_value, m.metric, m.numerator, m.denominator,
       m.value
FROM long
WHERE segment_type <> 'channel'
   OR m.metric NOT IN ({", ".join(f"'{name}'" for name in DIRECTORY_METRICS)})
"""


def compute_internal_metrics(con: duckdb.DuckDBPyConnection, min_group_size: int) -> pd.DataFrame:
    """Every metric for every week, month and reportable segment, as rows of
    ``internal_metrics`` (without ``computed_at``)."""
    staged = ["_im_people", *_STAGING]
    try:
        with folded_directory(con, min_group_size) as people_sql:
            con.execute(f"CREATE OR REPLACE TEMP TABLE _im_people AS {people_sql}")
        for name, sql in _STAGING.items():
            params = {"floor": min_group_size} if "$floor" in sql else {}
            con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {sql}", params)
        return con.execute(_LONG, {"floor": min_group_size}).df()
    finally:
        for name in staged:
            con.execute(f"DROP TABLE IF EXISTS {name}")


def refresh_internal_metrics(con: duckdb.DuckDBPyConnection, settings: Settings) -> int:
    """Recompute ``internal_metrics`` in full and replace it in one transaction; return the rows
    written. A full recompute keeps no row for a group that has since fallen under the floor."""
    rows = compute_internal_metrics(con, settings.privacy.min_group_size)
    rows["computed_at"] = pd.Timestamp.now(tz="UTC").tz_localize(None)
    con.register("_im_rows", rows)
    try:
        with transaction(con):
            con.execute("DELETE FROM internal_metrics")
            con.execute("INSERT INTO internal_metrics BY NAME SELECT * FROM _im_rows")
    finally:
        con.unregister("_im_rows")
    return len(rows)


def internal_metric_series(
    con: duckdb.DuckDBPyConnection,
    metric: str,
    grain: str,
    segment_type: str,
    start: date,
    end: date,
) -> pd.DataFrame:
    """One stored metric for every week or month overlapping ``start``..``end`` and every value
    of the segment: period_start, segment_value, numerator, denominator, value."""
    for name, value, allowed in (
        ("metric", metric, METRICS),
        ("grain", grain, GRAINS),
        ("segment_type", segment_type, SEGMENT_TYPES),
    ):
        if value not in allowed:
            raise ValueError(f"unknown {name} {value!r}; expected one of {', '.join(allowed)}")
    return con.execute(
        """
        SELECT period_start, segment_value, numerator, denominator, value
        FROM internal_metrics
        WHERE metric = ? AND grain = ? AND segment_type = ?
          AND period_start BETWEEN date_trunc(?, ?::DATE) AND ?
        ORDER BY period_start, segment_value
        """,
        [metric, grain, segment_type, grain, start, end],
    ).df()
