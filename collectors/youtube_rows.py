"""YouTube resources into warehouse rows: the Data API's JSON in, pure rows out.

A video is a post by its channel; a comment thread's top-level comment is a reply to the video,
and a reply to a comment is a reply to that comment, all in the video's thread, so conversations
and response time work as on X and Reddit. Engagement: a video's views, likes and comment count,
a comment's likes and reply count. A channel's audience is its subscriber count (unknown when
the channel hides it). An item lacking its id or time is listed in the rows' ``SKIPPED`` frame.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from collectors.base import SKIPPED, Rows

WATCH_URL = "https://www.youtube.com/watch?v={video}"
CHANNEL_URL = "https://www.youtube.com/channel/{channel}"
COUNTS = ("likes", "shares", "replies", "quotes", "views", "author_followers")


def youtube_to_rows(
    payload: Mapping[str, Any], fetched_at: datetime, owned: Collection[str]
) -> Rows:
    """Rows for one source's page; ``owned`` are the brand's channel ids. Pure."""
    channels = {
        c["id"]: c for c in payload.get("channels") or [] if isinstance(c, dict) and "id" in c
    }
    posts, snapshots, authors, skipped = [], [], {}, []
    for video in payload.get("videos") or []:
        try:
            post, snapshot = _video_rows(video, fetched_at)
        except (KeyError, TypeError, ValueError) as error:
            skipped.append({"item": f"video {_id(video)}", "reason": _reason(error)})
            continue
        posts.append(post)
        snapshots.append(snapshot)
        authors[post["author_id"]] = _channel_author(video["snippet"], channels)
        for comment in _comments(payload, video["id"]):
            try:
                post, snapshot, author = _comment_rows(comment, video, fetched_at)
            except (KeyError, TypeError, ValueError) as error:
                skipped.append({"item": f"comment {_id(comment)}", "reason": _reason(error)})
                continue
            posts.append(post)
            snapshots.append(snapshot)
            if author:
                authors.setdefault(author["author_id"], author)
    extra = {SKIPPED: pd.DataFrame(skipped)} if skipped else {}
    if not posts:
        return extra
    frame = pd.DataFrame(posts).drop_duplicates("post_id", keep="last")
    people = pd.DataFrame(list(authors.values())).astype({"followers": "Int64"})
    people["is_owned"] = people["author_id"].str.removeprefix("youtube:").isin(set(owned))
    return {
        "channels": _channel_rows(frame, payload.get("videos") or [], channels),
        "authors": people,
        "posts": frame,
        "post_channels": pd.DataFrame(
            {"post_id": frame["post_id"], "channel_id": frame["channel_id"], "seen_at": fetched_at}
        ),
        "engagement_snapshots": pd.DataFrame(snapshots)
        .drop_duplicates("post_id", keep="last")
        .astype(dict.fromkeys(COUNTS, "Int64")),
        **extra,
    }


def _comments(payload: Mapping[str, Any], video_id: str) -> list[dict]:
    """The video's comments, top-level first then their replies: those the thread carried and
    those read apart when it had more (the same reply twice is one)."""
    found: dict[str, dict] = {}
    for thread in (payload.get("threads") or {}).get(video_id) or []:
        top = (thread.get("snippet") or {}).get("topLevelComment")
        if top is not None:
            found.setdefault(_id(top), top)
        more = (payload.get("replies") or {}).get(thread.get("id")) or []
        for reply in [*((thread.get("replies") or {}).get("comments") or []), *more]:
            found.setdefault(_id(reply), reply)
    return list(found.values())


def _video_rows(video: Mapping[str, Any], fetched_at: datetime) -> tuple[dict, dict]:
    snippet, stats = video["snippet"], video.get("statistics") or {}
    post_id = f"youtube:{_text_id(video)}"
    description = (snippet.get("description") or "").strip()
    post = {
        "post_id": post_id,
        "platform": "youtube",
        "native_id": video["id"],
        "channel_id": f"youtube:{snippet['channelId']}",
        "author_id": f"youtube:{snippet['channelId']}",
        "created_at": _time(snippet["publishedAt"]),
        "text": f"{snippet['title']}\n\n{description}" if description else snippet["title"],
        "language": snippet.get("defaultLanguage") or snippet.get("defaultAudioLanguage"),
        "url": WATCH_URL.format(video=video["id"]),
        "parent_id": None,
        "thread_id": post_id,
        "kind": "post",
        "raw": json.dumps(video, ensure_ascii=False),
        "collected_at": fetched_at,
    }
    snapshot = {
        "post_id": post_id,
        "taken_at": fetched_at,
        "likes": _count(stats, "likeCount"),
        "shares": None,
        "replies": _count(stats, "commentCount"),
        "quotes": None,
        "views": _count(stats, "viewCount"),
        "author_followers": None,
    }
    return post, snapshot


def _comment_rows(
    comment: Mapping[str, Any], video: Mapping[str, Any], fetched_at: datetime
) -> tuple[dict, dict, dict | None]:
    snippet = comment["snippet"]
    text = snippet.get("textOriginal") or snippet["textDisplay"]
    if not isinstance(text, str) or not text.strip():
        raise ValueError("no text")
    video_post = f"youtube:{video['id']}"
    parent = snippet.get("parentId")
    author = (snippet.get("authorChannelId") or {}).get("value")
    post = {
        "post_id": f"youtube:{_text_id(comment)}",
        "platform": "youtube",
        "native_id": comment["id"],
        "channel_id": f"youtube:{video['snippet']['channelId']}",
        "author_id": f"youtube:{author}" if author else None,
        "created_at": _time(snippet["publishedAt"]),
        "text": text,
        "language": None,
        "url": WATCH_URL.format(video=video["id"]) + f"&lc={comment['id']}",
        "parent_id": f"youtube:{parent}" if parent else video_post,
        "thread_id": video_post,
        "kind": "reply",
        "raw": json.dumps(comment, ensure_ascii=False),
        "collected_at": fetched_at,
    }
    snapshot = {
        "post_id": post["post_id"],
        "taken_at": fetched_at,
        "likes": _count(snippet, "likeCount"),
        "shares": None,
        "replies": None,
        "quotes": None,
        "views": None,
        "author_followers": None,
    }
    person = (
        {
            "author_id": post["author_id"],
            "platform": "youtube",
            "scope": "external",
            "handle": snippet.get("authorDisplayName") or author,
            "followers": None,
        }
        if author
        else None
    )
    return post, snapshot, person


def _channel_author(snippet: Mapping[str, Any], channels: Mapping[str, dict]) -> dict:
    channel = channels.get(snippet["channelId"]) or {}
    return {
        "author_id": f"youtube:{snippet['channelId']}",
        "platform": "youtube",
        "scope": "external",
        "handle": (channel.get("snippet") or {}).get("customUrl") or snippet.get("channelTitle"),
        "followers": _subscribers(channel),
    }


def _channel_rows(frame: pd.DataFrame, videos: list, channels: Mapping[str, dict]) -> pd.DataFrame:
    titles = {
        v["snippet"]["channelId"]: v["snippet"].get("channelTitle")
        for v in videos
        if isinstance(v, dict)
        and isinstance(v.get("snippet"), dict)
        and "channelId" in v["snippet"]
    }
    ids = sorted({c.removeprefix("youtube:") for c in frame["channel_id"]})
    return pd.DataFrame(
        [
            {
                "channel_id": f"youtube:{channel}",
                "platform": "youtube",
                "scope": "external",
                "name": ((channels.get(channel) or {}).get("snippet") or {}).get("title")
                or titles.get(channel)
                or channel,
                "sensitivity": "public",
                "purpose": "listening",
                "audience_size": _subscribers(channels.get(channel) or {}),
                "url": CHANNEL_URL.format(channel=channel),
            }
            for channel in ids
        ]
    ).astype({"audience_size": "Int64"})


def _subscribers(channel: Mapping[str, Any]) -> int | None:
    stats = channel.get("statistics") or {}
    return None if stats.get("hiddenSubscriberCount") else _count(stats, "subscriberCount")


def _count(values: Mapping[str, Any], key: str) -> int | None:
    value = values.get(key)
    return None if value is None else int(value)  # the API sends counts as strings


def _time(value: str) -> datetime:
    return datetime.fromisoformat(value).astimezone(UTC).replace(tzinfo=None)


def _text_id(item: Mapping[str, Any]) -> str:
    value = item["id"]
    if not isinstance(value, str) or not value:
        raise ValueError(f"id {value!r} is not a YouTube id")
    return value


def _id(item: Any) -> str:
    return str(item.get("id", "?")) if isinstance(item, dict) else "?"


def _reason(error: Exception) -> str:
    return f"lacks {error}" if isinstance(error, KeyError) else str(error).splitlines()[0]
