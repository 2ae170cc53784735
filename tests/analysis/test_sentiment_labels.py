"""Scores become labels on their declared scale, so the neutral point stays where raters put it."""

from __future__ import annotations

import pytest

from analysis.sentiment_labels import TrainingError, parse_scale, read_labelled


def scored_file(tmp_path, scores: list[float]):
    path = tmp_path / "rated.tsv"
    lines = ["text\tscore", *(f"text {i}\t{score}" for i, score in enumerate(scores))]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_a_declared_scale_keeps_the_raters_neutral_point(tmp_path):
    # Rated on -4..+4 but observed -3.75..+3.55: the observed middle is -0.1, not 0.
    path = scored_file(tmp_path, [-3.75, 3.55, 0.1, -0.3])
    declared = read_labelled(path, scale=(-4, 4))
    # 0.1 / 4 = 0.025 is inside the 0.05 band; -0.3 / 4 = -0.075 is outside it.
    assert declared["label"].tolist() == ["negative", "positive", "neutral", "negative"]
    assert declared.attrs["labels"]["source"] == "declared"
    observed = read_labelled(path)
    # (0.1 + 0.1) / 3.65 = 0.055 turns positive once the middle moves to -0.1.
    assert observed["label"].tolist() == ["negative", "positive", "positive", "negative"]
    assert "declare --scale" in observed.attrs["labels"]["described"]


def test_polarity_scores_are_read_on_minus_one_to_one(tmp_path):
    # All within -1..1: the middle is 0, whatever the observed range (-0.8..0.6).
    data = read_labelled(scored_file(tmp_path, [-0.8, 0.6, -0.08, 0.04]))
    assert data["label"].tolist() == ["negative", "positive", "negative", "neutral"]
    assert data.attrs["labels"]["low"] == -1.0


def test_the_neutral_band_is_the_users_choice(tmp_path):
    path = scored_file(tmp_path, [1, 2, 3, 4, 5])
    # On 1..5, 4 is +0.5 on -1..1: neutral with a 0.6 band, positive with the default.
    wide = read_labelled(path, scale=(1, 5), neutral_band=0.6)
    assert wide["label"].tolist() == ["negative", "neutral", "neutral", "neutral", "positive"]
    narrow = read_labelled(path, scale=(1, 5))
    assert narrow["label"].tolist() == ["negative", "negative", "neutral", "positive", "positive"]


def test_scores_outside_the_declared_scale_and_bad_scales_are_refused(tmp_path):
    with pytest.raises(TrainingError, match="1 scores outside the declared scale 1..5"):
        read_labelled(scored_file(tmp_path, [1, 3, 7]), scale=(1, 5))
    with pytest.raises(TrainingError, match="LOW:HIGH"):
        parse_scale("-4..4")
    with pytest.raises(TrainingError, match="below"):
        parse_scale("5:1")
    assert parse_scale("-4:4") == (-4.0, 4.0)


def test_labels_say_they_came_from_the_label_column(tmp_path):
    path = tmp_path / "labelled.csv"
    path.write_text("text,label\ngood,positive\nbad,negative\n")
    assert read_labelled(path).attrs["labels"] == {"from": "label column"}


def test_labelled_sentence_lines_are_read_whole(tmp_path):
    # The public labelled-sentence format: no header, a tab, 0 or 1; a stray quote and a
    # U+0085 inside a sentence must neither join nor split lines.
    path = tmp_path / "reviews_labelled.txt"
    path.write_text('"Loved it.  \t1\nThe plot\x85 dragged.\t0\nNot bad at all.\tpositive\n')
    data = read_labelled(path)
    assert data["text"].tolist() == ['"Loved it.  ', "The plot\x85 dragged.", "Not bad at all."]
    assert data["label"].tolist() == ["positive", "negative", "positive"]


def test_the_demo_labels_sample_is_what_the_generator_writes():
    from collectors.demo.labels import PER_LABEL, demo_labels
    from tests.samples import SENTIMENT_LABELLED

    tracked = read_labelled(SENTIMENT_LABELLED)
    written = demo_labels()
    assert tracked[["text", "label"]].equals(written), "run python -m collectors.demo.labels"
    assert tracked["label"].value_counts().to_dict() == dict.fromkeys(
        ("negative", "neutral", "positive"), PER_LABEL
    )
    # Each label's texts come from its tone's templates: the crisis ones are negative.
    assert tracked.loc[tracked["text"].str.contains("recall"), "label"].eq("negative").all()
