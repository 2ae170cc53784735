"""Legal holds: a custodian freezes a channel, an author or a date range, and nothing under an
active hold is archived or erased until the hold is released (a release keeps the row)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import duckdb
import pandas as pd


def _now(now: datetime | None) -> datetime:
    return (now or datetime.now(UTC)).astimezone(UTC).replace(tzinfo=None)


def held_condition(post_alias: str = "p") -> str:
    """A SQL condition, true where a post row (aliased ``post_alias``, with ``post_id``,
    ``channel_id``, ``author_id`` and ``created_at``) is under an active hold. It takes no
    parameters, so it also works over archived Parquet rows."""
    p = post_alias
    return (
        "EXISTS (SELECT 1 FROM legal_holds h WHERE h.released_at IS NULL AND ("
        f"(h.scope = 'channel' AND (h.value = {p}.channel_id OR EXISTS (SELECT 1 FROM "
        f"post_channels pc WHERE pc.post_id = {p}.post_id AND pc.channel_id = h.value)))"
        f" OR (h.scope = 'author' AND (h.value = {p}.author_id OR EXISTS (SELECT 1 FROM "
        f"person_aliases a WHERE a.alias_id = {p}.author_id AND a.person_id = h.value)))"
        f" OR (h.scope = 'date_range' AND {p}.created_at >= h.date_from"
        f" AND {p}.created_at < h.date_to + INTERVAL 1 DAY)))"
    )


def add_hold(
    con: duckdb.DuckDBPyConnection,
    *,
    reason: str,
    custodian: str,
    channel: str | None = None,
    author: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    now: datetime | None = None,
) -> int:
    """Place a hold on exactly one of a channel, an author or a date range (both ends
    included); return its id."""
    given = [channel is not None, author is not None, date_from is not None or date_to is not None]
    if sum(given) != 1:
        raise ValueError("a hold covers exactly one of --channel, --author or --from/--to")
    if not reason.strip() or not custodian.strip():
        raise ValueError("a hold needs a reason and a custodian")
    if given[2]:
        if date_from is None or date_to is None or date_from > date_to:
            raise ValueError("a date-range hold needs --from and --to, --from not after --to")
        scope, value = "date_range", None
    else:
        scope, value = ("channel", channel) if channel is not None else ("author", author)
    return con.execute(
        "INSERT INTO legal_holds (scope, value, date_from, date_to, reason, custodian, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING hold_id",
        [scope, value, date_from, date_to, reason, custodian, _now(now)],
    ).fetchall()[0][0]


def release_hold(
    con: duckdb.DuckDBPyConnection, hold_id: int, *, by: str, now: datetime | None = None
) -> None:
    released = con.execute(
        "UPDATE legal_holds SET released_at = ?, released_by = ? "
        "WHERE hold_id = ? AND released_at IS NULL RETURNING hold_id",
        [_now(now), by, hold_id],
    ).fetchall()
    if not released:
        raise ValueError(f"hold {hold_id}: no such active hold")


def list_holds(con: duckdb.DuckDBPyConnection, *, active_only: bool = False) -> pd.DataFrame:
    return con.execute(
        "SELECT * FROM legal_holds WHERE NOT ? OR released_at IS NULL ORDER BY hold_id",
        [active_only],
    ).df()
