"""Internal engagement metrics on a ten-person network whose every figure is worked out by hand.

Directory: Sales A B C D E I (6), Ops F G H J (4); I and J never contribute; X is not in the
directory, so nothing X does counts. Contributions per person and day (posts and replies
written, reactions and mentions made):

    Fri 20 Feb  G (thread t0, never answered)
    Mon  2 Mar  A x2 (thread t1, a reply to it), B (reply to t1 after 30 min), C (reaction)
    Tue  3 Mar  A x3 (thread t2 answered only by A, a mention in it, A's own reply)
    Mon  9 Mar  F (thread t3), C (reply to t3 after 90 min), D (reaction)
    Tue 10 Mar  A (reply to X's thread t5)
    Wed 11 Mar  B (thread t4), D (reply after 20 min), E (reply after 60 min)
    Thu 12 Mar  G (thread e1 in a restricted channel, never answered)
    Fri 13 Mar  H (an announcement)

The data runs from 20 Feb to 13 Mar, so the weeks (Mondays) are 16 Feb (3 days with data),
23 Feb (7, nobody active), 2 Mar (7) and 9 Mar (5), and the months February (9 days from the
20th) and March (13 days).
"""

from datetime import date

import pandas as pd
import pytest

from analysis.internal_metrics import (
    METRICS,
    compute_internal_metrics,
    internal_metric_series,
    refresh_internal_metrics,
)
from analysis.internal_summary import internal_summary
from analysis.period import Period
from analysis.privacy_floor import BELOW_FLOOR, OTHER
from socialpulse.config import Settings
from socialpulse.warehouse import connect, open_warehouse, upsert

PEOPLE = {**dict.fromkeys("ABCDEI", "Sales"), **dict.fromkeys("FGHJ", "Ops")}
WEEKS = {
    "W0": date(2026, 2, 16),
    "W1": date(2026, 2, 23),
    "W2": date(2026, 3, 2),
    "W3": date(2026, 3, 9),
}
FEB, MAR = date(2026, 2, 1), date(2026, 3, 1)


def floor(size: int) -> Settings:
    return Settings(privacy={"min_group_size": size})


def post(post_id, author, when, channel="slack:work", kind="post", parent=None):
    return {
        "post_id": post_id,
        "platform": post_id.split(":")[0],
        "native_id": post_id,
        "channel_id": channel,
        "author_id": author,
        "created_at": pd.Timestamp(when),
        "text": "text",
        "kind": kind,
        "parent_id": parent,
        "thread_id": parent or post_id,
        "collected_at": pd.Timestamp(when),
    }


def edge(kind, post_id, actor, target, when):
    return {
        "kind": kind,
        "post_id": post_id,
        "actor_id": actor,
        "target_id": target,
        "detail": "",
        "platform": "slack",
        "created_at": pd.Timestamp(when),
    }


def build(con) -> None:
    upsert(
        con,
        "channels",
        pd.DataFrame(
            [
                {
                    "channel_id": channel_id,
                    "platform": channel_id.split(":")[0],
                    "scope": scope,
                    "name": channel_id.split(":")[1],
                    "sensitivity": sensitivity,
                }
                for channel_id, scope, sensitivity in [
                    ("x:public", "external", "public"),
                    ("slack:work", "internal", "internal"),
                    ("slack:exec", "internal", "restricted"),
                    ("viva:news", "internal", "internal"),
                ]
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
                    "location": "HQ",
                    "employee_type": "full-time",
                    "in_directory": p != "X",
                }
                for p, dept in {**PEOPLE, "X": "Sales"}.items()
            ]
        ),
    )
    upsert(
        con,
        "posts",
        pd.DataFrame(
            [
                post("x:fan", "fan", "2026-03-05 10:00", channel="x:public"),
                post("slack:t0", "G", "2026-02-20 15:00"),
                post("slack:t1", "A", "2026-03-02 09:00"),
                post("slack:r1a", "A", "2026-03-02 09:10", kind="reply", parent="slack:t1"),
                post("slack:r1b", "B", "2026-03-02 09:30", kind="reply", parent="slack:t1"),
                post("slack:t2", "A", "2026-03-03 10:00"),
                post("slack:r2", "A", "2026-03-03 10:05", kind="reply", parent="slack:t2"),
                post("slack:t3", "F", "2026-03-09 11:00"),
                post("slack:r3", "C", "2026-03-09 12:30", kind="reply", parent="slack:t3"),
                post("slack:t5", "X", "2026-03-10 09:00"),
                post("slack:r5", "A", "2026-03-10 10:00", kind="reply", parent="slack:t5"),
                post("slack:t4", "B", "2026-03-11 08:00"),
                post("slack:r4a", "D", "2026-03-11 08:20", kind="reply", parent="slack:t4"),
                post("slack:r4b", "E", "2026-03-11 09:00", kind="reply", parent="slack:t4"),
                post("slack:e1", "G", "2026-03-12 16:00", channel="slack:exec"),
                post("viva:n1", "H", "2026-03-13 10:00", channel="viva:news", kind="announcement"),
            ]
        ),
    )
    upsert(
        con,
        "interactions",
        pd.DataFrame(
            [
                edge("reaction", "slack:t1", "C", "A", "2026-03-02 12:00"),
                edge("mention", "slack:t2", "A", "F", "2026-03-03 10:00"),
                edge("reaction", "slack:t3", "D", "F", "2026-03-09 13:00"),
                edge(
                    "reaction", "slack:t4", "X", "B", "2026-03-11 10:00"
                ),  # X: not in the directory
                edge(
                    "reply", "slack:r1b", "B", "A", "2026-03-02 09:30"
                ),  # the reply post counts, once
            ]
        ),
    )


@pytest.fixture
def con(empty_db):
    con = connect(empty_db)
    build(con)
    yield con
    con.close()


@pytest.fixture(scope="module")
def all_employees():
    """The stored rows for everyone, computed once for the many checks below."""
    con = connect(":memory:")
    build(con)
    refresh_internal_metrics(con, floor(5))
    yield stored(con)
    con.close()


def stored(con, segment_type="all", segment_value="All employees") -> pd.DataFrame:
    return con.execute(
        "SELECT grain, period_start, metric, numerator, denominator, value FROM internal_metrics "
        "WHERE segment_type = ? AND segment_value = ?",
        [segment_type, segment_value],
    ).df()


def figure(rows: pd.DataFrame, metric: str, start: date, part: str = "value"):
    hit = rows[(rows.metric == metric) & (rows.period_start == pd.Timestamp(start))]
    assert len(hit) == 1, f"{metric} {start}: {len(hit)} rows"
    value = hit.iloc[0][part]
    return None if pd.isna(value) else value


# (metric, period start, numerator, denominator, value) for "All employees", 10 people.
ALL_EMPLOYEES = [
    # Person-days / days with data: 1/3, 0/7, 4/7, 9/5; February 1/9, March 13/13.
    ("dau", WEEKS["W0"], 1, 3, 1 / 3),
    ("dau", WEEKS["W1"], 0, 7, 0.0),
    ("dau", WEEKS["W2"], 4, 7, 4 / 7),
    ("dau", WEEKS["W3"], 9, 5, 1.8),
    ("dau", FEB, 1, 9, 1 / 9),
    ("dau", MAR, 13, 13, 1.0),
    # A week: its own active people. February overlaps the weeks of 16 and 23 Feb (1 + 0);
    # March those of 23 Feb, 2 and 9 Mar (0 + 3 + 8).
    ("wau", WEEKS["W2"], 3, 1, 3),
    ("wau", WEEKS["W3"], 8, 1, 8),
    ("wau", FEB, 1, 2, 0.5),
    ("wau", MAR, 11, 3, 11 / 3),
    # 28 days ending on Sunday 22 Feb, 1 Mar, 8 Mar, 15 Mar: G; G; G A B C; all but I and J.
    ("mau", WEEKS["W0"], 1, None, 1),
    ("mau", WEEKS["W1"], 1, None, 1),
    ("mau", WEEKS["W2"], 4, None, 4),
    ("mau", WEEKS["W3"], 8, None, 8),
    ("mau", FEB, 1, None, 1),
    ("mau", MAR, 8, None, 8),
    ("stickiness", WEEKS["W0"], 1 / 3, 1, 100 / 3),
    ("stickiness", WEEKS["W1"], 0, 1, 0.0),
    ("stickiness", WEEKS["W2"], 4 / 7, 4, 100 / 7),
    ("stickiness", WEEKS["W3"], 1.8, 8, 22.5),
    ("stickiness", FEB, 1 / 9, 1, 100 / 9),
    ("stickiness", MAR, 1.0, 8, 12.5),
    ("active_people", WEEKS["W1"], 0, None, 0),
    ("active_people", WEEKS["W3"], 8, None, 8),
    ("active_people", MAR, 8, None, 8),
    # First contributions: G 20 Feb; A B C 2 Mar; D F 9 Mar; E 11 Mar; H 13 Mar.
    ("activation", WEEKS["W0"], 1, 10, 10.0),
    ("activation", WEEKS["W1"], 1, 10, 10.0),
    ("activation", WEEKS["W2"], 4, 10, 40.0),
    ("activation", WEEKS["W3"], 8, 10, 80.0),
    ("activation", FEB, 1, 10, 10.0),
    ("activation", MAR, 8, 10, 80.0),
    ("interactive_users", WEEKS["W1"], 0, 10, 0.0),
    ("interactive_users", WEEKS["W2"], 3, 10, 30.0),
    ("interactive_users", MAR, 8, 10, 80.0),
    ("lurker_share", WEEKS["W1"], 10, 10, 100.0),
    ("lurker_share", WEEKS["W2"], 7, 10, 70.0),
    ("lurker_share", MAR, 2, 10, 20.0),
    # The top 1% of 10 people is one person: the light contributors are the others.
    ("contributor_share", WEEKS["W0"], 0, 10, 0.0),
    ("contributor_share", WEEKS["W2"], 2, 10, 20.0),
    ("contributor_share", MAR, 7, 10, 70.0),
    # Top contributor: G 1 of 1; nobody; A 5 of 7; D 2 of 9; A 6 of 16 in March.
    ("top1_contribution_share", WEEKS["W0"], 1, 1, 100.0),
    ("top1_contribution_share", WEEKS["W1"], 0, 0, None),
    ("top1_contribution_share", WEEKS["W2"], 5, 7, 500 / 7),
    ("top1_contribution_share", WEEKS["W3"], 2, 9, 200 / 9),
    ("top1_contribution_share", MAR, 6, 16, 37.5),
    # Sorted contributions, lurkers first; G = 2 sum(i x_i) / (n sum x) - (n + 1) / n.
    # 0x9,1 -> 0.9; 0x7,1,1,5 -> 2*67/70 - 1.1; 0,0,1x7,2 -> 2*62/90 - 1.1;
    # March 0,0,1,1,1,1,2,2,2,6 -> 2*126/160 - 1.1.
    ("gini", WEEKS["W0"], 1, 10, 0.9),
    ("gini", WEEKS["W1"], 0, 10, None),
    ("gini", WEEKS["W2"], 7, 10, 134 / 70 - 1.1),
    ("gini", WEEKS["W3"], 9, 10, 124 / 90 - 1.1),
    ("gini", FEB, 1, 10, 0.9),
    ("gini", MAR, 16, 10, 0.475),
    # Threads by people in the directory: t0 | t1 (B, 30 min), t2 (self only) |
    # t3 (C, 90 min), t4 (D, 20 min), e1 (none). X's t5 is not theirs to count.
    ("reply_rate", WEEKS["W0"], 0, 1, 0.0),
    ("reply_rate", WEEKS["W1"], 0, 0, None),
    ("reply_rate", WEEKS["W2"], 1, 2, 50.0),
    ("reply_rate", WEEKS["W3"], 2, 3, 200 / 3),
    ("reply_rate", FEB, 0, 1, 0.0),
    ("reply_rate", MAR, 3, 5, 60.0),
    ("median_minutes_to_first_reply", WEEKS["W0"], None, 0, None),
    ("median_minutes_to_first_reply", WEEKS["W2"], None, 1, 30.0),
    ("median_minutes_to_first_reply", WEEKS["W3"], None, 2, 55.0),
    ("median_minutes_to_first_reply", MAR, None, 3, 30.0),
]


@pytest.mark.parametrize(("metric", "start", "numerator", "denominator", "value"), ALL_EMPLOYEES)
def test_every_metric_for_all_employees(
    all_employees, metric, start, numerator, denominator, value
):
    rows = all_employees
    assert figure(rows, metric, start, "numerator") == pytest.approx(numerator)
    assert figure(rows, metric, start, "denominator") == pytest.approx(denominator)
    assert figure(rows, metric, start) == pytest.approx(value)


def test_every_period_and_metric_is_stored_once_and_a_rerun_replaces_them(con):
    # 4 weeks + 2 months; segments: All employees, department Other (Ops, 4, folds Sales in
    # with it), location HQ, employee type full-time: 13 metrics each. The channel work had
    # six people in the week of 9 Mar and in March (A B C D E F), 7 metrics each; fewer
    # elsewhere; news (H alone) never; exec is restricted.
    assert refresh_internal_metrics(con, floor(5)) == 6 * 4 * 13 + 2 * 7
    assert refresh_internal_metrics(con, floor(5)) == 6 * 4 * 13 + 2 * 7
    segments = con.execute(
        "SELECT DISTINCT segment_type, segment_value FROM internal_metrics ORDER BY ALL"
    ).fetchall()
    assert segments == [
        ("all", "All employees"),
        ("channel", "slack:work"),
        ("department", OTHER),
        ("employee_type", "full-time"),
        ("location", "HQ"),
    ]
    assert set(stored(con)["metric"]) == set(METRICS)
    # A higher floor: the whole directory (10) is too small, and so is every channel.
    assert refresh_internal_metrics(con, floor(11)) == 0
    assert con.execute("SELECT count(*) FROM internal_metrics").fetchall()[0][0] == 0


def test_departments_at_or_above_the_floor_get_their_own_figures(con):
    refresh_internal_metrics(con, floor(4))
    sales, ops = stored(con, "department", "Sales"), stored(con, "department", "Ops")
    # March: Sales A B C D E of 6; Ops F G H of 4.
    assert figure(sales, "interactive_users", MAR) == pytest.approx(500 / 6)
    assert figure(ops, "interactive_users", MAR) == pytest.approx(75.0)
    # Ops in March: J 0, F G H 1 each -> 2*(2+3+4)/(4*3) - 5/4 = 0.25.
    assert figure(ops, "gini", MAR) == pytest.approx(0.25)
    # Ops threads in March: t3 answered, e1 not; Sales: t1 answered, t2 not, t4 answered.
    assert figure(ops, "reply_rate", MAR) == pytest.approx(50.0)
    assert figure(sales, "reply_rate", MAR) == pytest.approx(200 / 3)
    assert figure(sales, "lurker_share", MAR, "numerator") == 1  # I
    assert figure(ops, "activation", WEEKS["W0"], "numerator") == 1  # G


def test_a_channel_gets_activity_and_threads_only_and_only_above_the_floor(con):
    refresh_internal_metrics(con, floor(5))
    work = stored(con, "channel", "slack:work")
    assert set(work["period_start"]) == {pd.Timestamp(WEEKS["W3"]), pd.Timestamp(MAR)}
    assert set(work["metric"]) == {
        "dau",
        "wau",
        "mau",
        "stickiness",
        "active_people",
        "reply_rate",
        "median_minutes_to_first_reply",
    }
    # Week of 9 Mar in work: 9 Mar C D F, 10 Mar A, 11 Mar B D E -> 7 person-days / 5 days;
    # its 28 days also hold G's t0 (20 Feb): 7 people.
    assert figure(work, "dau", WEEKS["W3"]) == pytest.approx(1.4)
    assert figure(work, "mau", WEEKS["W3"]) == 7
    assert figure(work, "stickiness", WEEKS["W3"]) == pytest.approx(20.0)
    assert figure(work, "active_people", WEEKS["W3"]) == 6
    # March in work: weeks of 23 Feb (0), 2 Mar (A B C) and 9 Mar (6); 11 person-days / 13.
    assert figure(work, "wau", MAR) == pytest.approx(3.0)
    assert figure(work, "dau", MAR) == pytest.approx(11 / 13)
    assert figure(work, "reply_rate", WEEKS["W3"]) == pytest.approx(100.0)
    assert figure(work, "median_minutes_to_first_reply", WEEKS["W3"]) == pytest.approx(55.0)


def test_series_reads_the_periods_overlapping_the_range(con):
    refresh_internal_metrics(con, floor(5))
    series = internal_metric_series(
        con, "interactive_users", "week", "all", date(2026, 3, 4), date(2026, 3, 10)
    )
    assert series["period_start"].tolist() == [pd.Timestamp(WEEKS["W2"]), pd.Timestamp(WEEKS["W3"])]
    assert series["value"].tolist() == pytest.approx([30.0, 80.0])
    months = internal_metric_series(
        con, "gini", "month", "department", date(2026, 2, 10), date(2026, 3, 31)
    )
    assert months["segment_value"].tolist() == [OTHER, OTHER]
    with pytest.raises(ValueError, match="unknown metric"):
        internal_metric_series(con, "salary", "week", "all", FEB, MAR)


def test_periods_summarised_together_equal_each_summarised_alone(con):
    from analysis.internal_summary import internal_summaries

    periods = [Period(MAR, date(2026, 3, 31)), Period(WEEKS["W3"], date(2026, 3, 15))]
    for filters in (None, {"department": ["Ops"]}):
        together = internal_summaries(con, periods, filters, 4)
        assert together == [internal_summary(con, p, filters, 4) for p in periods]
        assert together[0]["metrics"] != together[1]["metrics"]  # two periods, two answers


def test_summary_matches_the_stored_week_and_month(con):
    march = internal_summary(con, Period(MAR, date(2026, 3, 31)), None, 5)
    assert not march["withheld"] and march["people"] == 10
    figures = {name: m["value"] for name, m in march["metrics"].items()}
    assert figures == pytest.approx(
        {
            "active_people": 8,
            "interactive_users": 80.0,
            "stickiness": 12.5,
            "reply_rate": 60.0,
            "gini": 0.475,
        }
    )
    # A week: 9 person-days over the 5 days with data / 8 people in the 28 days to 15 Mar.
    week = internal_summary(con, Period(WEEKS["W3"], date(2026, 3, 15)), {}, 5)
    assert week["metrics"]["stickiness"]["value"] == pytest.approx(22.5)
    # Filters: Ops alone is under the floor at 5; at 4 it shows F G H of 4.
    ops = internal_summary(con, Period(MAR, date(2026, 3, 31)), {"department": ["Ops"]}, 5)
    assert ops["withheld"] and ops["reason"] == BELOW_FLOOR and ops["people"] is None
    ops = internal_summary(con, Period(MAR, date(2026, 3, 31)), {"department": ["Ops"]}, 4)
    assert ops["metrics"]["interactive_users"]["value"] == pytest.approx(75.0)


def test_summary_and_stored_figures_agree_on_the_demo(db_copy, demo_db):
    warehouse = db_copy(demo_db)
    with open_warehouse(warehouse) as con:
        refresh_internal_metrics(con, floor(5))
        june = Period(date(2026, 6, 1), date(2026, 6, 30))
        for department in ("Sales", OTHER):
            summary = internal_summary(con, june, {"department": [department]}, 5)
            rows = stored(con, "department", department)
            for metric, figures in summary["metrics"].items():
                assert figures["value"] == pytest.approx(
                    figure(rows[rows.grain == "month"], metric, june.start)
                ), metric


def test_compute_on_an_empty_warehouse_gives_no_rows(empty_db):
    con = connect(empty_db)
    assert compute_internal_metrics(con, 5).empty
    con.close()
