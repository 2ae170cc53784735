"""Shared fixtures: one small demo warehouse built once per session, copied when a test writes."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from analysis.sentiment import score_new_posts
from collectors.demo import generate_demo, load_demo
from socialpulse.warehouse import open_warehouse

DEMO_SIZE = {"seed": 7, "mentions": 4_000, "messages": 4_000, "employees": 600}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that drives a real browser is slow by nature: `make test-fast` leaves it out."""
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.slow)


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
    """A loaded and analysed demo warehouse; read it, never write it (use ``demo_db_copy``)."""
    path = tmp_path_factory.mktemp("warehouse") / "demo.duckdb"
    with open_warehouse(path) as con:
        load_demo(con, demo_tables)
        score_new_posts(con)
        con.execute("CHECKPOINT")
    return path


@pytest.fixture
def demo_db_copy(demo_db, tmp_path) -> Path:
    copy = tmp_path / "demo.duckdb"
    shutil.copy(demo_db, copy)
    return copy


@pytest.fixture
def empty_db(tmp_path) -> Path:
    return tmp_path / "empty.duckdb"
