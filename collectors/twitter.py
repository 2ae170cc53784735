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

import json
import logging
import os
import time
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from functools import partial
from typing import Any

import pandas as pd
import requests
import tweepy

from collectors.base import Collector, Page, Rows
from collectors.registry import register
from socialpulse.config import Settings

log = logging.getLogger(__name__)

TOKEN_VARIABLE = "X_BEARER_TOKEN"
CHANNEL_ID = "x:public"
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
# A tweet that is several of these (a reply that quotes) takes the first kind listed.
KIND_OF_REFERENCE = {"retweeted": "share", "replied_to": "reply", "quoted": "post"}
SNAPSHOT_COUNTS = {
    "likes": "like_count",
    "shares": "retweet_count",
    "replies": "reply_count",
    "quotes": "quote_count",
    "views": "impression_count",
}


class SearchFailed(Exception):
    """One query could not be searched; ``fatal`` when every other query would fail alike."""

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
    ) -> None:
        self.queries = list(queries)
        self.attempts = attempts
        self.backoff = backoff
        self.max_rate_wait = max_rate_wait
        self.timeout = timeout
        self.max_pages = max_pages  # each page spends up to 100 tweets of the monthly cap

    def fetch(self, cursors: Mapping[str, str | None]) -> Iterator[Page]:
        client = tweepy.Client(bearer_token=os.environ[TOKEN_VARIABLE], return_type=dict)
        # tweepy sets no timeout: one stalled connection would hang the run for good.
        client.session.request = partial(client.session.request, timeout=self.timeout)
        for query in self.queries:
            try:
                yield from self._fetch_query(client, query, cursors.get(query))
            except SearchFailed as failure:
                yield Page(query, _now(), error=failure.line)
                if failure.fatal:
                    return

    def _fetch_query(
        self, client: tweepy.Client, query: str, since_id: str | None
    ) -> Iterator[Page]:
        params = dict(SEARCH_FIELDS, **({"since_id": since_id} if since_id else {}))
        highest = int(since_id) if since_id and since_id.isdigit() else 0
        for number in range(1, self.max_pages + 1):
            payload = self._page(client, query, params)
            next_token = (payload.get("meta") or {}).get("next_token")
            highest = max(highest, highest_id(payload))
            last = not next_token or number == self.max_pages
            if next_token and last:
                log.warning(
                    "x: stopped %r after %d pages (max_pages); older tweets of the "
                    "window are skipped",
                    query,
                    number,
                )
            cursor = str(highest) if last and highest else None
            yield Page(query, _now(), payload=payload, cursor=cursor, meta={"page": number})
            if last:
                return
            params["next_token"] = next_token

    def _page(self, client: tweepy.Client, query: str, params: dict) -> dict:
        """One page of results, or ``SearchFailed`` with the line that says why not."""
        try:
            try:
                return self._search(client, query, params)
            except tweepy.BadRequest as error:
                # Recent search refuses a since_id older than its 7-day window: a cursor
                # left by a run more than a week ago would otherwise fail forever.
                stale = "since_id" in params and "next_token" not in params
                if not stale or "since_id" not in str(error):
                    raise
                log.warning(
                    "x: the cursor of %r is older than the 7-day search window; "
                    "searching the whole window",
                    query,
                )
                del params["since_id"]
                return self._search(client, query, params)
        except (tweepy.TweepyException, requests.RequestException) as error:
            raise self._failure(error, query) from error

    def _search(self, client: tweepy.Client, query: str, params: dict) -> dict:
        """One search request, waiting out a near rate-limit reset and retrying network and
        server errors with exponential backoff, a bounded number of times."""
        attempt = 0
        while True:
            attempt += 1
            try:
                return client.search_recent_tweets(query, **params)
            except tweepy.TooManyRequests as error:
                wait = rate_limit_wait(error.reset_time, time.time())
                if attempt >= self.attempts or wait > self.max_rate_wait:
                    raise
                log.warning("x: rate limited, waiting %d s", wait)
            except (requests.ConnectionError, requests.Timeout, tweepy.TwitterServerError) as error:
                if attempt >= self.attempts:
                    raise
                wait = self.backoff * 2 ** (attempt - 1)
                log.warning("x: %s; retrying in %g s", _first_line(error), wait)
            time.sleep(wait)

    def to_rows(self, page: Page) -> Rows:
        return search_to_rows(page.payload, page.fetched_at)

    def _failure(self, error: Exception, query: str) -> SearchFailed:
        return describe_failure(error, query, attempts=self.attempts, timeout=self.timeout)


def rate_limit_wait(reset_time: int | None, now: float) -> int:
    """Seconds until the window named by ``x-rate-limit-reset`` reopens (60 when not given)."""
    if reset_time is None:
        return 60
    return max(1, int(reset_time - now) + 1)


def describe_failure(
    error: Exception, query: str, *, attempts: int, timeout: float
) -> SearchFailed:
    """The one line a user reads for a failed search, and whether the run should stop."""
    if isinstance(error, tweepy.Unauthorized):
        return SearchFailed(UNAUTHORIZED, fatal=True)
    if isinstance(error, tweepy.Forbidden):
        body = _json_body(error.response)
        if body.get("reason") == "client-not-enrolled" or 453 in error.api_codes:
            return SearchFailed(NOT_ENROLLED, fatal=True)
        return SearchFailed(f"x: search for {query!r} forbidden (403): {_api_message(error)}")
    if isinstance(error, tweepy.TooManyRequests):
        until = ""
        if error.reset_time is not None:
            until = " until " + datetime.fromtimestamp(error.reset_time, UTC).strftime("%H:%M UTC")
        return SearchFailed(
            f"x: rate limited for {query!r}{until} (429 Too Many Requests): run again later"
        )
    if isinstance(error, tweepy.BadRequest):
        return SearchFailed(f"x: query {query!r} rejected (400 Bad Request): {_api_message(error)}")
    if isinstance(error, tweepy.TwitterServerError):
        return SearchFailed(
            f"x: search for {query!r} failed ({_first_line(error)}) after {attempts} tries"
        )
    if isinstance(error, requests.Timeout):
        return SearchFailed(
            f"x: no answer within {timeout:g} s for {query!r} after {attempts} tries"
        )
    if isinstance(error, requests.ConnectionError):
        return SearchFailed(
            f"x: network error for {query!r} after {attempts} tries: {_first_line(error)}"
        )
    return SearchFailed(f"x: search for {query!r} failed: {_first_line(error)}")


def highest_id(payload: dict) -> int:
    """The newest tweet id in a search page (0 for an empty page)."""
    ids = [(payload.get("meta") or {}).get("newest_id")]
    ids += [t.get("id") for t in payload.get("data") or [] if isinstance(t, dict)]
    return max((int(i) for i in ids if isinstance(i, str) and i.isdigit()), default=0)


def search_to_rows(payload: dict, fetched_at: datetime) -> Rows:
    """Rows for one search page. Pure: the same payload always gives the same rows."""
    taken_at = _naive_utc(fetched_at)
    includes = payload.get("includes") or {}
    users = {u.get("id"): u for u in includes.get("users") or [] if isinstance(u, dict)}
    places = {p.get("id"): p for p in includes.get("places") or [] if isinstance(p, dict)}
    posts, snapshots, authors = [], [], {}
    for tweet in payload.get("data") or []:
        try:
            post, snapshot, author = _tweet_rows(tweet, users, places, taken_at)
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            tweet_id = tweet.get("id", "?") if isinstance(tweet, dict) else "?"
            log.warning("x: skipped malformed tweet %s: %s", tweet_id, _first_line(error))
            continue
        posts.append(post)
        snapshots.append(snapshot)
        if author:
            authors[author["author_id"]] = author
    if not posts:
        return {}
    channel = pd.DataFrame(
        [
            {
                "channel_id": CHANNEL_ID,
                "platform": "x",
                "scope": "external",
                "name": "X",
                "sensitivity": "public",
                "purpose": "listening",
                "url": "https://x.com",
            }
        ]
    )
    posts_frame = pd.DataFrame(posts).drop_duplicates("post_id", keep="first")
    counts = {column: "Int64" for column in [*SNAPSHOT_COUNTS, "author_followers"]}
    return {
        "channels": channel,
        "authors": pd.DataFrame(list(authors.values())).astype({"followers": "Int64"}),
        "posts": posts_frame,
        "post_channels": pd.DataFrame(
            {"post_id": posts_frame["post_id"], "channel_id": CHANNEL_ID, "seen_at": taken_at}
        ),
        "engagement_snapshots": pd.DataFrame(snapshots).drop_duplicates("post_id").astype(counts),
    }


def _tweet_rows(
    tweet: dict, users: dict, places: dict, taken_at: datetime
) -> tuple[dict, dict, dict | None]:
    native_id = str(tweet["id"])
    if not native_id.isdigit():
        raise ValueError(f"id {native_id!r} is not a tweet id")
    text = tweet["text"]
    if not isinstance(text, str):
        raise TypeError("text is not a string")
    user = users.get(tweet.get("author_id"))
    handle = user["username"] if user else None
    followers = _count(user.get("public_metrics") or {}, "followers_count") if user else None
    kind, parent = _kind_and_parent(tweet.get("referenced_tweets") or [])
    country, city, lat, lon = _location(tweet.get("geo") or {}, places)
    conversation = tweet.get("conversation_id")
    post = {
        "post_id": f"x:{native_id}",
        "platform": "x",
        "native_id": native_id,
        "channel_id": CHANNEL_ID,
        "author_id": f"x:{handle}" if handle else None,
        "created_at": _parse_time(tweet["created_at"]),
        "text": text,
        "language": tweet.get("lang"),
        "url": f"https://x.com/{handle or 'i'}/status/{native_id}",
        "parent_id": parent,
        "thread_id": f"x:{conversation}" if conversation else None,
        "kind": kind,
        "country": country,
        "city": city,
        "lat": lat,
        "lon": lon,
        "raw": json.dumps(tweet, ensure_ascii=False),
        "collected_at": taken_at,
    }
    metrics = tweet.get("public_metrics") or {}
    snapshot = {
        "post_id": post["post_id"],
        "taken_at": taken_at,
        **{column: _count(metrics, key) for column, key in SNAPSHOT_COUNTS.items()},
        "author_followers": followers,
    }
    author = (
        {
            "author_id": post["author_id"],
            "platform": "x",
            "scope": "external",
            "handle": handle,
            "followers": followers,
        }
        if handle
        else None
    )
    return post, snapshot, author


def _kind_and_parent(references: list[dict]) -> tuple[str, str | None]:
    by_type = {r["type"]: str(r["id"]) for r in references}
    for reference, kind in KIND_OF_REFERENCE.items():
        if reference in by_type:
            return kind, f"x:{by_type[reference]}"
    return "post", None


def _location(geo: dict, places: dict) -> tuple[str | None, str | None, float, float]:
    """Country code and city from the tagged place; the exact point when the tweet has one,
    else the middle of the place's bounding box."""
    place = places.get(geo.get("place_id")) or {}
    point = (geo.get("coordinates") or {}).get("coordinates")
    bbox = (place.get("geo") or {}).get("bbox")
    lat = lon = float("nan")
    if point:
        lon, lat = float(point[0]), float(point[1])
    elif bbox:
        lon, lat = (float(bbox[0]) + float(bbox[2])) / 2, (float(bbox[1]) + float(bbox[3])) / 2
    return place.get("country_code"), place.get("name"), lat, lon


def _count(metrics: dict, key: str) -> int | None:
    value = metrics.get(key)
    return None if value is None else int(value)


def _parse_time(value: str) -> datetime:
    return _naive_utc(datetime.fromisoformat(value))


def _naive_utc(moment: datetime) -> datetime:
    """The warehouse stores UTC without a zone."""
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _json_body(response: Any) -> dict:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _api_message(error: tweepy.HTTPException) -> str:
    return (error.api_messages[0] if error.api_messages else _first_line(error)).splitlines()[0]


def _first_line(error: BaseException) -> str:
    return (str(error).splitlines() or [type(error).__name__])[0]


@register("x")
def build_x(settings: Settings) -> XCollector:
    return XCollector(settings.sources.x_queries)
