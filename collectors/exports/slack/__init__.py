"""Slack workspace exports (the admin's "Export data" zip, or that zip unpacked into a folder).

The listings come first: ``layout`` finds each conversation's folder of day-files and what kind
of conversation it is, ``people`` turns ``users.json`` into pseudonyms. Then each conversation's
day-files are read (``messages``: what is a message, an edit, a deletion or noise) and the kept
messages become rows (``posts``).

Privacy: people become ``ImportContext.person`` pseudonyms (by ``profile.email``, else the
Slack id), in mentions and written-out names too; ``raw`` keeps a whitelist of fields with ids
replaced; group DM names (made of user names) are never stored, nor used in problem lines. DMs
and group DMs are imported as restricted to their participants.

Memory: one day-file at a time, and a batch is yielded every ``BATCH_MESSAGES`` messages.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from collectors.exports.archive import open_export
from collectors.exports.base import ImportBatch, ImportContext, importer
from collectors.exports.slack.layout import (
    channel_rows,
    conversations,
    day_files,
    export_root,
    read_listing,
)
from collectors.exports.slack.messages import MessageBatch
from collectors.exports.slack.people import People

BATCH_MESSAGES = 25_000


@importer("slack")
def read_slack(path: Path, context: ImportContext) -> Iterator[ImportBatch]:
    """Yield the export's people and conversations first, then its messages in batches."""
    with open_export(path) as files:
        names = files.names()
        root = export_root(names, files)
        folders = day_files(names, root)
        problems: list[str] = []
        users = read_listing(files, root + "users.json", problems)
        people = People(users, context)
        channels = conversations(files, root, folders, problems)
        rows = {
            "channels": channel_rows(channels, context.settings),
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
