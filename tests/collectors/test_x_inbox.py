"""The brand's X inbox (mentions of its account, and its own replies) through the real tweepy
client, replaying the hand-written cassettes ``tests/fixtures/cassettes/x/inbox_*.yaml``."""

from __future__ import annotations

from datetime import datetime

import pytest

from analysis.period import Period
from analysis.response import response_performance
from collectors.registry import build, names
from collectors.runner import run_collector
from collectors.x_inbox import XInboxCollector
from socialpulse.warehouse import open_warehouse
from tests.analysis.stored import analysed
from tests.collectors.interrupt import interrupted_after
from tests.collectors.test_twitter import REPLAY, RULES, SETTINGS, count, last_run, query

MENTIONS, REPLIES = "@northwind mentions", "@northwind replies"
ASKED_FOR_HELP, PRAISE, ASKED_ABOUT_SHIPPING = (
    "x:1929900000000000001",
    "x:1929910000000000002",
    "x:1929890000000000003",
)
BRAND_REPLY, BRAND_POST = "x:1929905000000000004", "x:1929915000000000005"
JUNE = Period(datetime(2025, 6, 1), datetime(2025, 7, 1))


@pytest.fixture(autouse=True)
def token(monkeypatch):
    monkeypatch.setenv("X_BEARER_TOKEN", "test-token")


def collect(db, cassette, collector=None):
    with REPLAY.use_cassette(cassette) as replayed:
        summary = run_collector(db, collector or build("x-mentions", SETTINGS), RULES)
    return summary, replayed


def test_the_inbox_is_listed_and_reads_the_configured_accounts():
    assert "x-mentions" in names()
    assert build("x-mentions", SETTINGS).accounts == ["northwind"]


def test_mentions_and_the_brands_replies_load_with_their_threads(empty_db):
    summary, replayed = collect(empty_db, "inbox_two_pages.yaml")

    assert replayed.all_played  # both mention pages, then the brand's own timeline
    assert (summary.status, summary.posts.inserted, summary.errors) == ("ok", 5, [])
    assert query(
        empty_db,
        "SELECT post_id, kind, parent_id, thread_id, author_id FROM posts ORDER BY post_id",
    ) == [
        (ASKED_ABOUT_SHIPPING, "post", None, ASKED_ABOUT_SHIPPING, "x:ridgeline_sam"),
        (ASKED_FOR_HELP, "post", None, ASKED_FOR_HELP, "x:alpinefern7"),
        (BRAND_REPLY, "reply", ASKED_FOR_HELP, ASKED_FOR_HELP, "x:northwind"),
        (PRAISE, "post", None, PRAISE, "x:trailpeak42"),
        (BRAND_POST, "post", None, BRAND_POST, "x:northwind"),
    ]
    assert query(empty_db, "SELECT handle FROM authors WHERE is_owned") == [("northwind",)]
    assert dict(query(empty_db, "SELECT key, cursor FROM collector_state")) == {
        MENTIONS: "1929910000000000002",
        REPLIES: "1929915000000000005",
    }


def test_the_brands_reply_counts_in_response_rate_and_time(empty_db):
    collect(empty_db, "inbox_two_pages.yaml")

    with open_warehouse(empty_db) as con:
        analysed(con)
        performance = response_performance(con, JUNE).set_index("brand").loc["Northwind"]

    # Two questions to the brand; it answered the first, 12 minutes later.
    assert (performance.needing_reply, performance.answered) == (2, 1)
    assert (performance.response_rate, performance.median_minutes) == (50.0, 12.0)


def test_the_next_run_asks_only_for_newer_tweets_and_adds_nothing(empty_db):
    collect(empty_db, "inbox_two_pages.yaml")

    summary, replayed = collect(empty_db, "inbox_since_newest.yaml")

    assert replayed.all_played  # since_id of each timeline was sent
    assert (summary.status, summary.posts.inserted, count(empty_db, "posts")) == ("ok", 0, 5)


def test_a_run_killed_after_the_first_page_resumes_without_duplicates(empty_db):
    with pytest.raises(KeyboardInterrupt):
        collect(
            empty_db, "inbox_two_pages.yaml", interrupted_after(build("x-mentions", SETTINGS), 1)
        )
    assert count(empty_db, "posts") == 2  # the first page was committed
    assert count(empty_db, "collector_state") == 0  # its cursor rides on the last page

    summary, _ = collect(empty_db, "inbox_two_pages.yaml")

    assert (summary.status, count(empty_db, "posts")) == ("ok", 5)
    assert query(empty_db, "SELECT count(DISTINCT post_id) = count(*) FROM posts") == [(True,)]


def test_an_unknown_account_is_one_line_and_stores_nothing(empty_db):
    summary, _ = collect(empty_db, "inbox_unknown_account.yaml", XInboxCollector(["nosuchbrand"]))

    assert summary.errors == [
        "x @nosuchbrand: account not found: Could not find user with username: [nosuchbrand]."
    ]
    assert (last_run(empty_db)[0], count(empty_db, "posts")) == ("partial", 0)
