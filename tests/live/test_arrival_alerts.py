"""Alerts on arrival: a burst pushed by the hub is scanned as it lands and its webhook alert
sent at once, without `pulse analyze`; one notification per episode however much more arrives."""

from __future__ import annotations

import threading
import time
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from typer.testing import CliRunner

from bench.webhook_receiver import WebhookReceiver
from bench.websub_hub import LocalHub, moment, story
from socialpulse.cli import app
from socialpulse.config import EXAMPLE_CONFIG, AlertWebhook, Feed, load_settings
from socialpulse.live.listener import Listener
from socialpulse.warehouse import open_warehouse
from tests import waiting

pytestmark = pytest.mark.slow
SETTINGS = load_settings(EXAMPLE_CONFIG)
COMPLAINT = "Northwind jacket recall: the zipper broke, awful and dangerous, I am furious"


class FeedFile:
    """One feed served on 127.0.0.1, its body set by ``serve``."""

    def __init__(self) -> None:
        self.body = b""
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.end_headers()
                self.wfile.write(owner.body)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/feed.xml"

    def serve(self, body: bytes) -> None:
        self.body = body

    def __enter__(self) -> FeedFile:
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


wait_for = partial(waiting.wait_for, timeout=30.0, every=0.05)


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


def test_a_poll_that_brings_a_burst_alerts_without_pulse_analyze(tmp_path, empty_db):
    """`pulse collect` scans what it brought too: the crisis is not left to `pulse analyze`."""
    from bench.websub_hub import rss
    from tests.live.test_one_writer import config_file

    with WebhookReceiver() as webhook, FeedFile() as feed:
        config = config_file(tmp_path, feed.url, 0)
        config.write_text(
            config.read_text() + f'\n[[alerts.webhooks]]\nurl = "{webhook.url}"\nformat = "json"\n'
        )
        baseline = [story(n, moment(-60 * 24 * (21 - n))) for n in range(21)]
        burst = [story(100 + n, moment(30 + 2 * n), COMPLAINT + f" ({n})") for n in range(12)]
        feed.serve(rss([*burst, *baseline]))
        result = CliRunner(env={"SOCIALPULSE_CONFIG": str(config)}).invoke(
            app, ["--db", str(empty_db), "collect", "rss", feed.url]
        )
        assert result.exit_code == 0, result.output
        assert webhook.arrived.wait(10), result.output
    assert "1 new alert(s) sent" in result.output
    ((_, alert),) = webhook.received
    assert (alert["brand"], alert["kind"]) == ("Northwind", "crisis")
