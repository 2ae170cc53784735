"""Engagement per department x location cell, in one query for the whole grid.

A grid of cells invites differencing: the headline figures show any department's or location's
total, so a row total minus its visible cells gives the withheld ones. The privacy floor is
therefore applied in two passes:

1. Primary: a cell of fewer than the floor people is withheld; with an employee-type filter, so
   is a cell whose people outside the chosen types, or of any one chosen type (when several
   are chosen), number 1 to floor - 1 (the same differencing ``privacy_floor.selection_problem``
   refuses for a summary).
2. Complementary: while a department row or a location column has withheld cells whose people
   add up to 1 to floor - 1, or exactly one withheld cell with people in it, its smallest
   visible cell is withheld too. The first condition keeps what a total gives away at the
   floor or above. The second stops a chain: in Sales (HQ 6, Remote 3) x Ops (HQ 7, Remote 8),
   withholding Sales Remote, then Sales HQ for its row and Ops Remote for its column, leaves
   HQ with one withheld cell: the HQ total minus Ops HQ gives Sales HQ (6), and the Sales
   total minus that gives Sales Remote (3). With two withheld cells in every line they sit in
   rectangles whose cells the totals cannot separate. Withholding one cell can expose its
   other line, so this repeats until nothing changes (a few rounds on a grid of tens of cells).

A withheld cell carries no number at all, not even its headcount, and primary and
complementary cells say the same thing, so nobody can tell which one is the small group.
Departments and locations are those ``privacy.folded_directory`` reports ("Other" for folded
groups; Legal in the demo is never named).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import duckdb
import pandas as pd

from analysis.participation import CONTRIBUTIONS, PERIOD_THREADS
from analysis.period import Period
from analysis.privacy_floor import OTHER, SEGMENTS, folded_directory
from socialpulse.config import DEFAULT_MIN_GROUP_SIZE

COLUMNS = [
    "department",
    "location",
    "people",
    "numerator",
    "denominator",
    "value",
    "withheld",
    "reason",
]
# What a withheld cell says instead of a number: the same for both passes (see above).
WITHHELD_REASON = "privacy floor: a group below it, or a cell that would reveal one"

# metric -> (numerator, denominator, scale) over the cell's chosen people ``s`` with their
# activity ``a`` and threads ``t``: value = numerator / denominator x scale, or the numerator
# itself when there is no denominator.
# The people of ``participation.CONTRIBUTIONS`` in the period, each once.
ACTIVE = f"""
    SELECT DISTINCT person FROM ({CONTRIBUTIONS})
    WHERE created_at >= $since AND created_at < $until
"""
_THREADS = f"""
    SELECT person, count(*) AS threads, count(first_reply) AS answered FROM ({PERIOD_THREADS})
    GROUP BY person
"""
_NO_ACTIVE = "SELECT NULL::VARCHAR AS person WHERE false"
_NO_THREADS = "SELECT NULL::VARCHAR AS person, 0 AS threads, 0 AS answered WHERE false"
METRICS = {
    # share of the cell's people with a contribution in the period (SWOOP)
    "interactive_users": ("count(a.person) FILTER (s.chosen)", "count(*) FILTER (s.chosen)", 100.0),
    "active_people": ("count(a.person) FILTER (s.chosen)", "NULL", None),
    # threads the cell's people started that someone else answered / those threads
    "reply_rate": (
        "coalesce(sum(t.answered) FILTER (s.chosen), 0)",
        "coalesce(sum(t.threads) FILTER (s.chosen), 0)",
        100.0,
    ),
}

_GRID = """
WITH directory AS ({people}),
selected AS (
    SELECT person, department, location, employee_type, {chosen} AS chosen FROM directory
    WHERE department IS NOT NULL AND location IS NOT NULL AND {where}
),
active AS ({active}),
threads AS ({threads}),
per_type AS (
    SELECT department, location, employee_type, count(*) AS n FROM selected
    WHERE chosen GROUP BY ALL
),
parts AS (
    SELECT department, location, bool_or(n BETWEEN 1 AND $floor - 1) AS small_part
    FROM per_type GROUP BY ALL
),
cells AS (
    SELECT s.department, s.location, count(*) AS everyone,
           count(*) FILTER (s.chosen) AS people, {numerator} AS numerator,
           {denominator} AS denominator
    FROM selected s LEFT JOIN active a USING (person) LEFT JOIN threads t USING (person)
    GROUP BY ALL
),
grid AS (
    SELECT d.department, l.location
    FROM (SELECT DISTINCT department FROM selected) d,
         (SELECT DISTINCT location FROM selected) l
)
SELECT g.department, g.location, coalesce(c.everyone, 0) AS everyone,
       coalesce(c.people, 0) AS people, coalesce(c.numerator, 0)::DOUBLE AS numerator,
       c.denominator::DOUBLE AS denominator,
       coalesce(p.small_part, false) AS small_part
FROM grid g LEFT JOIN cells c USING (department, location)
LEFT JOIN parts p USING (department, location)
ORDER BY g.department = '{other}', g.department, g.location = '{other}', g.location
"""


def _conditions(filters: Mapping[str, Sequence[str]]) -> tuple[str, str, dict]:
    """The WHERE for departments and locations (they pick rows and columns) and the flag for
    employee types (they pick people inside every cell), with their named parameters."""
    where, chosen, params = ["TRUE"], ["TRUE"], {}
    for segment, values in filters.items():
        if segment not in SEGMENTS:
            raise ValueError(f"unknown segment {segment!r}; expected one of {', '.join(SEGMENTS)}")
        if values:
            condition = f"list_contains(${segment}::VARCHAR[], {segment})"
            (chosen if segment == "employee_type" else where).append(condition)
            params[segment] = list(values)
    return " AND ".join(where), " AND ".join(chosen), params


def _metric_sql(metric: str) -> dict[str, str]:
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}; expected one of {', '.join(METRICS)}")
    numerator, denominator, _ = METRICS[metric]
    needs = f"{numerator} {denominator}"
    return {
        "numerator": numerator,
        "denominator": denominator,
        "active": ACTIVE if "a.person" in needs else _NO_ACTIVE,
        "threads": _THREADS if "t." in needs else _NO_THREADS,
    }


def complementary_suppression(
    cells: pd.DataFrame, withheld: pd.Series, min_group_size: int
) -> pd.Series:
    """Withhold, in each row and column whose withheld cells hold 1 to floor - 1 people or
    whose only withheld cell with people could be recovered from the total, its smallest
    visible cell (fewest people, then by name), until no line gives a cell away.
    ``cells`` has department, location, people; ``withheld`` the primary pass."""
    withheld = withheld.copy()
    while True:
        added = False
        for line in ("department", "location"):
            hidden = cells["people"].where(withheld, 0)
            total = hidden.groupby(cells[line]).transform("sum")
            alone = (hidden > 0).groupby(cells[line]).transform("sum") == 1
            exposed = total.between(1, min_group_size - 1) | alone
            candidates = cells[exposed & ~withheld]
            if candidates.empty:
                continue
            smallest = (
                candidates.sort_values(["people", "department", "location"])
                .groupby(line)
                .head(1)
                .index
            )
            withheld[smallest] = True
            added = True
        if not added:
            return withheld


def segment_grid(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    filters: Mapping[str, Sequence[str]] | None = None,
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
    metric: str = "interactive_users",
) -> pd.DataFrame:
    """``metric`` for every reported department x location cell of the people the filters
    select (values as ``privacy_floor.selectable_values`` offers them), in one query.

    Columns: department, location, people, numerator, denominator, value, withheld, reason;
    people, numerator, denominator and value are missing (NaN) wherever ``withheld`` is true.
    Department and location filters pick the rows and columns; employee-type filters the
    people inside each cell. ``interactive_users`` = people of the cell with a contribution in
    the period / people of the cell x 100; ``active_people`` = those people;
    ``reply_rate`` = threads they started that someone else answered / threads x 100.
    """
    parts = _metric_sql(metric)
    scale = METRICS[metric][2]
    filters = {segment: list(values) for segment, values in (filters or {}).items() if values}
    where, chosen, params = _conditions(filters)
    with folded_directory(con, min_group_size) as people_sql:
        sql = _GRID.format(people=people_sql, where=where, chosen=chosen, other=OTHER, **parts)
        named = {"floor": min_group_size, **params}
        if "$since" in sql:
            named.update(since=period.since, until=period.until)
        cells = con.execute(sql, named).df()
    floor = min_group_size
    outside = cells["everyone"] - cells["people"]
    several_types = len(filters.get("employee_type", ())) > 1
    primary = (
        (cells["people"] < floor)
        | outside.between(1, floor - 1)
        | (cells["small_part"] & several_types)
    )
    withheld = complementary_suppression(cells, primary, floor)
    cells["value"] = (
        cells["numerator"]
        if scale is None
        else (scale * cells["numerator"] / cells["denominator"].where(cells["denominator"] > 0))
    )
    shown = ["people", "numerator", "denominator", "value"]
    cells[shown] = cells[shown].astype(float).where(~withheld)
    cells["withheld"] = withheld
    cells["reason"] = withheld.map({True: WITHHELD_REASON, False: None})
    return cells[COLUMNS]
