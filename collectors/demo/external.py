"""Demo brand conversations: mentions of Northwind and two competitors on X, Reddit and news feeds.

Everything is drawn from one seeded generator with numpy, so a million mentions take seconds and
the same seed gives the same rows. The shape is what listening teams see: heavy-tailed followers
and engagement, reposts that repeat text, a launch peak, and a two-day crisis that starts within
hours.

The steps below draw in a fixed order from the one generator; reordering them changes every row
after the first moved draw, so a new step belongs at the end.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from collectors.demo import texts
from collectors.demo.brands import BRAND_SHARE, brand_matches, brand_text_forms
from collectors.demo.calendar import DAY, HOUR, DemoCalendar
from collectors.demo.external_engagement import (
    Engagement,
    counts,
    draw_engagement,
    final_engagement,
    snapshot_rows,
)
from collectors.demo.external_rows import Mentions, identify, post_rows
from collectors.demo.external_sources import (
    OWNED_FOLLOWERS,
    OWNED_HANDLE,
    Authors,
    author_rows,
    channel_rows,
    draw_authors,
    skewed_index,
)

TONES = ("positive", "neutral", "negative")
TONE_SHARE = ((0.42, 0.38, 0.20), (0.45, 0.37, 0.18), (0.35, 0.40, 0.25))
PLATFORM_SHARE = {"x": 0.55, "reddit": 0.28, "rss": 0.17}
REPOST_SHARE = 0.30
CITY_NAMES = np.asarray([c[1] for c in texts.CITIES], dtype=object)


@dataclass(frozen=True)
class Volumes:
    """How ``n`` mentions divide into everyday ones, the two episodes, reposts and the brand's."""

    base: int
    crisis: int
    launch: int
    reposts: int
    replies: int  # at most; the brand can only answer what there is to answer
    owned: int

    @classmethod
    def of(cls, n: int) -> Volumes:
        reposts = round(n * REPOST_SHARE)
        replies = round(n * 0.03)
        owned = min(156, n // 100)
        crisis = round(n * 0.025)
        launch = round(n * 0.015)
        base = n - reposts - replies - owned - crisis - launch
        return cls(base, crisis, launch, reposts, replies, owned)


@dataclass(frozen=True)
class Echoes:
    """Mentions that follow an original: X reposts and the brand's replies."""

    source: np.ndarray  # the original each repost copies
    repost_author: np.ndarray  # each reposter's index in the X pool
    answered: np.ndarray  # the originals the brand replies to


@dataclass(frozen=True)
class Originals:
    """The mentions people write themselves, everything drawn per mention before any repost."""

    brand: np.ndarray  # index into BRANDS
    tone: np.ndarray
    seconds: np.ndarray
    platform: np.ndarray
    parent: np.ndarray  # a Reddit comment's submission row; -1 for none
    text: np.ndarray
    rule: np.ndarray  # the brand match rule the text triggers
    city_idx: np.ndarray  # the city the text names, and where a geotagged post is
    authors: Authors
    engagement: Engagement


def _originals(
    rng: np.random.Generator, cal: DemoCalendar, base: int, crisis: int, launch: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Original mentions (not reposts or brand replies): brand, tone, platform and time."""
    n = base + crisis + launch
    brand = np.concatenate(
        [rng.choice(3, size=base, p=BRAND_SHARE), np.zeros(crisis + launch, dtype=np.int64)]
    )
    tone = np.empty(n, dtype=object)
    for b in range(3):
        rows = np.flatnonzero(brand[:base] == b)
        tone[rows] = np.asarray(TONES, dtype=object)[rng.choice(3, len(rows), p=TONE_SHARE[b])]
    tone[base : base + crisis] = np.where(rng.random(crisis) < 0.85, "crisis", "negative")
    tone[base + crisis :] = np.where(rng.random(launch) < 0.7, "launch", "positive")
    seconds = np.concatenate(
        [
            cal.random_seconds(rng, base),
            cal.seconds_of(cal.crisis)
            + np.minimum(rng.gamma(1.3, 9 * HOUR, crisis), cal.crisis_hours * HOUR - 1).astype(int),
            cal.seconds_of(cal.launch)
            + np.minimum(rng.exponential(30 * HOUR, launch), cal.launch_days * DAY - 1).astype(int),
        ]
    )
    platforms = np.asarray(list(PLATFORM_SHARE), dtype=object)
    platform = platforms[rng.choice(3, size=n, p=list(PLATFORM_SHARE.values()))]
    return brand, tone, seconds, platform


def _reddit_threads(
    rng: np.random.Generator, cal: DemoCalendar, platform: np.ndarray, seconds: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """40% of Reddit items are comments in an earlier submission's thread, a few hours after it.

    Returns each original's submission row (-1 for none) and the times with comments moved.
    """
    is_reddit = platform == "reddit"
    reddit_rows = np.flatnonzero(is_reddit)
    comment = np.zeros(len(platform), dtype=bool)
    comment[reddit_rows[rng.random(len(reddit_rows)) < 0.4]] = True
    submissions = np.flatnonzero(is_reddit & ~comment)
    parent = np.full(len(platform), -1, dtype=np.int64)
    seconds = seconds.copy()
    if len(submissions):
        parent[comment] = submissions[rng.integers(0, len(submissions), comment.sum())]
        seconds[comment] = np.minimum(
            seconds[parent[comment]] + rng.exponential(5 * HOUR, comment.sum()).astype(int),
            cal.days * DAY - 1,
        )
    return parent, seconds


def _original_texts(
    rng: np.random.Generator,
    form: np.ndarray,
    tone: np.ndarray,
    platform: np.ndarray,
    city_idx: np.ndarray,
    x_handles: np.ndarray,
) -> np.ndarray:
    """Texts by tone (news gets headlines), most X posts addressed to another account, which
    is also what makes real mention texts distinct."""
    text = np.empty(len(tone), dtype=object)
    for tone_name in ("positive", "neutral", "negative", "crisis", "launch"):
        for headline in (False, True):
            rows = np.flatnonzero((tone == tone_name) & ((platform == "rss") == headline))
            if not len(rows):
                continue
            templates = (texts.HEADLINES if headline else texts.EXTERNAL)[tone_name]
            text[rows] = texts.fill(
                rng,
                templates,
                len(rows),
                brand=form[rows],
                product=texts.PRODUCTS,
                city=CITY_NAMES[city_idx[rows]],
                other=("last year's", "cheaper", "older"),
                pos=texts.POSITIVE_EMOJI,
                neg=texts.NEGATIVE_EMOJI,
                link=texts.LINKS,
                tag=("#hiking", "#camping", "#outdoors", "#gear", ""),
            )
    addressed = np.flatnonzero((platform == "x") & (rng.random(len(tone)) < 0.6))
    text[addressed] = np.char.add(
        np.char.add("@", x_handles[rng.integers(0, len(x_handles), len(addressed))].astype(str)),
        np.char.add(" ", text[addressed].astype(str)),
    ).astype(object)
    return text


def _echoes(rng: np.random.Generator, volumes: Volumes, originals: Originals) -> Echoes:
    """Reposts copy a popular X original word for word; the brand answers a fifth of the X
    mentions of Northwind that are not positive."""
    brand, tone, platform = originals.brand, originals.tone, originals.platform
    shares, x_pool = originals.engagement.shares, originals.authors.x_pool
    x_rows = np.flatnonzero(platform == "x")
    weight = shares[x_rows] + 1.0
    source = x_rows[rng.choice(len(x_rows), size=volumes.reposts, p=weight / weight.sum())]
    repost_author = skewed_index(rng, x_pool, volumes.reposts)
    answerable = np.flatnonzero(
        (platform == "x") & (brand == 0) & (tone != "positive") & (tone != "launch")
    )
    answered = (
        answerable[rng.permutation(len(answerable))[: volumes.replies]]
        if len(answerable)
        else np.zeros(0, dtype=np.int64)
    )
    return Echoes(source, repost_author, answered)


def _echo_seconds(
    rng: np.random.Generator, cal: DemoCalendar, seconds: np.ndarray, echoes: Echoes, owned: int
) -> np.ndarray:
    """Reposts within hours of their original, replies about two hours after, and the brand's
    own posts spread evenly over the year."""
    end = cal.days * DAY - 1
    reposts, replies = len(echoes.source), len(echoes.answered)
    all_seconds = np.concatenate(
        [
            seconds,
            np.minimum(
                seconds[echoes.source] + rng.exponential(6 * HOUR, reposts).astype(int), end
            ),
            np.minimum(
                seconds[echoes.answered]
                + rng.lognormal(np.log(2 * HOUR), 1.0, replies).astype(int),
                end,
            ),
            np.linspace(0, end, owned).astype(int) + 15 * HOUR,
        ]
    )
    return np.minimum(all_seconds, end)


def _all_mentions(
    rng: np.random.Generator,
    cal: DemoCalendar,
    originals: Originals,
    echoes: Echoes,
    owned: int,
) -> Mentions:
    """Originals, reposts, the brand's replies and its own posts as one set of rows."""
    seconds, platform, text = originals.seconds, originals.platform, originals.text
    parent, authors = originals.parent, originals.authors
    reposts, replies = len(echoes.source), len(echoes.answered)
    all_seconds = _echo_seconds(rng, cal, seconds, echoes, owned)
    owned_text = texts.fill(
        rng,
        texts.OWNED_POSTS,
        owned,
        product=texts.PRODUCTS,
        city=tuple(CITY_NAMES),
        link=texts.LINKS,
    )
    reply_text = [
        f"@{h} {t}"
        for h, t in zip(
            authors.handle[echoes.answered],
            texts.fill(rng, texts.BRAND_REPLIES, replies),
            strict=True,
        )
    ]
    return Mentions(
        seconds=all_seconds,
        kind=np.concatenate(
            [
                np.where(parent >= 0, "reply", "post").astype(object),
                np.full(reposts, "share", dtype=object),
                np.full(replies, "reply", dtype=object),
                np.full(owned, "post", dtype=object),
            ]
        ),
        platform=np.concatenate([platform, np.full(reposts + replies + owned, "x", dtype=object)]),
        handle=np.concatenate(
            [
                authors.handle,
                authors.x_handles[echoes.repost_author],
                np.full(replies + owned, OWNED_HANDLE, dtype=object),
            ]
        ),
        text=np.concatenate(
            [
                text,
                text[echoes.source],
                np.asarray(reply_text, dtype=object),
                np.asarray(owned_text, dtype=object),
            ]
        ),
        parent_row=np.concatenate(
            [parent, echoes.source, echoes.answered, np.full(owned, -1, dtype=np.int64)]
        ),
        originals=len(seconds),
    )


def _draw_originals(rng: np.random.Generator, cal: DemoCalendar, volumes: Volumes) -> Originals:
    """Everything about the original mentions, in the order the generator has always drawn it."""
    brand, tone, seconds, platform = _originals(
        rng, cal, volumes.base, volumes.crisis, volumes.launch
    )
    authors = draw_authors(rng, platform)
    parent, seconds = _reddit_threads(rng, cal, platform, seconds)
    form, rule = brand_text_forms(rng, brand)
    city_idx = rng.integers(0, len(texts.CITIES), len(brand))
    text = _original_texts(rng, form, tone, platform, city_idx, authors.x_handles)
    engagement = draw_engagement(rng, platform, authors.followers, tone)
    return Originals(
        brand, tone, seconds, platform, parent, text, rule, city_idx, authors, engagement
    )


def generate_mentions(
    rng: np.random.Generator, n: int, cal: DemoCalendar
) -> dict[str, pd.DataFrame]:
    """``n`` external posts with their channels, authors, engagement snapshots and brand matches."""
    volumes = Volumes.of(n)
    originals = _draw_originals(rng, cal, volumes)
    echoes = _echoes(rng, volumes, originals)
    mentions = _all_mentions(rng, cal, originals, echoes, volumes.owned)
    ids = identify(mentions, cal)
    posts = post_rows(rng, mentions, ids, originals.city_idx)

    orig, reposts, replies = mentions.originals, len(echoes.source), len(echoes.answered)
    owned = volumes.owned
    final = final_engagement(rng, originals.engagement, reposts, replies, owned)
    author_followers = np.concatenate(
        [
            originals.authors.followers,
            originals.authors.x_followers[echoes.repost_author],
            np.full(replies + owned, OWNED_FOLLOWERS),
        ]
    )
    # The brand's replies are left unmatched; a repost matches what its original matched.
    matched = np.concatenate(
        [np.arange(orig), orig + np.arange(reposts), orig + reposts + replies + np.arange(owned)]
    )
    match_brand = np.concatenate(
        [originals.brand, originals.brand[echoes.source], np.zeros(owned, dtype=np.int64)]
    )
    match_rule = np.concatenate(
        [
            originals.rule,
            originals.rule[echoes.source],
            np.full(owned, "keyword:#northwind", dtype=object),
        ]
    )
    return {
        "channels": channel_rows(),
        "authors": author_rows(
            ids.author_id, mentions.platform, mentions.handle, counts(author_followers)
        ),
        "posts": posts,
        "engagement_snapshots": snapshot_rows(
            ids.post_id, ids.created, mentions.platform, final, author_followers
        ),
        "brand_matches": brand_matches(ids.post_id[matched], match_brand, match_rule),
    }
