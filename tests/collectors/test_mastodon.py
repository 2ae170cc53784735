"""The Mastodon collector through the real Mastodon.py client, on recorded traffic only.

Searches replay the hand-written vcrpy cassettes under ``tests/fixtures/mastodon`` (shapes from
the Mastodon API docs; requests match on the full query string, so a cassette also checks the
``min_id`` and ``limit`` the client sent). Streams run against ``mastodon_server``, a local
instance on 127.0.0.1 that plays ``stream_northwind.sse`` as Server-Sent Events.
"""

from __future__ import annotations

import json
import threading
import time
from datetime import datetime
from pathlib import Path

import pytest
import vcr

from collectors.base import DELETED, SKIPPED, Page
from collectors.mastodon import MastodonCollector
from collectors.mastodon_rows import page_to_rows, post_id_for
from collectors.registry import build, names
from collectors.runner import run_collector
from socialpulse.brand_rules import BrandRule
from socialpulse.config import EXAMPLE_CONFIG, load_settings
from socialpulse.live.writer import IntakeWriter
from socialpulse.warehouse import open_warehouse
from socialpulse.warehouse.cursors import save_cursor
from tests.collectors.mastodon_server import FIXTURES, MastodonServer

# No secret is in the cassettes; requests keep their headers so tests can see the token sent.
REPLAY = vcr.VCR(record_mode="none", cassette_library_dir=str(FIXTURES))
SETTINGS = load_settings(EXAMPLE_CONFIG)
RULES = [BrandRule.from_config(brand) for brand in SETTINGS.brands]
SOCIAL = "https://mastodon.social"
NORTHWIND, SUMMITLINE = f"{SOCIAL}#northwind", f"{SOCIAL}#summitline"
FETCHED = datetime(2025, 6, 2, 12, 30)

# The statuses of first_run.yaml, by their uri (one post on every instance).
NEW_SHOES = post_id_for(f"{SOCIAL}/users/northwind/statuses/113000000000000102")
WET_WEEKEND = post_id_for("https://hachyderm.example/users/trailfern/statuses/220000000000000011")
QUESTION = post_id_for("https://fosstodon.example/users/kestrelfan/statuses/330000000000000021")
BOOST = post_id_for(f"{SOCIAL}/users/gearhead/statuses/113000000000000105/activity")


@pytest.fixture(autouse=True)
def no_token(monkeypatch):
    monkeypatch.delenv("MASTODON_ACCESS_TOKEN", raising=False)


def query(db: Path, sql: str) -> list[tuple]:
    with open_warehouse(db) as con:
        return con.execute(sql).fetchall()


def count(db: Path, table: str = "posts") -> int:
    return query(db, f"SELECT count(*) FROM {table}")[0][0]


def cursors(db: Path) -> dict:
    return dict(query(db, "SELECT key, cursor FROM collector_state WHERE collector = 'mastodon'"))


def collect(db: Path, cassette: str, collector: MastodonCollector | None = None):
    with REPLAY.use_cassette(cassette) as replayed:
        summary = run_collector(db, collector or build("mastodon", SETTINGS), RULES)
    assert replayed.all_played
    return summary, replayed


def test_mastodon_is_registered_and_needs_no_token():
    collector = build("mastodon", SETTINGS)
    assert "mastodon" in names()
    assert [s.key for s in collector.sources()] == [NORTHWIND, SUMMITLINE]
    assert collector.missing_credentials() == []


def test_a_page_becomes_posts_shares_replies_authors_and_snapshots(empty_db):
    summary, _ = collect(empty_db, "first_run.yaml")

    # Four statuses, one of them a boost whose boosted status is a post too.
    assert (summary.status, summary.posts.inserted, summary.errors) == ("ok", 4, [])
    assert query(
        empty_db,
        "SELECT post_id, native_id, kind, parent_id, thread_id, author_id, language "
        "FROM posts ORDER BY created_at",
    ) == [
        (
            WET_WEEKEND,
            "mastodon.social:113000000000000101",
            "post",
            None,
            WET_WEEKEND,
            "mastodon:trailfern@hachyderm.example",
            "en",
        ),
        (
            NEW_SHOES,
            "mastodon.social:113000000000000102",
            "post",
            None,
            NEW_SHOES,
            "mastodon:northwind@mastodon.social",
            "en",
        ),
        (
            QUESTION,
            "mastodon.social:113000000000000104",
            "reply",
            NEW_SHOES,
            NEW_SHOES,
            "mastodon:kestrelfan@fosstodon.example",
            "de",
        ),
        (
            BOOST,
            "mastodon.social:113000000000000105",
            "share",
            WET_WEEKEND,
            WET_WEEKEND,
            "mastodon:gearhead@mastodon.social",
            "en",
        ),
    ]
    assert query(
        empty_db, f"SELECT text, url, created_at FROM posts WHERE post_id = '{NEW_SHOES}'"
    )[0][:2] == (
        "The new # Northwind Trail Runner is out & ready for the rain!",
        f"{SOCIAL}/@northwind/113000000000000102",
    )
    assert query(empty_db, "SELECT handle, followers FROM authors ORDER BY handle") == [
        ("@gearhead@mastodon.social", 95),
        ("@kestrelfan@fosstodon.example", 58),
        ("@northwind@mastodon.social", 4810),
        ("@trailfern@hachyderm.example", 312),
    ]
    assert query(
        empty_db,
        "SELECT likes, shares, replies, author_followers FROM engagement_snapshots "
        f"WHERE post_id = '{NEW_SHOES}'",
    ) == [(12, 4, 1, 4810)]
    assert query(
        empty_db, f"SELECT brand FROM brand_matches WHERE post_id = '{WET_WEEKEND}' ORDER BY 1"
    ) == [("Northwind",), ("Summitline",)]
    assert query(empty_db, "SELECT channel_id, scope, purpose FROM channels") == [
        ("mastodon:mastodon.social/#northwind", "external", "listening")
    ]
    # The newest status id is the cursor; an empty hashtag leaves none.
    assert cursors(empty_db) == {NORTHWIND: "113000000000000105"}


def test_the_rerun_asks_past_the_cursor_and_adds_nothing(empty_db):
    collect(empty_db, "first_run.yaml")

    summary, _ = collect(empty_db, "nothing_new.yaml")  # only matches min_id=113000000000000105

    assert (summary.status, summary.posts.seen, count(empty_db)) == ("ok", 0, 4)
    assert count(empty_db, "engagement_snapshots") == 4


def test_one_status_seen_through_two_instances_is_one_post(empty_db):
    collector = MastodonCollector([SOCIAL, "https://hachyderm.example"], ["northwind"])

    summary, _ = collect(empty_db, "two_instances.yaml", collector)

    assert (summary.posts.inserted, summary.posts.updated, count(empty_db)) == (1, 1, 1)
    assert query(empty_db, "SELECT native_id FROM posts") == [
        ("mastodon.social:113000000000000102",)  # the first copy stored keeps its local id
    ]
    assert query(empty_db, "SELECT channel_id FROM post_channels ORDER BY 1") == [
        ("mastodon:hachyderm.example/#northwind",),
        ("mastodon:mastodon.social/#northwind",),
    ]
    assert query(empty_db, "SELECT likes FROM engagement_snapshots ORDER BY taken_at") == [
        (12,),
        (13,),
    ]


def test_a_rate_limit_and_a_revoked_token_are_one_line_each_and_keep_what_loaded(
    empty_db, monkeypatch
):
    monkeypatch.setenv("MASTODON_ACCESS_TOKEN", "revoked-token")
    with open_warehouse(empty_db) as con:
        save_cursor(con, "mastodon", NORTHWIND, "113000000000000105")
    collector = MastodonCollector([SOCIAL], ["northwind", "summitline"], page_size=2)

    summary, _ = collect(empty_db, "rate_limited.yaml", collector)

    assert summary.errors == [
        f"mastodon {SOCIAL} #northwind: rate limited (429 Too Many Requests) until 10:00 UTC: "
        "run again later",
        f"mastodon {SOCIAL} #summitline: access token rejected (401 Unauthorized): "
        "check or unset MASTODON_ACCESS_TOKEN",
    ]
    assert summary.status != "ok"
    assert count(empty_db) == 2  # the page before the 429 is kept, its cursor stored
    assert cursors(empty_db) == {NORTHWIND: "113000000000000107"}

    summary, _ = collect(empty_db, "resume.yaml", collector)  # only matches min_id=...107

    assert (summary.status, summary.posts.inserted, count(empty_db)) == ("ok", 1, 3)
    assert cursors(empty_db) == {NORTHWIND: "113000000000000108"}


def test_an_unreachable_instance_is_one_line_and_the_next_instance_loads(empty_db, monkeypatch):
    monkeypatch.setenv("MASTODON_ACCESS_TOKEN", "test-token")
    with MastodonServer() as server:
        collector = MastodonCollector(["http://127.0.0.1:9", server.base], ["northwind"])
        collector.timeout = 2.0
        summary = run_collector(empty_db, collector, RULES)

    assert len(summary.errors) == 1
    assert summary.errors[0].startswith(
        "mastodon http://127.0.0.1:9 #northwind: instance unreachable: "
    )
    assert count(empty_db) == 4
    assert set(server.authorizations) == {"Bearer test-token"}  # the optional token, when set


def test_malformed_statuses_are_skipped_with_their_reason_and_the_rest_kept():
    statuses = json.loads((FIXTURES / "statuses_malformed.json").read_text())
    payload = {"instance": SOCIAL, "stream": "#northwind", "statuses": statuses, "deleted": []}

    rows = page_to_rows(payload, FETCHED)

    assert rows["posts"]["native_id"].tolist() == ["mastodon.social:113000000000000108"]
    assert rows[SKIPPED]["item"].tolist() == [
        "status mastodon.social:113000000000000106",
        "status mastodon.social:113000000000000109",
        "status mastodon.social:?",
    ]
    assert rows[SKIPPED]["reason"].tolist()[1:] == ["'created_at'", "status is not an object"]


def test_a_delete_in_the_same_page_as_its_post_needs_no_warehouse():
    statuses = json.loads((FIXTURES / "timeline_northwind.json").read_text())
    payload = {
        "instance": SOCIAL,
        "stream": "#northwind",
        "statuses": statuses,
        "deleted": ["113000000000000202", "999"],
    }

    rows = page_to_rows(payload, FETCHED)

    assert rows[DELETED]["post_id"].tolist() == [
        post_id_for(f"{SOCIAL}/users/gearhead/statuses/113000000000000202")
    ]
    # A delete of a status the page does not hold is left for the warehouse to find.
    assert rows["mastodon_unresolved_deletes"]["native_id"].tolist() == ["mastodon.social:999"]


def listen(db: Path, collector: MastodonCollector, until, seconds: float = 8.0):
    """Stream into ``db`` through `pulse listen`'s writer until ``until(pages)``; returns the
    pages and how long the stream took to end once stopped."""
    stop = threading.Event()
    guard = threading.Timer(seconds, stop.set)  # a broken stream fails the test, never hangs
    guard.start()
    writer = IntakeWriter(db, RULES, turn_gap_seconds=0).start()
    pages: list[Page] = []
    stopped_at = None
    try:
        for page in collector.stream({}, stop):
            pages.append(page)
            if page.payload is not None:
                writer.submit(collector, page).result(timeout=10)
            if until(pages):
                stop.set()
                stopped_at = time.monotonic()
    finally:
        guard.cancel()
        writer.stop()
    return pages, time.monotonic() - (stopped_at or time.monotonic())


def test_the_stream_loads_edits_deletes_and_backfills_the_gap_after_a_drop(empty_db):
    def everything(pages):
        deleted = [d for p in pages if p.payload for d in p.payload["deleted"]]
        return "113000000000000202" in deleted

    with MastodonServer() as server:
        collector = MastodonCollector(
            [server.base], ["northwind"], batch_seconds=0.05, reconnect_delay=0.01
        )
        pages, took = listen(empty_db, collector, everything)
        readers = [t for t in threading.enumerate() if t.name.startswith("mastodon-")]
        backfills = server.asked("/api/v1/timelines/tag/northwind")

    host = server.base.removeprefix("http://")
    # The first connection's posts, then the drop in one line naming the stream.
    assert [s["id"] for s in pages[0].payload["statuses"]] == [
        "113000000000000201",
        "113000000000000202",
    ]
    assert [p.error for p in pages if p.error] == [
        f"mastodon {server.base} #northwind: stream dropped (the server closed the stream); "
        "reconnecting in 0.01 s"
    ]
    # The reconnection read the timeline from the last cursor: 203, published in the gap, only
    # the timeline has; 204 both the timeline and the new stream.
    assert backfills == [{"min_id": "113000000000000202", "limit": "40"}]
    # 202 was deleted after it was stored; 201 was edited; 204 came twice and is one post.
    assert query(empty_db, "SELECT native_id, text FROM posts ORDER BY native_id") == [
        (f"{host}:113000000000000201", "Northwind stove boiled in three minutes (timed it again)."),
        (f"{host}:113000000000000203", "Summitline and Northwind both at the trailhead today."),
        (f"{host}:113000000000000204", "Northwind boots survived the river crossing."),
    ]
    assert cursors(empty_db) == {f"{server.base}#northwind": "113000000000000204"}
    assert set(server.authorizations) == {None}  # public hashtags need no token
    assert took < 1.0  # stop ends the stream at once
    assert _ended(readers)  # and so do its connections


def _ended(threads, seconds: float = 2.0) -> bool:
    for thread in threads:
        thread.join(seconds)
    return not any(thread.is_alive() for thread in threads)


def test_a_refused_stream_is_retried_with_capped_exponential_backoff(empty_db):
    with MastodonServer(stream_status=503) as server:
        collector = MastodonCollector(
            [server.base], ["northwind"], reconnect_delay=0.01, max_reconnect_delay=0.03
        )
        pages, took = listen(empty_db, collector, lambda pages: len(pages) >= 4)

    assert [p.error.rsplit("reconnecting in ", 1)[1] for p in pages] == [
        "0.01 s",
        "0.02 s",
        "0.03 s",
        "0.03 s",
    ]
    assert pages[0].error.startswith(f"mastodon {server.base} #northwind: stream dropped (")
    assert server.connections >= 4
    assert took < 1.0
