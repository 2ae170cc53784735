"""Viva Engage (Yammer): the network data export, a zip (or its unpacked folder) of CSV files.

``Messages.csv`` holds one row per message (id, replied_to_id, thread_id, conversation_id,
group_id, group_name, participants, in_private_group, in_private_conversation, sender_id,
sender_type, sender_name, sender_email, body, api_url, attachments, deleted_by_id,
deleted_by_type, created_at, deleted_at); ``Users.csv`` and ``Groups.csv`` describe people and
groups. Topics, files and admins are not read.

- The pseudonym is the sender's email (else Users.csv's email for the sender id, else the id),
  so Viva Engage people join the directory and other platforms. ``sender_name`` and Users.csv's
  names are never stored: ``[[user:ID]]`` references and ``@Full Name`` mentions become
  ``@<pseudonym>`` and mention edges, and other full names in a body become pseudonyms.
- A group is a channel (``viva_engage:<group_id>``, private groups restricted to members);
  messages outside any group are the All Company feed; a private conversation is a channel of
  its own, restricted to its participants.
- Deleted messages and messages from non-user senders are skipped and counted.
- Messages.csv is read in chunks, a batch each, so a network's whole history fits in memory;
  the zip is read in place by ``archive`` (no extraction, traversal and zip bombs refused), and
  a damaged member is one problem while the others load.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd

from collectors.exports.archive import DamagedMember, ExportFiles, open_export
from collectors.exports.base import ImportBatch, ImportContext, importer
from collectors.exports.names import name_mentions, scrub_names
from collectors.exports.pseudonyms import Pseudonyms
from collectors.exports.rows import build_rows, raw_json
from collectors.exports.tabular import CHUNK_ROWS, read_csv_chunks, row_problems, undecodable
from collectors.exports.timestamps import parse_times

PLATFORM = "viva_engage"
REQUIRED = ("id", "sender_id", "sender_email", "body", "created_at")
OPTIONAL = (
    "replied_to_id",
    "thread_id",
    "conversation_id",
    "group_id",
    "group_name",
    "participants",
    "in_private_group",
    "in_private_conversation",
    "sender_type",
    "sender_name",
    "attachments",
    "deleted_by_id",
    "deleted_at",
)
TRUE = {"true", "t", "yes", "y", "1"}
ALL_COMPANY = ("all-company", "All Company")
USER_REFERENCE = re.compile(r"\[\[user:(\d+)\]\]")


class _People:
    """Who is who in this export: Users.csv's emails and names by id, and pseudonyms."""

    def __init__(self, pseudonyms: Pseudonyms, users: pd.DataFrame) -> None:
        self.pseudonyms = pseudonyms
        self.email = dict(zip(users["id"], users["email"], strict=True))
        self.person = dict(
            zip(
                users["id"],
                pseudonyms.series(users["email"].replace("", None), users["id"], PLATFORM),
                strict=True,
            )
        )
        self.names = {
            name: self.person[i] for i, name in zip(users["id"], users["name"], strict=True) if name
        }

    def by_id(self, user_id: str) -> str | None:
        return self.person.get(user_id) or self.pseudonyms.of(user_id=user_id, platform=PLATFORM)

    def senders(self, emails: pd.Series, ids: pd.Series) -> pd.Series:
        emails = emails.where(emails != "", ids.map(self.email)).replace("", None)
        return self.pseudonyms.series(emails, ids.replace("", None), PLATFORM)


@importer("viva")
def read_viva(path: Path, context: ImportContext) -> Iterator[ImportBatch]:
    """Import a Viva Engage network data export (zip or folder); a batch for the groups, then
    one per chunk of Messages.csv."""
    pseudonyms = Pseudonyms(context)
    with open_export(path) as export:
        names = export.names()
        problems: list[str] = []
        users = _read_small(
            export, _named(names, "users.csv")[:1], ("id", "email", "name"), problems
        )
        groups = _read_small(
            export, _named(names, "groups.csv")[:1], ("id", "name", "private"), problems
        )
        people = _People(pseudonyms, users)
        yield ImportBatch(
            rows=build_rows(pd.DataFrame(), channels=_group_channels(groups)), problems=problems
        )
        messages = _named(names, "messages.csv")
        if not messages:
            yield ImportBatch(problems=[f"{path.name}: no Messages.csv in the export"])
        for name in messages:
            try:
                with export.open(name) as handle:
                    yield from read_messages(handle, name, people, groups, CHUNK_ROWS)
            except DamagedMember as error:
                yield ImportBatch(problems=[str(error)])


def _named(names: list[str], file_name: str) -> list[str]:
    """The export's files called ``file_name`` (any case, any folder), in name order."""
    return [n for n in names if n.rsplit("/", 1)[-1].lower() == file_name]


def read_messages(
    handle: IO[bytes],
    name: str,
    people: _People,
    groups: pd.DataFrame,
    chunk_rows: int = CHUNK_ROWS,
) -> Iterator[ImportBatch]:
    """Messages.csv, one batch per chunk; without its required columns, one problem."""
    group_names = dict(zip(groups["id"], groups["name"], strict=True))
    for chunk, problems in read_csv_chunks(handle, name, chunk_rows):
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
        batch = _message_batch(chunk, name, people, group_names)
        batch.problems[:0] = problems
        yield batch


def _message_batch(
    chunk: pd.DataFrame, name: str, people: _People, group_names: dict[str, str]
) -> ImportBatch:
    table = chunk.copy()
    for column in OPTIONAL:
        if column not in table:
            table[column] = ""
    table = table[list(REQUIRED + OPTIONAL)].apply(lambda c: c.str.strip())
    skip, skipped = _skipped(table)
    table = table[skip == ""]
    table["created"] = parse_times(table["created_at"])
    reasons = pd.Series(
        np.select(
            [
                (table["id"] == "").to_numpy(),
                table["created"].isna().to_numpy(),
                undecodable(table[list(REQUIRED + OPTIONAL)]).to_numpy(dtype=bool),
            ],
            ["no id", "created_at is not a date and time", "bytes that are not UTF-8"],
            default="",
        ),
        index=table.index,
    )
    good = table[reasons == ""]
    messages, edges, channels = _rows(good, people, group_names)
    return ImportBatch(
        rows=build_rows(messages, edges, channels),
        problems=row_problems(name, reasons),
        skipped=skipped,
    )


def _skipped(table: pd.DataFrame) -> tuple[pd.Series, Counter]:
    """Why a row is skipped on purpose ('' when it is not): deleted, or not from a person."""
    sender_type = table["sender_type"].str.lower()
    kind = pd.Series(
        np.select(
            [
                ((table["deleted_at"] != "") | (table["deleted_by_id"] != "")).to_numpy(),
                (~sender_type.isin(["", "user"])).to_numpy(),
                ((table["sender_email"] == "") & (table["sender_id"] == "")).to_numpy(),
            ],
            ["deleted", "bot", "no sender"],
            default="",
        ),
        index=table.index,
    )
    return kind, Counter(kind[kind != ""].tolist())


def _rows(
    good: pd.DataFrame,
    people: _People,
    group_names: dict[str, str],
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    author = people.senders(good["sender_email"], good["sender_id"])
    channel_key, channel_name, restricted_to = _channel_of(good, group_names)
    text, edges = _text_and_mentions(good, people, author)
    nullable = {c: good[c].replace("", None) for c in ("replied_to_id", "thread_id")}
    participants = good["participants"].map(
        lambda cell: [people.by_id(i) for i in re.findall(r"\d+", cell)]
    )
    raw = pd.DataFrame(
        {
            "id": good["id"],
            "replied_to_id": nullable["replied_to_id"],
            "thread_id": nullable["thread_id"],
            "conversation_id": good["conversation_id"],
            "group_id": good["group_id"].replace("", None),
            "channel": channel_key,
            "in_private_group": _flag(good["in_private_group"]),
            "in_private_conversation": _flag(good["in_private_conversation"]),
            "sender": author,
            "participants": participants,
            "attachments": good["attachments"].str.count(",") + (good["attachments"] != ""),
            "created_at": good["created"],
        }
    )
    messages = pd.DataFrame(
        {
            "platform": PLATFORM,
            "native_id": good["id"],
            "channel_id": PLATFORM + ":" + channel_key,
            "author_id": author,
            "created_at": good["created"],
            "text": text,
            "parent_native": nullable["replied_to_id"],
            "thread_native": nullable["thread_id"],
            "raw": raw_json(raw),
        },
        index=good.index,
    )
    edges = edges.assign(
        kind="mention",
        platform=PLATFORM,
        detail="",
        native_id=good["id"].reindex(edges["row"]).to_numpy(),
        actor_id=author.reindex(edges["row"]).to_numpy(),
        created_at=good["created"].reindex(edges["row"]).to_numpy(),
    )
    channels = pd.DataFrame(
        {
            "channel_id": PLATFORM + ":" + channel_key,
            "platform": PLATFORM,
            "name": channel_name,
            "sensitivity": np.where(restricted_to.notna(), "restricted", None),
            "restricted_to": restricted_to,
        }
    )
    return messages, edges, channels


def _channel_of(
    good: pd.DataFrame,
    group_names: dict[str, str],
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Each message's channel key, channel name and who it is restricted to (None: nobody)."""
    in_group = good["group_id"] != ""
    private = ~in_group & _flag(good["in_private_conversation"])
    conversation = good["conversation_id"].where(good["conversation_id"] != "", good["thread_id"])
    key = pd.Series(
        np.select(
            [in_group.to_numpy(), private.to_numpy()],
            [
                good["group_id"].to_numpy(dtype=object),
                ("conversation-" + conversation).to_numpy(dtype=object),
            ],
            default=ALL_COMPANY[0],
        ),
        index=good.index,
    )
    named = good["group_id"].map(group_names).fillna(good["group_name"].replace("", None))
    name = key.where(~in_group, named.fillna(key)).where(key != ALL_COMPANY[0], ALL_COMPANY[1])
    restricted_to = pd.Series(
        np.select(
            [private.to_numpy(), (in_group & _flag(good["in_private_group"])).to_numpy()],
            ["participants", "members"],
            default=None,
        ),
        index=good.index,
    )
    return key, name, restricted_to


def _text_and_mentions(
    good: pd.DataFrame,
    people: _People,
    author: pd.Series,
) -> tuple[pd.Series, pd.DataFrame]:
    """The body with people replaced by pseudonyms, and who it mentions (row, target)."""
    body = good["body"]
    references = body.str.extractall(USER_REFERENCE)
    by_reference = pd.DataFrame(
        {
            "row": references.index.get_level_values(0),
            "target_id": [people.by_id(i) for i in references[0]],
        }
    )
    body = body.str.replace(
        USER_REFERENCE, lambda m: "@" + (people.by_id(m.group(1)) or ""), regex=True
    )
    names = {
        **people.names,
        **{n: p for n, p in zip(good["sender_name"], author, strict=True) if n and p},
    }
    by_name = name_mentions(body, names)
    edges = pd.concat([by_reference, by_name], ignore_index=True)
    return scrub_names(body, names), edges


def _group_channels(groups: pd.DataFrame) -> pd.DataFrame:
    private = _flag(groups["private"])
    return pd.DataFrame(
        {
            "channel_id": PLATFORM + ":" + groups["id"],
            "platform": PLATFORM,
            "name": groups["name"].where(groups["name"] != "", groups["id"]),
            "sensitivity": np.where(private, "restricted", None),
            "restricted_to": np.where(private, "members", None),
        }
    )


def _read_small(
    export: ExportFiles, names: list[str], columns: tuple[str, ...], problems: list[str]
) -> pd.DataFrame:
    """Users.csv or Groups.csv whole (they are small), only ``columns``, rows without an id
    dropped; an absent or unreadable file is an empty table."""
    frames = []
    for name in names:
        try:
            with export.open(name) as handle:
                for chunk, more in read_csv_chunks(handle, name):
                    problems += more
                    frames.append(chunk)
        except DamagedMember as error:
            problems.append(str(error))
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    for column in columns:
        if column not in table:
            table[column] = ""
    table = table[list(columns)].astype("string").fillna("").apply(lambda c: c.str.strip())
    return table[table["id"] != ""].drop_duplicates("id", keep="last")


def _flag(values: pd.Series) -> pd.Series:
    return values.str.strip().str.lower().isin(TRUE)
