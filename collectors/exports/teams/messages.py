"""One file of Graph chatMessages read into pseudonymised message and edge rows.

System events, deleted messages and messages from applications or devices are skipped and
counted; an unknown ``messageType`` is a problem naming the file and the message. Mention tags
(``<at id="0">Ana Silva</at>``) become ``@<pseudonym>``, and any display name the file shows is
scrubbed from the text.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any

import pandas as pd

from collectors.exports.names import scrub_names
from collectors.exports.pseudonyms import Pseudonyms
from collectors.exports.rows import build_rows, clean_strings
from collectors.exports.teams.graph import (
    PLATFORM,
    REPLACEMENT,
    as_id,
    as_list,
    as_string,
    value_at,
)
from collectors.exports.timestamps import parse_times
from collectors.rss import html_to_text
from socialpulse.privacy import pseudonymise

SKIPPED_TYPES = {"systemEventMessage": "system event", "chatEvent": "system event"}
AT_TAG = re.compile(r"<at\b[^>]*?\bid\s*=\s*[\"']?(\d+)[\"']?[^>]*>.*?</at\s*>", re.I | re.S)


class FileReader:
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
        message_id = as_id(item.get("id"))
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
        channel = as_id(value_at(item, "channelIdentity", "channelId"))
        chat = as_id(item.get("chatId"))
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
        user_id = as_id(value_at(user, "id"))
        if not user_id:
            return None
        person = self.pseudonyms.of(user_id=user_id, platform=PLATFORM)
        name = value_at(user, "displayName")
        if isinstance(name, str) and name.strip():
            self.names[name] = person
        return person

    def _message(self, item: dict, message_id: str, conversation: tuple[str, bool]) -> None:
        key, is_chat = conversation
        self.conversations[key] = is_chat
        author = self._person(value_at(item, "from", "user"))
        mentions = self._mentions(item)
        native = f"{key}:{message_id}"
        reply_to = as_id(item.get("replyToId"))
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
                "created": as_string(item.get("createdDateTime")),
                "text": _text(item, mentions),
                "parent_native": f"{key}:{reply_to}" if reply_to else None,
                "thread_native": f"{key}:{reply_to}" if reply_to else None,
                "raw": _raw(item, author, key, is_chat, mentions, reactions),
            }
        )

    def _mentions(self, item: dict) -> dict[str, tuple[str | None, str]]:
        """Mention id -> (pseudonym when a person is mentioned, what the tag becomes)."""
        found = {}
        for mention in as_list(item.get("mentions")):
            mention_id = as_id(value_at(mention, "id"))
            if mention_id is None:
                continue
            person = self._person(value_at(mention, "mentioned", "user"))
            text = value_at(mention, "mentionText")
            if person and isinstance(text, str) and text.strip():
                self.names[text] = person
            found[mention_id] = (person, f"@{person}" if person else _non_person(mention))
        return found

    def _reactions(self, item: dict, native: str, author: str | None) -> list[dict]:
        reactions = []
        for reaction in as_list(item.get("reactions")):
            kind = value_at(reaction, "reactionType")
            person = self._person(value_at(reaction, "user", "user"))
            if not isinstance(kind, str) or not kind.strip() or person is None:
                continue
            created = as_string(value_at(reaction, "createdDateTime"))
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
    if as_id(value_at(sender, "user", "id")):
        return None
    if value_at(sender, "application") or value_at(sender, "device"):
        return "bot"
    return "no sender"


def _text(item: dict, mentions: dict[str, tuple[str | None, str]]) -> str:
    """Subject and body as plain text, each mention tag replaced by its pseudonym."""
    body = value_at(item, "body", "content")
    body = body if isinstance(body, str) else ""
    body = AT_TAG.sub(lambda m: mentions.get(m.group(1), (None, "@someone"))[1], body)
    if str(value_at(item, "body", "contentType")).lower() != "text":
        body = html_to_text(body)
    subject = item.get("subject")
    parts = [subject.strip() if isinstance(subject, str) else "", body.strip()]
    return "\n".join(p for p in parts if p)


def _non_person(mention: Any) -> str:
    """What a mention of a channel, team, tag or app becomes: its kind, not its name."""
    mentioned = value_at(mention, "mentioned")
    conversation = value_at(mentioned, "conversation", "conversationIdentityType")
    if isinstance(conversation, str) and conversation.isalpha():
        return f"@{conversation}"
    for kind in ("tag", "application"):
        if value_at(mentioned, kind):
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
        "id": as_id(item.get("id")),
        "replyToId": as_id(item.get("replyToId")),
        "messageType": "message",
        "createdDateTime": as_string(item.get("createdDateTime")),
        "lastModifiedDateTime": as_string(item.get("lastModifiedDateTime")),
        "importance": as_string(item.get("importance")),
        "from": author,
        "contentType": as_string(value_at(item, "body", "contentType")),
        "mentions": [{"id": i, "mentioned": p or tag} for i, (p, tag) in mentions.items()],
        "reactions": reactions,
        "attachments": len(as_list(item.get("attachments"))),
    }
    if is_chat:
        raw["chatId"] = key
    else:
        raw["channelIdentity"] = {
            "teamId": as_id(value_at(item, "channelIdentity", "teamId")),
            "channelId": key,
        }
    return json.dumps(raw, ensure_ascii=False)
