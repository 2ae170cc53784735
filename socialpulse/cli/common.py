"""What every command shares: the warehouse path, the error console, and the one-line failure.

Every failure a user can fix (a locked or missing warehouse, a bad config value, a bad argument)
ends the command with one line on stderr and exit status 1, never a traceback; the context
managers here are the one place that turns those errors into that line.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, NoReturn

import duckdb
import typer
from rich.console import Console

from socialpulse.config import ConfigError, Settings, load_settings
from socialpulse.warehouse import WarehouseError, default_db_path, open_warehouse

console = Console(stderr=True)
ROOT = Path(__file__).resolve().parents[2]  # the checkout: an editable install, as `make` does
APP_SCRIPT = ROOT / "streamlit_app.py"

ByOption = Annotated[str | None, typer.Option("--by", help="Who acts (default: the OS user).")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]


class State:
    """The warehouse chosen by the global ``--db`` option, set by the app's callback."""

    db: Path = default_db_path()


def fail(message: str) -> NoReturn:
    console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(1)


@contextmanager
def one_line_errors(*also: type[Exception]) -> Iterator[None]:
    """Warehouse and configuration errors, and the kinds in ``also``, end the command in a line."""
    try:
        yield
    except (WarehouseError, ConfigError, *also) as error:
        fail(str(error))


@contextmanager
def warehouse_or_fail(
    *also: type[Exception], read_only: bool = False
) -> Iterator[duckdb.DuckDBPyConnection]:
    """The warehouse of ``--db``, open for the block; any error a user can fix is one line."""
    with one_line_errors(*also), open_warehouse(State.db, read_only=read_only) as con:
        yield con


def settings_or_fail() -> Settings:
    with one_line_errors():
        return load_settings()


def actor(by: str | None) -> str:
    from socialpulse.audit import default_actor

    return by or default_actor()
