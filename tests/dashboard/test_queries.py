"""The read functions behind the listening pages, on a hand-built fortnight of mentions.

Mentions (March 2026; Northwind is the own brand, Summitline the competitor):

    x:1      Mon 2   @fan (100)     Northwind              negative  16 engagements  Denver
    x:2      Mon 2   @big (10,000)  Summitline             positive  125             London
    x:3      Tue 3   @fan           Northwind, Summitline  neutral   5 (latest of 2)  Denver
    reddit:1 Tue 3   u1             Northwind              negative  11  (r/Gear, 1,000 members)
    rss:1    Mon 9   site           Northwind              positive  -
    x:4      Mon 9   @northwind     Northwind (owned)      positive  -
    x:5      Mon 9   @fan           no brand               -         -
"""

from datetime import date, datetime

import pandas as pd
import pytest

from analysis import search
from analysis.brand_daily import refresh_brand_daily
from analysis.influencers import mentions_by_place, top_authors
from analysis.mention_index import refresh_mention_index
from analysis.period import Period
from analysis.search import (
    MentionQuery,
    mentions_by_id,
    parse_terms,
    search_mentions,
    search_window,
)
from analysis.share_of_voice import sentiment_trend, share_of_voice
from analysis.spikes import alerts_in_period
from analysis.topics import topics_in_period
from analysis.volume import daily_mentions, data_freshness, rollup_coverage
from dashboard.components.filters import preset_range
from dashboard.components.tables import csv_bytes
from socialpulse.warehouse import connect, upsert

FORTNIGHT = Period(date(2026, 3, 2), date(2026, 3, 9))
# Where the fixture's clock stands: after every stamp in it, whatever day the suite runs.
AS_OF = pd.Timestamp("2026-04-01")
CHANNELS = {"x": "x:search", "reddit": "reddit:r/Gear", "rss": "rss:site"}


def post(post_id, author, when, text, **extra):
    platform = post_id.split(":")[0]
    return {
        "post_id": post_id,
        "platform": platform,
        "native_id": post_id,
        "channel_id": CHANNELS[platform],
        "author_id": author,
        "text": text,
        "created_at": pd.Timestamp(when),
        "collected_at": pd.Timestamp("2026-03-10"),
        **extra,
    }


def snapshot(post_id, taken, likes=0, shares=0, replies=0, quotes=0, followers=None):
    return {
        "post_id": post_id,
        "taken_at": pd.Timestamp(taken),
        "likes": likes,
        "shares": shares,
        "replies": replies,
        "quotes": quotes,
        "views": 0,
        "author_followers": followers,
    }


DENVER = {"country": "US", "city": "Denver", "lat": 39.74, "lon": -104.99}
LONDON = {"country": "GB", "city": "London", "lat": 51.51, "lon": -0.13}


@pytest.fixture
def con(empty_db):
    con = connect(empty_db)
    upsert(
        con,
        "channels",
        pd.DataFrame(
            [
                {"channel_id": "x:search", "platform": "x", "scope": "external", "name": "X"},
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
                    "handle": h,
                    "followers": f,
                    "is_owned": a == "x:northwind",
                }
                for a, h, f in [
                    ("x:fan", "fan", 100),
                    ("x:big", "big", 10_000),
                    ("x:northwind", "northwind", 5000),
                    ("reddit:u1", "u1", None),
                    ("rss:site", "site", None),
                ]
            ]
        ),
    )
    upsert(
        con,
        "posts",
        pd.DataFrame(
            [
                post("x:1", "x:fan", "2026-03-02 10:00", "My Northwind ZIPPER broke", **DENVER),
                post(
                    "x:2",
                    "x:big",
                    "2026-03-02 11:00",
                    "Summitline is great, 100% recommend",
                    **LONDON,
                ),
                post(
                    "x:3",
                    "x:fan",
                    "2026-03-03 09:00",
                    "Northwind and Summitline zipper test",
                    **DENVER,
                ),
                post("reddit:1", "reddit:u1", "2026-03-03 12:00", "Northwind tent is awful"),
                post("rss:1", "rss:site", "2026-03-09 08:00", "Northwind store opens_now"),
                post("x:4", "x:northwind", "2026-03-09 09:00", "Northwind zipper fix is here"),
                post("x:5", "x:fan", "2026-03-09 10:00", "zipper zipper"),
            ]
        ),
    )
    upsert(
        con,
        "engagement_snapshots",
        pd.DataFrame(
            [
                snapshot("x:1", "2026-03-03", 10, 2, 3, 1, followers=100),
                snapshot("x:2", "2026-03-03", 100, 20, 5, 0, followers=10_000),
                snapshot("x:3", "2026-03-03 10:00", likes=1, followers=100),
                snapshot("x:3", "2026-03-04", likes=4, shares=1, followers=100),
                snapshot("reddit:1", "2026-03-04", likes=7, replies=4),
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
                    ("x:3", "Summitline"),
                    ("reddit:1", "Northwind"),
                    ("rss:1", "Northwind"),
                    ("x:4", "Northwind"),
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
                    "scored_at": pd.Timestamp("2026-03-10"),
                }
                for p, label in [
                    ("x:1", "negative"),
                    ("x:2", "positive"),
                    ("x:3", "neutral"),
                    ("reddit:1", "negative"),
                    ("rss:1", "positive"),
                    ("x:4", "positive"),
                    ("x:5", "neutral"),
                ]
            ]
        ),
    )
    refresh_brand_daily(con, now=AS_OF)
    refresh_mention_index(con, now=AS_OF)
    yield con
    con.close()


def test_the_rollup_coverage_lists_own_brands_first(con):
    coverage = rollup_coverage(con)
    assert list(
        zip(coverage["brand"], coverage["platform"], coverage["mentions"], strict=True)
    ) == [
        ("Northwind", "reddit", 1),
        ("Northwind", "rss", 1),
        ("Northwind", "x", 3),
        ("Summitline", "x", 2),
    ]
    assert coverage.loc[3, "first_day"] == pd.Timestamp("2026-03-02")


def test_daily_mentions_follow_brand_and_platform_filters(con):
    daily = daily_mentions(con, FORTNIGHT, ["Northwind"], ["x"])
    assert daily[["mentions", "positive", "neutral", "negative"]].sum().tolist() == [3, 1, 1, 1]
    assert pd.to_datetime(daily["day"]).dt.day.tolist() == [2, 3, 9]
    assert daily_mentions(con, Period(date(2026, 3, 4), date(2026, 3, 8))).empty


def test_share_of_voice_counts_each_brand_once_per_mention(con):
    share = share_of_voice(con, FORTNIGHT).set_index("brand")
    # 5 Northwind + 2 Summitline mentions (x:3 names both and counts for each).
    assert share.loc["Northwind", ["mentions", "positive", "neutral", "negative"]].tolist() == [
        5,
        2,
        1,
        2,
    ]
    assert share["share_of_voice"].to_dict() == {"Northwind": 71.4, "Summitline": 28.6}
    assert share["net_sentiment"].to_dict() == {"Northwind": 0.0, "Summitline": 50.0}
    assert share.loc["Summitline", "engagements"] == 125 + 5
    on_x = share_of_voice(con, FORTNIGHT, platforms=["x"]).set_index("brand")
    assert on_x["share_of_voice"].to_dict() == {"Northwind": 60.0, "Summitline": 40.0}


def test_sentiment_trend_is_weekly_net_sentiment(con):
    trend = sentiment_trend(con, FORTNIGHT)
    rows = {(str(r.period_start)[:10], r.brand): r.net_sentiment for r in trend.itertuples()}
    # Week of 2 March: Northwind 2 negative, 1 neutral -> (0 - 2) / 3 x 100.
    assert rows == {
        ("2026-03-02", "Northwind"): -66.7,
        ("2026-03-02", "Summitline"): 50.0,
        ("2026-03-09", "Northwind"): 100.0,
    }
    with pytest.raises(ValueError):
        sentiment_trend(con, FORTNIGHT, grain="hour")


def test_alerts_are_those_whose_window_overlaps_the_period(con):
    con.execute(
        """
        INSERT INTO alerts (brand, kind, episode_key, window_start, window_end, observed,
                            expected, top_terms, example_post_ids, created_at)
        VALUES ('Northwind', 'crisis', 'a', '2026-03-02 22:00', '2026-03-03 02:00', 40, 2.5,
                ['zipper', 'broke'], ['x:1'], '2026-03-03'),
               ('Summitline', 'peak', 'b', '2026-03-10 00:00', '2026-03-10 03:00', 30, 3,
                [], [], '2026-03-10')
        """
    )
    assert alerts_in_period(con, Period(date(2026, 3, 3), date(2026, 3, 9)))[
        "episode_key"
    ].tolist() == ["a"]
    assert alerts_in_period(con, Period(date(2026, 3, 2), date(2026, 3, 2)))[
        "episode_key"
    ].tolist() == ["a"]
    later = alerts_in_period(con, Period(date(2026, 3, 10), date(2026, 3, 10)), ["Summitline"])
    assert later["episode_key"].tolist() == ["b"]
    assert alerts_in_period(con, Period(date(2026, 3, 10), date(2026, 3, 10)), ["Northwind"]).empty
    crisis = alerts_in_period(con, FORTNIGHT).iloc[0]
    assert crisis["description"] == (
        "Northwind crisis: 40 negative mentions 22:00 2 Mar 2026 - 02:00 3 Mar 2026 UTC, "
        "expected 2.5; top terms: zipper, broke"
    )


def test_topics_are_those_of_the_months_overlapping_the_period(con):
    upsert(
        con,
        "topics",
        pd.DataFrame(
            [
                {
                    "topic_id": f"{brand}|{start}|1",
                    "brand": brand,
                    "period_start": pd.Timestamp(start),
                    "period_end": pd.Timestamp(end),
                    "label": "zipper",
                    "top_terms": ["zipper"],
                    "posts": posts,
                    "emerging": False,
                    "computed_at": pd.Timestamp("2026-03-10"),
                }
                for brand, start, end, posts in [
                    ("Northwind", "2026-02-01", "2026-02-28", 4),
                    ("Northwind", "2026-03-01", "2026-03-31", 9),
                    ("Summitline", "2026-03-01", "2026-03-31", 3),
                ]
            ]
        ),
    )
    both = topics_in_period(con, Period(date(2026, 2, 28), date(2026, 3, 1)))
    assert both["topic_id"].tolist() == [
        "Northwind|2026-03-01|1",
        "Summitline|2026-03-01|1",
        "Northwind|2026-02-01|1",
    ]
    assert topics_in_period(con, FORTNIGHT, ["Northwind"])["topic_id"].tolist() == [
        "Northwind|2026-03-01|1"
    ]


def test_search_terms_and_window():
    assert parse_terms('Zipper "Trail Runner"  jacket') == ["zipper", "trail runner", "jacket"]
    assert parse_terms("  ") == []
    assert len(parse_terms(" ".join(f"w{i}" for i in range(20)))) == 10


def test_a_keyword_search_reads_the_newest_days_under_the_mention_cap(con, monkeypatch):
    # brand_daily: 2 mentions on 2 March, 3 on 3 March (x:3 names two brands), 2 on 9 March.
    assert search_window(con, FORTNIGHT) == FORTNIGHT
    for cap, start in [
        (2, date(2026, 3, 9)),
        (4, date(2026, 3, 9)),
        (5, date(2026, 3, 3)),
        (7, date(2026, 3, 2)),
        (0, date(2026, 3, 9)),
    ]:  # 0: the newest day whole
        monkeypatch.setattr(search, "MAX_SEARCH_MENTIONS", cap)
        assert search_window(con, FORTNIGHT) == Period(start, FORTNIGHT.end), cap
    monkeypatch.setattr(search, "MAX_SEARCH_MENTIONS", 5)
    assert search_mentions(con, FORTNIGHT, MentionQuery("zipper"))["post_id"].tolist() == [
        "x:3",
        "x:4",
    ]
    # Without keywords nothing reads texts, and the whole period is listed.
    assert len(search_mentions(con, FORTNIGHT, MentionQuery(order="newest"))) == 6


def test_keyword_search_matches_every_term_among_brand_mentions(con):
    found = search_mentions(con, FORTNIGHT, MentionQuery("zipper"))
    # x:5 says zipper twice but names no brand; x:4 has no snapshot and comes last.
    assert found["post_id"].tolist() == ["x:1", "x:3", "x:4"]
    assert found["engagements"].tolist()[:2] == [16, 5]  # x:3: its latest snapshot
    assert found["total"].tolist() == [3, 3, 3]
    assert search_mentions(con, FORTNIGHT, MentionQuery('"zipper broke"'))["post_id"].tolist() == [
        "x:1"
    ]
    assert search_mentions(con, FORTNIGHT, MentionQuery("ZIPPER test"))["post_id"].tolist() == [
        "x:3"
    ]


def test_search_treats_wildcards_and_pattern_characters_as_text(con):
    assert search_mentions(con, FORTNIGHT, MentionQuery("%"))["post_id"].tolist() == ["x:2"]
    assert search_mentions(con, FORTNIGHT, MentionQuery("_"))["post_id"].tolist() == ["rss:1"]
    assert search_mentions(con, FORTNIGHT, MentionQuery('"100% r"'))["post_id"].tolist() == ["x:2"]
    for pattern in (".", "(", "[a-z]", "\\", "z+", "^N", "s$", "a|b", "{2}", "*"):
        assert search_mentions(con, FORTNIGHT, MentionQuery(pattern)).empty, pattern


def test_search_filters_and_columns(con):
    both = search_mentions(con, FORTNIGHT, MentionQuery("zipper", brands=("Summitline",)))
    assert both["post_id"].tolist() == ["x:3"]
    assert both.loc[0, "brands"] == "Northwind, Summitline"
    reddit = search_mentions(con, FORTNIGHT, MentionQuery(platforms=("reddit",))).iloc[0]
    assert (reddit["post_id"], reddit["author"], reddit["reach"], reddit["engagements"]) == (
        "reddit:1",
        "u1",
        1000,
        11,
    )
    negative = search_mentions(con, FORTNIGHT, MentionQuery(sentiments=("negative",)))
    assert sorted(negative["post_id"]) == ["reddit:1", "x:1"]
    by_reach = search_mentions(con, FORTNIGHT, MentionQuery(order="reach"))
    # X: the author's followers (x:4's owner has 5,000); Reddit: the subreddit; rss: unknown.
    assert by_reach["post_id"].tolist() == ["x:2", "x:4", "reddit:1", "x:3", "x:1", "rss:1"]
    newest = search_mentions(con, FORTNIGHT, MentionQuery(order="newest"))
    assert newest["post_id"].tolist() == ["x:4", "rss:1", "reddit:1", "x:3", "x:2", "x:1"]
    with pytest.raises(ValueError):
        search_mentions(con, FORTNIGHT, MentionQuery(order="text; DROP TABLE posts"))
    with pytest.raises(ValueError):
        search_mentions(con, FORTNIGHT, MentionQuery(sentiments=("angry",)))


def test_search_pages_through_the_matches(con):
    everything = search_mentions(con, FORTNIGHT, MentionQuery(), limit=10)
    second = search_mentions(con, FORTNIGHT, MentionQuery(), limit=2, offset=2)
    assert len(everything) == 6
    assert second["post_id"].tolist() == everything["post_id"].tolist()[2:4]
    assert second["total"].tolist() == [6, 6]


def test_a_correction_changes_what_the_search_shows(con):
    con.execute("INSERT INTO sentiment_corrections VALUES ('x:1', 'positive', 't', now())")
    row = search_mentions(con, FORTNIGHT, MentionQuery('"zipper broke"')).iloc[0]
    assert (row["sentiment"], row["sentiment_source"]) == ("positive", "human")


def test_mentions_by_id_keep_the_order_given(con):
    rows = mentions_by_id(con, ["rss:1", "nope", "x:1"])
    assert rows["post_id"].tolist() == ["rss:1", "x:1"]
    assert rows["sentiment"].tolist() == ["positive", "negative"]
    assert mentions_by_id(con, []).empty


def test_top_authors_rank_external_voices(con):
    authors = top_authors(con, FORTNIGHT)
    # followers + engagements: big 10,000 + 125; fan 100 + 16 + 5; u1 0 + 11; site 0 + 0.
    assert authors["author_id"].tolist() == ["x:big", "x:fan", "reddit:u1", "rss:site"]
    fan = authors.set_index("author_id").loc["x:fan"]
    assert (fan["mentions"], fan["engagements"], fan["net_sentiment"]) == (2, 21, -50.0)
    assert top_authors(con, FORTNIGHT, platforms=["reddit"])["author_id"].tolist() == ["reddit:u1"]
    assert top_authors(con, FORTNIGHT, ["Summitline"])["author_id"].tolist() == ["x:big", "x:fan"]


def test_places_count_mentions_and_their_negative_share(con):
    places = mentions_by_place(con, FORTNIGHT)
    assert places[["city", "mentions", "negative"]].values.tolist() == [
        ["Denver", 2, 1],
        ["London", 1, 0],
    ]
    assert mentions_by_place(con, FORTNIGHT, ["Summitline"])["mentions"].tolist() == [1, 1]
    assert mentions_by_place(con, FORTNIGHT, platforms=["reddit"]).empty


def test_freshness_gives_each_source_its_last_success(con):
    con.execute(
        """
        INSERT INTO collection_runs (source, started_at, finished_at, status, items_inserted,
                                     error)
        VALUES ('x', '2026-03-09 10:00', '2026-03-09 10:01', 'ok', 12, NULL),
               ('x', '2026-03-09 11:00', '2026-03-09 11:01', 'failed', 0, 'x: 401'),
               ('reddit', '2026-03-09 12:00', NULL, 'running', 0, NULL)
        """
    )
    fresh = data_freshness(con).set_index("source")
    assert list(fresh.index) == ["analysis", "reddit", "x"]  # refresh_brand_daily ran
    assert fresh.loc["x", "status"] == "failed"
    assert fresh.loc["x", "last_success_at"] == datetime(2026, 3, 9, 10, 1)
    assert fresh.loc["x", "error"] == "x: 401"
    assert pd.isna(fresh.loc["reddit", "last_success_at"])


def test_presets_end_on_the_last_day_with_data():
    first, last = date(2025, 11, 1), date(2026, 10, 31)
    assert preset_range("7d", first, last) == (date(2026, 10, 25), last)
    assert preset_range("30d", first, last) == (date(2026, 10, 2), last)
    assert preset_range("quarter", first, last) == (date(2026, 8, 1), last)
    assert preset_range("year", first, last) == (date(2025, 11, 1), last)
    assert preset_range("quarter", first, date(2026, 3, 31))[0] == date(2026, 1, 1)
    assert preset_range("30d", date(2026, 10, 20), last) == (date(2026, 10, 20), last)


def test_csv_writes_lists_as_text():
    frame = pd.DataFrame({"brand": ["A", "B"], "top_terms": [["zip", "rain"], None]})
    assert csv_bytes(frame).decode().splitlines() == ["brand,top_terms", "A,zip; rain", "B,"]
