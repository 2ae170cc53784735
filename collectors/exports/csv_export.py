"""The generic CSV export, for platforms without an importer of their own.

The format (documented in ``docs/csv-import-format.md``) is a file or a folder or zip of files:
one row per message with ``message_id``, ``channel``, ``author``, ``created_at`` and ``text``,
and optionally ``parent_id``, ``thread_id``, ``platform``, ``channel_type``, ``reactions`` and
``mentions``. A file without the required columns is one problem and loads nothing; a bad row
is one problem naming its row and the rest loads.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd

from collectors.exports.archive import DamagedMember, open_export
from collectors.exports.base import ImportBatch, ImportContext, importer
from collectors.exports.pseudonyms import Pseudonyms
from collectors.exports.rows import build_rows, raw_json
from collectors.exports.tabular import CHUNK_ROWS, read_csv_chunks, row_problems, undecodable
from collectors.exports.timestamps import parse_times

REQUIRED = ("message_id", "channel", "author", "created_at", "text")
OPTIONAL = ("parent_id", "thread_id", "platform", "channel_type", "reactions", "mentions")
DEFAULT_PLATFORM = "csv"
PLATFORM_NAME = r"[a-z0-9_]+"


@importer("csv")
def read_csv_export(path: Path, context: ImportContext) -> Iterator[ImportBatch]:
    """Import a CSV file, or every ``*.csv`` in a folder or zip, in the generic format."""
    pseudonyms = Pseudonyms(context)
    if path.is_file() and not zipfile.is_zipfile(path):
        yield from read_messages_csv(path, path.name, pseudonyms, CHUNK_ROWS)
        return
    with open_export(path) as export:
        files = [
            n
            for n in export.names()
            if n.lower().endswith(".csv") and not n.rsplit("/", 1)[-1].startswith(".")
        ]
        if not files:
            yield ImportBatch(problems=[f"{export.label}: no CSV files"])
        for name in files:
            try:
                with export.open(name) as handle:
                    yield from read_messages_csv(handle, name, pseudonyms, CHUNK_ROWS)
            except DamagedMember as error:
                yield ImportBatch(problems=[str(error)])


def read_messages_csv(
    source: Path | IO[bytes], name: str, pseudonyms: Pseudonyms, chunk_rows: int = CHUNK_ROWS
) -> Iterator[ImportBatch]:
    """One generic CSV file, a batch per chunk of rows."""
    for chunk, problems in read_csv_chunks(source, name, chunk_rows):
        if chunk.empty and not len(chunk.columns):
            yield ImportBatch(problems=problems)
            return
        missing = [c for c in REQUIRED if c not in chunk.columns]
        if missing:
            yield ImportBatch(
                problems=[
                    *problems,
                    f"{name}: missing column(s) "
                    f"{', '.join(missing)}; nothing loaded from this file",
                ]
            )
            return
        batch = _csv_batch(chunk, name, pseudonyms)
        batch.problems[:0] = problems
        yield batch


def _csv_batch(chunk: pd.DataFrame, name: str, pseudonyms: Pseudonyms) -> ImportBatch:
    table = chunk.copy()
    for column in OPTIONAL:
        if column not in table:
            table[column] = ""
    for column in (*REQUIRED, *OPTIONAL):
        table[column] = table[column].str.strip()
    table["platform"] = table["platform"].str.lower().replace("", DEFAULT_PLATFORM)
    table["channel_type"] = table["channel_type"].str.lower()
    table["created"] = parse_times(table["created_at"])
    table["reaction_list"] = table["reactions"].map(_parse_reactions)
    table["mention_list"] = table["mentions"].map(_parse_mentions)
    reasons = _reasons(table)
    good = table[reasons == ""]
    problems = row_problems(name, reasons)
    messages, edges = _csv_messages(good, pseudonyms)
    channels = _csv_channels(good)
    return ImportBatch(rows=build_rows(messages, edges, channels), problems=problems)


def _reasons(table: pd.DataFrame) -> pd.Series:
    """Why each row cannot be loaded ('' when it can), the first reason that applies."""
    checks = [
        (table["message_id"] == "", "no message_id"),
        (table["channel"] == "", "no channel"),
        (table["author"] == "", "no author"),
        (table["created"].isna(), "created_at is not an ISO 8601 date and time"),
        (
            ~table["platform"].str.fullmatch(PLATFORM_NAME),
            "platform must be lower-case letters, digits or _",
        ),
        (
            ~table["channel_type"].isin(["", "public", "private"]),
            "channel_type must be public or private",
        ),
        (table["reaction_list"].isna(), "reactions are neither type:person;... nor a JSON list"),
        (table["mention_list"].isna(), "mentions are neither person;... nor a JSON list"),
        (undecodable(table[list(REQUIRED + OPTIONAL)]), "bytes that are not UTF-8"),
    ]
    conditions = [condition.fillna(True).to_numpy(dtype=bool) for condition, _ in checks]
    return pd.Series(
        np.select(conditions, [reason for _, reason in checks], default=""), index=table.index
    )


def _csv_messages(
    good: pd.DataFrame,
    pseudonyms: Pseudonyms,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    author = pd.Series(
        [pseudonyms.of_value(a, p) for a, p in zip(good["author"], good["platform"], strict=True)],
        index=good.index,
        dtype=object,
    )
    reactions = (
        good[["platform", "message_id", "created", "reaction_list"]]
        .explode("reaction_list")
        .dropna(subset=["reaction_list"])
    )
    reactions = reactions.assign(
        detail=reactions["reaction_list"].str[0],
        actor_id=[
            pseudonyms.of_value(r[1], p)
            for r, p in zip(reactions["reaction_list"], reactions["platform"], strict=True)
        ],
        target_id=author.reindex(reactions.index),
        kind="reaction",
    )
    mentions = (
        good[["platform", "message_id", "created", "mention_list"]]
        .explode("mention_list")
        .dropna(subset=["mention_list"])
    )
    mentions = mentions.assign(
        target_id=[
            pseudonyms.of_value(m, p)
            for m, p in zip(mentions["mention_list"], mentions["platform"], strict=True)
        ],
        actor_id=author.reindex(mentions.index),
        kind="mention",
        detail="",
    )
    edges = pd.concat([reactions, mentions], ignore_index=True).rename(
        columns={"message_id": "native_id", "created": "created_at"}
    )
    nullable = {c: good[c].replace("", None) for c in ("parent_id", "thread_id", "channel_type")}
    raw = pd.DataFrame(
        {
            "message_id": good["message_id"],
            "platform": good["platform"],
            "channel": good["channel"],
            "channel_type": nullable["channel_type"],
            "author": author,
            "created_at": good["created"],
            "parent_id": nullable["parent_id"],
            "thread_id": nullable["thread_id"],
            "reactions": _grouped(reactions, "reaction", lambda r: {"type": r[0], "user": r[1]}),
            "mentions": _grouped(mentions, "mention", None),
        },
        index=good.index,
    )
    messages = pd.DataFrame(
        {
            "platform": good["platform"],
            "native_id": good["message_id"],
            "channel_id": good["platform"] + ":" + good["channel"],
            "author_id": author,
            "created_at": good["created"],
            "text": good["text"],
            "parent_native": nullable["parent_id"],
            "thread_native": nullable["thread_id"],
            "raw": raw_json(raw),
        },
        index=good.index,
    )
    return messages, edges[
        ["kind", "platform", "native_id", "actor_id", "target_id", "detail", "created_at"]
    ]


def _grouped(exploded: pd.DataFrame, kind: str, shape) -> pd.Series:
    """The pseudonymised reactions or mentions of each row, as lists for the raw payload."""
    if exploded.empty:
        return pd.Series(dtype=object)
    people = exploded["actor_id"] if kind == "reaction" else exploded["target_id"]
    items = [
        {"type": r[0], "user": who} if kind == "reaction" else who
        for r, who in zip(exploded[f"{kind}_list"], people, strict=True)
    ]
    return pd.Series(items, index=exploded.index, dtype=object).groupby(level=0).agg(list)


def _csv_channels(good: pd.DataFrame) -> pd.DataFrame:
    channels = pd.DataFrame(
        {
            "channel_id": good["platform"] + ":" + good["channel"],
            "platform": good["platform"],
            "name": good["channel"],
            "private": good["channel_type"] == "private",
        }
    )
    channels = channels.groupby("channel_id", as_index=False).agg(
        platform=("platform", "first"), name=("name", "first"), private=("private", "any")
    )
    private = channels.pop("private").to_numpy(dtype=bool)
    return channels.assign(
        sensitivity=np.where(private, "restricted", None),
        restricted_to=np.where(private, "members", None),
    )


def _parse_reactions(cell: str) -> list[tuple[str, str]] | None:
    """``like:ana@x.com;heart:bo@x.com`` or a JSON list of ``{"type", "user"}`` objects (or
    ``[type, user]`` pairs); None when the cell is neither."""
    if not cell:
        return []
    if cell.startswith("["):
        items = _json_list(cell)
        if items is None:
            return None
        pairs = [
            (i.get("type"), i.get("user"))
            if isinstance(i, dict)
            else tuple(i)
            if isinstance(i, list) and len(i) == 2
            else (None, None)
            for i in items
        ]
    else:
        pairs = [
            tuple(part.split(":", 1)) if ":" in part else (None, None)
            for part in cell.split(";")
            if part.strip()
        ]
    pairs = [
        (t.strip(), u.strip()) if isinstance(t, str) and isinstance(u, str) else None
        for t, u in pairs
    ]
    return None if any(p is None or not all(p) for p in pairs) else pairs


def _parse_mentions(cell: str) -> list[str] | None:
    """``ana@x.com;U123`` or a JSON list of strings; None when the cell is neither."""
    if not cell:
        return []
    items = _json_list(cell) if cell.startswith("[") else cell.split(";")
    if items is None or not all(isinstance(i, str) for i in items):
        return None
    return [i.strip() for i in items if i.strip()]


def _json_list(cell: str) -> list | None:
    try:
        value = json.loads(cell)
    except ValueError:
        return None
    return value if isinstance(value, list) else None
