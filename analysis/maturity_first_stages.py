"""The warehouse criteria of Solis' first three stages: Planning (listen to learn), Presence
(stake our claim) and Engagement (dialogue deepens relationships)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import duckdb

from analysis.maturity_grading import (
    NOT_ANALYSED,
    POSTING_WEEKS,
    Measure,
    evidence,
    full_month,
    grade,
    grade_time,
    percent,
    window,
)
from analysis.period import Period
from analysis.response import response_performance
from socialpulse.config import KpiTargets, Settings

# --- Planning -------------------------------------------------------------------------------


def queries_collecting(con: duckdb.DuckDBPyConnection, settings: Settings, as_of: date) -> dict:
    own, competitor, first = con.execute(
        "SELECT count(DISTINCT day) FILTER (NOT is_competitor), "
        "count(DISTINCT day) FILTER (is_competitor), min(day) "
        "FROM brand_daily WHERE mentions > 0 AND day <= ?",
        [as_of],
    ).fetchall()[0]
    target = settings.maturity.listening_days
    return evidence(
        grade(min(own, competitor), target),
        Period(first, as_of) if first else None,
        None if first else "no brand mentions rolled up: run `pulse analyze`",
        own_brand_days=own,
        competitor_days=competitor,
        target_days=target,
    )


def kpi_targets_set(con: duckdb.DuckDBPyConnection, settings: Settings, as_of: date) -> dict:
    configured = sorted(settings.kpi_targets.model_fields_set)
    kpis = len(KpiTargets.model_fields)
    return evidence(
        grade(len(configured), kpis),
        None,
        "the configuration in force (it keeps no history)",
        kpis_with_targets=len(configured),
        kpis=kpis,
        configured=configured,
    )


def sentiment_tracked(con: duckdb.DuckDBPyConnection, settings: Settings, as_of: date) -> dict:
    period = window(as_of, settings.maturity.window_days)
    mentions, scored = con.execute(
        "SELECT coalesce(sum(mentions), 0), coalesce(sum(positive + neutral + negative), 0) "
        "FROM brand_daily WHERE NOT is_competitor AND day BETWEEN ? AND ?",
        [period.start, period.end],
    ).fetchall()[0]
    coverage = percent(scored, mentions)
    target = settings.maturity.sentiment_coverage
    return evidence(
        grade(coverage, target),
        period,
        None if mentions else "no own-brand mentions in the period",
        own_brand_mentions=mentions,
        with_sentiment=scored,
        coverage_pct=coverage,
        target_pct=target,
    )


# --- Presence -------------------------------------------------------------------------------


def owned_platforms(con: duckdb.DuckDBPyConnection, settings: Settings, as_of: date) -> dict:
    period = window(as_of, settings.maturity.window_days)
    platforms = con.execute(
        "SELECT coalesce(list(DISTINCT p.platform ORDER BY p.platform), []) "
        "FROM posts p JOIN authors a USING (author_id) "
        "WHERE a.is_owned AND p.created_at >= ? AND p.created_at < ?",
        [period.since, period.until],
    ).fetchall()[0][0]
    target = settings.maturity.owned_platforms
    return evidence(
        grade(len(platforms), target),
        period,
        platforms=len(platforms),
        names=list(platforms),
        target=target,
    )


def weekly_posting(con: duckdb.DuckDBPyConnection, settings: Settings, as_of: date) -> dict:
    period = window(as_of, 7 * POSTING_WEEKS)
    weeks = con.execute(
        "SELECT count(DISTINCT date_diff('day', p.created_at::DATE, ?::DATE) // 7) "
        "FROM posts p JOIN authors a USING (author_id) "
        "WHERE a.is_owned AND p.kind IN ('post', 'share') "
        "AND p.created_at >= ? AND p.created_at < ?",
        [as_of, period.since, period.until],
    ).fetchall()[0][0]
    share = percent(weeks, POSTING_WEEKS)
    target = settings.maturity.weekly_posting
    return evidence(
        grade(share, target),
        period,
        weeks_with_owned_post=weeks,
        weeks=POSTING_WEEKS,
        share_pct=share,
        target_pct=target,
    )


def _owned_engagement(con: duckdb.DuckDBPyConnection, period: Period) -> tuple[int, int, int, int]:
    """Owned original posts in the period, how many were measured, and their shares and replies
    at the latest measurement taken within the period (Kaushik: per post, not per follower)."""
    return con.execute(
        """
        WITH owned AS (
            SELECT p.post_id FROM posts p JOIN authors a USING (author_id)
            WHERE a.is_owned AND p.kind = 'post' AND p.created_at >= ? AND p.created_at < ?
        ),
        latest AS (
            SELECT s.post_id, arg_max(s.shares, s.taken_at) AS shares,
                   arg_max(s.replies, s.taken_at) AS replies
            FROM engagement_snapshots s JOIN owned USING (post_id)
            WHERE s.taken_at < ? GROUP BY s.post_id
        )
        SELECT (SELECT count(*) FROM owned), count(*), coalesce(sum(shares), 0),
               coalesce(sum(replies), 0)
        FROM latest
        """,
        [period.since, period.until, period.until],
    ).fetchall()[0]


def sharable_content(con: duckdb.DuckDBPyConnection, settings: Settings, as_of: date) -> dict:
    period = window(as_of, settings.maturity.window_days)
    posts, measured, shares, _ = _owned_engagement(con, period)
    rate = shares / posts if posts else None
    target = settings.maturity.amplification_rate
    return evidence(
        grade(rate, target),
        period,
        None if posts else "no owned post in the period",
        owned_posts=posts,
        measured=measured,
        shares=shares,
        amplification_rate=rate,
        target=target,
    )


# --- Engagement -----------------------------------------------------------------------------


def response_within_target(con: duckdb.DuckDBPyConnection, settings: Settings, as_of: date) -> dict:
    period = window(as_of, settings.maturity.window_days)
    brands = response_performance(con, period)
    needing, answered = int(brands["needing_reply"].sum()), int(brands["answered"].sum())
    rate = percent(answered, needing)
    median = brands["median_minutes"].max() if answered else None  # the slowest own brand
    target, minutes = settings.maturity.response_rate, settings.maturity.response_minutes
    score = min(grade(rate, target), grade_time(median, minutes))
    return evidence(
        score,
        period,
        None if needing else "no inbound mention needed a reply",
        needing_reply=needing,
        answered=answered,
        response_rate_pct=rate,
        median_minutes=median,
        target_pct=target,
        target_minutes=minutes,
    )


def owned_conversation(con: duckdb.DuckDBPyConnection, settings: Settings, as_of: date) -> dict:
    period = window(as_of, settings.maturity.window_days)
    posts, measured, _, replies = _owned_engagement(con, period)
    rate = replies / posts if posts else None
    target = settings.maturity.conversation_rate
    return evidence(
        grade(rate, target),
        period,
        None if posts else "no owned post in the period",
        owned_posts=posts,
        measured=measured,
        replies=replies,
        conversation_rate=rate,
        target=target,
    )


def monthly_metric(con: duckdb.DuckDBPyConnection, month: Period, metric: str) -> tuple:
    rows = con.execute(
        "SELECT value, numerator, denominator FROM internal_metrics "
        "WHERE grain = 'month' AND segment_type = 'all' AND period_start = ? AND metric = ?",
        [month.start, metric],
    ).fetchall()
    return rows[0] if rows else (None, None, None)


def internal_against(metric: str, target_of: Callable[[Settings], float]) -> Measure:
    def measure(con: duckdb.DuckDBPyConnection, settings: Settings, as_of: date) -> dict:
        month = full_month(as_of)
        value, numerator, denominator = monthly_metric(con, month, metric)
        target = target_of(settings)
        return evidence(
            grade(value, target),
            month,
            None if value is not None else NOT_ANALYSED,
            value_pct=value,
            numerator=numerator,
            denominator=denominator,
            target_pct=target,
        )

    return measure
