"""The trainable models compared on every user's labels, side by side with VADER.

Each candidate is a scikit-learn pipeline over a frame of ``text`` and VADER's four scores, so
the lexicon's judgement is a feature the model can lean on or overrule.

Every candidate reads the same counts (``text_features``: words and phrases with negation
marked, character n-grams, VADER's scores), computed once per text however many models vote:

- ``tfidf-lr``: the counts as sublinear TF-IDF, into a logistic regression; robust on spelling
  variants, hashtags and jargon.
- ``nb-lr``: the counts as presence, weighted by Naive Bayes log-count ratios, into logistic
  regressions; strongest on short opinionated text.
- ``ensemble``: the two above, their probabilities averaged (soft voting); over the
  development set it beats either one alone, since their errors differ.

No candidate downloads anything: the features are learnt from the user's own labels.
"""

from __future__ import annotations

from collections.abc import Callable

from sklearn.base import ClassifierMixin
from sklearn.ensemble import VotingClassifier
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from analysis.sentiment import SCORE_COLUMNS
from analysis.sentiment_features import (
    CountWeighting,
    NaiveBayesLogisticRegression,
    NegatedWordNgrams,
    TextFeatures,
    WordCharNgrams,
)

ENSEMBLE = "ensemble"
VADER_COLUMNS = len(SCORE_COLUMNS)


def text_features() -> TextFeatures:
    """The counts every candidate reads, computed once per text: words and 2-3 word phrases
    with negation marked, character 2-5 grams within words, and VADER's four scores last."""
    return TextFeatures(
        CountVectorizer(analyzer=NegatedWordNgrams(3), dtype=float),
        WordCharNgrams((2, 5), max_features=100_000),
        SCORE_COLUMNS,
    )


def tfidf_lr_head() -> Pipeline:
    classifier = LogisticRegression(max_iter=2000, class_weight="balanced", C=4.0)
    return Pipeline(
        [("weighting", CountWeighting("tfidf", VADER_COLUMNS)), ("classifier", classifier)]
    )


def nb_lr_head() -> Pipeline:
    classifier = NaiveBayesLogisticRegression(C=4.0, unweighted=VADER_COLUMNS)
    return Pipeline(
        [("weighting", CountWeighting("presence", VADER_COLUMNS)), ("classifier", classifier)]
    )


def ensemble_head() -> VotingClassifier:
    return VotingClassifier([(name, build()) for name, build in HEADS.items()], voting="soft")


# The classifiers over the shared counts, in the order the ensemble averages them.
HEADS: dict[str, Callable[[], ClassifierMixin]] = {"tfidf-lr": tfidf_lr_head, "nb-lr": nb_lr_head}
_ALL_HEADS = {**HEADS, ENSEMBLE: ensemble_head}


def candidate(name: str) -> Pipeline:
    """The named candidate, whole: the shared counts, then its classifier."""
    return Pipeline([("features", text_features()), ("classifier", _ALL_HEADS[name]())])


CANDIDATES: tuple[str, ...] = tuple(_ALL_HEADS)
