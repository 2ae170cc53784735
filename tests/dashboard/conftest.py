"""The dashboard reads what `pulse analyze` stores: a demo warehouse analysed once per session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import streamlit.testing.v1.app_test as app_test

from analysis.answered_posts import refresh_answered_posts
from analysis.aspects import refresh_aspects
from analysis.brand_daily import refresh_brand_daily
from analysis.bursts import refresh_bursts
from analysis.internal_metrics import refresh_internal_metrics
from analysis.maturity import refresh_maturity
from analysis.mention_index import refresh_mention_index
from analysis.network import refresh_network
from analysis.pipeline import refresh_topics
from analysis.push_pull import refresh_push_pull
from analysis.response import refresh_inbound_mentions
from analysis.spikes import detect_alerts
from socialpulse.config import load_settings
from socialpulse.warehouse import open_warehouse


@pytest.fixture(scope="session")
def analysed_db(demo_db, tmp_path_factory) -> Path:
    """The session's demo warehouse with its roll-up, mention index, topics, aspects and alerts;
    read it only."""
    path = tmp_path_factory.mktemp("analysed") / "demo.duckdb"
    shutil.copy(demo_db, path)
    with open_warehouse(path) as con:
        refresh_brand_daily(con)
        refresh_mention_index(con)
        refresh_topics(con)
        refresh_aspects(con)
        detect_alerts(con, load_settings())
        refresh_bursts(con, load_settings().alerts)
        refresh_answered_posts(con)
        refresh_inbound_mentions(con)
        con.execute("CHECKPOINT")
    return path


@pytest.fixture(scope="session")
def internal_db(analysed_db, tmp_path_factory) -> Path:
    """The analysed demo with everything `pulse analyze` stores for the internal and executive
    pages; read it only (``db_copy(internal_db)`` to write)."""
    path = tmp_path_factory.mktemp("internal") / "demo.duckdb"
    shutil.copy(analysed_db, path)
    settings = load_settings()
    with open_warehouse(path) as con:
        for step in (refresh_internal_metrics, refresh_network, refresh_push_pull):
            step(con, settings)
        refresh_answered_posts(con)
        refresh_maturity(con, settings)
        con.execute("CHECKPOINT")
    return path


PASSWORD = "a long test password"


@pytest.fixture(scope="session")
def accounts(tmp_path_factory) -> Path:
    """A users file with one account per role (named after it), all with ``PASSWORD``, used by
    every dashboard test through ``SOCIALPULSE_USERS_FILE``."""
    import os

    from socialpulse.access import ROLES
    from socialpulse.users import USERS_FILE_VARIABLE, add_user

    path = tmp_path_factory.mktemp("accounts") / "users.toml"
    for role in ROLES:
        add_user(role, role, PASSWORD, path=path)
    previous = os.environ.get(USERS_FILE_VARIABLE)
    os.environ[USERS_FILE_VARIABLE] = str(path)
    yield path
    if previous is None:
        os.environ.pop(USERS_FILE_VARIABLE, None)
    else:
        os.environ[USERS_FILE_VARIABLE] = previous


def signed_in(app, role: str = "admin", user: str | None = None):
    """An AppTest whose session is signed in as ``role``, as the login form leaves it."""
    from datetime import UTC, datetime

    app.session_state["user"] = user or role
    app.session_state["role"] = role
    app.session_state["login_at"] = datetime.now(UTC)
    return app


@pytest.fixture
def downloaded(monkeypatch):
    """The bytes behind a download button, as a browser would receive them."""
    stores = []

    class Recording(app_test.MemoryMediaFileStorage):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            stores.append(self)

    monkeypatch.setattr(app_test, "MemoryMediaFileStorage", Recording)
    return lambda button: stores[-1].get_file(button.proto.url.rsplit("/", 1)[-1]).content
