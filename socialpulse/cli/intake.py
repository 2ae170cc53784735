"""Commands that bring data in: the collectors (outside) and the export importers (inside)."""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from socialpulse.cli.common import State, console, fail, one_line_errors, settings_or_fail
from socialpulse.warehouse import WarehouseError

UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800}


def parse_interval(text: str) -> float:
    """Seconds in '30s', '15m', '1h', '1d' or '1w'."""
    match = re.fullmatch(r"(\d+)([smhdw])", text.strip())
    if not match or int(match.group(1)) == 0:
        raise typer.BadParameter(f"{text!r}: expected a number and s, m, h, d or w, e.g. 15m")
    return int(match.group(1)) * UNIT_SECONDS[match.group(2)]


def collect_once(collectors: list, rules: list, settings) -> bool:
    """Run each collector once; True when none failed outright."""
    from collectors.base import MissingCredentialsError
    from collectors.runner import run_collector

    healthy = True
    landed = 0
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
        landed += posts.inserted
        console.print(
            f"{collector.name}: {posts.seen:,} items ({posts.inserted:,} new, "
            f"{posts.updated:,} updated), {snapshots.inserted:,} engagement snapshots"
            + (f", {len(summary.errors)} source error(s)" if summary.errors else ""),
            highlight=False,
        )
        for error in summary.errors:
            console.print(f"  [yellow]{error}[/]", highlight=False)
    if landed:
        scan_on_arrival(settings)
    return healthy


def scan_on_arrival(settings) -> None:
    """New mentions from a poll are scanned at once too (score, spike scan, notify), as
    `pulse listen` does for pushed and streamed ones: a crisis is not left to `pulse analyze`."""
    from socialpulse.live.arrival import ArrivalScan
    from socialpulse.warehouse import open_warehouse

    with open_warehouse(State.db, wait_seconds=30) as con:
        sent = ArrivalScan(settings, every_seconds=0).run(con)
    if len(sent):
        console.print(f"{len(sent):,} new alert(s) sent", highlight=False)


def list_collectors_table(settings) -> None:
    from collectors import registry
    from collectors.base import StreamingCollector

    table = Table("collector", "description", "credentials", "pulse listen")
    for name in registry.names():
        collector = registry.build(name, settings)
        missing = collector.missing_credentials()
        if isinstance(collector, StreamingCollector):
            live = "streams as posts are written"
        elif name == "rss":
            live = "pushed by WebSub where the feed names a hub"
        else:
            live = "polled only"
        table.add_row(
            name,
            collector.description,
            "missing: " + ", ".join(missing) if missing else "present",
            live,
        )
    Console(width=None if sys.stdout.isatty() else 160).print(table)  # a pipe gets whole rows


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

    settings = settings_or_fail()
    if list_collectors:
        list_collectors_table(settings)
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
        healthy = collect_once(collectors, rules, settings)
        if interval is None:
            raise typer.Exit(0 if healthy else 1)
        console.print(f"next collection in {every} (Ctrl-C to stop)", highlight=False)
        try:
            time.sleep(interval)
        except KeyboardInterrupt:
            raise typer.Exit(0) from None


def import_command(
    kind: Annotated[str, typer.Argument(help="directory, slack, teams, viva or csv.")],
    path: Annotated[Path, typer.Argument(help="The export: a file, a folder or a zip.")],
) -> None:
    """Import an employee-network export or the HR directory, pseudonymised at the door."""
    from collectors.exports.base import kinds
    from collectors.exports.errors import ExportError
    from collectors.exports.runner import run_import

    if kind not in kinds():
        fail(f"unknown export kind {kind!r}; expected one of {', '.join(kinds())}")
    with one_line_errors(ExportError):
        summary = run_import(State.db, kind, path, settings_or_fail())
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
