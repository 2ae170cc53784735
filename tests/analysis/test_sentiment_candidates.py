"""Every candidate fits and labels on its own, and the shared-count shortcuts give what the
plain computations give."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

from analysis.sentiment_candidates import CANDIDATES, candidate, text_features
from analysis.sentiment_features import NaiveBayesLogisticRegression
from analysis.sentiment_model import read_labelled
from analysis.sentiment_model_scoring import with_vader_scores

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "sentiment"


@pytest.fixture(scope="module")
def jargon():
    data = read_labelled(FIXTURES / "jargon_labelled.csv")
    return with_vader_scores(data["text"]), data["label"]


@pytest.mark.parametrize("name", CANDIDATES)
def test_every_candidate_fits_and_labels_its_training_texts(jargon, name):
    inputs, labels = jargon
    model = candidate(name).fit(inputs, labels)
    probabilities = model.predict_proba(inputs)
    assert np.allclose(probabilities.sum(axis=1), 1)
    assert (model.predict(inputs) == labels.to_numpy()).mean() > 0.9


def test_the_ensemble_averages_its_members(jargon):
    inputs, labels = jargon
    ensemble = candidate("ensemble").fit(inputs, labels)
    members = [candidate(name).fit(inputs, labels) for name in ("tfidf-lr", "nb-lr")]
    average = sum(m.predict_proba(inputs) for m in members) / 2
    assert np.allclose(ensemble.predict_proba(inputs), average)


def test_nb_lr_scores_with_its_ratios_folded_into_the_weights(jargon):
    inputs, labels = jargon
    X = text_features().fit(inputs).transform(inputs)
    X = X.sign().tocsr()
    model = NaiveBayesLogisticRegression().fit(X, labels)
    plain = np.column_stack(
        [
            m.predict_proba(sp.csr_matrix(X).multiply(r).tocsr())[:, 1]
            for r, m in zip(model.ratios_, model.models_, strict=True)
        ]
    )
    assert np.allclose(model.predict_proba(X), plain / plain.sum(axis=1, keepdims=True))
