"""A tiny warehouse: two channels (one restricted), three authors, posts over two years."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import pytest

from socialpulse.warehouse import open_warehouse, upsert

NOW = datetime(2026, 6, 15, 12, 0)


def build(con) -> None:
    upsert(
        con,
        "channels",
        pd.DataFrame(
            {
                "channel_id": ["slack:general", "slack:exec", "x:search"],
                "platform": ["slack", "slack", "x"],
                "scope": ["internal", "internal", "external"],
                "name": ["general", "exec", "search"],
                "sensitivity": ["internal", "restricted", "public"],
                "restricted_to": [None, "executives", None],
            }
        ),
    )
    upsert(
        con,
        "authors",
        pd.DataFrame(
            {
                "author_id": ["emp_a", "emp_b", "x:fan"],
                "platform": ["slack", "slack", "x"],
                "scope": ["internal", "internal", "external"],
                "handle": ["a", "b", "fan"],
                "manager_id": [None, "emp_a", None],
            }
        ),
    )
    upsert(
        con, "person_aliases", pd.DataFrame({"alias_id": ["emp_a_teams"], "person_id": ["emp_a"]})
    )
    created = pd.to_datetime(
        [
            "2024-01-10 09:00",
            "2024-01-20 10:30",
            "2024-02-05 08:00",  # old slack
            "2026-06-01 09:00",  # recent slack
            "2024-01-15 12:00",
            "2025-12-01 12:00",  # x
        ]
    )
    upsert(
        con,
        "posts",
        pd.DataFrame(
            {
                "post_id": ["slack:1", "slack:2", "slack:3", "slack:4", "x:1", "x:2"],
                "platform": ["slack"] * 4 + ["x"] * 2,
                "native_id": ["1", "2", "3", "4", "1", "2"],
                "channel_id": [
                    "slack:general",
                    "slack:exec",
                    "slack:general",
                    "slack:general",
                    "x:search",
                    "x:search",
                ],
                "author_id": ["emp_a", "emp_b", "emp_a_teams", "emp_a", "x:fan", "x:fan"],
                "created_at": created,
                "text": ["hello", "secret", "again", "new", "brand!", "brand?"],
                "kind": ["post", "post", "reply", "post", "post", "post"],
                "raw": ['{"k": 1}', None, '{"k": [1, 2]}', None, None, None],
                "lat": [None, None, None, None, 48.85, None],
                "collected_at": created,
            }
        ),
    )
    upsert(
        con,
        "interactions",
        pd.DataFrame(
            {
                "kind": ["reaction", "reply", "reaction"],
                "post_id": ["slack:1", "slack:3", "slack:4"],
                "actor_id": ["emp_b", "emp_a", "emp_a"],
                "target_id": ["emp_a", "emp_b", "emp_b"],
                "detail": ["+1", "", "tada"],
                "platform": ["slack"] * 3,
                "created_at": pd.to_datetime(
                    ["2024-01-10 10:00", "2024-02-05 08:00", "2026-06-01 10:00"]
                ),
            }
        ),
    )
    upsert(
        con,
        "brand_matches",
        pd.DataFrame(
            {
                "post_id": ["x:1", "x:2"],
                "brand": ["Acme", "Acme"],
                "is_competitor": [False, False],
                "rule": ["acme", "acme"],
            }
        ),
    )
    upsert(
        con,
        "sentiment_scores",
        pd.DataFrame(
            {
                "post_id": ["x:1", "slack:1"],
                "method": ["vader", "vader"],
                "model_version": ["v", "v"],
                "compound": [0.5, -0.25],
                "label": ["positive", "negative"],
                "scored_at": pd.to_datetime(["2024-01-16", "2024-01-11"]),
            }
        ),
    )
    upsert(
        con,
        "engagement_snapshots",
        pd.DataFrame(
            {
                "post_id": ["x:1", "x:1"],
                "taken_at": pd.to_datetime(["2024-01-15 13:00", "2024-01-16 13:00"]),
                "likes": [3, 7],
                "shares": [None, 2],
            }
        ),
    )
    upsert(
        con,
        "post_channels",
        pd.DataFrame(
            {
                "post_id": ["x:1"],
                "channel_id": ["x:search"],
                "seen_at": pd.to_datetime(["2024-01-15 12:05"]),
            }
        ),
    )


@pytest.fixture
def warehouse(tmp_path):
    path = tmp_path / "w.duckdb"
    with open_warehouse(path) as con:
        build(con)
    return path


@pytest.fixture
def con(warehouse):
    with open_warehouse(warehouse) as con:
        yield con
