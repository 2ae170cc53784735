"""The X collector through the real tweepy client, replaying hand-written vcrpy cassettes.

The cassettes under ``tests/fixtures/cassettes/x`` follow the X API v2 reference shapes (no real
traffic was recorded, no secret is in them). Requests match on the full query string, so a
cassette also checks what tweepy sent: the fields, ``next_token`` and ``since_id``.
"""

from __future__ import annotations

import copy
import json
import time
from datetime import datetime
from pathlib import Path

import pytest
import requests
import vcr
import yaml
from requests.adapters import HTTPAdapter

from collectors.base import SKIPPED, MissingCredentialsError, Page
from collectors.registry import COLLECTORS
from collectors.runner import run_collector
from collectors.twitter import NOT_ENROLLED, UNAUTHORIZED, XCollector, build_x
from socialpulse.brand_rules import BrandRule
from socialpulse.config import EXAMPLE_CONFIG, load_settings
from socialpulse.warehouse import open_warehouse
from socialpulse.warehouse.cursors import save_cursor

CASSETTES = Path(__file__).resolve().parents[1] / "fixtures" / "cassettes" / "x"
REPLAY = vcr.VCR(
    record_mode="none",
    filter_headers=["authorization"],
    decode_compressed_response=True,
    cassette_library_dir=str(CASSETTES),
)
SETTINGS = load_settings(EXAMPLE_CONFIG)
RULES = [BrandRule.from_config(brand) for brand in SETTINGS.brands]
NORTHWIND, COMPETITORS = SETTINGS.sources.x_queries
RESET = 1748944800  # x-rate-limit-reset in the 429 cassette: 2025-06-03 10:00 UTC

# The tweets of search_two_pages.yaml, newest first.
RETWEET, REPLY, QUOTE = "x:1929835812617916420", "x:1929814065149800450", "x:1929795874455658501"
GEO_PLACE, UNMATCHED = "x:1929606484850192385", "x:1929570111847223299"
GEO_POINT, FRENCH = "x:1929783312514154502", "x:1929656279626985474"
ORIGINAL, QUOTED = "x:1929553590483566337", "x:1929135871358673409"


@pytest.fixture(autouse=True)
def token(monkeypatch):
    monkeypatch.setenv("X_BEARER_TOKEN", "test-token")


@pytest.fixture
def sleeps(monkeypatch) -> list[float]:
    """Waits the collector asked for, without waiting."""
    asked: list[float] = []
    monkeypatch.setattr(time, "sleep", asked.append)
    return asked


def query(db: Path, sql: str) -> list[tuple]:
    with open_warehouse(db) as con:
        return con.execute(sql).fetchall()


def count(db: Path, table: str) -> int:
    return query(db, f"SELECT count(*) FROM {table}")[0][0]


def collect(db: Path, cassette: str, collector: XCollector | None = None, **options):
    with REPLAY.use_cassette(cassette, **options) as replayed:
        summary = run_collector(db, collector or build_x(SETTINGS), RULES)
    return summary, replayed


def last_run(db: Path) -> tuple:
    return query(
        db,
        "SELECT status, items_seen, items_inserted, error FROM collection_runs "
        "ORDER BY run_id DESC LIMIT 1",
    )[0]


def cassette_body(name: str, index: int) -> dict:
    text = (CASSETTES / name).read_text(encoding="utf-8")
    return json.loads(yaml.safe_load(text)["interactions"][index]["response"]["body"]["string"])


def test_the_factory_is_registered_as_x():
    assert COLLECTORS["x"] is build_x
    assert build_x(SETTINGS).queries == [NORTHWIND, COMPETITORS]


def test_two_pages_load_posts_kinds_authors_and_geo(empty_db):
    summary, replayed = collect(empty_db, "search_two_pages.yaml")

    assert replayed.all_played  # page 2 was asked for with the next_token of page 1
    assert (summary.status, summary.posts.inserted, summary.errors) == ("ok", 7, [])
    assert query(
        empty_db,
        "SELECT post_id, kind, parent_id, thread_id, author_id, language, url "
        "FROM posts ORDER BY created_at DESC",
    ) == [
        (
            RETWEET,
            "share",
            ORIGINAL,
            RETWEET,
            "x:trailpeak42",
            "en",
            "https://x.com/trailpeak42/status/1929835812617916420",
        ),
        (
            REPLY,
            "reply",
            ORIGINAL,
            ORIGINAL,
            "x:alpinefern7",
            "en",
            "https://x.com/alpinefern7/status/1929814065149800450",
        ),
        (
            QUOTE,
            "post",
            QUOTED,
            QUOTE,
            "x:mossridge",
            "en",
            "https://x.com/mossridge/status/1929795874455658501",
        ),
        (
            GEO_POINT,
            "post",
            None,
            GEO_POINT,
            "x:cloudpine5",
            "en",
            "https://x.com/cloudpine5/status/1929783312514154502",
        ),
        (
            FRENCH,
            "post",
            None,
            FRENCH,
            "x:lacfougere",
            "fr",
            "https://x.com/lacfougere/status/1929656279626985474",
        ),
        (
            GEO_PLACE,
            "post",
            None,
            GEO_PLACE,
            "x:canyonlake3",
            "en",
            "https://x.com/canyonlake3/status/1929606484850192385",
        ),
        (
            UNMATCHED,
            "post",
            None,
            UNMATCHED,
            "x:riverstone88",
            "en",
            "https://x.com/riverstone88/status/1929570111847223299",
        ),
    ]
    assert query(
        empty_db,
        f"SELECT platform, native_id, channel_id, created_at, text, "
        f"collected_at IS NOT NULL FROM posts WHERE post_id = '{REPLY}'",
    ) == [
        (
            "x",
            "1929814065149800450",
            "x:public",
            datetime(2025, 6, 3, 8, 15, 2),
            "@northwind Mine arrived with a cracked pole on day two. Support hasn't answered in "
            "a week.",
            True,
        )
    ]
    raw = json.loads(query(empty_db, f"SELECT raw FROM posts WHERE post_id = '{REPLY}'")[0][0])
    assert raw == cassette_body("search_two_pages.yaml", 0)["data"][1]
    # Only the authors of loaded tweets; the retweeted and quoted authors are not posts here.
    assert query(
        empty_db,
        "SELECT author_id, handle, followers, platform, scope FROM authors ORDER BY author_id",
    ) == [
        ("x:alpinefern7", "alpinefern7", 143, "x", "external"),
        ("x:canyonlake3", "canyonlake3", 2045, "x", "external"),
        ("x:cloudpine5", "cloudpine5", 431, "x", "external"),
        ("x:lacfougere", "lacfougere", 1208, "x", "external"),
        ("x:mossridge", "mossridge", 15230, "x", "external"),
        ("x:riverstone88", "riverstone88", 97, "x", "external"),
        ("x:trailpeak42", "trailpeak42", 812, "x", "external"),
    ]
    located = query(
        empty_db,
        "SELECT post_id, country, city, lat, lon FROM posts WHERE lat IS NOT NULL ORDER BY post_id",
    )
    assert [row[:3] for row in located] == [
        (GEO_PLACE, "US", "Denver"),
        (GEO_POINT, "CA", "Vancouver"),
    ]
    # Denver has only its place: the middle of its bounding box. The Vancouver tweet has a point.
    assert located[0][3:] == pytest.approx((39.713563, -104.9220935))
    assert located[1][3:] == pytest.approx((49.2827, -123.1207))
    assert count(empty_db, "posts WHERE country IS NULL AND lat IS NULL") == 5
    assert query(empty_db, "SELECT * FROM channels") == [
        (
            "x:public",
            "x",
            "external",
            "X",
            None,
            None,
            "public",
            None,
            "listening",
            None,
            "https://x.com",
        )
    ]
    assert count(empty_db, "post_channels WHERE channel_id = 'x:public'") == 7


def test_brand_matches_and_the_unmatched_mention(empty_db):
    collect(empty_db, "search_two_pages.yaml")

    assert query(
        empty_db, "SELECT post_id, brand, is_competitor, rule FROM brand_matches ORDER BY post_id"
    ) == [
        (GEO_PLACE, "Northwind", False, "keyword:Northwind"),
        (FRENCH, "Summitline", True, "keyword:Summitline"),
        (GEO_POINT, "Kestrel Gear", True, "phrase:Kestrel Gear"),
        (QUOTE, "Northwind", False, "keyword:Northwind"),
        (REPLY, "Northwind", False, "keyword:Northwind"),
        (RETWEET, "Northwind", False, "keyword:Northwind"),
    ]
    # "Northwind Airlines" is the brand's exclusion: fetched by the query, kept, not matched.
    assert query(empty_db, "SELECT post_id FROM posts WHERE match_status = 'unmatched'") == [
        (UNMATCHED,)
    ]
    assert count(empty_db, "posts WHERE match_status = 'matched'") == 6


def test_snapshots_record_the_public_metrics_at_fetch_time(empty_db):
    collect(empty_db, "search_two_pages.yaml")

    assert query(
        empty_db,
        "SELECT post_id, likes, shares, replies, quotes, views, "
        "author_followers FROM engagement_snapshots ORDER BY post_id",
    ) == [
        (UNMATCHED, 2, 0, 0, 0, 88, 97),
        (GEO_PLACE, 21, 2, 1, 0, 1733, 2045),
        (FRENCH, 9, 0, 4, 1, 1310, 1208),
        (GEO_POINT, 17, 3, 2, 0, 902, 431),
        (QUOTE, 58, 6, 3, 1, 4120, 15230),
        (REPLY, 4, 1, 2, 0, 389, 143),
        (RETWEET, 0, 37, 0, 0, 0, 812),
    ]
    assert (
        count(
            empty_db,
            "engagement_snapshots s JOIN posts p USING (post_id) WHERE s.taken_at = p.collected_at",
        )
        == 7
    )


def test_the_cursor_is_the_newest_id_of_each_query(empty_db):
    collect(empty_db, "search_two_pages.yaml")

    assert query(
        empty_db, "SELECT key, cursor FROM collector_state WHERE collector = 'x' ORDER BY key"
    ) == [(NORTHWIND, RETWEET.removeprefix("x:")), (COMPETITORS, GEO_POINT.removeprefix("x:"))]


def test_the_next_run_sends_since_id_and_adds_nothing(empty_db):
    collect(empty_db, "search_two_pages.yaml")
    summary, replayed = collect(empty_db, "search_since_newest.yaml")

    assert replayed.all_played
    assert [dict(request.query)["since_id"] for request in replayed.requests] == [
        RETWEET.removeprefix("x:"),
        GEO_POINT.removeprefix("x:"),
    ]
    assert (summary.status, summary.posts.seen, summary.snapshots.inserted) == ("ok", 0, 0)
    assert (count(empty_db, "posts"), count(empty_db, "engagement_snapshots")) == (7, 7)
    assert last_run(empty_db) == ("ok", 0, 0, None)


def test_the_same_traffic_twice_adds_no_rows(empty_db):
    tables = (
        "posts",
        "authors",
        "engagement_snapshots",
        "brand_matches",
        "post_channels",
        "channels",
    )
    with REPLAY.use_cassette("search_two_pages.yaml", allow_playback_repeats=True):
        run_collector(empty_db, build_x(SETTINGS), RULES)
        before = {table: count(empty_db, table) for table in tables}
        with open_warehouse(empty_db) as con:
            con.execute("DELETE FROM collector_state")  # a fresh cursor: the same tweets again
        again = run_collector(empty_db, build_x(SETTINGS), RULES)

    assert {table: count(empty_db, table) for table in tables} == before
    assert (again.posts.seen, again.posts.inserted, again.snapshots.inserted) == (7, 0, 0)


def test_a_missing_token_stops_the_run_with_one_line(empty_db, monkeypatch):
    monkeypatch.delenv("X_BEARER_TOKEN")

    with pytest.raises(MissingCredentialsError) as raised:
        run_collector(empty_db, build_x(SETTINGS), RULES)

    assert str(raised.value) == "x: skipped, set X_BEARER_TOKEN in the environment or .env"


@pytest.mark.parametrize(
    ("cassette", "line"),
    [
        ("search_401.yaml", "x: bearer token rejected (401 Unauthorized): check X_BEARER_TOKEN"),
        (
            "search_403_not_enrolled.yaml",
            "x: recent search is not available to this account "
            "(403 client-not-enrolled): it needs a paid X API tier",
        ),
    ],
)
def test_an_account_error_is_one_line_on_the_run(empty_db, cassette, line):
    summary, replayed = collect(empty_db, cassette)

    assert line in (UNAUTHORIZED, NOT_ENROLLED)
    assert replayed.all_played  # the second query is not sent: it would fail the same way
    assert summary.errors == [line]
    assert last_run(empty_db) == ("partial", 0, 0, line)
    assert (count(empty_db, "posts"), count(empty_db, "collector_state")) == (0, 0)


def test_a_rate_limit_is_waited_out_then_the_page_loads(empty_db, monkeypatch, sleeps, caplog):
    monkeypatch.setattr(time, "time", lambda: RESET - 30.0)

    summary, replayed = collect(empty_db, "search_429_then_200.yaml")

    assert replayed.all_played
    assert sleeps == [31]
    assert "x: rate limited, waiting 31 s" in caplog.text
    assert (summary.status, summary.posts.inserted) == ("ok", 2)
    assert query(empty_db, "SELECT post_id FROM posts ORDER BY post_id") == [
        (UNMATCHED,),
        (GEO_PLACE,),
    ]


def test_a_rate_limit_far_away_is_not_waited_for(empty_db, monkeypatch, sleeps):
    monkeypatch.setattr(time, "time", lambda: RESET - 3600.0)

    summary, _ = collect(empty_db, "search_429_then_200.yaml")

    assert sleeps == []
    assert summary.errors == [
        f"x: rate limited for search {NORTHWIND!r} until 10:00 UTC "
        "(429 Too Many Requests): run again later"
    ]
    assert last_run(empty_db)[0] == "partial"


def test_a_server_error_is_retried_with_backoff(empty_db, sleeps):
    summary, replayed = collect(empty_db, "search_503_then_200.yaml")

    assert replayed.all_played
    assert sleeps == [2.0]
    assert (summary.status, summary.posts.inserted) == ("ok", 2)


def test_a_dropped_connection_is_retried_with_backoff(empty_db, monkeypatch, sleeps):
    send = HTTPAdapter.send
    failures = [requests.ConnectionError("('Connection aborted.', RemoteDisconnected())")]

    def flaky_send(adapter, request, **kwargs):
        if failures:
            raise failures.pop()
        return send(adapter, request, **kwargs)

    monkeypatch.setattr(HTTPAdapter, "send", flaky_send)
    summary, replayed = collect(empty_db, "search_two_pages.yaml")

    assert replayed.all_played
    assert sleeps == [2.0]
    assert (summary.status, summary.posts.inserted) == ("ok", 7)


def test_a_cursor_older_than_the_search_window_is_dropped(empty_db, caplog):
    with open_warehouse(empty_db) as con:
        save_cursor(con, "x", NORTHWIND, "1912345678901234567")

    summary, replayed = collect(empty_db, "search_stale_cursor.yaml")

    assert replayed.all_played
    assert "older than the 7-day search window" in caplog.text
    assert (summary.status, summary.posts.inserted) == ("ok", 2)
    assert query(empty_db, f"SELECT cursor FROM collector_state WHERE key = '{NORTHWIND}'") == [
        (GEO_PLACE.removeprefix("x:"),)
    ]


def test_max_pages_bounds_a_run_and_moves_the_cursor(empty_db, caplog):
    collector = XCollector(SETTINGS.sources.x_queries, max_pages=1)

    summary, _ = collect(empty_db, "search_two_pages.yaml", collector)

    assert summary.posts.inserted == 5  # page 1 of the first query, the second query
    assert "after 1 pages (max_pages)" in caplog.text
    assert query(empty_db, f"SELECT cursor FROM collector_state WHERE key = '{NORTHWIND}'") == [
        (RETWEET.removeprefix("x:"),)
    ]


def test_a_tweet_without_created_at_takes_its_time_from_its_id():
    payload = cassette_body("search_two_pages.yaml", 0)
    stripped = copy.deepcopy(payload)
    for tweet in stripped["data"]:
        del tweet["created_at"]
    page = Page(NORTHWIND, datetime(2025, 6, 3, 9, 45, 1), payload=payload)
    bare = Page(NORTHWIND, datetime(2025, 6, 3, 9, 45, 1), payload=stripped)

    full, derived = build_x(SETTINGS).to_rows(page), build_x(SETTINGS).to_rows(bare)

    # The hand-written tweets' created_at agree with their snowflake ids to the second.
    assert derived["posts"]["created_at"].tolist() == full["posts"]["created_at"].tolist()
    assert derived["posts"]["created_at"].iloc[0] == datetime(2025, 6, 3, 9, 41, 27)
    assert SKIPPED not in derived


def test_a_malformed_tweet_is_skipped_listed_and_the_rest_kept():
    payload = cassette_body("search_two_pages.yaml", 0)
    broken = copy.deepcopy(payload)
    broken["data"][1]["text"] = None
    page = Page(NORTHWIND, datetime(2025, 6, 3, 9, 45, 1), payload=broken)

    rows = build_x(SETTINGS).to_rows(page)

    assert list(rows["posts"]["post_id"]) == [RETWEET, QUOTE]
    assert list(rows["engagement_snapshots"]["post_id"]) == [RETWEET, QUOTE]
    assert rows[SKIPPED].to_dict("records") == [
        {"item": "tweet 1929814065149800450", "reason": "text is not a string"}
    ]


def test_to_rows_is_pure(monkeypatch):
    payload = cassette_body("search_two_pages.yaml", 1)
    page = Page(NORTHWIND, datetime(2025, 6, 3, 9, 45, 2), payload=payload)
    collector = build_x(SETTINGS)
    monkeypatch.delenv("X_BEARER_TOKEN")  # no credentials, and so no network, needed

    first, second = collector.to_rows(page), collector.to_rows(page)

    assert payload == cassette_body("search_two_pages.yaml", 1)
    assert first.keys() == second.keys()
    for table in first:
        assert first[table].equals(second[table]), table
    assert set(first["posts"]["collected_at"]) == {datetime(2025, 6, 3, 9, 45, 2)}


def test_a_default_fields_search_stores_every_tweet_with_its_time(empty_db):
    summary, replayed = collect(empty_db, "search_default_fields.yaml")

    assert replayed.all_played
    assert (summary.status, summary.posts.inserted, summary.errors) == ("ok", 3, [])
    assert query(empty_db, "SELECT post_id, created_at, author_id FROM posts ORDER BY 1") == [
        # The snowflakes' times: the created_at search_two_pages.yaml gives the same ids.
        (QUOTE, datetime(2025, 6, 3, 7, 2, 45), None),
        (REPLY, datetime(2025, 6, 3, 8, 15, 2), None),
        (RETWEET, datetime(2025, 6, 3, 9, 41, 27), None),
    ]
    assert query(empty_db, f"SELECT cursor FROM collector_state WHERE key = '{NORTHWIND}'") == [
        (RETWEET.removeprefix("x:"),)
    ]


def test_a_page_of_rejected_tweets_is_said_and_leaves_the_cursor(empty_db):
    summary, _ = collect(empty_db, "search_all_rejected.yaml")

    assert (summary.status, summary.posts.inserted) == ("partial", 0)
    assert summary.errors == [
        f"x {NORTHWIND}: skipped 2 item(s) it could not store "
        "(first: tweet 1929835812617916420: text is not a string)"
    ]
    assert last_run(empty_db)[0] == "partial"
    # No cursor for the query: the next run asks for the same tweets again.
    assert query(empty_db, f"SELECT count(*) FROM collector_state WHERE key = '{NORTHWIND}'") == [
        (0,)
    ]
