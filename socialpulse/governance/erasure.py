"""Erasure: a person's posts and identity leave the warehouse and the archives, except what a
legal hold keeps (reported, and kept until the hold is released). Each erasure is recorded in
``erasures``; the caller adds the audit row."""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from socialpulse.governance.archive import (
    POST_TABLES,
    read_manifest,
    write_manifest,
    write_verified,
)
from socialpulse.governance.holds import held_condition
from socialpulse.warehouse.loader import transaction


@dataclass
class ErasureResult:
    pseudonym: str
    posts_erased: int
    posts_held: int
    archived_posts_erased: int
    archived_posts_held: int
    interactions_erased: int
    identity_erased: bool

    def as_dict(self) -> dict:
        return asdict(self)


def _identities(con: duckdb.DuckDBPyConnection, pseudonym: str) -> list[str]:
    """The person's pseudonym and every platform alias that maps to it."""
    aliases = con.execute(
        "SELECT alias_id FROM person_aliases WHERE person_id = ? ORDER BY 1", [pseudonym]
    ).fetchall()
    return [pseudonym, *(a for (a,) in aliases if a != pseudonym)]


def _erase_archives(
    con: duckdb.DuckDBPyConnection, archive_dir: Path, ids: list[str]
) -> tuple[int, int]:
    """Rewrite every archived file holding the person's rows; return (erased, held) posts."""
    manifest = read_manifest(archive_dir)
    post_files = [
        str(archive_dir / e["path"])
        for e in manifest["files"]
        if e["table"] == "posts" and e["rows"] > 0
    ]
    con.execute("CREATE OR REPLACE TEMP TABLE _erase_archived (post_id VARCHAR, held BOOLEAN)")
    if post_files:
        con.execute(
            "INSERT INTO _erase_archived SELECT p.post_id, "
            + held_condition("p")
            + " FROM read_parquet(?, hive_partitioning = false) p "
            "WHERE list_contains(?::VARCHAR[], p.author_id)",
            [post_files, ids],
        )
    erased, held = con.execute(
        "SELECT count(*) FILTER (NOT held), count(*) FILTER (held) FROM _erase_archived"
    ).fetchall()[0]
    changed = False
    for entry in manifest["files"]:
        if entry["table"] not in POST_TABLES or entry["rows"] == 0:
            continue
        path = archive_dir / entry["path"]
        keep = "post_id NOT IN (SELECT post_id FROM _erase_archived WHERE NOT held)"
        if entry["table"] == "interactions":
            keep += (
                " AND NOT ((list_contains(?::VARCHAR[], actor_id) OR "
                "list_contains(?::VARCHAR[], target_id)) AND post_id NOT IN "
                "(SELECT post_id FROM _erase_archived WHERE held))"
            )
            params = [str(path), ids, ids]
        else:
            params = [str(path)]
        kept = con.sql(
            f"SELECT * FROM read_parquet(?, hive_partitioning = false) WHERE {keep}", params=params
        ).to_arrow_table()
        if kept.num_rows == entry["rows"]:
            continue
        temporary = path.with_name(path.name + ".tmp")
        entry.update(write_verified(kept, temporary, con))
        os.replace(temporary, path)
        changed = True
    if changed:
        write_manifest(archive_dir, manifest)
    return erased, held


def erase_author(
    con: duckdb.DuckDBPyConnection,
    pseudonym: str,
    *,
    by: str,
    archive_dir: Path | None = None,
    now: datetime | None = None,
) -> ErasureResult:
    """Remove the person's posts (and their dependent rows), their reactions and replies to
    others, and their author row and aliases, from the warehouse and the archives. Held posts
    stay; while any does, so do the author row and aliases that they need."""
    now = (now or datetime.now(UTC)).astimezone(UTC).replace(tzinfo=None)
    exists = con.execute(
        "SELECT count(*) FROM authors WHERE author_id = ?", [pseudonym]
    ).fetchall()[0][0]
    ids = _identities(con, pseudonym)
    archived_erased = archived_held = 0
    if archive_dir is not None and Path(archive_dir).exists():
        archived_erased, archived_held = _erase_archives(con, Path(archive_dir), ids)
    if not exists and not archived_erased and not archived_held:
        raise ValueError(f"{pseudonym}: no such author in the warehouse or the archives")
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _erase AS SELECT p.post_id, "
        + held_condition("p")
        + " AS held FROM posts p WHERE list_contains(?::VARCHAR[], p.author_id)",
        [ids],
    )
    erased, held = con.execute(
        "SELECT count(*) FILTER (NOT held), count(*) FILTER (held) FROM _erase"
    ).fetchall()[0]
    identity = held == 0 and archived_held == 0
    with transaction(con):
        interactions = con.execute(
            "DELETE FROM interactions WHERE post_id IN (SELECT post_id FROM _erase WHERE NOT held)"
            " OR ((list_contains(?::VARCHAR[], actor_id) OR list_contains(?::VARCHAR[], "
            "target_id)) AND post_id NOT IN (SELECT post_id FROM _erase WHERE held))",
            [ids, ids],
        ).fetchall()[0][0]
        for table in reversed(POST_TABLES):
            if table != "interactions":
                con.execute(
                    f"DELETE FROM {table} WHERE post_id IN "
                    "(SELECT post_id FROM _erase WHERE NOT held)"
                )
        con.execute(
            "DELETE FROM network_people WHERE list_contains(?::VARCHAR[], person_id)", [ids]
        )
        if identity:
            con.execute(
                "UPDATE authors SET manager_id = NULL "
                "WHERE list_contains(?::VARCHAR[], manager_id)",
                [ids],
            )
            con.execute(
                "DELETE FROM person_aliases WHERE person_id = ? "
                "OR list_contains(?::VARCHAR[], alias_id)",
                [pseudonym, ids],
            )
            con.execute("DELETE FROM authors WHERE list_contains(?::VARCHAR[], author_id)", [ids])
        result = ErasureResult(
            pseudonym, erased, held, archived_erased, archived_held, interactions, identity
        )
        con.execute(
            "INSERT INTO erasures (pseudonym, erased_by, erased_at, posts_erased, posts_held, "
            "archived_posts_erased, archived_posts_held, interactions_erased, identity_erased) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                pseudonym,
                by,
                now,
                erased,
                held,
                archived_erased,
                archived_held,
                interactions,
                identity,
            ],
        )
    return result


def forget_posts(con: duckdb.DuckDBPyConnection, post_ids: list[str]) -> int:
    """Remove posts their source says were deleted, with their dependent rows, inside the
    caller's transaction; a post under a legal hold stays (the custodian decides). Returns how
    many posts went. Ids the warehouse never stored are ignored: a delete may outrun its post."""
    if not post_ids:
        return 0
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _forget AS SELECT p.post_id FROM posts p "
        f"WHERE list_contains(?::VARCHAR[], p.post_id) AND NOT {held_condition('p')}",
        [list(post_ids)],
    )
    for table in reversed(POST_TABLES):
        con.execute(f"DELETE FROM {table} WHERE post_id IN (SELECT post_id FROM _forget)")
    return con.execute("SELECT count(*) FROM _forget").fetchall()[0][0]
