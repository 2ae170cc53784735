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
  A thread whose comments fail keeps its submission, is named on the run, and holds the cursor
  at its submission, so the next run reads it again.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Any

import praw
import prawcore
import requests
from praw.exceptions import PRAWException
from praw.models import Comment, Submission

from collectors.base import Collector, Page, Rows
from collectors.owned import mark_owned
from collectors.reddit_rows import GONE, item_problem, reddit_to_rows, to_item
from collectors.registry import register
from socialpulse.config import Brand, Settings

log = logging.getLogger(__name__)
REJECTED = "reddit: credentials rejected ({}): check REDDIT_CLIENT_ID and REDDIT_CLIENT_SECRET"
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
    (Reddit searches words, not tags); brand rules sort out the matches when loading. A Reddit
    account (``u/name``) is left out: its mentions come from the account's inbox."""
    terms: dict[str, str] = {}
    for brand in brands:
        for term in [*brand.keywords, *brand.phrases, *brand.handles] or [brand.name]:
            word = term.strip().lstrip("#@").strip()
            if word and "/" not in word:
                terms.setdefault(word.casefold(), f'"{word}"' if " " in word else word)
    return " OR ".join(terms.values())


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


def _http_error(error: prawcore.ResponseException, key: str, rejected: str) -> str:
    """One line for a failed read of ``key`` (``r/<name>``, or an account's listing)."""
    status = error.response.status_code
    if status == 401:
        raise CredentialsRejected(rejected.format(401))
    try:
        reason = error.response.json().get("reason") or ""
    except ValueError:
        reason = ""
    subreddit = key.startswith("r/")
    if status == 403:
        why = f"the subreddit is {reason}" if reason else "private, quarantined or banned"
        return f"reddit {key}: forbidden (403): {why if subreddit else reason or 'no access'}"
    if status == 404:
        why = reason or ("banned or deleted subreddit" if subreddit else "no such account")
        return f"reddit {key}: not found (404): {why}"
    if isinstance(error, prawcore.Redirect):
        return f"reddit {key}: no such subreddit"
    return f"reddit {key}: {_one_line(error)}"


class RedditCollector(Collector):
    name = "reddit"
    description = "Reddit: brand searches and new posts in subreddits, with comments"
    credentials = ("REDDIT_CLIENT_ID", "REDDIT_CLIENT_SECRET", "REDDIT_USER_AGENT")
    rejected = REJECTED  # the line for refused credentials, {} the reason

    def __init__(
        self,
        subreddits: list[str],
        brands: list[Brand],
        limit: int = 100,
        attempts: int = 3,
        session: requests.Session | None = None,
        owned: list[str] | None = None,
    ) -> None:
        self.query = search_query(brands)
        self.targets = [Target(f"r/{sub}", sub, listing=True) for sub in subreddits] or (
            [Target("r/all", "all", listing=False)] if self.query else []
        )
        self.limit = limit
        self.attempts = attempts
        self.session = session
        self.owned = list(owned or [])  # the brand's own usernames, marked as owned authors

    def fetch(self, cursors: Mapping[str, str | None]) -> Iterator[Page]:
        reddit = self._reddit()
        for target in self.targets:
            cursor = cursors.get(target.key)
            read = partial(self._fetch_target, reddit, target, float(cursor) if cursor else None)
            try:
                page = self._fetch_with_retries(target.key, read)
            except CredentialsRejected as error:
                yield Page(target.key, _now(), error=str(error))
                return
            yield page

    def _reddit(self, **login: str) -> praw.Reddit:
        """A praw client with the app's credentials, and an account's when ``login`` names
        one (``username``, ``password``)."""
        return praw.Reddit(
            client_id=os.environ["REDDIT_CLIENT_ID"],
            client_secret=os.environ["REDDIT_CLIENT_SECRET"],
            user_agent=os.environ["REDDIT_USER_AGENT"],
            check_for_async=False,
            check_for_updates=False,  # no PyPI lookup from a collector
            requestor_kwargs={"session": self.session} if self.session else None,
            **login,
        )

    def _fetch_with_retries(self, key: str, read: Callable[[datetime], Page]) -> Page:
        """``read`` one key, waiting out rate limits a bounded number of times; any other
        failure is the page's one-line error."""
        attempt = 1
        while True:
            fetched_at = _now()
            try:
                return read(fetched_at)
            except prawcore.TooManyRequests as error:
                if attempt >= self.attempts:
                    return Page(
                        key,
                        fetched_at,
                        error=f"reddit {key}: rate limited (429) {attempt} times; try again later",
                    )
                wait = _retry_after(error, attempt)
                log.warning(
                    "reddit %s: rate limited (429), waiting %.0f s before attempt %d of %d",
                    key,
                    wait,
                    attempt + 1,
                    self.attempts,
                )
                time.sleep(wait)
                attempt += 1
            except prawcore.OAuthException as error:
                raise CredentialsRejected(self.rejected.format(error.error)) from error
            except prawcore.ResponseException as error:
                return Page(key, fetched_at, error=_http_error(error, key, self.rejected))
            except (prawcore.PrawcoreException, PRAWException) as error:
                return Page(key, fetched_at, error=f"reddit {key}: {_one_line(error)}")

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
            for submission in newer_than(listing, cursor):
                submissions.setdefault(submission.id, submission)
        items: list[dict[str, Any]] = []
        failed: list[tuple[Submission, str]] = []
        for submission in submissions.values():
            thread, failure = self._thread(submission)
            items.extend(thread)
            if failure:
                failed.append((submission, failure))
        errors = [
            f"reddit r/{target.subreddit}: comments of t3_{s.id} failed ({why}); "
            "its submission is kept and the thread is read again next run"
            for s, why in failed
        ]
        # Ask again from the oldest failed thread.
        hold = min((vars(s)["created_utc"] for s, _ in failed), default=None)
        extra = {"subreddit": target.subreddit, "query": self.query or None}
        return items_page(target.key, items, cursor, fetched_at, errors, hold, **extra)

    def _thread(self, submission: Submission) -> tuple[list[dict[str, Any]], str | None]:
        """The submission and all comments Reddit sends at once (``replace_more(limit=0)``
        drops the "load more" stubs, which would each cost a request), and why the comments
        failed when they did: one thread's server error, timeout or limit never costs the page."""
        failure = None
        try:
            submission.comments.replace_more(limit=0)
            comments = submission.comments.list()
        except (prawcore.PrawcoreException, PRAWException, requests.RequestException) as error:
            log.warning("reddit %s: comments unavailable: %s", submission.id, _one_line(error))
            comments, failure = [], _one_line(error)
            if isinstance(error, prawcore.NotFound | prawcore.Forbidden):
                failure = None  # gone for good: nothing to retry
        return [to_item(submission), *(to_item(comment) for comment in comments)], failure

    def to_rows(self, page: Page) -> Rows:
        return mark_owned(reddit_to_rows(page.payload, page.fetched_at), self.owned)


def newer_than(listing: Iterable[Submission | Comment], cursor: float | None) -> Iterator:
    """The items of a listing sorted by new, down to the first one older than ``cursor``."""
    for thing in listing:
        created = vars(thing).get("created_utc")  # vars: no lazy fetch
        if cursor is not None and isinstance(created, int | float) and created < cursor:
            return  # sorted by new: the rest is older still
        yield thing


def items_page(
    key: str,
    items: list[dict[str, Any]],
    cursor: float | None,
    fetched_at: datetime,
    errors: list[str],
    hold: float | None = None,
    listed: str = "t3",
    **payload: Any,
) -> Page:
    """The page of ``key`` holding the usable ``items``, its cursor at the newest item of the
    ``listed`` kind (what the listing pages by; or at ``hold`` when older: a thread to read
    again), and one line for the malformed ones."""
    kept, problems = _usable(items, cursor)
    newest = max((i["data"]["created_utc"] for i in kept if i["kind"] == listed), default=None)
    if hold is not None and newest is not None:
        newest = min(newest, hold)
    if problems:
        errors = [
            *errors,
            f"reddit {key}: skipped {len(problems)} malformed item(s) (first: {problems[0]})",
        ]
    return Page(
        key,
        fetched_at,
        payload={**payload, "items": kept},
        error="; ".join(errors) or None,
        cursor=None if newest is None else str(float(newest)),
        meta={"skipped": len(problems)},
    )


def _usable(items: list[dict[str, Any]], cursor: float | None) -> tuple[list[dict], list[str]]:
    """The items to load, and why the malformed ones were skipped. Comments Reddit replaced by
    ``[deleted]``/``[removed]`` are dropped, and a reply to one of them points at its thread."""
    kept, problems, dropped = [], [], set()
    for item in items:
        if problem := item_problem(item):
            problems.append(problem)
            log.warning("reddit: skipped an item: %s", problem)
        elif item["kind"] == "t1" and item["data"]["body"] in GONE:
            dropped.add(item["data"].get("name") or f"t1_{item['data']['id']}")
        elif item["data"]["created_utc"] >= (cursor or 0):
            kept.append(item)
    for item in kept:
        data = item["data"]
        if item["kind"] == "t1" and data["parent_id"] in dropped:
            item["data"] = {**data, "parent_id": data["link_id"]}
    return kept, problems


@register("reddit")
def build_reddit(settings: Settings) -> RedditCollector:
    owned = [settings.sources.reddit_account] if settings.sources.reddit_account else []
    return RedditCollector(settings.sources.subreddits, settings.brands, owned=owned)
