"""The generic CSV export, and the message shape every employee-network importer produces.

The format (documented in ``docs/csv-import-format.md``) is for platforms without an importer
of their own, as a file or a folder or zip of files: one row per message with ``message_id``,
``channel``, ``author``, ``created_at`` and ``text``, and optionally ``parent_id``,
``thread_id``, ``platform``, ``channel_type``, ``reactions`` and ``mentions``. A file without
the required columns is one problem and loads nothing; a bad row is one problem naming its
row and the rest loads.

Teams and Viva Engage map their exports onto the same shape (one row per message, already
pseudonymised), so the helpers here are shared: ``build_rows`` is the one place that turns
messages and edges into posts, interactions and authors; ``read_csv_chunks`` reads big CSV
files a chunk at a time and turns what the parser skips into problems; ``scrub_names`` keeps
display names out of message text.
"""

from __future__ import annotations

import json
import re
import warnings
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd

from collectors.exports.archive import DamagedMember, open_export
from collectors.exports.base import ImportBatch, ImportContext, importer

REQUIRED = ("message_id", "channel", "author", "created_at", "text")
OPTIONAL = ("parent_id", "thread_id", "platform", "channel_type", "reactions", "mentions")
DEFAULT_PLATFORM = "csv"
CHUNK_ROWS = 50_000
PLATFORM_NAME = r"[a-z0-9_]+"
REPLACEMENT = "\ufffd"  # what undecodable bytes become; the row that holds one is reported
UTC_SUFFIX = r"\s*(?:UTC|GMT)$"


# --- Shared by the Teams, Viva Engage and CSV importers ------------------------------------


class Pseudonyms:
    """``context.person`` memoised: a big export names the same few thousand people millions
    of times, and each pseudonym is an HMAC."""

    def __init__(self, context: ImportContext) -> None:
        self.context = context
        self.known: dict[tuple[str, str, str], str | None] = {}

    def of(
        self, email: str | None = None, user_id: str | None = None, platform: str = ""
    ) -> str | None:
        """The pseudonym of an email (preferred) or a platform user id; None for nobody."""
        key = (email or "", user_id or "", platform)
        if key not in self.known:
            self.known[key] = self.context.person(email=email, user_id=user_id, platform=platform)
        return self.known[key]

    def of_value(self, value: str | None, platform: str) -> str | None:
        """An ``author`` cell: an email when it has an @, else the platform's user id."""
        if value is None or not str(value).strip():
            return None
        value = str(value).strip()
        return self.of(email=value) if "@" in value else self.of(user_id=value, platform=platform)

    def series(self, emails: pd.Series, ids: pd.Series, platform: str) -> pd.Series:
        """Pseudonyms of a column of emails, falling back to a column of ids, by unique pair."""
        pairs = pd.DataFrame({"email": emails.fillna(""), "id": ids.fillna("")})
        unique = pairs.drop_duplicates()
        lookup = {
            (e, i): self.of(email=e or None, user_id=i or None, platform=platform)
            for e, i in zip(unique["email"], unique["id"], strict=True)
        }
        return pd.Series(
            [lookup[p] for p in zip(pairs["email"], pairs["id"], strict=True)],
            index=emails.index,
            dtype=object,
        )


def parse_times(values: pd.Series) -> pd.Series:
    """ISO 8601 timestamps (``Z``, an offset, or a trailing ``UTC``) as naive UTC; NaT where a
    value is not one, so the caller can report the record."""
    text = values.astype("string").str.strip().str.replace(UTC_SUFFIX, "+00:00", regex=True)
    parsed = pd.to_datetime(text, utc=True, errors="coerce", format="ISO8601")
    return parsed.dt.tz_convert(None).astype("datetime64[us]")


def names_pattern(names: Iterable[str]) -> re.Pattern | None:
    """One regex matching any of ``names`` (full names of two words or more), built as a trie
    so that it stays fast with a whole network's names; group 1 is an optional ``@``."""
    trie: dict = {}
    for name in {_name_key(n) for n in names if isinstance(n, str)}:
        if " " not in name:
            continue  # a one-word name is too often an ordinary word
        node = trie
        for char in name:
            node = node.setdefault(char, {})
        node[""] = {}
    if not trie:
        return None
    return re.compile(r"(?<!\w)(@?)(" + _trie_regex(trie) + r")(?!\w)", re.IGNORECASE)


def scrub_names(texts: pd.Series, names: dict[str, str]) -> pd.Series:
    """Display names in message text replaced by the person's pseudonym (``@Ana Silva`` becomes
    ``@emp_...``): a plain-text export writes mentions as names, and names are identities."""
    lookup = {_name_key(name): person for name, person in names.items() if person}
    pattern = names_pattern(lookup)
    if pattern is None or texts.empty:
        return texts
    return texts.str.replace(
        pattern, lambda m: m.group(1) + lookup.get(_name_key(m.group(2)), "[name]"), regex=True
    )


def name_mentions(texts: pd.Series, names: dict[str, str]) -> pd.DataFrame:
    """``@Full Name`` mentions in text: the row index of the message and the pseudonym named."""
    lookup = {_name_key(name): person for name, person in names.items() if person}
    pattern = names_pattern(lookup)
    if pattern is None or texts.empty:
        return pd.DataFrame({"row": pd.Series(dtype=object), "target_id": pd.Series(dtype=object)})
    found = texts.str.extractall(pattern)
    found = found[found[0] == "@"]
    return pd.DataFrame(
        {
            "row": found.index.get_level_values(0),
            "target_id": [lookup.get(_name_key(n)) for n in found[1]],
        }
    )


def read_csv_chunks(
    source: Path | IO[bytes],
    name: str,
    chunk_rows: int = CHUNK_ROWS,
) -> Iterator[tuple[pd.DataFrame, list[str]]]:
    """The CSV as string columns (header names stripped and lower-cased), ``chunk_rows`` rows at
    a time, with the problems met in each chunk: a line with the wrong number of fields is
    skipped and reported, undecodable bytes become U+FFFD (the caller reports the row), and a
    file the parser cannot go on with ends with one problem after what it did read."""
    try:
        reader = pd.read_csv(
            source,
            dtype=str,
            keep_default_na=False,
            encoding="utf-8-sig",
            encoding_errors="replace",
            on_bad_lines="warn",
            chunksize=chunk_rows,
            skipinitialspace=False,
            index_col=False,
        )
    except pd.errors.EmptyDataError:
        yield pd.DataFrame(), [f"{name}: empty file, no header"]
        return
    except (pd.errors.ParserError, ValueError, OSError) as error:
        yield pd.DataFrame(), [f"{name}: cannot read: {_first_line(error)}"]
        return
    with reader:
        while True:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", pd.errors.ParserWarning)
                try:
                    chunk = next(reader)
                except StopIteration:
                    return
                except (pd.errors.ParserError, ValueError, OSError) as error:
                    yield pd.DataFrame(), [f"{name}: cannot read further: {_first_line(error)}"]
                    return
            problems = [
                f"{name}: {_skipped_line(w.message)}"
                for w in caught
                if issubclass(w.category, pd.errors.ParserWarning)
            ]
            chunk.columns = [str(c).strip().lower() for c in chunk.columns]
            yield chunk, problems


def undecodable(frame: pd.DataFrame) -> pd.Series:
    """Rows holding bytes that were not UTF-8 (decoded as U+FFFD)."""
    if frame.empty:
        return pd.Series(False, index=frame.index)
    return frame.apply(lambda c: c.str.contains(REPLACEMENT, regex=False)).any(axis=1)


def row_problems(name: str, reasons: pd.Series) -> list[str]:
    """One line per bad row: ``file: row N: reason``, the header being row 1."""
    bad = reasons[reasons != ""]
    return [f"{name}: row {int(i) + 2}: {reason}" for i, reason in bad.items()]


def raw_json(frame: pd.DataFrame) -> list[str]:
    """One JSON document per row of an already pseudonymised frame, for ``posts.raw``."""
    if frame.empty:
        return []
    return frame.to_json(orient="records", lines=True, date_format="iso").split("\n")[: len(frame)]


def build_rows(
    messages: pd.DataFrame, edges: pd.DataFrame | None = None, channels: pd.DataFrame | None = None
) -> dict[str, pd.DataFrame]:
    """Warehouse rows from pseudonymised messages, the one place every importer shares.

    ``messages``: platform, native_id, channel_id, author_id, created_at, text, parent_native,
    thread_native (native ids or None) and raw. ``edges``: kind (reaction, mention), platform,
    native_id, actor_id, target_id, detail, created_at. Post ids are ``platform:native_id``;
    a message with a parent is a reply; a thread defaults to the parent, else the message.
    Edges between a person and themself are dropped, as the runner does for replies.
    """
    rows: dict[str, pd.DataFrame] = {}
    if channels is not None and not channels.empty:
        rows["channels"] = channels.drop_duplicates("channel_id", keep="last").assign(
            scope="internal"
        )
    if messages.empty:
        return rows
    messages = messages.astype(
        {
            c: "string"
            for c in (
                "platform",
                "native_id",
                "channel_id",
                "author_id",
                "text",
                "parent_native",
                "thread_native",
                "raw",
            )
        }
    )
    prefix = messages["platform"] + ":"
    parent, thread = prefix + messages["parent_native"], prefix + messages["thread_native"]
    post_id = prefix + messages["native_id"]
    rows["posts"] = pd.DataFrame(
        {
            "post_id": post_id,
            "platform": messages["platform"],
            "native_id": messages["native_id"],
            "channel_id": messages["channel_id"],
            "author_id": messages["author_id"],
            "created_at": messages["created_at"],
            "text": messages["text"].fillna(""),
            "parent_id": parent,
            "thread_id": thread.fillna(parent).fillna(post_id),
            "kind": np.where(parent.notna(), "reply", "post"),
            "raw": messages["raw"],
            "collected_at": pd.Timestamp.now("UTC").tz_localize(None),
        }
    )
    people = [messages["author_id"]]
    if edges is not None and not edges.empty:
        rows["interactions"] = _edges(edges)
        people += [rows["interactions"]["actor_id"], rows["interactions"]["target_id"]]
    authors = pd.concat(people, ignore_index=True).dropna().drop_duplicates()
    rows["authors"] = pd.DataFrame({"author_id": authors.to_numpy(dtype=object)})
    return rows


def clean_strings(values: pd.Series) -> pd.Series:
    """Text the warehouse can store: lone surrogates (from ``\\ud800`` escapes in JSON)
    replaced, since DuckDB accepts only valid UTF-8."""
    return values.str.encode("utf-8", "replace").str.decode("utf-8")


def _edges(edges: pd.DataFrame) -> pd.DataFrame:
    edges = edges.astype(
        {c: "string" for c in ("kind", "platform", "native_id", "actor_id", "target_id", "detail")}
    )
    edges = edges.dropna(subset=["actor_id", "target_id"])
    edges = edges[edges["actor_id"] != edges["target_id"]]
    frame = pd.DataFrame(
        {
            "kind": edges["kind"],
            "post_id": edges["platform"] + ":" + edges["native_id"],
            "actor_id": edges["actor_id"],
            "target_id": edges["target_id"],
            "detail": edges["detail"].fillna(""),
            "platform": edges["platform"],
            "created_at": edges["created_at"],
        }
    )
    return frame.drop_duplicates(["kind", "post_id", "actor_id", "target_id", "detail"])


def _name_key(name: str) -> str:
    return " ".join(name.casefold().split())


def _trie_regex(node: dict) -> str:
    branches = [
        (r"\s+" if char == " " else re.escape(char)) + _trie_regex(node[char])
        for char in sorted(c for c in node if c)
    ]
    if not branches:
        return ""
    group = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{group})?" if "" in node else group


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def _skipped_line(message: Warning | str) -> str:
    text = _first_line(Exception(str(message)))
    match = re.search(r"line (\d+): (.*)", text, re.IGNORECASE)
    return f"line {match.group(1)}: {match.group(2)}; skipped" if match else text


# --- The generic CSV importer -----------------------------------------------------------------


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
