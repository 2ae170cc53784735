"""The internal network: whether departments and locations talk to each other, and who links them.

``refresh_network`` stores two views, both read by pages and the maturity scorecard:
``network_flow`` (monthly edges between reported groups, see ``analysis.network_flow``) and
``network_people`` (each person's place in the last 90 days, see ``analysis.network_people``).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import duckdb
import pandas as pd

from analysis.network_flow import FLOW_SEGMENTS, compute_flow
from analysis.network_people import compute_people, network_window
from socialpulse.config import Settings
from socialpulse.warehouse import transaction, upsert

log = logging.getLogger(__name__)


def refresh_network(con: duckdb.DuckDBPyConnection, settings: Settings) -> int:
    """Recompute and replace both network tables; returns the rows stored.

    Replaced, not upserted: a directory change can refold every month's groups, and people
    leave the 90-day window.
    """
    floor = settings.privacy.min_group_size
    flow = pd.concat(
        [compute_flow(con, segment, floor) for segment in FLOW_SEGMENTS], ignore_index=True
    )
    window = network_window(con)
    people = compute_people(con, window) if window else pd.DataFrame()
    computed_at = datetime.now(UTC).replace(microsecond=0, tzinfo=None)
    with transaction(con):
        con.execute("DELETE FROM network_flow")
        con.execute("DELETE FROM network_people")
        upsert(con, "network_flow", flow)
        if len(people):
            upsert(con, "network_people", people.assign(computed_at=computed_at))
    log.info("network: %d flow rows, %d people", len(flow), len(people))
    return len(flow) + len(people)
