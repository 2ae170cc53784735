"""Kept Slack messages turned into post and interaction rows.

Privacy: ``<@U123>`` mentions become ``@<pseudonym>`` and full names from ``users.json``
written out in text become the pseudonym too (``scrub_names``); ``raw`` keeps a whitelist of
fields with ids replaced (``blocks``, ``attachments``, ``user_profile`` and file names are
dropped, as they repeat names and addresses).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from collectors.exports.names import scrub_names
from collectors.exports.slack.layout import Channel
from collectors.exports.slack.people import People
from collectors.exports.slack.records import PLATFORM, microseconds, reactions_of
from socialpulse.privacy import mask_contacts

LINK = re.compile(r"<([^<>\n]*)>")
POST_COLUMNS = [
    "post_id",
    "native_id",
    "channel_id",
    "author_id",
    "created_at",
    "text",
    "parent_id",
    "thread_id",
    "kind",
    "raw",
    "collected_at",
]


@dataclass
class Message:
    """A record kept as a message, held until its batch becomes rows."""

    channel: Channel
    ts: str
    user: str
    text: str
    thread_ts: str | None
    record: dict
    collected_at: datetime


class MessageRows:
    """Messages as rows: Slack's markup read, people pseudonymised, names scrubbed, contacts
    masked, and the edges (reactions, mentions) each message carries."""

    def __init__(self, people: People, channel_names: dict[str, str]) -> None:
        self.people = people
        self.channel_names = channel_names

    def build(self, messages: list[Message]) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Posts and edges of a batch; names are scrubbed and contacts masked over the whole
        batch at once, since the pattern of everyone's names is built once per call."""
        texts, authors, mentions, created = [], [], [], []
        for message in messages:
            author = self.people.of(message.user)
            text, mentioned = self.plain_text(message.text)
            texts.append(text)
            authors.append(author)
            mentions.append(mentioned)
            created.append(microseconds(message.ts))
        texts = scrub_names(pd.Series(texts, dtype=object), self.people.by_name())
        masked = mask_contacts(texts).tolist()
        post_rows, edge_rows = [], []
        for message, author, text, mentioned, micros in zip(
            messages, authors, masked, mentions, created, strict=True
        ):
            post_rows.append(self._post(message, author, text))
            edge_rows.extend(self._edges(message, author, mentioned, micros))
        posts = pd.DataFrame(post_rows, columns=POST_COLUMNS[:4] + POST_COLUMNS[5:])
        posts.insert(4, "created_at", pd.to_datetime(pd.Series(created, dtype="int64"), unit="us"))
        posts["platform"] = PLATFORM
        posts["language"] = pd.Series(None, index=posts.index, dtype="string")
        posts["collected_at"] = pd.to_datetime(posts["collected_at"])
        edges = pd.DataFrame(
            edge_rows, columns=["kind", "post_id", "actor_id", "target_id", "detail", "created_at"]
        )
        edges["created_at"] = pd.to_datetime(edges["created_at"].astype("int64"), unit="us")
        edges["platform"] = PLATFORM
        return posts, edges

    def _post(self, message: Message, author: str | None, text: str) -> tuple:
        cid = message.channel.id
        post_id = f"{PLATFORM}:{cid}:{message.ts}"
        is_reply = message.thread_ts is not None and message.thread_ts != message.ts
        parent = f"{PLATFORM}:{cid}:{message.thread_ts}" if is_reply else None
        raw = raw_payload(message.record, self.people, author, text)
        return (
            post_id,
            f"{cid}:{message.ts}",
            message.channel.channel_id,
            author,
            text,
            parent,
            parent or post_id,
            "reply" if is_reply else "post",
            raw,
            message.collected_at,
        )

    def _edges(
        self, message: Message, author: str | None, mentioned: list[str], micros: int
    ) -> Iterator[tuple]:
        """Reactions (each reacting person to the author, detail = emoji) and mentions (the
        author to each person named); nobody reacts to or mentions themselves here."""
        if author is None:
            return
        post_id = f"{PLATFORM}:{message.channel.id}:{message.ts}"
        for emoji, user in reactions_of(message.record):
            actor = self.people.of(user) if user not in self.people.bots else None
            if actor and actor != author:
                yield ("reaction", post_id, actor, author, emoji, micros)
        for target in dict.fromkeys(mentioned):
            if target != author:
                yield ("mention", post_id, author, target, "", micros)

    def plain_text(self, text: str) -> tuple[str, list[str]]:
        """Slack's markup as people read it: ``<@U1>`` becomes ``@<pseudonym>``, links their
        label, ``<mailto:...>`` the address (masked afterwards, since its label is often a
        name); returns the people mentioned too."""
        mentioned: list[str] = []
        if "<" in text:
            text = LINK.sub(lambda match: self._link(match.group(1), mentioned), text)
        if "&" in text:
            text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
        return text, mentioned

    def _link(self, inner: str, mentioned: list[str]) -> str:
        target, _, label = inner.partition("|")
        if target.startswith("@"):
            user = target[1:]
            person = self.people.of(user) if user not in self.people.bots else None
            if person:
                mentioned.append(person)
                return "@" + person
            return "@bot" if user else "@"
        if target.startswith("#"):
            return "#" + (label or self.channel_names.get(target[1:], "channel"))
        if target.startswith("!"):
            return label or "@" + target[1:].split("^", 1)[0]
        for scheme in ("mailto:", "tel:"):
            if target.startswith(scheme):
                return target[len(scheme) :]
        return label or target


SCALARS = {
    "type": str,
    "subtype": str,
    "ts": str,
    "thread_ts": str,
    "latest_reply": str,
    "client_msg_id": str,
    "reply_count": int,
    "reply_users_count": int,
    "is_locked": bool,
    "hidden": bool,
}


def raw_payload(record: dict, people: People, author: str | None, text: str) -> str:
    """The message as JSON, kept to fields that name nobody: ids become pseudonyms and the
    text is the stored one; blocks, attachments, profiles and file names are left out."""
    raw: dict = {k: v for k, v in record.items() if type(v) is SCALARS.get(k)}
    raw["user"], raw["text"] = author, text
    if isinstance(edited := record.get("edited"), dict):
        raw["edited"] = {
            "user": people.of(edited.get("user")),
            "ts": edited["ts"] if isinstance(edited.get("ts"), str) else None,
        }
    if isinstance(record.get("parent_user_id"), str):
        raw["parent_user_id"] = people.of(record["parent_user_id"])
    if isinstance(users := record.get("reply_users"), list):
        raw["reply_users"] = [people.of(u) for u in users if isinstance(u, str)]
    if isinstance(replies := record.get("replies"), list):
        raw["replies"] = [
            {"user": people.of(r.get("user")), "ts": r.get("ts")}
            for r in replies
            if isinstance(r, dict) and isinstance(r.get("ts"), str)
        ]
    reactions: dict[str, list[str | None]] = {}
    for emoji, user in reactions_of(record):
        reactions.setdefault(emoji, []).append(people.of(user))
    if reactions:
        raw["reactions"] = [
            {"name": emoji, "users": users, "count": len(users)}
            for emoji, users in reactions.items()
        ]
    if isinstance(shared := record.get("files"), list):
        raw["files"] = [
            {
                k: f[k]
                for k in ("id", "filetype", "mimetype", "size")
                if isinstance(f.get(k), str | int) and not isinstance(f.get(k), bool)
            }
            for f in shared
            if isinstance(f, dict)
        ]
    return json.dumps(raw, ensure_ascii=False)
