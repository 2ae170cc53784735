"""Restricted channels in the query layer: every read of posts the dashboard makes hides the
posts of a channel outside the role's audience (here slack:exec, audience executives)."""

from datetime import date

import pandas as pd
import pytest

from analysis.influencers import geo_mentions, influencers, mentions_by_place, top_authors
from analysis.mention_index import refresh_mention_index
from analysis.period import Period
from analysis.search import MentionQuery, mentions_by_id, search_mentions
from analysis.volume import mentions_per_day
from socialpulse.warehouse import upsert

JANUARY = Period(date(2024, 1, 1), date(2024, 1, 31))
SEES_EXEC = {
    "admin": True,
    "executive": True,
    "marketing": False,
    "internal-comms": False,
    "auditor": False,
    None: False,
}


@pytest.fixture
def mentioned(con):
    """The exec post slack:2 ("secret", 20 Jan 2024) and the general post slack:1 name Acme
    too, with a place, so every listening read could show them."""
    upsert(
        con,
        "brand_matches",
        pd.DataFrame(
            {
                "post_id": ["slack:1", "slack:2"],
                "brand": ["Acme", "Acme"],
                "is_competitor": [False, False],
                "rule": ["acme", "acme"],
            }
        ),
    )
    con.execute(
        "UPDATE posts SET country = 'FR', city = 'Paris' WHERE post_id IN "
        "('slack:1', 'slack:2', 'x:1')"
    )
    con.execute("UPDATE authors SET scope = 'external', is_owned = false WHERE author_id = 'emp_b'")
    refresh_mention_index(con)  # as `pulse analyze` does
    return con


@pytest.mark.parametrize("role", SEES_EXEC)
def test_search_and_examples_hide_the_exec_post(mentioned, role):
    found = search_mentions(mentioned, JANUARY, MentionQuery(order="newest"), role=role)
    expected = ["slack:2", "x:1", "slack:1"] if SEES_EXEC[role] else ["x:1", "slack:1"]
    assert found["post_id"].tolist() == expected
    assert found["total"].iloc[0] == len(expected)
    secret = search_mentions(mentioned, JANUARY, MentionQuery("secret"), role=role)
    assert len(secret) == (1 if SEES_EXEC[role] else 0)
    examples = mentions_by_id(mentioned, ["slack:2", "x:1"], role=role)
    assert examples["post_id"].tolist() == (["slack:2", "x:1"] if SEES_EXEC[role] else ["x:1"])


@pytest.mark.parametrize("role", SEES_EXEC)
def test_influencers_places_and_volume_count_only_visible_posts(mentioned, role):
    visible = SEES_EXEC[role]
    authors = top_authors(mentioned, JANUARY, role=role)
    assert ("b" in authors["handle"].tolist()) is visible  # emp_b wrote only the exec post
    assert ("b" in influencers(mentioned, JANUARY, "Acme", role=role)["handle"].tolist()) is visible
    paris = mentions_by_place(mentioned, JANUARY, role=role)
    assert paris["mentions"].tolist() == [3 if visible else 2]
    assert geo_mentions(mentioned, JANUARY, role=role)["mentions"].tolist() == [3 if visible else 2]
    per_day = mentions_per_day(mentioned, JANUARY, role=role)
    assert per_day["mentions"].sum() == (3 if visible else 2)
    assert (pd.Timestamp("2024-01-20") in set(pd.to_datetime(per_day["day"]))) is visible


def test_a_post_without_a_channel_row_is_not_restricted(mentioned):
    mentioned.execute("UPDATE posts SET channel_id = 'x:gone' WHERE post_id = 'x:1'")
    found = search_mentions(mentioned, JANUARY, MentionQuery(), role="marketing")
    assert sorted(found["post_id"]) == ["slack:1", "x:1"]


def test_the_crisis_audience_includes_internal_comms(mentioned):
    mentioned.execute(
        "UPDATE channels SET restricted_to = 'crisis_team' WHERE channel_id = 'slack:exec'"
    )
    ids = {
        role: set(search_mentions(mentioned, JANUARY, MentionQuery(), role=role)["post_id"])
        for role in ("internal-comms", "marketing", "auditor")
    }
    assert "slack:2" in ids["internal-comms"]
    assert "slack:2" not in ids["marketing"] and "slack:2" not in ids["auditor"]


@pytest.mark.parametrize("role", SEES_EXEC)
def test_push_and_pull_of_a_restricted_channel_follow_its_audience(con, role):
    """A check-in and an announcement posted in the executives' channel (their stored reach
    rows written as `pulse analyze` leaves them) show only to the roles of that audience."""
    from analysis.push_pull import announcement_reach, check_in_answers

    rows = [("slack:1", "announcement", "general"), ("slack:2", "check-in", "exec")]
    upsert(
        con,
        "push_pull",
        pd.DataFrame(
            {
                "post_id": [p for p, _, _ in rows],
                "kind": [k for _, k, _ in rows],
                "created_at": pd.Timestamp("2024-01-20 10:30"),
                "channel": [c for _, _, c in rows],
                "segment_type": "all",
                "segment_value": "All",
                "audience": 10,
                "responded": 5,
                "rate": 50.0,
                "median_minutes": 3.0,
            }
        ),
    )
    check_ins = check_in_answers(con, JANUARY, role=role)
    assert check_ins["post_id"].tolist() == (["slack:2"] if SEES_EXEC[role] else [])
    assert announcement_reach(con, JANUARY, role=role)["post_id"].tolist() == ["slack:1"]
