"""The trainable models compared on every user's labels, side by side with VADER.

Each candidate is a scikit-learn pipeline over a frame of ``text`` and VADER's four scores, so
the lexicon's judgement is a feature the model can lean on or overrule:

- ``tfidf-lr``: TF-IDF of words (1-2 grams, negation marked) and characters (2-5 grams), into a
  logistic regression; robust on spelling variants, hashtags and jargon.
- ``nb-lr``: binary word (1-3 grams, negation marked) and character counts weighted by Naive
  Bayes log-count ratios, into logistic regressions; strongest on short opinionated text.
- ``ensemble``: the two above, their probabilities averaged (soft voting); over the
  development set it beats either one alone, since their errors differ.

No candidate downloads anything: the features are learnt from the user's own labels.
"""

from __future__ import annotations

from collections.abc import Callable

from sklearn.compose import ColumnTransformer
from sklearn.ensemble import VotingClassifier
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import Binarizer

from analysis.sentiment import SCORE_COLUMNS
from analysis.sentiment_features import (
    NaiveBayesLogisticRegression,
    WordCharNgrams,
    mark_negation,
)

ENSEMBLE = "ensemble"
WHITESPACE_TOKENS = r"\S+"  # mark_negation has tokenised already


def tfidf_lr() -> Pipeline:
    features = ColumnTransformer(
        [
            (
                "words",
                TfidfVectorizer(
                    ngram_range=(1, 2),
                    sublinear_tf=True,
                    preprocessor=mark_negation,
                    token_pattern=WHITESPACE_TOKENS,
                ),
                "text",
            ),
            (
                "chars",
                make_pipeline(
                    WordCharNgrams((2, 5), max_features=50_000), TfidfTransformer(sublinear_tf=True)
                ),
                "text",
            ),
            ("vader", "passthrough", SCORE_COLUMNS),
        ]
    )
    classifier = LogisticRegression(max_iter=2000, class_weight="balanced", C=4.0)
    return Pipeline([("features", features), ("classifier", classifier)])


def nb_lr() -> Pipeline:
    features = ColumnTransformer(
        [
            (
                "words",
                CountVectorizer(
                    ngram_range=(1, 3),
                    binary=True,
                    preprocessor=mark_negation,
                    token_pattern=WHITESPACE_TOKENS,
                ),
                "text",
            ),
            (
                "chars",
                make_pipeline(WordCharNgrams((2, 5), max_features=100_000), Binarizer()),
                "text",
            ),
            ("vader", "passthrough", SCORE_COLUMNS),
        ]
    )
    classifier = NaiveBayesLogisticRegression(C=4.0, unweighted=len(SCORE_COLUMNS))
    return Pipeline([("features", features), ("classifier", classifier)])


def ensemble() -> VotingClassifier:
    return VotingClassifier([("tfidf-lr", tfidf_lr()), ("nb-lr", nb_lr())], voting="soft")


# The ensemble's members, in the order their probabilities are averaged.
MEMBERS: dict[str, Callable[[], Pipeline]] = {"tfidf-lr": tfidf_lr, "nb-lr": nb_lr}
CANDIDATES: dict[str, Callable[[], Pipeline | VotingClassifier]] = {
    **MEMBERS,
    ENSEMBLE: ensemble,
}
