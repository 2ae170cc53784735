"""Sentiment: a score for every post, stored once so pages only read them.

- English goes to VADER (a faster subclass with identical scores, ``analysis/vader_fast.py``),
  French to the French VADER lexicon (``vaderSentiment_fr``); any other language is stored as
  'unscored', never misread by an English lexicon. Posts without a language get one from
  py3langid first.
- Identical texts (reposts, copied announcements) are scored once, and large batches are split
  across the machine's cores.
- A long text (over ``LONG_TEXT`` characters) is scored sentence by sentence and the scores
  averaged, since one long text otherwise saturates the compound at +-1; shorter texts get
  exactly ``polarity_scores(text)``.
- A human correction (``sentiment_corrections``) overrides the model for its post.
"""

from __future__ import annotations

import os
import re
from concurrent.futures import ProcessPoolExecutor
from contextlib import suppress
from functools import cache

import duckdb
import numpy as np
import pandas as pd

from socialpulse.warehouse import upsert

METHOD = "vader"
LEXICONS = {"en": "vaderSentiment-3.3.2", "fr": "vaderSentiment-fr-1.3.4"}
POSITIVE_AT, NEGATIVE_AT = 0.05, -0.05
LONG_TEXT = 600
PARALLEL_FROM = 20_000  # distinct texts; below this, starting workers costs more than it saves
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
SCORE_COLUMNS = ["compound", "positive", "neutral", "negative"]


def label_of(compound: float) -> str:
    """VADER's authors' thresholds: positive at 0.05 and above, negative at -0.05 and below."""
    if compound >= POSITIVE_AT:
        return "positive"
    if compound <= NEGATIVE_AT:
        return "negative"
    return "neutral"


def labels_of(compound: pd.Series) -> pd.Series:
    """``label_of`` over a column, vectorised; missing scores are 'unscored'."""
    labels = np.select(
        [compound >= POSITIVE_AT, compound <= NEGATIVE_AT, compound.notna()],
        ["positive", "negative", "neutral"],
        default="unscored",
    )
    return pd.Series(labels, index=compound.index)


@cache
def analyzer(language: str):
    if language == "fr":
        from vaderSentiment_fr.vaderSentiment import SentimentIntensityAnalyzer as French

        return French()
    from analysis.vader_fast import FastSentimentIntensityAnalyzer

    return FastSentimentIntensityAnalyzer()


def score_text(text: str, language: str = "en") -> tuple[float, float, float, float]:
    """compound, positive, neutral, negative for one text."""
    model = analyzer(language)
    if len(text) <= LONG_TEXT:  # most posts: one call, no averaging (a third of the time)
        score = model.polarity_scores(text)
        return score["compound"], score["pos"], score["neu"], score["neg"]
    parts = [s for s in SENTENCE_END.split(text) if s.strip()] or [text]
    scores = [model.polarity_scores(part) for part in parts]
    return tuple(float(np.mean([s[k] for s in scores])) for k in ("compound", "pos", "neu", "neg"))


def _score_chunk(chunk: tuple[str, list[str]]) -> list[tuple[float, float, float, float]]:
    language, texts = chunk
    return [score_text(text, language) for text in texts]


def score_texts(texts: pd.Series, language: str = "en", workers: int | None = None) -> pd.DataFrame:
    """Scores for each distinct text (index: the text), in parallel for large batches."""
    unique = texts.drop_duplicates().tolist()
    workers = workers or os.cpu_count() or 1
    if len(unique) >= PARALLEL_FROM and workers > 1:
        size = -(-len(unique) // (workers * 4))
        chunks = [(language, unique[i : i + size]) for i in range(0, len(unique), size)]
        with ProcessPoolExecutor(workers) as pool:
            rows = [row for part in pool.map(_score_chunk, chunks) for row in part]
    else:
        rows = _score_chunk((language, unique))
    return pd.DataFrame(rows, columns=SCORE_COLUMNS, index=pd.Index(unique, name="text"))


def detect_languages(texts: pd.Series) -> pd.Series:
    """Two-letter language codes (py3langid, offline) for each distinct text."""
    import py3langid

    unique = texts.drop_duplicates()
    return pd.Series([py3langid.classify(text)[0] for text in unique], index=unique.to_numpy())


def fill_missing_languages(con: duckdb.DuckDBPyConnection) -> int:
    """Detect and store the language of posts that arrived without one."""
    missing = con.execute("SELECT post_id, text FROM posts WHERE language IS NULL").df()
    if missing.empty:
        return 0
    detected = detect_languages(missing["text"])
    missing["language"] = missing["text"].map(detected)
    con.register("_languages", missing[["post_id", "language"]])
    try:
        con.execute(
            "UPDATE posts SET language = l.language FROM _languages l "
            "WHERE posts.post_id = l.post_id"
        )
    finally:
        con.unregister("_languages")
    return len(missing)


def score_new_posts(con: duckdb.DuckDBPyConnection, workers: int | None = None) -> int:
    """Score the posts that have no lexicon score yet; return how many were scored.

    Only distinct texts leave the database; their scores are joined back to the posts inside
    DuckDB, so a million mentions with their reposts move a quarter of the rows through Python.
    """
    fill_missing_languages(con)
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE _pending AS
        SELECT p.post_id, p.text, coalesce(p.language, 'und') AS language FROM posts p
        WHERE NOT EXISTS (SELECT 1 FROM sentiment_scores s
                          WHERE s.post_id = p.post_id AND s.method = ?)
        """,
        [METHOD],
    )
    try:
        distinct = con.execute("SELECT DISTINCT text, language FROM _pending").df()
        if distinct.empty:
            return 0
        frames = []
        for language, group in distinct.groupby("language", sort=True):
            if language in LEXICONS:
                scores = score_texts(group["text"], language, workers).reset_index()
                scores["model_version"] = LEXICONS[language]
            else:
                scores = group[["text"]].assign(
                    **dict.fromkeys(SCORE_COLUMNS, np.nan),
                    model_version="none: language not supported",
                )
            frames.append(scores.assign(language=language))
        con.register("_scores", pd.concat(frames, ignore_index=True))
        return con.execute(
            """
            INSERT INTO sentiment_scores BY NAME
            SELECT p.post_id, ? AS method, s.model_version, s.compound, s.positive, s.neutral,
                   s.negative,
                   CASE WHEN s.compound >= ? THEN 'positive'
                        WHEN s.compound <= ? THEN 'negative'
                        WHEN s.compound IS NOT NULL THEN 'neutral'
                        ELSE 'unscored' END AS label,
                   c.label AS human_label, now()::TIMESTAMP AS scored_at
            FROM _pending p JOIN _scores s USING (text, language)
            LEFT JOIN sentiment_corrections c ON c.post_id = p.post_id
            """,
            [METHOD, POSITIVE_AT, NEGATIVE_AT],
        ).fetchall()[0][0]
    finally:
        con.execute("DROP TABLE IF EXISTS _pending")
        with suppress(duckdb.Error):
            con.unregister("_scores")


def correct(con: duckdb.DuckDBPyConnection, post_id: str, label: str, by: str) -> None:
    """Record a human label: it overrides every model's label for the post from now on, and is
    kept as a training example."""
    if label not in ("positive", "neutral", "negative"):
        raise ValueError(f"{label!r}: expected positive, neutral or negative")
    if not con.execute("SELECT count(*) FROM posts WHERE post_id = ?", [post_id]).fetchall()[0][0]:
        raise ValueError(f"{post_id}: no such post")
    upsert(
        con,
        "sentiment_corrections",
        pd.DataFrame(
            {
                "post_id": [post_id],
                "label": [label],
                "corrected_by": [by],
                "corrected_at": [pd.Timestamp.now(tz="UTC").tz_localize(None)],
            }
        ),
    )
    con.execute("UPDATE sentiment_scores SET human_label = ? WHERE post_id = ?", [label, post_id])
