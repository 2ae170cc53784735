"""Metrics on a tiny hand-built warehouse whose answers are worked out by hand below."""

from datetime import date

import pandas as pd
import pytest

from analysis.kpis import kpi_scorecard
from analysis.participation import (
    active_people_per_week,
    interactive_users,
    reply_rate,
    stickiness,
)
from analysis.period import Period
from analysis.privacy_floor import OTHER, reportable_groups
from analysis.push_pull import check_in_answer_rates
from analysis.sentiment import correct
from analysis.share_of_voice import brand_summary
from analysis.volume import mentions_per_day
from socialpulse.config import KpiTargets
from socialpulse.warehouse import connect, upsert

MARCH = Period(date(2026, 3, 1), date(2026, 3, 31))
# Directory: Sales 6 people (A-F), Ops 5 (G-K), Legal 4 (L-O).
PEOPLE = {
    **dict.fromkeys("ABCDEF", "Sales"),
    **dict.fromkeys("GHIJK", "Ops"),
    **dict.fromkeys("LMNO", "Legal"),
}


def post(post_id, channel, author, when, text="text", kind="post", parent=None):
    return {
        "post_id": post_id,
        "platform": post_id.split(":")[0],
        "native_id": post_id,
        "channel_id": channel,
        "author_id": author,
        "created_at": pd.Timestamp(when),
        "text": text,
        "kind": kind,
        "parent_id": parent,
        "collected_at": pd.Timestamp(when),
    }


@pytest.fixture
def con(empty_db):
    con = connect(empty_db)
    upsert(
        con,
        "channels",
        pd.DataFrame(
            [
                {"channel_id": "x:public", "platform": "x", "scope": "external", "name": "X"},
                {
                    "channel_id": "slack:work",
                    "platform": "slack",
                    "scope": "internal",
                    "name": "work",
                },
                {
                    "channel_id": "teams:continuity",
                    "platform": "teams",
                    "scope": "internal",
                    "name": "continuity",
                    "segment_type": "company",
                    "segment_value": "all",
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
                    "location": "HQ",
                    "employee_type": "full-time",
                    "in_directory": True,
                }
                for p, dept in PEOPLE.items()
            ]
        ),
    )
    upsert(
        con,
        "posts",
        pd.DataFrame(
            [
                post("x:n1", "x:public", "fan", "2026-03-02 10:00", "Northwind is great"),
                post("x:n2", "x:public", "fan", "2026-03-02 11:00", "Northwind is good"),
                post("x:n3", "x:public", "fan", "2026-03-03 09:00", "Northwind store opens"),
                post("x:c1", "x:public", "fan", "2026-03-03 12:00", "Summitline and Northwind"),
                post("x:old", "x:public", "fan", "2026-02-01 12:00", "Northwind last month"),
                # Internal, all on 10 March: three threads, two answered.
                post("slack:t1", "slack:work", "A", "2026-03-10 09:00"),
                post(
                    "slack:r1",
                    "slack:work",
                    "B",
                    "2026-03-10 09:30",
                    kind="reply",
                    parent="slack:t1",
                ),
                post("slack:t2", "slack:work", "G", "2026-03-10 10:00"),
                post("slack:t3", "slack:work", "L", "2026-03-10 11:00"),
                post(
                    "slack:r3",
                    "slack:work",
                    "A",
                    "2026-03-10 11:30",
                    kind="reply",
                    parent="slack:t3",
                ),
                # A check-in on 20 March answered by B (10 min), C (20 and 30 min) and D (40 min).
                post("teams:k", "teams:continuity", "A", "2026-03-20 08:00", kind="check-in"),
                post(
                    "teams:a1",
                    "teams:continuity",
                    "B",
                    "2026-03-20 08:10",
                    kind="answer",
                    parent="teams:k",
                ),
                post(
                    "teams:a2",
                    "teams:continuity",
                    "C",
                    "2026-03-20 08:20",
                    kind="answer",
                    parent="teams:k",
                ),
                post(
                    "teams:a3",
                    "teams:continuity",
                    "C",
                    "2026-03-20 08:30",
                    kind="answer",
                    parent="teams:k",
                ),
                post(
                    "teams:a4",
                    "teams:continuity",
                    "D",
                    "2026-03-20 08:40",
                    kind="answer",
                    parent="teams:k",
                ),
            ]
        ),
    )
    upsert(
        con,
        "interactions",
        pd.DataFrame(
            [
                {
                    "kind": "reaction",
                    "post_id": "slack:t1",
                    "actor_id": "C",
                    "target_id": "A",
                    "detail": "heart",
                    "platform": "slack",
                    "created_at": pd.Timestamp("2026-03-10 12:00"),
                },
            ]
        ),
    )
    upsert(
        con,
        "brand_matches",
        pd.DataFrame(
            [
                {"post_id": p, "brand": b, "is_competitor": b != "Northwind", "rule": "test"}
                for p, b in [
                    ("x:n1", "Northwind"),
                    ("x:n2", "Northwind"),
                    ("x:n3", "Northwind"),
                    ("x:c1", "Summitline"),
                    ("x:c1", "Northwind"),
                    ("x:old", "Northwind"),
                ]
            ]
        ),
    )
    upsert(
        con,
        "sentiment_scores",
        pd.DataFrame(
            [
                {
                    "post_id": p,
                    "method": "vader",
                    "model_version": "t",
                    "compound": c,
                    "label": label,
                    "scored_at": pd.Timestamp("2026-04-01"),
                }
                for p, c, label in [
                    ("x:n1", 0.6, "positive"),
                    ("x:n2", 0.4, "positive"),
                    ("x:n3", 0.0, "neutral"),
                    ("x:c1", 0.5, "positive"),
                ]
            ]
        ),
    )
    correct(con, "x:n2", "negative", by="analyst")  # a human overrides VADER
    yield con
    con.close()


def test_mentions_per_day_counts_a_post_once_whatever_it_matches(con):
    daily = mentions_per_day(con, MARCH)
    assert daily.set_index("day")["mentions"].to_dict() == {
        pd.Timestamp("2026-03-02"): 2,
        pd.Timestamp("2026-03-03"): 2,
    }
    assert mentions_per_day(con, MARCH, ["Summitline"])["mentions"].sum() == 1


def test_share_of_voice_and_net_sentiment_with_a_human_override(con):
    summary = brand_summary(con, MARCH).set_index("brand")
    # Northwind: n1, n2, n3, c1 = 4 mentions; Summitline: c1 = 1 -> 80% and 20%.
    assert summary.loc["Northwind", "mentions"] == 4
    assert summary.loc["Northwind", "share_of_voice"] == 80.0
    assert summary.loc["Summitline", "share_of_voice"] == 20.0
    # n1 positive, n2 overridden to negative, n3 neutral, c1 positive: (2 - 1) / 4 = 25.
    assert summary.loc["Northwind", "net_sentiment"] == 25.0


def test_reply_rate_counts_threads_with_a_reply(con):
    assert reply_rate(con, MARCH) == {
        "numerator": 2,
        "denominator": 3,
        "value": pytest.approx(200 / 3),
    }


def test_interactive_users_over_the_directory(con):
    # A, B, G, L posted; C reacted and answered; D answered: 6 of 15.
    assert interactive_users(con, MARCH) == {"numerator": 6, "denominator": 15, "value": 40.0}


def test_stickiness_is_mean_daily_over_monthly_active(con):
    # 10 March: A, B, C, G, L; 20 March: A, B, C, D -> 9 person-days / 28 days, 6 people.
    result = stickiness(con, MARCH)
    assert result["denominator"] == 6
    assert result["value"] == pytest.approx(100 * 9 / 28 / 6)


def test_check_in_answer_rate_counts_each_person_once(con):
    rates = check_in_answer_rates(con, MARCH)
    assert len(rates) == 1
    row = rates.iloc[0]
    assert (row["audience"], row["answered"]) == (14, 3)
    assert row["answer_rate"] == round(100 * 3 / 14, 1)
    assert row["median_minutes_to_answer"] == 20.0


def test_small_groups_are_folded_into_other_until_it_is_large_enough(con):
    groups = reportable_groups(con, "department", 5)
    # Legal (4) is too small; "Other" with Legal alone would be 4, so Ops (5) joins it.
    assert groups == {"Legal": OTHER, "Ops": OTHER, "Sales": "Sales"}
    assert reportable_groups(con, "department", 4) == {
        "Legal": "Legal",
        "Ops": "Ops",
        "Sales": "Sales",
    }
    assert set(reportable_groups(con, "department", 16).values()) == {None}


@pytest.mark.parametrize("segment", ["department", "location", "employee_type"])
@pytest.mark.parametrize("floor", [1, 5, 7, 20])
@pytest.mark.parametrize(
    "period",
    [
        MARCH,
        Period(date(2026, 3, 10), date(2026, 3, 10)),
        Period(date(2026, 3, 20), date(2026, 3, 31)),
    ],
)
def test_no_filter_reveals_a_group_below_the_floor(con, segment, floor, period):
    weekly = active_people_per_week(con, period, segment, floor)
    sizes = (
        pd.Series(PEOPLE).value_counts()
        if segment == "department"
        else pd.Series({"HQ": 15, "full-time": 15})
    )
    for group in weekly["group"].unique():
        members = sizes[
            [v for v, g in reportable_groups(con, segment, floor).items() if g == group]
        ].sum()
        assert members >= floor, f"{group} has {members} people, floor {floor}"


def test_unknown_segment_is_refused(con):
    with pytest.raises(ValueError, match="unknown segment"):
        reportable_groups(con, "salary", 5)


def test_kpi_scorecard_compares_each_kpi_with_its_target(con):
    targets = KpiTargets(
        share_of_voice=70,
        net_sentiment=30,
        interactive_users=38,
        stickiness=20,
        reply_rate=60,
        check_in_answer_rate=90,
    )
    card = kpi_scorecard(con, MARCH, targets).set_index("kpi")
    # 4 Northwind matches of 5 brand matches; net (2 - 1) / 4.
    assert card.loc["Share of voice", ["value", "met"]].tolist() == [80.0, True]
    assert card.loc["Net sentiment", ["value", "met"]].tolist() == [25.0, False]
    assert card.loc["Interactive users", ["numerator", "denominator"]].tolist() == [6, 15]
    assert card.loc["Check-in answer rate", "value"] == round(100 * 3 / 14, 1)
    assert card.loc["Internal reply rate", "met"]


def test_a_kpi_without_data_says_so(con):
    april = Period(date(2026, 4, 1), date(2026, 4, 30))
    card = kpi_scorecard(con, april, KpiTargets()).set_index("kpi")
    assert pd.isna(card.loc["Check-in answer rate", "value"])
    assert pd.isna(card.loc["Check-in answer rate", "met"])
    assert card.loc["Interactive users", "value"] == 0.0


def test_a_period_cannot_end_before_it_starts():
    with pytest.raises(ValueError, match="before it starts"):
        Period(date(2026, 3, 2), date(2026, 3, 1))
