"""Running an import: read the export, apply what every platform shares, load, record the run.

Shared steps, so each importer stays a reader of its own format:
- channel rules from configuration (segment, sensitivity, purpose) for channels the importer
  did not segment itself;
- emails and phone numbers masked in message text;
- after loading, in SQL over the warehouse: reply edges in ``interactions``, announcements
  (top-level messages of an announcements channel), check-ins (top-level messages asking
  everyone to answer) and their answers (the replies), and platform aliases re-keyed to people.
"""

from __future__ import annotations

import fnmatch
import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from collectors.exports.base import ImportBatch, ImportContext, importer_for
from collectors.exports.errors import ExportError
from socialpulse.config import Settings
from socialpulse.privacy import load_key, mask_contacts
from socialpulse.warehouse import LoadResult, open_warehouse, transaction, upsert
from socialpulse.warehouse.runs import recorded_run

log = logging.getLogger(__name__)
WRITER_WAIT_SECONDS = 30.0
PROBLEMS_SHOWN = 20  # in collection_runs.error; the rest are counted
LOAD_ORDER = ("channels", "authors", "person_aliases", "posts", "interactions")
CHANNEL_DEFAULTS = {"scope": "internal", "sensitivity": "internal", "purpose": "general"}
RULE_COLUMNS = ("segment_type", "segment_value", "sensitivity", "restricted_to", "purpose")


@dataclass
class ImportSummary:
    kind: str
    status: str = "ok"
    posts: LoadResult = field(default_factory=LoadResult)
    people: LoadResult = field(default_factory=LoadResult)
    problems: list[str] = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)


def apply_channel_rules(channels: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """Segment and protect channels by name, first matching rule wins; the importer's own
    values are kept where it set them."""
    channels = channels.copy()
    for column in ("scope", *RULE_COLUMNS):
        if column not in channels:
            channels[column] = None
    unmatched = pd.Series(True, index=channels.index)
    for rule in settings.channel_rules:
        hit = unmatched & channels["name"].str.match(fnmatch.translate(rule.match))
        for column in RULE_COLUMNS:
            value = getattr(rule, column)
            if value is not None:
                channels.loc[hit, column] = channels.loc[hit, column].fillna(value)
        unmatched &= ~hit
    for column, default in CHANNEL_DEFAULTS.items():
        channels[column] = channels[column].fillna(default)
    return channels


def prepare(rows: dict[str, pd.DataFrame], settings: Settings) -> dict[str, pd.DataFrame]:
    rows = dict(rows)
    if "channels" in rows and not rows["channels"].empty:
        rows["channels"] = apply_channel_rules(rows["channels"], settings)
    if "posts" in rows and not rows["posts"].empty:
        rows["posts"] = rows["posts"].assign(text=mask_contacts(rows["posts"]["text"]))
    if "authors" in rows and not rows["authors"].empty:
        defaults = {"platform": "internal", "scope": "internal"}
        rows["authors"] = rows["authors"].assign(
            **{k: v for k, v in defaults.items() if k not in rows["authors"]}
        )
        if "handle" not in rows["authors"]:
            rows["authors"]["handle"] = rows["authors"]["author_id"]
        if not settings.internal.store_display_names:
            rows["authors"] = rows["authors"].drop(columns="display_name", errors="ignore")
    return rows


def derive_internal(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """Relational steps over the whole internal network, safe to repeat."""
    con.execute("""
        UPDATE posts SET author_id = a.person_id FROM person_aliases a
        WHERE posts.author_id = a.alias_id;
        INSERT OR IGNORE INTO interactions BY NAME
        SELECT DISTINCT ON (i.kind, i.post_id, actor_id, target_id, i.detail)
               i.kind, i.post_id, coalesce(aa.person_id, i.actor_id) AS actor_id,
               coalesce(ta.person_id, i.target_id) AS target_id, i.detail, i.platform,
               i.created_at
        FROM interactions i
        LEFT JOIN person_aliases aa ON aa.alias_id = i.actor_id
        LEFT JOIN person_aliases ta ON ta.alias_id = i.target_id
        WHERE (aa.alias_id IS NOT NULL OR ta.alias_id IS NOT NULL)
          AND coalesce(aa.person_id, i.actor_id) <> coalesce(ta.person_id, i.target_id);
        DELETE FROM interactions WHERE actor_id IN (SELECT alias_id FROM person_aliases)
                                    OR target_id IN (SELECT alias_id FROM person_aliases);
        DELETE FROM authors WHERE author_id IN (SELECT alias_id FROM person_aliases)
                              AND NOT in_directory;
        UPDATE posts SET kind = 'announcement' FROM channels c
        WHERE posts.channel_id = c.channel_id AND c.scope = 'internal'
          AND c.purpose = 'announcements' AND posts.parent_id IS NULL AND posts.kind = 'post';
    """)
    keywords = settings.internal.check_in_keywords
    if keywords:
        con.execute(
            """
            UPDATE posts SET kind = 'check-in' FROM channels c
            WHERE posts.channel_id = c.channel_id AND c.scope = 'internal'
              AND posts.parent_id IS NULL AND posts.kind IN ('post', 'announcement')
              AND regexp_matches(lower(posts.text), ?)
            """,
            ["|".join(re.escape(k.casefold()) for k in keywords)],
        )
    con.execute("""
        UPDATE posts SET kind = 'answer' FROM posts q
        WHERE posts.parent_id = q.post_id AND q.kind = 'check-in' AND posts.kind = 'reply';
        INSERT INTO interactions BY NAME
        SELECT 'reply' AS kind, r.post_id, r.author_id AS actor_id, p.author_id AS target_id,
               '' AS detail, r.platform, r.created_at
        FROM posts r JOIN posts p ON r.parent_id = p.post_id
        JOIN channels c ON c.channel_id = r.channel_id
        WHERE c.scope = 'internal' AND r.author_id IS NOT NULL AND p.author_id IS NOT NULL
          AND r.author_id <> p.author_id
          AND NOT EXISTS (SELECT 1 FROM interactions i WHERE i.kind = 'reply'
                          AND i.post_id = r.post_id AND i.actor_id = r.author_id
                          AND i.target_id = p.author_id AND i.detail = '');
    """)


def keep_known_names(con: duckdb.DuckDBPyConnection, channels: pd.DataFrame) -> pd.DataFrame:
    """An export that lacks its channel list names channels by their ids; a name an earlier
    export gave stays rather than being overwritten by that id."""
    con.register("_incoming_channels", channels[["channel_id", "name"]])
    try:
        names = con.execute("""
            SELECT i.channel_id,
                   CASE WHEN c.name IS NOT NULL AND c.name <> i.name
                             AND (i.name = i.channel_id OR i.channel_id LIKE '%:' || i.name)
                        THEN c.name ELSE i.name END AS name
            FROM _incoming_channels i LEFT JOIN channels c USING (channel_id)
        """).df()
    finally:
        con.unregister("_incoming_channels")
    return channels.drop(columns="name").merge(names, on="channel_id", how="left")


def save(con: duckdb.DuckDBPyConnection, rows: dict[str, pd.DataFrame]) -> dict[str, LoadResult]:
    results = {}
    for table in LOAD_ORDER:
        frame = rows.get(table)
        if table == "channels" and frame is not None and not frame.empty:
            frame = keep_known_names(con, frame)
        if frame is not None and not frame.empty:
            results[table] = upsert(con, table, frame)
    return results


def run_import(
    db: Path, kind: str, path: Path, settings: Settings, key: bytes | None = None
) -> ImportSummary:
    """Import ``path`` as an export of ``kind``; what cannot be read is reported, not fatal."""
    read = importer_for(kind)
    if not Path(path).exists():
        raise ExportError(f"{path}: no such file or folder")
    summary = ImportSummary(kind)
    with recorded_run(
        db,
        f"import:{kind}",
        summary,
        summary.problems,
        wait_seconds=WRITER_WAIT_SECONDS,
        setup=lambda con: ImportContext(key or load_key(), settings, _known_aliases(con)),
        failures=(ExportError,),
        shown=PROBLEMS_SHOWN,
    ) as context:
        people: set[str] = set()
        for batch in read(Path(path), context):
            _absorb(batch, summary)
            rows = prepare(batch.rows, settings)
            with open_warehouse(db, wait_seconds=WRITER_WAIT_SECONDS) as con, transaction(con):
                results = save(con, rows)
            summary.posts += results.get("posts", LoadResult())
            summary.people += results.get("authors", LoadResult())
            if kind == "directory" and "authors" in rows:
                people.update(rows["authors"]["author_id"])
        with open_warehouse(db, wait_seconds=WRITER_WAIT_SECONDS) as con, transaction(con):
            if kind == "directory" and people:
                _mark_leavers(con, people)
            derive_internal(con, settings)
    return summary


def _known_aliases(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return dict(con.execute("SELECT alias_id, person_id FROM person_aliases").fetchall())


def _mark_leavers(con: duckdb.DuckDBPyConnection, people: set[str]) -> None:
    """The directory is a full snapshot: whoever is not in it has left."""
    con.register("_in_directory", pd.DataFrame({"author_id": sorted(people)}))
    con.execute(
        "UPDATE authors SET in_directory = false WHERE scope = 'internal' "
        "AND in_directory AND author_id NOT IN "
        "(SELECT author_id FROM _in_directory)"
    )
    con.unregister("_in_directory")


def _absorb(batch: ImportBatch, summary: ImportSummary) -> None:
    for problem in batch.problems:
        log.info(problem)
    summary.problems.extend(batch.problems)
    summary.skipped.update(batch.skipped)
