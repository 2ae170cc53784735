"""Labelled text for evaluating and training sentiment: the user's file, read into labels.

A file gives either a ``label`` (positive, neutral, negative) or a numeric ``score`` (stars,
a rater's mean on -4..+4, a -1..1 polarity). A score becomes a label on its own scale: the scale
is mapped onto -1..1 around its middle, and a score within the neutral band of the middle is
neutral. The scale must be declared (``--scale -4:4``) to keep the neutral point where the raters
put it; without it, scores that all lie in -1..1 are read on VADER's -1..1, and anything else on
the range observed in the file, which moves the neutral point when that range is lopsided (a
corpus rated -4..+4 but observed -3.75..+3.55). Which scale and band were used travels with the
frame (``attrs["labels"]``), so every report can say it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd

LABELS = ("negative", "neutral", "positive")
NEUTRAL_BAND = 0.05


class TrainingError(ValueError):
    """Not enough, or unusable, labelled data; one line saying what is needed."""


@dataclass(frozen=True)
class ScoreScale:
    """How scores became labels: the scale's ends, where they came from, the neutral band."""

    low: float
    high: float
    source: str  # declared, polarity (-1..1) or observed
    neutral_band: float = NEUTRAL_BAND

    def describe(self) -> str:
        return (
            f"scores on {self.low:g}..{self.high:g} ({self.source}), neutral within "
            f"+-{self.neutral_band:g} of the middle on -1..1"
        )


def parse_scale(text: str) -> tuple[float, float]:
    """``LOW:HIGH`` as two numbers, LOW below HIGH (``-4:4``, ``1:5``)."""
    low, sep, high = text.partition(":")
    try:
        if not sep:
            raise ValueError
        bounds = float(low), float(high)
    except ValueError:
        raise TrainingError(f"--scale {text!r}: expected LOW:HIGH, e.g. -4:4 or 1:5") from None
    if not bounds[0] < bounds[1]:
        raise TrainingError(f"--scale {text!r}: LOW must be below HIGH")
    return bounds


def score_scale(
    scores: pd.Series, declared: tuple[float, float] | None, neutral_band: float
) -> ScoreScale:
    if declared:
        return ScoreScale(*declared, "declared", neutral_band)
    low, high = float(scores.min()), float(scores.max())
    if low >= -1 and high <= 1:
        return ScoreScale(-1.0, 1.0, "polarity -1..1", neutral_band)
    return ScoreScale(low, high, "observed in the file; declare --scale", neutral_band)


def labels_from_scores(scores: pd.Series, scale: ScoreScale) -> np.ndarray:
    middle, half = (scale.low + scale.high) / 2, (scale.high - scale.low) / 2
    scaled = (scores - middle) / half if half else 0 * scores
    band = scale.neutral_band
    return np.select([scaled >= band, scaled <= -band], ["positive", "negative"], default="neutral")


def _read_table(path: Path) -> pd.DataFrame:
    if path.suffix.lower() == ".txt":
        return _read_sentence_lines(path)
    separator = "\t" if path.suffix.lower() in (".tsv", ".tab") else None
    return pd.read_csv(path, sep=separator, engine="python", dtype={"text": str})


def _read_sentence_lines(path: Path) -> pd.DataFrame:
    """``sentence<TAB>label`` lines without a header, the format of the public labelled-sentence
    sets (0 negative, 1 positive, or a label's name). Split on newlines only: those files keep
    control characters that ``str.splitlines`` would take for line ends, and quotes that a CSV
    reader would join lines on."""
    lines = path.read_text(encoding="utf-8").split("\n")
    pairs = [line.rsplit("\t", 1) for line in lines if "\t" in line]
    frame = pd.DataFrame(pairs, columns=["text", "label"])
    frame["label"] = frame["label"].str.strip().replace({"0": "negative", "1": "positive"})
    return frame


def read_labelled(
    path: Path,
    scale: tuple[float, float] | None = None,
    neutral_band: float = NEUTRAL_BAND,
) -> pd.DataFrame:
    """A CSV or TSV with ``text`` and ``label`` or numeric ``score`` (see the module's note on
    scales), or ``.txt`` lines of ``sentence<TAB>label``; ``attrs["labels"]`` says how the labels
    were obtained."""
    if not 0 <= neutral_band < 1:
        raise TrainingError(f"--neutral-band {neutral_band:g}: expected 0 <= band < 1")
    try:
        frame = _read_table(path)
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as error:
        raise TrainingError(f"{path}: cannot read: {str(error).splitlines()[0]}") from None
    frame.columns = [c.strip().lower() for c in frame.columns]
    if "text" not in frame or not ({"label", "score"} & set(frame.columns)):
        raise TrainingError(f"{path}: needs a text column and a label or score column")
    frame = frame.dropna(subset=["text"])
    if "label" in frame:
        frame["label"] = frame["label"].astype(str).str.strip().str.lower()
        unknown = sorted(set(frame["label"]) - set(LABELS))
        if unknown:
            raise TrainingError(f"{path}: unknown labels {unknown}; expected {list(LABELS)}")
        how = {"from": "label column"}
    else:
        score = pd.to_numeric(frame["score"], errors="coerce")
        frame = frame[score.notna()].assign(score=score[score.notna()])
        used = score_scale(frame["score"], scale, neutral_band)
        outside = frame["score"].lt(used.low).sum() + frame["score"].gt(used.high).sum()
        if outside:
            raise TrainingError(
                f"{path}: {outside} scores outside the declared scale {used.low:g}..{used.high:g}"
            )
        frame["label"] = labels_from_scores(frame["score"], used)
        how = {"from": "score column", **asdict(used), "described": used.describe()}
    frame = frame.reset_index(drop=True)
    frame.attrs["labels"] = how
    return frame
