"""`pulse listen`'s WebSub subscriber against a real hub (flask-websub's) on 127.0.0.1: subscribe,
verify, deliver, renew, unsubscribe; a bad signature refused with nothing written; a replayed
delivery adding nothing; a story seen by poll and by push being one post."""

from __future__ import annotations

import hashlib
import hmac
import time
from functools import partial

import pytest
import requests

from bench.websub_hub import LocalHub, moment, rss, story
from collectors.rss import RssCollector
from collectors.runner import run_collector
from socialpulse.brand_rules import BrandRule
from socialpulse.cli.warehouse import warehouse_status
from socialpulse.config import EXAMPLE_CONFIG, Feed, load_settings
from socialpulse.live.listener import Listener
from socialpulse.warehouse import open_warehouse
from tests import waiting

SETTINGS = load_settings(EXAMPLE_CONFIG)
RULES = [BrandRule.from_config(brand) for brand in SETTINGS.brands]
pytestmark = pytest.mark.slow


def settings_for(feeds: list[Feed], lease_seconds: int = 600, renew_margin: float = 0.2):
    sources = SETTINGS.sources.model_copy(update={"feeds": feeds})
    listen = SETTINGS.listen.model_copy(
        update={"lease_seconds": lease_seconds, "renew_margin": renew_margin}
    )
    return SETTINGS.model_copy(update={"sources": sources, "listen": listen})


wait_for = partial(waiting.wait_for, timeout=20.0, every=0.05)


def query(db, sql, params=()):
    with open_warehouse(db, wait_seconds=30) as con:
        return con.execute(sql, list(params)).fetchall()


@pytest.fixture(scope="module")
def local_hub(tmp_path_factory):
    local = LocalHub(tmp_path_factory.mktemp("hub")).start()
    yield local
    local.stop()


@pytest.fixture
def hub(local_hub, request):
    """This test's own topic on the shared hub."""
    return local_hub.topic(request.node.name.replace("[", "-").rstrip("]"))


@pytest.fixture
def listening(hub, empty_db):
    """A listener subscribed to the test's topic: (listener, its callback address)."""
    listener = Listener(
        empty_db, settings_for([Feed(url=hub.url, name="Trail Wire")]), port=0
    ).start()
    wait_for(lambda: hub.subscribers())
    callback = hub.subscribers()[0][0]
    yield listener, callback
    listener.stop()


def signed(body: bytes, secret: str, method: str = "sha256") -> dict:
    digest = hmac.new(secret.encode(), body, getattr(hashlib, method)).hexdigest()
    return {"X-Hub-Signature": f"{method}={digest}", "Content-Type": "application/rss+xml"}


def test_subscribing_is_verified_and_a_published_burst_lands_with_its_brands(listening, hub):
    listener, callback = listening
    (row,) = query(
        listener.db, "SELECT state, hub, lease_seconds, callback FROM websub_subscriptions"
    )
    assert row == ("active", hub.hub.hub_url, 600, callback)
    assert hub.subscribers()[0][1] == listener.book.secret(listener.book.all()[0])

    hub.publish(*(story(n, moment(n)) for n in range(1, 21)))
    wait_for(lambda: query(listener.db, "SELECT count(*) FROM posts")[0][0] == 20)
    assert query(listener.db, "SELECT DISTINCT channel_id FROM posts") == [(f"rss:{hub.url}",)]
    brands = query(listener.db, "SELECT brand, count(*) FROM brand_matches GROUP BY brand")
    assert brands == [("Northwind", 20)]
    (deliveries,) = query(listener.db, "SELECT deliveries FROM websub_subscriptions")[0]
    assert deliveries >= 1
    listener.stop()  # `pulse status` reads the file the listener no longer holds
    (lease,) = warehouse_status(listener.db)["websub"]
    assert (lease["feed_url"], lease["state"], lease["deliveries"]) == (
        hub.url,
        "active",
        deliveries,
    )


def test_a_bad_signature_is_refused_and_writes_nothing(listening):
    listener, callback = listening
    body = rss([story(99, moment(99))])
    forged = requests.post(callback, data=body, headers=signed(body, "not-the-secret"), timeout=10)
    unsigned = requests.post(callback, data=body, timeout=10)
    assert (forged.status_code, unsigned.status_code) == (403, 403)
    assert query(listener.db, "SELECT count(*) FROM posts")[0][0] == 0
    assert query(listener.db, "SELECT deliveries FROM websub_subscriptions")[0][0] == 0


@pytest.mark.parametrize("method", ["sha1", "sha256", "sha512"])
def test_a_replayed_delivery_adds_nothing(listening, method):
    listener, callback = listening
    secret = listener.book.secret(listener.book.all()[0])
    body = rss([story(n, moment(n)) for n in (1, 2, 3)])
    answers = [
        requests.post(callback, data=body, headers=signed(body, secret, method), timeout=10)
        for _ in range(3)
    ]
    assert [a.status_code for a in answers] == [204, 204, 204]
    assert query(listener.db, "SELECT count(*), count(DISTINCT native_id) FROM posts") == [(3, 3)]
    assert query(listener.db, "SELECT deliveries FROM websub_subscriptions")[0][0] == 3


def test_a_story_seen_by_poll_and_by_push_is_one_post(listening, hub):
    listener, _ = listening
    hub.items = [story(7, moment(7))]
    summary = run_collector(listener.db, RssCollector([Feed(url=hub.url)]), RULES)
    assert summary.posts.inserted == 1
    hub.publish(story(8, moment(8)))  # the delivery repeats story 7 beside the new one
    wait_for(lambda: query(listener.db, "SELECT count(*) FROM posts")[0][0] == 2)
    time.sleep(0.5)
    assert query(listener.db, "SELECT count(*) FROM posts")[0][0] == 2
    assert query(listener.db, "SELECT count(*) FROM brand_matches")[0][0] == 2


def test_a_verification_we_did_not_ask_for_is_refused(listening):
    _, callback = listening
    answer = requests.get(
        callback,
        params={
            "hub.mode": "subscribe",
            "hub.topic": "https://elsewhere.example/feed",
            "hub.challenge": "x",
        },
        timeout=10,
    )
    assert answer.status_code == 404
    unknown = requests.get(callback.rsplit("/", 1)[0] + "/0000", timeout=10)
    assert unknown.status_code == 404


def test_a_lease_is_renewed_before_it_runs_out(hub, empty_db):
    settings = settings_for([Feed(url=hub.url)], lease_seconds=3, renew_margin=0.5)
    listener = Listener(empty_db, settings, port=0, sync_every_seconds=0.2).start()
    try:
        wait_for(lambda: listener.book.all() and listener.book.all()[0].state == "active")
        first = listener.book.all()[0].verified_at
        wait_for(lambda: listener.book.all()[0].verified_at > first, timeout=10)
        time.sleep(3.5)  # past the first lease: only a renewal keeps the hub delivering
        assert hub.subscribers(), "the hub dropped the subscription: it was not renewed"
        hub.publish(story(1, moment(1)))
        wait_for(lambda: query(empty_db, "SELECT count(*) FROM posts")[0][0] == 1)
    finally:
        listener.stop()


def test_a_feed_removed_from_the_configuration_is_unsubscribed(hub, empty_db):
    first = Listener(empty_db, settings_for([Feed(url=hub.url)]), port=0).start()
    wait_for(lambda: hub.subscribers())
    first.stop()
    second = Listener(empty_db, settings_for([]), port=first.server.effective_port).start()
    try:
        wait_for(lambda: not hub.subscribers())
        wait_for(lambda: not query(empty_db, "SELECT * FROM websub_subscriptions"))
    finally:
        second.stop()


def test_a_feed_without_a_hub_stays_polled(tmp_path, empty_db):
    from tests.collectors.feed_server import FeedServer

    with FeedServer() as server:
        feed = Feed(url=server.url("feeds/rss20.xml"))
        listener = Listener(empty_db, settings_for([feed]), port=0).start()
        try:
            wait_for(lambda: listener.problems)
        finally:
            listener.stop()
    assert listener.problems == [f"websub {feed.url}: names no hub, so it stays polled"]
    assert query(empty_db, "SELECT count(*) FROM websub_subscriptions")[0][0] == 0
