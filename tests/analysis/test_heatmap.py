"""The department x location grid on a hand-built directory whose withheld cells are worked out
below, and on the demo warehouse.

Directory (people, of whom active in March), floor 5; every group is reported by name:

    department  HQ                 Remote   Lab                  total
    Sales       6 (3)              3 (1)    5 (5)                14
    Ops         8 (2)              2 (2)    6 (3)                16
    Support     9 (9): 7 full-     7 (0)    10 (4): 7 full-time  26
                time, 2 contractors         (4), 3 contractors

Everyone else is full-time (42 people; contractors 5, so both types are reported).

Primary: Sales Remote (3) and Ops Remote (2) are under the floor. The Sales row's withheld
cells then hold 3 people, which its total (14, shown by the headline figures) minus the
visible cells would give away, so its smallest visible cell, Sales Lab (5), is withheld too;
likewise Ops Lab (6) for the Ops row (2). The Remote column then holds two withheld cells (5
people) and the Lab column two (11): nothing more. Visible: the HQ column and the Support row.
"""

from datetime import date, datetime

import pandas as pd
import pytest

from analysis.heatmap import ACTIVE, WITHHELD_REASON, complementary_suppression, segment_grid
from analysis.internal_summary import internal_summary
from analysis.participation import CONTRIBUTIONS
from analysis.period import Period
from socialpulse.warehouse import connect, upsert

FLOOR = 5
MARCH = Period(date(2026, 3, 1), date(2026, 3, 31))
# department, location, employee type, people, active in March
CELLS = [
    ("Sales", "HQ", "full-time", 6, 3),
    ("Sales", "Remote", "full-time", 3, 1),
    ("Sales", "Lab", "full-time", 5, 5),
    ("Ops", "HQ", "full-time", 8, 2),
    ("Ops", "Remote", "full-time", 2, 2),
    ("Ops", "Lab", "full-time", 6, 3),
    ("Support", "HQ", "full-time", 7, 7),
    ("Support", "HQ", "contractor", 2, 2),
    ("Support", "Remote", "full-time", 7, 0),
    ("Support", "Lab", "full-time", 7, 4),
    ("Support", "Lab", "contractor", 3, 0),
]


def load(con) -> None:
    people, posts = [], []
    for department, location, kind, size, active in CELLS:
        for i in range(size):
            person = f"emp_{department}_{location}_{kind}_{i}"
            people.append(
                {
                    "author_id": person,
                    "platform": "internal",
                    "scope": "internal",
                    "handle": person,
                    "department": department,
                    "location": location,
                    "employee_type": kind,
                    "in_directory": True,
                }
            )
            if i < active:  # one post in March; a February post by everyone counts for nothing
                posts.append((person, datetime(2026, 3, 10, 9)))
            posts.append((person, datetime(2026, 2, 10, 9)))
    upsert(
        con,
        "channels",
        pd.DataFrame(
            [{"channel_id": "slack:work", "platform": "slack", "scope": "internal", "name": "work"}]
        ),
    )
    upsert(con, "authors", pd.DataFrame(people))
    upsert(
        con,
        "posts",
        pd.DataFrame(
            [
                {
                    "post_id": f"slack:{n}",
                    "platform": "slack",
                    "native_id": str(n),
                    "channel_id": "slack:work",
                    "author_id": person,
                    "created_at": at,
                    "text": "hello",
                    "kind": "post",
                    "thread_id": f"slack:{n}",
                    "collected_at": at,
                }
                for n, (person, at) in enumerate(posts)
            ]
        ),
    )


@pytest.fixture
def con(tmp_path):
    connection = connect(tmp_path / "grid.duckdb")
    load(connection)
    yield connection
    connection.close()


def grid(con, filters=None, metric="interactive_users") -> pd.DataFrame:
    return segment_grid(con, MARCH, filters, FLOOR, metric).set_index(["department", "location"])


def test_a_small_cell_and_the_cell_that_would_reveal_it_are_withheld(con):
    cells = grid(con)
    withheld = set(cells.index[cells["withheld"]])
    assert withheld == {("Sales", "Remote"), ("Sales", "Lab"), ("Ops", "Remote"), ("Ops", "Lab")}
    # the 3-person cell, and exactly one more in its row: the smallest visible one
    sales = cells.loc["Sales"]
    assert sales.loc["Remote", "withheld"] and sales["withheld"].sum() == 2
    assert sales.loc["Lab", "withheld"] and not sales.loc["HQ", "withheld"]
    assert cells.loc[list(withheld), ["people", "numerator", "value"]].isna().all().all()
    assert (cells.loc[list(withheld), "reason"] == WITHHELD_REASON).all()


def test_visible_cells_carry_their_hand_computed_figures(con):
    cells = grid(con)
    shown = cells[~cells["withheld"]]
    assert shown["people"].to_dict() == {
        ("Sales", "HQ"): 6,
        ("Ops", "HQ"): 8,
        ("Support", "HQ"): 9,
        ("Support", "Remote"): 7,
        ("Support", "Lab"): 10,
    }
    assert shown["value"].to_dict() == pytest.approx(
        {
            ("Sales", "HQ"): 50.0,
            ("Ops", "HQ"): 25.0,
            ("Support", "HQ"): 100.0,
            ("Support", "Remote"): 0.0,
            ("Support", "Lab"): 40.0,
        }
    )
    assert shown.loc[("Sales", "HQ"), "numerator"] == 3
    active = grid(con, metric="active_people")
    assert active.loc[("Support", "Lab"), "value"] == 4
    assert list(cells.index.get_level_values("department").unique()) == ["Ops", "Sales", "Support"]


def test_the_differencing_the_row_and_column_totals_allow_is_closed(con):
    """Whatever the headline figures show for a department or location, the withheld cells of
    any line add up to 0 or at least the floor, and no line has a lone withheld cell."""
    cells = segment_grid(con, MARCH, None, FLOOR)
    people = cells["people"].fillna(0)
    directory = (
        pd.DataFrame(
            [(d, loc, n) for d, loc, _, n, _ in CELLS], columns=["department", "location", "n"]
        )
        .groupby(["department", "location"])["n"]
        .sum()
    )
    hidden = cells.set_index(["department", "location"])["withheld"].map(int) * directory
    for line in ("department", "location"):
        total = hidden.groupby(level=line).sum()
        assert ((total == 0) | (total >= FLOOR)).all()
        assert ((hidden > 0).groupby(level=line).sum() != 1).all()
    assert (people[~cells["withheld"]] >= FLOOR).all()


def test_a_lone_withheld_cell_in_a_line_gets_a_partner():
    """Sales (HQ 6, Remote 3) x Ops (HQ 7, Remote 8): the module docstring's chain attack."""
    cells = pd.DataFrame(
        {
            "department": ["Sales", "Sales", "Ops", "Ops"],
            "location": ["HQ", "Remote", "HQ", "Remote"],
            "people": [6, 3, 7, 8],
        }
    )
    primary = cells["people"] < FLOOR
    assert complementary_suppression(cells, primary, FLOOR).tolist() == [True] * 4
    # the sum rule alone would stop at three cells, and leave Sales Remote recoverable
    assert primary.tolist() == [False, True, False, False]


def test_filters_pick_rows_columns_and_the_people_inside_cells(con):
    rows = grid(con, {"department": ["Support", "Ops"], "location": ["HQ", "Lab"]})
    assert set(rows.index) == {("Ops", "HQ"), ("Ops", "Lab"), ("Support", "HQ"), ("Support", "Lab")}
    assert not rows["withheld"].any()
    assert rows.loc[("Ops", "Lab"), "value"] == pytest.approx(50.0)
    # Full-time only: Support HQ has 7 of its 9 and Support Lab 7 of its 10, so showing them
    # would give away the 2 and 3 contractors by difference with the unfiltered grid: both are
    # withheld. Sales Remote (3) and Ops Remote (2) take Sales Lab and Ops Lab with them as
    # before, and Support HQ, alone withheld in the HQ column, takes Sales HQ (6).
    full_time = grid(con, {"employee_type": ["full-time"]})
    assert set(full_time.index[~full_time["withheld"]]) == {("Ops", "HQ"), ("Support", "Remote")}
    assert full_time.loc[("Ops", "HQ"), "value"] == pytest.approx(25.0)
    # Contractors only: every cell has fewer than 5 of them
    assert grid(con, {"employee_type": ["contractor"]})["withheld"].all()


def test_every_value_is_a_parameter(con):
    assert grid(con, {"department": ["Sales') OR TRUE --"]}).empty
    with pytest.raises(ValueError, match="unknown segment"):
        segment_grid(con, MARCH, {"team": ["x"]}, FLOOR)
    with pytest.raises(ValueError, match="unknown metric"):
        segment_grid(con, MARCH, None, FLOOR, "people; DROP TABLE posts")


def test_demo_grid_never_names_legal_and_agrees_with_the_headline_figures(demo_db):
    period = Period(date(2026, 8, 1), date(2026, 10, 31))
    with connect(demo_db, read_only=True) as con:
        cells = segment_grid(con, period, None, FLOOR)
        shown = cells[~cells["withheld"]]
        sample = shown.sort_values("people").iloc[[0, len(shown) // 2, -1]]
        headline = [
            internal_summary(con, period, {"department": [d], "location": [loc]}, FLOOR)
            for d, loc in zip(sample["department"], sample["location"], strict=True)
        ]
    assert "Legal" not in set(cells["department"]) and "Other" in set(cells["department"])
    assert cells["withheld"].sum() >= 2 and (shown["people"] >= FLOOR).all()
    for (_, cell), summary in zip(sample.iterrows(), headline, strict=True):
        if not summary["withheld"]:
            assert summary["people"] == cell["people"]
            assert summary["metrics"]["interactive_users"]["value"] == pytest.approx(cell["value"])


def test_active_people_are_those_who_contributed(demo_db):
    period = Period(date(2026, 8, 1), date(2026, 10, 31))
    bounds = {"since": period.since, "until": period.until}
    with connect(demo_db, read_only=True) as con:
        fast = con.execute(
            f"SELECT list(person ORDER BY person) FROM ({ACTIVE})", bounds
        ).fetchall()[0][0]
        reference = con.execute(
            f"SELECT list(DISTINCT person ORDER BY person) FROM ({CONTRIBUTIONS}) "
            "WHERE created_at >= $since AND created_at < $until",
            bounds,
        ).fetchall()[0][0]
    assert len(fast) > 100 and fast == reference
