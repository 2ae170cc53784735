"""Migration 16: add model languages."""

from __future__ import annotations

import duckdb

from socialpulse.warehouse.migrations import migration


@migration(16)
def add_model_languages(con: duckdb.DuckDBPyConnection) -> None:
    """A trained sentiment model speaks one language: the users' Romanian labels train a
    Romanian model that labels Romanian posts, and never an English one. Models trained before
    this were trained on English labels."""
    con.execute("ALTER TABLE sentiment_models ADD COLUMN language VARCHAR NOT NULL DEFAULT 'en'")
