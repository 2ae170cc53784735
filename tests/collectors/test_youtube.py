"""The YouTube collector through the real google-api-python-client, replaying the hand-written
cassettes under ``tests/fixtures/cassettes/youtube`` (shapes from the Data API v3 reference).
Requests match on the full query string, so the cassettes also check what the client asked."""

from __future__ import annotations

import logging
import time
from datetime import datetime
from pathlib import Path

import pytest
import vcr

from analysis.period import Period
from analysis.response import response_performance
from collectors.registry import build, names
from collectors.runner import run_collector
from collectors.youtube import FATAL, YouTubeCollector
from socialpulse.brand_rules import BrandRule
from socialpulse.config import EXAMPLE_CONFIG, load_settings
from socialpulse.warehouse import open_warehouse
from tests.analysis.stored import analysed
from tests.collectors.interrupt import interrupted_after

CASSETTES = Path(__file__).resolve().parents[1] / "fixtures" / "cassettes" / "youtube"
REPLAY = vcr.VCR(record_mode="none", cassette_library_dir=str(CASSETTES))
SETTINGS = load_settings(EXAMPLE_CONFIG)
RULES = [BrandRule.from_config(brand) for brand in SETTINGS.brands]
OWN = "UCn0rthw1ndOutf1tters00A"
CHANNEL = f"channel:{OWN}"
TUTORIAL, SALE, REVIEW = "youtube:Nw7Trail2Rv", "youtube:Nw7SaleTent", "youtube:Sm9Review01"
RAIN_QUESTION = "youtube:UgzT1rainZipQ4AaABAg"
BRAND_ANSWER = "youtube:UgzT1rainZipQ4AaABAg.9zR2"
JUNE = Period(datetime(2025, 6, 1), datetime(2025, 7, 1))


@pytest.fixture(autouse=True)
def key(monkeypatch):
    monkeypatch.setenv("YOUTUBE_API_KEY", "test-api-key")
    monkeypatch.setattr(time, "sleep", lambda seconds: None)  # the client's retry backoff


def collect(db, cassette, collector=None):
    collector = collector or build("youtube", SETTINGS)
    with REPLAY.use_cassette(cassette, allow_playback_repeats=True) as replayed:
        summary = run_collector(db, collector, RULES)
    return summary, replayed, collector


def query(db, sql):
    with open_warehouse(db) as con:
        return con.execute(sql).fetchall()


def count(db, sql="SELECT count(*) FROM posts"):
    return query(db, sql)[0][0]


def cursors(db) -> dict:
    return dict(query(db, "SELECT key, cursor FROM collector_state WHERE collector = 'youtube'"))


def test_youtube_is_listed_with_the_brand_channel_and_search():
    collector = build("youtube", SETTINGS)
    assert "youtube" in names()
    assert collector.keys() == [CHANNEL, "search"]
    assert collector.query == 'Northwind|"Northwind Outfitters"|Summitline|"Kestrel Gear"'


def test_videos_comments_and_replies_load_in_their_threads(empty_db, caplog):
    with caplog.at_level(logging.WARNING, logger="collectors.youtube"):
        summary, replayed, collector = collect(empty_db, "channel_and_search.yaml")

    assert replayed.all_played
    # 3 videos (one found by both sources), 4 threads, 2 replies read apart from their thread.
    assert (summary.status, summary.posts.inserted, summary.errors) == ("ok", 9, [])
    assert query(
        empty_db,
        "SELECT post_id, kind, parent_id, thread_id, author_id FROM posts "
        f"WHERE thread_id = '{TUTORIAL}' ORDER BY created_at",
    ) == [
        (TUTORIAL, "post", None, TUTORIAL, f"youtube:{OWN}"),
        (
            "youtube:UgxT3oldPraise4AaABAg",
            "reply",
            TUTORIAL,
            TUTORIAL,
            "youtube:UCr1dgelineSamviewer0000",
        ),
        (RAIN_QUESTION, "reply", TUTORIAL, TUTORIAL, "youtube:UCalp1neFern7viewer00000"),
        (
            f"{RAIN_QUESTION}.9zR1",
            "reply",
            RAIN_QUESTION,
            TUTORIAL,
            "youtube:UCr1dgelineSamviewer0000",
        ),
        (BRAND_ANSWER, "reply", RAIN_QUESTION, TUTORIAL, f"youtube:{OWN}"),
        (
            "youtube:UgyT2pitchFast4AaABAg",
            "reply",
            TUTORIAL,
            TUTORIAL,
            "youtube:UCtra1lPeak42viewer00000",
        ),
    ]
    # Comments turned off on the sale video: the video is kept, without comments.
    assert count(empty_db, f"SELECT count(*) FROM posts WHERE thread_id = '{SALE}'") == 1
    assert query(empty_db, f"SELECT url FROM posts WHERE post_id = '{BRAND_ANSWER}'") == [
        ("https://www.youtube.com/watch?v=Nw7Trail2Rv&lc=UgzT1rainZipQ4AaABAg.9zR2",)
    ]
    assert query(empty_db, "SELECT handle FROM authors WHERE is_owned") == [("@northwind",)]
    assert query(
        empty_db, "SELECT name, audience_size FROM channels WHERE platform = 'youtube' ORDER BY 1"
    ) == [("Gear Review Weekly", 312000), ("Northwind Outfitters", 48200)]
    assert query(
        empty_db,
        f"SELECT views, likes, replies FROM engagement_snapshots WHERE post_id = '{TUTORIAL}'",
    ) == [(18250, 640, 5)]
    # 1 channel, 1 playlist, 2 videos, 2 channels, 4 + 1 comment pages, 1 reply page; 100 a search
    assert collector.spent == 114
    assert "youtube: 114 of the 10,000 daily quota units spent this run" in caplog.messages
    assert cursors(empty_db) == {CHANNEL: "2025-06-02T11:00:00Z", "search": "2025-06-02T16:00:00Z"}


def test_the_brands_reply_counts_in_response_rate_and_time(empty_db):
    collect(empty_db, "channel_and_search.yaml")

    with open_warehouse(empty_db) as con:
        analysed(con)
        performance = response_performance(con, JUNE).set_index("brand").loc["Northwind"]

    # The rain question was answered by the brand's channel 45 minutes later.
    assert (performance.needing_reply, performance.answered) == (1, 1)
    assert performance.median_minutes == 45.0


def test_the_next_run_stops_at_the_cursor_and_adds_nothing(empty_db):
    collect(empty_db, "channel_and_search.yaml")

    summary, _, collector = collect(empty_db, "channel_and_search.yaml")

    assert (summary.status, summary.posts.inserted, count(empty_db)) == ("ok", 0, 9)
    assert collector.spent == 110  # no second comment page, no replies read again
    assert summary.snapshots.inserted == 0  # the same counts are not stored twice


def test_an_exhausted_quota_keeps_what_was_read_and_the_rerun_resumes(empty_db):
    summary, _, _ = collect(empty_db, "quota_exhausted.yaml")

    assert summary.errors == [FATAL["quotaExceeded"]]
    assert (summary.status, count(empty_db)) == ("partial", 7)
    assert list(cursors(empty_db)) == [CHANNEL]

    summary, _, _ = collect(empty_db, "channel_and_search.yaml")

    assert (summary.status, summary.posts.inserted, count(empty_db)) == ("ok", 2, 9)


def test_a_rejected_key_is_one_line_and_stops_the_run(empty_db):
    summary, replayed, collector = collect(empty_db, "key_invalid.yaml")

    assert summary.errors == [
        "youtube: API key rejected (400 API_KEY_INVALID): check YOUTUBE_API_KEY"
    ]
    assert (count(empty_db), collector.spent, replayed.play_count) == (0, 1, 1)


def test_a_truncated_comment_page_keeps_the_video_and_holds_the_cursor(empty_db):
    channel_only = YouTubeCollector([OWN], None)

    summary, _, _ = collect(empty_db, "truncated_threads.yaml", channel_only)

    assert summary.errors == [
        f"youtube {CHANNEL}: comments of video Nw7Trail2Rv failed: commentThreads answered "
        "broken JSON (700 characters, cut off?); the video is kept and read again next run"
    ]
    assert query(empty_db, "SELECT post_id FROM posts ORDER BY 1") == [(SALE,), (TUTORIAL,)]
    assert cursors(empty_db) == {}

    summary, _, _ = collect(empty_db, "channel_and_search.yaml", YouTubeCollector([OWN], None))

    assert (summary.status, count(empty_db)) == ("ok", 7)


def test_a_run_killed_after_the_channel_resumes_without_duplicates(empty_db):
    with pytest.raises(KeyboardInterrupt):
        collect(
            empty_db, "channel_and_search.yaml", interrupted_after(build("youtube", SETTINGS), 1)
        )
    assert (count(empty_db), list(cursors(empty_db))) == (7, [CHANNEL])

    summary, _, _ = collect(empty_db, "channel_and_search.yaml")

    assert (summary.posts.inserted, count(empty_db)) == (2, 9)
    assert count(empty_db, "SELECT count(DISTINCT post_id) - count(*) FROM posts") == 0


def test_a_comment_without_its_time_is_skipped_and_listed_the_rest_kept():
    collector = YouTubeCollector([OWN], None)
    with REPLAY.use_cassette("channel_and_search.yaml", allow_playback_repeats=True):
        page = next(iter(collector.fetch({})))
    thread = page.payload["threads"]["Nw7Trail2Rv"][0]
    del thread["snippet"]["topLevelComment"]["snippet"]["publishedAt"]

    rows = collector.to_rows(page)

    assert rows["skipped"].to_dict("records") == [
        {"item": "comment UgyT2pitchFast4AaABAg", "reason": "lacks 'publishedAt'"}
    ]
    assert len(rows["posts"]) == 6 and "youtube:UgyT2pitchFast4AaABAg" not in set(
        rows["posts"]["post_id"]
    )
