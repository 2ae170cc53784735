"""How the brand answers: response rate and response time of its own accounts.

An inbound mention "needs a reply" when it is about an own brand, written by someone else, on a
platform where the brand has an owned account, and is a question or negative (a repost never
does). Response rate = those answered by an owned account / those needing a reply. Response
time = first owned reply - the mention; median and mean, in business hours (Monday to Friday,
09:00-17:59 UTC) and off hours apart.

`pulse analyze` stores the mentions that need a reply with their minutes to answer
(``inbound_mentions``, after ``answered_posts``), so a period's figures are a count over that
narrow table, not a read of every post's text.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pandas as pd

from analysis.period import Period
from socialpulse.warehouse.loader import transaction

# One definition of "needing a reply" and "answered", stored by `pulse analyze`.
_INBOUND = """
WITH owned_platforms AS (SELECT DISTINCT platform FROM authors WHERE is_owned)
SELECT DISTINCT p.post_id, m.brand, p.platform, p.created_at,
       date_diff('second', p.created_at, w.answered_at) / 60.0 AS minutes_to_answer
FROM brand_matches m JOIN posts p USING (post_id)
LEFT JOIN authors a ON a.author_id = p.author_id
LEFT JOIN post_sentiment s ON s.post_id = p.post_id
LEFT JOIN answered_posts w ON w.post_id = p.post_id AND w.kind = 'mention'
WHERE NOT m.is_competitor AND p.kind <> 'share' AND NOT coalesce(a.is_owned, false)
  AND p.platform IN (SELECT platform FROM owned_platforms)
  AND (s.label = 'negative' OR p.text LIKE '%?%')
"""

# The figures of a period, grouped by brand or by brand and platform.
_RESPONSE = """
WITH inbound AS (
    SELECT *, dayofweek(created_at) BETWEEN 1 AND 5
                  AND hour(created_at) BETWEEN 9 AND 17 AS business_hours
    FROM inbound_mentions i
    WHERE created_at >= $since AND created_at < $until
      AND (len($brands) = 0 OR list_contains($brands, brand))
      AND (len($platforms) = 0 OR list_contains($platforms, platform))
)
SELECT {groups}, count(*) AS needing_reply, count(minutes_to_answer) AS answered,
       round(100.0 * count(minutes_to_answer) / count(*), 1) AS response_rate,
       round(median(minutes_to_answer), 1) AS median_minutes,
       round(avg(minutes_to_answer), 1) AS mean_minutes,
       round(median(minutes_to_answer) FILTER (business_hours), 1)
           AS median_minutes_business_hours,
       round(median(minutes_to_answer) FILTER (NOT business_hours), 1)
           AS median_minutes_off_hours
FROM inbound i
GROUP BY {groups} ORDER BY {groups}
"""


def refresh_inbound_mentions(con: duckdb.DuckDBPyConnection) -> int:
    """Rewrite ``inbound_mentions`` from the posts, their sentiment (corrections included) and
    ``answered_posts`` (run after it); return how many mentions need a reply."""
    with transaction(con):
        con.execute("DELETE FROM inbound_mentions")
        return con.execute(f"INSERT INTO inbound_mentions {_INBOUND}").fetchall()[0][0]


def response_performance(con: duckdb.DuckDBPyConnection, period: Period) -> pd.DataFrame:
    """One row per own brand: needing reply, answered, response rate (%), median and mean
    minutes, each also for business hours and off hours."""
    return _response(con, period, "i.brand", (), ())


def response_by_platform(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    brands: Sequence[str] = (),
    platforms: Sequence[str] = (),
) -> pd.DataFrame:
    """The same figures per own brand and platform (the brand's inbox on each network), for
    the chosen brands and platforms (none chosen: all)."""
    return _response(con, period, "i.brand, i.platform", brands, platforms)


def _response(con, period: Period, groups: str, brands, platforms) -> pd.DataFrame:
    return con.execute(
        _RESPONSE.format(groups=groups),
        {
            "since": period.since,
            "until": period.until,
            "brands": list(brands),
            "platforms": list(platforms),
        },
    ).df()
