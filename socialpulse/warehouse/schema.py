"""The one owner of the warehouse schema: each table's key, the schema version and ``migrate``,
which creates every table through the ordered migrations.

Each migration is a step of ``socialpulse.warehouse.migrations`` (one module per step). It runs
in one transaction together with the row that records it in ``schema_migrations``, so a crash
never leaves a half-applied step and applying twice is a no-op. An older warehouse file is
upgraded in place by running the migrations it has not seen yet.

Other modules never write DDL: they add a migration there. ``TABLE_KEYS`` tells the loader each
table's primary key so that every load is an idempotent upsert.
"""

from __future__ import annotations

import duckdb

from socialpulse.warehouse.migrations import MIGRATIONS, Step, migration

__all__ = ["MIGRATIONS", "Step", "current_version", "latest_version", "migrate", "migration"]

# Primary keys of the upsertable tables: the loader's contract with the schema.
TABLE_KEYS: dict[str, tuple[str, ...]] = {
    "channels": ("channel_id",),
    "authors": ("author_id",),
    "posts": ("post_id",),
    "engagement_snapshots": ("post_id", "taken_at"),
    "interactions": ("kind", "post_id", "actor_id", "target_id", "detail"),
    "brand_matches": ("post_id", "brand"),
    "sentiment_scores": ("post_id", "method"),
    "collector_state": ("collector", "key"),
    "post_channels": ("post_id", "channel_id"),
    "person_aliases": ("alias_id",),
    "sentiment_corrections": ("post_id",),
    "sentiment_models": ("model_version",),
    "topics": ("topic_id",),
    "post_topics": ("post_id", "topic_id"),
    "topic_aspects": ("brand", "period_start", "term"),
    "brand_daily": ("day", "brand", "platform"),
    "brand_bursts": ("brand", "day"),
    "inbound_mentions": ("post_id", "brand"),
    "internal_metrics": ("grain", "period_start", "segment_type", "segment_value", "metric"),
    "network_flow": ("period_start", "segment_type", "source_value", "target_value"),
    "network_people": ("person_id",),
    "push_pull": ("post_id", "segment_type", "segment_value"),
    "maturity_scores": ("as_of", "criterion_id"),
}

# Columns that the primary key already determines: an upsert never rewrites them, because DuckDB
# turns an update of a uniquely indexed column into a much slower delete and insert.
KEY_DERIVED_COLUMNS: dict[str, tuple[str, ...]] = {"posts": ("platform", "native_id")}

# The tables users query, in the order the README documents them.
DOCUMENTED_TABLES: tuple[str, ...] = (
    "channels",
    "authors",
    "posts",
    "post_channels",
    "engagement_snapshots",
    "interactions",
    "brand_matches",
    "sentiment_scores",
    "collection_runs",
    "collector_state",
    "alerts",
    "alert_actions",
    "audit_log",
    "internal_metrics",
    "network_flow",
    "network_people",
    "push_pull",
    "maturity_answers",
    "maturity_scores",
    "roi_assumptions",
    "legal_holds",
    "erasures",
    "websub_subscriptions",
)


def latest_version() -> int:
    return MIGRATIONS[-1].version


def current_version(con: duckdb.DuckDBPyConnection) -> int:
    """The highest migration applied to this file, 0 for a new file."""
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migrations'"
    ).fetchall()[0][0]
    if not exists:
        return 0
    return con.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchall()[0][0]


def migrate(con: duckdb.DuckDBPyConnection, target: int | None = None) -> list[str]:
    """Apply every pending migration up to ``target`` (default: all); return the names applied.

    An up-to-date file costs one query: every short write turn opens the warehouse this way."""
    target = latest_version() if target is None else target
    if current_version(con) >= target:
        return []
    con.execute(
        """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL
        )
        """
    )
    applied: list[str] = []
    for step in MIGRATIONS:
        if step.version > target or step.version <= current_version(con):
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            step.apply(con)
            con.execute(
                "INSERT INTO schema_migrations VALUES (?, ?, now()::TIMESTAMP)",
                [step.version, step.name],
            )
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        applied.append(step.name)
    return applied
