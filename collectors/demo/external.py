"""Demo brand conversations: mentions of Northwind and two competitors on X, Reddit and news feeds.

Everything is drawn from one seeded generator with numpy, so a million mentions take seconds and
the same seed gives the same rows. The shape is what listening teams see: heavy-tailed followers
and engagement, reposts that repeat text, a launch peak, and a two-day crisis that starts within
hours.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from collectors.demo import texts
from collectors.demo.calendar import DAY, HOUR, DemoCalendar

BRANDS = ("Northwind", "Summitline", "Kestrel Gear")
COMPETITOR = (False, True, True)
BRAND_SHARE = (0.45, 0.35, 0.20)
# How each brand is written in a post, and the rule that a match on that form records.
BRAND_FORMS = (
    (
        ("Northwind", "keyword:Northwind"),
        ("@northwind", "handle:@northwind"),
        ("#northwind", "keyword:#northwind"),
        ("Northwind Outfitters", "phrase:Northwind Outfitters"),
    ),
    (("Summitline", "keyword:Summitline"), ("@summitline", "handle:@summitline")),
    (
        ("Kestrel Gear", "phrase:Kestrel Gear"),
        ("#kestrelgear", "keyword:#kestrelgear"),
        ("@kestrelgear", "handle:@kestrelgear"),
    ),
)
TONES = ("positive", "neutral", "negative")
TONE_SHARE = ((0.42, 0.38, 0.20), (0.45, 0.37, 0.18), (0.35, 0.40, 0.25))
PLATFORM_SHARE = {"x": 0.55, "reddit": 0.28, "rss": 0.17}
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
REPOST_SHARE = 0.30


def _handles(rng: np.random.Generator, n: int, prefix: str = "") -> np.ndarray:
    first = np.asarray(HANDLE_WORDS)[rng.integers(0, len(HANDLE_WORDS), n)]
    second = np.asarray(HANDLE_WORDS)[rng.integers(0, len(HANDLE_WORDS), n)]
    unique = np.char.add(np.char.add(first, second), np.arange(n).astype(str))
    return np.char.add(prefix, unique).astype(object)


def _counts(values: np.ndarray) -> pd.Series:
    """Whole counts with negative values meaning 'the platform does not report it' (NULL)."""
    return pd.Series(np.floor(values), dtype="Int64").mask(values < 0)


def _skewed_index(rng: np.random.Generator, pool: int, n: int) -> np.ndarray:
    """Indices into a pool where a few members are drawn often and most rarely (like authors)."""
    return np.minimum((pool * rng.random(n) ** 3).astype(np.int64), pool - 1)


def _brand_text_forms(rng: np.random.Generator, brand: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    form = np.empty(len(brand), dtype=object)
    rule = np.empty(len(brand), dtype=object)
    for b, forms in enumerate(BRAND_FORMS):
        rows = np.flatnonzero(brand == b)
        pick = rng.integers(0, len(forms), len(rows))
        form[rows] = np.asarray([f for f, _ in forms], dtype=object)[pick]
        rule[rows] = np.asarray([r for _, r in forms], dtype=object)[pick]
    return form, rule


def _originals(rng: np.random.Generator, cal: DemoCalendar, base: int, crisis: int, launch: int):
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


def generate_mentions(
    rng: np.random.Generator, n: int, cal: DemoCalendar
) -> dict[str, pd.DataFrame]:
    """``n`` external posts with their channels, authors, engagement snapshots and brand matches."""
    reposts = round(n * REPOST_SHARE)
    replies = round(n * 0.03)
    owned = min(156, n // 100)
    crisis = round(n * 0.025)
    launch = round(n * 0.015)
    base = n - reposts - replies - owned - crisis - launch
    brand, tone, seconds, platform = _originals(rng, cal, base, crisis, launch)
    orig = len(brand)

    # Authors: heavy-tailed pools per platform, a few prolific, most seen once or twice.
    x_pool, reddit_pool = max(50, orig // 3), max(30, orig // 5)
    x_handles, reddit_handles = _handles(rng, x_pool), _handles(rng, reddit_pool, "u_")
    x_followers = np.floor(rng.lognormal(5.5, 1.9, x_pool)).astype(np.int64)
    author_idx = np.where(
        platform == "x",
        _skewed_index(rng, x_pool, orig),
        np.where(
            platform == "reddit",
            _skewed_index(rng, reddit_pool, orig),
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

    # Reddit: 40% of items are comments in an earlier submission's thread.
    is_reddit = platform == "reddit"
    reddit_rows = np.flatnonzero(is_reddit)
    comment = np.zeros(orig, dtype=bool)
    comment[reddit_rows[rng.random(len(reddit_rows)) < 0.4]] = True
    submissions = np.flatnonzero(is_reddit & ~comment)
    parent = np.full(orig, -1, dtype=np.int64)
    if len(submissions):
        parent[comment] = submissions[rng.integers(0, len(submissions), comment.sum())]
        seconds[comment] = np.minimum(
            seconds[parent[comment]] + rng.exponential(5 * HOUR, comment.sum()).astype(int),
            cal.days * DAY - 1,
        )
    else:
        comment[:] = False

    form, rule = _brand_text_forms(rng, brand)
    city_idx = rng.integers(0, len(texts.CITIES), orig)
    cities = np.asarray([c[1] for c in texts.CITIES], dtype=object)
    text = np.empty(orig, dtype=object)
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
                city=cities[city_idx[rows]],
                other=("last year's", "cheaper", "older"),
                pos=texts.POSITIVE_EMOJI,
                neg=texts.NEGATIVE_EMOJI,
                link=texts.LINKS,
                tag=("#hiking", "#camping", "#outdoors", "#gear", ""),
            )

    # Most X posts address someone, which is also what makes real mention texts distinct.
    addressed = np.flatnonzero((platform == "x") & (rng.random(orig) < 0.6))
    text[addressed] = np.char.add(
        np.char.add("@", x_handles[rng.integers(0, x_pool, len(addressed))].astype(str)),
        np.char.add(" ", text[addressed].astype(str)),
    ).astype(object)

    # Engagement: quality is heavy-tailed; on X it scales with the author's audience.
    quality = rng.lognormal(0, 1.2, orig)
    likes = np.where(
        platform == "x",
        np.floor(np.maximum(followers, 1) ** 0.6 * 0.3 * quality),
        np.where(is_reddit, np.floor(rng.lognormal(2.0, 1.5, orig)), -1),
    )
    likes[tone == "crisis"] *= 4
    shares = np.where(platform == "x", np.floor(likes * 0.15 * rng.lognormal(0, 0.8, orig)), -1)
    reply_counts = np.where(
        platform == "rss", -1, np.floor(np.maximum(likes, 0) * 0.08 * rng.lognormal(0, 0.8, orig))
    )
    views = np.where(platform == "x", np.floor(followers * 0.3 * quality + likes * 20), -1)

    # Reposts on X copy a popular original's text word for word.
    x_rows = np.flatnonzero(platform == "x")
    weight = shares[x_rows] + 1.0
    source = x_rows[rng.choice(len(x_rows), size=reposts, p=weight / weight.sum())]
    repost_handle_idx = _skewed_index(rng, x_pool, reposts)
    # The brand answers a fifth of the X mentions of Northwind that are not positive.
    answerable = np.flatnonzero(
        (platform == "x") & (brand == 0) & (tone != "positive") & (tone != "launch")
    )
    answered = (
        answerable[rng.permutation(len(answerable))[:replies]]
        if len(answerable)
        else (np.zeros(0, dtype=np.int64))
    )
    replies = len(answered)

    native = np.arange(orig + reposts + replies + owned) + 1_830_000_000_000_000_000
    all_seconds = np.concatenate(
        [
            seconds,
            np.minimum(
                seconds[source] + rng.exponential(6 * HOUR, reposts).astype(int), cal.days * DAY - 1
            ),
            np.minimum(
                seconds[answered] + rng.lognormal(np.log(2 * HOUR), 1.0, replies).astype(int),
                cal.days * DAY - 1,
            ),
            np.linspace(0, cal.days * DAY - 1, owned).astype(int) + 15 * HOUR,
        ]
    )
    all_seconds = np.minimum(all_seconds, cal.days * DAY - 1)
    total = len(all_seconds)
    kinds = np.concatenate(
        [
            np.where(comment, "reply", "post").astype(object),
            np.full(reposts, "share", dtype=object),
            np.full(replies, "reply", dtype=object),
            np.full(owned, "post", dtype=object),
        ]
    )
    platforms = np.concatenate([platform, np.full(reposts + replies + owned, "x", dtype=object)])
    handles = np.concatenate(
        [handle, x_handles[repost_handle_idx], np.full(replies + owned, OWNED_HANDLE, dtype=object)]
    )
    owned_text = texts.fill(
        rng, texts.OWNED_POSTS, owned, product=texts.PRODUCTS, city=tuple(cities), link=texts.LINKS
    )
    reply_text = [
        f"@{h} {t}"
        for h, t in zip(
            handle[answered], texts.fill(rng, texts.BRAND_REPLIES, replies), strict=True
        )
    ]
    all_text = np.concatenate(
        [
            text,
            text[source],
            np.asarray(reply_text, dtype=object),
            np.asarray(owned_text, dtype=object),
        ]
    )

    native_str = native.astype(str).astype(object)
    reddit_native = np.char.add("t3_", np.char.mod("%x", native % 10**9)).astype(object)
    rss_native = np.char.add("https://", handles.astype(str))
    rss_native = np.char.add(rss_native, np.char.add("/news/", native.astype(str))).astype(object)
    native_id = np.where(
        platforms == "x", native_str, np.where(platforms == "reddit", reddit_native, rss_native)
    )
    post_id = np.char.add(np.char.add(platforms.astype(str), ":"), native_id.astype(str)).astype(
        object
    )

    parent_id = np.full(total, None, dtype=object)
    parent_id[:orig][comment] = post_id[parent[comment]]
    parent_id[orig : orig + reposts] = post_id[source]
    parent_id[orig + reposts : orig + reposts + replies] = post_id[answered]
    thread_id = np.where(pd.isna(parent_id), post_id, parent_id)

    sub_idx = rng.integers(0, len(SUBREDDITS), total)
    # A comment lives in its submission's subreddit.
    sub_idx[:orig][comment] = sub_idx[parent[comment]]
    channel_id = np.where(
        platforms == "x",
        "x:public",
        np.where(
            platforms == "reddit",
            np.char.add("reddit:r/", np.asarray([s for s, _ in SUBREDDITS])[sub_idx]),
            np.char.add("rss:", handles.astype(str)),
        ),
    ).astype(object)
    url = np.where(
        platforms == "x",
        np.char.add(
            np.char.add(np.char.add("https://x.com/", handles.astype(str)), "/status/"),
            native_str.astype(str),
        ),
        np.where(
            platforms == "reddit",
            np.char.add("https://www.reddit.com/comments/", reddit_native.astype(str)),
            native_id.astype(str),
        ),
    ).astype(object)
    author_id = np.char.add(np.char.add(platforms.astype(str), ":"), handles.astype(str)).astype(
        object
    )
    created = cal.at(all_seconds)

    geo = np.zeros(total, dtype=bool)
    geo[:orig] = (platform == "x") & (rng.random(orig) < 0.2)
    country = np.full(total, None, dtype=object)
    city = np.full(total, None, dtype=object)
    lat = np.full(total, np.nan)
    lon = np.full(total, np.nan)
    geo_rows = np.flatnonzero(geo)
    for column, position in ((country, 0), (city, 1), (lat, 2), (lon, 3)):
        column[geo_rows] = np.asarray([c[position] for c in texts.CITIES])[city_idx[geo_rows]]

    posts = pd.DataFrame(
        {
            "post_id": post_id,
            "platform": platforms,
            "native_id": native_id,
            "channel_id": channel_id,
            "author_id": author_id,
            "created_at": created,
            "text": all_text,
            "language": "en",
            "url": url,
            "parent_id": parent_id,
            "thread_id": thread_id,
            "kind": kinds,
            "country": country,
            "city": city,
            "lat": lat,
            "lon": lon,
            "collected_at": created + np.timedelta64(90, "s"),
        }
    )

    # Engagement snapshots: one an hour after posting, one a day after (growth is kept).
    engaged = np.flatnonzero(platforms != "rss")
    final = {
        "likes": np.concatenate(
            [
                likes,
                np.floor(rng.lognormal(0, 1.0, reposts)),
                np.floor(rng.lognormal(0.5, 1.0, replies)),
                np.floor(rng.lognormal(4.0, 1.0, owned)),
            ]
        ),
        "shares": np.concatenate(
            [shares, np.zeros(reposts), np.zeros(replies), np.floor(rng.lognormal(2.0, 1.0, owned))]
        ),
        "replies": np.concatenate(
            [
                reply_counts,
                np.zeros(reposts),
                np.zeros(replies),
                np.floor(rng.lognormal(1.5, 1.0, owned)),
            ]
        ),
        "views": np.concatenate(
            [
                views,
                np.full(reposts, -1),
                np.full(replies, -1),
                np.floor(rng.lognormal(8.0, 0.8, owned)),
            ]
        ),
    }
    author_followers = np.concatenate(
        [followers, x_followers[repost_handle_idx], np.full(replies + owned, 48_200)]
    )
    snapshots = []
    for delay, fraction in ((HOUR, 0.4), (DAY, 1.0)):
        frame = {
            "post_id": post_id[engaged],
            "taken_at": created[engaged] + np.timedelta64(delay, "s"),
        }
        for name, values in final.items():
            frame[name] = _counts(values[engaged] * fraction)
        frame["quotes"] = _counts(np.maximum(final["shares"][engaged], 0) * 0.1 * fraction)
        frame["author_followers"] = _counts(author_followers[engaged])
        snapshots.append(pd.DataFrame(frame))

    matched = np.concatenate(
        [np.arange(orig), orig + np.arange(reposts), orig + reposts + replies + np.arange(owned)]
    )
    match_brand = np.concatenate([brand, brand[source], np.zeros(owned, dtype=np.int64)])
    match_rule = np.concatenate(
        [rule, rule[source], np.full(owned, "keyword:#northwind", dtype=object)]
    )
    brand_matches = pd.DataFrame(
        {
            "post_id": post_id[matched],
            "brand": np.asarray(BRANDS, dtype=object)[match_brand],
            "is_competitor": np.asarray(COMPETITOR)[match_brand],
            "rule": match_rule,
        }
    )

    authors = (
        pd.DataFrame(
            {
                "author_id": author_id,
                "platform": platforms,
                "handle": handles,
                "followers": _counts(author_followers),
            }
        )
        .drop_duplicates("author_id")
        .assign(
            scope="external",
            is_owned=lambda df: df.handle == OWNED_HANDLE,
            is_executive=False,
            in_directory=False,
        )
    )
    channels = pd.DataFrame(
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
    return {
        "channels": channels,
        "authors": authors,
        "posts": posts,
        "engagement_snapshots": pd.concat(snapshots, ignore_index=True),
        "brand_matches": brand_matches,
    }
