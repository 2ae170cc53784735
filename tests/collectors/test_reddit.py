"""The Reddit collector through the real praw, replaying hand-written cassettes (no network).

The cassettes under ``tests/fixtures/cassettes/reddit`` follow Reddit's JSON (raw_json=1) field
for field. The traffic, r/CampingGear, four submissions (UTC, June 2024):

- 1d5p3gh 06-04 00:00 "Best stove for high altitude?", no brand, listing only, no comments
- 1d5m7ef 06-03 22:00 "Northwind Airlines" (excluded), search + listing, 1 comment
- 1d5k2ab 06-03 16:00 Northwind tent, search + listing; comments: a Northwind one, a reply to it,
  one by a deleted account, one "[removed]" (dropped), one "load more" stub (not followed)
- 1d4x9cd 06-02 16:00 Summitline vs Kestrel Gear, search + listing; a Kestrel Gear comment, a reply
"""

from __future__ import annotations

import json
from pathlib import Path

import praw
import pytest
import vcr

from collectors.base import MissingCredentialsError, Page
from collectors.reddit import RedditCollector, build_reddit, reddit_to_rows, search_query
from collectors.reddit_rows import to_item
from collectors.runner import run_collector
from socialpulse.brand_rules import BrandRule
from socialpulse.config import EXAMPLE_CONFIG, Sources, load_settings
from socialpulse.warehouse import open_warehouse
from socialpulse.warehouse.cursors import save_cursor

CASSETTES = Path(__file__).resolve().parents[1] / "fixtures" / "cassettes" / "reddit"
REPLAY = vcr.VCR(
    record_mode="none",
    filter_headers=["Authorization"],
    decode_compressed_response=True,
    cassette_library_dir=str(CASSETTES),
)
SETTINGS = load_settings(EXAMPLE_CONFIG)
RULES = [BrandRule.from_config(brand) for brand in SETTINGS.brands]
S1, S2, S3, S4 = "reddit:t3_1d5k2ab", "reddit:t3_1d4x9cd", "reddit:t3_1d5m7ef", "reddit:t3_1d5p3gh"


@pytest.fixture(autouse=True)
def fake_credentials(monkeypatch):
    monkeypatch.setenv("REDDIT_CLIENT_ID", "test-client-id")
    monkeypatch.setenv("REDDIT_CLIENT_SECRET", "test-client-secret")
    monkeypatch.setenv("REDDIT_USER_AGENT", "socialpulse-tests/0.1 by u/socialpulse-tests")


@pytest.fixture
def sleeps(monkeypatch) -> list[float]:
    waited: list[float] = []
    monkeypatch.setattr("time.sleep", waited.append)
    return waited


def collector(*subreddits: str) -> RedditCollector:
    settings = SETTINGS.model_copy(update={"sources": Sources(subreddits=list(subreddits))})
    return build_reddit(settings)


def query(db: Path, sql: str) -> list[tuple]:
    with open_warehouse(db) as con:
        return con.execute(sql).fetchall()


def test_the_search_ors_every_brand_and_competitor_term():
    assert search_query(SETTINGS.brands) == (
        'Northwind OR "Northwind Outfitters" OR Summitline OR kestrelgear OR "Kestrel Gear"'
    )


def test_without_subreddits_the_search_runs_over_all_of_reddit():
    assert [(t.key, t.listing) for t in collector().targets] == [("r/all", False)]
    assert [t.key for t in collector("CampingGear", "hiking").targets] == [
        "r/CampingGear",
        "r/hiking",
    ]


def test_submissions_and_comments_land_with_brands_channel_and_snapshots(empty_db):
    with REPLAY.use_cassette("search_listing_comments.yaml") as cassette:
        summary = run_collector(empty_db, collector("CampingGear"), RULES)
    assert cassette.all_played
    assert (summary.status, summary.errors, summary.posts.inserted) == ("ok", [], 10)
    assert query(
        empty_db,
        "SELECT post_id, kind, parent_id, thread_id, author_id FROM posts ORDER BY created_at",
    ) == [
        (S2, "post", None, S2, "reddit:quilt_curious"),
        ("reddit:t1_l69a1b2", "reply", S2, S2, "reddit:ul_hiker_jo"),
        ("reddit:t1_l69c3d4", "reply", "reddit:t1_l69a1b2", S2, "reddit:quilt_curious"),
        (S1, "post", None, S1, "reddit:wet_feet_wanda"),
        ("reddit:t1_l6b1x01", "reply", S1, S1, "reddit:gear_goblin"),
        ("reddit:t1_l6b3y02", "reply", "reddit:t1_l6b1x01", S1, "reddit:wet_feet_wanda"),
        ("reddit:t1_l6b5z03", "reply", S1, S1, None),
        (S3, "post", None, S3, "reddit:jetlag_jess"),
        ("reddit:t1_l6c0a11", "reply", S3, S3, "reddit:canister_carl"),
        (S4, "post", None, S4, "reddit:thin_air_tom"),
    ]
    assert query(empty_db, "SELECT * FROM brand_matches ORDER BY post_id, brand") == [
        ("reddit:t1_l69a1b2", "Kestrel Gear", True, "phrase:Kestrel Gear"),
        ("reddit:t1_l69a1b2", "Summitline", True, "keyword:Summitline"),
        ("reddit:t1_l6b1x01", "Northwind", False, "keyword:Northwind"),
        (S2, "Kestrel Gear", True, "phrase:Kestrel Gear"),
        (S2, "Summitline", True, "keyword:Summitline"),
        (S1, "Northwind", False, "keyword:Northwind"),
    ]
    assert query(
        empty_db, "SELECT post_id FROM posts WHERE match_status = 'unmatched' ORDER BY post_id"
    ) == [
        ("reddit:t1_l69c3d4",),
        ("reddit:t1_l6b3y02",),
        ("reddit:t1_l6b5z03",),
        ("reddit:t1_l6c0a11",),
        (S3,),
        (S4,),
    ]
    assert query(empty_db, "SELECT channel_id, name, scope, audience_size FROM channels") == [
        ("reddit:r/CampingGear", "r/CampingGear", "external", 198432)
    ]
    assert query(empty_db, "SELECT count(*), count(DISTINCT channel_id) FROM post_channels") == [
        (10, 1)
    ]
    snapshots = query(
        empty_db,
        "SELECT post_id, likes, replies, shares, views FROM engagement_snapshots ORDER BY post_id",
    )
    assert len(snapshots) == 10
    assert (S1, 87, 5, None, None) in snapshots
    assert ("reddit:t1_l6b1x01", 12, None, None, None) in snapshots


def test_posts_keep_text_url_time_and_the_raw_item(empty_db):
    with REPLAY.use_cassette("search_listing_comments.yaml"):
        run_collector(empty_db, collector("CampingGear"), RULES)
    [(text, url, created, native, ratio, author_count)] = query(
        empty_db,
        f"""
        SELECT text, url, created_at::VARCHAR, native_id, raw->>'$.data.upvote_ratio',
               (SELECT count(*) FROM authors WHERE platform = 'reddit' AND followers IS NULL)
        FROM posts WHERE post_id = '{S2}'""",
    )
    assert text == (
        "Summitline vs Kestrel Gear for a first backpacking quilt?\n\n"
        "Budget is about $250. I sleep cold & side sleep. Which would you pick?"
    )
    assert url == (
        "https://www.reddit.com/r/CampingGear/comments/1d4x9cd/"
        "summitline_vs_kestrel_gear_for_a_first_backpacking/"
    )
    assert (created, native, ratio, author_count) == (
        "2024-06-02 16:00:00",
        "t3_1d4x9cd",
        "0.88",
        7,
    )


def test_the_cursor_is_the_newest_submission(empty_db):
    with REPLAY.use_cassette("search_listing_comments.yaml"):
        run_collector(empty_db, collector("CampingGear"), RULES)
    assert query(empty_db, "SELECT collector, key, cursor FROM collector_state") == [
        ("reddit", "r/CampingGear", "1717459200.0")
    ]


def test_the_same_traffic_twice_adds_no_post_and_no_snapshot(empty_db):
    with REPLAY.use_cassette("search_listing_comments.yaml", allow_playback_repeats=True):
        run_collector(empty_db, collector("CampingGear"), RULES)
        again = run_collector(empty_db, collector("CampingGear"), RULES)
    assert (again.status, again.posts.inserted, again.snapshots.inserted) == ("ok", 0, 0)
    assert query(empty_db, "SELECT count(*) FROM posts") == [(10,)]
    assert query(empty_db, "SELECT count(*) FROM engagement_snapshots") == [(10,)]


def test_items_older_than_the_cursor_are_not_loaded(empty_db):
    with open_warehouse(empty_db) as con:
        save_cursor(con, "reddit", "r/CampingGear", "1717430400.0")  # S1's creation time
    with REPLAY.use_cassette("search_listing_comments.yaml"):
        summary = run_collector(empty_db, collector("CampingGear"), RULES)
    assert summary.posts.inserted == 7  # S1 (at the cursor) and 3 comments, S3 and 1, S4
    loaded = {row[0] for row in query(empty_db, "SELECT thread_id FROM posts")}
    assert loaded == {S1, S3, S4}  # S2 and its comments are older than the cursor


def test_missing_credentials_stop_before_any_request(empty_db, monkeypatch):
    monkeypatch.delenv("REDDIT_CLIENT_SECRET")
    monkeypatch.delenv("REDDIT_USER_AGENT")
    with pytest.raises(MissingCredentialsError) as raised:
        run_collector(empty_db, collector("CampingGear"), RULES)
    message = str(raised.value)
    assert "\n" not in message
    assert "REDDIT_CLIENT_SECRET, REDDIT_USER_AGENT" in message
    assert "REDDIT_CLIENT_ID" not in message


def test_rejected_credentials_are_one_line_on_the_run(empty_db):
    with REPLAY.use_cassette("unauthorized.yaml") as cassette:
        summary = run_collector(empty_db, collector("CampingGear", "hiking"), RULES)
    assert cassette.all_played
    expected = "reddit: credentials rejected (401): check REDDIT_CLIENT_ID and REDDIT_CLIENT_SECRET"
    assert summary.errors == [expected]  # one line, not one per subreddit
    assert query(empty_db, "SELECT status, error, items_inserted FROM collection_runs") == [
        ("partial", expected, 0)
    ]


def test_a_rate_limit_waits_as_asked_then_loads(empty_db, sleeps, caplog):
    with REPLAY.use_cassette("rate_limited.yaml") as cassette:
        summary = run_collector(empty_db, collector("CampingGear"), RULES)
    assert cassette.all_played
    assert (summary.status, summary.posts.inserted) == ("ok", 10)
    assert 7 in sleeps and sum(sleeps) <= 60  # Retry-After: 7
    assert "rate limited (429), waiting 7 s" in caplog.text


def test_a_rate_limit_that_does_not_lift_gives_up_with_one_line(empty_db, sleeps):
    with REPLAY.use_cassette("rate_limited_throughout.yaml") as cassette:
        summary = run_collector(empty_db, collector("CampingGear"), RULES)
    assert cassette.all_played  # three attempts, then no more requests
    assert summary.errors == ["reddit r/CampingGear: rate limited (429) 3 times; try again later"]
    assert sleeps.count(7) == 2 and max(sleeps) <= 60


def test_a_private_subreddit_is_one_error_and_the_others_load(empty_db):
    with REPLAY.use_cassette("private_subreddit.yaml") as cassette:
        summary = run_collector(empty_db, collector("PrivateGear", "CampingGear"), RULES)
    assert cassette.all_played
    assert summary.errors == ["reddit r/PrivateGear: forbidden (403): the subreddit is private"]
    assert (summary.status, summary.posts.inserted) == ("partial", 10)


def test_a_malformed_comment_is_skipped_counted_and_the_rest_loaded(empty_db, caplog):
    with REPLAY.use_cassette("malformed_comment.yaml") as cassette:  # l6b5z03 lacks created_utc
        summary = run_collector(empty_db, collector("CampingGear"), RULES)
    assert cassette.all_played
    assert summary.errors == [
        "reddit r/CampingGear: skipped 1 malformed item(s) (first: t1_l6b5z03 lacks created_utc)"
    ]
    assert "t1_l6b5z03 lacks created_utc" in caplog.text
    assert query(empty_db, "SELECT post_id FROM posts ORDER BY created_at") == [
        (S1,),
        ("reddit:t1_l6b1x01",),
        ("reddit:t1_l6b3y02",),
    ]


def test_to_rows_skips_malformed_stored_items():
    with REPLAY.use_cassette("search_listing_comments.yaml"):
        [page] = list(collector("CampingGear").fetch({}))
    items = [json.loads(json.dumps(item)) for item in page.payload["items"]]
    del items[0]["data"]["created_utc"]
    items[1]["data"]["body"] = None
    broken = Page(page.key, page.fetched_at, payload={**page.payload, "items": items})
    posts = reddit_to_rows(broken.payload, broken.fetched_at)["posts"]
    assert len(posts) == 8
    assert not posts["post_id"].isin([S3, "reddit:t1_l6c0a11"]).any()


def test_cassettes_hold_no_secret():
    for cassette in CASSETTES.glob("*.yaml"):
        text = cassette.read_text()
        assert "test-client-secret" not in text and "Authorization" not in text, cassette.name


def test_a_thread_failing_with_503_keeps_the_page_and_is_read_again(empty_db, sleeps):
    with REPLAY.use_cassette("thread_503.yaml") as cassette:
        summary = run_collector(empty_db, collector("CampingGear"), RULES)
    assert cassette.all_played  # three tries of the failing thread, every other request once
    assert summary.status == "partial"
    [line] = summary.errors
    assert line.startswith("reddit r/CampingGear: comments of t3_1d5k2ab failed (")
    assert line.endswith("its submission is kept and the thread is read again next run")
    stored = {post_id for (post_id,) in query(empty_db, "SELECT post_id FROM posts")}
    assert {S1, S2, S3, S4} <= stored  # the failing thread's submission included
    assert not any(p.startswith("reddit:t1_l6b") for p in stored)  # its comments are not
    # The cursor stays at the failed submission (06-03 16:00 UTC), not the newest one, so the
    # next run reads its thread again.
    assert query(empty_db, "SELECT cursor FROM collector_state") == [("1717430400.0",)]


def test_urls_are_derived_and_canonical_and_deleted_text_is_no_content():
    with REPLAY.use_cassette("search_listing_comments.yaml"):
        [page] = list(collector("CampingGear").fetch({}))
    items = {item["data"]["name"]: json.loads(json.dumps(item)) for item in page.payload["items"]}
    del items["t1_l6b1x01"]["data"]["permalink"]  # an old comment without one
    items["t3_1d5k2ab"]["data"]["permalink"] += "?ref=search_posts"  # as a search gives it
    items["t3_1d5m7ef"]["data"]["selftext"] = "[deleted]"
    rows = reddit_to_rows({**page.payload, "items": list(items.values())}, page.fetched_at)
    urls = rows["posts"].set_index("post_id")["url"]
    assert urls["reddit:t1_l6b1x01"] == (
        "https://www.reddit.com/r/CampingGear/comments/1d5k2ab/_/l6b1x01/"
    )
    assert urls[S1] == "https://www.reddit.com" + items["t3_1d5k2ab"]["data"][
        "permalink"
    ].removesuffix("?ref=search_posts")
    assert "?" not in "".join(urls)
    texts = rows["posts"].set_index("post_id")["text"]
    assert texts[S3] == items["t3_1d5m7ef"]["data"]["title"]


def test_poll_data_round_trips_as_reddits_json():
    reddit = praw.Reddit(
        client_id="id",
        client_secret="secret",
        user_agent="tests",
        check_for_async=False,
        check_for_updates=False,
    )
    poll = {
        "options": [
            {"id": "1", "text": "Basecamp stove", "vote_count": 12},
            {"id": "2", "text": "Something else", "vote_count": 3},
        ],
        "total_vote_count": 15,
        "voting_end_timestamp": 1717516800000,
    }
    data = {
        "id": "p1",
        "name": "t3_p1",
        "subreddit": "CampingGear",
        "title": "Best stove?",
        "created_utc": 1717430400.0,
        "author": "quilt_curious",
        "poll_data": poll,
    }
    submission = reddit._objector.objectify(data={"kind": "t3", "data": data})  # praw's own parse

    item = to_item(submission)

    assert item["data"]["poll_data"] == poll
    assert to_item(submission) == item  # the same every run: no object address in it
