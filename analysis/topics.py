"""Topics of brand mentions: what people say about each brand, per period, and what is new.

Per brand and calendar period, the mentions' texts become TF-IDF vectors and NMF splits them into
a few topics, each named by its top terms. Every post goes to its strongest topic, so a topic has
a volume, a net sentiment and example posts, like a brand.

Growth compares a topic with the previous period through the same model: the previous period's
posts are assigned to this period's topics, and ``previous_posts`` counts those that land in the
topic. Topics of two separate NMF runs rarely line up one to one (one month's "rain, shell" topic
is the next month's "rain, drift, jacket"), so matching topic to topic would call half of them
new every month; counting last month's posts with this month's model does not. The topics with the
largest growth, big enough to matter, are flagged ``emerging``: that is how a recall shows up in
the list before anyone has named it.

The model of one brand's period is ``analysis.topic_model`` (TF-IDF and NMF on its distinct
texts), what a refresh reads and writes in the warehouse is ``analysis.topic_store``, and the
stop words, shared with the spike alerts, are ``analysis.stop_words``. This module runs the
refresh period by period, names and numbers the topics, and reads them back for the dashboard.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date, timedelta

import duckdb
import pandas as pd

from analysis.period import Period
from analysis.stop_words import FRENCH_STOP_WORDS, SOCIAL_STOP_WORDS
from analysis.topic_model import (
    EMERGING_PER_PERIOD,
    EXAMPLES,
    MAX_DF,
    MIN_DF,
    MIN_EMERGING_POSTS,
    MIN_EMERGING_SHARE,
    MIN_GROWTH,
    MIN_POSTS,
    TOKEN_PATTERN,
    TOP_TERMS,
    WEIGHT_FLOOR,
    topics_of_period,
)
from analysis.topic_store import (
    TOPIC_COLUMNS,
    add_sentiment,
    brand_names,
    collected_docs,
    posts_of_topics,
    store_topics,
)

__all__ = [
    "EMERGING_PER_PERIOD",
    "EXAMPLES",
    "FRENCH_STOP_WORDS",
    "LABEL_TERMS",
    "MAX_DF",
    "MIN_DF",
    "MIN_EMERGING_POSTS",
    "MIN_EMERGING_SHARE",
    "MIN_GROWTH",
    "MIN_POSTS",
    "PERIODS",
    "SOCIAL_STOP_WORDS",
    "TOKEN_PATTERN",
    "TOPIC_COLUMNS",
    "TOP_TERMS",
    "WEIGHT_FLOOR",
    "compute_topics",
    "topics_for",
    "topics_in_period",
]

log = logging.getLogger(__name__)

# Period name -> the DuckDB date_trunc part and the length of one period.
PERIODS: dict[str, tuple[str, pd.DateOffset]] = {
    "week": ("week", pd.DateOffset(weeks=1)),
    "month": ("month", pd.DateOffset(months=1)),
    "quarter": ("quarter", pd.DateOffset(months=3)),
}
LABEL_TERMS = 3  # top terms that make a topic's label


def compute_topics(
    con: duckdb.DuckDBPyConnection,
    period: str = "month",
    topics_per_brand: int = 6,
    periods: int | None = None,
) -> pd.DataFrame:
    """Compute and store the topics of every brand in every period; return the topic rows.

    Args:
        con: a read-write warehouse connection.
        period: "week", "month" (default) or "quarter", calendar-aligned.
        topics_per_brand: topics per brand and period (fewer when the texts are too few).
        periods: recompute only the most recent ``periods`` periods and keep older ones, so
            ``pulse analyze`` stays incremental (2 recomputes the current and the previous one).

    Growth is (posts - previous_posts) / max(previous_posts, 1): 1.0 means the topic doubled.
    The recomputed periods' topics and post assignments are replaced as a whole, because a
    rerun on more data may find fewer topics than were stored.
    """
    if period not in PERIODS:
        raise ValueError(f"{period!r}: expected one of {', '.join(PERIODS)}")
    if periods is not None and periods < 1:
        raise ValueError("periods must be at least 1")
    since = _first_period(con, period, periods)
    if since is None:
        return pd.DataFrame(columns=TOPIC_COLUMNS)
    with collected_docs(con, PERIODS[period][0], _shift(since, period, -1)) as docs:
        found, assigned = _fit_periods(docs, brand_names(con), since, period, topics_per_brand)
        rows = _topic_rows(found, period)
        post_topics = posts_of_topics(con, assigned, rows)
        rows = add_sentiment(con, rows, post_topics)
        store_topics(con, since, rows, post_topics)
    log.info("topics: %d topics from %s", len(rows), since)
    return rows


def _fit_periods(
    docs: pd.DataFrame, names: dict[str, set[str]], since: date, period: str, k: int
) -> tuple[list[dict], list[pd.DataFrame]]:
    """The topics of every brand's period from ``since`` on, and each period's text topics; the
    period before ``since`` is read only for the growth of the first."""
    groups = dict(list(docs.groupby(["brand", "period_start"], sort=True)))
    found, assigned = [], []
    # The matrices are small: one BLAS thread is faster, and threads waiting on each other
    # (or on DuckDB's) made the fits up to 8x slower on a busy two-core machine.
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        for (brand, start), group in groups.items():
            if start < since:
                continue
            before = groups.get((brand, _shift(start, period, -1)))
            topics, texts = topics_of_period(group, before, names.get(brand, set()), k)
            found += [dict(t, brand=brand, period_start=start) for t in topics]
            assigned.append(texts.assign(brand=brand, period_start=start))
    return found, assigned


def topics_for(
    con: duckdb.DuckDBPyConnection, brand: str, period_start: date | str
) -> pd.DataFrame:
    """The stored topics of one brand in one period, largest first, for the dashboard."""
    return con.execute(
        "SELECT * FROM topics WHERE brand = ? AND period_start = ?::DATE "
        "ORDER BY posts DESC, topic_id",
        [brand, str(period_start)],
    ).df()


def _shift(start: date, period: str, periods: int) -> date:
    """The start of the period ``periods`` after (before, when negative) the one at ``start``."""
    return (pd.Timestamp(start) + PERIODS[period][1] * periods).date()


def _first_period(con: duckdb.DuckDBPyConnection, period: str, periods: int | None) -> date | None:
    """The start of the oldest period to recompute: the first with data, or ``periods`` back
    from the latest."""
    part = PERIODS[period][0]
    first, last = con.execute(
        f"SELECT date_trunc('{part}', min(p.created_at))::DATE, "
        f"date_trunc('{part}', max(p.created_at))::DATE "
        "FROM posts p WHERE p.post_id IN (SELECT post_id FROM brand_matches)"
    ).fetchall()[0]
    if last is None:
        return None
    if periods is None:
        return first
    return max(first, _shift(last, period, 1 - periods))


def _topic_rows(found: list[dict], period: str) -> pd.DataFrame:
    """One row per topic, numbered by volume within its brand and period (1 = largest)."""
    if not found:
        return pd.DataFrame(columns=[*TOPIC_COLUMNS, "index"])
    rows = pd.DataFrame(found)
    if "label" not in rows:
        rows["label"] = rows["top_terms"].map(lambda terms: ", ".join(terms[:LABEL_TERMS]))
    rows = rows.sort_values(
        ["brand", "period_start", "posts", "label"],
        ascending=[True, True, False, True],
        kind="stable",
    )
    rank = rows.groupby(["brand", "period_start"]).cumcount() + 1
    rows["topic_id"] = (
        rows["brand"] + "|" + rows["period_start"].astype(str) + "|" + rank.astype(str)
    )
    rows["period_end"] = [
        _shift(start, period, 1) - timedelta(days=1) for start in rows["period_start"]
    ]
    rows["previous_posts"] = rows["previous_posts"].astype("Int64")
    rows["growth"] = rows["growth"].astype("Float64")
    return rows.reset_index(drop=True)


def topics_in_period(
    con: duckdb.DuckDBPyConnection, period: Period, brands: Sequence[str] | None = None
) -> pd.DataFrame:
    """The stored topics of every period that overlaps the reporting period, newest
    period first and largest topic first, for the dashboard's topic list."""
    return con.execute(
        """
        SELECT topic_id, brand, period_start, period_end, label, top_terms, posts,
               net_sentiment, previous_posts, growth, emerging, example_post_ids
        FROM topics
        WHERE period_start <= ? AND period_end >= ?
          AND (?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], brand))
        ORDER BY period_start DESC, brand, posts DESC, topic_id
        """,
        [period.end, period.start, list(brands or []) or None, list(brands or []) or None],
    ).df()
