"""The trained sentiment model's quality and cost: every candidate's cross-validated figures on
labelled files, training time on 10,000 labels, and scoring speed.

    .venv/bin/python -m bench.bench_sentiment_model LABELLED [LABELLED ...] [--json]

LABELLED is a file ``pulse sentiment evaluate`` reads (CSV/TSV with text and label or score, or
``.txt`` lines of ``sentence<TAB>0|1``) or a folder of ``*_labelled.txt`` files. For each file it
prints VADER and every candidate's 5-fold weighted F1. The labels of all files together, as
pairs of same-label sentences (a short review), make the 10,000 texts that time ``train``
(cross-validation of every candidate, then the chosen one fitted on everything: what
``pulse sentiment train`` does) and the chosen model's scoring of 100,000 texts whose lexicon
scores are already stored (what ``pulse analyze`` does), on one core and on every core, for
every candidate (the labels decide which one is chosen).
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from pathlib import Path

import joblib
import numpy as np
import pandas as pd

from analysis.sentiment_candidates import CANDIDATES, candidate
from analysis.sentiment_labels import read_labelled
from analysis.sentiment_model import evaluate, train
from analysis.sentiment_model_scoring import score_with_model, with_vader_scores
from bench.demo_warehouse import timed

TRAINING_LABELS = 10_000
SCORED_TEXTS = 100_000


def labelled_files(paths: list[Path]) -> list[Path]:
    files = []
    for path in paths:
        files += sorted(path.glob("*_labelled.txt")) if path.is_dir() else [path]
    return files


def paired_reviews(data: pd.DataFrame, count: int, seed: int = 0) -> pd.DataFrame:
    """``count`` texts of two same-label sentences each, drawn with replacement."""
    rng = np.random.default_rng(seed)
    pairs = []
    for label, group in data.groupby("label"):
        share = round(count * len(group) / len(data))
        first, second = (rng.choice(group["text"].to_numpy(), share) for _ in range(2))
        pairs.append(
            pd.DataFrame(
                {"text": [f"{a} {b}" for a, b in zip(first, second, strict=True)], "label": label}
            )
        )
    return pd.concat(pairs, ignore_index=True).sample(frac=1, random_state=seed)


def cross_validated(files: list[Path]) -> dict[str, dict[str, float]]:
    return {
        file.name: {
            method: figures["weighted_f1"]
            for method, figures in evaluate(read_labelled(file), folds=5).items()
            if method != "model"
        }
        for file in files
    }


def cost(data: pd.DataFrame) -> dict:
    reviews = paired_reviews(data, TRAINING_LABELS)
    with tempfile.TemporaryDirectory() as models:
        trained, seconds = timed(lambda: train(reviews, Path(models)))
        figures = {
            "training_labels": len(reviews),
            "chosen": trained.metrics["model"]["candidate"],
            "train_seconds": round(seconds, 1),
        }
        texts = paired_reviews(data, SCORED_TEXTS, seed=1).reset_index(drop=True)
        posts = with_vader_scores(texts["text"]).assign(post_id=texts.index.astype(str))
        saved = {figures["chosen"]: trained.path}
        for name in CANDIDATES:  # every candidate's speed, since the labels decide which wins
            if name not in saved:
                saved[name] = Path(models) / f"{name}.joblib"
                joblib.dump(
                    candidate(name).fit(with_vader_scores(reviews["text"]), reviews["label"]),
                    saved[name],
                )
        for name, path in saved.items():
            for workers in sorted({1, os.cpu_count() or 1}):
                _, seconds = timed(lambda p=path, w=workers: score_with_model(p, posts, w))
                figures[f"{name}_scored_per_s_{workers}_cores"] = round(len(posts) / seconds)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("labelled", type=Path, nargs="+")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    files = labelled_files(args.labelled)
    figures = {"weighted_f1_5_fold": cross_validated(files)}
    figures.update(cost(pd.concat([read_labelled(f) for f in files], ignore_index=True)))
    if args.json:
        print(json.dumps(figures))
        return
    for name, methods in figures.pop("weighted_f1_5_fold").items():
        print(f"{name:>34}: " + "  ".join(f"{m} {v:.3f}" for m, v in methods.items()))
    for name, value in figures.items():
        print(
            f"{name:>34}: {value:,}" if isinstance(value, int | float) else f"{name:>34}: {value}"
        )


if __name__ == "__main__":
    main()
