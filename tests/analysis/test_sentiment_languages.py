"""Romanian, Spanish and German are scored by a model the users train on their own labels, and
only that language's posts take its labels."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis.sentiment import score_new_posts
from analysis.sentiment_coverage import language_coverage
from analysis.sentiment_model import read_labelled, train_and_store
from analysis.sentiment_model_scoring import label_with_promoted_models
from socialpulse.warehouse import connect, upsert
from tests.analysis.test_sentiment import post

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "sentiment"

# New sentences in each language, labelled by hand; their words come from the training file.
EXAMPLES = {
    "ro": [
        ("Geaca este excelentă și livrarea rapidă", "positive"),
        ("Fermoarul s-a stricat sunt foarte dezamăgit", "negative"),
        ("Care este ora de livrare", "neutral"),
    ],
    "es": [
        ("La chaqueta es excelente y la entrega rápida", "positive"),
        ("La cremallera se rompió estoy muy decepcionado", "negative"),
        ("Cuál es la hora de entrega", "neutral"),
    ],
    "de": [
        ("Die Jacke ist ausgezeichnet und die Lieferung schnell", "positive"),
        ("Der Reißverschluss ist kaputt ich bin sehr enttäuscht", "negative"),
        ("Wie lautet die Lieferzeit", "neutral"),
    ],
}


def posts(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame([post(post_id, text, language) for post_id, text, language in rows])


@pytest.mark.parametrize("language", sorted(EXAMPLES))
def test_a_model_trained_on_one_languages_labels_scores_that_language(empty_db, tmp_path, language):
    rows = [(f"{language}{i}", text, language) for i, (text, _) in enumerate(EXAMPLES[language])]
    with connect(empty_db) as con:
        upsert(con, "posts", posts([*rows, ("en0", "I love this wonderful jacket", "en")]))
        score_new_posts(con)
        before = dict(con.execute("SELECT post_id, label FROM post_sentiment").fetchall())
        data = read_labelled(FIXTURES / f"{language}_labelled.csv")
        trained = train_and_store(con, data, tmp_path / "models", folds=3, language=language)
        after = dict(con.execute("SELECT post_id, label FROM post_sentiment").fetchall())
        sources = dict(con.execute("SELECT post_id, source FROM post_sentiment").fetchall())
    assert {before[post_id] for post_id, _, _ in rows} == {"unscored"}
    assert trained.promoted and trained.version.startswith(f"sentiment-{language}-")
    expected = {f"{language}{i}": label for i, (_, label) in enumerate(EXAMPLES[language])}
    assert {post_id: after[post_id] for post_id in expected} == expected
    assert after["en0"] == before["en0"] == "positive"
    assert sources["en0"] == "vaderSentiment-3.3.2"
    assert {sources[post_id] for post_id in expected} == {trained.version}


def test_posts_arriving_after_promotion_are_labelled_by_the_next_analyze(empty_db, tmp_path):
    with connect(empty_db) as con:
        data = read_labelled(FIXTURES / "ro_labelled.csv")
        train_and_store(con, data, tmp_path / "models", folds=3, language="ro")
        upsert(con, "posts", posts([("late", "Produsul este groaznic nu recomand", "ro")]))
        score_new_posts(con)
        assert label_with_promoted_models(con) == 1
        assert label_with_promoted_models(con) == 0  # nothing new
        label = con.execute("SELECT label FROM post_sentiment WHERE post_id = 'late'").fetchall()
    assert label == [("negative",)]


def test_coverage_says_what_scores_each_language(empty_db, tmp_path):
    with connect(empty_db) as con:
        upsert(
            con,
            "posts",
            posts(
                [
                    ("e1", "Great tent", "en"),
                    ("e2", "Awful stove", "en"),
                    ("f1", "Le service est nul", "fr"),
                    ("r1", "Livrarea a fost excelentă", "ro"),
                    ("d1", "Die Jacke ist kaputt", "de"),
                ]
            ),
        )
        score_new_posts(con)
        train_and_store(con, read_labelled(FIXTURES / "ro_labelled.csv"), tmp_path / "m", 3, "ro")
        coverage = language_coverage(con).set_index("language")
    assert coverage.loc["English", ["posts", "scored_by"]].tolist() == [
        2,
        "English lexicon (VADER)",
    ]
    assert coverage.loc["French", "scored_by"] == "French lexicon (VADER, French)"
    assert coverage.loc["Romanian", "scored_by"].startswith("Model trained on your labels")
    assert coverage.loc["German", ["scored_by", "scored_share"]].tolist() == ["Not scored", 0.0]
    assert coverage["scored_share"].loc[["English", "French", "Romanian"]].tolist() == [1.0] * 3
