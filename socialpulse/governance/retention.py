"""How long each post stays in the warehouse: its channel's retention, else its platform's,
else the default (``[retention]``)."""

from __future__ import annotations

from datetime import datetime

import duckdb
import pandas as pd

from socialpulse.config import Retention


def expired_posts_sql(
    con: duckdb.DuckDBPyConnection, retention: Retention, now: datetime
) -> tuple[str, list]:
    """A query (and its parameters) of ``post_id, platform, month`` for posts older than their
    retention at ``now``. Registers the per-channel and per-platform days as relations."""
    con.register(
        "_retention_channel",
        pd.DataFrame(
            {
                "channel_id": list(retention.per_channel),
                "days": list(retention.per_channel.values()),
            },
        ).astype({"channel_id": "string", "days": "int64"}),
    )
    con.register(
        "_retention_platform",
        pd.DataFrame(
            {
                "platform": list(retention.per_platform),
                "days": list(retention.per_platform.values()),
            },
        ).astype({"platform": "string", "days": "int64"}),
    )
    query = (
        "SELECT p.post_id, p.platform, strftime(p.created_at, '%Y-%m') AS month "
        "FROM posts p "
        "LEFT JOIN _retention_channel rc ON rc.channel_id = p.channel_id "
        "LEFT JOIN _retention_platform rp ON rp.platform = p.platform "
        "WHERE p.created_at < ?::TIMESTAMP - to_days(coalesce(rc.days, rp.days, ?)::INTEGER)"
    )
    return query, [now.replace(tzinfo=None), retention.default_days]
