"""X tweets into warehouse rows: pure, so recorded pages and stored payloads rebuild the same rows.

A tweet keeps every field the API may leave out (author, metrics, place, language) as absent,
and derives what follows from the tweet itself: its time from its id (a snowflake) when the
page lacks ``created_at``, as the default-fields search does. What cannot be stored at all is
listed in the rows' ``SKIPPED`` frame with its reason, for the run to report.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pandas as pd

from collectors.base import SKIPPED, Rows

CHANNEL_ID = "x:public"
TWITTER_EPOCH = datetime(2010, 11, 4, 1, 42, 54, 657000)
FIRST_SNOWFLAKE = 29_700_859_247  # the first tweet id of November 2010 that is a snowflake

# A tweet that is several of these (a reply that quotes) takes the first kind listed.
KIND_OF_REFERENCE = {"retweeted": "share", "replied_to": "reply", "quoted": "post"}
SNAPSHOT_COUNTS = {
    "likes": "like_count",
    "shares": "retweet_count",
    "replies": "reply_count",
    "quotes": "quote_count",
    "views": "impression_count",
}


def search_to_rows(payload: dict, fetched_at: datetime) -> Rows:
    """Rows for one search page. Pure: the same payload always gives the same rows."""
    taken_at = _naive_utc(fetched_at)
    includes = payload.get("includes") or {}
    users = {u.get("id"): u for u in includes.get("users") or [] if isinstance(u, dict)}
    places = {p.get("id"): p for p in includes.get("places") or [] if isinstance(p, dict)}
    posts, snapshots, authors, skipped = [], [], {}, []
    for tweet in payload.get("data") or []:
        try:
            post, snapshot, author = _tweet_rows(tweet, users, places, taken_at)
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            tweet_id = tweet.get("id", "?") if isinstance(tweet, dict) else "?"
            skipped.append({"item": f"tweet {tweet_id}", "reason": first_line(error)})
            continue
        posts.append(post)
        snapshots.append(snapshot)
        if author:
            authors[author["author_id"]] = author
    if not posts:
        return {SKIPPED: pd.DataFrame(skipped)} if skipped else {}
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
        "authors": pd.DataFrame(
            list(authors.values()),
            columns=["author_id", "platform", "scope", "handle", "followers"],
        ).astype({"followers": "Int64"}),
        "posts": posts_frame,
        "post_channels": pd.DataFrame(
            {"post_id": posts_frame["post_id"], "channel_id": CHANNEL_ID, "seen_at": taken_at}
        ),
        "engagement_snapshots": pd.DataFrame(snapshots).drop_duplicates("post_id").astype(counts),
        **({SKIPPED: pd.DataFrame(skipped)} if skipped else {}),
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
        "created_at": (
            _parse_time(tweet["created_at"])
            if tweet.get("created_at")
            else snowflake_time(native_id)
        ),
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


def snowflake_time(tweet_id: str) -> datetime:
    """When a tweet was posted, from its id: the top bits of a snowflake id are milliseconds
    since the Twitter epoch (2010-11-04 01:42:54.657 UTC)."""
    number = int(tweet_id)
    if number < FIRST_SNOWFLAKE:
        raise ValueError(f"no created_at, and id {tweet_id} predates snowflake ids")
    return TWITTER_EPOCH + timedelta(milliseconds=number >> 22)


def _parse_time(value: str) -> datetime:
    return _naive_utc(datetime.fromisoformat(value))


def _naive_utc(moment: datetime) -> datetime:
    """The warehouse stores UTC without a zone."""
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def first_line(error: BaseException) -> str:
    return (str(error).splitlines() or [type(error).__name__])[0]
