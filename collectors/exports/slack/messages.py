"""Reading a Slack conversation's day-files: which records are messages, and what is kept.

What is kept is communication: plain messages, thread replies, ``thread_broadcast``,
``me_message`` and file shares that say something. Membership and system noise (joins, topics,
pins, bots, tombstones of deleted thread parents...) is skipped and counted by subtype. An edit
(``message_changed``) replaces the text of the message it edits, a deletion
(``message_deleted``) drops it when it is still in the batch being built. An unknown subtype
that carries a user and text is kept as a message (Slack adds subtypes over time; losing
messages is worse than keeping one odd one) and reported once per file.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

from collectors.exports.archive import DamagedMember, ExportFiles
from collectors.exports.base import ImportBatch
from collectors.exports.slack.layout import Channel
from collectors.exports.slack.people import People
from collectors.exports.slack.posts import Message, MessageRows
from collectors.exports.slack.records import parse_records

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
TS = re.compile(r"\d{1,10}(?:\.\d{1,6})?")


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
        posts, edges = MessageRows(self.people, self.channel_names).build(messages)
        newcomers = set(posts["author_id"]) | set(edges["actor_id"]) | set(edges["target_id"])
        rows = {
            "posts": posts,
            "interactions": edges,
            "authors": self.people.author_rows(newcomers),
        }
        batch = ImportBatch(rows=rows, problems=self.problems, skipped=self.skipped)
        self.problems, self.skipped = [], Counter()
        return batch
