"""The demo warehouse every benchmark starts from: generated, loaded on disk, measured.

One place for the setup the benchmarks share, so their figures describe the same data: the demo
organisation at seed 1, loaded through ``load_demo`` (the path ``pulse demo`` takes) into a
DuckDB file in a temporary folder, and checkpointed so the figure includes the write to disk.
"""

from __future__ import annotations

import resource
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import duckdb
import pandas as pd

from collectors.demo import generate_demo, load_demo
from socialpulse.warehouse import connect

SEED = 1
MIN_MESSAGES = 1_000  # the demo's smallest employee network
POST_TABLES = ("posts", "engagement_snapshots", "brand_matches")  # what loading a post writes

T = TypeVar("T")


def timed(step: Callable[[], T]) -> tuple[T, float]:
    """The step's result and its wall-clock seconds."""
    started = time.perf_counter()
    result = step()
    return result, time.perf_counter() - started


def demo_tables(mentions: int, messages: int = MIN_MESSAGES) -> dict[str, pd.DataFrame]:
    return generate_demo(seed=SEED, mentions=mentions, messages=max(messages, MIN_MESSAGES))


def load(con: duckdb.DuckDBPyConnection, tables: dict[str, pd.DataFrame]) -> float:
    """Seconds to load every table and checkpoint it to disk."""

    def step() -> None:
        load_demo(con, tables)
        con.execute("CHECKPOINT")

    return timed(step)[1]


@contextmanager
def scratch_folder(folder: Path | None = None) -> Iterator[Path]:
    """A temporary folder (removed afterwards), or the given one (kept)."""
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
        yield folder
        return
    with tempfile.TemporaryDirectory(prefix="pulse-bench-") as name:
        yield Path(name)


@contextmanager
def loaded_warehouse(
    tables: dict[str, pd.DataFrame], folder: Path | None = None, name: str = "bench.duckdb"
) -> Iterator[tuple[duckdb.DuckDBPyConnection, Path, float]]:
    """A fresh on-disk warehouse holding ``tables``: (connection, file, load seconds)."""
    with scratch_folder(folder) as where:
        path = where / name
        con = connect(path)
        try:
            yield con, path, load(con, tables)
        finally:
            con.close()


def size_mib(path: Path) -> float:
    """The warehouse on disk, write-ahead log included."""
    files = (path, path.with_name(path.name + ".wal"))
    return sum(f.stat().st_size for f in files if f.exists()) / 2**20


def peak_memory_mib() -> int:
    """This process's peak resident memory so far (Linux reports KiB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def external_posts(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The brand mentions among the demo posts (the rest is the employee network)."""
    posts = tables["posts"]
    return posts[posts["platform"].isin(["x", "reddit", "rss"])]
