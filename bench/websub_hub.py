"""A real WebSub hub on 127.0.0.1 with a publisher beside it: the subscriber's tests and the
alert-latency benchmark push through it.

The hub is flask-websub's ``Hub`` (intent verification, leases, signed content distribution,
retries with backoff) with its Celery tasks run by a worker thread over an in-memory broker, as
in production but in one process. The publisher is a feed on the same server whose ``Link``
header names the hub and the topic; ``publish`` changes the feed and pings the hub, which fetches
it and delivers it to every subscriber.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import requests
from celery import Celery
from celery.contrib.testing.worker import start_worker
from flask import Flask, Response
from flask_websub.hub import Hub, SQLite3HubStorage
from werkzeug.serving import make_server


def rss(items: list[dict], title: str = "Trail Wire") -> bytes:
    """An RSS 2.0 feed of ``items`` (title, link, text, published)."""
    entries = "".join(
        f"<item><title>{item['title']}</title><link>{item['link']}</link>"
        f"<guid>{item['link']}</guid><pubDate>{format_datetime(item['published'])}</pubDate>"
        f"<description>{item['text']}</description></item>"
        for item in items
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>{title}</title><link>https://trailwire.example/</link>{entries}</channel></rss>"
    ).encode()


def story(number: int, published: datetime, text: str | None = None) -> dict:
    return {
        "title": f"Northwind trail report {number}",
        "link": f"https://trailwire.example/stories/{number}",
        "text": text or f"Northwind jackets on the trail, part {number}.",
        "published": published,
    }


class Topic:
    """One feed the publisher serves: its stories, its address, and the hub's view of it."""

    def __init__(self, hub: LocalHub, name: str) -> None:
        self.hub, self.items = hub, []
        self.url = f"{hub.base}/feeds/{name}.xml"

    def publish(self, *items: dict) -> None:
        """Add stories to the feed and ping the hub (WebSub's publish, as flask-websub has it)."""
        self.items = [*items, *self.items]
        answer = requests.post(
            self.hub.hub_url, data={"hub.mode": "publish", "hub.topic": self.url}, timeout=10
        )
        answer.raise_for_status()

    def subscribers(self) -> list[tuple[str, str]]:
        """(callback, secret) of every live subscription to the topic, as the hub stores them."""
        return [tuple(row) for row in self.hub.hub.storage.get_callbacks(self.url)]


class LocalHub:
    """The hub at ``hub_url`` and the publisher's feeds (``topic(name)``); ``start``/``stop``."""

    def __init__(self, workdir: Path, min_lease_seconds: int = 1, algorithm: str = "sha256"):
        self.topics: dict[str, Topic] = {}
        self.app = Flask("local_hub")
        self.app.config.update(PUBLISH_SUPPORTED=True, HUB_MIN_LEASE_SECONDS=min_lease_seconds)
        self.celery = Celery("local_hub", broker="memory://", backend="cache+memory://")
        self.celery.conf.broker_transport_options = {"polling_interval": 0.02}
        self.hub = Hub(
            SQLite3HubStorage(str(workdir / "hub.sqlite3")),
            self.celery,
            SIGNATURE_ALGORITHM=algorithm,
            BACKOFF_BASE=0.2,
            MAX_ATTEMPTS=30,
            REQUEST_TIMEOUT=10,
        )
        self.app.register_blueprint(self.hub.build_blueprint(url_prefix="/hub"))
        self.app.add_url_rule("/feeds/<name>.xml", "feed", self._feed)
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        self.hub_url = f"{self.base}/hub"

    def topic(self, name: str) -> Topic:
        return self.topics.setdefault(name, Topic(self, name))

    def _feed(self, name: str) -> Response:
        topic = self.topic(name)
        links = f'<{self.hub_url}>; rel="hub", <{topic.url}>; rel="self"'
        return Response(
            rss(topic.items), content_type="application/rss+xml", headers={"Link": links}
        )

    def start(self) -> LocalHub:
        self._worker = start_worker(self.celery, perform_ping_check=False, pool="threads")
        self._worker.__enter__()
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self._worker.__exit__(None, None, None)


def moment(minutes: int) -> datetime:
    """A fixed story time, never today's: tests do not depend on the day they run."""
    return datetime(2026, 9, 15, 8, 0, tzinfo=UTC) + timedelta(minutes=minutes)
