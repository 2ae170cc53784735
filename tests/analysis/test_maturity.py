"""The maturity scorecard: each criterion on hand-made evidence, monotonicity, the current-stage
rule, the answer history, the stored trend, and the demo's year."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pandas as pd
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from analysis.brand_daily import refresh_brand_daily
from analysis.maturity import (
    answers_as_of,
    current_stage,
    history,
    month_ends,
    questions,
    record_answer,
    refresh_maturity,
    score_criteria,
    scorecard,
    summarise,
)
from analysis.maturity_criteria import BY_ID, CRITERIA
from analysis.maturity_grading import grade, grade_time
from collectors.demo.maturity import ANSWERS, demo_answers, save_answers
from socialpulse.config import EXAMPLE_CONFIG, Settings, load_settings, parse_settings
from socialpulse.warehouse import connect, open_warehouse, upsert
from tests.analysis.stored import analysed

AS_OF = date(2026, 3, 31)  # the 90-day window is 2026-01-01 .. 2026-03-31
DEFAULTS = Settings()


@pytest.fixture
def con():
    connection = connect(":memory:")
    yield connection
    connection.close()


def load(con, table: str, rows: list[dict]) -> None:
    upsert(con, table, pd.DataFrame(rows))


def at(day: date, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute)


def measure(con, criterion_id: str, settings: Settings = DEFAULTS, as_of: date = AS_OF) -> dict:
    return BY_ID[criterion_id].measure(con, settings, as_of)


def channels(con, *rows: dict) -> None:
    load(
        con,
        "channels",
        [
            {
                "channel_id": "x:search",
                "platform": "x",
                "scope": "external",
                "name": "search",
                "segment_type": None,
                "segment_value": None,
                "sensitivity": "public",
                "restricted_to": None,
                **row,
            }
            for row in rows
        ],
    )


def people(con, *rows: dict) -> None:
    load(
        con,
        "authors",
        [
            {
                "platform": "internal",
                "scope": "internal",
                "is_owned": False,
                "department": None,
                "is_executive": False,
                "in_directory": True,
                **row,
                "handle": row["author_id"],
            }
            for row in rows
        ],
    )


def posts(con, *rows: dict) -> None:
    load(
        con,
        "posts",
        [
            {
                "kind": "post",
                "text": "hello",
                "parent_id": None,
                **row,
                "platform": row["post_id"].split(":")[0],
                "native_id": row["post_id"].split(":")[1],
                "collected_at": row["created_at"],
            }
            for row in rows
        ],
    )


def brand_day(day: date, brand: str, competitor: bool, mentions: int = 1, scored: int = 1):
    return {
        "day": day,
        "brand": brand,
        "is_competitor": competitor,
        "platform": "x",
        "mentions": mentions,
        "likes": 0,
        "shares": 0,
        "replies": 0,
        "quotes": 0,
        "views": 0,
        "engagements": 0,
        "reach": None,
        "reach_method": "unknown",
        "positive": scored,
        "neutral": 0,
        "negative": 0,
    }


def metric(
    metric_name: str,
    value: float,
    segment_type: str = "all",
    segment_value: str = "All",
    month: date = date(2026, 3, 1),
) -> dict:
    return {
        "grain": "month",
        "period_start": month,
        "segment_type": segment_type,
        "segment_value": segment_value,
        "metric": metric_name,
        "numerator": None,
        "denominator": None,
        "value": value,
        "computed_at": datetime(2026, 4, 1),
    }


# --- grading ----------------------------------------------------------------------------------


def test_grades_at_the_threshold_and_half_of_it():
    assert [grade(v, 50) for v in (None, 0, 24.9, 25, 49.9, 50, 80)] == [0, 0, 0, 0.5, 0.5, 1, 1]
    assert [grade_time(m, 60) for m in (None, 10, 60, 60.1, 120, 121)] == [0, 1, 1, 0.5, 0.5, 0]


@given(st.floats(0, 1000), st.floats(0, 1000), st.floats(0.01, 500))
def test_a_better_figure_never_grades_lower(a, b, target):
    low, high = sorted((a, b))
    assert grade(low, target) <= grade(high, target)
    assert grade_time(high, target) <= grade_time(low, target)


def test_every_stage_has_three_to_five_criteria_and_ids_name_their_stage():
    for stage in range(1, 7):
        assert 3 <= sum(c.stage == stage for c in CRITERIA) <= 5
    assert all((c.measure is None) == (c.source == "questionnaire") for c in CRITERIA)
    assert [q["id"] for q in questions()] == [c.id for c in CRITERIA if c.source == "questionnaire"]
    assert all(q["question"].endswith("?") for q in questions())


# --- Planning ---------------------------------------------------------------------------------


def test_queries_collecting_counts_days_with_own_and_competitor_mentions(con):
    march = [date(2026, 3, d) for d in range(1, 31)]
    load(
        con,
        "brand_daily",
        [brand_day(d, "Acme", False) for d in march]
        + [brand_day(d, "Rival", True) for d in march[:15]]
        + [brand_day(date(2026, 4, 5), "Rival", True)],
    )
    found = measure(con, "planning.queries_collecting")
    assert found["score"] == 0.5
    assert found["numbers"] == {"own_brand_days": 30, "competitor_days": 15, "target_days": 30}
    assert found["period"] == {"start": "2026-03-01", "end": "2026-03-31"}
    load(con, "brand_daily", [brand_day(d, "Rival", True) for d in march[15:]])
    assert measure(con, "planning.queries_collecting")["score"] == 1
    assert measure(con, "planning.queries_collecting", as_of=date(2026, 3, 29))["score"] == 0.5
    assert measure(con, "planning.queries_collecting", as_of=date(2026, 3, 7))["score"] == 0


@pytest.mark.parametrize(
    ("toml", "score"),
    [
        ("", 0),
        ("[kpi_targets]\nshare_of_voice = 40\nreply_rate = 50\n", 0),
        ("[kpi_targets]\nshare_of_voice = 40\nreply_rate = 50\nstickiness = 10\n", 0.5),
        (
            "[kpi_targets]\nshare_of_voice = 40\nreply_rate = 50\nstickiness = 10\n"
            "net_sentiment = 5\n"
            "interactive_users = 30\ncheck_in_answer_rate = 80\n",
            1,
        ),
    ],
)
def test_kpi_targets_count_the_targets_the_configuration_sets(con, toml, score):
    assert measure(con, "planning.kpi_targets", parse_settings(toml))["score"] == score


@pytest.mark.parametrize(("scored", "score"), [(8, 1), (4, 0.5), (3, 0)])
def test_sentiment_tracked_is_the_share_of_own_mentions_with_a_label(con, scored, score):
    load(
        con,
        "brand_daily",
        [
            brand_day(date(2026, 3, 1), "Acme", False, 10, scored),
            brand_day(date(2025, 12, 1), "Acme", False, 100, 0),
            brand_day(date(2026, 3, 1), "Rival", True, 100, 0),
        ],
    )
    found = measure(con, "planning.sentiment_tracked")
    assert found["score"] == score
    assert found["numbers"]["own_brand_mentions"] == 10
    assert found["numbers"]["coverage_pct"] == scored * 10


# --- Presence ---------------------------------------------------------------------------------


def owned_accounts(con) -> None:
    channels(con, {}, {"channel_id": "reddit:sub", "platform": "reddit", "name": "sub"})
    load(
        con,
        "authors",
        [
            {
                "author_id": f"{p}:acme",
                "platform": p,
                "scope": "external",
                "handle": "acme",
                "is_owned": True,
            }
            for p in ("x", "reddit")
        ]
        + [
            {
                "author_id": "x:fan",
                "platform": "x",
                "scope": "external",
                "handle": "fan",
                "is_owned": False,
            }
        ],
    )


def test_owned_platforms_count_where_owned_accounts_posted_in_the_window(con):
    owned_accounts(con)
    posts(
        con,
        {
            "post_id": "x:1",
            "channel_id": "x:search",
            "author_id": "x:acme",
            "created_at": at(date(2026, 3, 1)),
        },
        {
            "post_id": "reddit:old",
            "channel_id": "reddit:sub",
            "author_id": "reddit:acme",
            "created_at": at(date(2025, 12, 31)),
        },
    )
    found = measure(con, "presence.owned_platforms")
    assert (found["score"], found["numbers"]["names"]) == (0.5, ["x"])
    posts(
        con,
        {
            "post_id": "reddit:new",
            "channel_id": "reddit:sub",
            "author_id": "reddit:acme",
            "created_at": at(date(2026, 1, 1), 0),
        },
    )
    assert measure(con, "presence.owned_platforms")["numbers"]["names"] == ["reddit", "x"]
    assert measure(con, "presence.owned_platforms")["score"] == 1


@pytest.mark.parametrize(("weeks", "score"), [(10, 1), (5, 0.5), (4, 0)])
def test_weekly_posting_counts_weeks_with_an_owned_post(con, weeks, score):
    owned_accounts(con)
    posts(
        con,
        *(
            {
                "post_id": f"x:{k}",
                "channel_id": "x:search",
                "author_id": "x:acme",
                "created_at": at(AS_OF - timedelta(days=7 * k)),
            }
            for k in range(weeks)
        ),
        *(
            {
                "post_id": f"x:r{k}",
                "channel_id": "x:search",
                "author_id": "x:acme",
                "kind": "reply",
                "created_at": at(AS_OF - timedelta(days=7 * k)),
            }
            for k in range(12)
        ),
        *(
            {
                "post_id": f"x:f{k}",
                "channel_id": "x:search",
                "author_id": "x:fan",
                "created_at": at(AS_OF - timedelta(days=7 * k)),
            }
            for k in range(12)
        ),
    )
    found = measure(con, "presence.weekly_posting")
    assert (found["score"], found["numbers"]["weeks_with_owned_post"]) == (score, weeks)


def test_amplification_and_conversation_read_the_latest_snapshot_before_the_date(con):
    owned_accounts(con)
    created = [date(2026, 3, 1), date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 30)]
    posts(
        con,
        *(
            {
                "post_id": f"x:{n}",
                "channel_id": "x:search",
                "author_id": "x:acme",
                "created_at": at(day),
            }
            for n, day in enumerate(created)
        ),
    )
    snapshot = {"likes": 0, "quotes": 0, "views": 0, "author_followers": 10}
    load(
        con,
        "engagement_snapshots",
        [
            {
                **snapshot,
                "post_id": "x:0",
                "taken_at": at(date(2026, 3, 2)),
                "shares": 2,
                "replies": 1,
            },
            {
                **snapshot,
                "post_id": "x:0",
                "taken_at": at(date(2026, 3, 20)),
                "shares": 6,
                "replies": 3,
            },
            {
                **snapshot,
                "post_id": "x:1",
                "taken_at": at(date(2026, 3, 3)),
                "shares": 0,
                "replies": 0,
            },
            {
                **snapshot,
                "post_id": "x:3",
                "taken_at": at(date(2026, 4, 2)),
                "shares": 100,
                "replies": 100,
            },
        ],
    )
    shared = measure(con, "presence.sharable_content")
    assert shared["numbers"] == {
        "owned_posts": 4,
        "measured": 2,
        "shares": 6,
        "amplification_rate": 1.5,
        "target": 1.0,
    }
    assert shared["score"] == 1
    talked = measure(con, "engagement.owned_conversation")
    assert (talked["numbers"]["conversation_rate"], talked["score"]) == (0.8, 0.5)  # 3 / 4


# --- Engagement -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reply_minutes", "score"),
    [
        ((30, 50), 1),  # 2 of 4 answered (50%), median 40 minutes
        ((30,), 0.5),  # 25%: half the target rate
        ((100, 140), 0.5),  # median 120 minutes: twice the target time
        ((200, 260), 0),  # median 230 minutes
    ],
)
def test_response_needs_both_the_rate_and_the_time(con, reply_minutes, score):
    owned_accounts(con)
    asked = [at(date(2026, 3, day)) for day in (2, 3, 4, 5)]
    posts(
        con,
        *(
            {
                "post_id": f"x:q{n}",
                "channel_id": "x:search",
                "author_id": "x:fan",
                "text": "@acme where is my order?",
                "created_at": when,
            }
            for n, when in enumerate(asked)
        ),
        *(
            {
                "post_id": f"x:a{n}",
                "channel_id": "x:search",
                "author_id": "x:acme",
                "kind": "reply",
                "parent_id": f"x:q{n}",
                "text": "we are on it",
                "created_at": asked[n] + timedelta(minutes=minutes),
            }
            for n, minutes in enumerate(reply_minutes)
        ),
    )
    load(
        con,
        "brand_matches",
        [
            {"post_id": f"x:q{n}", "brand": "Acme", "is_competitor": False, "rule": "keyword:Acme"}
            for n in range(4)
        ],
    )
    analysed(con)  # the mention index and the answered posts, as `pulse analyze` stores them
    found = measure(con, "engagement.response_within_target")
    assert found["score"] == score
    assert found["numbers"]["needing_reply"] == 4
    assert found["numbers"]["answered"] == len(reply_minutes)


def test_response_without_anything_to_answer_scores_zero_and_says_why(con):
    found = measure(con, "engagement.response_within_target")
    assert found["score"] == 0 and found["note"] == "no inbound mention needed a reply"


def test_internal_figures_come_from_the_last_full_month(con):
    load(con, "internal_metrics", [metric("interactive_users", 30), metric("reply_rate", 29)])
    scores = {
        i: measure(con, i)["score"]
        for i in (
            "engagement.interactive_users",
            "strategic.employees_at_scale",
            "engagement.internal_reply_rate",
        )
    }
    assert scores == {
        "engagement.interactive_users": 1,
        "strategic.employees_at_scale": 0.5,
        "engagement.internal_reply_rate": 0,
    }
    mid_april = measure(con, "engagement.interactive_users", as_of=date(2026, 4, 15))
    assert mid_april["period"] == {"start": "2026-03-01", "end": "2026-03-31"}
    assert mid_april["score"] == 1
    before = measure(con, "engagement.interactive_users", as_of=date(2026, 3, 30))
    assert before["score"] == 0 and "pulse analyze" in before["note"]


# --- Formalized -------------------------------------------------------------------------------


def internal_channel(segment_type: str | None, value: str | None, **extra) -> dict:
    name = f"{segment_type}-{value}"
    return {
        "channel_id": f"slack:{name}",
        "platform": "slack",
        "scope": "internal",
        "name": name,
        "segment_type": segment_type,
        "segment_value": value,
        "sensitivity": "internal",
        **extra,
    }


def test_segment_channels_count_departments_and_locations_with_an_active_channel(con):
    segments = [("department", d) for d in "ABCDE"] + [("location", "L1"), ("location", "L2")]
    channels(con, *(internal_channel(t, v) for t, v in segments))
    people(con, {"author_id": "emp_1"})
    late = {("department", "E"): date(2026, 4, 2), ("location", "L2"): date(2026, 4, 2)}
    posts(
        con,
        *(
            {
                "post_id": f"slack:{n}",
                "channel_id": f"slack:{t}-{v}",
                "author_id": "emp_1",
                "created_at": at(late.get((t, v), date(2026, 3, 1))),
            }
            for n, (t, v) in enumerate(segments)
        ),
    )
    found = measure(con, "formalized.segment_channels")
    assert found["numbers"]["departments_with_channel"] == 4
    assert found["numbers"]["locations_with_channel"] == 1
    assert found["score"] == 0.5
    assert measure(con, "formalized.segment_channels", as_of=date(2026, 4, 2))["score"] == 1


def test_governance_needs_retention_restricted_channels_and_the_audit_log(con):
    assert measure(con, "formalized.governance")["score"] == 0
    retention = parse_settings("[retention]\ndefault_days = 365\n")
    assert measure(con, "formalized.governance", retention)["score"] == 0  # 1 of 3
    channels(
        con,
        internal_channel(
            None,
            None,
            name="exec",
            channel_id="slack:exec",
            sensitivity="restricted",
            restricted_to="executives",
        ),
    )
    audit = "INSERT INTO audit_log (occurred_at, actor, action) VALUES (?, 'ann', 'view')"
    con.execute(audit, [at(date(2026, 4, 2))])
    assert measure(con, "formalized.governance", retention)["score"] == 0.5  # audit log later
    con.execute(audit, [at(date(2026, 3, 2))])
    found = measure(con, "formalized.governance", retention)
    assert found["score"] == 1 and found["numbers"]["audit_events"] == 1


# --- Strategic --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("executives", "posting", "score"), [(6, 3, 1), (6, 2, 0.5), (6, 1, 0), (4, 4, 0)]
)
def test_executives_active_is_the_share_who_posted_withheld_under_the_floor(
    con, executives, posting, score
):
    channels(con, internal_channel("department", "A"))
    people(
        con,
        *({"author_id": f"emp_{n}", "is_executive": True} for n in range(executives)),
        {"author_id": "emp_staff"},
    )
    posts(
        con,
        *(
            {
                "post_id": f"slack:{n}",
                "channel_id": "slack:department-A",
                "author_id": f"emp_{n}",
                "created_at": at(date(2026, 3, 2)),
            }
            for n in range(posting)
        ),
        {
            "post_id": "slack:old",
            "channel_id": "slack:department-A",
            "author_id": f"emp_{executives - 1}",
            "created_at": at(date(2026, 3, 1)),
        },
        {
            "post_id": "slack:staff",
            "channel_id": "slack:department-A",
            "author_id": "emp_staff",
            "created_at": at(date(2026, 3, 20)),
        },
    )
    found = measure(con, "strategic.executives_active")
    assert found["score"] == score
    if executives < DEFAULTS.privacy.min_group_size:
        assert found["numbers"]["active"] is None and "privacy floor" in found["note"]
    else:
        assert found["numbers"]["active"] == posting


def test_cross_department_flow_is_the_share_of_edges_between_departments(con):
    flow = [("A", "A", 6), ("A", "B", 2), ("B", "A", 2)]
    load(
        con,
        "network_flow",
        [
            {
                "period_start": date(2026, 3, 1),
                "segment_type": "department",
                "source_value": s,
                "target_value": t,
                "edges": n,
            }
            for s, t, n in flow
        ]
        + [
            {
                "period_start": date(2026, 3, 1),
                "segment_type": "location",
                "source_value": "L1",
                "target_value": "L1",
                "edges": 1000,
            },
            {
                "period_start": date(2026, 2, 1),
                "segment_type": "department",
                "source_value": "A",
                "target_value": "A",
                "edges": 1000,
            },
        ],
    )
    found = measure(con, "strategic.cross_department_flow")
    assert (found["score"], found["numbers"]["share_pct"]) == (1, 40.0)
    load(
        con,
        "network_flow",
        [
            {
                "period_start": date(2026, 3, 1),
                "segment_type": "department",
                "source_value": "A",
                "target_value": "A",
                "edges": 10,
            }
        ],
    )
    assert measure(con, "strategic.cross_department_flow")["score"] == 0.5  # 4 / 14


def check_in(
    post_id: str, when: datetime, responded: int, segment: str = "all", kind: str = "check-in"
) -> dict:
    return {
        "post_id": post_id,
        "kind": kind,
        "created_at": when,
        "channel": "continuity",
        "segment_type": segment,
        "segment_value": "All" if segment == "all" else "A",
        "audience": 100,
        "responded": responded,
        "rate": responded,
        "median_minutes": 30,
    }


def test_check_ins_pool_the_answers_of_the_year(con):
    load(
        con,
        "push_pull",
        [
            check_in("teams:1", at(date(2026, 3, 10)), 90),
            check_in("teams:1", at(date(2026, 3, 10)), 0, "department"),
            check_in("teams:2", at(date(2026, 4, 2)), 0),
            check_in("teams:3", at(date(2026, 3, 1)), 0, kind="announcement"),
        ],
    )
    found = measure(con, "strategic.check_ins_answered")
    assert (found["score"], found["numbers"]["answer_rate_pct"]) == (1, 90.0)
    load(con, "push_pull", [check_in("teams:0", at(date(2026, 2, 1)), 40)])
    found = measure(con, "strategic.check_ins_answered")
    assert (found["score"], found["numbers"]["answer_rate_pct"]) == (0.5, 65.0)


# --- Converged --------------------------------------------------------------------------------

# Small (2) and Tiny (3) are under the floor of 5: they fold into "Other" (5 people).
DIRECTORY = {"Big1": 6, "Big2": 7, "Big3": 8, "Small": 2, "Tiny": 3}


def directory(con) -> None:
    people(
        con,
        *(
            {"author_id": f"emp_{dept}_{n}", "department": dept}
            for dept, size in DIRECTORY.items()
            for n in range(size)
        ),
    )


def test_departments_are_read_as_privacy_groups_and_small_ones_never_named(con):
    directory(con)
    load(
        con,
        "internal_metrics",
        [
            *(
                metric("stickiness", v, "department", d)
                for d, v in (("Big1", 25), ("Big2", 22), ("Big3", 10), ("Other", 30))
            ),
            *(
                metric("active_people", v, "department", d)
                for d, v in (("Big1", 3), ("Big2", 2), ("Big3", 0), ("Other", 1))
            ),
        ],
    )
    sticky = measure(con, "converged.stickiness_across_departments")
    assert sticky["numbers"]["below_target"] == ["Big3"]
    assert (sticky["numbers"]["share_pct"], sticky["score"]) == (75.0, 0.5)
    silent = measure(con, "converged.no_silent_department")
    assert silent["numbers"]["departments"] == 4 and silent["numbers"]["silent"] == ["Big3"]
    assert silent["score"] == 0.5
    text = json.dumps([sticky, silent])
    assert "Small" not in text and "Tiny" not in text
    load(
        con,
        "internal_metrics",
        [
            metric("active_people", 1, "department", "Big3"),
            metric("stickiness", 20, "department", "Big3"),
        ],
    )
    assert measure(con, "converged.no_silent_department")["score"] == 1
    assert measure(con, "converged.stickiness_across_departments")["score"] == 1


# --- monotonicity: more evidence never lowers any score ---------------------------------------

QUESTION_IDS = [q["id"] for q in questions()]
LEVELS = ("no", "partly", "yes")
INPUTS = {
    "interactive_users": 100,
    "reply_rate": 100,
    "sticky_Big1": 100,
    "sticky_Big2": 100,
    "sticky_Big3": 100,
    "sticky_Other": 100,
    "active_Big3": 8,
    "active_Other": 5,
    "edges_across": 40,
    "responded": 100,
    **{q: 2 for q in QUESTION_IDS},
}


@pytest.fixture(scope="module")
def evidence_db():
    connection = connect(":memory:")
    directory(connection)
    yield connection
    connection.close()


def write_inputs(con, values: dict) -> None:
    for table in ("internal_metrics", "network_flow", "push_pull", "maturity_answers"):
        con.execute(f"DELETE FROM {table}")
    load(
        con,
        "internal_metrics",
        [
            metric("interactive_users", values["interactive_users"]),
            metric("reply_rate", values["reply_rate"]),
            *(
                metric("stickiness", values[f"sticky_{d}"], "department", d)
                for d in ("Big1", "Big2", "Big3", "Other")
            ),
            *(
                metric("active_people", values.get(f"active_{d}", 1), "department", d)
                for d in ("Big1", "Big2", "Big3", "Other")
            ),
        ],
    )
    load(
        con,
        "network_flow",
        [
            {
                "period_start": date(2026, 3, 1),
                "segment_type": "department",
                "source_value": "Big1",
                "target_value": target,
                "edges": edges,
            }
            for target, edges in (("Big1", 20), ("Big2", values["edges_across"]))
        ],
    )
    load(con, "push_pull", [check_in("teams:1", at(date(2026, 3, 10)), values["responded"])])
    for n, question in enumerate(QUESTION_IDS):
        record_answer(
            con, question, LEVELS[values[question]], "owner", answered_at=at(date(2026, 3, 1), 0, n)
        )


@hypothesis_settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    values=st.fixed_dictionaries({k: st.integers(0, top) for k, top in INPUTS.items()}),
    bump=st.sampled_from(sorted(INPUTS)),
    by=st.integers(1, 60),
)
def test_increasing_any_input_never_lowers_any_score(evidence_db, values, bump, by):
    write_inputs(evidence_db, values)
    before = {r["id"]: r["score"] for r in score_criteria(evidence_db, DEFAULTS, AS_OF)}
    write_inputs(evidence_db, {**values, bump: min(values[bump] + by, INPUTS[bump])})
    after = {r["id"]: r["score"] for r in score_criteria(evidence_db, DEFAULTS, AS_OF)}
    assert all(after[i] >= before[i] for i in before), bump


# --- the current stage ------------------------------------------------------------------------


def fake_criteria(stage_scores: dict[int, list[float]]) -> list[dict]:
    return [
        {
            "id": f"s{stage}.c{n}",
            "stage": stage,
            "description": "",
            "source": "warehouse",
            "score": score,
            "evidence": {},
        }
        for stage, scores in stage_scores.items()
        for n, score in enumerate(scores)
    ]


def test_a_later_stage_does_not_count_while_an_earlier_one_is_unreached():
    card = summarise(
        AS_OF,
        fake_criteria(
            {
                1: [1, 1, 0.5],
                2: [0, 0.5, 1, 0.5, 1],
                3: [1, 1, 1],
                4: [1, 1, 1],
                5: [1, 1, 1],
                6: [1, 1, 1],
            }
        ),
    )
    assert [s["score"] for s in card["stages"]] == [0.83, 0.6, 1, 1, 1, 1]
    assert card["current_stage"] == 1 and card["current_stage_name"] == "Planning"
    assert [s["reached"] for s in card["stages"]] == [True] + [False] * 5
    assert card["next_stage"] == 2
    assert [c["id"] for c in card["blocking"]] == ["s2.c0", "s2.c1", "s2.c3"]
    assert card["peer_band"] == {"band": "early", "low": 1, "high": 3}


def test_a_stage_is_reached_at_exactly_the_threshold():
    assert current_stage([0.7, 0.7, 0.69, 1, 1, 1]) == 2
    assert current_stage([0.6, 1, 1, 1, 1, 1]) == 0
    assert current_stage([1] * 6) == 6
    top = summarise(AS_OF, fake_criteria({s: [1, 1, 1] for s in range(1, 7)}))
    assert top["next_stage"] is None and top["blocking"] == []
    assert top["peer_band"]["band"] == "maturing"


def test_an_empty_warehouse_stands_before_planning(con):
    card = scorecard(con, DEFAULTS, AS_OF)
    assert card["current_stage"] == 0 and card["current_stage_name"] is None
    assert len(card["criteria"]) == len(CRITERIA) and len(card["blocking"]) == 3
    assert all(c["stage"] == 1 for c in card["blocking"])


# --- the questionnaire ------------------------------------------------------------------------


def test_a_newer_answer_overrides_and_an_earlier_date_sees_the_old_one(con):
    record_answer(con, "presence.policy_published", "no", "ann", answered_at=at(date(2026, 1, 5)))
    record_answer(
        con,
        "presence.policy_published",
        "yes",
        "bob",
        note="on the intranet",
        answered_at=at(date(2026, 3, 2)),
    )
    assert con.execute("SELECT count(*) FROM maturity_answers").fetchall()[0][0] == 2

    def criterion(as_of: date) -> dict:
        card = scorecard(con, DEFAULTS, as_of)
        return next(c for c in card["criteria"] if c["id"] == "presence.policy_published")

    assert criterion(date(2025, 12, 31))["score"] == 0
    assert criterion(date(2025, 12, 31))["evidence"]["note"] == "not answered yet"
    assert criterion(date(2026, 3, 1))["score"] == 0
    assert criterion(date(2026, 3, 1))["evidence"]["numbers"]["answered_by"] == "ann"
    newest = criterion(date(2026, 3, 2))
    assert newest["score"] == 1 and newest["evidence"]["note"] == "on the intranet"
    record_answer(
        con, "presence.policy_published", "partly", "cy", answered_at=at(date(2026, 3, 2))
    )  # same time: the later record wins
    assert answers_as_of(con, AS_OF)["presence.policy_published"]["answer"] == "partly"


@pytest.mark.parametrize(
    ("question", "answer", "message"),
    [
        ("presence.nope", "yes", "unknown question 'presence.nope'"),
        ("planning.queries_collecting", "yes", "unknown question"),  # a warehouse criterion
        ("presence.policy_published", "maybe", "unknown answer 'maybe'"),
    ],
)
def test_bad_answers_are_refused_in_one_line(con, question, answer, message):
    with pytest.raises(ValueError, match=message) as error:
        record_answer(con, question, answer, "ann")
    assert "\n" not in str(error.value)
    assert con.execute("SELECT count(*) FROM maturity_answers").fetchall()[0][0] == 0


# --- the stored trend -------------------------------------------------------------------------


def test_refresh_scores_every_month_end_and_the_newest_day_once(con):
    owned_accounts(con)
    posts(
        con,
        {
            "post_id": "x:1",
            "channel_id": "x:search",
            "author_id": "x:acme",
            "created_at": at(date(2026, 1, 10)),
        },
        {
            "post_id": "x:2",
            "channel_id": "x:search",
            "author_id": "x:acme",
            "created_at": at(date(2026, 3, 20)),
        },
    )
    record_answer(con, "planning.goals_defined", "yes", "ann", answered_at=at(date(2026, 2, 1)))
    assert month_ends(con) == [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 20)]
    assert refresh_maturity(con, DEFAULTS) == 3 * len(CRITERIA)
    assert refresh_maturity(con, DEFAULTS) == 3 * len(CRITERIA)
    stored = con.execute("SELECT score, evidence FROM maturity_scores").fetchall()
    assert len(stored) == 3 * len(CRITERIA)
    assert {score for score, _ in stored} <= {0, 0.5, 1}
    assert all(json.loads(evidence)["score"] == score for score, evidence in stored)
    trend = history(con)
    assert trend["as_of"].tolist() == month_ends(con)
    assert trend["planning"].tolist() == [0.0, 0.2, 0.2]  # goals answered in February
    assert trend["current_stage"].tolist() == [0, 0, 0]
    assert trend["current_stage_name"].tolist() == [None, None, None]


# --- the demo ---------------------------------------------------------------------------------


def test_the_demo_answers_are_real_questions_dated_in_its_year_and_load_once(db_copy, demo_db):
    warehouse = db_copy(demo_db)
    answers = demo_answers()
    assert set(answers["question_id"]) <= set(QUESTION_IDS)
    assert answers["answered_at"].between("2025-11-01", "2026-11-01").all()
    with open_warehouse(warehouse) as con:
        assert con.execute("SELECT count(*) FROM maturity_answers").fetchall()[0][0] == len(ANSWERS)
        assert save_answers(con, answers) == 0
        assert con.execute("SELECT count(*) FROM maturity_answers").fetchall()[0][0] == len(ANSWERS)


def test_the_demo_organisation_moves_up_over_its_year(db_copy, demo_db):
    warehouse = db_copy(demo_db)
    settings = load_settings(EXAMPLE_CONFIG)
    with open_warehouse(warehouse) as con:
        refresh_brand_daily(con)
        november = scorecard(con, settings, date(2025, 11, 30))
        october = scorecard(con, settings)
        own_days = con.execute(
            "SELECT count(DISTINCT p.created_at::DATE) FROM posts p JOIN brand_matches m "
            "USING (post_id) WHERE NOT m.is_competitor"
        ).fetchall()[0][0]
    assert october["as_of"] == "2026-10-31"
    assert november["current_stage_name"] == "Planning"
    assert october["current_stage"] > november["current_stage"]
    listening = next(c for c in october["criteria"] if c["id"] == "planning.queries_collecting")
    assert listening["evidence"]["numbers"]["own_brand_days"] == own_days > 300
    assert "Legal" not in json.dumps([november, october])
