"""Share of voice and net sentiment per brand, as defined in the metric reference.

Share of voice (by count) = a brand's mentions / all brand and competitor mentions x 100.
Net sentiment = (positive - negative) / all scored mentions x 100; a human label overrides VADER.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pandas as pd

from analysis.period import Period
from analysis.volume import brand_filter, platform_filter


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


def share_of_voice(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    brands: Sequence[str] | None = None,
    platforms: Sequence[str] | None = None,
) -> pd.DataFrame:
    """``brand_summary`` read from the daily roll-up, on the chosen platforms too: per brand,
    mentions, share of voice (%), sentiment counts, net sentiment, engagements and reach.

    The roll-up holds a few rows per day, so a dashboard filter change costs milliseconds at any
    number of mentions; the roll-up is as fresh as the last `pulse analyze`.
    """
    brands_sql, brand_params = brand_filter(brands)
    platforms_sql, platform_params = platform_filter(platforms)
    return con.execute(
        f"""
        SELECT brand, bool_or(is_competitor) AS is_competitor,
               sum(mentions)::BIGINT AS mentions,
               round(100.0 * sum(mentions) / sum(sum(mentions)) OVER (), 1) AS share_of_voice,
               sum(positive)::BIGINT AS positive, sum(neutral)::BIGINT AS neutral,
               sum(negative)::BIGINT AS negative,
               sum(positive + neutral + negative)::BIGINT AS scored,
               round(100.0 * (sum(positive) - sum(negative))
                     / nullif(sum(positive + neutral + negative), 0), 1) AS net_sentiment,
               sum(engagements)::BIGINT AS engagements, sum(reach)::BIGINT AS reach
        FROM brand_daily m
        WHERE day BETWEEN ? AND ? AND {brands_sql} AND {platforms_sql}
        GROUP BY brand
        ORDER BY is_competitor, mentions DESC, brand
        """,
        [period.start, period.end, *brand_params, *platform_params],
    ).df()


def sentiment_trend(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    brands: Sequence[str] | None = None,
    platforms: Sequence[str] | None = None,
    grain: str = "week",
) -> pd.DataFrame:
    """Sentiment counts and net sentiment per brand and ``grain`` (day, week or month), from
    the daily roll-up; a period cut by the reporting period counts only its days inside."""
    if grain not in ("day", "week", "month"):
        raise ValueError(f"{grain!r}: expected day, week or month")
    brands_sql, brand_params = brand_filter(brands)
    platforms_sql, platform_params = platform_filter(platforms)
    return con.execute(
        f"""
        SELECT date_trunc('{grain}', day)::DATE AS period_start, brand,
               sum(mentions)::BIGINT AS mentions, sum(positive)::BIGINT AS positive,
               sum(neutral)::BIGINT AS neutral, sum(negative)::BIGINT AS negative,
               sum(positive + neutral + negative)::BIGINT AS scored,
               round(100.0 * (sum(positive) - sum(negative))
                     / nullif(sum(positive + neutral + negative), 0), 1) AS net_sentiment
        FROM brand_daily m
        WHERE day BETWEEN ? AND ? AND {brands_sql} AND {platforms_sql}
        GROUP BY ALL ORDER BY period_start, brand
        """,
        [period.start, period.end, *brand_params, *platform_params],
    ).df()
