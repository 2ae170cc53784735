"""What the trainable sentiment models see beyond plain word counts.

Two ideas that hold up on short opinionated text (Wang and Manning 2012; Das and Chen 2001):

- **Negation scope**: words after "not", "never", "isn't"... up to the next punctuation mark get
  a ``_NEG`` suffix, so "not good" and "good" are different features instead of one.
- **Naive Bayes log-count ratios**: each feature is weighted by how much more often it occurs in
  one class than in the others before a logistic regression sees it (NB-LR, the NB-SVM idea with
  a probabilistic classifier). It keeps the regression's calibration and adds the Bayes model's
  strength on little data. Several classes are handled one against the rest, so neutral stays a
  class of its own.
"""

from __future__ import annotations

import re

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin, clone
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
from sklearn.linear_model import LogisticRegression

NEGATION_SUFFIX = "_NEG"
_NEGATORS = re.compile(
    r"(?:not|no|never|nothing|nobody|none|nor|neither|cannot|without|hardly|barely|\w+n't)"
)
_TOKENS = re.compile(r"[\w']+|[.,!?;:]")
_CLAUSE_ENDS = frozenset(".,!?;:")


def negation_marked_tokens(text: str) -> list[str]:
    """``text`` lower-cased and tokenised, with the words in a negation's scope marked."""
    marked, negated = [], False
    for token in _TOKENS.findall(text.lower()):
        if token in _CLAUSE_ENDS:
            negated = False
            marked.append(token)
            continue
        marked.append(token + NEGATION_SUFFIX if negated else token)
        if _NEGATORS.fullmatch(token):
            negated = True
    return marked


def mark_negation(text: str) -> str:
    """``negation_marked_tokens`` as one string, the form a vectorizer's preprocessor returns."""
    return " ".join(negation_marked_tokens(text))


class NegatedWordNgrams:
    """A vectorizer's analyzer: the negation-marked tokens of a text and their 2..n-word
    phrases, made in one pass (a preprocessor then a tokenizer would split every text twice)."""

    def __init__(self, longest: int = 3) -> None:
        self.longest = longest

    def __call__(self, text: str) -> list[str]:
        tokens = negation_marked_tokens(text)
        grams = list(tokens)
        for size in range(2, self.longest + 1):
            grams += map(" ".join, zip(*(tokens[i:] for i in range(size)), strict=False))
        return grams


class NaiveBayesLogisticRegression(ClassifierMixin, BaseEstimator):
    """One-against-the-rest logistic regressions on NB-weighted count features.

    ``unweighted`` trailing columns (dense scores such as VADER's, which can be negative) are
    passed through as they are: a log-count ratio only makes sense for counts.
    """

    def __init__(self, C: float = 4.0, alpha: float = 1.0, unweighted: int = 0) -> None:
        self.C = C
        self.alpha = alpha
        self.unweighted = unweighted

    def fit(self, X, y) -> NaiveBayesLogisticRegression:
        X, y = sp.csr_matrix(X), np.asarray(y)
        self.classes_ = np.unique(y)
        self.ratios_, self.models_ = [], []
        counted = X.shape[1] - self.unweighted
        for label in self.classes_:
            inside = self.alpha + np.asarray(X[y == label][:, :counted].sum(axis=0)).ravel()
            outside = self.alpha + np.asarray(X[y != label][:, :counted].sum(axis=0)).ravel()
            ratio = np.log((inside / inside.sum()) / (outside / outside.sum()))
            ratio = np.concatenate([ratio, np.ones(self.unweighted)])
            model = LogisticRegression(C=self.C, max_iter=2000)
            self.models_.append(model.fit(X.multiply(ratio).tocsr(), y == label))
            self.ratios_.append(ratio)
        return self

    def predict_proba(self, X) -> np.ndarray:
        # w . (x * r) = (w * r) . x: the ratios fold into the weights, so one product of the
        # counts with every class's weights scores them all, without re-weighting the counts.
        weights = np.column_stack(
            [m.coef_.ravel() * r for r, m in zip(self.ratios_, self.models_, strict=True)]
        )
        intercepts = np.array([m.intercept_[0] for m in self.models_])
        each = 1 / (1 + np.exp(-(sp.csr_matrix(X) @ weights + intercepts)))
        return each / each.sum(axis=1, keepdims=True)

    def predict(self, X) -> np.ndarray:
        return self.classes_[self.predict_proba(X).argmax(axis=1)]


class WordCharNgrams(TransformerMixin, BaseEstimator):
    """Character n-grams within word boundaries (scikit-learn's ``char_wb``), computed once per
    distinct word of a batch instead of once per occurrence.

    ``char_wb`` pads each whitespace-separated word with spaces and counts its n-grams, so a
    text's counts are the sum of its words' counts: a text x word matrix times a word x n-gram
    matrix gives exactly what ``CountVectorizer(analyzer="char_wb")`` gives, and words repeat so
    much (Zipf) that this is several times faster, which is what lets the model score at the
    rate posts arrive.
    """

    def __init__(
        self, ngram_range: tuple[int, int] = (2, 5), max_features: int | None = None
    ) -> None:
        self.ngram_range = ngram_range
        self.max_features = max_features

    def fit(self, texts, y=None) -> WordCharNgrams:
        self.ngrams_ = CountVectorizer(
            analyzer="char_wb", ngram_range=self.ngram_range, max_features=self.max_features
        ).fit(texts)
        return self

    def transform(self, texts) -> sp.csr_matrix:
        words = CountVectorizer(token_pattern=r"\S+", dtype=np.float64)
        try:
            per_text = words.fit_transform(texts)
        except ValueError:  # no word at all in the batch
            return sp.csr_matrix((len(texts), len(self.ngrams_.vocabulary_)))
        vocabulary = words.get_feature_names_out()
        return (per_text @ self.ngrams_.transform(vocabulary)).tocsr()

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        return self.ngrams_.get_feature_names_out()


class CountWeighting(TransformerMixin, BaseEstimator):
    """Counts weighted the way one model reads them: sublinear TF-IDF (``"tfidf"``) or presence
    (``"presence"``), with the trailing ``unweighted`` dense columns (VADER's scores) left as they
    are. It lets every candidate share one count matrix, so a text is tokenised once however many
    models vote on it."""

    def __init__(self, weighting: str = "tfidf", unweighted: int = 0) -> None:
        self.weighting = weighting
        self.unweighted = unweighted

    def fit(self, X, y=None) -> CountWeighting:
        if self.weighting not in ("tfidf", "presence"):
            raise ValueError(f"weighting {self.weighting!r}: expected tfidf or presence")
        counts = sp.csr_matrix(X)[:, : X.shape[1] - self.unweighted]
        self.idf_ = TfidfTransformer(sublinear_tf=True).fit(counts).idf_
        return self

    def transform(self, X) -> sp.csr_matrix:
        # In place on the stored values, with no column slicing or stacking (the copies were a
        # third of the scoring time): exactly TfidfTransformer(sublinear_tf=True) on the counts.
        X = sp.csr_matrix(X, dtype=np.float64, copy=True)
        counted = (X.indices < X.shape[1] - self.unweighted) & (X.data > 0)
        if self.weighting == "presence":
            X.data[counted] = 1.0
            return X
        X.data[counted] = (1 + np.log(X.data[counted])) * self.idf_[X.indices[counted]]
        rows = np.repeat(np.arange(X.shape[0]), np.diff(X.indptr))
        squares = np.bincount(rows[counted], X.data[counted] ** 2, minlength=X.shape[0])
        norms = np.sqrt(squares)
        X.data[counted] /= np.where(norms > 0, norms, 1)[rows[counted]]
        return X


class TextFeatures(TransformerMixin, BaseEstimator):
    """Word phrases, character n-grams and the lexicon's scores of a frame, side by side in one
    CSR matrix (in that order, the scores last). A ColumnTransformer gives the same matrix; this
    stacks CSR blocks directly, which saves a fifth of the scoring time."""

    def __init__(self, words, chars, scores: list[str]) -> None:
        self.words = words
        self.chars = chars
        self.scores = scores

    def fit(self, frame, y=None) -> TextFeatures:
        self.words_ = clone(self.words).fit(frame["text"])
        self.chars_ = clone(self.chars).fit(frame["text"])
        return self

    def transform(self, frame) -> sp.csr_matrix:
        blocks = [
            self.words_.transform(frame["text"]).astype(np.float64),
            self.chars_.transform(frame["text"]).astype(np.float64),
            sp.csr_matrix(frame[self.scores].to_numpy(dtype=np.float64)),
        ]
        return sp.hstack(blocks, format="csr")
