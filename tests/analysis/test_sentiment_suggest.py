"""Suggestions: the least certain mentions first, taking turns across topics, never one already
labelled, each text once."""

from __future__ import annotations

import pandas as pd

from analysis.sentiment import correct, score_new_posts
from analysis.sentiment_suggest import suggest_labels
from socialpulse.warehouse import connect, upsert
from tests.analysis.test_sentiment import post

DAY = pd.Timestamp("2026-03-02 09:00")
# VADER compounds (hand-checked with polarity_scores): love 0.8616, okay 0.2263, arrived 0.0,
# terrible -0.7269, fine 0.2023, slow 0.0.
MENTIONS = {
    "love": ("I love this wonderful jacket", "jackets"),
    "okay": ("The tent is okay", "tents"),
    "arrived": ("The stove arrived on Monday", "stoves"),
    "terrible": ("This stove is terrible and awful", "stoves"),
    "fine": ("The zipper is fine I guess", "jackets"),
    "slow": ("Delivery was slow", "jackets"),
    "slow-repost": ("Delivery was slow", "jackets"),
    "untopical": ("The tent is okay", None),
}


def load(con, languages: dict[str, str] | None = None) -> None:
    upsert(
        con,
        "posts",
        pd.DataFrame(
            [
                post(post_id, text, (languages or {}).get(post_id, "en"), DAY)
                for post_id, (text, _) in MENTIONS.items()
            ]
        ),
    )
    index = pd.DataFrame(
        [
            {
                "post_id": post_id,
                "created_at": DAY,
                "platform": "x",
                "channel_id": "x:public",
                "brands": ["Northwind"],
            }
            for post_id in MENTIONS
        ]
    )
    con.register("index_rows", index)
    con.execute("INSERT INTO mention_index BY NAME SELECT * FROM index_rows")
    topics = sorted({topic for _, topic in MENTIONS.values() if topic})
    upsert(
        con,
        "topics",
        pd.DataFrame(
            [
                {
                    "topic_id": topic,
                    "brand": "Northwind",
                    "period_start": DAY.date(),
                    "period_end": DAY.date(),
                    "label": topic,
                    "top_terms": [topic],
                    "posts": 1,
                    "emerging": False,
                    "computed_at": DAY,
                }
                for topic in topics
            ]
        ),
    )
    upsert(
        con,
        "post_topics",
        pd.DataFrame(
            [
                {"post_id": post_id, "topic_id": topic, "weight": 1.0}
                for post_id, (_, topic) in MENTIONS.items()
                if topic
            ]
        ),
    )
    score_new_posts(con)


def test_the_least_certain_come_first_one_topic_at_a_time(empty_db):
    with connect(empty_db) as con:
        load(con)
        correct(con, "arrived", "neutral", "ana")  # labelled already: never suggested
        suggested = suggest_labels(con, limit=6)
    # Turn 1, most uncertain first: slow (jackets, 1 - 0.0), okay (tents, 1 - 0.2263), terrible
    # (stoves, 1 - 0.7269). Turn 2: fine (jackets, 1 - 0.2023); turn 3: love (1 - 0.8616). The
    # repost of "slow" and the topic-less copy of "okay" are the same texts, suggested once.
    assert suggested["post_id"].tolist() == ["slow", "okay", "terrible", "fine", "love"]
    assert suggested["topic"].tolist() == ["jackets", "tents", "stoves", "jackets", "jackets"]
    assert suggested["uncertainty"].tolist() == [1.0, 0.7737, 0.2731, 0.7977, 0.1384]


def test_a_language_without_a_lexicon_or_model_is_all_uncertainty(empty_db):
    with connect(empty_db) as con:
        load(con, {"love": "ro"})
        suggested = suggest_labels(con, language="ro")
    assert suggested[["post_id", "uncertainty", "label"]].values.tolist() == [
        ["love", 1.0, "unscored"]
    ]
