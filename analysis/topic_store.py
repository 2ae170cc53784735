"""The warehouse side of topics: the texts a refresh reads, and the topics and post topics it
writes back.

Texts are cleaned in SQL and grouped there, so the model only ever sees distinct texts with their
post counts; the post-to-text mapping stays in a temporary table for as long as the refresh runs,
to turn each text's topic back into its posts' topics without sending posts through Python.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import duckdb
import pandas as pd

from socialpulse.warehouse import transaction, upsert

TOPIC_COLUMNS = [
    "topic_id",
    "brand",
    "period_start",
    "period_end",
    "label",
    "top_terms",
    "posts",
    "net_sentiment",
    "previous_posts",
    "growth",
    "emerging",
    "example_post_ids",
    "computed_at",
]

# Lower-case, drop links and @handles, keep letters and digits: reposts and replies that only
# differ by the handle they address become one distinct text.
_CLEAN_TEXT = (
    r"trim(regexp_replace(regexp_replace(lower(p.text), '(https?://|www\.)\S+|@[\pL\pN_]+', ' ',"
    r" 'g'), '[^\pL\pN]+', ' ', 'g'))"
)


@contextmanager
def collected_docs(
    con: duckdb.DuckDBPyConnection, part: str, since: date
) -> Iterator[pd.DataFrame]:
    """Distinct cleaned texts per brand and period (``part``: DuckDB's ``date_trunc`` part) from
    ``since`` on, with their post count and first post, while the post-to-text mapping lasts."""
    try:
        yield _collect_docs(con, part, since)
    finally:
        con.execute("DROP TABLE IF EXISTS _topic_docs")


def _collect_docs(con: duckdb.DuckDBPyConnection, part: str, since: date) -> pd.DataFrame:
    """Distinct cleaned texts per brand and period; the post-to-text mapping goes to a temporary
    table, to turn text topics into post topics."""
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _topic_docs AS
        SELECT m.brand, date_trunc('{part}', p.created_at)::DATE AS period_start,
               p.post_id, p.created_at, {_CLEAN_TEXT} AS doc
        FROM brand_matches m JOIN posts p USING (post_id)
        WHERE p.created_at >= ?
        """,
        [since],
    )
    docs = con.execute(
        """
        SELECT brand, period_start, doc, count(*) AS n,
               arg_min(post_id, (created_at, post_id)) AS first_post
        FROM _topic_docs GROUP BY ALL ORDER BY brand, period_start, doc
        """
    ).df()
    return docs.assign(period_start=docs["period_start"].dt.date)


def brand_names(con: duckdb.DuckDBPyConnection) -> dict[str, set[str]]:
    """The words of each brand's own names (its name and the keywords, phrases and handles that
    matched it): every mention contains them, so as topic terms they would say nothing."""
    names: dict[str, set[str]] = {}
    for brand, rule in con.execute("SELECT DISTINCT brand, rule FROM brand_matches").fetchall():
        kind, _, term = (rule or "").partition(":")
        for form in (brand, term if kind in ("keyword", "phrase", "handle") else ""):
            words = re.findall(r"[^\W\d_]+", form.lower())
            names.setdefault(brand, set()).update([*words, "".join(words)] if words else [])
    return names


def posts_of_topics(
    con: duckdb.DuckDBPyConnection, assigned: list[pd.DataFrame], rows: pd.DataFrame
) -> pd.DataFrame:
    """Every post's topic and weight, from its distinct text's topic."""
    if rows.empty:
        return pd.DataFrame(columns=["post_id", "topic_id", "weight"])
    texts = pd.concat(assigned, ignore_index=True).merge(
        rows[["brand", "period_start", "index", "topic_id"]], on=["brand", "period_start", "index"]
    )
    con.register("_topic_texts", texts[["brand", "period_start", "doc", "topic_id", "weight"]])
    try:
        return con.execute(
            """
            SELECT d.post_id, t.topic_id, t.weight
            FROM _topic_docs d JOIN _topic_texts t USING (brand, period_start, doc)
            ORDER BY t.topic_id, d.post_id
            """
        ).df()
    finally:
        con.unregister("_topic_texts")


def add_sentiment(
    con: duckdb.DuckDBPyConnection, rows: pd.DataFrame, post_topics: pd.DataFrame
) -> pd.DataFrame:
    """Net sentiment of each topic's posts: (positive - negative) / scored x 100, where a human
    correction overrides the model (the ``post_sentiment`` view), as for a brand."""
    if rows.empty:
        return rows.reindex(columns=TOPIC_COLUMNS)
    con.register("_post_topics", post_topics)
    try:
        net = con.execute(
            """
            SELECT t.topic_id,
                   round(100.0 * (count(*) FILTER (s.label = 'positive')
                                  - count(*) FILTER (s.label = 'negative'))
                         / nullif(count(*) FILTER (s.label IN ('positive', 'neutral',
                                                                 'negative')), 0),
                         1) AS net_sentiment
            FROM _post_topics t LEFT JOIN post_sentiment s USING (post_id)
            GROUP BY t.topic_id
            """
        ).df()
    finally:
        con.unregister("_post_topics")
    rows = rows.merge(net, on="topic_id", how="left")
    rows["computed_at"] = pd.Timestamp.now(tz="UTC").tz_localize(None).floor("s")
    return rows[TOPIC_COLUMNS]


def store_topics(
    con: duckdb.DuckDBPyConnection, since: date, rows: pd.DataFrame, post_topics: pd.DataFrame
) -> None:
    """Replace the topics of every period from ``since`` on, and their post assignments.

    Only assignments that the new ones do not repeat are deleted; the rest are upserted in place,
    because deleting from an indexed table costs DuckDB about ten times as much as inserting.
    """
    con.register("_new_post_topics", post_topics)
    try:
        with transaction(con):
            con.execute(
                """
                DELETE FROM post_topics o
                WHERE topic_id IN (SELECT topic_id FROM topics WHERE period_start >= ?)
                  AND NOT EXISTS (SELECT 1 FROM _new_post_topics n
                                  WHERE n.post_id = o.post_id AND n.topic_id = o.topic_id)
                """,
                [since],
            )
            con.execute("DELETE FROM topics WHERE period_start >= ?", [since])
            if not rows.empty:
                upsert(con, "topics", rows)
                upsert(con, "post_topics", post_topics)
    finally:
        con.unregister("_new_post_topics")
