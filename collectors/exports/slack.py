"""Slack workspace exports (the admin's "Export data" zip, or that zip unpacked into a folder).

Layout: ``users.json``, ``channels.json`` (public), and when present ``groups.json`` (private),
``mpims.json`` (group DMs) and ``dms.json``; then one folder per conversation (by name, DMs by
id) holding one ``YYYY-MM-DD.json`` list of messages per day. A zip may wrap it all in one
top folder.

What is kept is communication: plain messages, thread replies, ``thread_broadcast``,
``me_message`` and file shares that say something. Membership and system noise (joins, topics,
pins, bots, tombstones of deleted thread parents...) is skipped and counted by subtype in
``ImportBatch.skipped``. An edit (``message_changed``) replaces the text of the message it
edits, a deletion (``message_deleted``) drops it when it is still in the batch being built.
An unknown subtype that carries a user and text is kept as a message (Slack adds subtypes
over time; losing messages is worse than keeping one odd one) and reported once per file.

Privacy: people become ``ImportContext.person`` pseudonyms (by ``profile.email``, else the
Slack id); ``<@U123>`` mentions become ``@<pseudonym>`` and full names from ``users.json``
written out in text become the pseudonym too (``scrub_names``); ``raw`` keeps a whitelist of fields
with ids replaced (``blocks``, ``attachments``, ``user_profile`` and file names are dropped,
as they repeat names and addresses); group DM names (made of user names) are never stored,
nor used in problem lines. DMs and group DMs are imported as restricted to their participants.

Memory: one day-file at a time, and a batch is yielded every ``BATCH_MESSAGES`` messages.
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

import pandas as pd

from collectors.exports.archive import DamagedMember, ExportFiles, open_export
from collectors.exports.base import ImportBatch, ImportContext, importer
from collectors.exports.errors import ExportError
from collectors.exports.json_salvage import list_body, records_before_damage
from collectors.exports.names import scrub_names
from socialpulse.config import Settings
from socialpulse.privacy import mask_contacts

PLATFORM = "slack"
BATCH_MESSAGES = 25_000
LISTINGS = (
    ("channels.json", "public"),
    ("groups.json", "private"),
    ("mpims.json", "mpim"),
    ("dms.json", "dm"),
)
KEPT = frozenset({None, "file_share", "thread_broadcast", "reply_broadcast", "me_message"})
NOISE = frozenset(
    {
        "channel_join",
        "channel_leave",
        "group_join",
        "group_leave",
        "channel_topic",
        "channel_purpose",
        "channel_name",
        "group_topic",
        "group_purpose",
        "group_name",
        "channel_archive",
        "channel_unarchive",
        "group_archive",
        "group_unarchive",
        "channel_convert_to_private",
        "channel_convert_to_public",
        "pinned_item",
        "unpinned_item",
        "bot_message",
        "bot_add",
        "bot_remove",
        "bot_enable",
        "bot_disable",
        "tombstone",
        "reminder_add",
        "reminder_delete",
        "slackbot_response",
        "joiner_notification",
        "channel_posting_permissions",
        "sh_room_created",
        "huddle_thread",
        "ekm_access_denied",
        "file_comment",
        "file_mention",
        "message_replied",
    }
)
SENSITIVITY = ("public", "internal", "restricted")
TS = re.compile(r"\d{1,10}(?:\.\d{1,6})?")
LINK = re.compile(r"<([^<>\n]*)>")
ALWAYS_BOTS = frozenset({"USLACKBOT"})
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
class Channel:
    id: str
    name: str
    kind: str  # public, private, mpim or dm
    audience: int | None
    folder: str | None = None

    @property
    def channel_id(self) -> str:
        return f"{PLATFORM}:{self.id}"

    def where(self, files: ExportFiles, member: str) -> str:
        """A day-file named for a problem line; group DM folders are named after their members,
        so those files are named by the conversation's id instead."""
        if self.kind == "mpim":
            member = f"{self.id}/{PurePosixPath(member).name}"
        return files.where(member)


@importer("slack")
def read_slack(path: Path, context: ImportContext) -> Iterator[ImportBatch]:
    """Yield the export's people and conversations first, then its messages in batches."""
    with open_export(path) as files:
        names = files.names()
        root = _root(names, files)
        folders = _folders(names, root)
        problems: list[str] = []
        users = _listing(files, root + "users.json", problems)
        people = People(users, context)
        channels = _channels(files, root, folders, problems)
        rows = {
            "channels": _channel_rows(channels, context.settings),
            "authors": people.author_rows(),
        }
        yield ImportBatch(rows=rows, problems=problems)
        batch = MessageBatch(people, {c.id: c.name for c in channels})
        for channel in channels:
            for member in folders.get(channel.folder, ()):
                batch.read_day(files, channel, member)
                if len(batch.pending) >= BATCH_MESSAGES:
                    yield batch.flush()
            batch.end_channel()
        yield batch.flush()


# --- The export's layout and listings ----------------------------------------------------------


def _root(names: list[str], files: ExportFiles) -> str:
    """The folder holding ``users.json`` and the listings: the top, or one folder the zip wraps
    everything in."""
    listings = {"users.json", *(name for name, _ in LISTINGS)}
    found = sorted(
        (name.count("/"), name) for name in names if PurePosixPath(name).name in listings
    )
    if not found:
        raise ExportError(f"{files.label}: not a Slack export: no users.json or channels.json")
    parent = PurePosixPath(found[0][1]).parent.as_posix()
    return "" if parent == "." else parent + "/"


def _folders(names: list[str], root: str) -> dict[str, list[str]]:
    """Day-files by conversation folder, in name (hence date) order."""
    folders: dict[str, list[str]] = {}
    for name in names:
        inner = name[len(root) :] if name.startswith(root) else None
        if inner and inner.count("/") == 1 and inner.endswith(".json"):
            folders.setdefault(inner.split("/", 1)[0], []).append(name)
    return {folder: sorted(members) for folder, members in folders.items()}


def _listing(files: ExportFiles, name: str, problems: list[str]) -> list[dict]:
    """The records of one listing file, or none (with a problem) when it is unreadable."""
    if not files.exists(name):
        return []
    try:
        records, error = parse_records(files.read_bytes(name))
    except DamagedMember as damaged:
        problems.append(str(damaged))
        return []
    if error:
        problems.append(f"{files.where(name)}: {error}")
    kept = [r for r in records if isinstance(r, dict) and _text(r.get("id"))]
    if len(kept) < len(records):
        problems.append(
            f"{files.where(name)}: {len(records) - len(kept)} record(s) without an id ignored"
        )
    return kept


def _channels(
    files: ExportFiles, root: str, folders: dict[str, list[str]], problems: list[str]
) -> list[Channel]:
    channels: dict[str, Channel] = {}
    for listing, kind in LISTINGS:
        for record in _listing(files, root + listing, problems):
            channel = _channel(record, kind)
            channel.folder = next(
                (f for f in (_text(record.get("name")), channel.id) if f and f in folders), None
            )
            channels.setdefault(channel.id, channel)
    claimed = {c.folder for c in channels.values()}
    for folder in sorted(set(folders) - claimed):
        kind = "a group DM folder" if folder.startswith("mpdm-") else f"folder {folder}/"
        problems.append(
            f"{files.label}: {kind} that no listing names; its "
            f"{len(folders[folder])} day-file(s) skipped"
        )
    return list(channels.values())


def _channel(record: dict, kind: str) -> Channel:
    members = record.get("members")
    audience = len(members) if isinstance(members, list) else None
    name = _text(record.get("name")) if kind in ("public", "private") else None
    return Channel(record["id"], name or f"{kind}-{record['id']}", kind, audience)


def _channel_rows(channels: list[Channel], settings: Settings) -> pd.DataFrame:
    """Public channels are left to the channel rules; private ones are at least internal
    whatever a rule says; DMs and group DMs are restricted to their participants."""
    rows = []
    for channel in channels:
        sensitivity = restricted_to = None
        if channel.kind in ("mpim", "dm"):
            sensitivity, restricted_to = "restricted", "participants"
        elif channel.kind == "private":
            sensitivity, restricted_to = _private_sensitivity(channel.name, settings)
        rows.append(
            {
                "channel_id": channel.channel_id,
                "platform": PLATFORM,
                "scope": "internal",
                "name": channel.name,
                "audience_size": channel.audience,
                "sensitivity": sensitivity,
                "restricted_to": restricted_to,
            }
        )
    frame = pd.DataFrame(
        rows,
        columns=[
            "channel_id",
            "platform",
            "scope",
            "name",
            "audience_size",
            "sensitivity",
            "restricted_to",
        ],
    )
    return frame.astype({"audience_size": "Int64"})


def _private_sensitivity(name: str, settings: Settings) -> tuple[str, str | None]:
    rule = next((r for r in settings.channel_rules if fnmatch.fnmatchcase(name, r.match)), None)
    if rule is not None and rule.sensitivity == "restricted":
        return "restricted", rule.restricted_to
    return "internal", None


# --- People ------------------------------------------------------------------------------------


class People:
    """Slack user ids to pseudonyms (by email when the profile has one), and who is a bot."""

    def __init__(self, users: list[dict], context: ImportContext) -> None:
        self.context = context
        self.emails: dict[str, str | None] = {}
        self.names: dict[str, str | None] = {}
        self.aka: dict[str, list[str]] = {}
        self.bots = set(ALWAYS_BOTS)
        for user in users:
            profile = user.get("profile") if isinstance(user.get("profile"), dict) else {}
            self.emails[user["id"]] = _text(profile.get("email"))
            self.names[user["id"]] = _text(user.get("real_name")) or _text(profile.get("real_name"))
            self.aka[user["id"]] = [
                n
                for n in (
                    _text(user.get("real_name")),
                    _text(profile.get("real_name")),
                    _text(profile.get("display_name")),
                    " ".join(
                        filter(
                            None,
                            (_text(profile.get("first_name")), _text(profile.get("last_name"))),
                        )
                    ),
                )
                if n
            ]
            if user.get("is_bot") is True or user.get("is_app_user") is True:
                self.bots.add(user["id"])
        self.cache: dict[str, str | None] = {}
        self.written: set[str] = set()

    def of(self, user_id: object) -> str | None:
        """The pseudonym of a Slack user id; None for anything that is not one."""
        if not isinstance(user_id, str) or not user_id.strip():
            return None
        if user_id not in self.cache:
            self.cache[user_id] = self.context.person(
                email=self.emails.get(user_id), user_id=user_id, platform=PLATFORM
            )
        return self.cache[user_id]

    def by_name(self) -> dict[str, str]:
        """Everyone's full names, to take them out of message text (see ``scrub_names``)."""
        if not hasattr(self, "_by_name"):
            self._by_name = {
                name: self.of(uid)
                for uid, names in self.aka.items()
                if uid not in self.bots
                for name in names
            }
        return self._by_name

    def author_rows(self, extra: set[str] | None = None) -> pd.DataFrame:
        """Authors not yet handed out: everyone in users.json first, then unlisted posters."""
        if extra is None:
            people = {self.of(uid): self.names[uid] for uid in self.emails if uid not in self.bots}
        else:
            people = dict.fromkeys(extra)
        people = {p: name for p, name in people.items() if p and p not in self.written}
        self.written.update(people)
        return pd.DataFrame(
            {
                "author_id": list(people),
                "platform": "internal",
                "scope": "internal",
                "handle": list(people),
                "display_name": pd.Series(list(people.values()), dtype="string"),
            }
        )


# --- Messages ----------------------------------------------------------------------------------


@dataclass
class Message:
    channel: Channel
    ts: str
    user: str
    text: str
    thread_ts: str | None
    record: dict
    collected_at: datetime


@dataclass
class MessageBatch:
    """Messages read but not yet yielded, keyed by (conversation, ts) so an edit or a repeated
    day replaces rather than duplicates."""

    people: People
    channel_names: dict[str, str]
    pending: dict[tuple[str, str], Message] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)
    edited: set[str] = field(default_factory=set)
    deleted: set[str] = field(default_factory=set)

    def read_day(self, files: ExportFiles, channel: Channel, member: str) -> None:
        where = channel.where(files, member)
        try:
            data = files.read_bytes(member)
        except DamagedMember as damaged:
            self.problems.append(str(damaged).replace(files.where(member), where))
            return
        records, error = parse_records(data)
        if error:
            self.problems.append(f"{where}: {error}")
        collected = files.modified(member) or datetime.now(UTC).replace(tzinfo=None)
        unknown: dict[str, list[int]] = {}
        for number, record in enumerate(records, 1):
            problem = self.take(channel, record, collected, unknown, number)
            if problem:
                self.problems.append(f"{where}: record {number}: {problem}")
        for subtype, numbers in unknown.items():
            self.problems.append(
                f"{where}: record {numbers[0]}: unknown subtype {subtype!r} "
                f"({len(numbers)} record(s)) kept as messages"
            )

    def take(
        self,
        channel: Channel,
        record: object,
        collected: datetime,
        unknown: dict[str, list[int]],
        number: int,
    ) -> str | None:
        """Keep, skip (counted) or refuse (the returned one-line reason) one record."""
        if not isinstance(record, dict):
            return "not a message object"
        subtype = record.get("subtype")
        if subtype is not None and not isinstance(subtype, str):
            return "subtype is not text"
        if subtype == "message_changed":
            return self._edit(channel, record, collected)
        if subtype == "message_deleted":
            return self._delete(channel, record)
        if subtype in NOISE:
            self.skipped[subtype] += 1
            return None
        return self._message(channel, record, collected, unknown, number)

    def _message(
        self,
        channel: Channel,
        record: dict,
        collected: datetime,
        unknown: dict[str, list[int]],
        number: int,
        edit: bool = False,
    ) -> str | None:
        subtype, ts, user = record.get("subtype"), record.get("ts"), record.get("user")
        if not isinstance(ts, str) or not ts:
            return "no ts"
        if not TS.fullmatch(ts):
            return "ts is not a Slack timestamp"
        if record.get("bot_id") is not None or (isinstance(user, str) and user in self.people.bots):
            self.skipped["bot_message"] += 1  # an app's post, even on a person's behalf
            return None
        if not isinstance(user, str) or not user.strip():
            return "no user"
        text = record.get("text", "")
        if text is None:
            text = ""
        if not isinstance(text, str):
            return "text is not text"
        if subtype == "file_share" and not text.strip():
            self.skipped["file_share without text"] += 1
            return None
        if subtype not in KEPT:
            if not text.strip():
                self.skipped[f"unknown subtype {subtype}"] += 1
                return None
            unknown.setdefault(subtype, []).append(number)
        key = (channel.id, ts)
        if ts in self.deleted or (ts in self.edited and not edit):
            return None  # a later edit or deletion of this message was already read
        thread_ts = record.get("thread_ts")
        problem = None
        if thread_ts is not None and not (isinstance(thread_ts, str) and TS.fullmatch(thread_ts)):
            thread_ts, problem = None, "thread_ts is not a Slack timestamp; kept as a post"
        self.pending[key] = Message(channel, ts, user, text, thread_ts, record, collected)
        return problem

    def _edit(self, channel: Channel, record: dict, collected: datetime) -> str | None:
        """The edited message as it now reads replaces the original (yielded already or not:
        the row's key is the original's ts, so the upsert overwrites it)."""
        message = record.get("message")
        if not isinstance(message, dict):
            return "message_changed without the message"
        self.skipped["message_changed"] += 1
        ts = message.get("ts")
        if isinstance(ts, str) and ts not in self.deleted:
            self.edited.add(ts)
        subtype = message.get("subtype")
        if subtype is not None and not isinstance(subtype, str):
            return "subtype of the edited message is not text"
        if subtype in NOISE or subtype in ("message_changed", "message_deleted"):
            return None
        return self._message(channel, message, collected, {}, 0, edit=True)

    def _delete(self, channel: Channel, record: dict) -> str | None:
        self.skipped["message_deleted"] += 1
        ts = record.get("deleted_ts")
        if not isinstance(ts, str):
            return "message_deleted without deleted_ts"
        self.deleted.add(ts)
        self.pending.pop((channel.id, ts), None)
        return None

    def end_channel(self) -> None:
        self.edited.clear()
        self.deleted.clear()

    def flush(self) -> ImportBatch:
        """The pending messages as rows; problems and skips are handed over with them."""
        messages, self.pending = list(self.pending.values()), {}
        posts, edges = self._rows(messages)
        newcomers = set(posts["author_id"]) | set(edges["actor_id"]) | set(edges["target_id"])
        rows = {
            "posts": posts,
            "interactions": edges,
            "authors": self.people.author_rows(newcomers),
        }
        batch = ImportBatch(rows=rows, problems=self.problems, skipped=self.skipped)
        self.problems, self.skipped = [], Counter()
        return batch

    def _rows(self, messages: list[Message]) -> tuple[pd.DataFrame, pd.DataFrame]:
        texts, authors, mentions, created = [], [], [], []
        for message in messages:
            author = self.people.of(message.user)
            text, mentioned = self.plain_text(message.text)
            texts.append(text)
            authors.append(author)
            mentions.append(mentioned)
            created.append(_microseconds(message.ts))
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
        raw = _raw(message.record, self.people, author, text)
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
        for emoji, user in _reactions(message.record):
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


# --- Records: parsing, timestamps, the raw payload ---------------------------------------------


def parse_records(data: bytes) -> tuple[list, str | None]:
    """The JSON list in one file, and what was wrong with it: bytes that are not UTF-8 are
    replaced, and a truncated or damaged list keeps the records before the damage."""
    problems = []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        problems.append(f"byte {error.start} is not UTF-8 (replaced)")
        text = data.decode("utf-8-sig", "replace")
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        body = list_body(text)
        value = [] if body is None else records_before_damage(text, body, strict_commas=True)
        problems.append(
            f"invalid JSON at line {error.lineno} column {error.colno} "
            f"({error.msg}); the {len(value)} record(s) before it kept"
        )
    except RecursionError:
        value = []
        problems.append("JSON nested too deeply; file skipped")
    if not isinstance(value, list):
        problems.append("not a JSON list of records")
        value = []
    if "\\ud" in text or "\\uD" in text:  # lone surrogates cannot be stored as UTF-8
        value = _without_surrogates(value)
    return value, "; ".join(problems) or None


def _without_surrogates(value: object) -> object:
    if isinstance(value, str):
        return value.encode("utf-8", "replace").decode("utf-8")
    if isinstance(value, list):
        return [_without_surrogates(v) for v in value]
    if isinstance(value, dict):
        return {_without_surrogates(k): _without_surrogates(v) for k, v in value.items()}
    return value


def _microseconds(ts: str) -> int:
    seconds, _, fraction = ts.partition(".")
    return int(seconds) * 1_000_000 + int(fraction.ljust(6, "0") or 0)


def _text(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _reactions(record: dict) -> Iterator[tuple[str, str]]:
    reactions = record.get("reactions")
    for reaction in reactions if isinstance(reactions, list) else ():
        if not isinstance(reaction, dict) or not _text(reaction.get("name")):
            continue
        users = reaction.get("users")
        for user in users if isinstance(users, list) else ():
            if isinstance(user, str) and user:
                yield reaction["name"], user


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


def _raw(record: dict, people: People, author: str | None, text: str) -> str:
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
    for emoji, user in _reactions(record):
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
