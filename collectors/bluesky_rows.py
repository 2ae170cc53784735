"""Bluesky posts into warehouse rows: search pages and Jetstream batches, both pure.

A post is known by its AT URI (``at://did/app.bsky.feed.post/rkey``) whichever way it came, so
a post found by search and heard on the stream is one row. Authors are keyed by DID, which
survives handle changes. Choices a reader would otherwise have to guess:

- A repost is a post of kind ``share`` by the reposter, pointing at its subject (``parent_id``)
  and carrying the subject's text, as an X retweet does: reach counts the reposter's followers
  the same way, and a repost deleted at the source is forgotten like any post.
- A like is an interaction (``reaction``) on the liked post, from the liker to its author.
- The stream carries no counts: only search pages give engagement snapshots.
- An author row needs a handle; the stream knows one only from an ``identity`` event, so posts
  heard on the stream get their author row from search, or from such an event.

What cannot be stored at all is listed in ``SKIPPED`` with its reason.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pandas as pd

from collectors.base import DELETED, SKIPPED, Rows

PLATFORM = "bluesky"
CHANNEL_ID = "bluesky:public"
POST, REPOST, LIKE = "app.bsky.feed.post", "app.bsky.feed.repost", "app.bsky.feed.like"
COLLECTIONS = (POST, REPOST, LIKE)
QUOTE_EMBEDS = {"app.bsky.embed.record", "app.bsky.embed.recordWithMedia"}
SNAPSHOT_COUNTS = {
    "likes": "likeCount",
    "shares": "repostCount",
    "replies": "replyCount",
    "quotes": "quoteCount",
}
AUTHOR_COLUMNS = ["author_id", "platform", "scope", "handle", "followers"]


class Malformed(ValueError):
    """An item that cannot become a row; the message is the reason the run reports."""


def at_uri(did: str, collection: str, rkey: str) -> str:
    return f"at://{did}/{collection}/{rkey}"


def post_id(uri: str) -> str:
    return f"{PLATFORM}:{uri}"


def author_id(did: str) -> str:
    return f"{PLATFORM}:{did}"


def split_uri(uri: object) -> tuple[str, str, str]:
    """(did, collection, rkey) of an AT URI, or ``Malformed``."""
    if not isinstance(uri, str) or not uri.startswith("at://"):
        raise Malformed(f"{uri!r} is not an AT URI")
    parts = uri.removeprefix("at://").split("/")
    if len(parts) != 3 or not all(parts):
        raise Malformed(f"{uri!r} is not an AT URI of a record")
    return parts[0], parts[1], parts[2]


def post_url(uri: str) -> str:
    did, _, rkey = split_uri(uri)
    return f"https://bsky.app/profile/{did}/post/{rkey}"


def parse_time(value: object) -> datetime:
    """A record's ISO 8601 time as naive UTC (the warehouse stores UTC without a zone)."""
    if not isinstance(value, str):
        raise Malformed(f"time {value!r} is not a string")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as error:
        raise Malformed(f"time {value!r} is not ISO 8601") from error
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def time_of_us(time_us: int) -> datetime:
    return datetime.fromtimestamp(time_us / 1_000_000, UTC).replace(tzinfo=None)


def sort_time(view: dict) -> datetime | None:
    """When a postView sorts in a search: its ``indexedAt``, else its record's ``createdAt``."""
    for value in (view.get("indexedAt"), (view.get("record") or {}).get("createdAt")):
        try:
            return parse_time(value)
        except Malformed:
            continue
    return None


def iso_millis(moment: datetime) -> str:
    """A naive UTC time as the AppView writes one: ``2025-06-02T09:55:01.204Z``."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def search_to_rows(payload: dict, fetched_at: datetime) -> Rows:
    """Rows for one ``app.bsky.feed.searchPosts`` page (its ``posts`` are postViews)."""
    taken_at = _naive(fetched_at)
    posts, snapshots, authors, skipped = [], [], {}, []
    for view in payload.get("posts") or []:
        try:
            post, author = _view_rows(view, taken_at)
        except (Malformed, KeyError, TypeError, AttributeError) as error:
            uri = view.get("uri", "?") if isinstance(view, dict) else "?"
            skipped.append({"item": f"post {uri}", "reason": _reason(error)})
            continue
        posts.append(post)
        authors[author["author_id"]] = author
        counts = {column: _count(view, key) for column, key in SNAPSHOT_COUNTS.items()}
        snapshots.append(
            {
                "post_id": post["post_id"],
                "taken_at": taken_at,
                **counts,
                "views": None,  # Bluesky counts no views
                "author_followers": author["followers"],
            }
        )
    rows = _base_rows(posts, taken_at, skipped)
    if posts:
        rows["authors"] = pd.DataFrame(list(authors.values()), columns=AUTHOR_COLUMNS).astype(
            {"followers": "Int64"}
        )
        measures = [*SNAPSHOT_COUNTS, "views", "author_followers"]
        rows["engagement_snapshots"] = (
            pd.DataFrame(snapshots)
            .drop_duplicates("post_id")
            .astype(dict.fromkeys(measures, "Int64"))
        )
    return rows


def _view_rows(view: dict, taken_at: datetime) -> tuple[dict, dict]:
    uri = view["uri"]
    did, collection, _ = split_uri(uri)
    if collection != POST:
        raise Malformed(f"{uri} is not a post")
    author = view["author"]
    if author.get("did") != did:
        raise Malformed(f"author {author.get('did')!r} is not the DID of {uri}")
    record = view["record"]
    try:
        created = parse_time(record.get("createdAt"))
    except Malformed:
        created = parse_time(view.get("indexedAt"))  # the AppView's time, when the record's fails
    followers = author.get("followersCount")
    return _post_row(uri, record, created, view, taken_at), {
        "author_id": author_id(did),
        "platform": PLATFORM,
        "scope": "external",
        "handle": author.get("handle") or did,
        "followers": None if followers is None else int(followers),
    }


def _post_row(uri: str, record: dict, created: datetime, raw: dict, taken_at: datetime) -> dict:
    """A post or reply from its record; ``raw`` is what is kept (a postView, or a frame)."""
    did, _, rkey = split_uri(uri)
    text = record.get("text")
    if not isinstance(text, str):
        raise Malformed("record has no text")
    reply = record.get("reply")
    parent = root = None
    if reply:
        parent, root = reply["parent"]["uri"], reply["root"]["uri"]
        split_uri(parent)
    else:
        parent = _quoted(record.get("embed"))
    langs = record.get("langs") or []
    return {
        "post_id": post_id(uri),
        "platform": PLATFORM,
        "native_id": uri,
        "channel_id": CHANNEL_ID,
        "author_id": author_id(did),
        "created_at": created,
        "text": text,
        "language": langs[0] if langs and isinstance(langs[0], str) else None,
        "url": f"https://bsky.app/profile/{did}/post/{rkey}",
        "parent_id": post_id(parent) if parent else None,
        "thread_id": post_id(root or uri),
        "kind": "reply" if reply else "post",
        "raw": json.dumps(raw, ensure_ascii=False),
        "collected_at": taken_at,
    }


def _quoted(embed: object) -> str | None:
    """The post a quote post quotes (a quote is a post of its own that points at it)."""
    if not isinstance(embed, dict) or embed.get("$type") not in QUOTE_EMBEDS:
        return None
    record = embed.get("record") or {}
    record = record.get("record", record) if isinstance(record, dict) else {}
    uri = record.get("uri") if isinstance(record, dict) else None
    return uri if isinstance(uri, str) and uri.startswith("at://") else None


def stream_to_rows(payload: dict, fetched_at: datetime) -> Rows:
    """Rows for one batch of Jetstream frames the stream kept.

    ``payload`` is ``{"events": [...], "subjects": {uri: text}, "handles": {did: handle}}``:
    the frames as received (a frame that was not JSON stays a string, to be reported), the
    text of each reposted subject, and the handles the stream knew for the batch's DIDs.
    """
    taken_at = _naive(fetched_at)
    subjects, handles = payload.get("subjects") or {}, payload.get("handles") or {}
    posts, interactions, deleted, skipped = [], [], [], []
    for frame in payload.get("events") or []:
        try:
            row = _event_row(frame, subjects, taken_at)
        except (Malformed, KeyError, TypeError, AttributeError, ValueError) as error:
            skipped.append({"item": _describe(frame), "reason": _reason(error)})
            continue
        target = {"post": posts, "reaction": interactions, "deleted": deleted}.get(row[0])
        if target is not None:
            target.append(row[1])
    rows = _base_rows(posts, taken_at, skipped)
    dids = {p["author_id"].removeprefix(f"{PLATFORM}:") for p in posts} | set(handles)
    known = [
        {"author_id": author_id(d), "platform": PLATFORM, "scope": "external", "handle": handles[d]}
        for d in sorted(dids)
        if handles.get(d)
    ]
    if known:
        rows["authors"] = pd.DataFrame(known)
    if interactions:
        rows["interactions"] = pd.DataFrame(interactions).drop_duplicates(
            ["post_id", "actor_id", "target_id", "detail"]
        )
    if deleted:
        rows[DELETED] = pd.DataFrame({"post_id": sorted(set(deleted))})
    return rows


def _event_row(frame: object, subjects: dict, taken_at: datetime) -> tuple[str, object]:
    """("post", row), ("reaction", row), ("deleted", post id) or ("ignored", None)."""
    if not isinstance(frame, dict):
        raise Malformed("frame is not a JSON object")
    did, time_us = frame["did"], int(frame["time_us"])
    if frame.get("kind") != "commit":
        return "ignored", None
    commit = frame["commit"]
    collection, operation = commit["collection"], commit["operation"]
    uri = at_uri(did, collection, commit["rkey"])
    if operation == "delete":
        return ("deleted", post_id(uri)) if collection in (POST, REPOST) else ("ignored", None)
    record = commit["record"]
    if not isinstance(record, dict):
        raise Malformed(f"{operation} of {uri} has no record")
    try:
        created = parse_time(record.get("createdAt"))
    except Malformed:
        created = time_of_us(time_us)  # when Jetstream saw it, when the record's time fails
    if collection == POST:
        return "post", _post_row(uri, record, created, frame, taken_at)
    subject = record["subject"]["uri"]
    subject_did, _, _ = split_uri(subject)
    if collection == LIKE:
        return "reaction", {
            "kind": "reaction",
            "post_id": post_id(subject),
            "actor_id": author_id(did),
            "target_id": author_id(subject_did),
            "detail": "like",
            "platform": PLATFORM,
            "created_at": created,
        }
    if collection != REPOST:
        return "ignored", None
    return "post", {
        "post_id": post_id(uri),
        "platform": PLATFORM,
        "native_id": uri,
        "channel_id": CHANNEL_ID,
        "author_id": author_id(did),
        "created_at": created,
        "text": subjects.get(subject) or "",
        "language": None,
        "url": post_url(subject),  # a repost has no page of its own
        "parent_id": post_id(subject),
        "thread_id": post_id(subject),
        "kind": "share",
        "raw": json.dumps(frame, ensure_ascii=False),
        "collected_at": taken_at,
    }


def _base_rows(posts: list[dict], taken_at: datetime, skipped: list[dict]) -> Rows:
    rows: Rows = {SKIPPED: pd.DataFrame(skipped)} if skipped else {}
    if not posts:
        return rows
    frame = pd.DataFrame(posts).drop_duplicates("post_id", keep="last")
    rows["channels"] = pd.DataFrame(
        [
            {
                "channel_id": CHANNEL_ID,
                "platform": PLATFORM,
                "scope": "external",
                "name": "Bluesky",
                "sensitivity": "public",
                "purpose": "listening",
                "url": "https://bsky.app",
            }
        ]
    )
    rows["posts"] = frame
    rows["post_channels"] = pd.DataFrame(
        {"post_id": frame["post_id"], "channel_id": CHANNEL_ID, "seen_at": taken_at}
    )
    return rows


def _describe(frame: object) -> str:
    if not isinstance(frame, dict):
        return f"frame {str(frame)[:40]!r}"
    return f"event {frame.get('did', '?')} at {frame.get('time_us', '?')}"


def _count(view: dict, key: str) -> int | None:
    value = view.get(key)
    return None if value is None else int(value)


def _reason(error: BaseException) -> str:
    if isinstance(error, KeyError):
        return f"missing {error.args[0]!r}"
    return (str(error).splitlines() or [type(error).__name__])[0]


def _naive(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment
