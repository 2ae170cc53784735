"""The mention index: one row per brand mention with what the lists filter and sort by, kept up
to date day by day without duplicates."""

import pandas as pd

from analysis.mention_index import refresh_mention_index
from socialpulse.warehouse import upsert
from tests.dashboard.test_queries import AS_OF, con, post, snapshot  # noqa: F401 (the fixture)


def indexed(warehouse) -> pd.DataFrame:
    return warehouse.execute("SELECT * FROM mention_index ORDER BY created_at, post_id").df()


def test_one_row_per_brand_mention_with_what_the_lists_need(con):  # noqa: F811
    rows = indexed(con).set_index("post_id")
    # x:5 names no brand; every other post of the fixture does, x:3 two of them.
    assert rows.index.tolist() == ["x:1", "x:2", "x:3", "reddit:1", "rss:1", "x:4"]
    assert list(rows.loc["x:3", "brands"]) == ["Northwind", "Summitline"]
    assert rows.loc["x:3", "engagements"] == 5  # its latest snapshot: 4 likes + 1 share
    assert rows.loc["x:1", "engagements"] == 16
    assert pd.isna(rows.loc["x:4", "engagements"])  # no snapshot
    assert rows.loc["x:2", "reach"] == 10_000  # X: the author's followers at the snapshot
    assert rows.loc["x:4", "reach"] == 5_000  # no snapshot: the author's followers
    assert rows.loc["reddit:1", "reach"] == 1_000  # Reddit: the subreddit's subscribers
    assert pd.isna(rows.loc["rss:1", "reach"])  # unknown, never zero
    assert rows["label"].to_dict() == {
        "x:1": "negative",
        "x:2": "positive",
        "x:3": "neutral",
        "reddit:1": "negative",
        "rss:1": "positive",
        "x:4": "positive",
    }
    assert (rows.loc["x:1", "country"], rows.loc["x:1", "city"]) == ("US", "Denver")
    assert indexed(con)["created_at"].is_monotonic_increasing  # time order: skipped row groups


def test_a_refresh_rewrites_the_touched_days_only_and_never_twice(con):  # noqa: F811
    # Nothing new since the fixture's refresh.
    assert refresh_mention_index(con, now=AS_OF + pd.Timedelta(hours=1)) == 0
    later = AS_OF + pd.Timedelta(hours=2)
    upsert(
        con,
        "engagement_snapshots",
        pd.DataFrame([{**snapshot("x:1", "2026-03-20", likes=50), "taken_at": later}]),
    )
    upsert(
        con,
        "posts",
        pd.DataFrame(
            [{**post("x:6", "x:big", "2026-03-12 08:00", "Northwind again"), "collected_at": later}]
        ),
    )
    upsert(
        con,
        "brand_matches",
        pd.DataFrame(
            [{"post_id": "x:6", "brand": "Northwind", "is_competitor": False, "rule": "test"}]
        ),
    )
    # 2 March (x:1 and x:2, rewritten) and 12 March (x:6, new).
    assert refresh_mention_index(con, now=AS_OF + pd.Timedelta(hours=3)) == 3
    rows = indexed(con).set_index("post_id")
    assert rows.index.is_unique and len(rows) == 7
    assert rows.loc["x:1", "engagements"] == 50
    assert pd.isna(rows.loc["x:6", "label"])  # not scored yet: listed as unscored
    assert refresh_mention_index(con, full=True) == 7
    assert len(indexed(con)) == 7
