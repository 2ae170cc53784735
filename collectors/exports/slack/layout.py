"""The layout of a Slack export and its listings: where the conversations are, what they are.

Layout: ``users.json``, ``channels.json`` (public), and when present ``groups.json`` (private),
``mpims.json`` (group DMs) and ``dms.json``; then one folder per conversation (by name, DMs by
id) holding one ``YYYY-MM-DD.json`` list of messages per day. A zip may wrap it all in one top
folder.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from pathlib import PurePosixPath

import pandas as pd

from collectors.exports.archive import DamagedMember, ExportFiles
from collectors.exports.errors import ExportError
from collectors.exports.slack.records import PLATFORM, nonblank, parse_records
from socialpulse.config import Settings

LISTINGS = (
    ("channels.json", "public"),
    ("groups.json", "private"),
    ("mpims.json", "mpim"),
    ("dms.json", "dm"),
)


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


def export_root(names: list[str], files: ExportFiles) -> str:
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


def day_files(names: list[str], root: str) -> dict[str, list[str]]:
    """Day-files by conversation folder, in name (hence date) order."""
    folders: dict[str, list[str]] = {}
    for name in names:
        inner = name[len(root) :] if name.startswith(root) else None
        if inner and inner.count("/") == 1 and inner.endswith(".json"):
            folders.setdefault(inner.split("/", 1)[0], []).append(name)
    return {folder: sorted(members) for folder, members in folders.items()}


def read_listing(files: ExportFiles, name: str, problems: list[str]) -> list[dict]:
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
    kept = [r for r in records if isinstance(r, dict) and nonblank(r.get("id"))]
    if len(kept) < len(records):
        problems.append(
            f"{files.where(name)}: {len(records) - len(kept)} record(s) without an id ignored"
        )
    return kept


def conversations(
    files: ExportFiles, root: str, folders: dict[str, list[str]], problems: list[str]
) -> list[Channel]:
    """The conversations the listings name, each with its folder of day-files when it has one
    (found by name, else by id); a folder no listing names is reported and its files skipped."""
    channels: dict[str, Channel] = {}
    for listing_file, kind in LISTINGS:
        for record in read_listing(files, root + listing_file, problems):
            channel = _channel(record, kind)
            channel.folder = next(
                (f for f in (nonblank(record.get("name")), channel.id) if f and f in folders), None
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
    name = nonblank(record.get("name")) if kind in ("public", "private") else None
    return Channel(record["id"], name or f"{kind}-{record['id']}", kind, audience)


def channel_rows(channels: list[Channel], settings: Settings) -> pd.DataFrame:
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
