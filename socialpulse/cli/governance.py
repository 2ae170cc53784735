"""Archival, restore, legal holds, erasure and the audit log: every write is audited."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import typer

from socialpulse import audit
from socialpulse.cli.common import (
    ByOption,
    JsonOption,
    actor,
    fail,
    one_line_errors,
    settings_or_fail,
    warehouse_or_fail,
)


def audit_command(
    action: Annotated[str | None, typer.Option(help="Only this action.")] = None,
    who: Annotated[str | None, typer.Option("--actor", help="Only this actor.")] = None,
    limit: Annotated[int, typer.Option(min=1)] = 100,
    as_json: JsonOption = False,
) -> None:
    """The audit log, newest first."""
    with warehouse_or_fail(read_only=True) as con:
        events = audit.read(con, action=action, actor=who, limit=limit)
    typer.echo(
        events.to_json(orient="records", date_format="iso", indent=2)
        if as_json
        else events.to_string(index=False)
    )


def parse_as_of(as_of: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(as_of).replace(tzinfo=UTC) if as_of else None
    except ValueError:
        fail(f"--as-of: expected a date YYYY-MM-DD or YYYY-MM-DDTHH:MM, got {as_of!r}")


def archive_command(
    dry_run: Annotated[bool, typer.Option(help="Say what would move; move nothing.")] = False,
    as_of: Annotated[
        str | None,
        typer.Option(
            help="YYYY-MM-DD[THH:MM]: judge age as of then (UTC), e.g. to rehearse a retention "
            "change; default now."
        ),
    ] = None,
    as_json: JsonOption = False,
    by: ByOption = None,
) -> None:
    """Move posts older than their retention to Parquet (held posts stay); audited."""
    from socialpulse.governance.archive import ArchiveError, archive

    now = parse_as_of(as_of)
    settings = settings_or_fail()
    with warehouse_or_fail(ArchiveError) as con:
        result = archive(con, settings.retention, now=now, dry_run=dry_run)
        if not dry_run:
            counts = {"posts": result.posts, "held": result.held}
            audit.record(
                con,
                actor(by),
                None,
                "archive",
                target=settings.retention.archive_dir,
                detail=json.dumps({**counts, "partitions": len(result.partitions)}),
            )
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


def restore_command(
    platform: Annotated[str | None, typer.Argument(help="The partition's platform.")] = None,
    month: Annotated[str | None, typer.Argument(help="The partition's month, YYYY-MM.")] = None,
    list_: Annotated[bool, typer.Option("--list", help="List the archived partitions.")] = False,
    by: ByOption = None,
) -> None:
    """Bring one archived partition back into the warehouse exactly; audited."""
    from socialpulse.governance.archive import ArchiveError, list_partitions, restore

    archive_dir = Path(settings_or_fail().retention.archive_dir)
    if list_ or platform is None or month is None:
        with one_line_errors(ArchiveError):
            partitions = list_partitions(archive_dir)
        for part in partitions:
            typer.echo(f"{part['partition']}\t{part['posts']} posts\t{part['bytes']} bytes")
        return
    with warehouse_or_fail(ArchiveError) as con:
        rows = restore(con, archive_dir, platform, month)
        audit.record(
            con, actor(by), None, "restore", target=f"{platform}/{month}", detail=json.dumps(rows)
        )
    typer.echo(f"platform={platform}/month={month}: restored {rows.get('posts', 0):,} posts")


hold_app = typer.Typer(
    help="Legal holds: held posts are never archived or erased.", no_args_is_help=True
)


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
    from socialpulse.governance.holds import add_hold

    with warehouse_or_fail(ValueError) as con:
        hold_id = add_hold(
            con,
            reason=reason,
            custodian=custodian,
            channel=channel,
            author=author,
            date_from=date.fromisoformat(date_from) if date_from else None,
            date_to=date.fromisoformat(date_to) if date_to else None,
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
    typer.echo(f"hold {hold_id}")


@hold_app.command("list")
def hold_list(
    active: Annotated[bool, typer.Option(help="Only holds not released.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Every legal hold."""
    from socialpulse.governance.holds import list_holds

    with warehouse_or_fail(read_only=True) as con:
        holds = list_holds(con, active_only=active)
    typer.echo(
        holds.to_json(orient="records", date_format="iso", indent=2)
        if as_json
        else holds.to_string(index=False)
    )


@hold_app.command("release")
def hold_release(hold_id: Annotated[int, typer.Argument()], by: ByOption = None) -> None:
    """Release a hold (the row stays, with who released it and when); audited."""
    from socialpulse.governance.holds import release_hold

    with warehouse_or_fail(ValueError) as con:
        release_hold(con, hold_id, by=actor(by))
        audit.record(con, actor(by), None, "hold_release", target=str(hold_id))
    typer.echo(f"hold {hold_id}: released")


def erase_command(
    author: Annotated[str, typer.Option(help="The person's pseudonym (emp_...) or author id.")],
    as_json: JsonOption = False,
    by: ByOption = None,
) -> None:
    """Erase a person's posts and identity from the warehouse and archives (held posts stay
    and are reported); recorded in `erasures` and audited."""
    from socialpulse.governance.erasure import erase_author

    archive_dir = Path(settings_or_fail().retention.archive_dir)
    with warehouse_or_fail(ValueError) as con:
        result = erase_author(con, author, by=actor(by), archive_dir=archive_dir)
        audit.record(
            con, actor(by), None, "erase", target=author, detail=json.dumps(result.as_dict())
        )
    if as_json:
        typer.echo(json.dumps(result.as_dict(), indent=2))
    else:
        typer.echo(
            f"{author}: erased {result.posts_erased:,} posts and "
            f"{result.archived_posts_erased:,} archived posts; held: "
            f"{result.posts_held:,} + {result.archived_posts_held:,} archived"
            + ("" if result.identity_erased else " (identity kept for the held posts)")
        )
