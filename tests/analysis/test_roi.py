"""ROI on a tiny hand-built warehouse: the counts and every figure are worked out by hand below."""

from datetime import date

import duckdb
import pandas as pd
import pytest

from analysis.answered_posts import refresh_answered_posts
from analysis.period import Period
from analysis.roi import (
    EMV_LABEL,
    assumptions,
    count_volumes,
    default_period,
    parse_period,
    roi_report,
)
from analysis.roi_assumptions import set_assumption
from socialpulse.config import parse_settings
from socialpulse.warehouse import connect, open_warehouse, upsert

YEAR = Period(date(2025, 1, 1), date(2025, 12, 31))  # 365 days: 12 months exactly

# Base: costs = licences 20 x 3 x 12 (720) + tools 90 x 12 (1,080) + staff 10 x 60 x 12 (7,200)
# + training 1,000 = 10,000, of which 9,000 recurring. Benefits = support 2 x 10 (20) + search
# 2 x 60 x 60 / 60 (120) + recruiting 1 x 13,000 x 12 / 12 (13,000) + revenue 155 x 12 (1,860)
# = 15,000. ROI = 5,000 / 10,000 = 50 %; payback = 1,000 / ((15,000 - 9,000) / 12) = 2 months.
ROI_TOML = """
[roi]
licence_per_seat_month = { low = 10, base = 20, high = 30 }
seats = { low = 2, base = 3, high = 4 }
tools_per_month = { low = 50, base = 90, high = 150 }
staff_hours_per_month = { low = 5, base = 10, high = 20 }
hourly_rate = { low = 40, base = 60, high = 90 }
training_one_off = { low = 500, base = 1000, high = 2000 }
cost_per_ticket = { low = 5, base = 10, high = 20 }
minutes_saved_per_answer = { low = 30, base = 60, high = 90 }
hires_per_year = { low = 0, base = 1, high = 2 }
saving_per_hire = { low = 6000, base = 13000, high = 20000 }
attributed_revenue_per_month = { low = 0, base = 155, high = 200 }
cpm = { low = 1, base = 2, high = 4 }
"""


def post(post_id, author, when, text="text", kind="post", parent=None):
    platform = post_id.split(":")[0]
    return {
        "post_id": post_id,
        "platform": platform,
        "native_id": post_id,
        "channel_id": "x:public" if platform == "x" else "slack:work",
        "author_id": author,
        "created_at": pd.Timestamp(when),
        "text": text,
        "kind": kind,
        "parent_id": parent,
        "thread_id": parent or post_id,
        "collected_at": pd.Timestamp(when),
    }


def day(when, brand, platform, reach, competitor=False):
    counts = dict.fromkeys(
        (
            "mentions",
            "likes",
            "shares",
            "replies",
            "quotes",
            "views",
            "engagements",
            "positive",
            "neutral",
            "negative",
        ),
        0,
    )
    return {
        "day": date.fromisoformat(when),
        "brand": brand,
        "is_competitor": competitor,
        "platform": platform,
        **counts,
        "reach": reach,
        "reach_method": "test",
    }


def build_fixture(con: duckdb.DuckDBPyConnection) -> None:
    """Two answered inbound mentions and two answered internal questions in 2025, around rows
    that must not count; own-brand reach in 2025 of 150,000."""
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
            ]
        ),
    )
    upsert(
        con,
        "authors",
        pd.DataFrame(
            [
                {
                    "author_id": f"x:{h}",
                    "platform": "x",
                    "scope": "external",
                    "handle": h,
                    "is_owned": h == "brand",
                    "in_directory": False,
                }
                for h in ("brand", "fan1", "fan2")
            ]
            + [
                {
                    "author_id": p,
                    "platform": "slack",
                    "scope": "internal",
                    "handle": p,
                    "is_owned": False,
                    "in_directory": True,
                }
                for p in "ABC"
            ]
        ),
    )
    upsert(
        con,
        "posts",
        pd.DataFrame(
            [
                # Counted: answered by the brand (m6 twice, still one mention).
                post("x:m1", "x:fan1", "2025-03-01 09:00", "Where is my order?"),
                post("x:r1", "x:brand", "2025-03-01 12:00", "@fan1 on its way", "reply", "x:m1"),
                post("x:m6", "x:fan1", "2025-06-01 09:00", "Broken zip"),
                post("x:r6a", "x:brand", "2025-06-01 10:00", "@fan1 sorry", "reply", "x:m6"),
                post("x:r6b", "x:brand", "2025-06-02 10:00", "@fan1 fixed?", "reply", "x:m6"),
                # Not counted: answered by a fan, reposted by the brand, mentioned before the
                # period, answered after it, and the brand answering its own post.
                post("x:m2", "x:fan2", "2025-04-01 09:00", "Anyone tried it?"),
                post("x:r2", "x:fan1", "2025-04-01 10:00", "yes", "reply", "x:m2"),
                post("x:m3", "x:fan1", "2025-05-01 09:00", "Love it"),
                post("x:s3", "x:brand", "2025-05-01 10:00", "Love it", "share", "x:m3"),
                post("x:m4", "x:fan2", "2024-12-31 09:00", "Open on new year?"),
                post("x:r4", "x:brand", "2025-01-01 09:00", "@fan2 yes", "reply", "x:m4"),
                post("x:m5", "x:fan2", "2025-12-31 20:00", "Late order"),
                post("x:r5", "x:brand", "2026-01-01 09:00", "@fan2 sorry", "reply", "x:m5"),
                post("x:b1", "x:brand", "2025-07-01 09:00", "New jackets"),
                post("x:rb", "x:brand", "2025-07-01 09:05", "In green too", "reply", "x:b1"),
                # Internal. Counted: q1 (answered by B), q6 (by A and C, still one question).
                post("slack:q1", "A", "2025-03-10 09:00", "Where is the VPN guide?"),
                post("slack:a1", "B", "2025-03-10 09:30", "In the wiki", "reply", "slack:q1"),
                post("slack:q6", "B", "2025-08-10 09:00", "How do I export reports?"),
                post("slack:a6", "A", "2025-08-10 09:10", "Menu > Export", "reply", "slack:q6"),
                post("slack:b6", "C", "2025-08-10 09:20", "Or the API", "reply", "slack:q6"),
                # Not counted: answered only by the asker, no question mark, unanswered, a check-in,
                # asked before the period.
                post("slack:q2", "A", "2025-04-10 09:00", "Anyone?"),
                post("slack:a2", "A", "2025-04-10 10:00", "Never mind?", "reply", "slack:q2"),
                post("slack:q3", "B", "2025-05-10 09:00", "Lunch at noon."),
                post("slack:a3", "C", "2025-05-10 09:10", "See you there?", "reply", "slack:q3"),
                post("slack:q4", "C", "2025-06-10 09:00", "Who owns the ERP?"),
                post("slack:k5", "A", "2025-07-10 09:00", "Are you safe?", "check-in"),
                post("slack:a5", "B", "2025-07-10 09:05", "yes", "answer", "slack:k5"),
                post("slack:q7", "C", "2024-12-01 09:00", "Old question?"),
                post("slack:a7", "A", "2025-01-02 09:00", "Late answer", "reply", "slack:q7"),
            ]
        ),
    )
    upsert(
        con,
        "brand_daily",
        pd.DataFrame(
            [
                day("2025-02-01", "Northwind", "x", 100_000),
                day("2025-03-01", "Northwind", "reddit", 50_000),
                day("2025-03-01", "Northwind", "rss", None),  # unknown reach adds nothing
                day("2025-03-01", "Summitline", "x", 999_999, competitor=True),
                day("2024-12-31", "Northwind", "x", 1_000_000),
            ]
        ),
    )


@pytest.fixture
def con(empty_db):
    con = connect(empty_db)
    build_fixture(con)
    refresh_answered_posts(con)  # as `pulse analyze` does
    yield con
    con.close()


@pytest.fixture
def settings():
    return parse_settings(ROI_TOML)


def test_volumes_are_counted_by_the_definitions(con):
    assert count_volumes(con, YEAR) == {
        "answered_mentions": 2,
        "questions_answered": 2,
        "potential_reach": 150_000,
    }
    spring = Period(date(2025, 3, 1), date(2025, 5, 31))
    assert count_volumes(con, spring) == {
        "answered_mentions": 1,
        "questions_answered": 1,
        "potential_reach": 50_000,
    }


def test_roi_payback_and_totals_match_the_hand_computation(con, settings):
    report = roi_report(con, settings, YEAR)
    assert report["period"] == {
        "start": "2025-01-01",
        "end": "2025-12-31",
        "days": 365,
        "months": 12.0,
    }
    base = {line["name"]: line["base"] for line in report["benefits"] + report["costs"]}
    assert base == {
        "support_deflection": 20,
        "search_time_saved": 120,
        "recruiting": 13_000,
        "attributed_revenue": 1_860,
        "licences": 720,
        "tools": 1_080,
        "staff_time": 7_200,
        "training": 1_000,
    }
    assert report["totals"] == {
        "benefits": 15_000,
        "costs": 10_000,
        "one_off_costs": 1_000,
        "recurring_costs": 9_000,
        "net_benefit": 5_000,
    }
    assert report["roi_pct"] == 50.0
    assert report["payback_months"] == 2.0


def test_scenarios_pair_low_benefits_with_high_costs(con, settings):
    scenarios = roi_report(con, settings, YEAR)["scenarios"]
    # Low: benefits 2 x 5 + 2 x 30 x 40 / 60 + 0 + 0 = 50; costs 30 x 4 x 12 + 150 x 12
    # + 20 x 90 x 12 + 2,000 = 26,840.
    assert scenarios["low"]["benefits"] == 50 and scenarios["low"]["costs"] == 26_840
    assert scenarios["low"]["roi_pct"] == round(100 * (50 - 26_840) / 26_840, 2) == -99.81
    assert scenarios["low"]["payback_months"] is None
    # High: benefits 2 x 20 + 2 x 90 x 90 / 60 + 2 x 20,000 + 200 x 12 = 42,710; costs
    # 10 x 2 x 12 + 50 x 12 + 5 x 40 x 12 + 500 = 3,740; payback 500 / ((42,710 - 3,240) / 12).
    assert scenarios["high"]["benefits"] == 42_710 and scenarios["high"]["costs"] == 3_740
    assert scenarios["high"]["roi_pct"] == 1041.98
    assert scenarios["high"]["payback_months"] == 0.15
    assert scenarios["base"]["roi_pct"] == 50.0


def test_every_line_shows_its_formula_inputs_and_calculation(con, settings):
    lines = {line["name"]: line for line in roi_report(con, settings, YEAR)["benefits"]}
    search = lines["search_time_saved"]
    assert search["formula"] == "questions_answered x minutes_saved_per_answer x hourly_rate / 60"
    assert search["calculation"] == "2 x 60 x 60 / 60 = 120.00"
    assert search["in_words"] == (
        "Questions answered × Minutes saved per answer × Hourly rate ÷ 60 = 2 × 60 × 60 ÷ 60 = 120"
    )
    assert search["inputs"]["questions_answered"]["value"] == 2
    assert search["inputs"]["questions_answered"]["source"].startswith("warehouse:")
    assert search["inputs"]["hourly_rate"] == {
        "low": 40,
        "base": 60,
        "high": 90,
        "unit": "EUR per hour (loaded cost)",
        "source": "config default",
    }
    assert (search["low"], search["high"]) == (40, 270)


def test_a_shorter_period_scales_monthly_lines(con, settings):
    spring = Period(date(2025, 3, 1), date(2025, 5, 12))  # 73 days = 2.4 months
    report = roi_report(con, settings, spring)
    costs = {line["name"]: line["base"] for line in report["costs"]}
    assert report["period"]["months"] == 2.4
    assert costs == {"licences": 144, "tools": 216, "staff_time": 1_440, "training": 1_000}
    support = report["benefits"][0]
    assert support["name"] == "support_deflection" and support["base"] == 10  # one mention


def test_earned_media_value_only_when_opted_in_and_labelled(con, settings):
    without = roi_report(con, settings, YEAR)
    assert "earned_media_value" not in {line["name"] for line in without["benefits"]}
    assert without["emv_included"] is False
    opted = parse_settings(ROI_TOML + "include_emv = true\n")
    report = roi_report(con, opted, YEAR)
    emv = report["benefits"][-1]
    assert emv["name"] == "earned_media_value"
    assert EMV_LABEL == "indicative only (AMEC Barcelona Principles reject AVE)"
    assert emv["note"] == EMV_LABEL and EMV_LABEL in emv["label"]
    assert (emv["low"], emv["base"], emv["high"]) == (150, 300, 600)  # 150,000 x CPM / 1000
    assert report["totals"]["benefits"] == 15_300 and report["roi_pct"] == 53.0
    assert roi_report(con, settings, YEAR, include_emv=True)["roi_pct"] == 53.0


def test_set_assumption_keeps_history_and_the_newest_wins(con, settings):
    set_assumption(
        con, "seats", 5, low=4, high=6, changed_by="alice", note="two more", settings=settings
    )
    row = set_assumption(con, "seats", 5.5, changed_by="bob", settings=settings)
    assert (row["low"], row["base"], row["high"]) == (4, 5.5, 6)  # low and high kept
    history = con.execute(
        "SELECT changed_by, low, base, high, note FROM roi_assumptions "
        "WHERE name = 'seats' ORDER BY change_id"
    ).fetchall()
    assert history == [("alice", 4, 5, 6, "two more"), ("bob", 4, 5.5, 6, None)]
    table = assumptions(con, settings).set_index("name")
    assert table.loc["seats", "base"] == 5.5
    assert table.loc["seats", "source"] == f"changed by bob at {row['changed_at']}"
    assert table.loc["hourly_rate", "source"] == "config default"
    assert table.loc["hourly_rate", "used_in"] == "Staff time, Search time saved"
    assert table.loc["hourly_rate", "label"] == "Hourly rate"
    licences = roi_report(con, settings, YEAR)["costs"][0]
    assert licences["base"] == 20 * 5.5 * 12 and licences["inputs"]["seats"]["base"] == 5.5


@pytest.mark.parametrize(
    ("name", "base", "low", "high", "message"),
    [
        ("seatz", 1, None, None, "unknown ROI assumption 'seatz'"),
        ("seats", 5, 6, None, "expected low <= base <= high"),
        ("seats", 10, None, None, "expected low <= base <= high"),  # above the high in force (4)
        ("seats", -1, -2, None, "not negative"),
        ("seats", float("nan"), None, None, "finite"),
        ("currency", 1, None, None, "unknown ROI assumption"),
    ],
)
def test_bad_assumptions_are_refused_and_nothing_is_stored(
    con, settings, name, base, low, high, message
):
    with pytest.raises(ValueError, match=message):
        set_assumption(con, name, base, low, high, changed_by="alice", settings=settings)
    assert con.execute("SELECT count(*) FROM roi_assumptions").fetchall()[0][0] == 0


def test_a_change_needs_an_author(con, settings):
    with pytest.raises(ValueError, match="who"):
        set_assumption(con, "seats", 3, changed_by=" ", settings=settings)


def test_periods_parse_or_say_what_is_expected(con):
    # The fixture's posts run from 2024-12-01 to 2026-01-01.
    assert default_period(con) == Period(date(2025, 1, 2), date(2026, 1, 1))
    assert parse_period(con, "last-3m") == Period(date(2025, 10, 2), date(2026, 1, 1))
    assert parse_period(con, "last-48m") == Period(date(2024, 12, 1), date(2026, 1, 1))
    assert parse_period(con, "2025-01-01:2025-12-31") == YEAR
    for bad in ("2025-12-31:2025-01-01", "2025-13-01:2025-12-31", "2025", "last-0m"):
        with pytest.raises(ValueError, match="period"):
            parse_period(con, bad)


def test_on_the_demo_the_counts_follow_the_definitions(db_copy, demo_db):
    warehouse = db_copy(demo_db)
    with open_warehouse(warehouse) as con:
        refresh_answered_posts(con)
        period = default_period(con)
        volumes = count_volumes(con, period)
        posts = con.execute(
            "SELECT p.*, c.scope, a.is_owned FROM posts p JOIN channels c "
            "USING (channel_id) LEFT JOIN authors a USING (author_id)"
        ).df()
    assert period.days == 365  # the demo is one year of data
    posts = posts.assign(
        inside=posts.created_at.between(period.since, period.until, inclusive="left"),
        before_end=posts.created_at < period.until,
        owned=posts.is_owned.fillna(False).astype(bool),
    )
    owned_replies = posts[posts.owned & (posts.kind != "share") & posts.before_end]
    mentions = posts[
        (posts.scope == "external") & ~posts.owned & (posts.kind != "share") & posts.inside
    ]
    assert volumes["answered_mentions"] == mentions.post_id.isin(owned_replies.parent_id).sum() > 0
    internal = posts[posts.scope == "internal"]
    questions = internal[
        internal.parent_id.isna()
        & (internal.kind == "post")
        & internal.text.str.contains("?", regex=False)
        & internal.inside
    ]
    replies = internal[internal.parent_id.notna() & internal.before_end].merge(
        questions[["post_id", "author_id"]],
        left_on="thread_id",
        right_on="post_id",
        suffixes=("", "_question"),
    )
    answered = replies[replies.author_id != replies.author_id_question].post_id_question.unique()
    assert volumes["questions_answered"] == len(answered) > 0
