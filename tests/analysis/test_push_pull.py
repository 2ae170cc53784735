"""Push and pull on a tiny hand-built organisation whose figures are worked out below, and on
the demo warehouse, whose crisis check-in the generator answers at a known rate."""

from datetime import date

import pandas as pd
import pytest

from analysis.period import Period
from analysis.push_pull import (
    announcement_reach,
    check_in_answer_rates,
    check_in_answers,
    non_responders,
    refresh_push_pull,
)
from socialpulse.config import Settings
from socialpulse.warehouse import connect, open_warehouse, upsert

MARCH = Period(date(2026, 3, 1), date(2026, 3, 31))
FLOOR5 = Settings()
# Directory (17 people): Sales A-F, Ops G-L, Legal M-P (4, under the floor), Facilities Q (1).
# Departments fold to Sales, Ops and Other (Legal + Facilities = 5).
# Locations: HQ 10 (A B C D G H M N O P), Remote 5 (E F I J K), Lab 2 (L Q): Lab is under the
# floor and "Other" with Lab alone would be 2, so Remote joins it -> HQ and Other (7).
PEOPLE = {
    "A": ("Sales", "HQ"),
    "B": ("Sales", "HQ"),
    "C": ("Sales", "HQ"),
    "D": ("Sales", "HQ"),
    "E": ("Sales", "Remote"),
    "F": ("Sales", "Remote"),
    "G": ("Ops", "HQ"),
    "H": ("Ops", "HQ"),
    "I": ("Ops", "Remote"),
    "J": ("Ops", "Remote"),
    "K": ("Ops", "Remote"),
    "L": ("Ops", "Lab"),
    "M": ("Legal", "HQ"),
    "N": ("Legal", "HQ"),
    "O": ("Legal", "HQ"),
    "P": ("Legal", "HQ"),
    "Q": ("Facilities", "Lab"),
}


def post(post_id, channel, author, when, kind="post", parent=None):
    return {
        "post_id": post_id,
        "platform": post_id.split(":")[0],
        "native_id": post_id,
        "channel_id": channel,
        "author_id": author,
        "created_at": pd.Timestamp(when),
        "text": f"{kind} {post_id}",
        "kind": kind,
        "parent_id": parent,
        "collected_at": pd.Timestamp(when),
    }


def reaction(post_id, actor, target, when, emoji="heart"):
    return {
        "kind": "reaction",
        "post_id": post_id,
        "actor_id": actor,
        "target_id": target,
        "detail": emoji,
        "platform": "slack",
        "created_at": pd.Timestamp(when),
    }


@pytest.fixture
def con(empty_db):
    con = connect(empty_db)
    upsert(
        con,
        "channels",
        pd.DataFrame(
            [
                {
                    "channel_id": "teams:all",
                    "platform": "teams",
                    "scope": "internal",
                    "name": "all-hands",
                    "segment_type": "company",
                    "segment_value": "all",
                },
                {
                    "channel_id": "slack:sales",
                    "platform": "slack",
                    "scope": "internal",
                    "name": "sales",
                    "segment_type": "department",
                    "segment_value": "Sales",
                },
                {
                    "channel_id": "slack:ideas",
                    "platform": "slack",
                    "scope": "internal",
                    "name": "ideas",
                    "segment_type": "topic",
                    "segment_value": "ideas",
                },
            ]
        ),
    )
    upsert(
        con,
        "authors",
        pd.DataFrame(
            [
                {
                    "author_id": p,
                    "platform": "internal",
                    "scope": "internal",
                    "handle": p,
                    "department": dept,
                    "location": loc,
                    "employee_type": "full-time",
                    "in_directory": True,
                    "display_name": "Ada" if p == "D" else None,
                }
                for p, (dept, loc) in PEOPLE.items()
            ]
            # X is a guest: in the exports, not in the directory, so never in an audience.
            + [
                {
                    "author_id": "X",
                    "platform": "internal",
                    "scope": "internal",
                    "handle": "X",
                    "department": "Sales",
                    "location": "HQ",
                    "in_directory": False,
                }
            ]
        ),
    )
    upsert(
        con,
        "posts",
        pd.DataFrame(
            [
                # Announcement by B, 10 March 10:00; replies by E (10:20) and C (10:40).
                post("teams:ann", "teams:all", "B", "2026-03-10 10:00", "announcement"),
                post("teams:re1", "teams:all", "E", "2026-03-10 10:20", "reply", "teams:ann"),
                post("teams:re2", "teams:all", "C", "2026-03-10 10:40", "reply", "teams:ann"),
                # Company check-in by A, 20 March 08:00.
                post("teams:k1", "teams:all", "A", "2026-03-20 08:00", "check-in"),
                post(
                    "teams:k1a", "teams:all", "A", "2026-03-20 08:05", "answer", "teams:k1"
                ),  # poster
                post("teams:k1b", "teams:all", "B", "2026-03-20 08:10", "answer", "teams:k1"),
                post(
                    "teams:k1x", "teams:all", "X", "2026-03-20 08:15", "answer", "teams:k1"
                ),  # guest
                post("teams:k1c", "teams:all", "C", "2026-03-20 08:20", "answer", "teams:k1"),
                post("teams:k1c2", "teams:all", "C", "2026-03-20 08:30", "answer", "teams:k1"),
                post(
                    "teams:k1h", "teams:all", "H", "2026-03-20 08:35", "reply", "teams:k1"
                ),  # no answer
                post("teams:k1g", "teams:all", "G", "2026-03-20 08:40", "answer", "teams:k1"),
                post("teams:k1m", "teams:all", "M", "2026-03-20 09:00", "answer", "teams:k1"),
                # Check-in in Sales by G (Ops), 25 March 09:00; H is not in its audience.
                post("slack:k2", "slack:sales", "G", "2026-03-25 09:00", "check-in"),
                post("slack:k2a", "slack:sales", "A", "2026-03-25 09:05", "answer", "slack:k2"),
                post("slack:k2d", "slack:sales", "D", "2026-03-25 09:15", "answer", "slack:k2"),
                post("slack:k2h", "slack:sales", "H", "2026-03-25 09:20", "answer", "slack:k2"),
                post("slack:k2e", "slack:sales", "E", "2026-03-25 09:45", "answer", "slack:k2"),
                # A topic channel: H, I posted, J reacted, X (guest) posted, K answers the check-in.
                post("slack:i1", "slack:ideas", "H", "2026-03-01 09:00"),
                post("slack:i2", "slack:ideas", "I", "2026-03-01 10:00", "reply", "slack:i1"),
                post("slack:i3", "slack:ideas", "X", "2026-03-02 10:00"),
                post("slack:k3", "slack:ideas", "H", "2026-03-26 12:00", "check-in"),
                post("slack:k3k", "slack:ideas", "K", "2026-03-26 12:30", "answer", "slack:k3"),
                # Outside March.
                post("teams:old", "teams:all", "B", "2026-02-10 10:00", "announcement"),
            ]
        ),
    )
    upsert(
        con,
        "interactions",
        pd.DataFrame(
            [
                reaction("teams:ann", "C", "B", "2026-03-10 10:30"),
                reaction("teams:ann", "D", "B", "2026-03-10 11:00", "tada"),
                reaction("teams:ann", "D", "B", "2026-03-10 10:45"),
                reaction("teams:ann", "A", "B", "2026-03-10 12:00"),
                reaction("teams:ann", "B", "B", "2026-03-10 10:01"),  # the poster
                reaction("teams:ann", "X", "B", "2026-03-10 10:02"),  # a guest
                reaction("slack:i1", "J", "H", "2026-03-01 11:00"),
            ]
        ),
    )
    yield con
    con.close()


def stored(con) -> dict[tuple[str, str, str], tuple]:
    rows = con.execute(
        "SELECT post_id, segment_type, segment_value, audience, responded, rate, median_minutes "
        "FROM push_pull"
    ).fetchall()
    return {
        (p, t, v): (a, r, pytest.approx(rate), None if m is None else pytest.approx(m))
        for p, t, v, a, r, rate, m in rows
    }


def test_refresh_stores_reach_and_answers_worked_out_by_hand(con):
    assert refresh_push_pull(con, FLOOR5) == 21
    assert stored(con) == {
        # Announcement: audience 16 (all but B); A, C, D, E responded (B and X do not count),
        # after 120, 30 (C reacted before replying), 45 (D's first reaction) and 20 minutes.
        ("teams:ann", "all", "All"): (16, 4, 25.0, 37.5),
        ("teams:ann", "department", "Sales"): (5, 4, 80.0, 37.5),
        ("teams:ann", "department", "Ops"): (6, 0, 0.0, None),
        ("teams:ann", "department", "Other"): (5, 0, 0.0, None),
        ("teams:ann", "location", "HQ"): (9, 3, 100 * 3 / 9, 45.0),
        ("teams:ann", "location", "Other"): (7, 1, 100 / 7, 20.0),
        ("teams:old", "all", "All"): (16, 0, 0.0, None),
        ("teams:old", "department", "Sales"): (5, 0, 0.0, None),
        ("teams:old", "department", "Ops"): (6, 0, 0.0, None),
        ("teams:old", "department", "Other"): (5, 0, 0.0, None),
        ("teams:old", "location", "HQ"): (9, 0, 0.0, None),
        ("teams:old", "location", "Other"): (7, 0, 0.0, None),
        # Check-in k1: B, C, G, M answered after 10, 20, 40, 60 minutes (C's first answer).
        ("teams:k1", "all", "All"): (16, 4, 25.0, 30.0),
        ("teams:k1", "department", "Sales"): (5, 2, 40.0, 15.0),
        ("teams:k1", "department", "Ops"): (6, 1, 100 / 6, 40.0),
        ("teams:k1", "department", "Other"): (5, 1, 20.0, 60.0),
        ("teams:k1", "location", "HQ"): (9, 4, 100 * 4 / 9, 30.0),
        ("teams:k1", "location", "Other"): (7, 0, 0.0, None),
        # Check-in k2: Sales A-F; A, D, E answered after 5, 15, 45. Its HQ (4) and Remote (2)
        # audiences are both under the floor, so they are reported together as Other.
        ("slack:k2", "all", "All"): (6, 3, 50.0, 15.0),
        ("slack:k2", "department", "Sales"): (6, 3, 50.0, 15.0),
        ("slack:k2", "location", "Other"): (6, 3, 50.0, 15.0),
        # Check-in k3: audience I, J, K (3) is under the floor: no row at all.
    }


def test_readers_for_the_dashboard_filter_by_kind_period_and_segment(con):
    refresh_push_pull(con, FLOOR5)
    reach = announcement_reach(con, MARCH, "location")
    assert reach[["post_id", "segment_value", "audience", "reached"]].values.tolist() == [
        ["teams:ann", "HQ", 9, 3],
        ["teams:ann", "Other", 7, 1],
    ]
    assert reach["headline"].tolist() == ["announcement teams:ann"] * 2
    answers = check_in_answers(con, MARCH)
    assert answers[["post_id", "audience", "answered", "answer_rate"]].values.tolist() == [
        ["teams:k1", 16, 4, 25.0],
        ["slack:k2", 6, 3, 50.0],
    ]
    assert answers["median_minutes_to_answer"].tolist() == [30.0, 15.0]
    assert check_in_answers(con, Period(date(2026, 3, 21), date(2026, 3, 31)), "department")[
        "segment_value"
    ].tolist() == ["Sales"]
    with pytest.raises(ValueError, match="unknown segment"):
        check_in_answers(con, MARCH, "employee_type")


def test_no_row_names_a_group_under_the_floor(con):
    refresh_push_pull(con, FLOOR5)
    values = {v for (_, _, v) in stored(con)}
    assert values == {"All", "Sales", "Ops", "HQ", "Other"}
    sizes = con.execute("SELECT min(audience) FROM push_pull").fetchall()[0][0]
    assert sizes >= 5
    # With a floor of 1 every group stands alone, and k3's 3-person audience is reported.
    refresh_push_pull(con, Settings(privacy={"min_group_size": 1}))
    assert stored(con)[("teams:k1", "department", "Legal")] == (4, 1, 25.0, 60.0)
    assert stored(con)[("slack:k3", "all", "All")] == (3, 1, pytest.approx(100 / 3), 30.0)


def test_rerun_replaces_rows_and_sees_new_answers(con):
    refresh_push_pull(con, FLOOR5)
    upsert(
        con,
        "posts",
        pd.DataFrame(
            [post("teams:k1q", "teams:all", "Q", "2026-03-20 10:00", "answer", "teams:k1")]
        ),
    )
    assert refresh_push_pull(con, FLOOR5) == 21
    assert stored(con)[("teams:k1", "all", "All")] == (16, 5, pytest.approx(100 * 5 / 16), 40.0)
    assert stored(con)[("teams:k1", "department", "Other")] == (5, 2, 40.0, 90.0)


def test_live_answer_rates_share_the_audience_definition(con):
    rates = check_in_answer_rates(con, MARCH)
    assert rates[["post_id", "audience", "answered", "answer_rate"]].values.tolist() == [
        ["teams:k1", 16, 4, 25.0],
        ["slack:k2", 6, 3, 50.0],
        ["slack:k3", 3, 1, 33.3],
    ]
    assert rates["median_minutes_to_answer"].tolist() == [30.0, 15.0, 30.0]


def test_non_responders_lists_the_audience_that_did_not_answer(con):
    # k3's audience is who ever posted or reacted in the topic channel, less the poster H
    # and the guest X: I, J and K; K answered.
    assert non_responders(con, "slack:k3")["pseudonym"].tolist() == ["I", "J"]
    missing = non_responders(con, "slack:k2")
    assert missing.to_dict("records") == [
        {
            "pseudonym": "B",
            "display_name": None,
            "department": "Sales",
            "location": "HQ",
            "employee_type": "full-time",
        },
        {
            "pseudonym": "C",
            "display_name": None,
            "department": "Sales",
            "location": "HQ",
            "employee_type": "full-time",
        },
        {
            "pseudonym": "F",
            "display_name": None,
            "department": "Sales",
            "location": "Remote",
            "employee_type": "full-time",
        },
    ]
    assert set(non_responders(con, "teams:k1")["pseudonym"]) == set("DEFHIJKLNOPQ")
    assert non_responders(con, "teams:k1").set_index("pseudonym").loc["D", "display_name"] == (
        "Ada"
    )
    with pytest.raises(ValueError, match="not a check-in"):
        non_responders(con, "teams:ann")


@pytest.fixture(scope="module")
def demo_push_pull(tmp_path_factory, demo_db):
    """The demo warehouse with push and pull refreshed (a copy: ``demo_db`` stays read-only)."""
    path = tmp_path_factory.mktemp("push_pull") / "demo.duckdb"
    path.write_bytes(demo_db.read_bytes())
    with open_warehouse(path) as con:
        refresh_push_pull(con, FLOOR5)
    return path


def test_demo_check_in_is_answered_at_the_generated_rate(demo_push_pull, demo_tables):
    people = demo_tables["authors"]
    people = people[people["author_id"].str.startswith("emp_")]
    posts = demo_tables["posts"]
    check_in = posts[posts["kind"] == "check-in"].iloc[0]
    answerers = posts.loc[
        (posts["kind"] == "answer") & (posts["parent_id"] == check_in.post_id), "author_id"
    ].nunique()
    # The generator answers with p = 0.78, +0.12 in Retail Operations, -0.15 in Engineering,
    # -0.15 in Lyon, -0.20 for contractors (collectors/demo/internal.py): about 74% here.
    target = (
        0.78
        + 0.12 * (people["department"] == "Retail Operations")
        - 0.15 * (people["department"] == "Engineering")
        - 0.15 * (people["location"] == "Lyon")
        - 0.20 * (people["employee_type"] == "contractor")
    ).mean() * 100
    with open_warehouse(demo_push_pull, read_only=True) as con:
        overall = check_in_answers(con, Period(date(2000, 1, 1), date(2100, 1, 1)))
        by_location = check_in_answers(con, Period(date(2000, 1, 1), date(2100, 1, 1)), "location")
    assert len(overall) == 1
    row = overall.iloc[0]
    assert (row["audience"], row["answered"]) == (len(people) - 1, answerers)
    assert row["answer_rate"] == pytest.approx(100 * answerers / (len(people) - 1))
    assert abs(row["answer_rate"] - target) < 3
    assert 65 < row["answer_rate"] < 80
    # Lyon is the one location the generator answers less in.
    assert by_location.sort_values("answer_rate")["segment_value"].iloc[0] == "Lyon"


def test_demo_never_names_legal_and_keeps_every_group_above_the_floor(demo_push_pull):
    with open_warehouse(demo_push_pull, read_only=True) as con:
        table = con.execute("SELECT * FROM push_pull").df()
    assert len(table) > 0
    assert set(table["kind"]) == {"announcement", "check-in"}
    for column in ("post_id", "channel", "segment_value"):
        assert not table[column].str.contains("legal", case=False).any(), column
    assert table["audience"].min() >= 5
    assert "Other" in set(table.loc[table["segment_type"] == "department", "segment_value"])


# With filters the rates are computed live for the selected people (the stored table holds one
# segment type at a time). Locations at a floor of 5 are HQ (A B C D G H M N O P) and Other
# (Remote E F I J K + Lab L Q).


def test_filters_select_the_audience_live(con):
    hq = {"location": ["HQ"]}
    # k1's audience (all but A) in HQ: B C D G H M N O P (9), of whom B, C, G and M answered;
    # the 7 others are not selected. Per department they are Sales 3, Ops 2, Other 4: each
    # under the floor, so together they are "Other".
    overall = check_in_answers(con, MARCH, filters=hq)
    assert overall[["post_id", "segment_value", "audience", "answered"]].values.tolist() == [
        ["teams:k1", "All", 9, 4]
    ]
    assert overall["answer_rate"].tolist() == [pytest.approx(100 * 4 / 9)]
    assert overall["median_minutes_to_answer"].tolist() == [30.0]  # 10, 20, 40, 60
    by_department = check_in_answers(con, MARCH, "department", filters=hq)
    assert by_department[["segment_value", "audience", "answered"]].values.tolist() == [
        ["Other", 9, 4]
    ]
    # k2 (the Sales channel) has 4 of its 6 in HQ: under the floor, no row. The announcement
    # reached A, C and D in HQ (E is Remote).
    reach = announcement_reach(con, MARCH, "location", filters=hq)
    assert reach[["post_id", "segment_value", "audience", "reached"]].values.tolist() == [
        ["teams:ann", "HQ", 9, 3]
    ]
    assert reach["headline"].tolist() == ["announcement teams:ann"]


def test_filters_change_nothing_when_they_select_everyone_of_a_segment(con):
    refresh_push_pull(con, FLOOR5)
    stored_rows = check_in_answers(con, MARCH, "location")
    both = check_in_answers(con, MARCH, "location", filters={"location": ["HQ", "Other"]})
    columns = ["post_id", "segment_value", "audience", "answered", "answer_rate"]
    pd.testing.assert_frame_equal(both[columns], stored_rows[columns], check_dtype=False)


def test_a_selection_under_the_floor_is_withheld(con):
    # Sales in HQ is A B C D: four people.
    rows = check_in_answers(
        con, MARCH, "department", filters={"department": ["Sales"], "location": ["HQ"]}
    )
    assert rows.empty and "below the privacy floor" in rows.attrs["withheld"]
    legal = announcement_reach(con, MARCH, filters={"department": ["Legal"]})
    assert legal.empty and "not reported on its own" in legal.attrs["withheld"]
    assert "answered" in rows.columns and "reached" in legal.columns
