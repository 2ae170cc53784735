"""How much attention each demo mention gets: likes, shares, replies and views, and the two
engagement snapshots a collector would have taken of them.

Quality is heavy-tailed and, on X, scales with the author's audience, so a few posts dominate
reach as they do on real platforms; crisis posts draw four times the likes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from collectors.demo.calendar import DAY, HOUR


@dataclass(frozen=True)
class Engagement:
    """Counts per mention; a negative count means 'the platform does not report it'."""

    likes: np.ndarray
    shares: np.ndarray
    replies: np.ndarray
    views: np.ndarray


def counts(values: np.ndarray) -> pd.Series:
    """Whole counts with negative values meaning 'the platform does not report it' (NULL)."""
    return pd.Series(np.floor(values), dtype="Int64").mask(values < 0)


def draw_engagement(
    rng: np.random.Generator, platform: np.ndarray, followers: np.ndarray, tone: np.ndarray
) -> Engagement:
    """Engagement of the original mentions: none reported for news, no shares or views on Reddit."""
    orig = len(platform)
    quality = rng.lognormal(0, 1.2, orig)
    likes = np.where(
        platform == "x",
        np.floor(np.maximum(followers, 1) ** 0.6 * 0.3 * quality),
        np.where(platform == "reddit", np.floor(rng.lognormal(2.0, 1.5, orig)), -1),
    )
    likes[tone == "crisis"] *= 4
    shares = np.where(platform == "x", np.floor(likes * 0.15 * rng.lognormal(0, 0.8, orig)), -1)
    reply_counts = np.where(
        platform == "rss", -1, np.floor(np.maximum(likes, 0) * 0.08 * rng.lognormal(0, 0.8, orig))
    )
    views = np.where(platform == "x", np.floor(followers * 0.3 * quality + likes * 20), -1)
    return Engagement(likes, shares, reply_counts, views)


def final_engagement(
    rng: np.random.Generator, originals: Engagement, reposts: int, replies: int, owned: int
) -> dict[str, np.ndarray]:
    """Counts for every mention in row order: originals, reposts, brand replies, owned posts.

    Reposts and replies collect little; the brand's own posts are the best-seen of all.
    """
    return {
        "likes": np.concatenate(
            [
                originals.likes,
                np.floor(rng.lognormal(0, 1.0, reposts)),
                np.floor(rng.lognormal(0.5, 1.0, replies)),
                np.floor(rng.lognormal(4.0, 1.0, owned)),
            ]
        ),
        "shares": np.concatenate(
            [
                originals.shares,
                np.zeros(reposts),
                np.zeros(replies),
                np.floor(rng.lognormal(2.0, 1.0, owned)),
            ]
        ),
        "replies": np.concatenate(
            [
                originals.replies,
                np.zeros(reposts),
                np.zeros(replies),
                np.floor(rng.lognormal(1.5, 1.0, owned)),
            ]
        ),
        "views": np.concatenate(
            [
                originals.views,
                np.full(reposts, -1),
                np.full(replies, -1),
                np.floor(rng.lognormal(8.0, 0.8, owned)),
            ]
        ),
    }


def snapshot_rows(
    post_id: np.ndarray,
    created: np.ndarray,
    platform: np.ndarray,
    final: dict[str, np.ndarray],
    author_followers: np.ndarray,
) -> pd.DataFrame:
    """The ``engagement_snapshots`` rows: one an hour after posting at 40% of the final counts,
    one a day after at all of them, so growth between snapshots is there to measure."""
    engaged = np.flatnonzero(platform != "rss")
    snapshots = []
    for delay, fraction in ((HOUR, 0.4), (DAY, 1.0)):
        frame = {
            "post_id": post_id[engaged],
            "taken_at": created[engaged] + np.timedelta64(delay, "s"),
        }
        for name, values in final.items():
            frame[name] = counts(values[engaged] * fraction)
        frame["quotes"] = counts(np.maximum(final["shares"][engaged], 0) * 0.1 * fraction)
        frame["author_followers"] = counts(author_followers[engaged])
        snapshots.append(pd.DataFrame(frame))
    return pd.concat(snapshots, ignore_index=True)
