"""Who links the internal network: the ``network_people`` table and its reader.

Each person's place in the network over the last 90 days of interactions (ending at the newest
one, so an old import is analysed as of its own date): centrality on an undirected graph whose
edge weights count interactions, contributions, responses received, a persona and whether they
bridge silos.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from datetime import timedelta

import duckdb
import networkx as nx
import numpy as np
import pandas as pd

from analysis.network_flow import EDGE_KINDS
from analysis.participation import CONTRIBUTIONS
from analysis.period import Period
from analysis.privacy_floor import filter_condition, folded_directory, folding
from socialpulse.config import DEFAULT_MIN_GROUP_SIZE

log = logging.getLogger(__name__)

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
                ORDER BY n.betweenness DESC, n.person_id LIMIT $limit
                """,
                {**(params if filters else {}), "limit": limit},
            ).df()
    finally:
        con.unregister("_network_groups")
