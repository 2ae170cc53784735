"""The SocialPulse warehouse: one DuckDB file, its schema, and the one loader that writes to it.

Read single rows with ``con.execute(...).fetchall()[0]``, not ``fetchone()``: in DuckDB 2 a
``fetchone()`` leaves its result open, and the next relation call on that connection (``sql``,
``register``, ``df``) fails with "unfinished result".
"""

from socialpulse.warehouse.connection import (
    WarehouseError,
    WarehouseLockedError,
    WarehouseMissingError,
    WarehouseOutdatedError,
    connect,
    default_db_path,
    open_warehouse,
)
from socialpulse.warehouse.loader import LoadResult, transaction, upsert
from socialpulse.warehouse.runs import finish_run, start_run
from socialpulse.warehouse.schema import DOCUMENTED_TABLES, TABLE_KEYS, migrate

__all__ = [
    "DOCUMENTED_TABLES",
    "TABLE_KEYS",
    "LoadResult",
    "WarehouseError",
    "WarehouseLockedError",
    "WarehouseMissingError",
    "WarehouseOutdatedError",
    "connect",
    "default_db_path",
    "finish_run",
    "migrate",
    "open_warehouse",
    "start_run",
    "transaction",
    "upsert",
]
