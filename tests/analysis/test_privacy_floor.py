"""The privacy floor holds for every filter combination, not only for the ones a page offers.

Directory (25 people), with Legal the one group of 4:

    department  location  employee_type  people
    Sales       HQ        full-time      4
    Sales       HQ        contractor     1
    Sales       Remote    full-time      3
    Ops         HQ        full-time      5
    Ops         Remote    contractor     2
    Support     Remote    full-time      4
    Support     Remote    contractor     2
    Legal       HQ        full-time      4

At a floor of 5, Legal (4) is folded into "Other", and Support (6) joins it because "Other"
would still be under the floor: departments are reported as Sales (8), Ops (7), Other (10).
Locations (HQ 14, Remote 11) and employee types (full-time 20, contractor 5) are all reported.
"""

from datetime import date
from itertools import chain, combinations, product

import duckdb
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.internal_metrics import refresh_internal_metrics
from analysis.internal_summary import internal_summary
from analysis.period import Period
from analysis.privacy_floor import BELOW_FLOOR, OTHER, SEGMENTS, reportable_groups
from socialpulse.config import Settings
from socialpulse.warehouse import connect, open_warehouse, upsert

FLOOR = 5
MARCH = Period(date(2026, 3, 1), date(2026, 3, 31))
CELLS = [
    ("Sales", "HQ", "full-time", 4),
    ("Sales", "HQ", "contractor", 1),
    ("Sales", "Remote", "full-time", 3),
    ("Ops", "HQ", "full-time", 5),
    ("Ops", "Remote", "contractor", 2),
    ("Support", "Remote", "full-time", 4),
    ("Support", "Remote", "contractor", 2),
    ("Legal", "HQ", "full-time", 4),
]
FOLDED = {
    "department": {"Legal": OTHER, "Support": OTHER, "Sales": "Sales", "Ops": "Ops"},
    "location": {"HQ": "HQ", "Remote": "Remote"},
    "employee_type": {"full-time": "full-time", "contractor": "contractor"},
}


def directory_frame(cells) -> pd.DataFrame:
    rows = [
        (department, location, employee_type)
        for department, location, employee_type, people in cells
        for _ in range(people)
    ]
    frame = pd.DataFrame(rows, columns=list(SEGMENTS))
    frame.insert(0, "author_id", [f"emp_{i:02d}" for i in range(len(frame))])
    return frame


def load(con: duckdb.DuckDBPyConnection, people: pd.DataFrame) -> None:
    """The directory, and a thread by every other person in March with a reply by the next."""
    upsert(
        con,
        "channels",
        pd.DataFrame(
            [{"channel_id": "slack:work", "platform": "slack", "scope": "internal", "name": "work"}]
        ),
    )
    upsert(
        con,
        "authors",
        people.assign(
            platform="internal", scope="internal", handle=people["author_id"], in_directory=True
        ),
    )
    ids = people["author_id"].tolist()
    posts = [
        {
            "post_id": f"slack:t{i}",
            "author_id": ids[i],
            "kind": "post",
            "parent_id": None,
            "created_at": pd.Timestamp("2026-03-02 09:00") + pd.Timedelta(hours=i),
        }
        for i in range(0, len(ids), 2)
    ]
    posts += [
        {
            "post_id": f"slack:r{i}",
            "author_id": ids[(i + 1) % len(ids)],
            "kind": "reply",
            "parent_id": f"slack:t{i}",
            "created_at": pd.Timestamp("2026-03-02 09:30") + pd.Timedelta(hours=i),
        }
        for i in range(0, len(ids), 4)
    ]
    frame = pd.DataFrame(posts).assign(platform="slack", channel_id="slack:work", text="text")
    frame["native_id"] = frame["post_id"]
    frame["thread_id"] = frame["parent_id"].fillna(frame["post_id"])
    frame["collected_at"] = frame["created_at"]
    upsert(con, "posts", frame)


@pytest.fixture(scope="module")
def people() -> pd.DataFrame:
    return directory_frame(CELLS)


@pytest.fixture(scope="module")
def con(people):
    con = connect(":memory:")
    load(con, people)
    yield con
    con.close()


def population(people: pd.DataFrame, filters: dict[str, list[str]], folded=FOLDED) -> set:
    """Who a filter combination selects, worked out from the directory itself."""
    keep = pd.Series(True, index=people.index)
    for segment, values in filters.items():
        if values:
            keep &= people[segment].map(folded[segment]).isin(values)
    return set(people.loc[keep, "author_id"])


def subsets(values):
    return chain.from_iterable(combinations(values, n) for n in range(len(values) + 1))


# Every value in the directory, and "Other" where it is reported.
CANDIDATES = {
    "department": ["Sales", "Ops", "Support", "Legal", OTHER],
    "location": ["HQ", "Remote"],
    "employee_type": ["full-time", "contractor"],
}


def test_the_fixture_folds_as_described(con):
    for segment in SEGMENTS:
        assert reportable_groups(con, segment, FLOOR) == FOLDED[segment]


def test_no_filter_combination_describes_fewer_people_than_the_floor(con, people):
    """Every subset of every segment's values (none, single values, pairs, ...) crossed."""
    shown: set[frozenset] = set()
    for departments, locations, types in product(*(subsets(CANDIDATES[s]) for s in SEGMENTS)):
        filters = {
            "department": list(departments),
            "location": list(locations),
            "employee_type": list(types),
        }
        result = internal_summary(con, MARCH, filters, FLOOR)
        label = f"{filters}: {result.get('detail')}"
        if {"Legal", "Support"} & set(departments):
            assert result["withheld"], label
        if result["withheld"]:
            assert result["reason"] == BELOW_FLOOR and result["people"] is None, label
            assert result["metrics"] == {}, label
            continue
        selected = population(people, filters)
        assert len(selected) >= FLOOR, label
        assert result["people"] == len(selected), label
        assert result["metrics"]["interactive_users"]["denominator"] == len(selected), label
        # Subtracting this figure from the same one without some of its filters leaves either
        # nobody or a group at least as large as the floor.
        for dropped in subsets(SEGMENTS):
            wider = population(people, {**filters, **dict.fromkeys(dropped, [])})
            assert len(wider - selected) == 0 or len(wider - selected) >= FLOOR, label
        shown.add(frozenset(selected))
    # Everyone, full-time, contractors, HQ, Remote, Sales, Ops, Other and the unions of two
    # departments: the floor does not simply withhold everything...
    assert sorted(map(len, shown)) == [5, 7, 8, 10, 11, 14, 15, 17, 18, 20, 25]
    # ...and no sum or difference of those figures, however weighted, isolates a group of 1-4
    # people: no such group's membership is a linear combination of the shown populations.
    cells = people.groupby(list(SEGMENTS))["author_id"].agg(frozenset).tolist()
    matrix = np.array([[cell <= group for cell in cells] for group in shown], dtype=float)
    sizes = np.array([len(cell) for cell in cells])
    for picked in product((0, 1), repeat=len(cells)):
        target = np.array(picked, dtype=float)
        if 0 < sizes @ target < FLOOR:
            weights = np.linalg.lstsq(matrix.T, target, rcond=None)[0]
            assert not np.allclose(matrix.T @ weights, target), picked


def test_other_is_every_folded_group_and_legal_cannot_be_picked_out(con, people):
    other = internal_summary(con, MARCH, {"department": [OTHER]}, FLOOR)
    assert other["people"] == 10  # Legal 4 + Support 6
    for filters in (
        {"department": ["Legal"]},
        {"department": ["Legal", "Sales"]},
        {"department": ["Legal", OTHER]},
        {"department": ["Support"]},
    ):
        assert internal_summary(con, MARCH, filters, FLOOR)["withheld"], filters
    # Other in Remote is Support (6), but Other minus it is Legal: withheld.
    assert internal_summary(con, MARCH, {"department": [OTHER], "location": ["Remote"]}, FLOOR)[
        "withheld"
    ]
    # Sales in HQ is 5 people, but Sales minus them is 3.
    assert internal_summary(con, MARCH, {"department": ["Sales"], "location": ["HQ"]}, FLOOR)[
        "withheld"
    ]
    # A location or employee type has no "Other" here: asking for it is asking for nobody.
    assert internal_summary(con, MARCH, {"location": [OTHER]}, FLOOR)["withheld"]
    # Full-time (20) leaves out the 5 contractors: shown.
    assert internal_summary(con, MARCH, {"employee_type": ["full-time"]}, FLOOR)["people"] == 20


def test_unknown_segments_are_refused(con):
    with pytest.raises(ValueError, match="unknown segment"):
        internal_summary(con, MARCH, {"salary": ["high"]}, FLOOR)


VALUES = {
    "department": ["Sales", "Ops", "Legal", "Support"],
    "location": ["HQ", "Remote", "Lyon"],
    "employee_type": ["full-time", "contractor"],
}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    cells=st.lists(
        st.tuples(*(st.sampled_from(VALUES[s]) for s in SEGMENTS), st.integers(1, 7)),
        min_size=1,
        max_size=8,
    ),
    picks=st.tuples(
        *(st.lists(st.sampled_from([*VALUES[s], OTHER]), max_size=3, unique=True) for s in SEGMENTS)
    ),
    floor=st.integers(2, 6),
)
def test_random_directories_and_filters_never_show_a_small_group(cells, picks, floor):
    people = directory_frame(cells)
    con = connect(":memory:")
    try:
        load(con, people)
        folded = {s: reportable_groups(con, s, floor) for s in SEGMENTS}
        filters = dict(zip(SEGMENTS, map(list, picks), strict=True))
        result = internal_summary(con, MARCH, filters, floor)
    finally:
        con.close()
    picked_folded = any(
        folded[s].get(v, v) != v for s in SEGMENTS for v in filters[s] if v != OTHER
    )
    if picked_folded:
        assert result["withheld"]
    if not result["withheld"]:
        selected = population(people, filters, folded)
        assert result["people"] == len(selected) >= floor


def test_the_demo_never_names_legal(db_copy, demo_db):
    warehouse = db_copy(demo_db)
    with open_warehouse(warehouse) as con:
        assert refresh_internal_metrics(con, Settings()) > 0
        legal = con.execute(
            "SELECT count(*) FROM internal_metrics WHERE segment_value = 'Legal'"
        ).fetchall()[0][0]
        assert legal == 0
        # Every directory segment stored holds at least the floor; so does every channel row.
        smallest = con.execute(
            "SELECT min(denominator) FROM internal_metrics WHERE metric = 'interactive_users'"
        ).fetchall()[0][0]
        assert smallest >= FLOOR
        quietest = con.execute(
            "SELECT min(value) FROM internal_metrics WHERE metric = 'active_people' "
            "AND segment_type = 'channel'"
        ).fetchall()[0][0]
        assert quietest >= FLOOR
        june = Period(date(2026, 6, 1), date(2026, 6, 30))
        assert internal_summary(con, june, {"department": ["Legal"]}, FLOOR)["withheld"]
        folded = [d for d, g in reportable_groups(con, "department", FLOOR).items() if g == OTHER]
        assert "Legal" in folded
        expected = con.execute(
            "SELECT count(*) FROM authors WHERE scope = 'internal' AND in_directory "
            "AND list_contains(?, department)",
            [folded],
        ).fetchall()[0][0]
        assert internal_summary(con, june, {"department": [OTHER]}, FLOOR)["people"] == expected
