"""Aspects: the things people judge, from the sentences that name a topic's terms."""

from __future__ import annotations

from datetime import date

import pandas as pd

from analysis.aspects import aspects_in_period, refresh_aspects
from analysis.period import Period
from socialpulse.warehouse import connect, upsert
from tests.analysis.test_sentiment import post

# VADER compounds, hand-checked with polarity_scores: "The zipper broke after a day" -0.4215,
# "The shell is lovely" 0.5859, "Delivery was late and the zipper is awful" -0.4588,
# "Love the shell" 0.6369, "The zipper failed" -0.5106, "The zipper works" 0.0,
# "The zipper is great" 0.6249, "Delivery was quick and easy" 0.4404.
MARCH = {
    "m1": "The zipper broke after a day. The shell is lovely.",
    "m2": "Delivery was late and the zipper is awful",
    "m3": "Love the shell!\nThe zipper failed",
    "m4": "The zipper works. The shell is lovely",
}
FEBRUARY = {
    "f1": "The zipper is great. The zipper works",
    "f2": "The zipper failed",
    "f3": "Delivery was quick and easy",
}
TERMS = ["zipper", "shell", "delivery", "awful", "love"]


def load(con) -> None:
    texts = {**MARCH, **FEBRUARY}
    upsert(
        con,
        "posts",
        pd.DataFrame(
            [
                post(post_id, text, "en", pd.Timestamp(f"2026-0{3 if post_id in MARCH else 2}-05"))
                for post_id, text in texts.items()
            ]
        ),
    )
    upsert(
        con,
        "topics",
        pd.DataFrame(
            [
                {
                    "topic_id": f"t-{start:%m}",
                    "brand": "Northwind",
                    "period_start": start,
                    "period_end": end,
                    "label": "zipper, shell, delivery",
                    "top_terms": TERMS,
                    "posts": 4,
                    "emerging": False,
                    "computed_at": pd.Timestamp("2026-03-06"),
                }
                for start, end in [
                    (date(2026, 2, 1), date(2026, 2, 28)),
                    (date(2026, 3, 1), date(2026, 3, 31)),
                ]
            ]
        ),
    )
    upsert(
        con,
        "post_topics",
        pd.DataFrame(
            [
                {"post_id": p, "topic_id": "t-03" if p in MARCH else "t-02", "weight": 1.0}
                for p in texts
            ]
        ),
    )
    from analysis.sentiment import score_new_posts

    score_new_posts(con)


def test_each_sentence_judges_the_things_it_names(empty_db):
    with connect(empty_db) as con:
        load(con)
        stored = refresh_aspects(con)
        rows = con.execute(
            "SELECT term, mentions, sentences, positive, negative, net_sentiment, "
            "most_negative_post_id, most_positive_post_id FROM topic_aspects "
            "WHERE period_start = DATE '2026-03-01' ORDER BY term"
        ).fetchall()
        chosen = aspects_in_period(con, Period(date(2026, 3, 1), date(2026, 3, 31)))
    # March: zipper in 4 sentences (-0.4215, -0.4588, -0.5106, 0.0) -> 3 negative, net -75.0;
    # shell in 3 (0.5859, 0.6369, 0.5859) -> net +100.0. Delivery has one sentence (fewer
    # than 3: left out), and "awful" and "love" are opinions, not aspects.
    assert rows == [
        ("shell", 3, 3, 3, 0, 100.0, None, "m3"),
        ("zipper", 4, 4, 0, 3, -75.0, "m3", None),
    ]
    assert stored == 3  # zipper, shell in March; zipper in February (3 sentences)
    # February's zipper: 0.6249, 0.0, -0.5106 -> net 0.0; March's change is -75.0.
    zipper, shell = chosen.set_index("term").loc[["zipper", "shell"]].to_dict("records")
    assert (zipper["side"], zipper["net_change"], zipper["example_post_id"]) == (
        "criticised",
        -75.0,
        "m3",
    )
    assert shell["side"] == "praised" and pd.isna(shell["net_change"])  # none in February
    assert chosen["term"].tolist() == ["zipper", "shell"]
