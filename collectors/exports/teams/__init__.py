"""Microsoft Teams: channel and chat messages in the Microsoft Graph ``chatMessage`` shape.

What ``GET /teams/{id}/channels/{id}/messages`` (and ``/replies``) and ``GET /chats/{id}/messages``
return, as saved by export tools: a JSON file, or a folder or zip of them (read in place by
``archive``), each a list of chatMessage objects or a Graph page (``{"@odata.context": ...,
"value": [...], "@odata.nextLink": ...}``). A ``channels.json`` (the ``/teams/{id}/channels``
page) names channels and marks private ones.

- Teams names people by Azure AD object id, never by email, so the pseudonym is the id's (the
  directory's ``teams_id`` column maps it to the person).
- Mention tags (``<at id="0">Ana Silva</at>``) become ``@<pseudonym>``, and any display name
  the export shows is scrubbed from the text: a name is an identity.
- System events, deleted messages and messages from applications or devices are skipped and
  counted; an unknown ``messageType`` is a problem naming the file and the message.
- Message ids are millisecond timestamps, unique only within a channel or chat, so the native
  id is ``<conversation>:<message id>``. A chat's id is hashed because a one-to-one chat id is
  made of the two people's Azure AD ids; chats are restricted to their participants.
- A truncated file keeps the messages before the break.

``graph`` reads the files and their values, ``messages`` turns one file into rows, ``channels``
names the channels and chats once every file has been read.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

import pandas as pd

from collectors.exports.archive import DamagedMember, ExportFiles, open_export
from collectors.exports.base import ImportBatch, ImportContext, importer
from collectors.exports.pseudonyms import Pseudonyms
from collectors.exports.rows import build_rows
from collectors.exports.teams.channels import Conversation, channel_names, channel_rows
from collectors.exports.teams.graph import (
    SingleFile,
    conversation_from_context,
    decode,
    records_in,
)
from collectors.exports.teams.messages import FileReader

METADATA_FILES = {"channels.json", "chats.json", "teams.json", "members.json", "users.json"}


@importer("teams")
def read_teams(path: Path, context: ImportContext) -> Iterator[ImportBatch]:
    """Import a Graph chatMessage JSON file, or a folder or zip of them, a batch per file; the
    channels come last, once every file has said which folder each channel lives in."""
    if path.is_file() and not zipfile.is_zipfile(path):
        yield from _read_export(SingleFile(path), Pseudonyms(context))
        return
    with open_export(path) as export:
        yield from _read_export(export, Pseudonyms(context))


def _read_export(
    export: ExportFiles | SingleFile,
    pseudonyms: Pseudonyms,
) -> Iterator[ImportBatch]:
    files = [
        n
        for n in export.names()
        if n.lower().endswith(".json") and not PurePosixPath(n).name.startswith(".")
    ]
    if not files:
        yield ImportBatch(problems=[f"{export.label}: no JSON files"])
        return
    problems: list[str] = []
    named = channel_names(export, [n for n in files if _base(n) == "channels.json"], problems)
    conversations: dict[str, Conversation] = {}
    for name in files:
        if _base(name) in METADATA_FILES:
            continue
        try:
            data = export.read_bytes(name)
        except DamagedMember as error:
            yield ImportBatch(problems=[str(error)])
            continue
        folder = str(PurePosixPath(name).parent)
        yield read_messages_file(data, name, folder, pseudonyms, conversations)
    channels = channel_rows(conversations, named)
    yield ImportBatch(rows=build_rows(pd.DataFrame(), channels=channels), problems=problems)


def read_messages_file(
    data: bytes,
    name: str,
    folder: str,
    pseudonyms: Pseudonyms,
    conversations: dict[str, Conversation],
) -> ImportBatch:
    """One file of chatMessages: decoded, parsed (what precedes a break is kept), each message
    checked and pseudonymised, then turned into rows in one go."""
    text, bad_byte = decode(data)
    items, context_url, problem = records_in(text, name)
    problems = [problem] if problem else []
    fallback = conversation_from_context(context_url)
    reader = FileReader(name, pseudonyms, fallback, damaged=bad_byte is not None)
    for number, item in enumerate(items, start=1):
        reader.read(number, item)
    if bad_byte is not None and not reader.undecodable:
        problems.append(f"{name}: byte {bad_byte} is not UTF-8 (outside any message)")
    for key, is_chat in reader.conversations.items():
        conversations.setdefault(key, Conversation(is_chat)).folders.add(folder)
    rows, more = reader.rows()
    return ImportBatch(
        rows=rows, problems=problems + reader.problems + more, skipped=reader.skipped
    )


def _base(name: str) -> str:
    return PurePosixPath(name).name.lower()
