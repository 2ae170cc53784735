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

from analysis.sentiment import labels_of, score_texts
from analysis.sentiment_candidates import CANDIDATES, ENSEMBLE, MEMBERS
from analysis.sentiment_labels import LABELS, TrainingError, read_labelled

__all__ = ["LABELS", "TrainingError", "evaluate", "read_labelled", "train", "train_and_store"]

MIN_EXAMPLES = 30


def with_vader_scores(texts: pd.Series) -> pd.DataFrame:
    """The model's input: the text and its VADER scores."""
    scores = score_texts(texts, "en")
    return pd.DataFrame({"text": texts.to_numpy()}).join(scores, on="text")


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


def _continuous(probabilities: pd.DataFrame) -> np.ndarray:
    """P(positive) - P(negative): a model's answer on VADER's -1..1 scale."""
    return (probabilities.get("positive", 0) - probabilities.get("negative", 0)).to_numpy()


def _probabilities(model, frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(model.predict_proba(frame), columns=model.classes_, index=frame.index)


def evaluate(data: pd.DataFrame, folds: int | None = None) -> dict[str, dict]:
    """Per method: n, accuracy, macro and weighted F1, Pearson r with ``score`` when given.

    VADER is always evaluated; with ``folds`` every candidate model is fitted on K-1 folds and
    tested on the held-out one, over the same folds as VADER, and ``model`` repeats the figures
    of the candidate with the best weighted F1 (named in its ``candidate``).
    """
    inputs = with_vader_scores(data["text"])
    truth = data["label"]
    scores = data.get("score")
    results = {"vader": _metrics(truth, labels_of(inputs["compound"]), inputs["compound"], scores)}
    if folds:
        _check_trainable(truth, folds)
        held_out = _held_out_probabilities(inputs, truth, folds)
        for name, probabilities in held_out.items():
            predicted = probabilities.idxmax(axis=1)
            results[name] = _metrics(truth, predicted, _continuous(probabilities), scores)
        best = max(held_out, key=lambda name: results[name]["weighted_f1"])
        results["model"] = {**results[best], "candidate": best}
    return results


def _held_out_probabilities(
    inputs: pd.DataFrame, truth: pd.Series, folds: int
) -> dict[str, pd.DataFrame]:
    """Each candidate's class probabilities for every text, from the fold that held it out.

    The ensemble's are the mean of its members' on the same fold, which is what soft voting
    over the same fitted members gives, without fitting them twice.
    """
    classes = sorted(truth.unique())
    held_out = {name: pd.DataFrame(0.0, index=inputs.index, columns=classes) for name in MEMBERS}
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=0)
    for train, test in splitter.split(inputs, truth):
        for name, build in MEMBERS.items():
            model = build().fit(inputs.iloc[train], truth.iloc[train])
            fold = _probabilities(model, inputs.iloc[test]).reindex(columns=classes, fill_value=0)
            held_out[name].iloc[test] = fold.to_numpy()
    held_out[ENSEMBLE] = sum(held_out.values()) / len(MEMBERS)
    return held_out


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


def train(data: pd.DataFrame, models_dir: Path, folds: int = 5) -> TrainedModel:
    """Cross-validate against VADER, fit on everything, save; promoted if it beats VADER's
    macro F1 on the held-out folds."""
    metrics = evaluate(data, folds)
    promoted = metrics["model"]["macro_f1"] > metrics["vader"]["macro_f1"]
    version = "sentiment-" + datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    model = CANDIDATES[metrics["model"]["candidate"]]()
    model.fit(with_vader_scores(data["text"]), data["label"])
    models_dir.mkdir(parents=True, exist_ok=True)
    path = models_dir / f"{version}.joblib"
    joblib.dump(model, path)
    return TrainedModel(version, promoted, metrics, path)


def score_with_model(model_path: Path, posts: pd.DataFrame) -> pd.DataFrame:
    """Labels for ``posts`` (post_id, text and VADER's four scores) from a saved model."""
    model = joblib.load(model_path)
    continuous = _continuous(_probabilities(model, posts))
    return pd.DataFrame(
        {
            "post_id": posts["post_id"].to_numpy(),
            "label": model.predict(posts),
            "compound": continuous,
        }
    )


def metrics_json(metrics: dict) -> str:
    return json.dumps(metrics, sort_keys=True)


def corrections(con) -> pd.DataFrame:
    """The users' corrections as training data (text, label)."""
    return con.execute(
        "SELECT p.text, c.label FROM sentiment_corrections c JOIN posts p USING (post_id)"
    ).df()


def train_and_store(con, data: pd.DataFrame, models_dir: Path, folds: int = 5) -> TrainedModel:
    """Train, record the model in ``sentiment_models`` and, when promoted, re-score every
    English post with it (method 'model'; VADER's scores stay for comparison)."""
    from socialpulse.warehouse import upsert

    trained = train(data, models_dir, folds)
    upsert(
        con,
        "sentiment_models",
        pd.DataFrame(
            [
                {
                    "model_version": trained.version,
                    "trained_at": datetime.now(UTC).replace(tzinfo=None),
                    "training_rows": len(data),
                    "metrics": metrics_json(trained.metrics),
                    "promoted": trained.promoted,
                    "path": str(trained.path),
                }
            ]
        ),
    )
    if trained.promoted:
        posts = con.execute(
            "SELECT p.post_id, p.text, s.compound, s.positive, s.neutral, s.negative "
            "FROM posts p JOIN sentiment_scores s ON s.post_id = p.post_id "
            "AND s.method = 'vader' WHERE s.model_version = 'vaderSentiment-3.3.2'"
        ).df()
        scored = score_with_model(trained.path, posts)
        con.execute("DELETE FROM sentiment_scores WHERE method = 'model'")
        upsert(
            con,
            "sentiment_scores",
            scored.assign(
                method="model",
                model_version=trained.version,
                scored_at=datetime.now(UTC).replace(tzinfo=None),
            ),
        )
    return trained
