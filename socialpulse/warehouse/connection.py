"""Opening the warehouse: one DuckDB file, migrated on every read-write open.

DuckDB lets one process open a file read-write or several open it read-only, never both. The
dashboard therefore opens short read-only connections and the writers (demo, collectors, analysis)
retry briefly when the file is busy, then fail with one line that says which file and what to do.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from socialpulse.warehouse.schema import current_version, latest_version, migrate

DEFAULT_DB = Path("data/socialpulse.duckdb")


class WarehouseError(RuntimeError):
    """A warehouse problem a user can fix; its message is one line that says how."""


class WarehouseLockedError(WarehouseError):
    pass


class WarehouseMissingError(WarehouseError):
    pass


class WarehouseOutdatedError(WarehouseError):
    pass


def default_db_path() -> Path:
    """``SOCIALPULSE_DB`` when set, else ``data/socialpulse.duckdb``."""
    return Path(os.environ.get("SOCIALPULSE_DB", DEFAULT_DB))


def _is_lock_error(error: duckdb.Error) -> bool:
    text = str(error)
    return "lock" in text.lower() and ("Conflicting" in text or "Could not set lock" in text)


def connect(
    path: str | Path | None = None,
    *,
    read_only: bool = False,
    wait_seconds: float = 5.0,
    apply_migrations: bool = True,
) -> duckdb.DuckDBPyConnection:
    """Open the warehouse; a read-write open applies pending migrations first.

    A read-only open refuses a missing file or one with an older schema rather than showing
    half a dashboard, because it cannot upgrade it.
    """
    path = Path(path) if path is not None else default_db_path()
    if read_only and not path.exists():
        raise WarehouseMissingError(
            f"{path}: no warehouse here; build the demo with `pulse demo` (or `make run`)"
        )
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            con = duckdb.connect(str(path), read_only=read_only)
            break
        except duckdb.Error as error:
            if not _is_lock_error(error):
                raise WarehouseError(f"{path}: cannot open the warehouse: {error}") from error
            if time.monotonic() >= deadline:
                raise WarehouseLockedError(
                    f"{path}: the warehouse is in use by another process (a running "
                    "`pulse` command or dashboard writer); retry when it has finished"
                ) from error
            time.sleep(0.05)  # short: a live writer leaves gaps of this order between turns
    con.execute("SET TimeZone = 'UTC'")
    if read_only:
        version = current_version(con)
        if version < latest_version():
            con.close()
            raise WarehouseOutdatedError(
                f"{path}: schema version {version}, this SocialPulse needs {latest_version()}; "
                "run `pulse migrate`"
            )
    elif apply_migrations:
        migrate(con)
    return con


@contextmanager
def open_warehouse(
    path: str | Path | None = None, *, read_only: bool = False, wait_seconds: float = 5.0
) -> Iterator[duckdb.DuckDBPyConnection]:
    """``connect`` as a context manager that always closes, so the file lock is released."""
    con = connect(path, read_only=read_only, wait_seconds=wait_seconds)
    try:
        yield con
    finally:
        con.close()
