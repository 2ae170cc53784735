"""The reads behind the Mentions page's sentiment tab (what to label next, what scores each
language, the trained models) and the aspects on Topics & alerts."""

from __future__ import annotations

import pandas as pd

from analysis import aspects, sentiment_coverage, sentiment_suggest
from analysis.period import Period
from dashboard.data.cache import QUERIES, query
from dashboard.data.listening import mentions_by_id
from dashboard.data.session import Filters

QUERIES.update(
    {
        "aspects": lambda con, start, end, brands, limit: aspects.aspects_in_period(
            con, Period(start, end), brands, limit
        ),
        "suggestions": lambda con, start, end, language, limit: sentiment_suggest.suggest_labels(
            con, limit, language, Period(start, end)
        ),
        "language_coverage": lambda con, start, end: sentiment_coverage.language_coverage(
            con, Period(start, end)
        ),
        "trained_models": lambda con: sentiment_coverage.trained_models(con),
    }
)


def aspects_in_period(f: Filters, limit: int = 8) -> pd.DataFrame:
    return query("aspects", f.db, f.start, f.end, f.brands, limit)


def suggested_mentions(f: Filters, language: str = "en", limit: int = 10) -> pd.DataFrame:
    """The mentions worth labelling next, as the mention list shows them (the signed-in role's
    own), with the topic each one comes from and how unsure the current label is."""
    suggested = query("suggestions", f.db, f.start, f.end, language, limit)
    shown = mentions_by_id(f.db, suggested["post_id"])
    return shown.merge(suggested[["post_id", "topic", "uncertainty"]], on="post_id")


def language_coverage(f: Filters) -> pd.DataFrame:
    return query("language_coverage", f.db, f.start, f.end)


def trained_models(db: str) -> pd.DataFrame:
    return query("trained_models", db)
