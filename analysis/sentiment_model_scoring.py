"""Labels from the users' trained models, for every post of the model's language, as they arrive.

A model is trained for one language (``sentiment_models.language``); once promoted it labels that
language's posts with method 'model', and ``pulse analyze`` labels the posts that arrived since
(or since a newer model was promoted), so a promoted model never goes stale. The model reads the
text with the lexicon's four scores, as in training: the language's own lexicon where there is
one, English VADER elsewhere (emoji, "!!!" and loanwords still count). Large batches are split
across the machine's cores, each worker loading the model once.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import duckdb
import joblib
import numpy as np
import pandas as pd

from analysis.sentiment import LEXICONS, PARALLEL_FROM, SCORE_COLUMNS, score_texts
from analysis.sentiment_labels import LABELS
from socialpulse.warehouse import upsert


def lexicon_for(language: str) -> str:
    """The lexicon whose scores a model of ``language`` reads: its own, else English."""
    return language if language in LEXICONS else "en"


def with_vader_scores(texts: pd.Series, language: str = "en") -> pd.DataFrame:
    """The model's input: the text and the lexicon's four scores."""
    scores = score_texts(texts, lexicon_for(language))
    return pd.DataFrame({"text": texts.to_numpy()}).join(scores, on="text")


def continuous(probabilities: pd.DataFrame) -> np.ndarray:
    """P(positive) - P(negative): a model's answer on VADER's -1..1 scale."""
    return (probabilities.get("positive", 0) - probabilities.get("negative", 0)).to_numpy()


def probabilities(model, frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(model.predict_proba(frame), columns=model.classes_, index=frame.index)


@cache
def _loaded(model_path: str):
    return joblib.load(model_path)


def _label_chunk(task: tuple[str, pd.DataFrame]) -> pd.DataFrame:
    model_path, posts = task
    answers = probabilities(_loaded(model_path), posts)
    classes = answers.reindex(columns=list(LABELS), fill_value=0.0)
    # The class probabilities go where the lexicon keeps its proportions: the margin between
    # the two likeliest is what tells which posts are worth a person's label.
    return pd.DataFrame(
        {
            "post_id": posts["post_id"].to_numpy(),
            "label": answers.idxmax(axis=1).to_numpy(),
            "compound": continuous(answers),
            **{label: classes[label].to_numpy() for label in LABELS},
        }
    )


def score_with_model(
    model_path: Path, posts: pd.DataFrame, workers: int | None = None
) -> pd.DataFrame:
    """Labels for ``posts`` (post_id, text and the lexicon's four scores) from a saved model."""
    workers = workers or os.cpu_count() or 1
    if len(posts) < PARALLEL_FROM or workers == 1:
        return _label_chunk((str(model_path), posts))
    size = -(-len(posts) // workers)
    chunks = [(str(model_path), posts.iloc[i : i + size]) for i in range(0, len(posts), size)]
    with ProcessPoolExecutor(workers) as pool:
        return pd.concat(pool.map(_label_chunk, chunks), ignore_index=True)


def _promoted_models(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str]]:
    """(language, model_version, path) of the newest promoted model of each language."""
    return con.execute(
        """
        SELECT language, arg_max(model_version, trained_at), arg_max(path, trained_at)
        FROM sentiment_models WHERE promoted GROUP BY language ORDER BY language
        """
    ).fetchall()


def _unlabelled(con: duckdb.DuckDBPyConnection, language: str, version: str) -> pd.DataFrame:
    posts = con.execute(
        """
        SELECT p.post_id, p.text, s.compound, s.positive, s.neutral, s.negative
        FROM posts p JOIN sentiment_scores s ON s.post_id = p.post_id AND s.method = 'vader'
        WHERE coalesce(p.language, 'und') = $language
          AND NOT EXISTS (SELECT 1 FROM sentiment_scores m WHERE m.post_id = p.post_id
                          AND m.method = 'model' AND m.model_version = $version)
        """,
        {"language": language, "version": version},
    ).df()
    unscored = posts["compound"].isna()
    if unscored.any():  # a language without a lexicon: English VADER, as the model was trained
        computed = with_vader_scores(posts.loc[unscored, "text"], language)
        posts.loc[unscored, SCORE_COLUMNS] = computed[SCORE_COLUMNS].to_numpy()
    return posts


def label_with_promoted_models(con: duckdb.DuckDBPyConnection, workers: int | None = None) -> int:
    """Label every post that its language's promoted model has not labelled yet; return how
    many were labelled."""
    labelled = 0
    for language, version, path in _promoted_models(con):
        posts = _unlabelled(con, language, version)
        if posts.empty:
            continue
        scored = score_with_model(Path(path), posts, workers)
        upsert(
            con,
            "sentiment_scores",
            scored.assign(
                method="model",
                model_version=version,
                scored_at=datetime.now(UTC).replace(tzinfo=None),
            ),
        )
        labelled += len(scored)
    return labelled
