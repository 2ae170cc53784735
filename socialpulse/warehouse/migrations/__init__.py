"""The warehouse's migrations, one module per step, applied in version order.

A step is a plain function registered by ``@migration(version)``; its module is named
``vNN_<what it does>`` and imported below, in order. A new table or column is a new module
here, never an edit of an applied step: warehouse files in the field have run the old ones.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import duckdb

Migration = Callable[[duckdb.DuckDBPyConnection], None]


@dataclass(frozen=True)
class Step:
    version: int
    name: str
    apply: Migration


MIGRATIONS: list[Step] = []


def migration(version: int) -> Callable[[Migration], Migration]:
    """Register ``fn`` as migration ``version``; versions must be added in increasing order."""

    def register(fn: Migration) -> Migration:
        expected = len(MIGRATIONS) + 1
        if version != expected:
            raise ValueError(f"migration {fn.__name__} has version {version}, expected {expected}")
        MIGRATIONS.append(Step(version, fn.__name__, fn))
        return fn

    return register


# Importing a step registers it: keep these in version order, below the registry they use.
from socialpulse.warehouse.migrations import (  # noqa: E402, F401, I001
    v01_create_core_tables,
    v02_create_alerts_and_audit_log,
    v03_add_collection_details,
    v04_add_people_links,
    v05_add_listening_analytics,
    v06_add_post_sentiment_view,
    v07_add_brand_daily,
    v08_add_internal_metrics,
    v09_add_network,
    v10_add_push_pull,
    v11_add_maturity,
    v12_add_roi_assumptions,
    v13_add_governance,
    v14_add_mention_index,
    v15_add_answered_posts,
    v16_add_model_languages,
    v17_add_topic_aspects,
    v18_add_alert_actions,
    v19_add_brand_bursts,
    v20_add_inbound_mentions,
    v21_add_websub_subscriptions,
)
