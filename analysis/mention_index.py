"""The mention index: one narrow row per brand mention, so the mention list, the influencers and
the map never join millions of snapshots, brand matches and scores on a page view.

Each row carries what those views filter, sort and count by: the date, platform, channel and
author, the brands named (a list, so a brand filter is a list test instead of a semi-join with
``brand_matches``), the engagements of the latest snapshot, the potential reach, the sentiment
with its source, and the place. Rows are written in time order, so DuckDB skips the row groups
outside a date window. Texts stay in ``posts``: a page fetches the texts of its own rows only.

``refresh_mention_index`` rewrites the days touched since its last run (new posts, snapshots,
scores or corrections), like ``brand_daily``. A sentiment corrected since then is read from
``sentiment_corrections`` at query time (``CORRECTED_LABEL``), so a correction shows at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import duckdb
import pandas as pd

from analysis.brand_daily import touched_days
from socialpulse.warehouse.cursors import read_cursors, save_cursor

WATERMARK = ("analyze", "mention_index")

# The sentiment of an indexed mention ``i`` with ``sentiment_corrections c`` joined: a correction
# made after the last refresh wins, as it does in the ``post_sentiment`` view.
CORRECTED_LABEL = "coalesce(c.label, i.label, 'unscored')"
CORRECTED_SOURCE = "CASE WHEN c.label IS NOT NULL THEN 'human' ELSE i.source END"

_ROWS = """
WITH named AS (
    SELECT m.post_id, list(m.brand ORDER BY m.brand) AS brands
    FROM brand_matches m JOIN posts p USING (post_id)
    WHERE {days}
    GROUP BY m.post_id
),
latest AS (
    SELECT post_id,
           arg_max(coalesce(likes, 0) + coalesce(shares, 0) + coalesce(replies, 0)
                   + coalesce(quotes, 0), taken_at) AS engagements,
           arg_max(author_followers, taken_at) AS author_followers
    FROM engagement_snapshots WHERE post_id IN (SELECT post_id FROM named)
    GROUP BY post_id
)
SELECT p.post_id, p.created_at, p.platform, p.channel_id, p.author_id, n.brands, l.engagements,
       CASE WHEN p.platform = 'x' THEN coalesce(l.author_followers, a.followers)
            ELSE ch.audience_size END AS reach,
       s.label, s.source, p.country, p.city, p.lat, p.lon
FROM named n
JOIN posts p USING (post_id)
LEFT JOIN latest l USING (post_id)
LEFT JOIN authors a ON a.author_id = p.author_id
LEFT JOIN channels ch ON ch.channel_id = p.channel_id
LEFT JOIN post_sentiment s ON s.post_id = p.post_id
ORDER BY p.created_at, p.post_id
"""


def refresh_mention_index(
    con: duckdb.DuckDBPyConnection, full: bool = False, now: datetime | None = None
) -> int:
    """Rewrite the index for the days touched since the last refresh (every day the first
    time, or with ``full``); return how many mentions were written. ``now`` (naive UTC, default
    the wall clock) is the watermark the next refresh starts from."""
    started = pd.Timestamp(now) if now else pd.Timestamp.now(tz="UTC").tz_localize(None)
    stored = read_cursors(con, WATERMARK[0]).get(WATERMARK[1])
    first_time = full or stored is None
    if first_time:
        con.execute("DELETE FROM mention_index")
        written = con.execute(f"INSERT INTO mention_index {_ROWS.format(days='TRUE')}").fetchall()[
            0
        ][0]
    else:
        days = touched_days(con, pd.Timestamp(stored).to_pydatetime())
        written = 0
        if not days.empty:
            con.register("_days", days)
            try:
                con.execute(
                    "DELETE FROM mention_index WHERE created_at::DATE IN (SELECT day FROM _days)"
                )
                written = con.execute(
                    "INSERT INTO mention_index "
                    + _ROWS.format(days="p.created_at::DATE IN (SELECT day FROM _days)")
                ).fetchall()[0][0]
            finally:
                con.unregister("_days")
    save_cursor(con, WATERMARK[0], WATERMARK[1], started.isoformat())
    return written


def indexed_brand_filter(brands: Sequence[str] | None) -> tuple[str, list]:
    """A SQL condition on ``mention_index i`` for the chosen brands (all when none given)."""
    if not brands:
        return "TRUE", []
    return "list_has_any(i.brands, ?::VARCHAR[])", [list(brands)]
