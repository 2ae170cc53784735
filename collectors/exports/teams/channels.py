"""The channels and chats of a Teams export: what each is called, and who may see it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from collectors.exports.archive import DamagedMember, ExportFiles
from collectors.exports.teams.graph import PLATFORM, SingleFile, as_id, decode, records_in, value_at

PRIVATE_CHANNELS = {"private", "shared"}


@dataclass
class Conversation:
    """A channel or chat seen in the export: where its messages came from, what it is called."""

    is_chat: bool
    folders: set[str] = field(default_factory=set)
    name: str | None = None
    private: bool = False


def channel_names(
    export: ExportFiles | SingleFile,
    files: list[str],
    problems: list[str],
) -> dict[str, tuple[str, bool]]:
    """Channel id -> (display name, private) from ``channels.json`` files (Graph channel
    pages or lists)."""
    named = {}
    for file in files:
        try:
            text = decode(export.read_bytes(file))[0]
        except DamagedMember as error:
            problems.append(str(error))
            continue
        items, _, problem = records_in(text, file)
        problems += [problem] if problem else []
        for channel in items:
            channel_id, name = as_id(value_at(channel, "id")), value_at(channel, "displayName")
            if channel_id and isinstance(name, str) and name.strip():
                private = str(value_at(channel, "membershipType")).lower() in PRIVATE_CHANNELS
                named[channel_id] = (name.strip(), private)
    return named


def channel_rows(
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
