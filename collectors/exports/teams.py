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
"""

from __future__ import annotations

import codecs
import json
import re
import zipfile
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote

import pandas as pd

from collectors.exports.archive import DamagedMember, ExportFiles, open_export
from collectors.exports.base import ImportBatch, ImportContext, importer
from collectors.exports.json_salvage import list_body, records_before_damage
from collectors.exports.names import scrub_names
from collectors.exports.pseudonyms import Pseudonyms
from collectors.exports.rows import build_rows, clean_strings
from collectors.exports.timestamps import parse_times
from collectors.rss import html_to_text
from socialpulse.privacy import pseudonymise

PLATFORM = "teams"
METADATA_FILES = {"channels.json", "chats.json", "teams.json", "members.json", "users.json"}
SKIPPED_TYPES = {"systemEventMessage": "system event", "chatEvent": "system event"}
PRIVATE_CHANNELS = {"private", "shared"}
AT_TAG = re.compile(r"<at\b[^>]*?\bid\s*=\s*[\"']?(\d+)[\"']?[^>]*>.*?</at\s*>", re.I | re.S)
CONTEXT_CONVERSATION = re.compile(r"\b(channels|chats)\('([^']+)'\)")
VALUE_ARRAY = re.compile(r'"value"\s*:\s*\[')
REPLACEMENT = "\ufffd"


@dataclass
class Conversation:
    """A channel or chat seen in the export: where its messages came from, what it is called."""

    is_chat: bool
    folders: set[str] = field(default_factory=set)
    name: str | None = None
    private: bool = False


@importer("teams")
def read_teams(path: Path, context: ImportContext) -> Iterator[ImportBatch]:
    """Import a Graph chatMessage JSON file, or a folder or zip of them, a batch per file; the
    channels come last, once every file has said which folder each channel lives in."""
    if path.is_file() and not zipfile.is_zipfile(path):
        yield from _read_export(_SingleFile(path), Pseudonyms(context))
        return
    with open_export(path) as export:
        yield from _read_export(export, Pseudonyms(context))


def _read_export(
    export: ExportFiles | _SingleFile,
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
    named = _channel_names(export, [n for n in files if _base(n) == "channels.json"], problems)
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
    channels = _channels(conversations, named)
    yield ImportBatch(rows=build_rows(pd.DataFrame(), channels=channels), problems=problems)


class _SingleFile:
    """One JSON file given on its own, read like an export of one file."""

    def __init__(self, path: Path) -> None:
        self.path, self.label = path, path.name

    def names(self) -> list[str]:
        return [self.path.name]

    def read_bytes(self, name: str) -> bytes:
        return self.path.read_bytes()


def read_messages_file(
    data: bytes,
    name: str,
    folder: str,
    pseudonyms: Pseudonyms,
    conversations: dict[str, Conversation],
) -> ImportBatch:
    """One file of chatMessages: decoded, parsed (what precedes a break is kept), each message
    checked and pseudonymised, then turned into rows in one go."""
    text, bad_byte = _decode(data)
    items, context_url, problem = _items(text, name)
    problems = [problem] if problem else []
    fallback = _conversation_from_context(context_url)
    reader = _FileReader(name, pseudonyms, fallback, damaged=bad_byte is not None)
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


class _FileReader:
    """Collects the messages of one file as plain rows; the frames are built at the end."""

    def __init__(
        self,
        name: str,
        pseudonyms: Pseudonyms,
        fallback: tuple[str, str] | None,
        damaged: bool = False,
    ):
        self.name, self.pseudonyms, self.fallback = name, pseudonyms, fallback
        self.damaged, self.undecodable = damaged, 0
        self.messages: list[dict] = []
        self.edges: list[dict] = []
        self.names: dict[str, str] = {}
        self.conversations: dict[str, bool] = {}
        self.problems: list[str] = []
        self.skipped: Counter = Counter()

    def read(self, number: int, item: Any) -> None:
        if not isinstance(item, dict):
            self.problems.append(f"{self.name}: record {number}: not a chatMessage object")
            return
        message_id = _id(item.get("id"))
        label = f"message {message_id}" if message_id else f"record {number}"
        reason = _problem(item, message_id)
        if reason is None and self.damaged and REPLACEMENT in json.dumps(item, ensure_ascii=False):
            self.undecodable += 1
            reason = "bytes that are not UTF-8"
        if reason:
            self.problems.append(f"{self.name}: {label}: {reason}")
            return
        skip = _skip_kind(item)
        if skip:
            self.skipped[skip] += 1
            return
        conversation = self._conversation(item)
        if conversation is None:
            self.problems.append(f"{self.name}: {label}: no channelIdentity or chatId")
            return
        self._message(item, message_id, conversation)

    def _conversation(self, item: dict) -> tuple[str, bool] | None:
        channel = _id(_get(item, "channelIdentity", "channelId"))
        chat = _id(item.get("chatId"))
        if channel:
            return channel, False
        if chat:
            return self._chat_key(chat), True
        if self.fallback:
            kind, value = self.fallback
            return (value, False) if kind == "channels" else (self._chat_key(value), True)
        return None

    def _chat_key(self, chat_id: str) -> str:
        return "chat_" + pseudonymise(f"teams-chat:{chat_id}", self.pseudonyms.context.key)[4:]

    def _person(self, user: Any) -> str | None:
        """The pseudonym of a Graph identity ``{id, displayName}``; its name is remembered so it
        can be scrubbed from text, then forgotten with the file."""
        user_id = _id(_get(user, "id"))
        if not user_id:
            return None
        person = self.pseudonyms.of(user_id=user_id, platform=PLATFORM)
        name = _get(user, "displayName")
        if isinstance(name, str) and name.strip():
            self.names[name] = person
        return person

    def _message(self, item: dict, message_id: str, conversation: tuple[str, bool]) -> None:
        key, is_chat = conversation
        self.conversations[key] = is_chat
        author = self._person(_get(item, "from", "user"))
        mentions = self._mentions(item)
        native = f"{key}:{message_id}"
        reply_to = _id(item.get("replyToId"))
        reactions = self._reactions(item, native, author)
        self.edges += [
            {
                "kind": "mention",
                "native_id": native,
                "actor_id": author,
                "target_id": person,
                "detail": "",
                "created": None,
            }
            for person in {p for p, _ in mentions.values() if p}
        ]
        self.messages.append(
            {
                "native_id": native,
                "channel_id": f"{PLATFORM}:{key}",
                "author_id": author,
                "created": _string(item.get("createdDateTime")),
                "text": _text(item, mentions),
                "parent_native": f"{key}:{reply_to}" if reply_to else None,
                "thread_native": f"{key}:{reply_to}" if reply_to else None,
                "raw": _raw(item, author, key, is_chat, mentions, reactions),
            }
        )

    def _mentions(self, item: dict) -> dict[str, tuple[str | None, str]]:
        """Mention id -> (pseudonym when a person is mentioned, what the tag becomes)."""
        found = {}
        for mention in _list(item.get("mentions")):
            mention_id = _id(_get(mention, "id"))
            if mention_id is None:
                continue
            person = self._person(_get(mention, "mentioned", "user"))
            text = _get(mention, "mentionText")
            if person and isinstance(text, str) and text.strip():
                self.names[text] = person
            found[mention_id] = (person, f"@{person}" if person else _non_person(mention))
        return found

    def _reactions(self, item: dict, native: str, author: str | None) -> list[dict]:
        reactions = []
        for reaction in _list(item.get("reactions")):
            kind = _get(reaction, "reactionType")
            person = self._person(_get(reaction, "user", "user"))
            if not isinstance(kind, str) or not kind.strip() or person is None:
                continue
            created = _string(_get(reaction, "createdDateTime"))
            reactions.append({"reactionType": kind, "user": person, "createdDateTime": created})
            self.edges.append(
                {
                    "kind": "reaction",
                    "native_id": native,
                    "actor_id": person,
                    "target_id": author,
                    "detail": kind,
                    "created": created,
                }
            )
        return reactions

    def rows(self) -> tuple[dict[str, pd.DataFrame], list[str]]:
        """The file's rows, times parsed in one go; a message whose time cannot be read is a
        problem and takes its edges with it."""
        if not self.messages:
            return {}, []
        messages = pd.DataFrame(self.messages).assign(platform=PLATFORM)
        messages["created_at"] = parse_times(messages.pop("created"))
        unreadable = messages["created_at"].isna()
        problems = [
            f"{self.name}: message {n.split(':')[-1]}: createdDateTime is not a date"
            for n in messages.loc[unreadable, "native_id"]
        ]
        messages = messages[~unreadable]
        messages["text"] = clean_strings(scrub_names(messages["text"], self.names))
        messages["raw"] = clean_strings(messages["raw"])
        return build_rows(messages, self._edge_frame(messages)), problems

    def _edge_frame(self, messages: pd.DataFrame) -> pd.DataFrame:
        edges = pd.DataFrame(
            self.edges, columns=["kind", "native_id", "actor_id", "target_id", "detail", "created"]
        )
        posted = messages.drop_duplicates("native_id", keep="last")[["native_id", "created_at"]]
        edges = edges.merge(posted.rename(columns={"created_at": "posted_at"}), on="native_id")
        created = parse_times(edges.pop("created")).fillna(edges.pop("posted_at"))
        return edges.assign(created_at=created, platform=PLATFORM)


def _problem(item: dict, message_id: str | None) -> str | None:
    """Why a record is not a message we can read (None when it is)."""
    if message_id is None:
        return "no id"
    kind = item.get("messageType", "message")
    if kind != "message" and not (isinstance(kind, str) and kind in SKIPPED_TYPES):
        return f"unknown messageType {str(kind)[:40]!r}"
    return None


def _skip_kind(item: dict) -> str | None:
    """What kind of record is skipped on purpose: not a conversation between people."""
    kind = item.get("messageType", "message")
    if kind != "message":
        return SKIPPED_TYPES[kind]  # _problem let only known types through
    if item.get("deletedDateTime"):
        return "deleted"
    sender = item.get("from")
    if _id(_get(sender, "user", "id")):
        return None
    if _get(sender, "application") or _get(sender, "device"):
        return "bot"
    return "no sender"


def _text(item: dict, mentions: dict[str, tuple[str | None, str]]) -> str:
    """Subject and body as plain text, each mention tag replaced by its pseudonym."""
    body = _get(item, "body", "content")
    body = body if isinstance(body, str) else ""
    body = AT_TAG.sub(lambda m: mentions.get(m.group(1), (None, "@someone"))[1], body)
    if str(_get(item, "body", "contentType")).lower() != "text":
        body = html_to_text(body)
    subject = item.get("subject")
    parts = [subject.strip() if isinstance(subject, str) else "", body.strip()]
    return "\n".join(p for p in parts if p)


def _non_person(mention: Any) -> str:
    """What a mention of a channel, team, tag or app becomes: its kind, not its name."""
    mentioned = _get(mention, "mentioned")
    conversation = _get(mentioned, "conversation", "conversationIdentityType")
    if isinstance(conversation, str) and conversation.isalpha():
        return f"@{conversation}"
    for kind in ("tag", "application"):
        if _get(mentioned, kind):
            return f"@{kind}"
    return "@someone"


def _raw(
    item: dict,
    author: str | None,
    key: str,
    is_chat: bool,
    mentions: dict[str, tuple[str | None, str]],
    reactions: list[dict],
) -> str:
    """The message as Graph gave it, less everything that names someone: ids are pseudonyms,
    display names and the body are gone (the text is in ``posts.text``, masked)."""
    raw = {
        "id": _id(item.get("id")),
        "replyToId": _id(item.get("replyToId")),
        "messageType": "message",
        "createdDateTime": _string(item.get("createdDateTime")),
        "lastModifiedDateTime": _string(item.get("lastModifiedDateTime")),
        "importance": _string(item.get("importance")),
        "from": author,
        "contentType": _string(_get(item, "body", "contentType")),
        "mentions": [{"id": i, "mentioned": p or tag} for i, (p, tag) in mentions.items()],
        "reactions": reactions,
        "attachments": len(_list(item.get("attachments"))),
    }
    if is_chat:
        raw["chatId"] = key
    else:
        raw["channelIdentity"] = {
            "teamId": _id(_get(item, "channelIdentity", "teamId")),
            "channelId": key,
        }
    return json.dumps(raw, ensure_ascii=False)


def _decode(data: bytes) -> tuple[str, int | None]:
    """Graph JSON is UTF-8 (a BOM, or UTF-16 from a Windows tool, is accepted). Bytes that are
    not become U+FFFD so the rest of the file still parses; the offset of the first is returned
    and the messages holding them are reported, not loaded."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = data.decode("utf-16", errors="replace")
        return text, (text.index(REPLACEMENT) if REPLACEMENT in text else None)
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as error:
        return data.decode("utf-8-sig", errors="replace"), error.start


def _items(text: str, name: str) -> tuple[list, str | None, str | None]:
    """The records of a file (a list, a Graph page, or one message) and the page's
    ``@odata.context``; a file that breaks off keeps the records before the break."""
    try:
        document = json.loads(text)
    except ValueError as error:
        items, context_url = _salvage(text)
        where = (
            f"line {error.lineno} column {error.colno}"
            if isinstance(error, json.JSONDecodeError)
            else "somewhere"
        )
        return (
            items,
            context_url,
            (
                f"{name}: not valid JSON at {where} (truncated?); "
                f"{len(items)} records before it read"
            ),
        )
    if isinstance(document, list):
        return document, None, None
    if isinstance(document, dict) and isinstance(document.get("value"), list):
        return document["value"], _string(document.get("@odata.context")), None
    if isinstance(document, dict) and "id" in document:
        return [document], None, None
    return [], None, f"{name}: neither a list of chatMessages nor a Graph page"


def _salvage(text: str) -> tuple[list, str | None]:
    """The complete records at the start of a broken list or page, decoded one at a time."""
    position = list_body(text)
    if position is None and (match := VALUE_ARRAY.search(text)):
        position = match.end()
    if position is None:
        return [], None
    context = re.search(r'"@odata\.context"\s*:\s*"([^"]*)"', text[:position])
    items = records_before_damage(text, position, strict_commas=False)
    return items, context.group(1) if context else None


def _conversation_from_context(url: str | None) -> tuple[str, str] | None:
    """The channel or chat a Graph page is about, for messages that do not say."""
    matches = CONTEXT_CONVERSATION.findall(url or "")
    return (matches[-1][0], unquote(matches[-1][1])) if matches else None


def _channel_names(
    export: ExportFiles | _SingleFile,
    files: list[str],
    problems: list[str],
) -> dict[str, tuple[str, bool]]:
    """Channel id -> (display name, private) from ``channels.json`` files (Graph channel
    pages or lists)."""
    named = {}
    for file in files:
        try:
            text = _decode(export.read_bytes(file))[0]
        except DamagedMember as error:
            problems.append(str(error))
            continue
        items, _, problem = _items(text, file)
        problems += [problem] if problem else []
        for channel in items:
            channel_id, name = _id(_get(channel, "id")), _get(channel, "displayName")
            if channel_id and isinstance(name, str) and name.strip():
                private = str(_get(channel, "membershipType")).lower() in PRIVATE_CHANNELS
                named[channel_id] = (name.strip(), private)
    return named


def _channels(
    conversations: dict[str, Conversation],
    named: dict[str, tuple[str, bool]],
) -> pd.DataFrame:
    """A row per channel and chat. A channel's name comes from ``channels.json``, else from the
    folder its messages sit in when that folder holds that channel alone, else its id."""
    channels_per_folder: dict[str, set[str]] = defaultdict(set)
    for key, conversation in conversations.items():
        for folder in conversation.folders:
            channels_per_folder[folder].add(key)
    rows = []
    for key, conversation in conversations.items():
        name, private = named.get(key, (None, False))
        folders = conversation.folders
        if name is None and not conversation.is_chat and len(folders) == 1:
            folder = next(iter(folders))
            if folder != "." and channels_per_folder[folder] == {key}:
                name = Path(folder).name
        restricted = conversation.is_chat or private
        rows.append(
            {
                "channel_id": f"{PLATFORM}:{key}",
                "platform": PLATFORM,
                "name": name or key,
                "sensitivity": "restricted" if restricted else None,
                "restricted_to": ("participants" if conversation.is_chat else "members")
                if restricted
                else None,
            }
        )
    return pd.DataFrame(
        rows, columns=["channel_id", "platform", "name", "sensitivity", "restricted_to"]
    )


def _base(name: str) -> str:
    return PurePosixPath(name).name.lower()


def _get(value: Any, *keys: str) -> Any:
    """``value[k1][k2]...`` or None wherever the shape is not what Graph documents."""
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _id(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    value = str(value).strip()
    return value or None


def _string(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []
