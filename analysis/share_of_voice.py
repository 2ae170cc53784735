"""Share of voice and net sentiment per brand, as defined in the metric reference.

Share of voice (by count) = a brand's mentions / all brand and competitor mentions x 100.
Net sentiment = (positive - negative) / all scored mentions x 100; a human label overrides VADER.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pandas as pd

from analysis.period import Period
from analysis.volume import brand_filter


def brand_summary(
    con: duckdb.DuckDBPyConnection, period: Period, brands: Sequence[str] | None = None
) -> pd.DataFrame:
    """Per brand: mentions, share of voice (%), positive, negative, net sentiment score."""
    condition, params = brand_filter(brands)
    return con.execute(
        f"""
        WITH mentions AS (
            SELECT m.brand, m.is_competitor, s.label
            FROM brand_matches m
            JOIN posts p USING (post_id)
            LEFT JOIN post_sentiment s ON s.post_id = m.post_id
            WHERE p.created_at >= ? AND p.created_at < ? AND {condition}
        )
        SELECT brand, bool_or(is_competitor) AS is_competitor,
               count(*) AS mentions,
               round(100.0 * count(*) / sum(count(*)) OVER (), 1) AS share_of_voice,
               count(*) FILTER (label = 'positive') AS positive,
               count(*) FILTER (label = 'negative') AS negative,
               count(*) FILTER (label IN ('positive', 'neutral', 'negative')) AS scored,
               round(100.0 * (count(*) FILTER (label = 'positive')
                              - count(*) FILTER (label = 'negative'))
                     / nullif(count(*) FILTER (label IN ('positive', 'neutral', 'negative')), 0),
                     1) AS net_sentiment
        FROM mentions
        GROUP BY brand
        ORDER BY is_competitor, mentions DESC
        """,
        [period.since, period.until, *params],
    ).df()
