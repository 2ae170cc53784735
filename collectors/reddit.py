"""Reddit: brand searches and new posts in the configured subreddits, with their comments.

- Read-only app credentials (``REDDIT_CLIENT_ID``, ``REDDIT_CLIENT_SECRET``,
  ``REDDIT_USER_AGENT``) through praw; no Reddit account is needed.
- One key a subreddit, ``r/<name>``: its page holds the brand search (every configured brand and
  competitor, ``OR``-ed) and the subreddit's ``new`` listing, merged, plus the comments of each
  submission. With no subreddits configured the search runs over ``r/all`` (key ``r/all``) and
  there is no listing.
- Incremental by creation time: the cursor is the newest submission's ``created_utc``; items
  older than it are skipped and the listings (sorted by new) stop there. The submission at the
  cursor is read again (``>=``), the loader upserts, so nothing is lost or doubled. Comments come
  with their submission when it is collected: later comments on older threads are not revisited.
- Payloads keep Reddit's own ``{"kind", "data"}`` items, so ``raw`` holds every field
  (``upvote_ratio`` included) and ``to_rows`` can be re-run on stored payloads.
- A failing subreddit (private, banned, gone) becomes an error page and the others go on;
  rejected credentials stop the run with one line saying which variables to check; HTTP 429 waits
  as Reddit asks (bounded) and retries the subreddit; malformed items are skipped and counted.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pandas as pd
import praw
import prawcore
import requests
from praw.exceptions import PRAWException
from praw.models import Comment, Redditor, Submission, Subreddit

from collectors.base import Collector, Page, Rows
from collectors.registry import register
from socialpulse.config import Brand, Settings

log = logging.getLogger(__name__)
REDDIT_URL = "https://www.reddit.com"
REJECTED = "reddit: credentials rejected ({}): check REDDIT_CLIENT_ID and REDDIT_CLIENT_SECRET"
PRAW_ONLY = {"comment_limit", "comment_sort"}  # attributes praw adds to what Reddit sent
GONE = {"[deleted]", "[removed]"}
MAX_WAIT_SECONDS = 60.0


class CredentialsRejected(RuntimeError):
    """Reddit refused the app's credentials: no subreddit can be read, so the run stops."""


@dataclass(frozen=True)
class Target:
    key: str
    subreddit: str
    listing: bool


def search_query(brands: Iterable[Brand]) -> str:
    """One Reddit search for every brand: terms ``OR``-ed, phrases quoted, # and @ dropped
    (Reddit searches words, not tags); brand rules sort out the matches when loading."""
    terms: dict[str, str] = {}
    for brand in brands:
        for term in [*brand.keywords, *brand.phrases, *brand.handles] or [brand.name]:
            word = term.strip().lstrip("#@").strip()
            if word:
                terms.setdefault(word.casefold(), f'"{word}"' if " " in word else word)
    return " OR ".join(terms.values())


def item_problem(item: Mapping[str, Any]) -> str | None:
    """Why an item cannot become a post, or None when it can."""
    data = item.get("data")
    if item.get("kind") not in ("t3", "t1") or not isinstance(data, Mapping):
        return "not a submission or comment"
    needed = ("id", "subreddit", "permalink") + (
        ("title",) if item["kind"] == "t3" else ("body", "link_id", "parent_id")
    )
    missing = [name for name in needed if not isinstance(data.get(name), str)]
    created = data.get("created_utc")
    if not isinstance(created, int | float) or isinstance(created, bool):
        missing.append("created_utc")
    return f"{data.get('name', '?')} lacks {', '.join(missing)}" if missing else None


def to_item(thing: Submission | Comment) -> dict[str, Any]:
    """Reddit's own JSON for a praw object: its public attributes, author and subreddit turned
    back into the names Reddit sent (praw had made them objects)."""
    data: dict[str, Any] = {}
    for name, value in vars(thing).items():
        if name.startswith("_") or name in PRAW_ONLY:
            continue
        if isinstance(value, Redditor):
            value = value.name
        elif isinstance(value, Subreddit):
            value = value.display_name
        elif value is None and name == "author":
            value = "[deleted]"
        data[name] = value
    kind = "t3" if isinstance(thing, Submission) else "t1"
    return json.loads(json.dumps({"kind": kind, "data": data}, default=str))


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _one_line(error: BaseException) -> str:
    return (str(error).splitlines() or [type(error).__name__])[0][:200]


def _retry_after(error: prawcore.TooManyRequests, attempt: int) -> float:
    """Seconds Reddit asks us to wait (Retry-After, else its rate-limit reset), bounded."""
    headers = error.response.headers
    for header in ("retry-after", "x-ratelimit-reset"):
        try:
            return min(max(float(headers[header]), 1.0), MAX_WAIT_SECONDS)
        except (KeyError, TypeError, ValueError):
            continue
    return min(5.0 * 2 ** (attempt - 1), MAX_WAIT_SECONDS)


def _http_error(error: prawcore.ResponseException, sub: str) -> str:
    status = error.response.status_code
    if status == 401:
        raise CredentialsRejected(REJECTED.format(401))
    try:
        reason = error.response.json().get("reason") or ""
    except ValueError:
        reason = ""
    if status == 403:
        why = f"the subreddit is {reason}" if reason else "private, quarantined or banned"
        return f"reddit r/{sub}: forbidden (403): {why}"
    if status == 404:
        return f"reddit r/{sub}: not found (404): {reason or 'banned or deleted subreddit'}"
    if isinstance(error, prawcore.Redirect):
        return f"reddit r/{sub}: no such subreddit"
    return f"reddit r/{sub}: {_one_line(error)}"


class RedditCollector(Collector):
    name = "reddit"
    description = "Reddit: brand searches and new posts in subreddits, with comments"
    credentials = ("REDDIT_CLIENT_ID", "REDDIT_CLIENT_SECRET", "REDDIT_USER_AGENT")

    def __init__(
        self,
        subreddits: list[str],
        brands: list[Brand],
        limit: int = 100,
        attempts: int = 3,
        session: requests.Session | None = None,
    ) -> None:
        self.query = search_query(brands)
        self.targets = [Target(f"r/{sub}", sub, listing=True) for sub in subreddits] or (
            [Target("r/all", "all", listing=False)] if self.query else []
        )
        self.limit = limit
        self.attempts = attempts
        self.session = session

    def fetch(self, cursors: Mapping[str, str | None]) -> Iterator[Page]:
        reddit = praw.Reddit(
            client_id=os.environ["REDDIT_CLIENT_ID"],
            client_secret=os.environ["REDDIT_CLIENT_SECRET"],
            user_agent=os.environ["REDDIT_USER_AGENT"],
            check_for_async=False,
            check_for_updates=False,  # no PyPI lookup from a collector
            requestor_kwargs={"session": self.session} if self.session else None,
        )
        for target in self.targets:
            cursor = cursors.get(target.key)
            try:
                page = self._fetch_with_retries(reddit, target, float(cursor) if cursor else None)
            except CredentialsRejected as error:
                yield Page(target.key, _now(), error=str(error))
                return
            yield page

    def _fetch_with_retries(
        self, reddit: praw.Reddit, target: Target, cursor: float | None
    ) -> Page:
        sub, attempt = target.subreddit, 1
        while True:
            fetched_at = _now()
            try:
                return self._fetch_target(reddit, target, cursor, fetched_at)
            except prawcore.TooManyRequests as error:
                if attempt >= self.attempts:
                    return Page(
                        target.key,
                        fetched_at,
                        error=f"reddit r/{sub}: rate limited "
                        f"(429) {attempt} times; try again later",
                    )
                wait = _retry_after(error, attempt)
                log.warning(
                    "reddit r/%s: rate limited (429), waiting %.0f s before attempt %d of %d",
                    sub,
                    wait,
                    attempt + 1,
                    self.attempts,
                )
                time.sleep(wait)
                attempt += 1
            except prawcore.OAuthException as error:
                raise CredentialsRejected(REJECTED.format(error.error)) from error
            except prawcore.ResponseException as error:
                return Page(target.key, fetched_at, error=_http_error(error, sub))
            except (prawcore.PrawcoreException, PRAWException) as error:
                return Page(target.key, fetched_at, error=f"reddit r/{sub}: {_one_line(error)}")

    def _fetch_target(
        self, reddit: praw.Reddit, target: Target, cursor: float | None, fetched_at: datetime
    ) -> Page:
        subreddit = reddit.subreddit(target.subreddit)
        listings = (
            [subreddit.search(self.query, sort="new", time_filter="all", limit=self.limit)]
            if self.query
            else []
        )
        if target.listing:
            listings.append(subreddit.new(limit=self.limit))
        submissions: dict[str, Submission] = {}
        for listing in listings:
            for submission in listing:
                created = vars(submission).get("created_utc")  # vars: no lazy fetch
                if cursor is not None and isinstance(created, int | float) and created < cursor:
                    break  # sorted by new: the rest is older still
                submissions.setdefault(submission.id, submission)
        items: list[dict[str, Any]] = []
        for submission in submissions.values():
            items.extend(self._thread(submission))
        kept, skipped = [], 0
        for item in items:
            if problem := item_problem(item):
                skipped += 1
                log.warning("reddit r/%s: skipped an item: %s", target.subreddit, problem)
            elif item["data"]["created_utc"] >= (cursor or 0) and not (
                item["kind"] == "t1" and item["data"]["body"] in GONE
            ):
                kept.append(item)
        newest = max((i["data"]["created_utc"] for i in kept if i["kind"] == "t3"), default=None)
        payload = {"subreddit": target.subreddit, "query": self.query or None, "items": kept}
        error = (
            f"reddit r/{target.subreddit}: skipped {skipped} malformed item(s)" if skipped else None
        )
        return Page(
            target.key,
            fetched_at,
            payload=payload,
            error=error,
            cursor=None if newest is None else str(float(newest)),
            meta={"skipped": skipped},
        )

    def _thread(self, submission: Submission) -> list[dict[str, Any]]:
        """The submission and all comments Reddit sends at once (``replace_more(limit=0)``
        drops the "load more" stubs, which would each cost a request)."""
        try:
            submission.comments.replace_more(limit=0)
            comments = submission.comments.list()
        except (prawcore.NotFound, prawcore.Forbidden) as error:
            log.warning("reddit %s: comments unavailable: %s", submission.id, _one_line(error))
            comments = []
        return [to_item(submission), *(to_item(comment) for comment in comments)]

    def to_rows(self, page: Page) -> Rows:
        return reddit_to_rows(page.payload, page.fetched_at)


def _created(data: Mapping[str, Any]) -> datetime:
    return datetime.fromtimestamp(data["created_utc"], UTC).replace(tzinfo=None)


def _author(data: Mapping[str, Any]) -> str | None:
    author = data.get("author")
    return None if not author or author in GONE else author


def _text(item: Mapping[str, Any]) -> str:
    data = item["data"]
    if item["kind"] == "t1":
        return data["body"]
    return f"{data['title']}\n\n{data['selftext']}" if data.get("selftext") else data["title"]


def _post_row(item: Mapping[str, Any], fetched_at: datetime) -> dict[str, Any]:
    data, submission = item["data"], item["kind"] == "t3"
    post_id = f"reddit:{item['kind']}_{data['id']}"  # the fullname: t3 and t1 ids may clash
    author = _author(data)
    return {
        "post_id": post_id,
        "platform": "reddit",
        "native_id": post_id.removeprefix("reddit:"),
        "channel_id": f"reddit:r/{data['subreddit']}",
        "author_id": f"reddit:{author}" if author else None,
        "created_at": _created(data),
        "text": _text(item),
        "language": None,
        "url": REDDIT_URL + data["permalink"],
        "parent_id": None if submission else f"reddit:{data['parent_id']}",
        "thread_id": post_id if submission else f"reddit:{data['link_id']}",
        "kind": "post" if submission else "reply",
        "raw": json.dumps(item, ensure_ascii=False),
        "collected_at": fetched_at,
    }


def _snapshot_row(post: Mapping[str, Any], data: Mapping[str, Any]) -> dict[str, Any]:
    """Reddit reports a score and, on submissions, a comment count; nothing else."""
    return {
        "post_id": post["post_id"],
        "taken_at": post["collected_at"],
        "likes": data.get("score"),
        "shares": None,
        "replies": data.get("num_comments") if post["kind"] == "post" else None,
        "quotes": None,
        "views": None,
        "author_followers": None,
    }


def _channel_rows(frame: pd.DataFrame, audience: Mapping[str, int]) -> pd.DataFrame:
    subs = sorted({channel.removeprefix("reddit:r/") for channel in frame["channel_id"]})
    return pd.DataFrame(
        [
            {
                "channel_id": f"reddit:r/{sub}",
                "platform": "reddit",
                "scope": "external",
                "name": f"r/{sub}",
                "segment_type": "topic",
                "segment_value": sub,
                "sensitivity": "public",
                "purpose": "listening",
                "audience_size": audience.get(sub),
                "url": f"{REDDIT_URL}/r/{sub}/",
            }
            for sub in subs
        ]
    ).astype({"audience_size": "Int64"})


def _author_rows(frame: pd.DataFrame) -> pd.DataFrame:
    handles = sorted(frame["author_id"].dropna().unique())
    return pd.DataFrame(
        {
            "author_id": handles,
            "platform": "reddit",
            "scope": "external",
            "handle": [h.removeprefix("reddit:") for h in handles],
            "followers": None,
        }
    ).astype({"followers": "Int64"})


def reddit_to_rows(payload: Mapping[str, Any], fetched_at: datetime) -> Rows:
    """Rows for one subreddit's page. Pure: the same payload always gives the same rows."""
    posts, snapshots, audience = [], [], {}
    for item in payload.get("items", []):
        if item_problem(item):
            continue  # fetch counted it; a stored payload may predate that check
        data = item["data"]
        if item["kind"] == "t3" and isinstance(data.get("subreddit_subscribers"), int):
            audience[data["subreddit"]] = data["subreddit_subscribers"]
        posts.append(_post_row(item, fetched_at))
        snapshots.append(_snapshot_row(posts[-1], data))
    if not posts:
        return {}
    frame = pd.DataFrame(posts).drop_duplicates("post_id", keep="last")
    links = pd.DataFrame(
        {"post_id": frame["post_id"], "channel_id": frame["channel_id"], "seen_at": fetched_at}
    )
    engagement = (
        pd.DataFrame(snapshots)
        .drop_duplicates("post_id", keep="last")
        .astype(
            {
                m: "Int64"
                for m in ("likes", "shares", "replies", "quotes", "views", "author_followers")
            }
        )
    )
    return {
        "channels": _channel_rows(frame, audience),
        "authors": _author_rows(frame),
        "posts": frame,
        "post_channels": links,
        "engagement_snapshots": engagement,
    }


@register("reddit")
def build_reddit(settings: Settings) -> RedditCollector:
    return RedditCollector(settings.sources.subreddits, settings.brands)
