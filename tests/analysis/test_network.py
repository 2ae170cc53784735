"""The internal network on a hand-built organisation of eight people in three departments.

Who talks to whom (in March 2026, ``->`` is actor to target):

    Alpha: a1, a2, a3     Beta: b1, b2, b3     Gamma: c1, c2
    North: a1 a2 b1 c1    South: a3 b2 b3 c2

    a1 posts t1 (mentions b1):  a2, b1, c1 reply; a2, a3, b1 react (and a1 reacts to it himself)
    b1 posts t2:                b2 replies; b2, b3 react
    b2 posts t3:                b1, b3 react
    c2 posts t4:                c1 replies;   c2 also posts t6 and t7, which nobody answers
    a2 posts t5:                a3 reacts
    October 2025, long before:  b3 posts t0; c2 and x1 (not in the directory) react

The people graph is two triangles (a1 a2 a3, b1 b2 b3) and a pair (c1 c2), joined by a1-b1 and
a1-c1, so every shortest path is unique and betweenness can be counted by hand.
"""

from datetime import date, datetime

import pandas as pd
import pytest

import analysis.network_people as network_people
from analysis.network import refresh_network
from analysis.network_flow import compute_flow, ei_index, flow_matrix, flow_share, silos
from analysis.network_people import bridging_people, personas
from analysis.period import Period
from socialpulse.config import Settings
from socialpulse.warehouse import connect, open_warehouse, upsert

DEPARTMENT = {
    "a1": "Alpha",
    "a2": "Alpha",
    "a3": "Alpha",
    "b1": "Beta",
    "b2": "Beta",
    "b3": "Beta",
    "c1": "Gamma",
    "c2": "Gamma",
}
LOCATION = {
    "a1": "North",
    "a2": "North",
    "b1": "North",
    "c1": "North",
    "a3": "South",
    "b2": "South",
    "b3": "South",
    "c2": "South",
}
MARCH = Period(date(2026, 3, 1), date(2026, 3, 31))


def settings(floor: int) -> Settings:
    return Settings.model_validate({"privacy": {"min_group_size": floor}})


def emp(short: str) -> str:
    return f"emp_{short}"


def when(day: int, month: int = 3, year: int = 2026) -> datetime:
    return datetime(year, month, day, 12)


# post id, author, day, parent (or None)
POSTS = [
    ("t0", "b3", when(1, 10, 2025), None),
    ("t1", "a1", when(2), None),
    ("r1", "a2", when(2), "t1"),
    ("r2", "b1", when(3), "t1"),
    ("r3", "c1", when(3), "t1"),
    ("t2", "b1", when(5), None),
    ("r4", "b2", when(5), "t2"),
    ("t3", "b2", when(8), None),
    ("t4", "c2", when(10), None),
    ("r5", "c1", when(11), "t4"),
    ("t5", "a2", when(12), None),
    ("t6", "c2", when(14), None),
    ("t7", "c2", when(15), None),
]
# kind, post, actor, target, day
INTERACTIONS = [
    ("reply", "r1", "a2", "a1", when(2)),
    ("reply", "r2", "b1", "a1", when(3)),
    ("reply", "r3", "c1", "a1", when(3)),
    ("mention", "t1", "a1", "b1", when(2)),
    ("reaction", "t1", "a2", "a1", when(2)),
    ("reaction", "t1", "a3", "a1", when(4)),
    ("reaction", "t1", "b1", "a1", when(4)),
    ("reaction", "t1", "a1", "a1", when(4)),
    ("reply", "r4", "b2", "b1", when(5)),
    ("reaction", "t2", "b2", "b1", when(6)),
    ("reaction", "t2", "b3", "b1", when(6)),
    ("reaction", "t3", "b1", "b2", when(9)),
    ("reaction", "t3", "b3", "b2", when(9)),
    ("reply", "r5", "c1", "c2", when(11)),
    ("reaction", "t5", "a3", "a2", when(20)),
    ("reaction", "t0", "c2", "b3", when(2, 10, 2025)),
    ("reaction", "t0", "x1", "b3", when(2, 10, 2025)),
]


def load_fixture(con) -> None:
    upsert(
        con,
        "channels",
        pd.DataFrame(
            [
                {
                    "channel_id": "slack:general",
                    "platform": "slack",
                    "scope": "internal",
                    "name": "general",
                    "segment_type": "company",
                    "segment_value": "Northwind",
                    "sensitivity": "internal",
                }
            ]
        ),
    )
    people = [
        {
            "author_id": emp(p),
            "platform": "internal",
            "scope": "internal",
            "handle": emp(p),
            "department": DEPARTMENT[p],
            "location": LOCATION[p],
            "in_directory": True,
        }
        for p in DEPARTMENT
    ]
    people.append(
        {
            "author_id": emp("x1"),
            "platform": "internal",
            "scope": "internal",
            "handle": emp("x1"),
            "department": None,
            "location": None,
            "in_directory": False,
        }
    )
    upsert(con, "authors", pd.DataFrame(people))
    upsert(
        con,
        "posts",
        pd.DataFrame(
            [
                {
                    "post_id": f"slack:{post}",
                    "platform": "slack",
                    "native_id": post,
                    "channel_id": "slack:general",
                    "author_id": emp(author),
                    "created_at": at,
                    "text": f"message {post}",
                    "parent_id": parent and f"slack:{parent}",
                    "thread_id": f"slack:{parent or post}",
                    "kind": "reply" if parent else "post",
                    "collected_at": at,
                }
                for post, author, at, parent in POSTS
            ]
        ),
    )
    upsert(
        con,
        "interactions",
        pd.DataFrame(
            [
                {
                    "kind": kind,
                    "post_id": f"slack:{post}",
                    "actor_id": emp(actor),
                    "target_id": emp(target),
                    "detail": "👍" if kind == "reaction" else "",
                    "platform": "slack",
                    "created_at": at,
                }
                for kind, post, actor, target, at in INTERACTIONS
            ]
        ),
    )


@pytest.fixture
def con(tmp_path):
    connection = connect(tmp_path / "network.duckdb")
    load_fixture(connection)
    yield connection
    connection.close()


def stored_flow(con, segment: str) -> dict[tuple, int]:
    rows = con.execute(
        "SELECT period_start, source_value, target_value, edges FROM network_flow "
        "WHERE segment_type = ?",
        [segment],
    ).fetchall()
    return {(start, source, target): edges for start, source, target, edges in rows}


def test_flow_counts_edges_between_departments_per_month(con):
    refresh_network(con, settings(1))
    march, october = date(2026, 3, 1), date(2025, 10, 1)
    assert stored_flow(con, "department") == {
        (march, "Alpha", "Alpha"): 4,
        (march, "Beta", "Alpha"): 2,
        (march, "Gamma", "Alpha"): 1,
        (march, "Alpha", "Beta"): 1,
        (march, "Beta", "Beta"): 5,
        (march, "Gamma", "Gamma"): 1,
        # x1 is not in the directory: only c2's reaction to t0 counts
        (october, "Gamma", "Beta"): 1,
    }
    assert stored_flow(con, "location") == {
        (march, "North", "North"): 6,
        (march, "South", "North"): 5,
        (march, "South", "South"): 1,
        (march, "North", "South"): 2,
        (october, "South", "South"): 1,
    }


def test_flow_share_is_cross_segment_edges_over_all_edges(con):
    refresh_network(con, settings(1))
    assert flow_share(con, MARCH) == {
        "numerator": 4,
        "denominator": 14,
        "value": pytest.approx(100 * 4 / 14),
    }
    assert flow_share(con, MARCH, "location")["value"] == pytest.approx(50.0)
    # a period inside March reads the whole month; a year adds October's Gamma -> Beta edge
    assert flow_share(con, Period(date(2026, 3, 10), date(2026, 3, 12)))["numerator"] == 4
    year = Period(date(2025, 10, 1), date(2026, 9, 30))
    assert flow_share(con, year)["numerator"] == 5 and flow_share(con, year)["denominator"] == 15
    empty = flow_share(con, Period(date(2024, 1, 1), date(2024, 1, 31)))
    assert empty == {"numerator": 0, "denominator": 0, "value": None}


def test_ei_index_per_department_and_silos(con):
    refresh_network(con, settings(1))
    table = ei_index(con, MARCH)
    assert table["department"].tolist() == ["Beta", "Alpha", "Gamma"]
    assert table["external"].tolist() == [3, 4, 1]
    assert table["internal"].tolist() == [5, 4, 1]
    assert table["ei_index"].tolist() == pytest.approx([-0.25, 0.0, 0.0])
    assert silos(con, MARCH, threshold=-0.2)["department"].tolist() == ["Beta"]
    assert silos(con, MARCH).empty  # nobody is below the default -0.6


def test_small_departments_are_folded_before_counting(con):
    # Gamma (2 people) is below a floor of 3; "Other" with 2 people still is, so the next
    # smallest, Alpha, joins it: Alpha and Gamma talk inside "Other".
    flow = compute_flow(con, "department", 3)
    march = flow[flow["period_start"] == pd.Timestamp(2026, 3, 1)]
    assert {
        (s, t): e
        for s, t, e in zip(march.source_value, march.target_value, march.edges, strict=True)
    } == {("Other", "Other"): 6, ("Beta", "Other"): 2, ("Other", "Beta"): 1, ("Beta", "Beta"): 5}
    assert not set(flow.source_value) & {"Alpha", "Gamma"}


def people(con) -> pd.DataFrame:
    return (
        con.execute("SELECT * FROM network_people ORDER BY person_id").df().set_index("person_id")
    )


def test_centrality_of_each_person(con):
    refresh_network(con, settings(1))
    table = people(con)
    assert sorted(table.index) == [emp(p) for p in sorted(DEPARTMENT)]  # x1: only long ago
    degree = {"a1": 4, "b1": 3, "a2": 2, "a3": 2, "b2": 2, "b3": 2, "c1": 2, "c2": 1}
    for person, links in degree.items():
        assert table.loc[emp(person), "degree"] == pytest.approx(links / 7), person
    # a1 lies on the paths from a2, a3 to the five others (10) and from b1-b3 to c1, c2 (6);
    # b1 on those from b2, b3 to the five others; c1 on those from c2 to the six others.
    # Normalised by the (8 - 1)(8 - 2) / 2 = 21 pairs of others.
    between = {"a1": 16, "b1": 10, "c1": 6, "a2": 0, "a3": 0, "b2": 0, "b3": 0, "c2": 0}
    for person, paths in between.items():
        assert table.loc[emp(person), "betweenness"] == pytest.approx(paths / 21), person
    assert (table["betweenness_method"] == "exact").all()
    assert table["window_end"].iloc[0] == pd.Timestamp(2026, 3, 20)
    assert table["window_start"].iloc[0] == pd.Timestamp(2025, 12, 21)


def test_bridge_needs_top_betweenness_and_three_departments(con, monkeypatch):
    refresh_network(con, settings(1))
    table = people(con)
    assert table.loc[emp("a1"), "departments_linked"] == 3
    assert table.loc[emp("b1"), "departments_linked"] == 2
    assert table.index[table["is_bridge"]].tolist() == [emp("a1")]
    monkeypatch.setattr(network_people, "BRIDGE_MIN_DEPARTMENTS", 4)
    refresh_network(con, settings(1))
    assert not people(con)["is_bridge"].any()


def test_contributions_responses_and_personas(con, monkeypatch):
    monkeypatch.setattr(network_people, "ACTIVE_MIN_CONTRIBUTIONS", 3)
    refresh_network(con, settings(1))
    table = people(con)
    expected = {  # contributions, threads started, responses received, persona
        "a1": (3, 1, 6, "Catalyst"),  # t1, the mention, his own reaction; 6 >= 2 x 3
        "a2": (3, 1, 1, "Responder"),  # 1 < 0.5 x 3; two of three respond
        "a3": (2, 0, 0, "Observer"),
        "b1": (4, 1, 4, "Engager"),
        "b2": (3, 1, 2, "Engager"),  # 2 >= 0.5 x 3
        "b3": (2, 0, 0, "Observer"),  # t0 is outside the 90 days
        "c1": (2, 0, 0, "Observer"),
        "c2": (3, 3, 1, "Broadcaster"),  # three threads, one reply
    }
    for person, (made, started, got, persona) in expected.items():
        row = table.loc[emp(person)]
        assert (row.contributions, row.threads_started, row.responses_received, row.persona) == (
            made,
            started,
            got,
            persona,
        ), person


def test_persona_rules_at_their_thresholds():
    frame = pd.DataFrame(
        {
            "contributions": [4, 5, 5, 5, 10, 10, 10, 10],
            "threads_started": [0, 0, 0, 0, 0, 5, 6, 10],
            "responses_received": [50, 10, 9, 3, 4, 4, 4, 0],
        }
    )
    assert personas(frame).tolist() == [
        "Observer",
        "Catalyst",
        "Engager",
        "Engager",
        "Responder",
        "Responder",
        "Broadcaster",
        "Broadcaster",
    ]


def test_bridging_people_fold_departments_by_the_privacy_floor(con):
    refresh_network(con, settings(1))
    named = bridging_people(con, limit=5, min_group_size=1)
    assert named["person_id"].tolist() == [emp("a1")]
    assert named["department"].tolist() == ["Alpha"]
    assert bridging_people(con, limit=5, min_group_size=5)["department"].tolist() == ["Other"]


def test_filters_count_the_edges_that_involve_the_selected_people(con):
    # South is a3 b2 b3 c2: its 8 March edges (a3->a1, b2->b1 twice, b3->b1, b1->b2, b3->b2,
    # c1->c2, a3->a2) all stay inside one department.
    south = {"location": ["South"]}
    assert flow_share(con, MARCH, filters=south, min_group_size=1) == {
        "numerator": 0,
        "denominator": 8,
        "value": 0.0,
    }
    table = ei_index(con, MARCH, filters=south, min_group_size=1)
    assert table["department"].tolist() == ["Alpha", "Beta", "Gamma"]
    assert table["internal"].tolist() == [2, 5, 1] and table["external"].tolist() == [0, 0, 0]
    assert table["ei_index"].tolist() == [-1.0, -1.0, -1.0]


def test_filtering_the_segment_shown_keeps_its_rows_and_their_figures(con):
    refresh_network(con, settings(1))
    alpha = {"department": ["Alpha"]}
    matrix = flow_matrix(con, MARCH, filters=alpha, min_group_size=1)
    assert matrix[["source", "target", "edges"]].values.tolist() == [
        ["Alpha", "Alpha", 4],
        ["Alpha", "Beta", 1],
    ]
    assert matrix["share_of_source"].tolist() == pytest.approx([80.0, 20.0])
    stored = flow_matrix(con, MARCH)
    pd.testing.assert_frame_equal(
        matrix, stored[stored["source"] == "Alpha"].reset_index(drop=True), check_dtype=False
    )
    # the 8 edges involving Alpha: 4 inside, 4 across (b1->a1 twice, c1->a1, a1->b1)
    assert flow_share(con, MARCH, filters=alpha, min_group_size=1)["value"] == 50.0
    table = ei_index(con, MARCH, filters=alpha, min_group_size=1)
    assert table.to_dict("records") == ei_index(con, MARCH).query("department == 'Alpha'").to_dict(
        "records"
    )


def test_a_filtered_network_under_the_floor_is_withheld(con):
    # at a floor of 5 every department folds into Other: Alpha cannot be picked out
    share = flow_share(con, MARCH, filters={"department": ["Alpha"]}, min_group_size=5)
    assert share["value"] is None and "not reported on its own" in share["withheld"]
    matrix = flow_matrix(con, MARCH, filters={"location": ["South"]}, min_group_size=5)
    assert matrix.empty and "below the privacy floor" in matrix.attrs["withheld"]


def test_bridging_people_among_the_selected_people(con):
    refresh_network(con, settings(1))
    assert bridging_people(con, 5, 1, {"department": ["Alpha"]})["person_id"].tolist() == [
        emp("a1")
    ]
    assert bridging_people(con, 5, 1, {"department": ["Beta"]}).empty
    assert bridging_people(con, 5, 1, {"location": ["North"]})["person_id"].tolist() == [emp("a1")]


def test_refresh_replaces_what_it_stored(con):
    first = refresh_network(con, settings(1))
    assert first == 7 + 5 + 8  # department and location flow rows, people
    con.execute("DELETE FROM interactions WHERE created_at < '2026-01-01'")
    assert refresh_network(con, settings(1)) == first - 2
    assert (
        con.execute(
            "SELECT count(*) FROM network_flow WHERE period_start < '2026-01-01'"
        ).fetchall()[0][0]
        == 0
    )


def test_demo_network_hides_legal_and_counts_every_directory_edge(db_copy, demo_db):
    warehouse = db_copy(demo_db)
    with open_warehouse(warehouse) as con:
        stored = refresh_network(con, settings(5))
        assert stored > 600
        values = con.execute(
            "SELECT list(DISTINCT source_value) || list(DISTINCT target_value) FROM network_flow"
        ).fetchall()[0][0]
        assert "Legal" not in values and "Other" in values
        edges, expected = con.execute(
            """
            SELECT (SELECT sum(edges) FROM network_flow WHERE segment_type = 'department'),
                   (SELECT count(*) FROM interactions i
                    JOIN authors s ON s.author_id = i.actor_id AND s.in_directory
                    JOIN authors t ON t.author_id = i.target_id AND t.in_directory
                    WHERE i.actor_id <> i.target_id)
            """
        ).fetchall()[0]
        assert edges == expected > 0
        people = con.execute(
            "SELECT count(*), count(*) FILTER (is_bridge), "
            "count(DISTINCT persona) FROM network_people"
        ).fetchall()[0]
        assert people[0] == 600 and people[1] >= 1 and people[2] >= 3
        year = Period(date(2000, 1, 1), date(2100, 1, 1))
        share = flow_share(con, year)
        assert 0 < share["value"] < 100 and share["denominator"] == expected
        bridges = bridging_people(con, limit=50, min_group_size=5)
        assert len(bridges) == people[1] and "Legal" not in set(bridges["department"])


def test_an_empty_warehouse_stores_nothing(tmp_path):
    with open_warehouse(tmp_path / "empty.duckdb") as con:
        assert refresh_network(con, settings(5)) == 0
        assert flow_share(con, MARCH)["value"] is None
        assert ei_index(con, MARCH).empty and bridging_people(con).empty
