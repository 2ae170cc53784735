"""Alerts on arrival: a burst pushed by the hub is scanned as it lands and its webhook alert
sent at once, without `pulse analyze`; one notification per episode however much more arrives."""

from __future__ import annotations

import time

import pytest

from bench.webhook_receiver import WebhookReceiver
from bench.websub_hub import LocalHub, moment, story
from socialpulse.config import EXAMPLE_CONFIG, AlertWebhook, Feed, load_settings
from socialpulse.live.listener import Listener
from socialpulse.warehouse import open_warehouse

pytestmark = pytest.mark.slow
SETTINGS = load_settings(EXAMPLE_CONFIG)
COMPLAINT = "Northwind jacket recall: the zipper broke, awful and dangerous, I am furious"


def wait_for(condition, timeout=30.0, every=0.05):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(every)


def stored(db, sql):
    with open_warehouse(db, wait_seconds=30) as con:
        return con.execute(sql).fetchall()


def test_a_pushed_burst_is_alerted_on_arrival_once_per_episode(tmp_path, empty_db):
    with WebhookReceiver() as webhook:
        hub = LocalHub(tmp_path).start()
        topic = hub.topic("trail-wire")
        alerts = SETTINGS.alerts.model_copy(
            update={"webhooks": [AlertWebhook(url=webhook.url, format="json")]}
        )
        settings = SETTINGS.model_copy(
            update={
                "alerts": alerts,
                "sources": SETTINGS.sources.model_copy(update={"feeds": [Feed(url=topic.url)]}),
                "listen": SETTINGS.listen.model_copy(update={"alert_every_seconds": 0}),
            }
        )
        listener = Listener(empty_db, settings, port=0).start()
        try:
            wait_for(lambda: topic.subscribers())
            # Three weeks of ordinary coverage, a story a day: the brand's baseline.
            topic.publish(*(story(n, moment(-60 * 24 * (21 - n))) for n in range(21)))
            wait_for(lambda: stored(empty_db, "SELECT count(*) FROM posts")[0][0] == 21)
            wait_for(lambda: listener.arrival.scans >= 1)
            assert stored(empty_db, "SELECT count(*) FROM alerts")[0][0] == 0

            burst = [story(100 + n, moment(30 + 2 * n), COMPLAINT + f" ({n})") for n in range(12)]
            topic.publish(*burst)
            assert webhook.arrived.wait(30), "no alert reached the webhook"
            ((_, alert),) = webhook.received
            assert (alert["brand"], alert["kind"]) == ("Northwind", "crisis")
            assert alert["observed"] >= 10

            more = [story(200 + n, moment(60 + n), COMPLAINT + f" [{n}]") for n in range(5)]
            topic.publish(*more)
            wait_for(lambda: stored(empty_db, "SELECT count(*) FROM posts")[0][0] == 38)
            scans = listener.arrival.scans
            wait_for(lambda: listener.arrival.scans > scans)
            time.sleep(0.5)
            assert len(webhook.received) == 1  # the episode grew; it was not notified again
            assert stored(empty_db, "SELECT count(*), max(observed) FROM alerts")[0][0] == 1
        finally:
            listener.stop()
            hub.stop()
