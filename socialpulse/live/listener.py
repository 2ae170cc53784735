"""`pulse listen`: push and streams into the warehouse as posts are written, alerts on arrival.

One process runs the WebSub callback (waitress), a thread per stream (Bluesky's Jetstream,
Mastodon's streaming API), the subscription keeper (subscribe, renew, unsubscribe) and the one
intake writer they all queue to. The writer takes short turns on the warehouse, so `pulse
collect --every`, `pulse analyze` and the dashboard keep working beside it (see
``socialpulse.live.writer``).
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path

from waitress import wasyncore
from waitress.server import create_server

from collectors.base import StreamingCollector
from socialpulse.brand_rules import BrandRule
from socialpulse.config import Settings
from socialpulse.live.arrival import ArrivalScan
from socialpulse.live.subscriptions import SubscriptionBook
from socialpulse.live.websub_endpoint import WebSubEndpoint
from socialpulse.live.writer import IntakeWriter
from socialpulse.privacy import load_key
from socialpulse.warehouse.cursors import read_cursors

log = logging.getLogger(__name__)
MAX_QUEUED_PAGES = 200  # a stream waits for the writer beyond this many uncommitted pages
RESTART_SECONDS = 2.0  # the wait before a stream resumes after a page was not committed
# Deliveries answered at once: each mostly waits (on a parser, then on the commit), so many
# in flight keep the parsers and the writer busy; the writer commits them together.
CALLBACK_THREADS = 32


@dataclass
class Listener:
    """``start()`` it, ``wait()`` or do other work, ``stop()`` it. ``host``, ``port`` and
    ``public_url`` override ``[listen]``; ``problems`` collects the one-line reasons a feed is
    not pushed (no hub, a hub refusing), each said once."""

    db: Path
    settings: Settings
    streams: list[StreamingCollector] = field(default_factory=list)
    push: bool = True
    host: str | None = None
    port: int | None = None
    public_url: str | None = None
    sync_every_seconds: float = 30.0
    problems: list[str] = field(default_factory=list)

    def start(self) -> Listener:
        config = self.settings.listen
        self._stop = threading.Event()
        self._stopped = False
        self.arrival = ArrivalScan(self.settings, config.alert_every_seconds)
        rules = [BrandRule.from_config(brand) for brand in self.settings.brands]
        self.writer = IntakeWriter(self.db, rules, arrival=self.arrival).start()
        self._threads: list[threading.Thread] = []
        if self.push:
            self._start_push(config)
        for collector in list(self.streams):
            self._spawn(f"stream-{collector.name}", self._stream, collector)
        return self

    @property
    def url(self) -> str:
        """The callback endpoint's own address (the port the server actually bound)."""
        return f"http://{self.server.effective_host}:{self.server.effective_port}"

    def _start_push(self, config) -> None:
        host = self.host or config.host
        port = config.port if self.port is None else self.port
        self.server = create_server(
            lambda environ, start: self.endpoint(environ, start),
            host=host,
            port=port,
            threads=CALLBACK_THREADS,
            ident="SocialPulse",
        )
        callback_base = self.public_url or config.public_url or self.url
        self.book = SubscriptionBook(
            self.writer, load_key(), config, self.settings.sources.feeds, callback_base
        )
        self.endpoint = WebSubEndpoint(self.book, self.writer)
        self._spawn("websub-server", self.server.run)
        self._spawn("websub-subscriptions", self._keep_subscriptions)

    def add_stream(self, collector: StreamingCollector) -> None:
        """Start one more stream on the running listener (its writer and alerts shared)."""
        self.streams.append(collector)
        self._spawn(f"stream-{collector.name}", self._stream, collector)

    def _spawn(self, name: str, target, *args) -> None:
        thread = threading.Thread(target=target, args=args, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    def _keep_subscriptions(self) -> None:
        while not self._stop.is_set():
            try:
                for line in self.book.sync():
                    if line not in self.problems:
                        log.warning(line)
                        self.problems.append(line)
            except Exception as error:  # a broken hub must not end the listener
                log.warning("websub: %s", str(error).splitlines()[0])
            self._stop.wait(self.sync_every_seconds)

    def _stream(self, collector: StreamingCollector) -> None:
        """Run the stream until stop; a page that could not be committed (a warehouse held too
        long by another process, a page the warehouse refuses) restarts the stream from the
        committed cursor, so no later page is committed past the one that failed."""
        while not self._stop.is_set():
            try:
                self._stream_once(collector)
            except Exception as error:
                log.warning(
                    "%s: not stored (%s); resuming from the last committed cursor",
                    collector.name,
                    str(error).splitlines()[0],
                )
                self._stop.wait(RESTART_SECONDS)

    def _stream_once(self, collector: StreamingCollector) -> None:
        cursors = self.writer.call(lambda con: read_cursors(con, collector.name)).result()
        pending: list[Future] = []
        pages = collector.stream(cursors, self._stop)
        try:
            for page in pages:
                if page.error:
                    log.warning(page.error)
                if page.payload is None:
                    continue
                pending.append(self.writer.submit(collector, page))
                if len(pending) > MAX_QUEUED_PAGES:
                    pending[0].result()  # back-pressure: the writer sets the pace
                for future in [f for f in pending if f.done()]:
                    future.result()  # raises if that page was not committed
                pending = [f for f in pending if not f.done()]
            for future in pending:
                future.result()
        finally:
            pages.close()

    def request_stop(self) -> None:
        """Ask the listener to stop (safe from a signal handler); ``wait`` then returns."""
        self._stop.set()

    def stop(self) -> None:
        """Stop the streams and the server, then let the writer commit what is queued."""
        if self._stopped:
            return
        self._stopped = True
        self._stop.set()
        if self.push:
            self.server.task_dispatcher.shutdown()
            wasyncore.close_all(self.server._map)  # the listening socket and every connection
            self.endpoint.close()
        for thread in self._threads:
            if thread.name.startswith(("stream-", "websub-server")):
                thread.join(10)
        self.writer.stop()

    def wait(self) -> None:
        """Block until ``stop`` (Ctrl-C and SIGTERM call it from the command)."""
        self._stop.wait()
