"""The WebSub callback: a WSGI app that hubs call to verify our intent and to deliver content.

- ``GET /websub/<token>``: the hub checks a subscribe or unsubscribe we asked for (answer its
  ``hub.challenge``), or tells us it denied one.
- ``POST /websub/<token>``: a content distribution. The signature is checked against the raw
  body before anything is parsed; a bad one is refused (403) with nothing written. A good one
  is parsed in a worker process (feedparser is the costly part of a push, and a process per core
parses deliveries side by side) into the RSS collector's rows, and the hub gets its 2xx only
after the commit:
  a delivery cut short by a crash is not acknowledged, so the hub delivers it again, and the
  upsert makes a repeated delivery add nothing.
- ``GET /health``: whether the process is up, for a load balancer.

Served by waitress: a pure-Python, production WSGI server with a thread pool, on every platform
and without a compiler; the callback's work is I/O and a wait on the writer, which threads do
well, and WSGI keeps the app a plain function that tests call in-process too.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from datetime import UTC, datetime

from werkzeug.wrappers import Request, Response

from collectors.base import Page
from collectors.rss import RssCollector
from collectors.websub import delivery_rows, signature_valid
from socialpulse.live.subscriptions import SubscriptionBook
from socialpulse.live.writer import IntakeWriter

log = logging.getLogger(__name__)
MAX_BODY_BYTES = 20 * 1024 * 1024


class WebSubEndpoint:
    """The callback app; ``answer_within`` bounds how long a hub waits for our commit."""

    def __init__(
        self,
        book: SubscriptionBook,
        writer: IntakeWriter,
        answer_within: float = 30.0,
        parse_workers: int | None = None,
    ) -> None:
        self.book = book
        self.writer = writer
        self.answer_within = answer_within
        # Spawned, not forked: this process runs threads (the server's, DuckDB's).
        self.parsers = ProcessPoolExecutor(
            parse_workers or os.cpu_count() or 1,
            mp_context=multiprocessing.get_context("spawn"),
        )
        self.collector = RssCollector([])
        self.deliveries = 0
        self.refused = 0

    def close(self) -> None:
        self.parsers.shutdown(cancel_futures=True)

    def __call__(self, environ, start_response):
        request = Request(environ)
        response = self.respond(request)
        return response(environ, start_response)

    def respond(self, request: Request) -> Response:
        if request.path == "/health":
            return Response("ok\n", 200)
        parts = request.path.strip("/").split("/")
        if len(parts) != 2 or parts[0] != "websub":
            return Response("not found\n", 404)
        if request.method == "GET":
            return self._verify(parts[1], request)
        if request.method == "POST":
            return self._deliver(parts[1], request)
        return Response("method not allowed\n", 405)

    def _verify(self, token: str, request: Request) -> Response:
        mode, topic = request.args.get("hub.mode", ""), request.args.get("hub.topic", "")
        if mode == "denied":
            self.book.denied(token, topic, request.args.get("hub.reason", "no reason given"))
            return Response("", 200)
        lease = request.args.get("hub.lease_seconds", "")
        lease_seconds = int(lease) if lease.isdigit() else None
        if mode in ("subscribe", "unsubscribe") and self.book.verify(
            token, mode, topic, lease_seconds
        ):
            challenge = request.args.get("hub.challenge", "")
            return Response(challenge, 200, content_type="text/plain")
        return Response("no such subscription request\n", 404)

    def _deliver(self, token: str, request: Request) -> Response:
        subscription = self.book.by_token(token)
        if subscription is None or subscription.state == "unsubscribing":
            return Response("gone\n", 410)  # tells the hub to stop delivering here
        if (request.content_length or 0) > MAX_BODY_BYTES:
            return Response("too large\n", 413)
        body = request.get_data(cache=False)
        feed = self.book.feed_of(subscription)
        signature = request.headers.get("X-Hub-Signature")
        if not signature_valid(self.book.secret(subscription), signature, body):
            self.refused += 1
            log.warning("websub %s: delivery refused: bad or missing signature", feed.url)
            return Response("bad signature\n", 403)
        received_at = datetime.now(UTC).replace(tzinfo=None)
        try:
            rows, error = self.parsers.submit(
                delivery_rows, feed, body, dict(request.headers), received_at
            ).result(timeout=self.answer_within)
        except Exception as error:
            log.warning("websub %s: delivery not read: %s", feed.url, str(error).splitlines()[0])
            return Response("not read, deliver again\n", 503)
        if error:
            log.warning(error)

        def count(con) -> None:
            con.execute(
                "UPDATE websub_subscriptions SET deliveries = deliveries + 1, last_delivery = ? "
                "WHERE topic = ?",
                [received_at, subscription.topic],
            )

        try:
            page = Page(feed.url, received_at)
            self.writer.submit_rows(self.collector, page, rows, then=count).result(
                timeout=self.answer_within
            )
        except FutureTimeout:
            return Response("not stored yet, deliver again\n", 503)
        except Exception as error:
            log.warning("websub %s: delivery not stored: %s", feed.url, str(error).splitlines()[0])
            return Response("not stored, deliver again\n", 503)
        self.deliveries += 1
        return Response("", 204)
