"""Engagement, reach, share of voice, response and influencers on a hand-built day."""

from datetime import date

import pandas as pd
import pytest

from analysis.brand_daily import brand_metrics, refresh_brand_daily, unique_authors
from analysis.influencers import geo_mentions, influencers
from analysis.period import Period
from analysis.response import response_performance
from socialpulse.warehouse import connect, upsert
from tests.analysis.stored import analysed

DAY = Period(date(2026, 3, 2), date(2026, 3, 2))
# Where the fixture's clock stands: after every stamp in it, whatever day the suite runs.
AS_OF = pd.Timestamp("2026-04-01")


def post(post_id, author, minute, text, kind="post", parent=None, channel=None, **extra):
    platform = post_id.split(":")[0]
    return {
        "post_id": post_id,
        "platform": platform,
        "native_id": post_id,
        "channel_id": channel
        or {"x": "x:public", "reddit": "reddit:r/Gear", "rss": "rss:site"}[platform],
        "author_id": author,
        "text": text,
        "kind": kind,
        "parent_id": parent,
        "created_at": pd.Timestamp("2026-03-02 10:00") + pd.Timedelta(minutes=minute),
        "collected_at": pd.Timestamp("2026-03-02 12:00"),
        **extra,
    }


def snapshot(post_id, likes=0, shares=0, replies=0, quotes=0, views=0, followers=None):
    return {
        "post_id": post_id,
        "taken_at": pd.Timestamp("2026-03-03"),
        "likes": likes,
        "shares": shares,
        "replies": replies,
        "quotes": quotes,
        "views": views,
        "author_followers": followers,
    }


@pytest.fixture
def con(empty_db):
    con = connect(empty_db)
    upsert(
        con,
        "channels",
        pd.DataFrame(
            [
                {"channel_id": "x:public", "platform": "x", "scope": "external", "name": "X"},
                {
                    "channel_id": "reddit:r/Gear",
                    "platform": "reddit",
                    "scope": "external",
                    "name": "r/Gear",
                    "audience_size": 1000,
                },
                {"channel_id": "rss:site", "platform": "rss", "scope": "external", "name": "site"},
            ]
        ),
    )
    upsert(
        con,
        "authors",
        pd.DataFrame(
            [
                {
                    "author_id": a,
                    "platform": a.split(":")[0],
                    "scope": "external",
                    "handle": a,
                    "followers": f,
                    "is_owned": a == "x:northwind",
                }
                for a, f in [
                    ("x:fan", 100),
                    ("x:big", 10_000),
                    ("x:rt", 50),
                    ("x:northwind", 5000),
                    ("reddit:u1", None),
                    ("rss:site", None),
                ]
            ]
        ),
    )
    upsert(
        con,
        "posts",
        pd.DataFrame(
            [
                post("x:1", "x:fan", 0, "My Northwind jacket broke?", country="US", city="Denver"),
                post("x:2", "x:big", 5, "Summitline is great"),
                post("x:3", "x:rt", 20, "My Northwind jacket broke?", kind="share", parent="x:1"),
                post("x:4", "x:northwind", 30, "@fan so sorry, DM us", kind="reply", parent="x:1"),
                post("reddit:1", "reddit:u1", 40, "Northwind tent is awful"),
                post("reddit:2", "reddit:u1", 50, "Northwind again"),
                post("rss:1", "rss:site", 60, "Northwind store opens"),
            ]
        ),
    )
    upsert(
        con,
        "engagement_snapshots",
        pd.DataFrame(
            [
                snapshot("x:1", 10, 2, 3, 1, 500, followers=100),
                snapshot("x:2", 100, 20, 5, 0, 9000, followers=10_000),
                snapshot("x:3", followers=50),
                snapshot("reddit:1", likes=7, replies=4),
                snapshot("reddit:2", likes=1),
            ]
        ),
    )
    upsert(
        con,
        "brand_matches",
        pd.DataFrame(
            [
                {"post_id": p, "brand": b, "is_competitor": b != "Northwind", "rule": "test"}
                for p, b in [
                    ("x:1", "Northwind"),
                    ("x:2", "Summitline"),
                    ("x:3", "Northwind"),
                    ("reddit:1", "Northwind"),
                    ("reddit:2", "Northwind"),
                    ("rss:1", "Northwind"),
                ]
            ]
        ),
    )
    upsert(
        con,
        "sentiment_scores",
        pd.DataFrame(
            [
                {
                    "post_id": p,
                    "method": "vader",
                    "model_version": "t",
                    "label": label,
                    "scored_at": pd.Timestamp("2026-03-02 12:00"),
                }
                for p, label in [
                    ("x:1", "negative"),
                    ("x:2", "positive"),
                    ("x:3", "negative"),
                    ("reddit:1", "negative"),
                    ("reddit:2", "neutral"),
                    ("rss:1", "neutral"),
                ]
            ]
        ),
    )
    refresh_brand_daily(con, now=AS_OF)
    yield con
    con.close()


def test_the_daily_rollup_keeps_every_part(con):
    rows = con.execute("SELECT * FROM brand_daily ORDER BY brand, platform").df()
    rows = rows.set_index(["brand", "platform"])
    x = rows.loc[("Northwind", "x")]
    # x:1 and its repost x:3; reach = fan's 100 + the reposter's 50 (the repost adds none).
    assert x[
        [
            "mentions",
            "likes",
            "shares",
            "replies",
            "quotes",
            "views",
            "engagements",
            "reach",
            "negative",
        ]
    ].tolist() == [2, 10, 2, 3, 1, 500, 16, 150, 2]
    reddit = rows.loc[("Northwind", "reddit")]
    assert reddit[["mentions", "engagements", "reach", "negative", "neutral"]].tolist() == [
        2,
        12,
        1000,
        1,
        1,
    ]  # subscribers once per subreddit and day
    assert pd.isna(rows.loc[("Northwind", "rss"), "reach"])  # unknown, not zero
    assert rows.loc[("Summitline", "x"), "reach"] == 10_000
    assert rows.loc[("Northwind", "reddit"), "reach_method"].startswith("Reddit: subreddit")


def test_brand_metrics_follow_the_definitions(con):
    metrics = brand_metrics(con, DAY).set_index("brand")
    northwind = metrics.loc["Northwind"]
    assert northwind["mentions"] == 5 and northwind["engagements"] == 28
    assert northwind["reach"] == 1150
    assert northwind["share_of_voice"] == round(100 * 5 / 6, 1)
    assert northwind["share_of_voice_by_reach"] == round(100 * 1150 / 11150, 1)
    assert northwind["share_of_voice_by_engagement"] == round(100 * 28 / 153, 1)
    assert northwind["conversation_rate"] == round(7 / 5, 3)
    assert northwind["amplification_rate"] == round(2 / 5, 3)
    assert northwind["applause_rate"] == round(18 / 5, 3)
    assert northwind["engagement_rate_by_reach"] == round(100 * 28 / 1150, 3)
    assert northwind["net_sentiment"] == -60.0
    by_platform = brand_metrics(con, DAY, by=("brand", "platform"))
    assert len(by_platform) == 4
    monthly = brand_metrics(con, Period(date(2026, 3, 1), date(2026, 3, 31)), grain="month")
    assert monthly.groupby("month")["share_of_voice"].sum().round().tolist() == [100]


def test_unique_authors_and_sites(con):
    authors = unique_authors(con, DAY).set_index("brand")
    assert authors.loc["Northwind", "unique_authors"] == 4  # fan, rt, u1, site
    assert authors.loc["Northwind", "unique_sites"] == 1


def test_response_rate_and_time_of_the_brand(con):
    analysed(con)
    row = response_performance(con, DAY).iloc[0]
    assert (row["brand"], row["needing_reply"], row["answered"]) == ("Northwind", 1, 1)
    assert row["response_rate"] == 100.0 and row["median_minutes"] == 30.0
    assert row["median_minutes_business_hours"] == 30.0  # Monday 10:00 UTC
    assert pd.isna(row["median_minutes_off_hours"])


def test_influencers_rank_by_reach_and_engagement(con):
    ranked = influencers(con, DAY, "Northwind")
    assert ranked["author_id"].tolist() == ["x:fan", "x:rt", "reddit:u1", "rss:site"]
    fan = ranked.iloc[0]
    assert (fan["mentions"], fan["engagements"], fan["net_sentiment"]) == (1, 16, -100.0)
    assert "x:northwind" not in ranked["author_id"].tolist()


def test_geo_lists_mentions_that_carry_a_place(con):
    geo = geo_mentions(con, DAY)
    assert geo[["country", "city", "mentions"]].values.tolist() == [["US", "Denver", 1]]


def test_the_rollup_refresh_is_incremental(con):
    assert refresh_brand_daily(con, now=AS_OF + pd.Timedelta(hours=1)) == 0  # nothing new
    upsert(
        con,
        "engagement_snapshots",
        pd.DataFrame(
            [
                {
                    **snapshot("x:2", 300, 20, 5, 0, 9000, followers=10_000),
                    "taken_at": AS_OF + pd.Timedelta(hours=2),
                }
            ]
        ),
    )
    assert refresh_brand_daily(con, now=AS_OF + pd.Timedelta(hours=3)) == 1
    likes = con.execute("SELECT likes FROM brand_daily WHERE brand = 'Summitline'").fetchall()
    assert likes == [(300,)]
