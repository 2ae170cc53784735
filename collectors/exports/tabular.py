"""Reading big CSV exports a chunk at a time, and reporting their bad rows.

The parser's own complaints (a line with the wrong number of fields, bytes that are not UTF-8)
become one-line problems naming the file and the line or row, so a damaged file loads the rest.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pandas as pd

CHUNK_ROWS = 50_000
REPLACEMENT = "\ufffd"  # what undecodable bytes become; the row that holds one is reported


def read_csv_chunks(
    source: Path | IO[bytes],
    name: str,
    chunk_rows: int = CHUNK_ROWS,
) -> Iterator[tuple[pd.DataFrame, list[str]]]:
    """The CSV as string columns (header names stripped and lower-cased), ``chunk_rows`` rows at
    a time, with the problems met in each chunk: a line with the wrong number of fields is
    skipped and reported, undecodable bytes become U+FFFD (the caller reports the row), and a
    file the parser cannot go on with ends with one problem after what it did read."""
    try:
        reader = pd.read_csv(
            source,
            dtype=str,
            keep_default_na=False,
            encoding="utf-8-sig",
            encoding_errors="replace",
            on_bad_lines="warn",
            chunksize=chunk_rows,
            skipinitialspace=False,
            index_col=False,
        )
    except pd.errors.EmptyDataError:
        yield pd.DataFrame(), [f"{name}: empty file, no header"]
        return
    except (pd.errors.ParserError, ValueError, OSError) as error:
        yield pd.DataFrame(), [f"{name}: cannot read: {_first_line(error)}"]
        return
    with reader:
        while True:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", pd.errors.ParserWarning)
                try:
                    chunk = next(reader)
                except StopIteration:
                    return
                except (pd.errors.ParserError, ValueError, OSError) as error:
                    yield pd.DataFrame(), [f"{name}: cannot read further: {_first_line(error)}"]
                    return
            problems = [
                f"{name}: {_skipped_line(w.message)}"
                for w in caught
                if issubclass(w.category, pd.errors.ParserWarning)
            ]
            chunk.columns = [str(c).strip().lower() for c in chunk.columns]
            yield chunk, problems


def undecodable(frame: pd.DataFrame) -> pd.Series:
    """Rows holding bytes that were not UTF-8 (decoded as U+FFFD)."""
    if frame.empty:
        return pd.Series(False, index=frame.index)
    return frame.apply(lambda c: c.str.contains(REPLACEMENT, regex=False)).any(axis=1)


def row_problems(name: str, reasons: pd.Series) -> list[str]:
    """One line per bad row: ``file: row N: reason``, the header being row 1."""
    bad = reasons[reasons != ""]
    return [f"{name}: row {int(i) + 2}: {reason}" for i, reason in bad.items()]


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def _skipped_line(message: Warning | str) -> str:
    text = _first_line(Exception(str(message)))
    match = re.search(r"line (\d+): (.*)", text, re.IGNORECASE)
    return f"line {match.group(1)}: {match.group(2)}; skipped" if match else text
