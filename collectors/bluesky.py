"""Bluesky: search through the atproto client, and the Jetstream for posts as they are written.

- Search (``fetch``): ``app.bsky.feed.searchPosts`` for each query, newest first, on a session
  of ``BLUESKY_HANDLE`` with ``BLUESKY_APP_PASSWORD`` (search is not public on bsky.social).
  One cursor per query, the newest ``indexedAt`` loaded, sent back as ``since``; paging stops
  at a page that reaches it. Like the X search, the cursor rides on a query's last page, so a
  run stopped half-way repeats its pages (the loader upserts) instead of skipping older posts.
- Stream (``stream``): Jetstream's JSON firehose of posts, reposts and likes, resumed from the
  last ``time_us`` stored, rewound a few seconds as Jetstream advises. The firehose is the whole
  network, so the stream keeps only posts the brand rules match, deletes, and likes and reposts
  of posts it kept (remembered in a bounded set of recent URIs: a like of a post heard before
  the process started, or found only by search, is not kept).
- Failures are one line each, never an exception: a rate limit or a rejected session ends the
  search run (every other query would fail alike); a dropped stream reconnects with capped
  exponential backoff.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Generator, Iterator, Mapping
from datetime import UTC, datetime
from urllib.parse import urlencode

import atproto
import pandas as pd
from atproto_client.exceptions import (
    NetworkError,
    RateLimitExceededError,
    RequestErrorBase,
    UnauthorizedError,
)
from atproto_client.models.utils import get_model_as_dict
from atproto_client.request import Request
from atproto_core.exceptions import AtProtocolError
from websockets.exceptions import ConnectionClosed, WebSocketException
from websockets.sync.client import ClientConnection, connect

from collectors.base import Page, Rows, StreamingCollector
from collectors.bluesky_rows import (
    COLLECTIONS,
    LIKE,
    POST,
    REPOST,
    at_uri,
    iso_millis,
    parse_time,
    search_to_rows,
    sort_time,
    stream_to_rows,
)
from collectors.registry import register
from socialpulse.brand_rules import BrandRule, match_brands
from socialpulse.config import Settings

log = logging.getLogger(__name__)

HANDLE_VARIABLE, PASSWORD_VARIABLE = "BLUESKY_HANDLE", "BLUESKY_APP_PASSWORD"
STREAM_KEY = "jetstream"
POLL_SECONDS = 0.25  # the longest the stream waits before looking at ``stop`` again


class SearchFailed(Exception):
    """One search could not be read; ``fatal`` when every other query would fail alike."""

    def __init__(self, line: str, *, fatal: bool = False) -> None:
        super().__init__(line)
        self.line = line
        self.fatal = fatal


class BlueskyCollector(StreamingCollector):
    name = "bluesky"
    description = (
        "Bluesky post search for the configured queries, and the Jetstream for brand posts "
        "as they are written; search needs BLUESKY_HANDLE and BLUESKY_APP_PASSWORD"
    )
    credentials = (HANDLE_VARIABLE, PASSWORD_VARIABLE)

    def __init__(
        self,
        queries: list[str],
        rules: list[BrandRule],
        *,
        service: str = "https://bsky.social",
        jetstream: str = "wss://jetstream2.us-east.bsky.network/subscribe",
        max_pages: int = 10,
        timeout: float = 30.0,
        rewind_seconds: float = 3.0,
        base_delay: float = 1.0,
        max_delay: float = 60.0,
        flush_seconds: float = 0.5,
        idle_seconds: float = 3.0,
        max_frames: int = 5_000,
        remember: int = 50_000,
    ) -> None:
        self.queries = list(queries)
        self.service = service
        self.jetstream = jetstream
        self.max_pages = max_pages  # a search page is 100 posts; older ones wait for the cursor
        self.timeout = timeout
        self.rewind_us = int(rewind_seconds * 1_000_000)
        self.base_delay, self.max_delay = base_delay, max_delay
        self.flush_seconds, self.idle_seconds = flush_seconds, idle_seconds
        self.max_frames = max_frames
        self.filter = StreamFilter(rules, remember)

    def to_rows(self, page: Page) -> Rows:
        if page.key == STREAM_KEY:
            return stream_to_rows(page.payload, page.fetched_at)
        return search_to_rows(page.payload, page.fetched_at)

    # -- search -------------------------------------------------------------------------------

    def fetch(self, cursors: Mapping[str, str | None]) -> Iterator[Page]:
        handle = os.environ[HANDLE_VARIABLE]
        client = atproto.Client(base_url=self.service, request=Request(timeout=self.timeout))
        try:
            client.login(handle, os.environ[PASSWORD_VARIABLE], fetch_bsky_profile=False)
        except AtProtocolError as error:
            source = f"bluesky login to {self.service} as {handle!r}"
            yield Page("login", _now(), error=describe_failure(error, source, self.service).line)
            return
        for query in self.queries:
            try:
                yield from self._pages(client, query, cursors.get(query))
            except SearchFailed as failure:
                yield Page(query, _now(), error=failure.line)
                if failure.fatal:
                    return

    def _pages(self, client: atproto.Client, query: str, since: str | None) -> Iterator[Page]:
        oldest_wanted = _moment(since)
        params = {"q": query, "sort": "latest", "limit": 100}
        if oldest_wanted:
            params["since"] = iso_millis(oldest_wanted)
        newest = oldest_wanted
        for number in range(1, self.max_pages + 1):
            try:
                response = client.app.bsky.feed.search_posts(params=params)
            except AtProtocolError as error:
                raise describe_failure(error, f"bluesky search {query!r}", self.service) from error
            payload = get_model_as_dict(response)
            times = [t for t in map(sort_time, payload.get("posts") or []) if t is not None]
            newest = max([*times, *([newest] if newest else [])], default=None)
            reached = oldest_wanted is not None and any(t < oldest_wanted for t in times)
            last = reached or not payload.get("cursor") or not times or number == self.max_pages
            if last and payload.get("cursor") and not reached and times:
                log.warning("bluesky: stopped %r after %d pages (max_pages)", query, number)
            cursor = iso_millis(newest) if last and newest else None
            if payload.get("posts") or cursor:  # an empty page with no cursor stores nothing
                yield Page(query, _now(), payload=payload, cursor=cursor, meta={"page": number})
            if last:
                return
            params["cursor"] = payload["cursor"]

    # -- stream -------------------------------------------------------------------------------

    def configured(self) -> bool:
        return bool(self.filter.rules)  # without brands the firehose has nothing for us

    def stream_url(self, cursor: str | None) -> str:
        """The Jetstream address for the three collections, from ``cursor`` rewound."""
        query = [("wantedCollections", collection) for collection in COLLECTIONS]
        if cursor and cursor.isdigit():
            query.append(("cursor", str(max(0, int(cursor) - self.rewind_us))))
        return f"{self.jetstream}{'&' if '?' in self.jetstream else '?'}{urlencode(query)}"

    def stream(self, cursors: Mapping[str, str | None], stop: threading.Event) -> Iterator[Page]:
        cursor = cursors.get(STREAM_KEY)
        failures = 0
        while not stop.is_set():
            yielded: list[str | None] = []  # the cursors of this connection's pages
            try:
                with connect(self.stream_url(cursor), open_timeout=self.timeout) as socket:
                    reason = yield from self._listen(socket, stop, yielded)
            except (OSError, TimeoutError, WebSocketException) as error:
                reason = f"cannot connect ({_first_line(error)})"
            if stop.is_set():
                return
            cursor = next((c for c in reversed(yielded) if c), cursor)
            failures = 0 if yielded else failures
            delay = min(self.max_delay, self.base_delay * 2**failures)
            failures += 1
            origin = f"cursor {cursor}" if cursor else "the live tail"
            line = f"bluesky jetstream: {reason}; reconnecting in {delay:g} s from {origin}"
            yield Page(STREAM_KEY, _now(), error=line)
            stop.wait(delay)

    def _listen(
        self, socket: ClientConnection, stop: threading.Event, yielded: list[str | None]
    ) -> Generator[Page, None, str]:
        """Pages of one connection until ``stop`` or the connection ends; returns why it ended.
        A page is cut every ``flush_seconds`` (or ``max_frames``) when it kept something, and
        every ``idle_seconds`` anyway, so the stored cursor follows the stream."""
        pending: list[dict | str] = []
        last_us = yielded_us = None
        window = last_page = time.monotonic()
        reason = "stopped"
        while True:
            if stop.is_set():
                frame, ended = None, True
            else:
                wait = min(POLL_SECONDS, window + self.flush_seconds - time.monotonic())
                try:
                    frame, ended = socket.recv(timeout=max(0.0, wait)), False
                except TimeoutError:
                    frame, ended = None, False
                except ConnectionClosed as closed:
                    frame, ended = None, True
                    reason = f"connection lost ({_close_reason(closed)})"
            if frame is not None:
                event = _load(frame)
                pending.append(event)
                if isinstance(event, dict) and isinstance(event.get("time_us"), int):
                    last_us = event["time_us"]
            now = time.monotonic()
            if ended or len(pending) >= self.max_frames or now >= window + self.flush_seconds:
                payload = self.filter.keep(pending)
                pending, window = [], now
                quiet = now - last_page >= self.idle_seconds or ended
                if payload["events"] or payload["handles"] or (quiet and last_us != yielded_us):
                    cursor = None if last_us is None else str(last_us)
                    yielded.append(cursor)
                    yield Page(STREAM_KEY, _now(), payload=payload, cursor=cursor)
                    yielded_us, last_page = last_us, now
            if ended:
                return reason


class StreamFilter:
    """What of the firehose concerns us: brand posts, deletes, likes and reposts of kept posts.

    Posts are matched a batch at a time (one vectorised pass of the brand rules). The URIs of
    kept posts, with their text (a repost carries it), and the DIDs of their authors are kept
    for the latest ``remember`` of each, so memory stays bounded on a stream that runs for
    weeks. Frames that cannot be read are kept, for ``to_rows`` to report them.
    """

    def __init__(self, rules: list[BrandRule], remember: int) -> None:
        self.rules = rules
        self.remember = remember
        self.posts: OrderedDict[str, str] = OrderedDict()  # uri -> text
        self.authors: OrderedDict[str, str | None] = OrderedDict()  # did -> handle
        self.handles: OrderedDict[str, str] = OrderedDict()  # did -> handle, from identity

    def keep(self, frames: list[dict | str]) -> dict:
        """The payload of a page: the frames kept, reposted texts, handles to store."""
        texts = {}
        for frame in frames:
            commit = _commit(frame)
            if commit and commit.get("collection") == POST and commit.get("operation") != "delete":
                record, rkey = commit.get("record"), commit.get("rkey")
                readable = isinstance(record, dict) and isinstance(record.get("text"), str)
                if readable and isinstance(rkey, str) and isinstance(frame.get("did"), str):
                    texts[at_uri(frame["did"], POST, rkey)] = record["text"]
        matched = set()
        if texts and self.rules:
            posts = pd.DataFrame({"post_id": list(texts), "text": list(texts.values())})
            matched = set(match_brands(posts, self.rules)["post_id"])
        events, subjects, handles = [], {}, {}
        for frame in frames:
            verdict = self._verdict(frame, texts, matched)
            if verdict == "kept":
                events.append(frame)
                did = frame.get("did") if isinstance(frame, dict) else None
                if did in self.handles:
                    handles[did] = self.handles[did]
            elif verdict == "identity":
                handles[frame["did"]] = self.handles[frame["did"]]
            elif verdict is not None:
                events.append(frame)
                subjects[verdict] = self.posts[verdict]
        return {"events": events, "subjects": subjects, "handles": handles}

    def _verdict(self, frame: dict | str, texts: dict, matched: set) -> str | None:
        """None (dropped), "kept", "identity" (a handle to store), or a reposted subject."""
        if not isinstance(frame, dict) or not isinstance(frame.get("did"), str):
            return "kept"  # unreadable: reported by to_rows
        did = frame["did"]
        if frame.get("kind") == "identity":
            handle = (frame.get("identity") or {}).get("handle")
            if isinstance(handle, str):
                _remember(self.handles, did, handle, self.remember)
                return "identity" if did in self.authors else None
            return None
        commit = _commit(frame)
        if commit is None:
            return "kept" if frame.get("kind") == "commit" else None
        collection, operation = commit.get("collection"), commit.get("operation")
        if operation == "delete":
            return "kept" if collection in (POST, REPOST) else None
        if collection == POST:
            uri = at_uri(did, POST, commit.get("rkey"))
            if uri not in texts:
                return "kept"  # a post without a readable text
            if uri in matched or uri in self.posts:
                _remember(self.posts, uri, texts[uri], self.remember)
                _remember(self.authors, did, None, self.remember)
                return "kept"
            return None
        record = commit.get("record")
        subject = record.get("subject") if isinstance(record, dict) else None
        uri = subject.get("uri") if isinstance(subject, dict) else None
        if not isinstance(uri, str):
            return "kept"  # a like or repost without a subject
        if uri not in self.posts:
            return None
        return "kept" if collection == LIKE else uri


def describe_failure(error: Exception, source: str, service: str) -> SearchFailed:
    """The one line a user reads for a failed call, and whether the run should stop."""
    if isinstance(error, RateLimitExceededError):
        reset = error.reset_at
        until = f" until {reset:%H:%M} UTC" if reset else ""
        return SearchFailed(f"{source}: rate limited{until} ({error}); run again later", fatal=True)
    if isinstance(error, UnauthorizedError):
        return SearchFailed(
            f"{source}: session rejected ({error}); check {HANDLE_VARIABLE} and "
            f"{PASSWORD_VARIABLE} (an app password may have been revoked)",
            fatal=True,
        )
    if isinstance(error, NetworkError) and error.response is None:
        cause = _first_line(error.__cause__) if error.__cause__ else type(error).__name__
        return SearchFailed(f"{source}: {service} unreachable ({cause})", fatal=True)
    if isinstance(error, RequestErrorBase):
        return SearchFailed(f"{source}: failed ({error})")
    return SearchFailed(f"{source}: failed ({_first_line(error)})")


def _commit(frame: dict | str) -> dict | None:
    if not isinstance(frame, dict) or frame.get("kind") != "commit":
        return None
    commit = frame.get("commit")
    if not isinstance(commit, dict) or commit.get("collection") not in COLLECTIONS:
        return None
    return commit


def _remember(recent: OrderedDict, key: str, value: object, limit: int) -> None:
    recent[key] = value
    recent.move_to_end(key)
    while len(recent) > limit:
        recent.popitem(last=False)


def _load(frame: str | bytes) -> dict | str:
    """A frame as JSON; a frame that is not a JSON object stays as text, to be reported."""
    try:
        event = json.loads(frame)
    except ValueError:
        return frame if isinstance(frame, str) else frame.decode("utf-8", "replace")
    return event if isinstance(event, dict) else str(frame)


def _moment(cursor: str | None) -> datetime | None:
    try:
        return parse_time(cursor) if cursor else None
    except ValueError:
        log.warning("bluesky: ignoring the unreadable cursor %r", cursor)
        return None


def _close_reason(closed: ConnectionClosed) -> str:
    frame = closed.rcvd
    return f"close {frame.code} {frame.reason}".strip() if frame else "no close frame"


def _first_line(error: BaseException) -> str:
    return (str(error).splitlines() or [type(error).__name__])[0]


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@register("bluesky")
def build_bluesky(settings: Settings) -> BlueskyCollector:
    bluesky = settings.sources.bluesky
    return BlueskyCollector(
        bluesky.queries or [brand.name for brand in settings.brands],
        [BrandRule.from_config(brand) for brand in settings.brands],
        service=bluesky.service,
        jetstream=bluesky.jetstream,
    )
