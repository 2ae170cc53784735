"""Mastodon statuses into warehouse rows: pure, so recorded pages and stored payloads rebuild
the same rows.

- One status, one post, on every instance: a status federated to several instances has a local
  id on each but one ``uri`` (its ActivityPub id), so ``post_id`` is a hash of the uri. The same
  status read through two instances is one post, linked to each instance's channel.
- ``native_id`` is ``<instance host>:<local id>`` of the copy stored first (the loader never
  rewrites it). A streamed ``delete`` carries only a local id, so that is how it finds its post:
  in the same page, else in the warehouse (``resolve_references``). A delete of a post never
  stored, or stored through another instance's copy, removes nothing; since every configured
  instance is streamed, the instance that stored the copy sends its own delete.
- A reblog is a ``share`` whose parent is the reblogged status, itself a post; a status with
  ``in_reply_to_id`` is a ``reply``. Its parent's id is local to the instance, so the parent is
  found the same way as a delete's post, and a reply to a status never stored has no parent.
- A page's payload is ``{"instance", "stream", "statuses", "deleted"}``: the statuses as the
  REST and streaming APIs return them (plain JSON), the local ids the stream said were deleted.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import pandas as pd

from collectors.base import DELETED, SKIPPED, Rows
from collectors.rss import html_to_text

PLATFORM = "mastodon"
# Not tables: local ids the page could not resolve alone, for ``resolve_references``.
UNRESOLVED_DELETES = "mastodon_unresolved_deletes"
UNRESOLVED_PARENTS = "mastodon_unresolved_parents"
SNAPSHOT_COUNTS = {
    "likes": "favourites_count",
    "shares": "reblogs_count",
    "replies": "replies_count",
    "quotes": "quotes_count",
}
AUTHOR_COLUMNS = ["author_id", "platform", "scope", "handle", "followers"]


def host_of(instance: str) -> str:
    """``mastodon.social`` for ``https://mastodon.social/``: what local ids are local to."""
    return (urlsplit(instance).netloc or instance).lower()


def post_id_for(uri: str) -> str:
    return f"{PLATFORM}:" + hashlib.sha1(uri.encode()).hexdigest()[:24]


def channel_for(instance: str, stream: str) -> dict:
    """The channel of one instance's stream: ``#tag`` or ``public``."""
    base = instance.rstrip("/")
    url = f"{base}/tags/{stream[1:]}" if stream.startswith("#") else f"{base}/public"
    return {
        "channel_id": f"{PLATFORM}:{host_of(instance)}/{stream}",
        "platform": PLATFORM,
        "scope": "external",
        "name": f"Mastodon {host_of(instance)} {stream}",
        "sensitivity": "public",
        "purpose": "listening",
        "url": url,
    }


def page_to_rows(payload: dict, fetched_at: datetime) -> Rows:
    """Rows for one page of statuses (and deletes) from one instance's stream. Pure."""
    taken_at = _naive_utc(fetched_at)
    instance, host = payload["instance"], host_of(payload["instance"])
    channel = channel_for(instance, payload["stream"])
    posts: list[dict] = []
    snapshots: list[dict] = []
    authors: dict[str, dict] = {}
    skipped: list[dict] = []
    for status in payload.get("statuses") or []:
        try:
            found = _status_rows(status, host, channel["channel_id"], taken_at)
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            local = status.get("id", "?") if isinstance(status, dict) else "?"
            skipped.append({"item": f"status {host}:{local}", "reason": _first_line(error)})
            continue
        for post, snapshot, author in found:
            posts.append(post)
            snapshots.append(snapshot)
            if author:
                authors[author["author_id"]] = author
    rows: Rows = {SKIPPED: pd.DataFrame(skipped)} if skipped else {}
    by_native = {post["native_id"]: post for post in posts}
    _link_parents(posts, by_native, rows)
    _deletes(payload.get("deleted") or [], host, by_native, rows)
    if not posts:
        return rows
    frame = pd.DataFrame(posts).drop(columns="_parent_native")
    frame = frame.drop_duplicates("post_id", keep="last")  # an edit in the page wins
    counts = {column: "Int64" for column in [*SNAPSHOT_COUNTS, "author_followers"]}
    rows.update(
        {
            "channels": pd.DataFrame([channel]),
            "authors": pd.DataFrame(list(authors.values()), columns=AUTHOR_COLUMNS).astype(
                {"followers": "Int64"}
            ),
            "posts": frame,
            "post_channels": pd.DataFrame(
                {"post_id": frame["post_id"], "channel_id": channel["channel_id"]}
            ).assign(seen_at=taken_at),
            "engagement_snapshots": pd.DataFrame(snapshots)
            .drop_duplicates("post_id", keep="last")
            .astype(counts),
        }
    )
    return rows


def _status_rows(
    status: Any, host: str, channel_id: str, taken_at: datetime
) -> list[tuple[dict, dict, dict | None]]:
    """The status's rows, and before them its reblogged status's when it is a reblog."""
    if not isinstance(status, dict):
        raise TypeError("status is not an object")
    reblogged = status.get("reblog")
    found = _status_rows(reblogged, host, channel_id, taken_at) if reblogged else []
    post, snapshot, author = _one_status(status, host, channel_id, taken_at)
    if reblogged:
        original = found[-1][0]
        post.update(
            kind="share",
            parent_id=original["post_id"],
            thread_id=original["thread_id"],
            text=original["text"],
            language=post["language"] or original["language"],
            _parent_native=None,
        )
    return [*found, (post, snapshot, author)]


def _one_status(
    status: dict, host: str, channel_id: str, taken_at: datetime
) -> tuple[dict, dict, dict | None]:
    local_id = str(status["id"])
    if not local_id:
        raise ValueError("empty id")
    uri = status.get("uri") or f"https://{host}/statuses/{local_id}"
    if not isinstance(uri, str):
        raise TypeError("uri is not a string")
    content = status.get("content") or ""
    if not isinstance(content, str):
        raise TypeError("content is not a string")
    text = html_to_text(content)
    warning = status.get("spoiler_text")
    if isinstance(warning, str) and warning.strip():
        text = f"{warning.strip()} {text}".strip()
    post_id = post_id_for(uri)
    parent = status.get("in_reply_to_id")
    account = status.get("account") or None
    author = _author(account, host) if account else None
    followers = author["followers"] if author else None
    post = {
        "post_id": post_id,
        "platform": PLATFORM,
        "native_id": f"{host}:{local_id}",
        "channel_id": channel_id,
        "author_id": author["author_id"] if author else None,
        "created_at": parse_time(status["created_at"]),
        "text": text,
        "language": status.get("language") or None,
        "url": status.get("url") or uri,
        "parent_id": None,
        "thread_id": None if parent else post_id,
        "kind": "reply" if parent else "post",
        "raw": json.dumps(status, ensure_ascii=False, default=str),
        "collected_at": taken_at,
        "_parent_native": f"{host}:{parent}" if parent else None,
    }
    snapshot = {
        "post_id": post_id,
        "taken_at": taken_at,
        **{column: _count(status, key) for column, key in SNAPSHOT_COUNTS.items()},
        "author_followers": followers,
    }
    return post, snapshot, author


def _author(account: dict, host: str) -> dict:
    """``@name@domain`` for everyone: ``acct`` leaves the domain out for local accounts."""
    acct = account["acct"]
    if not isinstance(acct, str) or not acct:
        raise ValueError("account without acct")
    full = acct if "@" in acct else f"{acct}@{host}"
    return {
        "author_id": f"{PLATFORM}:{full.lower()}",
        "platform": PLATFORM,
        "scope": "external",
        "handle": f"@{full}",
        "followers": _count(account, "followers_count"),
    }


def _link_parents(posts: list[dict], by_native: dict, rows: Rows) -> None:
    """Point replies at parents in the page; list the others for the warehouse to resolve."""
    unresolved = []
    for post in posts:
        parent = by_native.get(post["_parent_native"]) if post["_parent_native"] else None
        if parent:
            post["parent_id"] = parent["post_id"]
            post["thread_id"] = parent["thread_id"] or parent["post_id"]
        elif post["_parent_native"]:
            unresolved.append({"post_id": post["post_id"], "native_id": post["_parent_native"]})
    if unresolved:
        rows[UNRESOLVED_PARENTS] = pd.DataFrame(unresolved).drop_duplicates("post_id")


def _deletes(local_ids: list, host: str, by_native: dict, rows: Rows) -> None:
    natives = [f"{host}:{local}" for local in dict.fromkeys(str(i) for i in local_ids)]
    known = [by_native[n]["post_id"] for n in natives if n in by_native]
    unknown = [n for n in natives if n not in by_native]
    if known:
        rows[DELETED] = pd.DataFrame({"post_id": known})
    if unknown:
        rows[UNRESOLVED_DELETES] = pd.DataFrame({"native_id": unknown})


def resolve_references(con, rows: Rows) -> Rows:
    """Resolve, in the warehouse, the deletes and reply parents a page named by local id only:
    a delete becomes a ``DELETED`` post id, a reply gets its parent and thread. Runs inside the
    page's transaction; what the warehouse does not hold stays unresolved (removes nothing)."""
    rows = dict(rows)
    deletes = rows.pop(UNRESOLVED_DELETES, None)
    parents = rows.pop(UNRESOLVED_PARENTS, None)
    if deletes is not None and not deletes.empty:
        found = _stored(con, deletes["native_id"].tolist())
        if found:
            known = pd.DataFrame({"post_id": [post for post, _ in found.values()]})
            rows[DELETED] = pd.concat([rows.get(DELETED), known], ignore_index=True)
    posts = rows.get("posts")
    if parents is not None and not parents.empty and posts is not None:
        found = _stored(con, parents["native_id"].tolist())
        parent_of = {
            row.post_id: found[row.native_id]
            for row in parents.itertuples()
            if row.native_id in found
        }
        if parent_of:
            posts = posts.copy()
            hit = posts["post_id"].isin(list(parent_of))
            posts.loc[hit, "parent_id"] = posts.loc[hit, "post_id"].map(
                lambda post: parent_of[post][0]
            )
            posts.loc[hit, "thread_id"] = posts.loc[hit, "post_id"].map(
                lambda post: parent_of[post][1] or parent_of[post][0]
            )
            rows["posts"] = posts
    return rows


def _stored(con, natives: list[str]) -> dict[str, tuple[str, str | None]]:
    """native id -> (post id, thread id) of the stored Mastodon posts among ``natives``."""
    found = con.execute(
        "SELECT native_id, post_id, thread_id FROM posts "
        "WHERE platform = ? AND list_contains(?::VARCHAR[], native_id)",
        [PLATFORM, natives],
    ).fetchall()
    return {native: (post, thread) for native, post, thread in found}


def parse_time(value: Any) -> datetime:
    """UTC without a zone, from the API's ISO 8601 text or a parsed datetime."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return _naive_utc(moment)


def newest_id(ids: list, current: str | None = None) -> str | None:
    """The newest of status ids: Mastodon's are numbers in text, compared as numbers (other
    servers' alphanumeric ids compare as text, longer being newer)."""
    candidates = [str(i) for i in ids if i is not None and str(i)]
    if current:
        candidates.append(current)
    return max(candidates, key=lambda i: (len(i), i), default=None)


def plain(value: Any) -> Any:
    """Plain JSON of what Mastodon.py returns: its entities are dicts and lists with datetimes
    and id types inside; fields it filled in as absent (``None``) are left out."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, datetime):
        return _naive_utc(value).isoformat() + "Z"
    if isinstance(value, bool | int | float) or value is None:
        return value
    return str(value)


def _count(data: dict, key: str) -> int | None:
    value = data.get(key)
    return None if value is None else int(value)


def _naive_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def _first_line(error: BaseException) -> str:
    return (str(error).splitlines() or [type(error).__name__])[0]
