"""The internal network: whether departments and locations talk to each other, and who links them.

An edge is one reply, reaction or @mention from one person to another (a person answering
themselves is no edge). ``refresh_network`` stores two views, both read by pages and the maturity
scorecard:

- ``network_flow``: edges per calendar month from the actor's department to the target's (and
  location to location). Segments are folded by the privacy floor before counting, so every stored
  figure is safe to show; two small departments folded into "Other" talk *inside* "Other". Edges
  touching someone outside the HR directory are left out: they belong to no segment.
- ``network_people``: each person's place in the network over the last 90 days of interactions
  (ending at the newest one, so an old import is analysed as of its own date): centrality on an
  undirected graph whose edge weights count interactions, contributions, responses received, a
  persona and whether they bridge silos.

Flow share = cross-segment edges / all edges x 100; the E-I index of a segment = (external -
internal) / (external + internal) (Krackhardt and Stern, 1988): -1 talks only to itself, +1 only
to others.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import duckdb
import networkx as nx
import numpy as np
import pandas as pd

from analysis.participation import CONTRIBUTIONS
from analysis.period import Period
from analysis.privacy_floor import filter_condition, folded_directory, folding, selection_problem
from socialpulse.config import DEFAULT_MIN_GROUP_SIZE, Settings
from socialpulse.warehouse import transaction, upsert

log = logging.getLogger(__name__)

FLOW_SEGMENTS = ("department", "location")
EDGE_KINDS = ("reply", "reaction", "mention")
WINDOW_DAYS = 90

# Betweenness is exact up to this many people; above it, networkx estimates it from
# BETWEENNESS_SAMPLES source nodes drawn with a fixed seed (the same data, the same figures), and
# ``betweenness_method`` says so. Exact betweenness costs O(people x edges).
BETWEENNESS_EXACT_MAX_PEOPLE = 2_000
BETWEENNESS_SAMPLES = 500
BETWEENNESS_SEED = 42

# A bridge has betweenness among the top BRIDGE_TOP_SHARE of the people in the network (at least
# one person) and links people of at least BRIDGE_MIN_DEPARTMENTS departments (their own counts).
BRIDGE_TOP_SHARE = 0.05
BRIDGE_MIN_DEPARTMENTS = 3

# Personas (after SWOOP Analytics), from what a person gives (contributions: posts, replies,
# reactions and @mentions they made) and what they get (responses received: replies, reactions
# and @mentions from others). The first rule that matches wins:
#   Observer    - fewer than ACTIVE_MIN_CONTRIBUTIONS contributions in the window: little activity.
#   Catalyst    - responses received >= CATALYST_RATIO x contributions: their posts draw many
#                 responses relative to what they give.
#   Engager     - responses received >= ENGAGER_RATIO x contributions: gives and gets, balanced.
#   Responder   - otherwise (gets little back), when at least RESPONDER_SHARE of their
#                 contributions respond to others (replies, reactions, @mentions) rather than
#                 start a thread.
#   Broadcaster - otherwise: starts threads that get little response.
ACTIVE_MIN_CONTRIBUTIONS = 5
CATALYST_RATIO = 2.0
ENGAGER_RATIO = 0.5
RESPONDER_SHARE = 0.5


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
    WHERE segment_type = ? AND period_start >= date_trunc('month', ?::DATE)
      AND period_start <= ?::DATE
    GROUP BY ALL
"""


# The same months computed from ``interactions`` for the people a filter selects: the edges that
# involve at least one of them (made or received), between groups folded as the stored ones are.
# Parameters: the filter's, then the period's start and end.
SELECTED_FLOW = """
    WITH people AS ({people}),
    chosen AS (SELECT person FROM people WHERE {condition})
    SELECT s.{segment} AS source_value, t.{segment} AS target_value, count(*) AS edges
    FROM interactions i
    JOIN people s ON s.person = i.actor_id JOIN people t ON t.person = i.target_id
    WHERE i.kind IN {kinds} AND i.actor_id <> i.target_id
      AND i.created_at >= date_trunc('month', ?::DATE)
      AND i.created_at < date_trunc('month', ?::DATE) + INTERVAL 1 MONTH
      AND s.{segment} IS NOT NULL AND t.{segment} IS NOT NULL
      AND (i.actor_id IN (SELECT person FROM chosen) OR i.target_id IN (SELECT person FROM chosen))
    GROUP BY ALL
"""


def _flow_params(period: Period, segment: str) -> list:
    if segment not in FLOW_SEGMENTS:
        raise ValueError(f"unknown segment {segment!r}; expected department or location")
    return [segment, period.start, period.end]


@contextmanager
def _flow(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    segment: str,
    filters: Mapping[str, Sequence[str]] | None,
    min_group_size: int,
) -> Iterator[tuple[str, list, list | None, str | None]]:
    """The flow relation (source_value, target_value, edges) the readers below share, its
    parameters, the rows to keep (the chosen values of ``segment``, None for all) and why the
    privacy floor forbids the selection (None if it does not).

    Without filters: the stored months. With department, location or employee-type filters
    (values as ``privacy.selectable_values`` offers them): the edges that involve a selected
    person, computed live, since ``network_flow`` holds no person; when ``segment`` itself is
    filtered only its chosen groups are rows (another group would show only its edges with
    them), and their E-I indexes equal the unfiltered ones.
    """
    params = _flow_params(period, segment)
    filters = {name: list(values) for name, values in (filters or {}).items() if values}
    if not filters:
        yield STORED_FLOW, params, None, None
        return
    with folded_directory(con, min_group_size) as people_sql:
        problem = selection_problem(con, people_sql, filters, min_group_size)
        condition, condition_params = filter_condition(filters)
        yield (
            SELECTED_FLOW.format(
                people=people_sql, condition=condition, segment=segment, kinds=EDGE_KINDS
            ),
            [*condition_params, period.start, period.end],
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
            FROM ends WHERE ?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], value)
            GROUP BY value ORDER BY ei_index, value
            """,
            [*params, rows, rows],
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


def network_window(con: duckdb.DuckDBPyConnection) -> Period | None:
    """The last ``WINDOW_DAYS`` whole days up to the newest interaction, or None without any."""
    newest = con.execute(
        f"SELECT max(created_at) FROM interactions "
        f"WHERE kind IN {EDGE_KINDS} AND actor_id <> target_id"
    ).fetchall()[0][0]
    if newest is None:
        return None
    return Period(newest.date() - timedelta(days=WINDOW_DAYS - 1), newest.date())


def _pairs(con: duckdb.DuckDBPyConnection, window: Period) -> pd.DataFrame:
    """Undirected pairs of people with the number of interactions between them."""
    return con.execute(
        f"""
        SELECT least(actor_id, target_id) AS a, greatest(actor_id, target_id) AS b,
               count(*) AS weight
        FROM interactions
        WHERE kind IN {EDGE_KINDS} AND actor_id <> target_id
          AND created_at >= ? AND created_at < ?
        GROUP BY ALL ORDER BY a, b
        """,
        [window.since, window.until],
    ).df()


def _activity(con: duckdb.DuckDBPyConnection, window: Period) -> pd.DataFrame:
    """Per person in the directory or active in the window: contributions, threads started,
    responses received, department."""
    return con.execute(
        f"""
        WITH made AS (
            SELECT person, count(*) AS contributions FROM ({CONTRIBUTIONS}) c
            WHERE created_at >= ? AND created_at < ? GROUP BY person
        ),
        started AS (
            SELECT p.author_id AS person, count(*) AS threads_started
            FROM posts p JOIN channels c USING (channel_id)
            WHERE c.scope = 'internal' AND p.parent_id IS NULL
              AND p.created_at >= ? AND p.created_at < ? GROUP BY ALL
        ),
        received AS (
            SELECT target_id AS person, count(*) AS responses_received FROM interactions
            WHERE kind IN {EDGE_KINDS} AND actor_id <> target_id
              AND created_at >= ? AND created_at < ? GROUP BY ALL
        ),
        people AS (
            SELECT author_id AS person FROM authors WHERE scope = 'internal' AND in_directory
            UNION SELECT person FROM made UNION SELECT person FROM received
        )
        SELECT people.person AS person_id, a.department,
               coalesce(made.contributions, 0) AS contributions,
               coalesce(started.threads_started, 0) AS threads_started,
               coalesce(received.responses_received, 0) AS responses_received
        FROM people
        LEFT JOIN made USING (person) LEFT JOIN started USING (person)
        LEFT JOIN received USING (person)
        LEFT JOIN authors a ON a.author_id = people.person
        WHERE people.person IS NOT NULL
        ORDER BY person_id
        """,
        [window.since, window.until] * 3,
    ).df()


def centrality(pairs: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """Degree and betweenness (both normalised over the people with at least one edge) and the
    method used for betweenness.

    Betweenness counts hops, not interaction counts: a tie is a path whether the pair spoke once
    or fifty times, so one chatty pair cannot decide who brokers (and hop counts are about four
    times faster than weighted shortest paths).
    """
    graph = nx.Graph()
    graph.add_weighted_edges_from(pairs[["a", "b", "weight"]].itertuples(index=False))
    people = graph.number_of_nodes()
    if people > BETWEENNESS_EXACT_MAX_PEOPLE:
        method = f"sampled {BETWEENNESS_SAMPLES} of {people} (seed {BETWEENNESS_SEED})"
        log.info("network: betweenness %s", method)
        betweenness = nx.betweenness_centrality(
            graph, k=BETWEENNESS_SAMPLES, normalized=True, seed=BETWEENNESS_SEED
        )
    else:
        method = "exact"
        betweenness = nx.betweenness_centrality(graph, normalized=True)
    degree = nx.degree_centrality(graph) if people > 1 else dict.fromkeys(graph, 0.0)
    return pd.DataFrame(
        {
            "person_id": list(degree),
            "degree": list(degree.values()),
            "betweenness": [betweenness[p] for p in degree],
        }
    ), method


def personas(people: pd.DataFrame) -> np.ndarray:
    """The persona of each row of ``people`` (columns contributions, threads_started,
    responses_received), by the rules documented with the thresholds above."""
    made = people["contributions"].to_numpy(dtype=float)
    got = people["responses_received"].to_numpy(dtype=float)
    responding = made - people["threads_started"].to_numpy(dtype=float)
    return np.select(
        [
            made < ACTIVE_MIN_CONTRIBUTIONS,
            got >= CATALYST_RATIO * made,
            got >= ENGAGER_RATIO * made,
            responding >= RESPONDER_SHARE * made,
        ],
        ["Observer", "Catalyst", "Engager", "Responder"],
        default="Broadcaster",
    )


def departments_linked(pairs: pd.DataFrame, departments: pd.Series) -> pd.Series:
    """Per person, the distinct departments of the people they interacted with."""
    ends = pd.concat(
        [
            pairs[["a", "b"]].set_axis(["person_id", "other"], axis=1),
            pairs[["b", "a"]].set_axis(["person_id", "other"], axis=1),
        ]
    )
    ends["department"] = ends["other"].map(departments)
    return ends.groupby("person_id")["department"].nunique()


def compute_people(con: duckdb.DuckDBPyConnection, window: Period) -> pd.DataFrame:
    """One row per person of the directory or active in ``window``, as ``network_people``."""
    pairs = _pairs(con, window)
    people = _activity(con, window)
    measures, method = centrality(pairs)
    people = people.merge(measures, on="person_id", how="left")
    people[["degree", "betweenness"]] = people[["degree", "betweenness"]].fillna(0.0)
    linked = departments_linked(pairs, people.set_index("person_id")["department"])
    people["departments_linked"] = people["person_id"].map(linked).fillna(0).astype(int)
    people["persona"] = personas(people)
    top = max(1, math.ceil(BRIDGE_TOP_SHARE * len(measures)))
    rank = people["betweenness"].rank(method="min", ascending=False)
    people["is_bridge"] = (
        (rank <= top)
        & (people["betweenness"] > 0)
        & (people["departments_linked"] >= BRIDGE_MIN_DEPARTMENTS)
    )
    return people.drop(columns="department").assign(
        window_start=window.start, window_end=window.end, betweenness_method=method
    )


def refresh_network(con: duckdb.DuckDBPyConnection, settings: Settings) -> int:
    """Recompute and replace both network tables; returns the rows stored.

    Replaced, not upserted: a directory change can refold every month's groups, and people
    leave the 90-day window.
    """
    floor = settings.privacy.min_group_size
    flow = pd.concat(
        [compute_flow(con, segment, floor) for segment in FLOW_SEGMENTS], ignore_index=True
    )
    window = network_window(con)
    people = compute_people(con, window) if window else pd.DataFrame()
    computed_at = datetime.now(UTC).replace(microsecond=0, tzinfo=None)
    with transaction(con):
        con.execute("DELETE FROM network_flow")
        con.execute("DELETE FROM network_people")
        upsert(con, "network_flow", flow)
        if len(people):
            upsert(con, "network_people", people.assign(computed_at=computed_at))
    log.info("network: %d flow rows, %d people", len(flow), len(people))
    return len(flow) + len(people)


def bridging_people(
    con: duckdb.DuckDBPyConnection,
    limit: int = 10,
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
    filters: Mapping[str, Sequence[str]] | None = None,
) -> pd.DataFrame:
    """The people who link silos, highest betweenness first; departments folded by the privacy
    floor, names only where the directory stores them. ``filters`` (department, location,
    employee type: reported values) keep the bridges among the people they select."""
    filters = {name: list(values) for name, values in (filters or {}).items() if values}
    con.register("_network_groups", folding(con, min_group_size, ("department",)))
    try:
        with folded_directory(con, min_group_size) as people_sql:
            condition, params = filter_condition(filters)
            chosen = (
                f"AND n.person_id IN (SELECT person FROM ({people_sql}) WHERE {condition})"
                if filters
                else ""
            )
            return con.execute(
                f"""
                SELECT n.person_id, coalesce(a.display_name, n.person_id) AS person,
                       g.reported AS department, n.betweenness, n.degree, n.departments_linked,
                       n.persona, n.window_start, n.window_end
                FROM network_people n LEFT JOIN authors a ON a.author_id = n.person_id
                LEFT JOIN _network_groups g ON g.value = coalesce(a.department, 'Unknown')
                WHERE n.is_bridge {chosen}
                ORDER BY n.betweenness DESC, n.person_id LIMIT ?
                """,
                [*(params if filters else []), limit],
            ).df()
    finally:
        con.unregister("_network_groups")


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
            WHERE ?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], source_value)
            ORDER BY source, target
            """,
            [*params, rows, rows],
        ).df()
