"""Sentiment: identical to VADER, faster; languages; corrections; the trainable model."""

from pathlib import Path

import pandas as pd
import pytest
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from analysis.sentiment import LONG_TEXT, correct, score_new_posts, score_text, score_texts
from analysis.sentiment_model import TrainingError, evaluate, read_labelled, train_and_store
from analysis.vader_fast import FastSentimentIntensityAnalyzer
from socialpulse.warehouse import connect, open_warehouse, upsert

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "sentiment"
TRICKY = [
    "not bad at all",
    "The book was kind of good.",
    "never so happy",
    "without doubt great",
    "At least it isn't a horrible book.",
    "I DON'T LIKE IT but the staff were GREAT!!!",
    "the shit",
    "kiss of death",
    "yeah right",
    "cut the mustard",
    "no no no good",
    "Today SUX!",
    "Make sure you :) or :D today!",
    "Catch utf-8 emoji such as 💘 and 💋 and 😁",
    "Not bad, not bad at ALL... sort of great",
    "least favourite",
    "at least good",
    "",
    "extremely   sad , but somewhat happy???",
    "This is not the worst, nor the best.",
]


def test_the_fast_analyzer_gives_vaders_exact_scores(demo_tables):
    stock, fast = SentimentIntensityAnalyzer(), FastSentimentIntensityAnalyzer()
    texts = TRICKY + demo_tables["posts"]["text"].drop_duplicates().head(3000).tolist()
    assert [fast.polarity_scores(t) for t in texts] == [stock.polarity_scores(t) for t in texts]


def test_stored_scores_equal_plain_vader(demo_db):
    with open_warehouse(demo_db, read_only=True) as con:
        sample = con.execute(
            "SELECT p.text, s.compound, s.positive, s.neutral, s.negative FROM posts p "
            "JOIN sentiment_scores s USING (post_id) WHERE s.method = 'vader' "
            "AND p.language = 'en' USING SAMPLE 500 ROWS (reservoir, 1)"
        ).df()
    stock = SentimentIntensityAnalyzer()
    expected = pd.DataFrame([stock.polarity_scores(t) for t in sample["text"]])
    assert sample["compound"].tolist() == expected["compound"].tolist()
    assert sample["positive"].tolist() == expected["pos"].tolist()
    assert sample["negative"].tolist() == expected["neg"].tolist()


def test_identical_texts_are_scored_once_and_in_parallel_alike():
    texts = pd.Series(["great gear", "awful gear", "great gear"] * 10)
    serial = score_texts(texts, workers=1)
    assert list(serial.index) == ["great gear", "awful gear"]
    many = pd.Series([f"great gear number {i}" for i in range(25_000)])
    assert score_texts(many, workers=2).equals(score_texts(many, workers=1))


def test_a_long_text_is_the_mean_of_its_sentences():
    sentence = "The jacket is wonderful and warm. "
    long_text = (sentence + "The zipper is terrible. ") * 12
    assert len(long_text) > LONG_TEXT
    stock = SentimentIntensityAnalyzer()
    parts = [s for s in long_text.split(". ") if s.strip()]
    parts = [p if p.endswith(".") else p + "." for p in parts]
    expected = sum(stock.polarity_scores(p)["compound"] for p in parts) / len(parts)
    assert score_text(long_text)[0] == pytest.approx(expected)
    assert score_text("Great!")[0] == stock.polarity_scores("Great!")["compound"]


POSTED = pd.Timestamp("2026-05-01")


def post(post_id, text, language=None, created_at=POSTED):
    """A public X post as the collectors store it, for the sentiment tests."""
    return {
        "post_id": post_id,
        "platform": "x",
        "native_id": post_id,
        "channel_id": "x:public",
        "created_at": created_at,
        "text": text,
        "language": language,
        "collected_at": created_at,
    }


def test_languages_pick_the_lexicon_and_others_stay_unscored(empty_db):
    with connect(empty_db) as con:
        upsert(
            con,
            "posts",
            pd.DataFrame(
                [
                    post("en", "I love this wonderful jacket"),
                    post("fr", "J'adore cette veste, elle est magnifique et très confortable"),
                    post("de", "Die Jacke ist leider komplett kaputt und der Service ist schlecht"),
                    post("given", "Le service est nul", language="fr"),
                ]
            ),
        )
        assert score_new_posts(con) == 4
        scores = (
            con.execute(
                "SELECT p.post_id, p.language, s.model_version, s.label, "
                "s.compound FROM posts p JOIN sentiment_scores s USING (post_id)"
            )
            .df()
            .set_index("post_id")
        )
        assert score_new_posts(con) == 0  # nothing new
    assert scores.loc["en", ["language", "model_version", "label"]].tolist() == [
        "en",
        "vaderSentiment-3.3.2",
        "positive",
    ]
    assert scores.loc["fr", ["language", "model_version", "label"]].tolist() == [
        "fr",
        "vaderSentiment-fr-1.3.4",
        "positive",
    ]
    assert scores.loc["given", "label"] == "negative"
    assert scores.loc["de", "language"] == "de"
    assert scores.loc["de", "label"] == "unscored" and pd.isna(scores.loc["de", "compound"])


def test_a_correction_overrides_the_model_and_survives_rescoring(empty_db):
    with connect(empty_db) as con:
        upsert(con, "posts", pd.DataFrame([post("p1", "This jacket is sick", "en")]))
        score_new_posts(con)
        correct(con, "p1", "positive", by="ana")
        view = con.execute("SELECT label, source FROM post_sentiment").fetchall()
        con.execute("DELETE FROM sentiment_scores")
        score_new_posts(con)
        human = con.execute("SELECT human_label FROM sentiment_scores").fetchall()
        with pytest.raises(ValueError, match="expected positive"):
            correct(con, "p1", "great", by="ana")
    assert view == [("positive", "human")]
    assert human == [("positive",)]


def test_evaluate_on_a_tiny_labelled_file_gives_the_hand_computed_figures():
    results = evaluate(read_labelled(FIXTURES / "tiny_labelled.csv"))
    # VADER: right on 5 of 6; F1 positive 1, negative 0.8, neutral 2/3.
    assert results["vader"] == {
        "n": 6,
        "accuracy": round(5 / 6, 4),
        "macro_f1": round((1 + 0.8 + 2 / 3) / 3, 4),
        "weighted_f1": round((2 * 1 + 3 * 0.8 + 2 / 3) / 6, 4),
    }


def test_scores_become_labels_and_give_a_correlation():
    data = read_labelled(FIXTURES / "tiny_scored.tsv")
    # 1..5 rescaled to -1..1: 5, 4 positive; 3 neutral; 2, 1 negative.
    assert data["label"].tolist() == [
        "positive",
        "positive",
        "negative",
        "negative",
        "neutral",
        "negative",
    ]
    assert 0.8 < evaluate(data)["vader"]["pearson_r"] <= 1


def test_cross_validation_compares_the_model_with_vader_on_the_same_folds():
    data = read_labelled(FIXTURES / "jargon_labelled.csv")
    results = evaluate(data, folds=5)
    assert results["model"]["n"] == results["vader"]["n"] == 80
    assert results["model"]["macro_f1"] > results["vader"]["macro_f1"]


def test_too_little_data_is_refused_with_one_line():
    with pytest.raises(TrainingError, match="need at least 30"):
        evaluate(read_labelled(FIXTURES / "tiny_labelled.csv"), folds=3)


def test_a_model_that_beats_vader_is_promoted_and_labels_posts(empty_db, tmp_path):
    with connect(empty_db) as con:
        upsert(
            con,
            "posts",
            pd.DataFrame(
                [post("p1", "this tent is sick", "en"), post("p2", "the stove is a joke", "en")]
            ),
        )
        score_new_posts(con)
        trained = train_and_store(
            con, read_labelled(FIXTURES / "jargon_labelled.csv"), tmp_path / "models"
        )
        labels = dict(con.execute("SELECT post_id, label FROM post_sentiment").fetchall())
        sources = {s for (s,) in con.execute("SELECT source FROM post_sentiment").fetchall()}
        recorded = con.execute("SELECT promoted, training_rows FROM sentiment_models").fetchall()
    assert trained.promoted and trained.path.exists()
    assert labels == {"p1": "positive", "p2": "negative"}
    assert sources == {trained.version}
    assert recorded == [(True, 80)]
