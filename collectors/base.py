"""The collector contract.

A collector's ``fetch`` talks to the network and yields raw pages; ``to_rows`` turns one page
into warehouse rows and is pure (no network, no clock, no database), so it can be tested on
recorded payloads and re-run over stored raw payloads. The runner loads each page and its cursor
in one transaction: a collector killed mid-run loses nothing it had loaded, and its rerun resumes
from the last cursor. Cursors compare with ``>=`` and the loader upserts, so delivery is
at-least-once and rows are exactly-once.
"""

from __future__ import annotations

import os
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

import pandas as pd

Rows = dict[str, pd.DataFrame]
# Not a table: the items of a page that could not be stored (``item``, ``reason``), which the
# runner reports on the run (partial) instead of loading.
SKIPPED = "skipped"
# Not a table either: posts the source says were deleted (``post_id``), which the writer removes
# with their dependent rows (a post under a legal hold stays). A delete may arrive before the
# post it deletes was ever stored: then it removes nothing.
DELETED = "deleted"


@dataclass(frozen=True)
class Page:
    """One unit of collection, loaded with its cursor in one transaction.

    ``key`` names what the cursor belongs to (a feed URL, a subreddit, a query). ``error`` is
    one line naming the source: with no payload the source failed and the runner goes on with
    the next key; with a payload (an ill-formed feed that still parsed in part) what parsed is
    loaded and the error recorded on the run.
    """

    key: str
    fetched_at: datetime
    payload: Any = None
    cursor: str | None = None
    error: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)


class Collector(ABC):
    """Subclasses declare their name, the environment variables they need, and two methods."""

    name: ClassVar[str]
    description: ClassVar[str]
    credentials: ClassVar[tuple[str, ...]] = ()

    def missing_credentials(self) -> list[str]:
        return [variable for variable in self.credentials if not os.environ.get(variable)]

    @abstractmethod
    def fetch(self, cursors: Mapping[str, str | None]) -> Iterator[Page]:
        """Yield pages newer than ``cursors`` (key -> stored cursor); never raise for one bad
        source: yield a ``Page`` with ``error`` instead."""

    @abstractmethod
    def to_rows(self, page: Page) -> Rows:
        """Warehouse rows for one page, keyed by table name. Pure."""

    def merge_known_stories(self, con, rows: Rows) -> Rows:
        """Point rows at stories the warehouse already holds under another id (inside the
        page's transaction). Most sources have stable ids and keep the default: no change."""
        return rows


class StreamingCollector(Collector):
    """A collector that can also listen: ``stream`` yields pages as posts arrive.

    Each streamed page carries the cursor a restart resumes from (Jetstream's ``time_us``, the
    last Mastodon status id), stored with its rows in one transaction, so a process killed at
    any moment replays at most the page it had not committed, and the upsert makes that replay
    add nothing.
    """

    @abstractmethod
    def stream(self, cursors: Mapping[str, str | None], stop: threading.Event) -> Iterator[Page]:
        """Yield a page per small batch of arrived events until ``stop`` is set. A dropped
        connection is reconnected with exponential backoff from the last cursor yielded; a
        network failure never raises: yield a ``Page`` with ``error`` and no payload, and go on.
        """

    def configured(self) -> bool:
        """Whether the settings give the stream anything to hear (`pulse listen` runs those)."""
        return True


class MissingCredentialsError(RuntimeError):
    """A collector cannot run without these environment variables."""
