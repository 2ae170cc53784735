"""The Bluesky collector through the real clients, on recorded traffic only.

Search goes through the atproto client (httpx) replaying the hand-written cassettes under
``tests/fixtures/bluesky`` (shapes from the createSession and searchPosts lexicons); requests
match on the full query string, so a cassette also checks what the client asked (``since``,
``cursor``) and a request it does not hold fails the test. The stream goes through the
``websockets`` client to a local Jetstream replaying ``jetstream.jsonl``
(``bench.jetstream_replay.py``). Everything is loaded by ``run_collector``
into a real warehouse file.
"""

from __future__ import annotations

import socket
import threading
import time
from datetime import datetime
from pathlib import Path

import pytest
import vcr

from bench.jetstream_replay import JetstreamReplay, load_frames
from collectors.base import DELETED, SKIPPED, Page
from collectors.bluesky import STREAM_KEY, BlueskyCollector, build_bluesky
from collectors.bluesky_rows import search_to_rows, stream_to_rows
from collectors.registry import COLLECTORS, build
from collectors.runner import run_collector
from socialpulse.brand_rules import BrandRule
from socialpulse.config import EXAMPLE_CONFIG, load_settings
from socialpulse.warehouse import open_warehouse

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "bluesky"
REPLAY = vcr.VCR(
    record_mode="none", filter_headers=["authorization"], cassette_library_dir=str(FIXTURES)
)
FRAMES = load_frames(FIXTURES / "jetstream.jsonl")
SETTINGS = load_settings(EXAMPLE_CONFIG)
RULES = [BrandRule.from_config(brand) for brand in SETTINGS.brands]
FETCHED = datetime(2025, 6, 2, 12, 0)

TRAIL, FERN = "did:plc:trailpeak42aaaaaaaaaaaaaa", "did:plc:alpinefern7bbbbbbbbbbbbbb"
RIDGE, MONT = "did:plc:ridgelinesamcccccccccccc", "did:plc:montagnardeeeeeeeeeeeeee"
KEST = "did:plc:kestrelfangggggggggggggg"


def post(did: str, rkey: str, collection: str = "app.bsky.feed.post") -> str:
    return f"bluesky:at://{did}/{collection}/{rkey}"


P1, P2 = post(TRAIL, "3lqnw7trail01"), post(FERN, "3lqnw7fern002")
P3, P4 = post(RIDGE, "3lqnw7ridge03"), post(TRAIL, "3lqnw7trail04")
P5, P6 = post(MONT, "3lqsm9mont005"), post(TRAIL, "3lqnw7trail06")
TENT, REPLY_FR = post(KEST, "3lqkg1tent002"), post(MONT, "3lqsm9mont008")
SALE, ORDER = post(FERN, "3lqsm9fern009"), post(RIDGE, "3lqnw7ridge14")
REPOST = post(RIDGE, "3lqrepost0007", "app.bsky.feed.repost")
LAUNCH = post("did:plc:northwindoutfittersdddd", "3lqlaunch0000")
T0 = 1748857200_000000  # the recording's first frame, 2025-06-02 09:40:00 UTC


def at(seconds: int) -> int:
    return T0 + seconds * 1_000_000


LAST = at(16)


@pytest.fixture(autouse=True)
def credentials(monkeypatch):
    monkeypatch.setenv("BLUESKY_HANDLE", "northwind-listener.bsky.social")
    monkeypatch.setenv("BLUESKY_APP_PASSWORD", "test-app-password")


def query(db: Path, sql: str) -> list[tuple]:
    with open_warehouse(db) as con:
        return con.execute(sql).fetchall()


def count(db: Path, table: str = "posts") -> int:
    return query(db, f"SELECT count(*) FROM {table}")[0][0]


def cursors(db: Path) -> dict:
    return dict(query(db, "SELECT key, cursor FROM collector_state WHERE collector = 'bluesky'"))


def search(db: Path, cassette: str, collector: BlueskyCollector | None = None):
    with REPLAY.use_cassette(cassette, allow_playback_repeats=True) as replayed:
        summary = run_collector(db, collector or build_bluesky(SETTINGS), RULES)
    return summary, replayed


def listener(url: str) -> BlueskyCollector:
    return BlueskyCollector(
        ["Northwind"], RULES, jetstream=url, base_delay=0.01, flush_seconds=0.1, idle_seconds=0.3
    )


def listen(db: Path, collector: BlueskyCollector, until_us: int = LAST, limit: float = 10.0):
    """``run_collector`` over the stream, stopped once a page's cursor reaches ``until_us``."""
    stop, reached = threading.Event(), []
    timer = threading.Timer(limit, stop.set)
    timer.start()

    def pages(stored):
        for page in collector.stream(stored, stop):
            yield page
            if page.cursor == str(until_us):
                reached.append(page)
                stop.set()

    collector.fetch = pages
    try:
        summary = run_collector(db, collector, RULES)
    finally:
        timer.cancel()
    assert reached, f"the stream never reached {until_us} within {limit} s"
    return summary


# -- search -----------------------------------------------------------------------------------


def test_bluesky_is_registered_with_the_brand_queries():
    collector = build("bluesky", SETTINGS)
    assert COLLECTORS["bluesky"] is build_bluesky
    assert collector.queries == ["Northwind", "Summitline", "Kestrel Gear"]
    assert collector.credentials == ("BLUESKY_HANDLE", "BLUESKY_APP_PASSWORD")


def test_two_pages_load_posts_replies_authors_snapshots_and_languages(empty_db):
    summary, replayed = search(empty_db, "search_two_pages.yaml")

    assert replayed.all_played  # page 2 was asked with page 1's cursor, on the session's PDS
    assert (summary.status, summary.posts.inserted, summary.errors) == ("ok", 5, [])
    assert query(
        empty_db,
        "SELECT post_id, kind, parent_id, thread_id, author_id, language, created_at "
        "FROM posts ORDER BY created_at DESC",
    ) == [
        (P2, "reply", P1, P1, f"bluesky:{FERN}", "en", datetime(2025, 6, 2, 9, 55)),
        (P1, "post", None, P1, f"bluesky:{TRAIL}", "en", datetime(2025, 6, 2, 9, 40, 1)),
        # a quote post points at the post it quotes
        (P3, "post", LAUNCH, P3, f"bluesky:{RIDGE}", "en", datetime(2025, 6, 2, 8, 30)),
        # createdAt unreadable: the AppView's indexedAt; no langs: no language
        (P4, "post", None, P4, f"bluesky:{TRAIL}", None, datetime(2025, 6, 2, 7, 5, 30)),
        # 07:15+02:00 is stored as naive UTC; the first of its langs
        (P5, "post", None, P5, f"bluesky:{MONT}", "fr", datetime(2025, 6, 2, 5, 15)),
    ]
    assert query(empty_db, f"SELECT native_id, url FROM posts WHERE post_id = '{P2}'") == [
        (P2.removeprefix("bluesky:"), f"https://bsky.app/profile/{FERN}/post/3lqnw7fern002")
    ]
    assert query(empty_db, "SELECT author_id, handle, followers FROM authors ORDER BY 1") == [
        (f"bluesky:{FERN}", "alpinefern.bsky.social", None),  # no followersCount in its view
        (f"bluesky:{MONT}", "montagnard.bsky.social", 96),
        (f"bluesky:{RIDGE}", "ridgeline-sam.bsky.social", 320),
        (f"bluesky:{TRAIL}", "trailpeak42.bsky.social", 1840),
    ]
    assert query(
        empty_db,
        "SELECT likes, shares, replies, quotes, views, author_followers "
        f"FROM engagement_snapshots WHERE post_id IN ('{P1}', '{P5}') ORDER BY post_id",
    ) == [(4, 0, 2, 1, None, 96), (12, 3, 1, 0, None, 1840)]
    assert set(query(empty_db, "SELECT post_id, brand FROM brand_matches")) == {
        (P1, "Northwind"),
        (P2, "Northwind"),
        (P3, "Northwind"),
        (P4, "Northwind"),
        (P5, "Summitline"),
    }
    # Kestrel Gear found nothing: no cursor, so its next run searches the whole window again.
    assert cursors(empty_db) == {
        "Northwind": "2025-06-02T09:55:01.204Z",
        "Summitline": "2025-06-02T05:15:02.100Z",
    }


def test_the_next_runs_ask_since_the_cursor_and_a_rerun_adds_nothing(empty_db):
    search(empty_db, "search_two_pages.yaml")

    summary, replayed = search(empty_db, "search_since_cursor.yaml")

    # One new post; the page reached the cursor, so its cursor "3" was not followed.
    assert (summary.status, summary.posts.inserted, summary.errors) == ("ok", 1, [])
    assert count(empty_db) == 6
    # P1's likes grew (12 -> 15): one more snapshot; P2 and P5 unchanged: none.
    assert summary.snapshots.inserted == 2  # P1's growth and the new post
    assert query(
        empty_db, f"SELECT likes FROM engagement_snapshots WHERE post_id = '{P1}' ORDER BY likes"
    ) == [(12,), (15,)]
    assert cursors(empty_db)["Northwind"] == "2025-06-02T10:20:00.640Z"

    again, replayed = search(empty_db, "search_since_cursor.yaml")

    # The third run asked since the new cursor (interaction 2), not the old one (1).
    assert (replayed.play_counts[1], replayed.play_counts[2]) == (0, 1)
    assert (again.status, again.posts.inserted, again.snapshots.inserted) == ("ok", 0, 0)
    assert count(empty_db) == 6
    assert count(empty_db, "engagement_snapshots") == 7


def test_a_rate_limit_is_one_line_naming_the_search_and_keeps_the_first_page(empty_db):
    summary, replayed = search(empty_db, "search_429.yaml")

    assert replayed.all_played  # and nothing after the 429: the other queries would fail alike
    assert summary.errors == [
        "bluesky search 'Northwind': rate limited until 11:00 UTC "
        "(429 RateLimitExceeded: Rate Limit Exceeded); run again later"
    ]
    assert summary.posts.inserted == 2
    assert cursors(empty_db) == {}  # the query's last page was not loaded: asked again next run


def test_a_revoked_session_is_one_line_and_keeps_what_was_stored(empty_db):
    search(empty_db, "search_429.yaml")

    summary, replayed = search(empty_db, "search_401.yaml")

    assert replayed.all_played
    assert summary.errors == [
        "bluesky search 'Northwind': session rejected (401 ExpiredToken: Token has been "
        "revoked); check BLUESKY_HANDLE and BLUESKY_APP_PASSWORD (an app password may have "
        "been revoked)"
    ]
    assert (count(empty_db), cursors(empty_db)) == (2, {})


def test_a_refused_login_and_an_unreachable_service_are_one_line_each(empty_db):
    summary, _ = search(empty_db, "login_401.yaml")
    assert summary.errors == [
        "bluesky login to https://bsky.social as 'northwind-listener.bsky.social': session "
        "rejected (401 AuthenticationRequired: Invalid identifier or password); check "
        "BLUESKY_HANDLE and BLUESKY_APP_PASSWORD (an app password may have been revoked)"
    ]

    closed = f"http://127.0.0.1:{closed_port()}"
    collector = BlueskyCollector(["Northwind"], RULES, service=closed, timeout=2)
    summary = run_collector(empty_db, collector, RULES)
    assert len(summary.errors) == 1
    assert summary.errors[0].startswith(
        f"bluesky login to {closed} as 'northwind-listener.bsky.social': {closed} unreachable ("
    )
    assert count(empty_db) == 0


def test_malformed_items_are_skipped_with_a_reason_and_the_rest_kept():
    good = {
        "uri": P1.removeprefix("bluesky:"),
        "cid": "bafy",
        "author": {"did": TRAIL, "handle": "trailpeak42.bsky.social"},
        "record": {"text": "Northwind", "createdAt": "2025-06-02T09:40:01Z"},
        "indexedAt": "2025-06-02T09:40:02Z",
    }
    page = {"posts": [good, {"cid": "x"}, {**good, "uri": "https://bsky.app/x"}]}

    rows = search_to_rows(page, FETCHED)

    assert rows["posts"]["post_id"].tolist() == [P1]
    assert rows[SKIPPED].to_dict("records") == [
        {"item": "post ?", "reason": "missing 'uri'"},
        {"item": "post https://bsky.app/x", "reason": "'https://bsky.app/x' is not an AT URI"},
    ]
    stream = stream_to_rows({"events": ["{oops", {"did": TRAIL, "kind": "commit"}]}, FETCHED)
    assert stream[SKIPPED]["reason"].tolist() == ["frame is not a JSON object", "missing 'time_us'"]


# -- stream -----------------------------------------------------------------------------------


def test_the_stream_keeps_brand_posts_and_what_touches_them_across_a_dropped_connection(
    empty_db,
):
    with JetstreamReplay(drop_after=10) as server:
        summary = listen(empty_db, listener(server.start(FRAMES)))

    wanted = ["app.bsky.feed.post", "app.bsky.feed.repost", "app.bsky.feed.like"]
    assert server.connections == [
        {"wantedCollections": wanted},
        # the last time_us read before the drop (09:40:09), rewound 3 s
        {"wantedCollections": wanted, "cursor": [str(at(9) - 3_000_000)]},
    ]
    assert summary.errors[0] == (
        "bluesky jetstream: connection lost (close 1001 going away); reconnecting in "
        f"0.01 s from cursor {at(9)}"
    )
    # Only brand posts (not Lisbon, not coffee), the repost of a kept post as a share carrying
    # its text; the tent post was deleted after it was stored; nothing doubled by the replay.
    assert query(
        empty_db, "SELECT post_id, kind, parent_id, language, text FROM posts ORDER BY created_at"
    ) == [
        (P1, "post", None, "en", "Loving my new Northwind trail runners on the ridge today"),
        (REPOST, "share", P1, None, "Loving my new Northwind trail runners on the ridge today"),
        (REPLY_FR, "reply", P1, "fr", "Je préfère Summitline, franchement"),
        (SALE, "post", None, "en", "Summitline jackets are on sale this week"),
        (ORDER, "post", None, "en", "Northwind Outfitters shipped my order in a day"),
    ]
    # Likes of kept posts only (not the like of the Lisbon post).
    assert query(
        empty_db, "SELECT post_id, actor_id, target_id, detail FROM interactions ORDER BY 1"
    ) == [
        (ORDER, f"bluesky:{TRAIL}", f"bluesky:{RIDGE}", "like"),
        (P1, f"bluesky:{FERN}", f"bluesky:{TRAIL}", "like"),
    ]
    # Handles from identity events; authors without one wait for search to name them.
    assert query(empty_db, "SELECT author_id, handle FROM authors ORDER BY 1") == [
        (f"bluesky:{MONT}", "montagnard.bsky.social"),
        (f"bluesky:{TRAIL}", "trailpeak42.bsky.social"),
    ]
    assert cursors(empty_db) == {STREAM_KEY: str(LAST)}
    # The unreadable frame (sent twice: before the drop and in the replay) and the create
    # without a record are reported, not stored.
    assert summary.errors[-1] == (
        "bluesky jetstream: skipped 3 item(s) it could not store "
        "(first: frame 'not json at all {': frame is not a JSON object)"
    )


def test_a_delete_after_the_post_removes_it_and_a_restart_resumes_from_the_cursor(empty_db):
    with JetstreamReplay(drop_after=10) as server:
        url = server.start(FRAMES)
        listen(empty_db, listener(url), until_us=at(9))  # stops at the drop
        assert count(empty_db, f"posts WHERE post_id = '{TENT}'") == 1
        stored = count(empty_db)

        summary = listen(empty_db, listener(url))  # a new process: nothing in memory

    assert server.connections[1]["cursor"] == [str(at(9) - 3_000_000)]
    assert count(empty_db, f"posts WHERE post_id = '{TENT}'") == 0
    assert count(empty_db, f"brand_matches WHERE post_id = '{TENT}'") == 0
    # The restart forgot which posts it kept, so the replayed repost is not kept again (its
    # subject was heard by the first process); it was stored by the first, and stays.
    assert stored == 5
    assert {row[0] for row in query(empty_db, "SELECT post_id FROM posts")} == {
        P1,
        REPOST,
        REPLY_FR,
        SALE,
        ORDER,
    }
    assert summary.posts.inserted == 1  # ORDER; the replayed frames added nothing


def test_search_and_stream_give_one_post_and_a_stream_rerun_adds_nothing(empty_db):
    search(empty_db, "search_two_pages.yaml")
    with JetstreamReplay() as server:
        url = server.start(FRAMES)
        listen(empty_db, listener(url))
        posts, interactions = count(empty_db), count(empty_db, "interactions")

        summary = listen(empty_db, listener(url))

    assert query(empty_db, f"SELECT native_id FROM posts WHERE post_id = '{P1}'") == [
        (P1.removeprefix("bluesky:"),)
    ]
    assert posts == 5 + 4  # search's five, and the stream's repost, reply, sale and order
    # The stream's author rows name the handle only: the followers search found stay.
    assert query(
        empty_db, f"SELECT handle, followers FROM authors WHERE author_id = 'bluesky:{TRAIL}'"
    ) == [("trailpeak42.bsky.social", 1840)]
    # The rerun resumed from the stored cursor, rewound, and the replay added nothing.
    assert server.connections[1]["cursor"] == [str(LAST - 3_000_000)]
    assert summary.posts.inserted == 0
    assert (count(empty_db), count(empty_db, "interactions")) == (posts, interactions)


def test_stop_ends_a_quiet_stream_promptly():
    with JetstreamReplay() as server:
        collector = listener(server.start(FRAMES[:2]))
        stop = threading.Event()
        pages = collector.stream({}, stop)
        first = next(pages)
        assert first.cursor == str(at(1))
        threading.Timer(0.2, stop.set).start()
        started = time.monotonic()
        rest = list(pages)

    assert time.monotonic() - started < 1.0
    assert rest == []  # nothing new was read, so no page to store


def test_a_refused_connection_backs_off_exponentially_up_to_the_cap():
    url = f"ws://127.0.0.1:{closed_port()}/subscribe"
    collector = BlueskyCollector(["x"], RULES, jetstream=url, base_delay=0.01, max_delay=0.04)
    stop = threading.Event()
    errors = []
    for page in collector.stream({STREAM_KEY: str(LAST)}, stop):
        assert isinstance(page, Page) and page.payload is None
        errors.append(page.error)
        if len(errors) == 5:
            stop.set()

    delays = [line.split("reconnecting in ")[1].split(" s")[0] for line in errors]
    assert delays == ["0.01", "0.02", "0.04", "0.04", "0.04"]
    assert errors[0].startswith("bluesky jetstream: cannot connect (")
    assert errors[0].endswith(f"from cursor {LAST}")


def test_a_delete_of_a_post_never_stored_removes_nothing():
    rows = stream_to_rows(
        {
            "events": [
                {
                    "did": KEST,
                    "time_us": at(10),
                    "kind": "commit",
                    "commit": {
                        "rev": "r",
                        "operation": "delete",
                        "collection": "app.bsky.feed.post",
                        "rkey": "nope",
                    },
                }
            ]
        },
        FETCHED,
    )
    assert rows[DELETED]["post_id"].tolist() == [post(KEST, "nope")]


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
