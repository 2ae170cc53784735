"""Where the demo's brand conversations happen and who holds them: X accounts, Reddit users in
four outdoor subreddits, and a handful of news sites.

Author pools are heavy-tailed, as on real platforms: a few accounts post often and most are seen
once or twice, which is what makes influencer and share-of-voice figures worth computing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

SUBREDDITS = (
    ("CampingGear", 410_000),
    ("hiking", 2_300_000),
    ("Ultralight", 720_000),
    ("BuyItForLife", 1_900_000),
)
SITES = (
    "outdoorjournal.example",
    "gearreview.example",
    "trailnews.example",
    "retailwire.example",
    "adventuredaily.example",
    "summitpost.example",
)
HANDLE_WORDS = (
    "trail",
    "peak",
    "hiker",
    "camp",
    "river",
    "alpine",
    "north",
    "wild",
    "moss",
    "pine",
    "ridge",
    "canyon",
    "lake",
    "fern",
    "stone",
    "cloud",
)
OWNED_HANDLE = "northwind"
OWNED_FOLLOWERS = 48_200


@dataclass(frozen=True)
class Authors:
    """The X pool (reposters and addressees are drawn from it too) and each original's author."""

    x_handles: np.ndarray
    x_followers: np.ndarray
    handle: np.ndarray  # per original mention
    followers: np.ndarray  # per original mention; -1 where the platform does not report it

    @property
    def x_pool(self) -> int:
        return len(self.x_handles)


def handles(rng: np.random.Generator, n: int, prefix: str = "") -> np.ndarray:
    """``n`` distinct handles made of two outdoor words and a number."""
    first = np.asarray(HANDLE_WORDS)[rng.integers(0, len(HANDLE_WORDS), n)]
    second = np.asarray(HANDLE_WORDS)[rng.integers(0, len(HANDLE_WORDS), n)]
    unique = np.char.add(np.char.add(first, second), np.arange(n).astype(str))
    return np.char.add(prefix, unique).astype(object)


def skewed_index(rng: np.random.Generator, pool: int, n: int) -> np.ndarray:
    """Indices into a pool where a few members are drawn often and most rarely (like authors)."""
    return np.minimum((pool * rng.random(n) ** 3).astype(np.int64), pool - 1)


def draw_authors(rng: np.random.Generator, platform: np.ndarray) -> Authors:
    """Who wrote each original mention: an X account, a Reddit user or a news site."""
    orig = len(platform)
    x_pool, reddit_pool = max(50, orig // 3), max(30, orig // 5)
    x_handles, reddit_handles = handles(rng, x_pool), handles(rng, reddit_pool, "u_")
    x_followers = np.floor(rng.lognormal(5.5, 1.9, x_pool)).astype(np.int64)
    author_idx = np.where(
        platform == "x",
        skewed_index(rng, x_pool, orig),
        np.where(
            platform == "reddit",
            skewed_index(rng, reddit_pool, orig),
            rng.integers(0, len(SITES), orig),
        ),
    )
    handle = np.where(
        platform == "x",
        x_handles[np.minimum(author_idx, x_pool - 1)],
        np.where(
            platform == "reddit",
            reddit_handles[np.minimum(author_idx, reddit_pool - 1)],
            np.asarray(SITES, dtype=object)[author_idx % len(SITES)],
        ),
    )
    followers = np.where(platform == "x", x_followers[np.minimum(author_idx, x_pool - 1)], -1)
    return Authors(x_handles, x_followers, handle, followers)


def author_rows(
    author_id: np.ndarray, platform: np.ndarray, handle: np.ndarray, followers: pd.Series
) -> pd.DataFrame:
    """The ``authors`` rows, one per account; only Northwind's own account is owned."""
    return (
        pd.DataFrame(
            {"author_id": author_id, "platform": platform, "handle": handle, "followers": followers}
        )
        .drop_duplicates("author_id")
        .assign(
            scope="external",
            is_owned=lambda df: df.handle == OWNED_HANDLE,
            is_executive=False,
            in_directory=False,
        )
    )


def channel_rows() -> pd.DataFrame:
    """The ``channels`` rows: public X, one per subreddit (with its audience) and one per site."""
    return pd.DataFrame(
        [("x:public", "x", "X", None, None)]
        + [(f"reddit:r/{s}", "reddit", f"r/{s}", "topic", s) for s, _ in SUBREDDITS]
        + [(f"rss:{site}", "rss", site, None, None) for site in SITES],
        columns=["channel_id", "platform", "name", "segment_type", "segment_value"],
    ).assign(
        scope="external",
        sensitivity="public",
        purpose="listening",
        audience_size=[None] + [subs for _, subs in SUBREDDITS] + [None] * len(SITES),
        url=["https://x.com"]
        + [f"https://www.reddit.com/r/{s}" for s, _ in SUBREDDITS]
        + [f"https://{site}/feed.xml" for site in SITES],
    )
