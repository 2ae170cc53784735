"""``pulse roi``: the programme's return, line by line, and the assumptions behind it."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from socialpulse import audit
from socialpulse.cli.common import JsonOption, console, fail, settings_or_fail, warehouse_or_fail

roi_app = typer.Typer(
    help="ROI of the social programme, and the assumptions behind it.", invoke_without_command=True
)


def print_roi(report: dict) -> None:
    cur = report["currency"]
    period = report["period"]
    table = Table(
        "line and formula",
        "calculation (base)",
        f"low {cur}",
        f"base {cur}",
        f"high {cur}",
        title=f"ROI {period['start']} to {period['end']} ({period['months']:g} months)",
    )
    for kind in ("benefits", "costs"):
        for line in report[kind]:
            table.add_row(
                f"{kind[:-1]}: {line['label']}\n{line['formula']}",
                line["calculation"],
                *(f"{line[c]:,.2f}" for c in ("low", "base", "high")),
            )
    out = Console()
    out.print(table)
    rows = Table("scenario", "rule", f"benefits {cur}", f"costs {cur}", "ROI %", "payback months")
    for name, s in report["scenarios"].items():
        rows.add_row(
            name,
            s["rule"],
            f"{s['benefits']:,.2f}",
            f"{s['costs']:,.2f}",
            "n/a" if s["roi_pct"] is None else f"{s['roi_pct']:,.1f}",
            "never" if s["payback_months"] is None else f"{s['payback_months']:.1f}",
        )
    out.print(rows)
    if not report["emv_included"]:
        out.print(
            "Earned media value left out (set [roi] include_emv = true or pass --emv).",
            markup=False,
        )


@roi_app.callback()
def roi_command(
    ctx: typer.Context,
    as_json: JsonOption = False,
    period: Annotated[
        str | None,
        typer.Option(
            help="START:END (YYYY-MM-DD:YYYY-MM-DD) or last-12m; default the last 12 months of "
            "data."
        ),
    ] = None,
    emv: Annotated[
        bool,
        typer.Option(
            "--emv", help="Add earned media value (indicative only) whatever the config says."
        ),
    ] = False,
) -> None:
    """ROI = (benefits - costs) / costs, every line with its inputs, and low/base/high scenarios."""
    if ctx.invoked_subcommand is not None:
        return
    from analysis.roi import parse_period, roi_report

    settings = settings_or_fail()
    with warehouse_or_fail(ValueError, read_only=True) as con:
        report = roi_report(con, settings, parse_period(con, period), True if emv else None)
    if as_json:
        typer.echo(json.dumps(report, indent=2, default=str))
    else:
        print_roi(report)


def parse_number(option: str, text: str | None) -> float | None:
    if text is None:
        return None
    try:
        return float(text)
    except ValueError:
        fail(f"{option}: expected a number, got {text!r}")


@roi_app.command("set")
def roi_set(
    name: Annotated[
        str, typer.Argument(help="The assumption, e.g. seats (see pulse roi assumptions).")
    ],
    base: Annotated[str, typer.Option(help="Base value.")],
    low: Annotated[
        str | None, typer.Option(help="Low end (default: keep the one in force).")
    ] = None,
    high: Annotated[
        str | None, typer.Option(help="High end (default: keep the one in force).")
    ] = None,
    by: Annotated[str, typer.Option(help="Who changes it (kept in the history).")] = "cli",
    note: Annotated[str | None, typer.Option(help="Why.")] = None,
) -> None:
    """Change an ROI assumption; the old value stays in the history."""
    from analysis.roi_assumptions import set_assumption

    values = [parse_number(f"--{o}", v) for o, v in (("base", base), ("low", low), ("high", high))]
    settings = settings_or_fail()
    with warehouse_or_fail(ValueError) as con:
        row = set_assumption(con, name, *values, changed_by=by, note=note, settings=settings)
        audit.record(
            con,
            by,
            None,
            "roi_edit",
            name,
            detail=f"low {row['low']:g}, base {row['base']:g}, high {row['high']:g}",
        )
    console.print(
        f"{name}: low {row['low']:g}, base {row['base']:g}, high {row['high']:g} (by {by})",
        highlight=False,
    )


@roi_app.command("assumptions")
def roi_assumptions(as_json: JsonOption = False) -> None:
    """Every ROI assumption in force with its unit, range and source."""
    from analysis.roi import assumptions

    settings = settings_or_fail()
    with warehouse_or_fail(ValueError, read_only=True) as con:
        frame = assumptions(con, settings)
    records = frame.astype(object).where(frame.notna(), None).to_dict(orient="records")
    if as_json:
        typer.echo(json.dumps(records, indent=2, default=str))
        return
    columns = ("name", "low", "base", "high", "unit", "used_in", "source")
    table = Table(*columns, title="ROI assumptions")
    for record in records:
        table.add_row(
            *(f"{record[c]:g}" if isinstance(record[c], float) else str(record[c]) for c in columns)
        )
    Console().print(table)
