"""Whether departments and locations talk to each other: the ``network_flow`` table and its
readers.

An edge is one reply, reaction or @mention from one person to another (a person answering
themselves is no edge). ``network_flow`` holds edges per calendar month from the actor's
department to the target's (and location to location). Segments are folded by the privacy floor
before counting, so every stored figure is safe to show; two small departments folded into
"Other" talk *inside* "Other". Edges touching someone outside the HR directory are left out:
they belong to no segment.

Flow share = cross-segment edges / all edges x 100; the E-I index of a segment = (external -
internal) / (external + internal) (Krackhardt and Stern, 1988): -1 talks only to itself, +1 only
to others.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager

import duckdb
import pandas as pd

from analysis.period import Period
from analysis.privacy_floor import filter_condition, folded_directory, folding, selection_problem
from socialpulse.config import DEFAULT_MIN_GROUP_SIZE

FLOW_SEGMENTS = ("department", "location")
EDGE_KINDS = ("reply", "reaction", "mention")


def _edges_sql(segment: str) -> str:
    """Edges between directory employees with each end's reported group (``_network_groups``)."""
    return f"""
        SELECT i.created_at, gs.reported AS source_value, gt.reported AS target_value
        FROM interactions i
        JOIN authors s ON s.author_id = i.actor_id AND s.in_directory
        JOIN authors t ON t.author_id = i.target_id AND t.in_directory
        JOIN _network_groups gs ON gs.value = coalesce(s.{segment}, 'Unknown')
        JOIN _network_groups gt ON gt.value = coalesce(t.{segment}, 'Unknown')
        WHERE i.kind IN {EDGE_KINDS} AND i.actor_id <> i.target_id
          AND gs.reported IS NOT NULL AND gt.reported IS NOT NULL
    """


def compute_flow(con: duckdb.DuckDBPyConnection, segment: str, min_group_size: int) -> pd.DataFrame:
    """Edges per month from one reported group to another (privacy floor applied)."""
    if segment not in FLOW_SEGMENTS:
        raise ValueError(f"unknown segment {segment!r}; expected department or location")
    con.register("_network_groups", folding(con, min_group_size, (segment,)))
    try:
        return con.execute(
            f"""
            SELECT date_trunc('month', created_at)::DATE AS period_start,
                   ? AS segment_type, source_value, target_value, count(*) AS edges
            FROM ({_edges_sql(segment)}) GROUP BY ALL ORDER BY ALL
            """,
            [segment],
        ).df()
    finally:
        con.unregister("_network_groups")


# The stored flow of the months that overlap a period (the table is monthly); parameters from
# ``_flow_params``.
STORED_FLOW = """
    SELECT source_value, target_value, sum(edges) AS edges FROM network_flow
    WHERE segment_type = $segment AND period_start >= date_trunc('month', $start::DATE)
      AND period_start <= $end::DATE
    GROUP BY ALL
"""


# The same months computed from ``interactions`` for the people a filter selects: the edges that
# involve at least one of them (made or received), between groups folded as the stored ones are.
# Parameters: the filter's, and the period's start and end.
SELECTED_FLOW = """
    WITH people AS ({people}),
    chosen AS (SELECT person FROM people WHERE {condition})
    SELECT s.{segment} AS source_value, t.{segment} AS target_value, count(*) AS edges
    FROM interactions i
    JOIN people s ON s.person = i.actor_id JOIN people t ON t.person = i.target_id
    WHERE i.kind IN {kinds} AND i.actor_id <> i.target_id
      AND i.created_at >= date_trunc('month', $start::DATE)
      AND i.created_at < date_trunc('month', $end::DATE) + INTERVAL 1 MONTH
      AND s.{segment} IS NOT NULL AND t.{segment} IS NOT NULL
      AND (i.actor_id IN (SELECT person FROM chosen) OR i.target_id IN (SELECT person FROM chosen))
    GROUP BY ALL
"""


def _check_segment(segment: str) -> None:
    if segment not in FLOW_SEGMENTS:
        raise ValueError(f"unknown segment {segment!r}; expected department or location")


@contextmanager
def _flow(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    segment: str,
    filters: Mapping[str, Sequence[str]] | None,
    min_group_size: int,
) -> Iterator[tuple[str, dict, list | None, str | None]]:
    """The flow relation (source_value, target_value, edges) the readers below share, its
    named parameters, the rows to keep (the chosen values of ``segment``, None for all) and why the
    privacy floor forbids the selection (None if it does not).

    Without filters: the stored months. With department, location or employee-type filters
    (values as ``privacy_floor.selectable_values`` offers them): the edges that involve a selected
    person, computed live, since ``network_flow`` holds no person; when ``segment`` itself is
    filtered only its chosen groups are rows (another group would show only its edges with
    them), and their E-I indexes equal the unfiltered ones.
    """
    _check_segment(segment)
    months = {"start": period.start, "end": period.end}
    filters = {name: list(values) for name, values in (filters or {}).items() if values}
    if not filters:
        yield STORED_FLOW, {**months, "segment": segment}, None, None
        return
    with folded_directory(con, min_group_size) as people_sql:
        problem = selection_problem(con, people_sql, filters, min_group_size)
        condition, condition_params = filter_condition(filters)
        yield (
            SELECTED_FLOW.format(
                people=people_sql, condition=condition, segment=segment, kinds=EDGE_KINDS
            ),
            {**condition_params, **months},
            filters.get(segment),
            problem,
        )


def _withheld(columns: list[str], reason: str) -> pd.DataFrame:
    frame = pd.DataFrame(columns=columns)
    frame.attrs["withheld"] = reason
    return frame


def flow_share(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    segment: str = "department",
    filters: Mapping[str, Sequence[str]] | None = None,
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
) -> dict[str, float | None]:
    """Edges between different (reported) segments / all edges x 100, over the stored months that
    overlap ``period``; with ``filters``, over the edges that involve the selected people (and
    ``withheld``, with no figure, when the privacy floor forbids the selection)."""
    with _flow(con, period, segment, filters, min_group_size) as (flow, params, _, problem):
        if problem:
            return {"numerator": None, "denominator": None, "value": None, "withheld": problem}
        cross, total = con.execute(
            f"""
            SELECT coalesce(sum(edges) FILTER (source_value <> target_value), 0),
                   coalesce(sum(edges), 0)
            FROM ({flow})
            """,
            params,
        ).fetchall()[0]
    return {
        "numerator": cross,
        "denominator": total,
        "value": 100.0 * cross / total if total else None,
    }


def ei_index(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    segment: str = "department",
    filters: Mapping[str, Sequence[str]] | None = None,
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
) -> pd.DataFrame:
    """Per reported segment: external edges (leaving or entering it), internal edges (both ends
    inside) and the E-I index, most inward-looking first; ``filters`` as for ``flow_share``,
    a withheld selection giving no row and ``attrs["withheld"]``."""
    with _flow(con, period, segment, filters, min_group_size) as (flow, params, rows, problem):
        if problem:
            return _withheld([segment, "external", "internal", "ei_index"], problem)
        return con.execute(
            f"""
            WITH flow AS ({flow}),
            ends AS (
                SELECT source_value AS value, edges, source_value = target_value AS inside
                FROM flow
                UNION ALL
                SELECT target_value, edges, false FROM flow WHERE source_value <> target_value
            )
            SELECT value AS {segment},
                   coalesce(sum(edges) FILTER (NOT inside), 0)::BIGINT AS external,
                   coalesce(sum(edges) FILTER (inside), 0)::BIGINT AS internal,
                   (external - internal) / (external + internal) AS ei_index
            FROM ends WHERE $rows::VARCHAR[] IS NULL OR list_contains($rows::VARCHAR[], value)
            GROUP BY value ORDER BY ei_index, value
            """,
            {**params, "rows": rows},
        ).df()


def silos(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    segment: str = "department",
    threshold: float = -0.6,
) -> pd.DataFrame:
    """Segments whose E-I index is at or below ``threshold``: they talk mostly to themselves."""
    table = ei_index(con, period, segment)
    return table[table["ei_index"] <= threshold].reset_index(drop=True)


def flow_matrix(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    segment: str = "department",
    filters: Mapping[str, Sequence[str]] | None = None,
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
) -> pd.DataFrame:
    """Edges from each reported segment to each other one (and to itself) over the stored months
    that overlap ``period``, with each cell's share of its source's edges (%): the matrix view
    of ``flow_share``. Segments are already folded by the privacy floor when stored; with
    ``filters`` the edges that involve the selected people, as for ``flow_share``."""
    with _flow(con, period, segment, filters, min_group_size) as (flow, params, rows, problem):
        if problem:
            return _withheld(["source", "target", "edges", "share_of_source"], problem)
        return con.execute(
            f"""
            SELECT source_value AS source, target_value AS target, edges::BIGINT AS edges,
                   100.0 * edges / sum(edges) OVER (PARTITION BY source_value) AS share_of_source
            FROM ({flow})
            WHERE $rows::VARCHAR[] IS NULL OR list_contains($rows::VARCHAR[], source_value)
            ORDER BY source, target
            """,
            {**params, "rows": rows},
        ).df()
