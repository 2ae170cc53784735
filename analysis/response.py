"""How the brand answers: response rate and response time of its own accounts.

An inbound mention "needs a reply" when it is about an own brand, written by someone else, on a
platform where the brand has an owned account, and is a question or negative (a repost never
does). Response rate = those answered by an owned account / those needing a reply. Response
time = first owned reply - the mention; median and mean, in business hours (Monday to Friday,
09:00-17:59 UTC) and off hours apart.

Both read what `pulse analyze` stored (``mention_index`` for the sentiment, corrections applied
as everywhere; ``answered_posts`` for the first owned reply), so a filter change does not join
every post with every score.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pandas as pd

from analysis.period import Period

# One definition of "needing a reply" and "answered", grouped by brand or by brand and platform.
_RESPONSE = """
WITH owned_platforms AS (SELECT DISTINCT platform FROM authors WHERE is_owned),
inbound AS (  -- the sentiment from the narrow, time-ordered mention index, not every score
    SELECT DISTINCT m.brand, i.platform, i.post_id, i.created_at,
           dayofweek(i.created_at) BETWEEN 1 AND 5
               AND hour(i.created_at) BETWEEN 9 AND 17 AS business_hours
    FROM mention_index i
    JOIN posts p ON p.post_id = i.post_id
    JOIN brand_matches m ON m.post_id = i.post_id
    LEFT JOIN authors a ON a.author_id = i.author_id
    LEFT JOIN sentiment_corrections c ON c.post_id = i.post_id
    WHERE NOT m.is_competitor AND p.kind <> 'share' AND NOT coalesce(a.is_owned, false)
      AND i.platform IN (SELECT platform FROM owned_platforms)
      AND (coalesce(c.label, i.label) = 'negative' OR p.text LIKE '%?%')
      AND i.created_at >= $since AND i.created_at < $until
      AND p.created_at >= $since AND p.created_at < $until
      AND (len($brands) = 0 OR list_contains($brands, m.brand))
      AND (len($platforms) = 0 OR list_contains($platforms, i.platform))
),
answers AS (  -- the first owned reply, as `pulse analyze` stored it (no join of every post)
    SELECT i.brand, i.post_id, i.business_hours,
           date_diff('second', i.created_at, w.answered_at) / 60.0 AS minutes
    FROM inbound i JOIN answered_posts w ON w.post_id = i.post_id AND w.kind = 'mention'
)
SELECT {groups}, count(*) AS needing_reply, count(a.post_id) AS answered,
       round(100.0 * count(a.post_id) / count(*), 1) AS response_rate,
       round(median(a.minutes), 1) AS median_minutes,
       round(avg(a.minutes), 1) AS mean_minutes,
       round(median(a.minutes) FILTER (i.business_hours), 1) AS median_minutes_business_hours,
       round(median(a.minutes) FILTER (NOT i.business_hours), 1) AS median_minutes_off_hours
FROM inbound i LEFT JOIN answers a ON a.post_id = i.post_id AND a.brand = i.brand
GROUP BY {groups} ORDER BY {groups}
"""


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
