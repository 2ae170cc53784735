"""Topics on a hand-made corpus whose answer is known, and on the demo's recall month."""

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.sentiment import correct
from analysis.topics import compute_topics, topics_for
from socialpulse.warehouse import connect, upsert

ROOT = Path(__file__).resolve().parents[2]
# 20 posts about a zipper recall: 15 negative, 5 neutral -> net sentiment -75.
ZIPPER = (
    "The Acme jacket zipper broke, is there a recall?",
    "Zipper broke on my Acme jacket, recall it now",
    "Acme recall: the zipper broke after one hike",
    "Another jacket zipper broke. @acme should recall this",
    "#Acme please recall the jacket, my zipper broke",
)
# 20 posts about a store opening: 12 positive, 6 neutral, 2 negative -> +50, then a human
# correction turns one neutral into positive -> +55.
STORE = (
    "Acme store opening in Denver this weekend",
    "Excited for the new Acme store opening in Denver",
    "Denver gets an Acme store, opening Saturday",
    "Acme is opening a store in downtown Denver",
    "Store opening today: Acme Denver",
)
ZIPPER_LABELS = ["negative"] * 15 + ["neutral"] * 5
STORE_LABELS = ["positive"] * 12 + ["neutral"] * 6 + ["negative"] * 2


def _post(post_id: str, brand: str, when: str, text: str, label: str) -> dict:
    # Handles and links on every post: they must never become topic terms.
    return {
        "post_id": post_id,
        "brand": brand,
        "created_at": pd.Timestamp(when),
        "text": f"@fan{post_id[-2:]} {text} https://t.co/{post_id[-3:]}x",
        "label": label,
    }


def _corpus(august_store_posts: int = 0) -> list[dict]:
    rows = [
        _post(f"x:z{i:02d}", "Acme", f"2026-09-{1 + i:02d} 10:00", ZIPPER[i % 5], label)
        for i, label in enumerate(ZIPPER_LABELS)
    ]
    rows += [
        _post(f"x:s{i:02d}", "Acme", f"2026-09-{1 + i:02d} 12:00", STORE[i % 5], label)
        for i, label in enumerate(STORE_LABELS)
    ]
    rows += [
        _post(f"x:a{i:02d}", "Acme", f"2026-08-{1 + i:02d} 12:00", STORE[i % 5], "neutral")
        for i in range(august_store_posts)
    ]
    # A competitor with too few posts to model: skipped, not an error.
    rows += [
        _post(f"x:r{i:02d}", "Rival", "2026-09-10 09:00", f"Rival tent review {i}", "positive")
        for i in range(5)
    ]
    return rows


def _load(con, rows: list[dict]) -> None:
    frame = pd.DataFrame(rows)
    upsert(
        con,
        "channels",
        pd.DataFrame(
            [{"channel_id": "x:public", "platform": "x", "scope": "external", "name": "X"}]
        ),
    )
    upsert(
        con,
        "posts",
        frame.assign(
            platform="x",
            native_id=frame["post_id"],
            channel_id="x:public",
            collected_at=frame["created_at"],
        )[["post_id", "platform", "native_id", "channel_id", "created_at", "text", "collected_at"]],
    )
    upsert(
        con,
        "brand_matches",
        frame.assign(is_competitor=frame["brand"] != "Acme", rule="keyword:" + frame["brand"])[
            ["post_id", "brand", "is_competitor", "rule"]
        ],
    )
    upsert(
        con,
        "sentiment_scores",
        frame.assign(method="vader", model_version="test", scored_at=pd.Timestamp("2026-10-01"))[
            ["post_id", "method", "model_version", "label", "scored_at"]
        ],
    )


@pytest.fixture
def con(empty_db):
    con = connect(empty_db)
    _load(con, _corpus())
    correct(con, "x:s12", "positive", by="analyst")  # the first neutral store post
    yield con
    con.close()


def _by_theme(rows: pd.DataFrame) -> dict[str, pd.Series]:
    themes = {}
    for _, row in rows.iterrows():
        themes["zipper" if "zipper" in row["top_terms"] else "store"] = row
    return themes


def test_two_topics_come_out_with_their_terms_volumes_and_sentiment(con):
    rows = compute_topics(con, topics_per_brand=2)

    assert list(rows["brand"].unique()) == ["Acme"]  # Rival's 5 posts are skipped
    assert len(rows) == 2
    themes = _by_theme(rows)
    zipper, store = themes["zipper"], themes["store"]
    assert {"zipper", "recall", "broke"} <= set(zipper["top_terms"])
    assert {"store", "opening", "denver"} <= set(store["top_terms"])
    assert zipper["label"] == "Zipper broke"  # the phrase 4 of its 5 texts say
    assert (zipper["posts"], store["posts"]) == (20, 20)
    assert (zipper["net_sentiment"], store["net_sentiment"]) == (-75.0, 55.0)
    assert list(rows["topic_id"]) == ["Acme|2026-09-01|1", "Acme|2026-09-01|2"]
    assert (zipper["period_start"], zipper["period_end"]) == (date(2026, 9, 1), date(2026, 9, 30))
    # Handles, links and the brand's own name say nothing about a topic.
    terms = {t for row in rows["top_terms"] for t in row}
    assert not terms & {"acme", "fan", "https", "co"}
    assert not any(t.startswith("fan") for t in terms)
    # No previous period: growth is unknown, nothing is emerging.
    assert rows["previous_posts"].isna().all() and not rows["emerging"].any()

    assigned = con.execute("SELECT post_id, topic_id FROM post_topics").df()
    assert len(assigned) == 40
    topic_of = dict(zip(assigned["post_id"], assigned["topic_id"], strict=True))
    assert {topic_of[f"x:z{i:02d}"] for i in range(20)} == {zipper["topic_id"]}
    assert {topic_of[f"x:s{i:02d}"] for i in range(20)} == {store["topic_id"]}
    assert len(zipper["example_post_ids"]) == 3
    assert all(topic_of[p] == zipper["topic_id"] for p in zipper["example_post_ids"])


def test_the_same_data_gives_the_same_rows(con):
    first = compute_topics(con, topics_per_brand=2)
    first_posts = con.execute("SELECT * FROM post_topics ORDER BY ALL").df()
    second = compute_topics(con, topics_per_brand=2)
    second_posts = con.execute("SELECT * FROM post_topics ORDER BY ALL").df()

    pd.testing.assert_frame_equal(
        first.drop(columns="computed_at"), second.drop(columns="computed_at")
    )
    pd.testing.assert_frame_equal(first_posts, second_posts)
    stored = con.execute("SELECT * EXCLUDE (computed_at) FROM topics ORDER BY topic_id").df()
    assert list(stored["topic_id"]) == list(first["topic_id"])


def test_a_new_topic_is_emerging_and_a_steady_one_is_not(empty_db):
    con = connect(empty_db)
    _load(con, _corpus(august_store_posts=12))

    rows = compute_topics(con, topics_per_brand=2)

    september = _by_theme(rows[rows["period_start"] == date(2026, 9, 1)])
    zipper, store = september["zipper"], september["store"]
    assert (zipper["previous_posts"], zipper["growth"], zipper["emerging"]) == (0, 20.0, True)
    assert store["previous_posts"] == 12 and not store["emerging"]
    assert store["growth"] == pytest.approx((20 - 12) / 12, abs=1e-3)
    assert not rows.loc[rows["period_start"] == date(2026, 8, 1), "emerging"].any()


def test_an_incremental_run_recomputes_recent_periods_and_keeps_older_ones(empty_db):
    con = connect(empty_db)
    _load(con, _corpus(august_store_posts=12))
    full = compute_topics(con, topics_per_brand=2)
    assigned = con.execute("SELECT * FROM post_topics ORDER BY ALL").df()

    recent = compute_topics(con, topics_per_brand=2, periods=1)

    assert set(recent["period_start"]) == {date(2026, 9, 1)}
    pd.testing.assert_frame_equal(
        recent.drop(columns="computed_at"),
        full[full["period_start"] == date(2026, 9, 1)]
        .drop(columns="computed_at")
        .reset_index(drop=True),
    )
    stored = con.execute("SELECT topic_id FROM topics ORDER BY topic_id").df()["topic_id"]
    assert list(stored) == sorted(full["topic_id"])
    pd.testing.assert_frame_equal(
        con.execute("SELECT * FROM post_topics ORDER BY ALL").df(), assigned
    )


def test_topics_for_reads_one_brand_period_largest_first(con):
    compute_topics(con, topics_per_brand=2)

    topics = topics_for(con, "Acme", "2026-09-01")

    assert list(topics["topic_id"]) == ["Acme|2026-09-01|1", "Acme|2026-09-01|2"]
    assert topics_for(con, "Rival", date(2026, 9, 1)).empty


def test_weekly_periods_end_on_the_seventh_day(con):
    rows = compute_topics(con, period="week", topics_per_brand=2)

    assert not rows.empty
    assert all((rows["period_end"] - rows["period_start"]).map(lambda d: d.days) == 6)
    assert all(start.weekday() == 0 for start in rows["period_start"])


def test_a_warehouse_of_too_few_posts_gives_no_topics_and_no_error(empty_db):
    con = connect(empty_db)
    _load(con, [row for row in _corpus() if row["brand"] == "Rival"])

    assert compute_topics(con).empty
    assert con.execute("SELECT count(*) FROM post_topics").fetchall()[0][0] == 0


def test_an_empty_warehouse_and_bad_arguments(empty_db):
    con = connect(empty_db)
    assert compute_topics(con).empty
    with pytest.raises(ValueError, match="fortnight"):
        compute_topics(con, period="fortnight")
    with pytest.raises(ValueError, match="periods"):
        compute_topics(con, periods=0)


def test_the_demo_recall_is_an_emerging_northwind_topic_in_september(db_copy, demo_db):
    warehouse = db_copy(demo_db)
    con = connect(warehouse)
    rows = compute_topics(con)

    assert rows.groupby(["brand", "period_start"]).ngroups == 36  # 3 brands x 12 months
    september = rows[(rows["brand"] == "Northwind") & (rows["period_start"] == date(2026, 9, 1))]
    recall = september[september["top_terms"].map(lambda t: bool({"recall", "zipper"} & set(t)))]
    assert recall["emerging"].any(), september[["label", "posts", "growth", "emerging"]]
    assert (recall["net_sentiment"] < 0).all()
    assert (september.loc[september["emerging"], "net_sentiment"] < 0).all()
    examples = con.execute(
        "SELECT post_id, text FROM posts WHERE post_id IN (SELECT unnest(?))",
        [list(recall["example_post_ids"].iloc[0])],
    ).df()
    assert len(examples) == 3 and examples["text"].str.contains("(?i)trailhead").any()
    # The April launch is the other news of the demo year.
    april = rows[(rows["brand"] == "Northwind") & (rows["period_start"] == date(2026, 4, 1))]
    assert april[april["emerging"]]["top_terms"].map(lambda t: "trailhead2" in t).any()


def test_topics_benchmark_prints_its_figures():
    result = subprocess.run(
        [sys.executable, "-m", "bench.bench_topics", "--mentions", "2000", "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    assert figures["topics"] > 0 and figures["topics_seconds"] >= 0
    assert figures["incremental_topics"] > 0


def test_a_topic_is_named_by_the_phrase_its_texts_use_most():
    from analysis.topic_model import topic_phrase

    docs = np.array(
        [
            "the trailhead jacket zipper broke",
            "my trailhead jacket zipper failed again",
            "trailhead jacket is warm",
            "zipper recall announced",
        ]
    )
    terms = ["trailhead", "jacket", "zipper", "recall", "warm"]
    # "trailhead jacket" (3 uses) extends to "trailhead jacket zipper" (2 uses, at least half).
    assert topic_phrase(docs, np.array([1, 1, 1, 1]), terms) == "Trailhead jacket zipper"
    # Counts weigh: one text said by 10 people outweighs the others.
    heavy = np.array([1, 1, 1, 10])
    assert topic_phrase(docs, heavy, terms) == "Zipper recall"
    # No two top terms side by side: the three top terms, as before.
    assert topic_phrase(np.array(["jacket and then zipper"]), np.array([1]), terms) == (
        "trailhead, jacket, zipper"
    )
