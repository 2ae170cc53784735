"""X (Twitter) recent search through tweepy: what people posted about the brands this week.

- One cursor per configured query: the highest tweet id loaded, sent back as ``since_id`` so a
  rerun asks only for newer tweets. Search pages run newest to oldest, so the cursor rides on
  the last page of a query: a run killed half-way through the pages repeats them next time
  (the loader upserts) instead of skipping the older ones for good.
- A page's payload is the API's JSON as received, so rows can be rebuilt from stored pages.
- Failures are one line each. A rejected token or an account outside the paid tier ends the
  run (every other query would fail the same way); a rate limit is waited out when its reset
  is near; network and server errors are retried with backoff; a malformed tweet is skipped
  alone and the rest of its page is kept.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from functools import partial
from typing import Any

import requests
import tweepy

from collectors.base import Collector, Page, Rows
from collectors.owned import mark_owned
from collectors.registry import register
from collectors.twitter_rows import first_line, search_to_rows
from socialpulse.config import Settings

log = logging.getLogger(__name__)

TOKEN_VARIABLE = "X_BEARER_TOKEN"
SEARCH_FIELDS: dict[str, Any] = {
    "expansions": [
        "author_id",
        "referenced_tweets.id",
        "referenced_tweets.id.author_id",
        "geo.place_id",
    ],
    "tweet_fields": [
        "created_at",
        "public_metrics",
        "lang",
        "referenced_tweets",
        "conversation_id",
        "author_id",
        "in_reply_to_user_id",
        "geo",
    ],
    "user_fields": ["username", "name", "public_metrics"],
    "place_fields": ["full_name", "country_code", "geo", "name"],
    "max_results": 100,
}
UNAUTHORIZED = f"x: bearer token rejected (401 Unauthorized): check {TOKEN_VARIABLE}"
NOT_ENROLLED = (
    "x: recent search is not available to this account (403 client-not-enrolled): "
    "it needs a paid X API tier"
)


Request = Callable[..., dict]  # one tweepy call returning a page, given the page's parameters


class SearchFailed(Exception):
    """One source could not be read; ``fatal`` when every other source would fail alike."""

    def __init__(self, line: str, *, fatal: bool = False) -> None:
        super().__init__(line)
        self.line = line
        self.fatal = fatal


class XCollector(Collector):
    name = "x"
    description = (
        "X (Twitter) recent search for the configured queries; needs X_BEARER_TOKEN "
        "and a paid X API tier"
    )
    credentials = (TOKEN_VARIABLE,)

    def __init__(
        self,
        queries: list[str],
        *,
        attempts: int = 4,
        backoff: float = 2.0,
        max_rate_wait: float = 900.0,
        timeout: float = 30.0,
        max_pages: int = 50,
        owned: list[str] | None = None,
    ) -> None:
        self.queries = list(queries)
        self.owned = list(owned or [])  # the brand's own usernames, marked as owned authors
        self.attempts = attempts
        self.backoff = backoff
        self.max_rate_wait = max_rate_wait
        self.timeout = timeout
        self.max_pages = max_pages  # each page spends up to 100 tweets of the monthly cap

    def fetch(self, cursors: Mapping[str, str | None]) -> Iterator[Page]:
        client = self._client()
        for query in self.queries:
            try:
                search = partial(client.search_recent_tweets, query)
                yield from self._pages(query, f"search {query!r}", search, cursors.get(query))
            except SearchFailed as failure:
                yield Page(query, _now(), error=failure.line)
                if failure.fatal:
                    return

    def _client(self) -> tweepy.Client:
        client = tweepy.Client(bearer_token=os.environ[TOKEN_VARIABLE], return_type=dict)
        # tweepy sets no timeout: one stalled connection would hang the run for good.
        client.session.request = partial(client.session.request, timeout=self.timeout)
        return client

    def _pages(
        self,
        key: str,
        source: str,
        request: Request,
        since_id: str | None,
        token: str = "next_token",
    ) -> Iterator[Page]:
        """Every page of one paged request newer than ``since_id``, the cursor on the last.
        ``token`` names the parameter that asks for the next page (search and timelines
        differ)."""
        params = dict(SEARCH_FIELDS, **({"since_id": since_id} if since_id else {}))
        highest = int(since_id) if since_id and since_id.isdigit() else 0
        for number in range(1, self.max_pages + 1):
            payload = self._page(request, source, params, token)
            next_token = (payload.get("meta") or {}).get("next_token")
            highest = max(highest, highest_id(payload))
            last = not next_token or number == self.max_pages
            if next_token and last:
                log.warning(
                    "x: stopped %s after %d pages (max_pages); older tweets of the "
                    "window are skipped",
                    source,
                    number,
                )
            cursor = str(highest) if last and highest else None
            yield Page(key, _now(), payload=payload, cursor=cursor, meta={"page": number})
            if last:
                return
            params[token] = next_token

    def _page(self, request: Request, source: str, params: dict, token: str) -> dict:
        """One page of results, or ``SearchFailed`` with the line that says why not."""
        try:
            try:
                return self._call(request, params)
            except tweepy.BadRequest as error:
                # Recent search refuses a since_id older than its 7-day window: a cursor
                # left by a run more than a week ago would otherwise fail forever.
                stale = "since_id" in params and token not in params
                if not stale or "since_id" not in str(error):
                    raise
                log.warning(
                    "x: the cursor of %s is older than the 7-day search window; "
                    "searching the whole window",
                    source,
                )
                del params["since_id"]
                return self._call(request, params)
        except (tweepy.TweepyException, requests.RequestException) as error:
            raise self._failure(error, source) from error

    def _call(self, request: Request, params: dict) -> dict:
        """One request, waiting out a near rate-limit reset and retrying network and
        server errors with exponential backoff, a bounded number of times."""
        attempt = 0
        while True:
            attempt += 1
            try:
                return request(**params)
            except tweepy.TooManyRequests as error:
                wait = rate_limit_wait(error.reset_time, time.time())
                if attempt >= self.attempts or wait > self.max_rate_wait:
                    raise
                log.warning("x: rate limited, waiting %d s", wait)
            except (requests.ConnectionError, requests.Timeout, tweepy.TwitterServerError) as error:
                if attempt >= self.attempts:
                    raise
                wait = self.backoff * 2 ** (attempt - 1)
                log.warning("x: %s; retrying in %g s", first_line(error), wait)
            time.sleep(wait)

    def to_rows(self, page: Page) -> Rows:
        return mark_owned(search_to_rows(page.payload, page.fetched_at), self.owned)

    def _failure(self, error: Exception, source: str) -> SearchFailed:
        return describe_failure(error, source, attempts=self.attempts, timeout=self.timeout)


def rate_limit_wait(reset_time: int | None, now: float) -> int:
    """Seconds until the window named by ``x-rate-limit-reset`` reopens (60 when not given)."""
    if reset_time is None:
        return 60
    return max(1, int(reset_time - now) + 1)


def describe_failure(
    error: Exception, source: str, *, attempts: int, timeout: float
) -> SearchFailed:
    """The one line a user reads for a failed request, and whether the run should stop.
    ``source`` names what was read: a search's query, or an account's timeline."""
    if isinstance(error, tweepy.Unauthorized):
        return SearchFailed(UNAUTHORIZED, fatal=True)
    if isinstance(error, tweepy.Forbidden):
        body = _json_body(error.response)
        if body.get("reason") == "client-not-enrolled" or 453 in error.api_codes:
            return SearchFailed(NOT_ENROLLED, fatal=True)
        return SearchFailed(f"x: {source} forbidden (403): {_api_message(error)}")
    if isinstance(error, tweepy.TooManyRequests):
        until = ""
        if error.reset_time is not None:
            until = " until " + datetime.fromtimestamp(error.reset_time, UTC).strftime("%H:%M UTC")
        return SearchFailed(
            f"x: rate limited for {source}{until} (429 Too Many Requests): run again later"
        )
    if isinstance(error, tweepy.BadRequest):
        return SearchFailed(f"x: {source} rejected (400 Bad Request): {_api_message(error)}")
    if isinstance(error, tweepy.TwitterServerError):
        return SearchFailed(f"x: {source} failed ({first_line(error)}) after {attempts} tries")
    if isinstance(error, requests.Timeout):
        return SearchFailed(
            f"x: no answer within {timeout:g} s for {source} after {attempts} tries"
        )
    if isinstance(error, requests.ConnectionError):
        return SearchFailed(
            f"x: network error for {source} after {attempts} tries: {first_line(error)}"
        )
    return SearchFailed(f"x: {source} failed: {first_line(error)}")


def highest_id(payload: dict) -> int:
    """The newest tweet id in a search page (0 for an empty page)."""
    ids = [(payload.get("meta") or {}).get("newest_id")]
    ids += [t.get("id") for t in payload.get("data") or [] if isinstance(t, dict)]
    return max((int(i) for i in ids if isinstance(i, str) and i.isdigit()), default=0)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _json_body(response: Any) -> dict:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _api_message(error: tweepy.HTTPException) -> str:
    return (error.api_messages[0] if error.api_messages else first_line(error)).splitlines()[0]


@register("x")
def build_x(settings: Settings) -> XCollector:
    return XCollector(settings.sources.x_queries, owned=settings.sources.x_accounts)
