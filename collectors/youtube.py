"""YouTube: comments on the brand's own channel videos and on videos the brand search finds.

- YouTube Data API v3 through ``google-api-python-client`` with an API key
  (``YOUTUBE_API_KEY``); the client's bundled discovery document, so building it costs no request.
- One key per source: ``channel:<id>`` for each of ``[sources] youtube_channels`` (its latest
  uploads) and ``search`` for the brands and competitors (``|``-ed, newest videos first) when
  ``[sources] youtube_search`` is on. Each page holds the videos with their statistics and
  channels, and their comment threads with every reply.
- Incremental by comment time: the cursor is the newest comment's ``publishedAt``; a video's
  threads are read newest first and stop at the cursor (read again at ``>=``, the loader
  upserts). Videos are read every run, which records their engagement.
- Quota: every request spends units of the project's daily 10,000 (a search 100, anything else
  1); the run says how many it spent. An exhausted quota (403 ``quotaExceeded``) or a rejected key
  ends the run with one line, keeping what was stored; a video with comments turned off is kept
  without comments; a failing comment thread is named on the run and holds the cursor, so the
  next run reads it again.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

import httplib2
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError

from collectors.base import Collector, Page, Rows
from collectors.registry import register
from collectors.youtube_rows import youtube_to_rows
from socialpulse.config import Brand, Settings

log = logging.getLogger(__name__)
# The client warns of every refused request it may retry; our own line says what failed and why.
logging.getLogger("googleapiclient.http").setLevel(logging.ERROR)
KEY_VARIABLE = "YOUTUBE_API_KEY"
DAILY_QUOTA = 10_000
COST = {"search": 100}  # units per request; every other list call costs 1
FATAL = {
    "quotaExceeded": "youtube: the daily quota is spent (403 quotaExceeded); what was read is "
    "kept, run again after midnight Pacific time",
    "dailyLimitExceeded": "youtube: the daily quota is spent (403 dailyLimitExceeded); what was "
    "read is kept, run again after midnight Pacific time",
    "keyInvalid": f"youtube: API key rejected (400 keyInvalid): check {KEY_VARIABLE}",
    "keyExpired": f"youtube: API key expired (400 keyExpired): renew {KEY_VARIABLE}",
    "accessNotConfigured": "youtube: the YouTube Data API is not enabled for this key's project "
    "(403 accessNotConfigured)",
    "forbidden": f"youtube: the API key is not allowed to read YouTube (403): check {KEY_VARIABLE}",
}
FATAL["API_KEY_INVALID"] = FATAL["keyInvalid"].replace("400 keyInvalid", "400 API_KEY_INVALID")
NO_COMMENTS = {"commentsDisabled"}


class SourceFailed(Exception):
    """One source could not be read; ``fatal`` when every other one would fail the same way."""

    def __init__(self, line: str, *, fatal: bool = False, reason: str | None = None) -> None:
        super().__init__(line)
        self.line, self.fatal, self.reason = line, fatal, reason


def search_terms(brands: list[Brand]) -> str:
    """One YouTube search for every brand: names and phrases ``|``-ed (YouTube's OR); brand
    rules sort out the matches when loading."""
    terms: dict[str, str] = {}
    for brand in brands:
        for term in [brand.name, *brand.phrases]:
            terms.setdefault(term.casefold(), f'"{term}"' if " " in term else term)
    return "|".join(terms.values())


class YouTubeCollector(Collector):
    name = "youtube"
    description = (
        "YouTube comments on the brand's channel videos and on videos found by the brand "
        "search; needs YOUTUBE_API_KEY"
    )
    credentials = (KEY_VARIABLE,)

    def __init__(
        self,
        channels: list[str],
        query: str | None,
        *,
        videos_per_source: int = 25,
        comment_pages: int = 5,
        attempts: int = 3,
        timeout: float = 30.0,
    ) -> None:
        self.channels = list(channels)
        self.query = query or None
        self.videos_per_source = videos_per_source
        self.comment_pages = comment_pages  # of 100 threads per video and run
        self.attempts = attempts
        self.timeout = timeout
        self.spent = 0

    def keys(self) -> list[str]:
        return [f"channel:{c}" for c in self.channels] + (["search"] if self.query else [])

    def fetch(self, cursors: Mapping[str, str | None]) -> Iterator[Page]:
        youtube = build(
            "youtube",
            "v3",
            developerKey=os.environ[KEY_VARIABLE],
            http=httplib2.Http(timeout=self.timeout),
            static_discovery=True,
            cache_discovery=False,
        )
        self.spent = 0
        try:
            for key in self.keys():
                fetched_at = _now()
                try:
                    yield self._read(youtube, key, cursors.get(key), fetched_at)
                except SourceFailed as failure:
                    yield Page(key, fetched_at, error=failure.line)
                    if failure.fatal:
                        return
        finally:
            log.warning(
                "youtube: %s of the %s daily quota units spent this run",
                f"{self.spent:,}",
                f"{DAILY_QUOTA:,}",
            )

    def _read(self, youtube, key: str, cursor: str | None, fetched_at: datetime) -> Page:
        """The source's latest videos with their channels and the comments newer than
        ``cursor``; one video's failing comments are said and hold the cursor."""
        payload: dict[str, Any] = {"source": key, "videos": [], "channels": [], "threads": {}}
        video_ids = self._video_ids(youtube, key)
        if video_ids:
            payload["videos"] = self._list(
                youtube.videos(), key, part="snippet,statistics", id=",".join(video_ids)
            )
        channel_ids = sorted({_channel_of(video) for video in payload["videos"]} - {None})
        if channel_ids:
            payload["channels"] = self._list(
                youtube.channels(), key, part="snippet,statistics", id=",".join(channel_ids)
            )
        replies: dict[str, list[dict]] = {}
        errors = []
        for video in payload["videos"]:
            try:
                threads = self._threads(youtube, key, video["id"], cursor)
                for thread in threads:
                    if _more_replies(thread):
                        replies[thread["id"]] = self._list(
                            youtube.comments(),
                            key,
                            part="snippet",
                            parentId=thread["id"],
                            maxResults=100,
                            textFormat="plainText",
                        )
                payload["threads"][video["id"]] = threads
            except SourceFailed as failure:
                if failure.fatal:
                    raise
                errors.append(f"{failure.line}; the video is kept and read again next run")
        payload["replies"] = replies
        times = [cursor, *_comment_times(payload)]
        moved = None if errors else max(filter(None, times), default=None, key=_time)
        return Page(key, fetched_at, payload=payload, cursor=moved, error="; ".join(errors) or None)

    def _video_ids(self, youtube, key: str) -> list[str]:
        if key == "search":
            found = self._list(
                youtube.search(),
                key,
                part="id",
                q=self.query,
                type="video",
                order="date",
                maxResults=self.videos_per_source,
                pages=1,
            )
            return [v for item in found if (v := (item.get("id") or {}).get("videoId"))]
        channel = key.removeprefix("channel:")
        details = self._list(youtube.channels(), key, part="contentDetails", id=channel, pages=1)
        if not details:
            raise SourceFailed(f"youtube {key}: no such channel")
        uploads = ((details[0].get("contentDetails") or {}).get("relatedPlaylists") or {}).get(
            "uploads"
        )
        if not uploads:
            raise SourceFailed(f"youtube {key}: the channel lists no uploads")
        items = self._list(
            youtube.playlistItems(),
            key,
            part="contentDetails",
            playlistId=uploads,
            maxResults=self.videos_per_source,
            pages=1,
        )
        return [v for item in items if (v := (item.get("contentDetails") or {}).get("videoId"))]

    def _threads(self, youtube, key: str, video: str, cursor: str | None) -> list[dict]:
        """The video's comment threads newer than ``cursor`` (newest first), with replies;
        none when its comments are turned off."""
        kept = []
        try:
            pages = self._pages(
                youtube.commentThreads(),
                key,
                self.comment_pages,
                part="snippet,replies",
                videoId=video,
                order="time",
                maxResults=100,
                textFormat="plainText",
            )
            for page in pages:
                for thread in page:
                    published = _published(_top_comment(thread))
                    if cursor and published and _time(published) < _time(cursor):
                        return kept
                    kept.append(thread)
        except SourceFailed as failure:
            if failure.reason in NO_COMMENTS:
                log.info("youtube %s: comments are turned off on video %s", key, video)
                return []
            if failure.fatal:
                raise
            detail = failure.line.removeprefix(f"youtube {key}: ")
            raise SourceFailed(
                f"youtube {key}: comments of video {video} failed: {detail}"
            ) from failure
        return kept

    def _list(self, resource, key: str, *, pages: int | None = None, **params: Any) -> list[dict]:
        found = []
        for page in self._pages(resource, key, pages or self.comment_pages, **params):
            found.extend(page)
        return found

    def _pages(self, resource, key: str, pages: int, **params: Any) -> Iterator[list[dict]]:
        """Up to ``pages`` pages of one list call, following ``nextPageToken``."""
        request = resource.list(**params)
        method = request.methodId.split(".")[1]
        for _ in range(pages):
            self.spent += COST.get(method, 1)
            answer = self._execute(request, key, method)
            yield answer.get("items") or []
            request = resource.list_next(request, answer)
            if request is None:
                return

    def _execute(self, request, key: str, method: str) -> dict:
        try:
            answer = request.execute(num_retries=self.attempts - 1)  # 5xx and 429, with backoff
        except HttpError as error:
            raise describe_failure(error, key, method, self.attempts) from error
        except (TimeoutError, httplib2.HttpLib2Error, OSError) as error:
            raise SourceFailed(
                f"youtube {key}: network error on {method} after {self.attempts} tries: "
                f"{_first_line(error)}"
            ) from error
        if isinstance(answer, str):  # the client hands back a body it could not parse
            raise SourceFailed(
                f"youtube {key}: {method} answered broken JSON ({len(answer):,} characters, "
                "cut off?)"
            )
        if not isinstance(answer, dict):
            raise SourceFailed(f"youtube {key}: {method} answered something that is not a list")
        return answer

    def to_rows(self, page: Page) -> Rows:
        return youtube_to_rows(page.payload, page.fetched_at, self.channels)


def describe_failure(error: HttpError, key: str, method: str, attempts: int) -> SourceFailed:
    """The one line a user reads for a refused request, and whether the run should stop."""
    reasons = [d.get("reason") for d in error.error_details or [] if isinstance(d, dict)]
    status = error.resp.status
    for reason in reasons:
        if reason in FATAL:
            return SourceFailed(FATAL[reason], fatal=True)
    reason = reasons[0] if reasons else None
    said = f"{status} {reason}" if reason else str(status)
    if status == 404:
        line = f"youtube {key}: {method}: not found ({said})"
    elif status == 429 or status >= 500:
        line = f"youtube {key}: {method} failed ({said}) after {attempts} tries"
    else:
        message = re.sub(r"<[^>]+>", "", error.reason or "")  # YouTube's messages hold HTML
        line = f"youtube {key}: {method} refused ({said}): {_first_line(message)}"
    return SourceFailed(line, reason=reason)


def _channel_of(video: dict) -> str | None:
    return (video.get("snippet") or {}).get("channelId")


def _top_comment(thread: dict) -> dict:
    return (thread.get("snippet") or {}).get("topLevelComment") or {}


def _published(comment: dict) -> str | None:
    """A comment's time, or None when the item lacks it (its rows say it was skipped)."""
    value = (comment.get("snippet") or {}).get("publishedAt")
    try:
        return value if isinstance(value, str) and _time(value) else None
    except ValueError:
        return None


def _more_replies(thread: dict) -> bool:
    """Whether the thread has replies it did not carry (it carries up to five)."""
    shown = len((thread.get("replies") or {}).get("comments") or [])
    total = (thread.get("snippet") or {}).get("totalReplyCount") or 0
    return isinstance(total, int) and total > shown and isinstance(thread.get("id"), str)


def _comment_times(payload: dict) -> Iterator[str]:
    for threads in payload["threads"].values():
        for thread in threads:
            carried = (thread.get("replies") or {}).get("comments") or []
            for comment in [
                _top_comment(thread),
                *carried,
                *payload["replies"].get(thread.get("id"), []),
            ]:
                if published := _published(comment):
                    yield published


def _time(value: str) -> datetime:
    return datetime.fromisoformat(value)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _first_line(error: object) -> str:
    return (str(error).splitlines() or [type(error).__name__])[0][:200]


@register("youtube")
def build_youtube(settings: Settings) -> YouTubeCollector:
    query = search_terms(settings.brands) if settings.sources.youtube_search else None
    return YouTubeCollector(settings.sources.youtube_channels, query)
