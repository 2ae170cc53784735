"""The RSS/Atom collector against a local feed host serving recorded feeds."""

from datetime import datetime

import pytest

from collectors.base import SKIPPED
from collectors.rss import RssCollector, canonical_url, feed_to_rows, html_to_text
from collectors.runner import run_collector
from socialpulse.brand_rules import BrandRule
from socialpulse.config import Feed, load_settings
from socialpulse.warehouse import open_warehouse
from tests.collectors.feed_server import FeedServer

RULES = [BrandRule.from_config(b) for b in load_settings().brands]


@pytest.fixture(scope="module")
def server():
    with FeedServer() as server:
        yield server


def collect(db, *urls, timeout=5.0):
    collector = RssCollector([Feed(url=u) for u in urls], timeout=timeout, retries=0)
    return run_collector(db, collector, RULES)


def query(db, sql):
    with open_warehouse(db, read_only=True) as con:
        return con.execute(sql).df()


def test_rss2_entries_become_posts_with_brands_dates_and_plain_text(server, empty_db):
    summary = collect(empty_db, server.url("feeds/rss20.xml"))
    assert (summary.status, summary.posts.inserted) == ("ok", 4)
    posts = query(empty_db, "SELECT * FROM posts ORDER BY created_at").set_index("url")
    recall = posts.loc["https://news.example.org/outdoor/northwind-recall"]  # utm_* removed
    assert recall["text"].startswith(
        "Northwind recalls Trailhead jackets after zipper failures"
        "\n\nCustomers report broken zippers on the Trailhead"
    )
    assert "<b>" not in recall["text"]
    assert recall["created_at"] == datetime(2026, 9, 15, 7, 30)  # 09:30 +02:00 in UTC
    assert recall["language"] == "en" and recall["author_id"] == "rss:news.example.org"
    undated = posts.loc["https://news.example.org/outdoor/northwind-interview"]
    assert bool(undated["created_at_estimated"]) is True
    matches = query(
        empty_db, "SELECT p.url, m.brand, m.rule FROM brand_matches m JOIN posts p USING (post_id)"
    )
    assert set(map(tuple, matches.to_numpy())) == {
        ("https://news.example.org/outdoor/northwind-recall", "Northwind", "keyword:Northwind"),
        ("https://news.example.org/outdoor/summitline-denver", "Summitline", "keyword:Summitline"),
        ("https://news.example.org/outdoor/northwind-interview", "Northwind", "keyword:Northwind"),
    }
    status = dict(query(empty_db, "SELECT url, match_status FROM posts").to_numpy())
    assert status["https://news.example.org/outdoor/cascades-trails"] == "unmatched"
    run = query(empty_db, "SELECT * FROM collection_runs").iloc[0]
    assert (run["source"], run["status"], run["items_inserted"]) == ("rss", "ok", 4)


@pytest.mark.parametrize(
    ("feed", "title", "brand"),
    [
        ("rss091.xml", "Kestrel Gear headlamp review: bright but heavy", "Kestrel Gear"),
        ("rss10.rdf", "Northwind Alpine boots win a design award", "Northwind"),
        ("atom10.xml", "Northwind responds to recall criticism", "Northwind"),
        ("atom03.xml", "Why we switched to Summitline tents", "Summitline"),
        ("latin1.xml", "Northwind ouvre une boutique à Lyon, café inclus", "Northwind"),
    ],
)
def test_every_dialect_and_encoding_loads(server, empty_db, feed, title, brand):
    summary = collect(empty_db, server.url(f"feeds/{feed}"))
    assert summary.status == "ok" and summary.posts.inserted == 1
    row = query(
        empty_db, "SELECT p.text, m.brand FROM posts p JOIN brand_matches m USING (post_id)"
    ).iloc[0]
    assert row["text"].split("\n\n")[0] == title
    assert row["brand"] == brand


def test_utf16_feed_reads_like_its_utf8_original(server, empty_db, tmp_path):
    collect(empty_db, server.url("feeds/utf16.xml"))
    other = tmp_path / "utf8.duckdb"
    collect(other, server.url("feeds/rss20.xml"))
    sql = (
        "SELECT text, CASE WHEN NOT created_at_estimated THEN created_at END AS created_at "
        "FROM posts ORDER BY text"
    )
    assert query(empty_db, sql).equals(query(other, sql))


def test_an_unchanged_feed_costs_one_304_and_inserts_nothing(server, empty_db):
    url = server.url("feeds/rss20.xml")
    collect(empty_db, url)
    before = len(server.requests)
    again = collect(empty_db, url)
    assert server.requests[before:] == [("/feeds/rss20.xml", 304)]
    assert again.posts.seen == 0 and again.status == "ok"
    assert query(empty_db, "SELECT count(*) AS n FROM posts")["n"][0] == 4


def test_a_rerun_without_validators_adds_no_rows(server, empty_db):
    url = server.url("feeds/rss20.xml")
    collect(empty_db, url)
    with open_warehouse(empty_db) as con:
        con.execute("DELETE FROM collector_state")  # forget the ETag: full download again
    counts = (
        "SELECT (SELECT count(*) FROM posts) p, (SELECT count(*) FROM brand_matches) m, "
        "(SELECT count(*) FROM post_channels) c"
    )
    before = query(empty_db, counts)
    again = collect(empty_db, url)
    assert again.posts.inserted == 0 and again.posts.updated == 4
    assert query(empty_db, counts).equals(before)


def test_a_story_in_several_feeds_is_stored_once_and_linked_to_each(server, empty_db):
    collect(empty_db, server.url("feeds/rss20.xml"), server.url("feeds/syndicated.xml"))
    assert query(empty_db, "SELECT count(*) AS n FROM posts")["n"][0] == 4
    carried = query(
        empty_db,
        """
        SELECT p.url, count(*) AS feeds FROM post_channels c JOIN posts p USING (post_id)
        GROUP BY ALL""",
    ).set_index("url")["feeds"]
    # Same canonical link in both feeds.
    assert carried["https://news.example.org/outdoor/northwind-recall"] == 2
    # Same text under another address within 48 hours.
    assert carried["https://news.example.org/outdoor/summitline-denver"] == 2


def test_ill_formed_feed_keeps_what_parsed_and_the_next_feed_still_loads(server, empty_db):
    bozo, good = server.url("feeds/bozo.xml"), server.url("feeds/rss091.xml")
    summary = collect(empty_db, bozo, good)
    assert summary.status == "partial"
    assert summary.posts.inserted >= 2  # at least the well-formed entry and the next feed
    texts = query(empty_db, "SELECT text FROM posts")["text"].tolist()
    assert any(t.startswith("Northwind & friends") for t in texts)
    assert any(t.startswith("Kestrel Gear headlamp") for t in texts)
    error = query(empty_db, "SELECT error FROM collection_runs")["error"][0]
    assert error.startswith(f"rss {bozo}: ill-formed feed") and "\n" not in error


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("status/500", "HTTP 500"),
        ("status/404", "HTTP 404"),
        ("slow/rss20.xml?delay=3", "no answer within 1 s"),
    ],
)
def test_a_failing_feed_is_one_line_and_the_others_load(server, empty_db, path, message):
    bad = server.url(path)
    summary = collect(empty_db, bad, server.url("feeds/atom10.xml"), timeout=1.0)
    assert summary.status == "partial" and summary.posts.inserted == 1
    assert summary.errors == [
        f"rss {bad}: {message}"
        + (
            " Internal Server Error"
            if "500" in message
            else " Not Found"
            if "404" in message
            else ""
        )
    ]


def test_canonical_url_drops_tracking_and_fragments():
    assert (
        canonical_url("HTTPS://News.Example.org/a/b/?utm_source=x&id=3#top")
        == "https://news.example.org/a/b?id=3"
    )
    assert canonical_url("not a url") is None


def test_html_to_text_keeps_words_and_entities():
    assert html_to_text("<p>Fish &amp; <b>chips</b></p>\n<p>again</p>") == "Fish & chips again"


def test_a_malformed_entry_is_skipped_and_the_rest_of_the_page_kept():
    from collectors.rss import feed_to_rows

    payload = {
        "url": "https://x.example/feed",
        "feed": {"title": "X"},
        "entries": [
            {"title": "Northwind is fine", "link": "https://x.example/1"},
            {"title": ["not", "a", "string"], "link": "https://x.example/2"},
            {"title": "Summitline too", "link": "https://x.example/3", "published_parsed": "bad"},
            {"title": "", "summary": ""},
        ],
    }
    rows = feed_to_rows(payload, datetime(2026, 11, 1))
    assert rows["posts"]["text"].tolist() == ["Northwind is fine"]


def test_an_entry_that_cannot_be_stored_is_listed_and_the_rest_kept():
    payload = {
        "url": "https://news.example.com/feed.xml",
        "feed": {"title": "Outdoor news"},
        "entries": [
            {"title": "Northwind opens in Lyon", "link": "https://news.example.com/a"},
            "not an entry",
        ],
    }
    rows = feed_to_rows(payload, datetime(2026, 3, 1, 9, 0))
    assert rows["posts"]["url"].tolist() == ["https://news.example.com/a"]
    assert rows[SKIPPED]["item"].tolist() == ["entry 2"]
