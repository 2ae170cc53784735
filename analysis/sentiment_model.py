"""A sentiment model the users train on their own labels, and the evaluation that decides
whether it replaces VADER.

VADER is right about 60-75% of the time on brand mentions; each organisation's corrections
teach a model its own vocabulary (product names, sarcasm, jargon). Every candidate in
``analysis/sentiment_candidates.py`` is cross-validated on the same folds as VADER; the one with
the best held-out weighted F1 is fitted on all the labels, and it is promoted only when it beats
VADER's macro F1 on those folds. Every score records the model version that made it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
from scipy.stats import pearsonr
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import StratifiedKFold

from analysis.sentiment import labels_of
from analysis.sentiment_candidates import ENSEMBLE, HEADS, candidate, text_features
from analysis.sentiment_labels import LABELS, TrainingError, read_labelled
from analysis.sentiment_model_scoring import (
    continuous,
    label_with_promoted_models,
    with_vader_scores,
)

__all__ = ["LABELS", "TrainingError", "evaluate", "read_labelled", "train", "train_and_store"]

MIN_EXAMPLES = 30
LEARNING_SHARES = (0.125, 0.25, 0.5)


def _metrics(
    truth: pd.Series, predicted: pd.Series, continuous: pd.Series | None, scores: pd.Series | None
) -> dict:
    result = {
        "n": int(len(truth)),
        "accuracy": round(float(accuracy_score(truth, predicted)), 4),
        "macro_f1": round(
            float(
                f1_score(truth, predicted, average="macro", labels=list(LABELS), zero_division=0)
            ),
            4,
        ),
        "weighted_f1": round(
            float(
                f1_score(truth, predicted, average="weighted", labels=list(LABELS), zero_division=0)
            ),
            4,
        ),
    }
    if scores is not None and continuous is not None and len(truth) > 2:
        result["pearson_r"] = round(float(pearsonr(scores, continuous).statistic), 4)
    return result


def evaluate(data: pd.DataFrame, folds: int | None = None, language: str = "en") -> dict[str, dict]:
    """Per method: n, accuracy, macro and weighted F1, Pearson r with ``score`` when given.

    VADER is always evaluated; with ``folds`` every candidate model is fitted on K-1 folds and
    tested on the held-out one, over the same folds as VADER, and ``model`` repeats the figures
    of the candidate with the best weighted F1 (named in its ``candidate``). ``language`` picks
    the lexicon (``lexicon_for``): the baseline and a feature of every candidate.
    """
    return _evaluate(data, with_vader_scores(data["text"], language), folds)


def _evaluate(data: pd.DataFrame, inputs: pd.DataFrame, folds: int | None) -> dict[str, dict]:
    """``evaluate`` on the model's inputs, already scored by the lexicon."""
    truth = data["label"]
    scores = data.get("score")
    results = {"vader": _metrics(truth, labels_of(inputs["compound"]), inputs["compound"], scores)}
    if folds:
        _check_trainable(truth, folds)
        held_out = _held_out_probabilities(inputs, truth, folds)
        for name, probabilities in held_out.items():
            predicted = probabilities.idxmax(axis=1)
            results[name] = _metrics(truth, predicted, continuous(probabilities), scores)
        best = max(held_out, key=lambda name: results[name]["weighted_f1"])
        results["model"] = {**results[best], "candidate": best}
    return results


def _held_out_probabilities(
    inputs: pd.DataFrame, truth: pd.Series, folds: int, share: float = 1.0
) -> dict[str, pd.DataFrame]:
    """Each candidate's class probabilities for every text, from the fold that held it out
    (trained on ``share`` of the other folds, for the learning curve).

    The counts are fitted once per fold and shared by every classifier, as in the candidates
    themselves; the ensemble's probabilities are the mean of its members' on the same fold,
    which is what soft voting over the same fitted members gives, without fitting them twice.
    """
    classes = sorted(truth.unique())
    held_out = {name: pd.DataFrame(0.0, index=inputs.index, columns=classes) for name in HEADS}
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=0)
    for train, test in splitter.split(inputs, truth):
        if share < 1:
            train = np.random.default_rng(0).permutation(train)[: round(len(train) * share)]
        features = text_features().fit(inputs.iloc[train])
        seen, unseen = features.transform(inputs.iloc[train]), features.transform(inputs.iloc[test])
        for name, build in HEADS.items():
            head = build().fit(seen, truth.iloc[train])
            fold = pd.DataFrame(head.predict_proba(unseen), columns=head.classes_)
            held_out[name].iloc[test] = fold.reindex(columns=classes, fill_value=0).to_numpy()
    held_out[ENSEMBLE] = sum(held_out.values()) / len(HEADS)
    return held_out


def learning_curve(
    inputs: pd.DataFrame, truth: pd.Series, candidate_name: str, folds: int = 5
) -> list[dict]:
    """Held-out weighted F1 of ``candidate_name`` trained on an eighth, a quarter and half of
    each fold's labels: whether more labels still help. Points with too few labels to hold
    every class are left out; the full point is the evaluation's own. ``inputs`` are the
    texts with their lexicon scores (``with_vader_scores``), ``truth`` their labels."""
    per_fold = len(truth) * (folds - 1) / folds
    points = []
    for share in LEARNING_SHARES:
        if per_fold * share < MIN_EXAMPLES:
            continue
        try:
            held_out = _held_out_probabilities(inputs, truth, folds, share)[candidate_name]
        except ValueError:  # a fold's sample lacks a class: no point at this size
            continue
        points.append(
            {
                "labels": round(per_fold * share),
                "weighted_f1": _metrics(truth, held_out.idxmax(axis=1), None, None)["weighted_f1"],
            }
        )
    return points


def _check_trainable(labels: pd.Series, folds: int) -> None:
    if len(labels) < MIN_EXAMPLES:
        raise TrainingError(f"need at least {MIN_EXAMPLES} labelled texts, have {len(labels)}")
    counts = labels.value_counts()
    if len(counts) < 2 or counts.min() < folds:
        raise TrainingError(
            f"need at least two labels with {folds}+ examples each; have "
            + ", ".join(f"{k}: {v}" for k, v in counts.items())
        )


@dataclass
class TrainedModel:
    version: str
    promoted: bool
    metrics: dict
    path: Path
    learning_curve: list[dict]


def train(
    data: pd.DataFrame, models_dir: Path, folds: int = 5, language: str = "en"
) -> TrainedModel:
    """Cross-validate against VADER, fit on everything, save; promoted if it beats VADER's
    macro F1 on the held-out folds. The lexicon scores the texts once, for all three steps."""
    inputs = with_vader_scores(data["text"], language)
    metrics = _evaluate(data, inputs, folds)
    promoted = metrics["model"]["macro_f1"] > metrics["vader"]["macro_f1"]
    version = f"sentiment-{language}-" + datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    chosen = metrics["model"]["candidate"]
    curve = [
        *learning_curve(inputs, data["label"], chosen, folds),
        {
            "labels": round(len(data) * (folds - 1) / folds),
            "weighted_f1": metrics["model"]["weighted_f1"],
        },
    ]
    model = candidate(chosen)
    model.fit(inputs, data["label"])
    models_dir.mkdir(parents=True, exist_ok=True)
    path = models_dir / f"{version}.joblib"
    joblib.dump(model, path)
    return TrainedModel(version, promoted, metrics, path, curve)


def metrics_json(metrics: dict) -> str:
    return json.dumps(metrics, sort_keys=True)


def corrections(con, language: str = "en") -> pd.DataFrame:
    """The users' corrections of posts in ``language`` as training data (text, label)."""
    return con.execute(
        "SELECT p.text, c.label FROM sentiment_corrections c JOIN posts p USING (post_id) "
        "WHERE coalesce(p.language, 'und') = ?",
        [language],
    ).df()


def train_and_store(
    con, data: pd.DataFrame, models_dir: Path, folds: int = 5, language: str = "en"
) -> TrainedModel:
    """Train, record the model in ``sentiment_models`` and, when promoted, label every post of
    its language with it (method 'model'; the lexicon's scores stay for comparison)."""
    from socialpulse.warehouse import upsert

    trained = train(data, models_dir, folds, language)
    upsert(
        con,
        "sentiment_models",
        pd.DataFrame(
            [
                {
                    "model_version": trained.version,
                    "trained_at": datetime.now(UTC).replace(tzinfo=None),
                    "training_rows": len(data),
                    "metrics": metrics_json(
                        {**trained.metrics, "learning_curve": trained.learning_curve}
                    ),
                    "promoted": trained.promoted,
                    "path": str(trained.path),
                    "language": language,
                }
            ]
        ),
    )
    if trained.promoted:
        label_with_promoted_models(con)
    return trained
