"""Shared fixtures: one small demo warehouse built once per session, copied when a test writes."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from analysis.sentiment import score_new_posts
from collectors.demo import generate_demo, load_demo
from socialpulse.warehouse import open_warehouse

DEMO_SIZE = {"seed": 7, "mentions": 4_000, "messages": 4_000, "employees": 600}
REAL_MAIN = sys.modules["__main__"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that drives a real browser is slow by nature: `make test-fast` leaves it out."""
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(autouse=True)
def real_main_module():
    """Streamlit's AppTest leaves a page script as ``__main__``, and a spawned process (the
    WebSub endpoint's parsers) imports the parent's ``__main__`` first: it would run the page."""
    sys.modules["__main__"] = REAL_MAIN


@pytest.fixture(scope="session", autouse=True)
def private_key_file(tmp_path_factory):
    """Tests never create or read a pseudonymisation key in the user's home folder."""
    path = tmp_path_factory.mktemp("keys") / "pseudonym.key"
    previous = os.environ.get("SOCIALPULSE_KEY_FILE")
    os.environ["SOCIALPULSE_KEY_FILE"] = str(path)
    yield path
    if previous is None:
        os.environ.pop("SOCIALPULSE_KEY_FILE", None)
    else:
        os.environ["SOCIALPULSE_KEY_FILE"] = previous


@pytest.fixture(scope="session")
def demo_tables():
    return generate_demo(**DEMO_SIZE)


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory, demo_tables) -> Path:
    """A loaded and scored demo warehouse; read it only (``db_copy(demo_db)`` to write)."""
    path = tmp_path_factory.mktemp("warehouse") / "demo.duckdb"
    with open_warehouse(path) as con:
        load_demo(con, demo_tables)
        score_new_posts(con)
        con.execute("CHECKPOINT")
    return path


@pytest.fixture
def db_copy(tmp_path) -> Callable[[Path], Path]:
    """``db_copy(demo_db)``: this test's own copy of a session warehouse, to write in. Asked
    twice for the same warehouse (by the test and by one of its fixtures), it gives the same
    copy, so both see the same writes."""
    copies: dict[Path, Path] = {}

    def copy_of(source: Path) -> Path:
        if source not in copies:
            copies[source] = tmp_path / f"copy-{len(copies)}-{source.name}"
            shutil.copy(source, copies[source])
        return copies[source]

    return copy_of


@pytest.fixture
def empty_db(tmp_path) -> Path:
    return tmp_path / "empty.duckdb"
