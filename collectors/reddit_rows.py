"""Reddit items into warehouse rows: Reddit's own JSON in, pure rows out.

An item keeps what Reddit may leave out (author, score) as absent and derives what follows from
the item itself: an old comment's permalink from its submission and id. One URL form per post,
without the tracking query a search result carries (``?ref=search_posts``). Text Reddit replaced
by ``[deleted]`` or ``[removed]`` is never stored as content.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import pandas as pd
from praw.models import Comment, Redditor, Submission, Subreddit
from praw.models.base import PRAWBase

from collectors.base import Rows

REDDIT_URL = "https://www.reddit.com"
PRAW_ONLY = {"comment_limit", "comment_sort"}  # attributes praw adds to what Reddit sent
GONE = {"[deleted]", "[removed]"}
CONTEXT = re.compile(r"/r/[^/]+/comments/([a-z0-9]+)/")


def item_problem(item: Mapping[str, Any]) -> str | None:
    """Why an item cannot become a post, or None when it can."""
    data = item.get("data")
    if item.get("kind") not in ("t3", "t1") or not isinstance(data, Mapping):
        return "not a submission or comment"
    needed = ("id", "subreddit") + (
        ("title",) if item["kind"] == "t3" else ("body", "link_id", "parent_id")
    )
    missing = [name for name in needed if not isinstance(data.get(name), str)]
    created = data.get("created_utc")
    if not isinstance(created, int | float) or isinstance(created, bool):
        missing.append("created_utc")
    return f"{data.get('name', '?')} lacks {', '.join(missing)}" if missing else None


def to_item(thing: Submission | Comment) -> dict[str, Any]:
    """Reddit's own JSON for a praw object: its public attributes, with what praw made objects
    (author, subreddit, poll data and its options) turned back into the JSON Reddit sent."""
    data = {
        name: _plain(value)
        for name, value in vars(thing).items()
        if not name.startswith("_") and name not in PRAW_ONLY
    }
    if data.get("author") is None:
        data["author"] = "[deleted]"
    kind = "t3" if isinstance(thing, Submission) else "t1"
    if kind == "t1" and not data.get("link_id"):
        data.update(thread_of(data))
    return json.loads(json.dumps({"kind": kind, "data": data}, default=str))


def thread_of(data: Mapping[str, Any]) -> dict[str, str]:
    """The submission and permalink of a comment that came without them: an inbox mention
    carries only its ``context`` link, whose path is the comment's permalink
    (``/r/<sub>/comments/<submission>/<slug>/<comment>/?context=3``)."""
    path = urlsplit(str(data.get("context") or "")).path
    match = CONTEXT.match(path)
    if not match:
        return {}
    return {"link_id": f"t3_{match.group(1)}", "permalink": data.get("permalink") or path}


def _plain(value: Any) -> Any:
    if isinstance(value, Redditor):
        return value.name
    if isinstance(value, Subreddit):
        return value.display_name
    if isinstance(value, PRAWBase):  # poll data, poll options...: their public attributes
        return {k: _plain(v) for k, v in vars(value).items() if not k.startswith("_")}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def permalink(item: Mapping[str, Any]) -> str:
    """The post's one URL: Reddit's permalink without its query (a search adds
    ``?ref=search_posts``), or, for an old item that has none, built from its ids."""
    data = item["data"]
    given = data.get("permalink")
    if isinstance(given, str) and given.strip():
        path = urlsplit(given.strip()).path
    elif item["kind"] == "t3":
        path = f"/r/{data['subreddit']}/comments/{data['id']}/"
    else:
        thread = data["link_id"].removeprefix("t3_")
        path = f"/r/{data['subreddit']}/comments/{thread}/_/{data['id']}/"
    return REDDIT_URL + path


def _created(data: Mapping[str, Any]) -> datetime:
    return datetime.fromtimestamp(data["created_utc"], UTC).replace(tzinfo=None)


def _author(data: Mapping[str, Any]) -> str | None:
    author = data.get("author")
    return None if not author or author in GONE else author


def _text(item: Mapping[str, Any]) -> str:
    data = item["data"]
    if item["kind"] == "t1":
        return data["body"]
    body = data.get("selftext")
    return f"{data['title']}\n\n{body}" if body and body not in GONE else data["title"]


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
        "url": permalink(item),
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
