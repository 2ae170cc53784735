"""``pulse maturity``: the Solis scorecard computed live, and its questionnaire."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from socialpulse import audit
from socialpulse.cli.common import (
    JsonOption,
    console,
    fail,
    one_line_errors,
    settings_or_fail,
    warehouse_or_fail,
)

maturity_app = typer.Typer(
    help="The Solis maturity scorecard and its questionnaire.", invoke_without_command=True
)


def print_maturity(card: dict, trend: list[dict]) -> None:
    from analysis.maturity import evidence_text

    out = Console()
    stages = Table("#", "stage", "score", "reached", title=f"Maturity as of {card['as_of']}")
    for stage in card["stages"]:
        stages.add_row(
            str(stage["stage"]),
            f"{stage['name']}: {stage['motto']}",
            f"{stage['score']:.2f}",
            "yes" if stage["reached"] else "",
        )
    out.print(stages)
    band = card["peer_band"]
    out.print(
        f"Current stage: {card['current_stage_name'] or 'none yet (Planning not reached)'}"
        f"; peer band {band['band']} ({band['low']}-{band['high']} on the 1-10 scale)",
        markup=False,
        highlight=False,
    )
    if card["blocking"]:
        name = card["stages"][card["next_stage"] - 1]["name"]
        blocking = Table(
            "criterion", "source", "score", "evidence", title=f"Unmet criteria blocking {name}"
        )
        for criterion in card["blocking"]:
            blocking.add_row(
                f"{criterion['id']}\n{criterion['description']}",
                criterion["source"],
                f"{criterion['score']:g}",
                evidence_text(criterion["evidence"]),
            )
        out.print(blocking)
    history = Table(title="By month (stage scores)")
    history.add_column("as of", no_wrap=True)
    for stage in card["stages"]:
        history.add_column(stage["name"][:4], justify="right")
    history.add_column("stage", no_wrap=True)
    for row in trend:
        history.add_row(
            str(row["as_of"]),
            *(f"{row[s['name'].lower()]:.2f}" for s in card["stages"]),
            row["current_stage_name"] or "-",
        )
    out.print(history)


@maturity_app.callback()
def maturity_command(
    ctx: typer.Context,
    as_json: JsonOption = False,
    as_of: Annotated[
        str | None,
        typer.Option(help="YYYY-MM-DD: score as of that day; default the newest day with data."),
    ] = None,
) -> None:
    """Six stage scores, the current stage, what blocks the next one, and the monthly trend,
    computed live from the warehouse."""
    if ctx.invoked_subcommand is not None:
        return

    from analysis.maturity import live_history, scorecard

    try:
        day = date.fromisoformat(as_of) if as_of else None
    except ValueError:
        fail(f"--as-of: expected a date YYYY-MM-DD, got {as_of!r}")
    settings = settings_or_fail()
    with warehouse_or_fail(ValueError, read_only=True) as con:
        card = scorecard(con, settings, day)
        trend = live_history(con, settings, day).to_dict(orient="records")
    if as_json:
        typer.echo(json.dumps({**card, "history": trend}, indent=2, default=str))
    else:
        print_maturity(card, trend)


@maturity_app.command("answer")
def maturity_answer(
    question_id: Annotated[
        str, typer.Argument(help="e.g. presence.policy_published (see pulse maturity questions).")
    ],
    answer: Annotated[str, typer.Argument(help="yes, partly or no.")],
    by: Annotated[str, typer.Option(help="Who answers (kept in the history).")] = "cli",
    note: Annotated[str | None, typer.Option(help="Why, or where the proof is.")] = None,
) -> None:
    """Answer a questionnaire question; earlier answers stay in the history."""
    from analysis.maturity import check_answer, record_answer

    with one_line_errors(ValueError):
        check_answer(question_id, answer, by)
    with warehouse_or_fail(ValueError) as con:
        record_answer(con, question_id, answer, by, note)
        audit.record(con, by, None, "questionnaire_answer", question_id, detail=answer)
    console.print(f"{question_id}: {answer} (by {by})", highlight=False)


@maturity_app.command("questions")
def maturity_questions(as_json: JsonOption = False) -> None:
    """The questionnaire: each question's id, stage and wording."""
    from analysis.maturity import questions

    if as_json:
        typer.echo(json.dumps(questions(), indent=2))
        return
    table = Table("id", "stage", "question", title="Maturity questionnaire (yes, partly, no)")
    for question in questions():
        table.add_row(question["id"], question["stage_name"], question["question"])
    Console().print(table)
