"""`pulse analyze`: every stored analysis, in order, each one incremental.

Pages only read what this stores, so a page never waits for a model. Each step reports what it
did, for the command's one-line summary.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import duckdb

from analysis.answered_posts import refresh_answered_posts
from analysis.aspects import refresh_aspects
from analysis.brand_daily import refresh_brand_daily
from analysis.bursts import refresh_bursts
from analysis.internal_metrics import refresh_internal_metrics
from analysis.maturity import refresh_maturity
from analysis.mention_index import refresh_mention_index
from analysis.network import refresh_network
from analysis.notify import notify_new_alerts
from analysis.push_pull import refresh_push_pull
from analysis.response import refresh_inbound_mentions
from analysis.sentiment import score_new_posts
from analysis.sentiment_model_scoring import label_with_promoted_models
from analysis.spikes import detect_alerts
from analysis.topics import compute_topics
from socialpulse.config import Settings

log = logging.getLogger(__name__)


def steps(settings: Settings) -> list[tuple[str, Callable[[duckdb.DuckDBPyConnection], object]]]:
    """The steps, in the order their inputs need: sentiment before the roll-ups that count it,
    and the maturity scorecard last because it reads every other step's tables."""
    return [
        ("sentiment", lambda con: f"{score_new_posts(con):,} posts scored"),
        ("trained_models", lambda con: f"{label_with_promoted_models(con):,} posts labelled"),
        ("brand_daily", lambda con: f"{refresh_brand_daily(con):,} days rolled up"),
        ("bursts", lambda con: f"{refresh_bursts(con, settings.alerts):,} bursts"),
        ("mention_index", lambda con: f"{refresh_mention_index(con):,} mentions indexed"),
        ("topics", lambda con: f"{len(refresh_topics(con)):,} topics"),
        ("aspects", lambda con: f"{refresh_aspects(con):,} aspects"),
        ("alerts", lambda con: f"{len(detect_alerts(con, settings)):,} episodes found"),
        ("notifications", lambda con: f"{len(notify_new_alerts(con, settings)):,} alerts sent"),
        (
            "internal_metrics",
            lambda con: f"{refresh_internal_metrics(con, settings):,} internal figures",
        ),
        ("network", lambda con: f"{refresh_network(con, settings):,} network rows"),
        ("push_pull", lambda con: f"{refresh_push_pull(con, settings):,} push and pull rows"),
        ("answered", lambda con: f"{refresh_answered_posts(con):,} answered posts"),
        ("response", lambda con: f"{refresh_inbound_mentions(con):,} mentions needing a reply"),
        ("maturity", lambda con: f"{refresh_maturity(con, settings):,} criterion scores"),
    ]


def refresh_topics(con: duckdb.DuckDBPyConnection):
    """Every month the first time, then the current and previous months only (new mentions
    land there, and emerging topics compare with the month before)."""
    first_time = con.execute("SELECT count(*) FROM topics").fetchall()[0][0] == 0
    return compute_topics(con, periods=None if first_time else 2)


def run_analysis(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    report: Callable[[str, str], None] | None = None,
) -> dict[str, str]:
    """Run every step; ``report(step, outcome)`` is called as each finishes."""
    outcomes = {}
    for name, step in steps(settings):
        outcomes[name] = str(step(con))
        if report:
            report(name, outcomes[name])
    return outcomes
