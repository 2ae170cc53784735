"""One read-only warehouse connection shared by the dashboard's queries while they keep coming,
closed after ``IDLE_SECONDS`` without one.

A fresh connection costs more than its 30 ms to open: its first query reloads the primary-key
indexes and the blocks it reads, 0.1 s and more at ten million mentions, and a filter change
runs ten queries. Holding the file open for good would lock out the collectors and
`pulse analyze`, which need it alone to write (they wait five seconds for it), so it is closed as
soon as the dashboard is idle, and at once before a write of this server. Each query gets its own
cursor, so sessions on other threads query at the same time.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import duckdb

from socialpulse.warehouse import connect

IDLE_SECONDS = 2.0


@dataclass
class _Shared:
    con: duckdb.DuckDBPyConnection
    version: int
    users: int = 0
    last_used: float = field(default_factory=time.monotonic)


_lock = threading.Lock()
_shared: dict[str, _Shared] = {}
_sweeper: threading.Timer | None = None


@contextmanager
def cursor(db: str, version: int) -> Iterator[duckdb.DuckDBPyConnection]:
    """A cursor on the shared connection to ``db``, opened (read-only) if none is, or if the
    file changed since (``version``, its modification time) and nobody is using the old one."""
    with _lock:
        shared = _shared.get(db)
        if shared is not None and shared.version != version and shared.users == 0:
            shared.con.close()
            shared = None
        if shared is None:
            shared = _shared[db] = _Shared(connect(db, read_only=True), version)
        shared.users += 1
        _sweep_later()
    try:
        con = shared.con.cursor()
        try:
            con.execute("SET TimeZone = 'UTC'")  # a cursor is a new session: as ``connect``
            yield con
        finally:
            con.close()
    finally:
        with _lock:
            shared.users -= 1
            shared.last_used = time.monotonic()


def release(db: str, wait_seconds: float) -> bool:
    """Close the shared connection to ``db`` as soon as its queries finish, so this process may
    open the file read-write; False if it was still in use after ``wait_seconds``."""
    deadline = time.monotonic() + wait_seconds
    while True:
        with _lock:
            shared = _shared.get(db)
            if shared is None:
                return True
            if shared.users == 0:
                shared.con.close()
                del _shared[db]
                return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.02)


def _sweep_later() -> None:
    """Schedule the next look for idle connections (the caller holds ``_lock``)."""
    global _sweeper
    if _sweeper is None:
        _sweeper = threading.Timer(IDLE_SECONDS, _close_idle)
        _sweeper.daemon = True
        _sweeper.start()


def _close_idle() -> None:
    global _sweeper
    with _lock:
        _sweeper = None
        now = time.monotonic()
        for db, shared in list(_shared.items()):
            if shared.users == 0 and now - shared.last_used >= IDLE_SECONDS:
                shared.con.close()
                del _shared[db]
        if _shared:
            _sweep_later()
