"""Sentiment: VADER scores for every post, stored once so pages only read them.

Identical texts (reposts, copied announcements) are scored once. Only English goes to VADER:
any other language is stored as 'unscored' rather than misread by an English lexicon.
"""

from __future__ import annotations

import duckdb
import pandas as pd
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from socialpulse.warehouse import upsert

METHOD = "vader"
MODEL_VERSION = "vaderSentiment-3.3.2"
POSITIVE_AT, NEGATIVE_AT = 0.05, -0.05


def label_of(compound: float) -> str:
    """VADER's authors' thresholds: positive at 0.05 and above, negative at -0.05 and below."""
    if compound >= POSITIVE_AT:
        return "positive"
    if compound <= NEGATIVE_AT:
        return "negative"
    return "neutral"


def score_texts(texts: pd.Series) -> pd.DataFrame:
    """VADER's four scores and the label for each distinct text, indexed by text."""
    analyzer = SentimentIntensityAnalyzer()
    unique = texts.drop_duplicates()
    scores = pd.DataFrame([analyzer.polarity_scores(text) for text in unique], index=unique)
    scores["label"] = scores["compound"].map(label_of)
    return scores.rename(columns={"pos": "positive", "neu": "neutral", "neg": "negative"})


def score_new_posts(con: duckdb.DuckDBPyConnection) -> int:
    """Score the posts that have no VADER score yet; return how many were scored."""
    pending = con.execute(
        """
        SELECT p.post_id, p.text, coalesce(p.language, 'en') AS language
        FROM posts p
        WHERE NOT EXISTS (SELECT 1 FROM sentiment_scores s
                          WHERE s.post_id = p.post_id AND s.method = ?)
        """,
        [METHOD],
    ).df()
    if pending.empty:
        return 0
    english = pending["language"] == "en"
    scores = score_texts(pending.loc[english, "text"])
    rows = pending[["post_id", "text"]].join(scores, on="text").drop(columns="text")
    rows.loc[~english.to_numpy(), "label"] = "unscored"
    rows["method"] = METHOD
    rows["model_version"] = MODEL_VERSION
    rows["scored_at"] = pd.Timestamp.now(tz="UTC").tz_localize(None)
    upsert(con, "sentiment_scores", rows)
    return len(rows)
