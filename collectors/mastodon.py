"""Mastodon hashtag timelines through Mastodon.py: searched by `pulse collect mastodon` and
streamed by `pulse listen`.

- One key per instance and hashtag (``https://mastodon.social#northwind``; the public timeline
  is ``https://mastodon.social public``), its cursor the newest status id loaded. A run asks
  for what is newer (``min_id``), one page per API page, oldest page first, so each page's
  cursor can be stored with it and a run killed half-way resumes where it stopped. A first run
  (no cursor) reads the newest page only.
- The stream: one Server-Sent Events connection per instance and stream, each in its own
  thread feeding one queue; a page per small batch of events (``update``, ``status.update``,
  an edit, and ``delete``). A dropped connection is reopened with capped exponential backoff,
  and each (re)connection first reads the timeline from the last cursor (``min_id``), so what
  was published in the gap is loaded; the overlap with the stream is upserted, not doubled.
- Failures are one line naming the source, and the run or stream goes on with the next key: a
  rate limit (the client is told to throw rather than wait; the line says when the window
  reopens, from ``X-RateLimit-Reset``), a rejected ``MASTODON_ACCESS_TOKEN`` (401), an
  unreachable instance. Public hashtag timelines need no token; one is sent when set.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Any

import requests
from mastodon import Mastodon, StreamListener
from mastodon.errors import (
    MastodonAPIError,
    MastodonError,
    MastodonNetworkError,
    MastodonRatelimitError,
    MastodonUnauthorizedError,
)

from collectors.base import Page, Rows, StreamingCollector
from collectors.mastodon_rows import newest_id, page_to_rows, plain, resolve_references
from collectors.registry import register
from socialpulse.config import Settings

log = logging.getLogger(__name__)
TOKEN_VARIABLE = "MASTODON_ACCESS_TOKEN"
USER_AGENT = "SocialPulse/0.1 (+https://github.com/socialpulse)"
Read = Callable[..., list]  # one timeline request, given min_id and limit


@dataclass(frozen=True)
class Source:
    """One instance's hashtag (``tag``) or public timeline (``tag`` None)."""

    instance: str
    tag: str | None

    @property
    def key(self) -> str:
        return f"{self.instance}#{self.tag}" if self.tag else f"{self.instance} public"

    @property
    def stream(self) -> str:
        return f"#{self.tag}" if self.tag else "public"

    @property
    def name(self) -> str:
        return f"mastodon {self.instance} {self.stream}"

    def timeline(self, client: Mastodon) -> Read:
        if self.tag:
            return lambda **params: client.timeline_hashtag(self.tag, **params)
        return lambda **params: client.timeline_public(**params)

    def listen(self, client: Mastodon, listener: StreamListener, timeout: float) -> None:
        """Read the stream until the server ends it (blocking)."""
        if self.tag:
            client.stream_hashtag(self.tag, listener, timeout=timeout)
        else:
            client.stream_public(listener, timeout=timeout)


class MastodonCollector(StreamingCollector):
    name = "mastodon"
    description = (
        "Mastodon hashtag timelines of [sources.mastodon] instances, searched and streamed "
        "(MASTODON_ACCESS_TOKEN optional)"
    )

    def __init__(
        self,
        instances: list[str],
        hashtags: list[str],
        *,
        public_timeline: bool = False,
        page_size: int = 40,
        max_pages: int = 20,
        timeout: float = 30.0,
        stream_timeout: float = 90.0,
        batch_size: int = 200,
        batch_seconds: float = 0.5,
        reconnect_delay: float = 1.0,
        max_reconnect_delay: float = 300.0,
    ) -> None:
        self.instances = [instance.rstrip("/") for instance in instances]
        self.hashtags = list(hashtags)
        self.public_timeline = public_timeline
        self.page_size = page_size  # 40 is the API's largest page
        self.max_pages = max_pages
        self.timeout = timeout
        self.stream_timeout = stream_timeout  # servers send a heartbeat every ~15 s
        self.batch_size = batch_size
        self.batch_seconds = batch_seconds
        self.reconnect_delay = reconnect_delay
        self.max_reconnect_delay = max_reconnect_delay

    def configured(self) -> bool:
        return bool(self.sources(streaming=True))

    def sources(self, *, streaming: bool = False) -> list[Source]:
        public = [None] if streaming and self.public_timeline else []
        return [Source(i, tag) for i in self.instances for tag in [*self.hashtags, *public]]

    def fetch(self, cursors: Mapping[str, str | None]) -> Iterator[Page]:
        clients: dict[str, Mastodon] = {}  # one an instance: it asks the instance's info once
        for source in self.sources():
            client = clients.setdefault(source.instance, self._client(source.instance))
            yield from self._timeline(client, source, cursors.get(source.key))

    def _timeline(self, client: Mastodon, source: Source, cursor: str | None) -> Iterator[Page]:
        """Pages newer than ``cursor``, oldest first, each with its newest id as cursor; a
        failure is one error page and the end of this source."""
        read = source.timeline(client)
        for number in range(1, self.max_pages + 1):
            params = {"min_id": cursor} if cursor else {}
            try:
                statuses = [plain(s) for s in read(limit=self.page_size, **params)]
            except (MastodonError, requests.RequestException) as error:
                yield Page(source.key, _now(), error=describe_failure(error, source, client))
                return
            if not statuses:
                return
            newest = newest_id([s.get("id") for s in statuses], cursor)
            payload = _payload(source, statuses)
            yield Page(source.key, _now(), payload=payload, cursor=newest, meta={"page": number})
            if cursor is None or len(statuses) < self.page_size or newest == cursor:
                return  # a first run reads the newest page only
            cursor = newest
        log.warning("mastodon: stopped %s after %d pages (max_pages)", source.name, number)

    def to_rows(self, page: Page) -> Rows:
        return page_to_rows(page.payload, page.fetched_at)

    def merge_known_stories(self, con, rows: Rows) -> Rows:
        """Deletes and reply parents named by a local id find their stored post."""
        return resolve_references(con, rows)

    def _client(self, instance: str) -> Mastodon:
        """A client that makes no request until asked (no version check) and throws on a rate
        limit instead of sleeping through it; its session remembers the last reset time."""
        session = requests.Session()
        session.hooks["response"].append(partial(_remember_reset, session))
        return Mastodon(
            api_base_url=instance,
            access_token=os.environ.get(TOKEN_VARIABLE) or None,
            version_check_mode="none",
            ratelimit_method="throw",
            request_timeout=self.timeout,
            session=session,
            user_agent=USER_AGENT,
        )

    def stream(self, cursors: Mapping[str, str | None], stop: threading.Event) -> Iterator[Page]:
        events: queue.Queue[tuple[Source, str, Any]] = queue.Queue()
        halt = threading.Event()  # set when the caller stops or leaves the generator
        latest = {s.key: cursors.get(s.key) for s in self.sources(streaming=True)}
        readers = [
            _Reader(self, source, latest[source.key], events, halt)
            for source in self.sources(streaming=True)
        ]
        for reader in readers:
            reader.start()
        try:
            yield from self._batches(events, latest, stop)
        finally:
            halt.set()
            for reader in readers:
                reader.close()

    def _batches(
        self, events: queue.Queue, latest: dict[str, str | None], stop: threading.Event
    ) -> Iterator[Page]:
        """A page per source for each batch: ``batch_size`` events or ``batch_seconds``."""
        batch: list[tuple[Source, str, Any]] = []
        deadline = 0.0
        while not stop.is_set():
            try:
                event = events.get(timeout=min(0.05, self.batch_seconds))
            except queue.Empty:
                event = None
            if event is not None and event[1] == "error":
                yield from _pages(batch, latest)  # what came before the failure, first
                batch, deadline = [], 0.0
                yield Page(event[0].key, _now(), error=event[2])
            elif event is not None:
                deadline = deadline or time.monotonic() + self.batch_seconds
                batch.append(event)
            if batch and (len(batch) >= self.batch_size or time.monotonic() >= deadline):
                yield from _pages(batch, latest)
                batch, deadline = [], 0.0


def _pages(batch: list[tuple[Source, str, Any]], latest: dict[str, str | None]) -> Iterator[Page]:
    by_source: dict[Source, tuple[list, list]] = {}
    for source, kind, data in batch:
        statuses, deleted = by_source.setdefault(source, ([], []))
        (deleted if kind == "delete" else statuses).append(data)
    for source, (statuses, deleted) in by_source.items():
        ids = [s.get("id") for s in statuses if isinstance(s, dict)]
        latest[source.key] = newest_id(ids, latest[source.key])
        payload = _payload(source, statuses, deleted)
        yield Page(source.key, _now(), payload=payload, cursor=latest[source.key])


class _Reader(threading.Thread):
    """One stream's connection: reconnects with backoff, backfills on each connection."""

    def __init__(self, collector, source: Source, cursor, events: queue.Queue, halt) -> None:
        super().__init__(name=f"mastodon-{source.key}", daemon=True)
        self.collector = collector
        self.source = source
        self.cursor = cursor  # the newest id this reader has queued
        self.events = events
        self.halt = halt
        self.listener: _Listener | None = None

    def run(self) -> None:
        client = self.collector._client(self.source.instance)
        failures = 0
        while not self.halt.is_set():
            self.listener = _Listener(self, client)
            try:
                self.source.listen(client, self.listener, self.collector.stream_timeout)
                reason = "the server closed the stream"
            except Exception as error:  # a stream never raises: it says so and reconnects
                reason = _first_line(error)
            if self.halt.is_set():
                return
            failures = 1 if self.listener.connected else failures + 1
            delay = min(
                self.collector.max_reconnect_delay,
                self.collector.reconnect_delay * 2 ** (failures - 1),
            )
            line = f"{self.source.name}: stream dropped ({reason}); reconnecting in {delay:g} s"
            self.events.put((self.source, "error", line))
            self.halt.wait(delay)

    def put(self, kind: str, data: Any) -> None:
        if kind == "update" and isinstance(data, dict):
            self.cursor = newest_id([data.get("id")], self.cursor)
        self.events.put((self.source, kind, data))

    def backfill(self, client: Mastodon) -> None:
        """What the timeline holds past the last cursor, read once the stream is open."""
        if self.cursor is None:
            return
        for page in self.collector._timeline(client, self.source, self.cursor):
            if page.error:
                self.events.put((self.source, "error", page.error))
            for status in page.payload["statuses"] if page.payload else []:
                self.put("update", status)

    def close(self) -> None:
        """Close the open connection, so its blocked read ends now."""
        response = self.listener.response if self.listener else None
        if response is not None:
            try:
                response.close()
            except Exception as error:  # closing from another thread is best effort
                log.debug("mastodon: closing %s: %s", self.source.name, error)


class _Listener(StreamListener):
    def __init__(self, reader: _Reader, client: Mastodon) -> None:
        self.reader = reader
        self.client = client
        self.connected = False
        self.response = None

    def handle_stream(self, response) -> None:
        self.response, self.connected = response, True
        self.reader.backfill(self.client)  # events meanwhile wait in the socket
        if not self.reader.halt.is_set():
            super().handle_stream(response)

    def on_update(self, status) -> None:
        self.reader.put("update", plain(status))

    def on_status_update(self, status) -> None:
        self.reader.put("update", plain(status))  # an edit: the same post, new text

    def on_delete(self, status_id) -> None:
        self.reader.put("delete", str(status_id))

    def on_unknown_event(self, name, unknown_event=None) -> None:
        log.debug("mastodon: ignored stream event %s", name)

    def on_abort(self, err) -> None:
        log.debug("mastodon: stream aborted: %s", err)


def describe_failure(error: Exception, source: Source, client: Mastodon) -> str:
    """The one line a user reads for a failed timeline request."""
    if isinstance(error, MastodonRatelimitError):
        reset = getattr(client.session, "rate_limit_reset", None)
        until = f" until {reset:%H:%M} UTC" if reset else ""
        return f"{source.name}: rate limited (429 Too Many Requests){until}: run again later"
    if isinstance(error, MastodonUnauthorizedError):
        return (
            f"{source.name}: access token rejected (401 Unauthorized): "
            f"check or unset {TOKEN_VARIABLE}"
        )
    if isinstance(error, MastodonNetworkError | requests.RequestException):
        return f"{source.name}: instance unreachable: {_first_line(error)[:200]}"
    if isinstance(error, MastodonAPIError) and len(error.args) >= 3:
        detail = f": {error.args[3]}" if len(error.args) > 3 and error.args[3] else ""
        return f"{source.name}: failed ({error.args[1]} {error.args[2]}){detail}"
    return f"{source.name}: failed: {_first_line(error)}"


def _remember_reset(session: requests.Session, response: requests.Response, **kwargs) -> None:
    """Keep the ``X-RateLimit-Reset`` of the last answer (ISO 8601) on its session: the
    client's rate-limit error does not say when the window reopens."""
    value = response.headers.get("X-RateLimit-Reset")
    try:
        reset = datetime.fromisoformat(value).astimezone(UTC) if value else None
    except ValueError:
        reset = None
    if reset is not None:
        session.rate_limit_reset = reset


def _payload(source: Source, statuses: list, deleted: list | None = None) -> dict:
    return {
        "instance": source.instance,
        "stream": source.stream,
        "statuses": statuses,
        "deleted": deleted or [],
    }


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _first_line(error: BaseException) -> str:
    return (str(error).splitlines() or [type(error).__name__])[0]


@register("mastodon")
def build_mastodon(settings: Settings) -> MastodonCollector:
    config = settings.sources.mastodon
    return MastodonCollector(
        config.instances, config.hashtags, public_timeline=config.public_timeline
    )
