"""The brand's Reddit inbox (username mentions, and the account's own comments) through the real
praw client, replaying the hand-written cassettes ``reddit/inbox_*.yaml``."""

from __future__ import annotations

from datetime import datetime

import pytest

from analysis.period import Period
from analysis.response import response_performance
from collectors.base import Page
from collectors.reddit_inbox import NO_ACCOUNT, RedditInboxCollector
from collectors.registry import build, names
from collectors.runner import run_collector
from socialpulse.warehouse import open_warehouse
from tests.analysis.stored import analysed
from tests.collectors.interrupt import interrupted_after
from tests.collectors.test_reddit import REPLAY, RULES, SETTINGS, query

MENTIONS, COMMENTS = "u/NorthwindOutfitters mentions", "u/NorthwindOutfitters comments"
ZIP_QUESTION, PRAISE, ANSWER = "reddit:t1_l7h2k1a", "reddit:t1_l7h9x3b", "reddit:t1_l7h4c9d"
JUNE = Period(datetime(2024, 6, 1), datetime(2024, 7, 1))


@pytest.fixture(autouse=True)
def credentials(monkeypatch):
    monkeypatch.setenv("REDDIT_CLIENT_ID", "test-client-id")
    monkeypatch.setenv("REDDIT_CLIENT_SECRET", "test-client-secret")
    monkeypatch.setenv("REDDIT_USER_AGENT", "socialpulse-tests/0.1 by u/socialpulse-tests")
    monkeypatch.setenv("REDDIT_PASSWORD", "test-password")


def collect(db, cassette, collector=None):
    with REPLAY.use_cassette(cassette) as replayed:
        summary = run_collector(db, collector or build("reddit-mentions", SETTINGS), RULES)
    return summary, replayed


def count(db, sql="SELECT count(*) FROM posts"):
    return query(db, sql)[0][0]


def test_the_inbox_is_listed_and_needs_the_accounts_password(monkeypatch):
    monkeypatch.delenv("REDDIT_PASSWORD")
    inbox = build("reddit-mentions", SETTINGS)
    assert "reddit-mentions" in names()
    assert (inbox.account, inbox.missing_credentials()) == (
        "NorthwindOutfitters",
        ["REDDIT_PASSWORD"],
    )


def test_mentions_join_their_threads_and_the_brands_comment_answers_one(empty_db):
    summary, replayed = collect(empty_db, "inbox_mentions.yaml")

    assert replayed.all_played
    assert (summary.status, summary.posts.inserted, summary.errors) == ("ok", 3, [])
    # The mentions came with only a context link: thread and URL derived from it; the
    # deleted mention is not stored.
    assert query(empty_db, "SELECT post_id, thread_id, url FROM posts ORDER BY created_at") == [
        (
            ZIP_QUESTION,
            "reddit:t3_1d5k2ab",
            "https://www.reddit.com/r/CampingGear/comments/1d5k2ab/"
            "zip_broke_on_my_trailhead_2/l7h2k1a/",
        ),
        (
            ANSWER,
            "reddit:t3_1d5k2ab",
            "https://www.reddit.com/r/CampingGear/comments/1d5k2ab/"
            "zip_broke_on_my_trailhead_2/l7h4c9d/",
        ),
        (
            PRAISE,
            "reddit:t3_1d5m7ef",
            "https://www.reddit.com/r/CampingGear/comments/1d5m7ef/best_tents/l7h9x3b/",
        ),
    ]
    assert query(empty_db, "SELECT handle FROM authors WHERE is_owned") == [
        ("NorthwindOutfitters",)
    ]
    assert dict(query(empty_db, "SELECT key, cursor FROM collector_state")) == {
        MENTIONS: "1717239600.0",
        COMMENTS: "1717234200.0",
    }
    with open_warehouse(empty_db) as con:
        analysed(con)
        performance = response_performance(con, JUNE).set_index("brand").loc["Northwind"]
    assert (performance.needing_reply, performance.answered, performance.median_minutes) == (
        1,
        1,
        30.0,
    )


def test_a_rerun_adds_nothing(empty_db):
    collect(empty_db, "inbox_mentions.yaml")

    summary, _ = collect(empty_db, "inbox_mentions.yaml")

    assert (summary.posts.inserted, count(empty_db)) == (0, 3)


def test_a_run_killed_after_the_mentions_resumes_with_the_comments(empty_db):
    with pytest.raises(KeyboardInterrupt):
        collect(
            empty_db,
            "inbox_mentions.yaml",
            interrupted_after(build("reddit-mentions", SETTINGS), 1),
        )
    assert count(empty_db) == 2
    assert [key for key, _ in query(empty_db, "SELECT key, cursor FROM collector_state")] == [
        MENTIONS
    ]

    summary, _ = collect(empty_db, "inbox_mentions.yaml")

    assert (summary.status, summary.posts.inserted, count(empty_db)) == ("ok", 1, 3)


def test_a_refused_password_is_one_line_and_stops_the_run(empty_db):
    summary, _ = collect(empty_db, "inbox_bad_password.yaml")

    assert summary.errors == [
        "reddit: credentials rejected (invalid_grant): check REDDIT_CLIENT_ID, "
        "REDDIT_CLIENT_SECRET, REDDIT_PASSWORD and [sources] reddit_account"
    ]
    assert count(empty_db) == 0


def test_without_an_account_configured_the_run_says_so(empty_db):
    summary = run_collector(empty_db, RedditInboxCollector(None), RULES)

    assert (summary.status, summary.errors) == ("partial", [NO_ACCOUNT])


def test_the_subreddit_collector_marks_the_brands_account_too():
    subreddits = build("reddit", SETTINGS)
    page = Page(
        "r/CampingGear",
        datetime(2024, 6, 1, 12),
        payload={
            "subreddit": "CampingGear",
            "items": [
                {
                    "kind": "t1",
                    "data": {
                        "id": "l7h4c9d",
                        "subreddit": "CampingGear",
                        "author": "NorthwindOutfitters",
                        "body": "We will send a new zip.",
                        "link_id": "t3_1d5k2ab",
                        "parent_id": "t1_l7h2k1a",
                        "created_utc": 1717234200.0,
                    },
                }
            ],
        },
    )

    authors = subreddits.to_rows(page)["authors"]

    assert authors[["handle", "is_owned"]].values.tolist() == [["NorthwindOutfitters", True]]
