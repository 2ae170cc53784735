"""The dashboard reads what `pulse analyze` stores: a demo warehouse analysed once per session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from analysis.engagement import refresh_brand_daily
from analysis.pipeline import refresh_topics
from analysis.spikes import detect_alerts
from socialpulse.config import load_settings
from socialpulse.warehouse import open_warehouse


@pytest.fixture(scope="session")
def analysed_db(demo_db, tmp_path_factory) -> Path:
    """The session's demo warehouse with its roll-up, topics and alerts; read it only."""
    path = tmp_path_factory.mktemp("analysed") / "demo.duckdb"
    shutil.copy(demo_db, path)
    with open_warehouse(path) as con:
        refresh_brand_daily(con)
        refresh_topics(con)
        detect_alerts(con, load_settings())
        con.execute("CHECKPOINT")
    return path


@pytest.fixture
def analysed_db_copy(analysed_db, tmp_path) -> Path:
    copy = tmp_path / "analysed.duckdb"
    shutil.copy(analysed_db, copy)
    return copy
