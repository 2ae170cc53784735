"""Turning the drawn demo mentions into ``posts`` rows: the ids each platform would give them,
their threads, channels and links, and the places of the few that are geotagged.

Ids follow the platforms' own shapes (X's 19-digit numbers, Reddit's ``t3_`` base-36-like ids,
a news article's URL) so that the demo exercises the same parsing as collected rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from collectors.demo import texts
from collectors.demo.calendar import DemoCalendar
from collectors.demo.external_sources import SUBREDDITS


@dataclass(frozen=True)
class Mentions:
    """Every mention in row order: originals, then reposts, brand replies and owned posts."""

    seconds: np.ndarray
    kind: np.ndarray
    platform: np.ndarray
    handle: np.ndarray
    text: np.ndarray
    parent_row: np.ndarray  # the row a mention answers or repeats; -1 for none
    originals: int


@dataclass(frozen=True)
class Identity:
    """What identifies each mention and places it in a thread and in time."""

    native_id: np.ndarray
    post_id: np.ndarray
    parent_id: np.ndarray
    thread_id: np.ndarray
    url: np.ndarray
    author_id: np.ndarray
    created: np.ndarray


def _prefixed(platform: np.ndarray, value: np.ndarray) -> np.ndarray:
    """``platform:value``, the warehouse's key shape for posts and authors."""
    return np.char.add(np.char.add(platform.astype(str), ":"), value.astype(str)).astype(object)


def identify(mentions: Mentions, cal: DemoCalendar) -> Identity:
    """Native and warehouse ids, parents and threads, links and timestamps of every mention."""
    platform, handle = mentions.platform, mentions.handle
    native = np.arange(len(mentions.seconds)) + 1_830_000_000_000_000_000
    native_str = native.astype(str).astype(object)
    reddit_native = np.char.add("t3_", np.char.mod("%x", native % 10**9)).astype(object)
    rss_native = np.char.add("https://", handle.astype(str))
    rss_native = np.char.add(rss_native, np.char.add("/news/", native.astype(str))).astype(object)
    native_id = np.where(
        platform == "x", native_str, np.where(platform == "reddit", reddit_native, rss_native)
    )
    post_id = _prefixed(platform, native_id)

    parent_id = np.full(len(post_id), None, dtype=object)
    has_parent = np.flatnonzero(mentions.parent_row >= 0)
    parent_id[has_parent] = post_id[mentions.parent_row[has_parent]]
    thread_id = np.where(pd.isna(parent_id), post_id, parent_id)

    url = np.where(
        platform == "x",
        np.char.add(
            np.char.add(np.char.add("https://x.com/", handle.astype(str)), "/status/"),
            native_str.astype(str),
        ),
        np.where(
            platform == "reddit",
            np.char.add("https://www.reddit.com/comments/", reddit_native.astype(str)),
            native_id.astype(str),
        ),
    ).astype(object)
    author_id = _prefixed(platform, handle)
    created = cal.at(mentions.seconds)
    return Identity(native_id, post_id, parent_id, thread_id, url, author_id, created)


def _channel_ids(rng: np.random.Generator, mentions: Mentions) -> np.ndarray:
    """Public X, a subreddit (a comment's is its submission's) or the news site's feed."""
    sub_idx = rng.integers(0, len(SUBREDDITS), len(mentions.seconds))
    comments = np.flatnonzero(mentions.parent_row[: mentions.originals] >= 0)
    sub_idx[comments] = sub_idx[mentions.parent_row[comments]]
    return np.where(
        mentions.platform == "x",
        "x:public",
        np.where(
            mentions.platform == "reddit",
            np.char.add("reddit:r/", np.asarray([s for s, _ in SUBREDDITS])[sub_idx]),
            np.char.add("rss:", mentions.handle.astype(str)),
        ),
    ).astype(object)


def _places(
    rng: np.random.Generator, mentions: Mentions, city_idx: np.ndarray
) -> tuple[np.ndarray, ...]:
    """Country, city, latitude and longitude: a fifth of original X posts are geotagged at the
    city their text names; everything else has no place."""
    total, orig = len(mentions.seconds), mentions.originals
    geo = np.zeros(total, dtype=bool)
    geo[:orig] = (mentions.platform[:orig] == "x") & (rng.random(orig) < 0.2)
    country = np.full(total, None, dtype=object)
    city = np.full(total, None, dtype=object)
    lat = np.full(total, np.nan)
    lon = np.full(total, np.nan)
    geo_rows = np.flatnonzero(geo)
    for column, position in ((country, 0), (city, 1), (lat, 2), (lon, 3)):
        column[geo_rows] = np.asarray([c[position] for c in texts.CITIES])[city_idx[geo_rows]]
    return country, city, lat, lon


def post_rows(
    rng: np.random.Generator, mentions: Mentions, ids: Identity, city_idx: np.ndarray
) -> pd.DataFrame:
    """The ``posts`` rows, collected a minute and a half after they were written."""
    channel_id = _channel_ids(rng, mentions)
    country, city, lat, lon = _places(rng, mentions, city_idx)
    return pd.DataFrame(
        {
            "post_id": ids.post_id,
            "platform": mentions.platform,
            "native_id": ids.native_id,
            "channel_id": channel_id,
            "author_id": ids.author_id,
            "created_at": ids.created,
            "text": mentions.text,
            "language": "en",
            "url": ids.url,
            "parent_id": ids.parent_id,
            "thread_id": ids.thread_id,
            "kind": mentions.kind,
            "country": country,
            "city": city,
            "lat": lat,
            "lon": lon,
            "collected_at": ids.created + np.timedelta64(90, "s"),
        }
    )
