"""Archival: posts past their retention leave the warehouse for Parquet files, and come back
exactly on restore.

Layout: ``<archive_dir>/platform=<p>/month=<yyyy-mm>/<table>-<n>.parquet``, one file per table
and archive run, and ``manifest.json`` listing every file with its row count and SHA-256. Rows
leave the warehouse only after each file has been read back and matched, in one transaction;
the aggregates (``brand_daily``, ``internal_metrics``) stay. Held posts are never archived.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from socialpulse.config import Retention
from socialpulse.governance.holds import held_condition
from socialpulse.governance.retention import expired_posts_sql
from socialpulse.warehouse.loader import transaction

# Every table whose rows belong to one post, posts first (restore inserts in this order). The
# mention index and the answered posts go with their posts: an archived or erased post leaves
# no row behind.
POST_TABLES: tuple[str, ...] = (
    "posts",
    "post_channels",
    "engagement_snapshots",
    "interactions",
    "brand_matches",
    "sentiment_scores",
    "sentiment_corrections",
    "post_topics",
    "mention_index",
    "answered_posts",
)
MANIFEST = "manifest.json"
MONTH = re.compile(r"\d{4}-\d{2}")


class ArchiveError(RuntimeError):
    """The archive does not match its manifest, or a partition cannot be found."""


@dataclass
class ArchiveResult:
    posts: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    held: int = 0
    partitions: list[str] = field(default_factory=list)
    files: int = 0
    bytes: int = 0


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_manifest(archive_dir: Path) -> dict:
    path = Path(archive_dir) / MANIFEST
    if not path.exists():
        return {"version": 1, "files": []}
    return json.loads(path.read_text(encoding="utf-8"))


def write_manifest(archive_dir: Path, manifest: dict) -> None:
    archive_dir = Path(archive_dir)
    archive_dir.mkdir(parents=True, exist_ok=True)
    temporary = archive_dir / (MANIFEST + ".tmp")
    temporary.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(temporary, archive_dir / MANIFEST)


def partition_of(platform: str, month: str) -> str:
    if not MONTH.fullmatch(month) or not re.fullmatch(r"[A-Za-z0-9_.-]+", platform):
        raise ArchiveError(f"platform={platform}/month={month}: not a partition name")
    return f"platform={platform}/month={month}"


def write_verified(table: pa.Table, path: Path, con: duckdb.DuckDBPyConnection) -> dict:
    """Write ``table`` to ``path``, read it back and compare, and return its manifest entry."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path)
    back = con.execute(
        "SELECT count(*) FROM read_parquet(?, hive_partitioning = false)", [str(path)]
    ).fetchall()[0][0]
    if back != table.num_rows or not pq.read_table(path).equals(table):
        path.unlink(missing_ok=True)
        raise ArchiveError(f"{path}: read back {back} rows, wrote {table.num_rows}")
    return {"rows": table.num_rows, "sha256": sha256(path), "bytes": path.stat().st_size}


def verify(archive_dir: Path, partition: str | None = None) -> list[dict]:
    """The manifest's entries (of one partition, or all) after checking every checksum."""
    archive_dir = Path(archive_dir)
    entries = [
        e
        for e in read_manifest(archive_dir)["files"]
        if partition is None or e["partition"] == partition
    ]
    for entry in entries:
        path = archive_dir / entry["path"]
        if not path.exists():
            raise ArchiveError(f"{path}: listed in the manifest but missing")
        if sha256(path) != entry["sha256"]:
            raise ArchiveError(f"{path}: SHA-256 differs from the manifest")
    return entries


def archive(
    con: duckdb.DuckDBPyConnection,
    retention: Retention,
    *,
    archive_dir: Path | None = None,
    now: datetime | None = None,
    dry_run: bool = False,
) -> ArchiveResult:
    """Move every post older than its retention, and its dependent rows, to Parquet."""
    archive_dir = Path(archive_dir or retention.archive_dir)
    now = (now or datetime.now(UTC)).astimezone(UTC).replace(tzinfo=None)
    expired, params = expired_posts_sql(con, retention, now)
    con.execute("CREATE OR REPLACE TEMP TABLE _expired AS " + expired, params)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _to_archive AS SELECT e.* FROM _expired e "
        f"JOIN posts p ON p.post_id = e.post_id WHERE NOT {held_condition('p')}"
    )
    result = ArchiveResult()
    result.held = con.execute(
        "SELECT (SELECT count(*) FROM _expired) - (SELECT count(*) FROM _to_archive)"
    ).fetchall()[0][0]
    result.posts = con.execute("SELECT count(*) FROM _to_archive").fetchall()[0][0]
    result.partitions = [
        partition_of(p, m)
        for p, m in con.execute(
            "SELECT DISTINCT platform, month FROM _to_archive ORDER BY ALL"
        ).fetchall()
    ]
    if dry_run or result.posts == 0:
        return result
    manifest = read_manifest(archive_dir)
    run = 1 + max((e.get("run", 0) for e in manifest["files"]), default=0)
    written: list[dict] = []
    try:
        for table in POST_TABLES:
            rows = con.sql(
                f"SELECT t.*, a.platform AS __platform, a.month AS __month FROM {table} t "
                "JOIN _to_archive a ON a.post_id = t.post_id ORDER BY a.platform, a.month"
            ).to_arrow_table()
            result.rows[table] = rows.num_rows
            for partition_rows in _split(rows):
                platform = partition_rows["__platform"][0].as_py()
                month = partition_rows["__month"][0].as_py()
                partition = partition_of(platform, month)
                relative = f"{partition}/{table}-{run}.parquet"
                data = partition_rows.drop_columns(["__platform", "__month"])
                entry = write_verified(data, archive_dir / relative, con)
                written.append(
                    {
                        "path": relative,
                        "partition": partition,
                        "table": table,
                        "run": run,
                        "archived_at": now.isoformat(),
                        **entry,
                    }
                )
        manifest["files"].extend(written)
        write_manifest(archive_dir, manifest)
        with transaction(con):
            for table in reversed(POST_TABLES):
                con.execute(
                    f"DELETE FROM {table} WHERE post_id IN (SELECT post_id FROM _to_archive)"
                )
    except BaseException:
        _forget(archive_dir, written)
        raise
    result.files = len(written)
    result.bytes = sum(e["bytes"] for e in written)
    return result


def _split(rows: pa.Table) -> list[pa.Table]:
    """The rows of each partition (they arrive sorted by partition)."""
    if rows.num_rows == 0:
        return []
    keys = pc.binary_join_element_wise(rows["__platform"], rows["__month"], "/")
    changes = pc.not_equal(keys.slice(1), keys.slice(0, len(keys) - 1))
    starts = [0, *(i + 1 for i in pc.indices_nonzero(changes).to_pylist()), rows.num_rows]
    return [rows.slice(a, b - a) for a, b in zip(starts, starts[1:], strict=False)]


def _forget(archive_dir: Path, written: list[dict]) -> None:
    """Undo a failed run: its files go, and so do their manifest entries."""
    paths = {e["path"] for e in written}
    for relative in paths:
        (archive_dir / relative).unlink(missing_ok=True)
    manifest = read_manifest(archive_dir)
    if any(e["path"] in paths for e in manifest["files"]):
        manifest["files"] = [e for e in manifest["files"] if e["path"] not in paths]
        write_manifest(archive_dir, manifest)


def list_partitions(archive_dir: Path) -> list[dict]:
    """Each archived partition with its posts and files."""
    partitions: dict[str, dict] = {}
    for entry in read_manifest(archive_dir)["files"]:
        part = partitions.setdefault(
            entry["partition"],
            {"partition": entry["partition"], "posts": 0, "files": 0, "bytes": 0},
        )
        part["files"] += 1
        part["bytes"] += entry["bytes"]
        if entry["table"] == "posts":
            part["posts"] += entry["rows"]
    return [partitions[k] for k in sorted(partitions)]


def restore(
    con: duckdb.DuckDBPyConnection, archive_dir: Path, platform: str, month: str
) -> dict[str, int]:
    """Put one partition's rows back exactly, then remove its files; return rows per table."""
    archive_dir = Path(archive_dir)
    partition = partition_of(platform, month)
    entries = verify(archive_dir, partition)
    if not entries:
        raise ArchiveError(f"{partition}: not in the archive manifest")
    restored: dict[str, int] = {}
    with transaction(con):
        for table in POST_TABLES:
            files = [
                str(archive_dir / e["path"])
                for e in entries
                if e["table"] == table and e["rows"] > 0
            ]
            if not files:
                continue
            restored[table] = con.execute(
                f"INSERT INTO {table} BY NAME SELECT * FROM "
                "read_parquet(?, hive_partitioning = false)",
                [files],
            ).fetchall()[0][0]
    manifest = read_manifest(archive_dir)
    manifest["files"] = [e for e in manifest["files"] if e["partition"] != partition]
    write_manifest(archive_dir, manifest)
    for entry in entries:
        (archive_dir / entry["path"]).unlink(missing_ok=True)
    for folder in ((archive_dir / partition), (archive_dir / partition).parent):
        if folder.exists() and not any(folder.iterdir()):
            folder.rmdir()
    return restored
