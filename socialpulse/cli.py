"""The ``pulse`` command: one entry point for building, loading, analysing and serving.

Every failure a user can fix (a locked or missing warehouse, a bad config value) ends the command
with one line on stderr and exit status 1, never a traceback.
"""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import typer
from dotenv import find_dotenv, load_dotenv
from rich.console import Console
from rich.logging import RichHandler
from rich.progress import Progress
from rich.table import Table

from socialpulse import audit
from socialpulse.config import ConfigError, load_settings
from socialpulse.warehouse import (
    DOCUMENTED_TABLES,
    WarehouseError,
    connect,
    default_db_path,
    migrate,
    open_warehouse,
)

app = typer.Typer(
    help="SocialPulse: social listening and employee-network analytics.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
console = Console(stderr=True)
APP_SCRIPT = Path(__file__).resolve().parent.parent / "streamlit_app.py"


class State:
    db: Path = default_db_path()


def fail(message: str) -> None:
    console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(1)


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


@app.command("migrate")
def migrate_command() -> None:
    """Create the warehouse or upgrade an older file to the current schema."""
    try:
        con = connect(State.db, apply_migrations=False)
        try:
            applied = migrate(con)
        finally:
            con.close()
    except WarehouseError as error:
        fail(str(error))
    done = f" ({', '.join(applied)})" if applied else ""
    console.print(f"{State.db}: schema up to date{done}")


@app.command("demo")
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
    try:
        with open_warehouse(State.db) as con:
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
    except WarehouseError as error:
        fail(str(error))
    console.print(
        f"{State.db}: {result.seen:,} posts ({result.inserted:,} new, {result.updated:,} "
        f"updated); generated in {generated - started:.1f}s, loaded in {loaded - generated:.1f}s, "
        f"total {time.perf_counter() - started:.1f}s"
    )


def run_analysis(con) -> None:
    from analysis.pipeline import run_analysis as analyze

    try:
        settings = load_settings()
    except ConfigError as error:
        fail(str(error))
    with console.status("Analysing") as status:

        def report(step: str, outcome: str) -> None:
            console.print(f"{step}: {outcome}", highlight=False)
            status.update(f"Analysing (done: {step})")

        analyze(con, settings, report)


def parse_interval(text: str) -> float:
    """Seconds in '30s', '15m' or '1h'."""
    match = re.fullmatch(r"(\d+)([smh])", text.strip())
    if not match:
        raise typer.BadParameter(f"{text!r}: expected a number and s, m or h, e.g. 15m")
    return int(match.group(1)) * {"s": 1, "m": 60, "h": 3600}[match.group(2)]


def collect_once(collectors: list, rules: list) -> bool:
    """Run each collector once; True when none failed outright."""
    from collectors.base import MissingCredentialsError
    from collectors.runner import run_collector

    healthy = True
    for collector in collectors:
        try:
            summary = run_collector(State.db, collector, rules)
        except MissingCredentialsError as error:
            console.print(f"[yellow]{error}[/]", highlight=False)
            continue
        except WarehouseError as error:
            fail(str(error))
        except Exception as error:  # one collector's bug must not stop the others
            console.print(
                f"[red]{collector.name}: failed: {str(error).splitlines()[0]}[/]", highlight=False
            )
            healthy = False
            continue
        posts, snapshots = summary.posts, summary.snapshots
        console.print(
            f"{collector.name}: {posts.seen:,} items ({posts.inserted:,} new, "
            f"{posts.updated:,} updated), {snapshots.inserted:,} engagement snapshots"
            + (f", {len(summary.errors)} source error(s)" if summary.errors else ""),
            highlight=False,
        )
        for error in summary.errors:
            console.print(f"  [yellow]{error}[/]", highlight=False)
    return healthy


@app.command("collect")
def collect_command(
    source: Annotated[str | None, typer.Argument(help="rss, reddit or x.")] = None,
    urls: Annotated[list[str] | None, typer.Argument(help="Feed URLs (with rss).")] = None,
    list_collectors: Annotated[bool, typer.Option("--list", help="List collectors.")] = False,
    run_all: Annotated[bool, typer.Option("--all", help="Run every collector.")] = False,
    every: Annotated[str | None, typer.Option(help="Repeat every 30s, 15m, 1h...")] = None,
) -> None:
    """Collect brand and competitor mentions into the warehouse."""
    from collectors import registry
    from collectors.rss import RssCollector
    from socialpulse.brand_rules import BrandRule
    from socialpulse.config import Feed

    try:
        settings = load_settings()
    except ConfigError as error:
        fail(str(error))
    if list_collectors:
        table = Table("collector", "description", "credentials")
        for name in registry.names():
            collector = registry.build(name, settings)
            missing = collector.missing_credentials()
            table.add_row(
                name,
                collector.description,
                "missing: " + ", ".join(missing) if missing else "present",
            )
        Console().print(table)
        return
    if run_all:
        collectors = [registry.build(name, settings) for name in registry.names()]
    elif source == "rss" and urls:
        collectors = [RssCollector([Feed(url=url) for url in urls])]
    elif source in registry.names():
        collectors = [registry.build(source, settings)]
    else:
        fail(f"name a collector ({', '.join(registry.names())}), or use --all or --list")
    rules = [BrandRule.from_config(brand) for brand in settings.brands]
    interval = parse_interval(every) if every else None
    while True:
        healthy = collect_once(collectors, rules)
        if interval is None:
            raise typer.Exit(0 if healthy else 1)
        console.print(f"next collection in {every} (Ctrl-C to stop)", highlight=False)
        try:
            time.sleep(interval)
        except KeyboardInterrupt:
            raise typer.Exit(0) from None


@app.command("import")
def import_command(
    kind: Annotated[str, typer.Argument(help="directory, slack, teams, viva or csv.")],
    path: Annotated[Path, typer.Argument(help="The export: a file, a folder or a zip.")],
) -> None:
    """Import an employee-network export or the HR directory, pseudonymised at the door."""
    from collectors.exports.base import kinds
    from collectors.exports.runner import ExportError, run_import

    if kind not in kinds():
        fail(f"unknown export kind {kind!r}; expected one of {', '.join(kinds())}")
    try:
        settings = load_settings()
        summary = run_import(State.db, kind, path, settings)
    except (ConfigError, ExportError, WarehouseError) as error:
        fail(str(error))
    posts, people = summary.posts, summary.people
    line = (
        f"{kind}: {posts.seen:,} messages ({posts.inserted:,} new, {posts.updated:,} "
        f"updated), {people.seen:,} people"
    )
    if summary.skipped:
        line += "; skipped " + ", ".join(f"{n:,} {k}" for k, n in summary.skipped.most_common())
    console.print(line, highlight=False)
    for problem in summary.problems[:10]:
        console.print(f"  [yellow]{problem}[/]", highlight=False)
    if len(summary.problems) > 10:
        console.print(
            f"  [yellow]and {len(summary.problems) - 10:,} more problems (see `pulse status`)[/]",
            highlight=False,
        )


sentiment_app = typer.Typer(help="Correct, train and evaluate sentiment.", no_args_is_help=True)
app.add_typer(sentiment_app, name="sentiment")


@sentiment_app.command("correct")
def sentiment_correct(
    post_id: Annotated[str, typer.Argument(help="The post, e.g. x:1830000000000000042.")],
    label: Annotated[str, typer.Argument(help="positive, neutral or negative.")],
    by: Annotated[str, typer.Option(help="Who corrects (kept with the label).")] = "cli",
) -> None:
    """Override the model's label for one post; the label is kept for training."""
    from analysis.sentiment import correct

    try:
        with open_warehouse(State.db) as con:
            correct(con, post_id, label, by)
            audit.record(con, by, None, "sentiment_correction", post_id, detail=label)
    except (ValueError, WarehouseError) as error:
        fail(str(error))
    console.print(f"{post_id}: {label} (by {by})")


def print_evaluation(results: dict[str, dict], as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(results, indent=2))
        return
    columns = ["n", "accuracy", "macro_f1", "weighted_f1", "pearson_r"]
    table = Table("method", *columns, title="Sentiment evaluation")
    for method, metrics in results.items():
        table.add_row(method, *(str(metrics.get(c, "")) for c in columns))
    Console().print(table)


@sentiment_app.command("evaluate")
def sentiment_evaluate(
    file: Annotated[Path, typer.Argument(help="CSV or TSV: text, and label or score.")],
    cv: Annotated[int | None, typer.Option(min=2, help="Also cross-validate the model.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Score VADER (and with --cv K the trainable model) against your labelled texts."""
    from analysis.sentiment_model import TrainingError, evaluate, read_labelled

    try:
        results = evaluate(read_labelled(file), cv)
    except TrainingError as error:
        fail(str(error))
    print_evaluation(results, as_json)


@sentiment_app.command("train")
def sentiment_train(
    file: Annotated[
        Path | None, typer.Option(help="Labelled CSV/TSV instead of the corrections.")
    ] = None,
    cv: Annotated[int, typer.Option(min=2, help="Folds for the comparison with VADER.")] = 5,
) -> None:
    """Train a model on the corrections (or a file); promote it if it beats VADER."""
    from analysis.sentiment_model import (
        TrainingError,
        corrections,
        read_labelled,
        train_and_store,
    )

    try:
        with open_warehouse(State.db) as con:
            data = read_labelled(file) if file else corrections(con)
            trained = train_and_store(con, data, State.db.parent / "models", cv)
    except (TrainingError, WarehouseError) as error:
        fail(str(error))
    print_evaluation(trained.metrics, as_json=False)
    verdict = (
        "promoted: it now labels posts"
        if trained.promoted
        else ("not promoted: VADER stays (the model did not beat it on held-out folds)")
    )
    console.print(f"{trained.version}: {verdict}")


@app.command("analyze")
def analyze_command() -> None:
    """Compute what is new since the last run (sentiment, roll-ups, topics, alerts), store it."""
    try:
        with open_warehouse(State.db) as con:
            run_analysis(con)
    except WarehouseError as error:
        fail(str(error))


def warehouse_status(db: Path) -> dict:
    """Row counts per documented table and the last collection runs."""
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
    return {
        "db": str(db),
        "schema_version": version,
        "tables": counts,
        "last_runs": runs.to_dict(orient="records"),
    }


@app.command("status")
def status_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Row counts per table and the last collection runs."""
    try:
        status = warehouse_status(State.db)
    except WarehouseError as error:
        fail(str(error))
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


@app.command("serve")
def serve_command(
    port: Annotated[int, typer.Option(envvar="PORT", help="HTTP port.")] = 8501,
    address: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
) -> None:
    """Serve the dashboard (Streamlit) on the warehouse."""
    try:
        load_settings()
    except ConfigError as error:
        fail(str(error))
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


@app.command("config")
def config_command() -> None:
    """Validate the configuration file and print which one is in use."""
    from socialpulse.config import config_path

    try:
        settings = load_settings()
    except ConfigError as error:
        fail(str(error))
    console.print(
        f"{config_path()}: ok ({len(settings.brands)} brands, "
        f"privacy floor {settings.privacy.min_group_size})"
    )


# --- governance commands ---

ByOption = Annotated[str | None, typer.Option("--by", help="Who acts (default: the OS user).")]


def actor(by: str | None) -> str:
    from socialpulse.audit import default_actor

    return by or default_actor()


users_app = typer.Typer(
    help="Dashboard accounts (bcrypt-hashed, in a file outside the repo).", no_args_is_help=True
)
app.add_typer(users_app, name="users")


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="Login name.")],
    role: Annotated[
        str, typer.Option(help="admin, marketing, internal-comms, executive or auditor.")
    ],
    password_stdin: Annotated[bool, typer.Option(help="Read the password from stdin.")] = False,
    generate_password: Annotated[
        bool, typer.Option(help="Make up a strong password and print it once.")
    ] = False,
    unless_accounts: Annotated[
        bool, typer.Option(help="Do nothing when any account exists (first run of `make run`).")
    ] = False,
    by: ByOption = None,
) -> None:
    """Create an account (or replace its password and role); audited."""
    import secrets

    from socialpulse import audit, users

    if unless_accounts and users.list_users():
        return
    if generate_password:
        password = secrets.token_urlsafe(12)
    elif password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = users.add_user(name, role, password)
        with open_warehouse(State.db) as con:
            audit.record(con, actor(by), None, "user_add", target=name, detail=f"role {role}")
    except (ValueError, WarehouseError) as error:
        fail(str(error))
    console.print(f"{user.name}: {user.role} ({users.users_file()})", highlight=False)
    if generate_password:
        typer.echo(
            f"Sign in as {user.name} with the password {password} (shown once; change it "
            f"with `pulse users add {user.name} --role {user.role}`)."
        )


@users_app.command("list")
def users_list(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    by: ByOption = None,
) -> None:
    """Every account and its role; audited."""
    from socialpulse import audit, users

    try:
        listed = users.list_users()
        with open_warehouse(State.db) as con:
            audit.record(con, actor(by), None, "user_list")
    except (ValueError, WarehouseError) as error:
        fail(str(error))
    if as_json:
        typer.echo(json.dumps([{"name": u.name, "role": u.role} for u in listed], indent=2))
    else:
        for user in listed:
            typer.echo(f"{user.name}\t{user.role}")


@users_app.command("remove")
def users_remove(name: Annotated[str, typer.Argument()], by: ByOption = None) -> None:
    """Delete an account; audited."""
    from socialpulse import audit, users

    if not users.remove_user(name):
        fail(f"{name}: no such user in {users.users_file()}")
    try:
        with open_warehouse(State.db) as con:
            audit.record(con, actor(by), None, "user_remove", target=name)
    except WarehouseError as error:
        fail(str(error))
    console.print(f"{name}: removed", highlight=False)


@app.command("audit")
def audit_command(
    action: Annotated[str | None, typer.Option(help="Only this action.")] = None,
    who: Annotated[str | None, typer.Option("--actor", help="Only this actor.")] = None,
    limit: Annotated[int, typer.Option(min=1)] = 100,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The audit log, newest first."""
    from socialpulse import audit

    try:
        with open_warehouse(State.db, read_only=True) as con:
            events = audit.read(con, action=action, actor=who, limit=limit)
    except WarehouseError as error:
        fail(str(error))
    typer.echo(
        events.to_json(orient="records", date_format="iso", indent=2)
        if as_json
        else events.to_string(index=False)
    )


@app.command("archive")
def archive_command(
    dry_run: Annotated[bool, typer.Option(help="Say what would move; move nothing.")] = False,
    as_of: Annotated[
        str | None,
        typer.Option(
            help="YYYY-MM-DD[THH:MM]: judge age as of then (UTC), e.g. to rehearse a retention "
            "change; default now."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    by: ByOption = None,
) -> None:
    """Move posts older than their retention to Parquet (held posts stay); audited."""
    from socialpulse import audit
    from socialpulse.governance.archive import ArchiveError, archive

    try:
        now = datetime.fromisoformat(as_of).replace(tzinfo=UTC) if as_of else None
    except ValueError:
        fail(f"--as-of: expected a date YYYY-MM-DD or YYYY-MM-DDTHH:MM, got {as_of!r}")
    try:
        settings = load_settings()
        with open_warehouse(State.db) as con:
            result = archive(con, settings.retention, now=now, dry_run=dry_run)
            if not dry_run:
                audit.record(
                    con,
                    actor(by),
                    None,
                    "archive",
                    target=settings.retention.archive_dir,
                    detail=json.dumps(
                        {
                            "posts": result.posts,
                            "held": result.held,
                            "partitions": len(result.partitions),
                        }
                    ),
                )
    except (ConfigError, ArchiveError, WarehouseError) as error:
        fail(str(error))
    summary = {
        "posts": result.posts,
        "held": result.held,
        "rows": result.rows,
        "partitions": result.partitions,
        "files": result.files,
        "bytes": result.bytes,
        "dry_run": dry_run,
    }
    if as_json:
        typer.echo(json.dumps(summary, indent=2))
    else:
        verb = "would archive" if dry_run else "archived"
        typer.echo(
            f"{verb} {result.posts:,} posts in {len(result.partitions)} partitions "
            f"({result.files} files, {result.bytes:,} bytes); {result.held:,} expired "
            "posts kept by a legal hold"
        )


@app.command("restore")
def restore_command(
    platform: Annotated[str | None, typer.Argument(help="The partition's platform.")] = None,
    month: Annotated[str | None, typer.Argument(help="The partition's month, YYYY-MM.")] = None,
    list_: Annotated[bool, typer.Option("--list", help="List the archived partitions.")] = False,
    by: ByOption = None,
) -> None:
    """Bring one archived partition back into the warehouse exactly; audited."""
    from socialpulse import audit
    from socialpulse.governance.archive import ArchiveError, list_partitions, restore

    try:
        settings = load_settings()
        archive_dir = Path(settings.retention.archive_dir)
        if list_ or platform is None or month is None:
            for part in list_partitions(archive_dir):
                typer.echo(f"{part['partition']}\t{part['posts']} posts\t{part['bytes']} bytes")
            return
        with open_warehouse(State.db) as con:
            rows = restore(con, archive_dir, platform, month)
            audit.record(
                con,
                actor(by),
                None,
                "restore",
                target=f"{platform}/{month}",
                detail=json.dumps(rows),
            )
    except (ConfigError, ArchiveError, WarehouseError) as error:
        fail(str(error))
    typer.echo(f"platform={platform}/month={month}: restored {rows.get('posts', 0):,} posts")


hold_app = typer.Typer(
    help="Legal holds: held posts are never archived or erased.", no_args_is_help=True
)
app.add_typer(hold_app, name="hold")


@hold_app.command("add")
def hold_add(
    reason: Annotated[str, typer.Option(help="Why (e.g. the matter).")],
    custodian: Annotated[str, typer.Option(help="Who is responsible for the hold.")],
    channel: Annotated[str | None, typer.Option(help="A channel id.")] = None,
    author: Annotated[str | None, typer.Option(help="An author id or pseudonym.")] = None,
    date_from: Annotated[str | None, typer.Option("--from", help="First day, YYYY-MM-DD.")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="Last day, YYYY-MM-DD.")] = None,
    by: ByOption = None,
) -> None:
    """Place a legal hold on a channel, an author or a date range; audited."""

    from socialpulse import audit
    from socialpulse.governance.holds import add_hold

    try:
        first = date.fromisoformat(date_from) if date_from else None
        last = date.fromisoformat(date_to) if date_to else None
        with open_warehouse(State.db) as con:
            hold_id = add_hold(
                con,
                reason=reason,
                custodian=custodian,
                channel=channel,
                author=author,
                date_from=first,
                date_to=last,
            )
            audit.record(
                con,
                actor(by),
                None,
                "hold_add",
                target=str(hold_id),
                filters={"channel": channel, "author": author, "from": date_from, "to": date_to},
                detail=reason,
            )
    except (ValueError, WarehouseError) as error:
        fail(str(error))
    typer.echo(f"hold {hold_id}")


@hold_app.command("list")
def hold_list(
    active: Annotated[bool, typer.Option(help="Only holds not released.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Every legal hold."""
    from socialpulse.governance.holds import list_holds

    try:
        with open_warehouse(State.db, read_only=True) as con:
            holds = list_holds(con, active_only=active)
    except WarehouseError as error:
        fail(str(error))
    typer.echo(
        holds.to_json(orient="records", date_format="iso", indent=2)
        if as_json
        else holds.to_string(index=False)
    )


@hold_app.command("release")
def hold_release(hold_id: Annotated[int, typer.Argument()], by: ByOption = None) -> None:
    """Release a hold (the row stays, with who released it and when); audited."""
    from socialpulse import audit
    from socialpulse.governance.holds import release_hold

    try:
        with open_warehouse(State.db) as con:
            release_hold(con, hold_id, by=actor(by))
            audit.record(con, actor(by), None, "hold_release", target=str(hold_id))
    except (ValueError, WarehouseError) as error:
        fail(str(error))
    typer.echo(f"hold {hold_id}: released")


@app.command("erase")
def erase_command(
    author: Annotated[str, typer.Option(help="The person's pseudonym (emp_...) or author id.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    by: ByOption = None,
) -> None:
    """Erase a person's posts and identity from the warehouse and archives (held posts stay
    and are reported); recorded in `erasures` and audited."""
    from socialpulse import audit
    from socialpulse.governance.erasure import erase_author

    try:
        settings = load_settings()
        with open_warehouse(State.db) as con:
            result = erase_author(
                con, author, by=actor(by), archive_dir=Path(settings.retention.archive_dir)
            )
            audit.record(
                con, actor(by), None, "erase", target=author, detail=json.dumps(result.as_dict())
            )
    except (ConfigError, ValueError, WarehouseError) as error:
        fail(str(error))
    if as_json:
        typer.echo(json.dumps(result.as_dict(), indent=2))
    else:
        typer.echo(
            f"{author}: erased {result.posts_erased:,} posts and "
            f"{result.archived_posts_erased:,} archived posts; held: "
            f"{result.posts_held:,} + {result.archived_posts_held:,} archived"
            + ("" if result.identity_erased else " (identity kept for the held posts)")
        )


# --- expert finder commands ---


@app.command("experts")
def experts_command(
    topic: Annotated[str, typer.Argument(help='Words every post must contain: "ERP export".')],
    limit: Annotated[int, typer.Option(min=1, help="People to list.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Who knows about a topic: people ranked by what they wrote on it, the responses it drew and
    the questions on it they answered, with the posts that show it."""
    from rich import box
    from rich.text import Text

    from analysis.experts import find_experts

    try:
        floor = load_settings().privacy.min_group_size
        with open_warehouse(State.db, read_only=True) as con:
            experts = find_experts(con, topic, limit=limit, min_group_size=floor)
    except (WarehouseError, ConfigError) as error:
        fail(str(error))
    if as_json:
        typer.echo(json.dumps(experts.to_dict(orient="records"), indent=2, default=str))
        return
    if experts.empty:
        typer.echo(f"no one has written about {topic} yet")
        return
    table = Table(title=Text(f"Experts on {topic}"), box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("#", justify="right")
    table.add_column("person", no_wrap=True)
    for name in ("score", "posts", "replies", "reactions", "answers"):
        table.add_column(name, justify="right")
    evidence = []
    for rank, row in enumerate(experts.itertuples(index=False), start=1):
        table.add_row(
            *(
                Text(str(value))
                for value in (
                    rank,
                    row.person,
                    f"{row.score:g}",
                    row.posts,
                    row.replies_received,
                    row.reactions_received,
                    row.answers,
                )
            )
        )
        where = ", ".join(value for value in (row.department, row.location) if value)
        evidence += [Text(f"{rank}. {row.person} ({where or 'no department'})", style="bold")]
        evidence += [Text(f"   {item['post_id']}: {item['snippet']}") for item in row.evidence]
    out = Console()
    out.print(table)
    out.print(*evidence, sep="\n")


# --- maturity commands ---

maturity_app = typer.Typer(
    help="The Solis maturity scorecard and its questionnaire.", invoke_without_command=True
)
app.add_typer(maturity_app, name="maturity")


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
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
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
    try:
        settings = load_settings()
        with open_warehouse(State.db, read_only=True) as con:
            card = scorecard(con, settings, day)
            trend = live_history(con, settings, day).to_dict(orient="records")
    except (ValueError, WarehouseError) as error:
        fail(str(error))
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

    try:
        check_answer(question_id, answer, by)
        with open_warehouse(State.db) as con:
            record_answer(con, question_id, answer, by, note)
            audit.record(con, by, None, "questionnaire_answer", question_id, detail=answer)
    except (ValueError, WarehouseError) as error:
        fail(str(error))
    console.print(f"{question_id}: {answer} (by {by})", highlight=False)


@maturity_app.command("questions")
def maturity_questions(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The questionnaire: each question's id, stage and wording."""
    from analysis.maturity import questions

    if as_json:
        typer.echo(json.dumps(questions(), indent=2))
        return
    table = Table("id", "stage", "question", title="Maturity questionnaire (yes, partly, no)")
    for question in questions():
        table.add_row(question["id"], question["stage_name"], question["question"])
    Console().print(table)


# --- roi commands ---

roi_app = typer.Typer(
    help="ROI of the social programme, and the assumptions behind it.", invoke_without_command=True
)
app.add_typer(roi_app, name="roi")


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
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
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

    try:
        settings = load_settings()
        with open_warehouse(State.db, read_only=True) as con:
            report = roi_report(con, settings, parse_period(con, period), True if emv else None)
    except (ValueError, WarehouseError) as error:
        fail(str(error))
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
    from analysis.roi import set_assumption

    values = [parse_number(f"--{o}", v) for o, v in (("base", base), ("low", low), ("high", high))]
    try:
        settings = load_settings()
        with open_warehouse(State.db) as con:
            row = set_assumption(con, name, *values, changed_by=by, note=note, settings=settings)
            audit.record(
                con,
                by,
                None,
                "roi_edit",
                name,
                detail=f"low {row['low']:g}, base {row['base']:g}, high {row['high']:g}",
            )
    except (ValueError, WarehouseError) as error:
        fail(str(error))
    console.print(
        f"{name}: low {row['low']:g}, base {row['base']:g}, high {row['high']:g} (by {by})",
        highlight=False,
    )


@roi_app.command("assumptions")
def roi_assumptions(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Every ROI assumption in force with its unit, range and source."""
    from analysis.roi import assumptions

    try:
        settings = load_settings()
        with open_warehouse(State.db, read_only=True) as con:
            frame = assumptions(con, settings)
    except (ValueError, WarehouseError) as error:
        fail(str(error))
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


# --- bench commands ---


@app.command("bench")
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
    import tempfile

    root = str(APP_SCRIPT.parent)  # bench/ sits beside the packages and is not installed
    if root not in sys.path:
        sys.path.insert(0, root)
    from bench.analyze_run import BenchError
    from bench.report import append_markdown, rich_table, to_json, write_json
    from bench.suite import parse_size, run_suite

    try:
        chosen = parse_size(size)
    except ValueError as error:
        fail(str(error))
    try:
        result = run_suite(chosen, lambda step: console.print(f"bench: {step}", highlight=False))
    except BenchError as error:
        fail(str(error))
    path = write_json(result, out or Path(tempfile.mkdtemp(prefix="pulse-bench-")))
    if as_json:
        typer.echo(json.dumps(to_json(result), indent=2))
    else:
        Console(width=None if sys.stdout.isatty() else 120).print(rich_table(result))
    console.print(f"JSON: {path}", highlight=False, soft_wrap=True)
    if record:
        docs = APP_SCRIPT.parent / "docs" / "benchmarks.md"
        append_markdown(result, docs)
        console.print(f"appended to {docs}", highlight=False, soft_wrap=True)


def run() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    run()
