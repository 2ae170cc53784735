"""The dashboard's only door to the warehouse: cached calls into the analysis functions.

Pages call ``data.some_read(filters)`` and never see SQL or a connection. Each read is a named
entry of ``cache.QUERIES``, cached per warehouse version on a shared read-only connection
(``cache``); the modules are split by the pages they serve:

- ``session``: the sidebar's ``Filters``, settings, the signed-in role, and whether the
  warehouse can show anything;
- ``listening``: brand conversations, topics and alerts, mentions;
- ``sentiment``: what to label next, what scores each language, trained models, aspects;
- ``internal``: internal engagement, network, announcements and check-ins, experts;
- ``executive``: KPI scorecard, maturity scorecard, return on investment;
- ``audit_log``: the audit log;
- ``writes``: sentiment corrections, questionnaire answers, ROI assumptions, alert steps, on a
  short read-write connection.
"""

from __future__ import annotations

from dashboard.data.audit_log import audit_events
from dashboard.data.cache import QUERIES, TTL_SECONDS, query, refresh, warehouse_version
from dashboard.data.executive import (
    EVER,
    kpis,
    kpis_with_trend,
    maturity_answers,
    maturity_history,
    maturity_questions,
    maturity_scorecard,
    roi_assumptions,
    roi_report,
)
from dashboard.data.internal import (
    SEGMENT_FILTERS,
    SEGMENT_NAMES,
    announcement_reach,
    bridging_people,
    check_in_answers,
    ei_index,
    engagement_heatmap,
    find_experts,
    flow_matrix,
    flow_share,
    internal_series,
    internal_summary_and_previous,
    non_responders,
    segment_values,
    series_scope,
)
from dashboard.data.listening import (
    alerts,
    brand_share,
    bursts,
    coverage,
    daily_mentions,
    mentions_by_id,
    mentions_export,
    places,
    response_by_platform,
    search_mentions,
    search_window,
    sentiment_trend,
    top_authors,
    topics_in_period,
)
from dashboard.data.sentiment import (
    aspects_in_period,
    language_coverage,
    suggested_mentions,
    trained_models,
)
from dashboard.data.session import (
    Filters,
    data_range,
    db_path,
    freshness,
    may,
    session_role,
    session_user,
    settings,
    warehouse_problem,
)
from dashboard.data.writes import (
    CORRECTION_WAIT_SECONDS,
    answer_question,
    correct_sentiment,
    remind_non_responders,
    set_roi_assumption,
    update_alert,
    write,
)

__all__ = [
    "aspects_in_period",
    "language_coverage",
    "suggested_mentions",
    "trained_models",
    "update_alert",
    "remind_non_responders",
    "CORRECTION_WAIT_SECONDS",
    "EVER",
    "QUERIES",
    "SEGMENT_FILTERS",
    "SEGMENT_NAMES",
    "TTL_SECONDS",
    "Filters",
    "alerts",
    "announcement_reach",
    "answer_question",
    "audit_events",
    "brand_share",
    "bursts",
    "bridging_people",
    "check_in_answers",
    "correct_sentiment",
    "coverage",
    "daily_mentions",
    "data_range",
    "db_path",
    "ei_index",
    "engagement_heatmap",
    "find_experts",
    "flow_matrix",
    "flow_share",
    "freshness",
    "internal_series",
    "internal_summary_and_previous",
    "kpis",
    "kpis_with_trend",
    "maturity_answers",
    "maturity_history",
    "maturity_questions",
    "maturity_scorecard",
    "may",
    "mentions_by_id",
    "mentions_export",
    "non_responders",
    "places",
    "query",
    "refresh",
    "response_by_platform",
    "roi_assumptions",
    "roi_report",
    "search_mentions",
    "search_window",
    "segment_values",
    "sentiment_trend",
    "series_scope",
    "session_role",
    "session_user",
    "set_roi_assumption",
    "settings",
    "top_authors",
    "topics_in_period",
    "warehouse_problem",
    "warehouse_version",
    "write",
]
