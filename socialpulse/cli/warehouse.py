"""Commands that build, upgrade, analyse, inspect and serve the warehouse."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Annotated

import duckdb
import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from socialpulse.cli.common import (
    APP_SCRIPT,
    JsonOption,
    State,
    console,
    one_line_errors,
    settings_or_fail,
    warehouse_or_fail,
)
from socialpulse.warehouse import DOCUMENTED_TABLES, connect, migrate, open_warehouse


def migrate_command() -> None:
    """Create the warehouse or upgrade an older file to the current schema."""
    with one_line_errors():
        con = connect(State.db, apply_migrations=False)
        try:
            applied = migrate(con)
        finally:
            con.close()
    done = f" ({', '.join(applied)})" if applied else ""
    console.print(f"{State.db}: schema up to date{done}")


def demo_command(
    seed: Annotated[int, typer.Option(help="Same seed, same warehouse.")] = 42,
    mentions: Annotated[int, typer.Option(min=1000, help="External mentions.")] = 20_000,
    messages: Annotated[int, typer.Option(min=1000, help="Internal messages.")] = 30_000,
    employees: Annotated[int, typer.Option(min=50, help="People in the directory.")] = 600,
    fresh: Annotated[bool, typer.Option(help="Delete the warehouse file first.")] = False,
    analyze: Annotated[bool, typer.Option(help="Run the analysis after loading.")] = True,
) -> None:
    """Build the demo organisation (Northwind Outfitters) into the warehouse, offline."""
    from collectors.demo import LOAD_ORDER, generate_demo, load_demo

    if fresh:
        for path in (State.db, State.db.with_name(State.db.name + ".wal")):
            path.unlink(missing_ok=True)
    started = time.perf_counter()
    with console.status("Generating the demo organisation"):
        tables = generate_demo(seed, mentions, messages, employees)
    generated = time.perf_counter()
    with warehouse_or_fail() as con:
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task("Loading", total=len(LOAD_ORDER))
            result = load_demo(
                con,
                tables,
                lambda table, r: progress.update(
                    task, advance=1, description=f"Loaded {table} ({r.seen:,} rows)"
                ),
            )
        loaded = time.perf_counter()
        if analyze:
            run_analysis(con)
    console.print(
        f"{State.db}: {result.seen:,} posts ({result.inserted:,} new, {result.updated:,} "
        f"updated); generated in {generated - started:.1f}s, loaded in {loaded - generated:.1f}s, "
        f"total {time.perf_counter() - started:.1f}s"
    )


def run_analysis(con: duckdb.DuckDBPyConnection) -> None:
    from analysis.pipeline import run_analysis as analyze

    settings = settings_or_fail()
    with console.status("Analysing") as status:

        def report(step: str, outcome: str) -> None:
            console.print(f"{step}: {outcome}", highlight=False)
            status.update(f"Analysing (done: {step})")

        analyze(con, settings, report)


def analyze_command() -> None:
    """Compute what is new since the last run (sentiment, roll-ups, topics, alerts), store it."""
    with warehouse_or_fail() as con:
        run_analysis(con)


def warehouse_status(db: Path) -> dict:
    """Row counts per documented table, the last collection runs and the WebSub leases."""
    with open_warehouse(db, read_only=True) as con:
        counts = {
            t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in DOCUMENTED_TABLES
        }
        version = con.execute("SELECT max(version) FROM schema_migrations").fetchall()[0][0]
        runs = con.execute(
            "SELECT run_id, source, started_at::VARCHAR AS started_at, status, items_seen, "
            "items_inserted, items_updated, error FROM collection_runs "
            "ORDER BY run_id DESC LIMIT 10"
        ).df()
        pushed = con.execute(
            "SELECT feed_url, state, expires_at::VARCHAR AS expires_at, deliveries, error "
            "FROM websub_subscriptions ORDER BY feed_url"
        ).df()
    return {
        "db": str(db),
        "schema_version": version,
        "tables": counts,
        "last_runs": runs.to_dict(orient="records"),
        "websub": pushed.to_dict(orient="records"),
    }


def status_command(as_json: JsonOption = False) -> None:
    """Row counts per table and the last collection runs."""
    with one_line_errors():
        status = warehouse_status(State.db)
    if as_json:
        typer.echo(json.dumps(status, indent=2, default=str))
        return
    table = Table(title=f"{status['db']} (schema v{status['schema_version']})")
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name, count in status["tables"].items():
        table.add_row(name, f"{count:,}")
    Console().print(table)
    columns = ("run_id", "source", "started_at", "status", "items_seen", "error")
    runs = Table(*columns, title="Last collection runs")
    for run in status["last_runs"]:
        runs.add_row(*("" if run[c] is None else str(run[c]) for c in columns))
    Console().print(runs)
    if status["websub"]:
        columns = ("feed_url", "state", "expires_at", "deliveries", "error")
        pushed = Table(*columns, title="Feeds pushed by their hubs (pulse listen)")
        for row in status["websub"]:
            pushed.add_row(*("" if row[c] is None else str(row[c]) for c in columns))
        Console().print(pushed)


def serve_command(
    port: Annotated[int, typer.Option(envvar="PORT", help="HTTP port.")] = 8501,
    address: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
) -> None:
    """Serve the dashboard (Streamlit) on the warehouse."""
    settings_or_fail()
    env = {**os.environ, "SOCIALPULSE_DB": str(State.db.resolve())}
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP_SCRIPT),
        "--server.port",
        str(port),
        "--server.address",
        address,
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
    ]
    console.print(f"SocialPulse dashboard on http://{address}:{port}")
    raise typer.Exit(subprocess.call(command, env=env))


def config_command() -> None:
    """Validate the configuration file and print which one is in use."""
    from socialpulse.config import config_path

    settings = settings_or_fail()
    console.print(
        f"{config_path()}: ok ({len(settings.brands)} brands, "
        f"privacy floor {settings.privacy.min_group_size})"
    )
