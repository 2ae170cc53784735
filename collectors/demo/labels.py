"""The demo's sentiment labels: mentions written from the demo's templates, each labelled with
the tone it was written in (the crisis counts as negative, the launch as positive).

They are what `pulse sentiment evaluate` and `train` can be tried on without labelling anything:

    .venv/bin/python -m collectors.demo.labels > data/samples/sentiment-labelled.csv

They are as easy as templates make them (a model that learns a template recognises it again), so
they show how the commands work, not how well a model does on real text.
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd

from collectors.demo import texts
from collectors.demo.brands import BRAND_FORMS

SEED = 7
PER_LABEL = 120
LABEL_OF_TONE = {
    "positive": "positive",
    "launch": "positive",
    "neutral": "neutral",
    "negative": "negative",
    "crisis": "negative",
}


def demo_labels(per_label: int = PER_LABEL, seed: int = SEED) -> pd.DataFrame:
    """``per_label`` distinct texts of each label, shuffled."""
    rng = np.random.default_rng(seed)
    forms = tuple(form for brand in BRAND_FORMS for form, _ in brand)
    frames = []
    for tone, label in LABEL_OF_TONE.items():
        written = texts.fill(
            rng,
            texts.EXTERNAL[tone],
            per_label * 4,
            brand=forms,
            product=texts.PRODUCTS,
            city=tuple(city for _, city, _, _ in texts.CITIES),
            other=("last year's", "cheaper", "older"),
            pos=texts.POSITIVE_EMOJI,
            neg=texts.NEGATIVE_EMOJI,
            link=texts.LINKS,
            tag=("#hiking", "#camping", "#outdoors", "#gear", ""),
        )
        frames.append(pd.DataFrame({"text": written, "label": label}))
    labelled = pd.concat(frames, ignore_index=True).drop_duplicates("text")
    chosen = labelled.groupby("label").head(per_label)
    return chosen.sample(frac=1, random_state=seed).reset_index(drop=True)


if __name__ == "__main__":
    demo_labels().to_csv(sys.stdout, index=False)
