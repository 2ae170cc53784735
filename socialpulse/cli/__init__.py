"""The ``pulse`` command: one entry point for building, loading, analysing and serving.

This module holds the app, its global options and the list of commands; each command group lives
in its own module (``warehouse``, ``intake``, ``sentiment``, ``accounts``, ``governance``,
``experts``, ``maturity``, ``roi``, ``bench``), and ``common`` turns every error a user can fix into
one line on stderr and exit status 1.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

import typer
from dotenv import find_dotenv, load_dotenv
from rich.logging import RichHandler

from socialpulse.cli import (
    accounts,
    bench,
    experts,
    governance,
    intake,
    listen,
    maturity,
    report,
    roi,
    sentiment,
    warehouse,
)
from socialpulse.cli.common import State, console

app = typer.Typer(
    help="SocialPulse: social listening and employee-network analytics.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


@app.callback()
def main(
    db: Annotated[
        Path,
        typer.Option(envvar="SOCIALPULSE_DB", help="Warehouse file (DuckDB)."),
    ] = Path("data/socialpulse.duckdb"),
) -> None:
    State.db = db
    load_dotenv(find_dotenv(usecwd=True))  # credentials from an untracked .env in the cwd
    logging.basicConfig(
        level=logging.WARNING,
        format="%(message)s",
        handlers=[RichHandler(console=console, show_path=False, show_time=False)],
    )


# The order here is the order of `pulse --help`.
app.command("migrate")(warehouse.migrate_command)
app.command("demo")(warehouse.demo_command)
app.command("collect")(intake.collect_command)
app.command("import")(intake.import_command)
app.command("listen")(listen.listen_command)
app.add_typer(sentiment.sentiment_app, name="sentiment")
app.command("analyze")(warehouse.analyze_command)
app.command("status")(warehouse.status_command)
app.command("serve")(warehouse.serve_command)
app.command("config")(warehouse.config_command)
app.add_typer(accounts.users_app, name="users")
app.command("audit")(governance.audit_command)
app.command("archive")(governance.archive_command)
app.command("restore")(governance.restore_command)
app.add_typer(governance.hold_app, name="hold")
app.command("erase")(governance.erase_command)
app.command("experts")(experts.experts_command)
app.command("report")(report.report_command)
app.add_typer(maturity.maturity_app, name="maturity")
app.add_typer(roi.roi_app, name="roi")
app.command("bench")(bench.bench_command)


def run() -> None:
    """Console-script entry point."""
    app()
