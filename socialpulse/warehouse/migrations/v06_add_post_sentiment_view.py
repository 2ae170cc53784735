"""Migration 6: add post sentiment view."""

from __future__ import annotations

import duckdb

from socialpulse.warehouse.migrations import migration


@migration(6)
def add_post_sentiment_view(con: duckdb.DuckDBPyConnection) -> None:
    """One answer per post to "what is its sentiment?": a human correction, else the promoted
    trained model, else the lexicon. Every analysis reads this view, so the precedence lives in
    one place."""
    con.execute(
        """
        CREATE VIEW post_sentiment AS
        SELECT p.post_id,
               coalesce(c.label, m.label, v.label) AS label,
               coalesce(m.compound, v.compound) AS compound,
               CASE WHEN c.label IS NOT NULL THEN 'human'
                    ELSE coalesce(m.model_version, v.model_version) END AS source
        FROM posts p
        LEFT JOIN sentiment_corrections c ON c.post_id = p.post_id
        LEFT JOIN sentiment_scores m ON m.post_id = p.post_id AND m.method = 'model'
        LEFT JOIN sentiment_scores v ON v.post_id = p.post_id AND v.method = 'vader'
        """
    )
