"""``pulse bench``: every benchmark at one size; the figures go to docs/benchmarks.md."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from socialpulse.cli.common import ROOT, console, one_line_errors


def bench_command(
    size: Annotated[str, typer.Option(help="tiny, 50k, 1m, 10m or a number of mentions.")] = "1m",
    out: Annotated[
        Path | None,
        typer.Option(help="Folder for the run's JSON (default: a new temporary folder)."),
    ] = None,
    record: Annotated[bool, typer.Option(help="Append the run to docs/benchmarks.md.")] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON, not the table.")] = False,
) -> None:
    """Time load, sentiment, analysis, pages and importers on a demo warehouse of that size."""
    from bench.analyze_run import BenchError
    from bench.report import append_markdown, rich_table, to_json, write_json
    from bench.suite import parse_size, run_suite

    with one_line_errors(ValueError):
        chosen = parse_size(size)
    with one_line_errors(BenchError):
        result = run_suite(chosen, lambda step: console.print(f"bench: {step}", highlight=False))
    path = write_json(result, out or Path(tempfile.mkdtemp(prefix="pulse-bench-")))
    if as_json:
        typer.echo(json.dumps(to_json(result), indent=2))
    else:
        Console(width=None if sys.stdout.isatty() else 120).print(rich_table(result))
    console.print(f"JSON: {path}", highlight=False, soft_wrap=True)
    if record:
        docs = ROOT / "docs" / "benchmarks.md"
        append_markdown(result, docs)
        console.print(f"appended to {docs}", highlight=False, soft_wrap=True)
