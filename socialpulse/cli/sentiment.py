"""``pulse sentiment``: correct labels, evaluate against labelled text, train the model."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from socialpulse import audit
from socialpulse.cli.common import JsonOption, State, console, one_line_errors, warehouse_or_fail

sentiment_app = typer.Typer(help="Correct, train and evaluate sentiment.", no_args_is_help=True)


@sentiment_app.command("correct")
def sentiment_correct(
    post_id: Annotated[str, typer.Argument(help="The post, e.g. x:1830000000000000042.")],
    label: Annotated[str, typer.Argument(help="positive, neutral or negative.")],
    by: Annotated[str, typer.Option(help="Who corrects (kept with the label).")] = "cli",
) -> None:
    """Override the model's label for one post; the label is kept for training."""
    from analysis.sentiment import correct

    with warehouse_or_fail(ValueError) as con:
        correct(con, post_id, label, by)
        audit.record(con, by, None, "sentiment_correction", post_id, detail=label)
    console.print(f"{post_id}: {label} (by {by})")


def print_evaluation(results: dict[str, dict], as_json: bool, labels: dict | None = None) -> None:
    """Every method side by side; ``model`` names the candidate it repeats. How the labels were
    obtained (a declared or assumed score scale, the neutral band) is said under the table, or
    as ``labels`` in JSON."""
    if as_json:
        typer.echo(json.dumps({**results, **({"labels": labels} if labels else {})}, indent=2))
        return
    columns = ["n", "accuracy", "macro_f1", "weighted_f1", "pearson_r"]
    table = Table("method", *columns, title="Sentiment evaluation")
    for method, metrics in results.items():
        name = f"model ({metrics['candidate']})" if "candidate" in metrics else method
        table.add_row(name, *(str(metrics.get(c, "")) for c in columns))
    Console().print(table)
    if labels and "described" in labels:
        Console().print(f"Labels from the score column: {labels['described']}.")


ScaleOption = Annotated[
    str | None,
    typer.Option(
        "--scale",
        metavar="LOW:HIGH",
        help="The score column's scale, e.g. -4:4 or 1:5; its middle is neutral.",
    ),
]
BandOption = Annotated[
    float | None,
    typer.Option(
        help="Scores within this distance of the middle (on -1..1) are neutral [default: 0.05]."
    ),
]


LanguageOption = Annotated[
    str,
    typer.Option(
        help="The labels' language (en, fr, ro, es, de...): the model labels that language's "
        "posts; its lexicon is the baseline (English VADER where there is none)."
    ),
]


def _band(neutral_band: float | None) -> tuple[float, ...]:
    """The band as read_labelled's optional argument: left out, its default holds."""
    return () if neutral_band is None else (neutral_band,)


@sentiment_app.command("evaluate")
def sentiment_evaluate(
    file: Annotated[
        Path,
        typer.Argument(
            help="CSV or TSV with text, and label or score; or .txt lines of text<TAB>0|1."
        ),
    ],
    cv: Annotated[
        int | None, typer.Option(min=2, help="Also cross-validate every candidate model.")
    ] = None,
    scale: ScaleOption = None,
    neutral_band: BandOption = None,
    language: LanguageOption = "en",
    as_json: JsonOption = False,
) -> None:
    """Score VADER (and with --cv K every candidate model) against your labelled texts."""
    from analysis.sentiment_labels import parse_scale
    from analysis.sentiment_model import TrainingError, evaluate, read_labelled

    with one_line_errors(TrainingError):
        data = read_labelled(file, parse_scale(scale) if scale else None, *_band(neutral_band))
        results = evaluate(data, cv, language)
    print_evaluation(results, as_json, data.attrs.get("labels"))


@sentiment_app.command("train")
def sentiment_train(
    file: Annotated[
        Path | None, typer.Option(help="Labelled CSV/TSV instead of the corrections.")
    ] = None,
    cv: Annotated[int, typer.Option(min=2, help="Folds for the comparison with VADER.")] = 5,
    scale: ScaleOption = None,
    neutral_band: BandOption = None,
    language: LanguageOption = "en",
) -> None:
    """Train a model on the corrections (or a file) of one language; promote it if it beats
    the lexicon."""
    from analysis.sentiment_labels import parse_scale
    from analysis.sentiment_model import (
        TrainingError,
        corrections,
        read_labelled,
        train_and_store,
    )

    with warehouse_or_fail(TrainingError) as con:
        bounds = parse_scale(scale) if scale else None
        data = (
            read_labelled(file, bounds, *_band(neutral_band))
            if file
            else corrections(con, language)
        )
        trained = train_and_store(con, data, State.db.parent / "models", cv, language)
    print_evaluation(trained.metrics, as_json=False, labels=data.attrs.get("labels"))
    if trained.learning_curve:
        points = ", ".join(
            f"{p['labels']:,} labels {p['weighted_f1']:.3f}" for p in trained.learning_curve
        )
        console.print(f"Learning curve (held-out weighted F1): {points}")
    verdict = (
        f"promoted: it now labels the posts in {language}"
        if trained.promoted
        else ("not promoted: VADER stays (the model did not beat it on held-out folds)")
    )
    console.print(f"{trained.version}: {verdict}")


@sentiment_app.command("suggest")
def sentiment_suggest(
    limit: Annotated[int, typer.Option(min=1, help="How many mentions to suggest.")] = 20,
    language: LanguageOption = "en",
    as_json: JsonOption = False,
) -> None:
    """The unlabelled mentions whose label would teach the model most, across topics."""
    from analysis.sentiment_suggest import suggest_labels

    with warehouse_or_fail(read_only=True) as con:
        suggested = suggest_labels(con, limit, language)
    if as_json:
        typer.echo(suggested.to_json(orient="records"))
        return
    table = Table("post", "topic", "uncertainty", "labelled now", "text", title="Label these next")
    for row in suggested.itertuples(index=False):
        table.add_row(row.post_id, row.topic, f"{row.uncertainty:.2f}", row.label, row.text[:80])
    Console().print(table)
    console.print(
        "Label one with `pulse sentiment correct POST LABEL`, then `pulse sentiment train`."
    )
