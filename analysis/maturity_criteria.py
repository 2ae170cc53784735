"""What each of Solis' six stages of social business asks, and how the warehouse shows it.

A criterion scores 0, 0.5 or 1 with its evidence. A warehouse criterion measures figures as of a
date (nothing after that day counts) and grades them against its threshold in `[maturity]` or
`[kpi_targets]`: 1 at the threshold, 0.5 from half of it (for a time: up to twice it), else 0, so
a better figure never scores lower. A questionnaire criterion is the executive owner's newest
answer on or before that date; `analysis.maturity` reads those.

The internal figures come from the roll-ups `pulse analyze` stores (`internal_metrics`,
`network_flow`, `push_pull`), already folded by the privacy floor; monthly ones are read for the
last full calendar month ending on or before the date.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import duckdb
import pandas as pd

from analysis.period import Period
from analysis.privacy_floor import reportable_groups
from analysis.push_pull import check_in_totals
from analysis.response import response_performance
from socialpulse.config import KpiTargets, Settings

STAGES = (
    (1, "Planning", "Listen to learn"),
    (2, "Presence", "Stake our claim"),
    (3, "Engagement", "Dialogue deepens relationships"),
    (4, "Formalized", "Organized for scale"),
    (5, "Strategic", "Becoming a social business"),
    (6, "Converged", "Business is social"),
)
STAGE_NUMBER = {name.lower(): number for number, name, _ in STAGES}
POSTING_WEEKS = 12
NOT_ANALYSED = "not computed for this period yet: run `pulse analyze`"

Measure = Callable[[duckdb.DuckDBPyConnection, Settings, date], dict]


@dataclass(frozen=True)
class Criterion:
    id: str
    description: str
    source: str  # 'warehouse' or 'questionnaire'
    measure: Measure | None = None
    question: str | None = None

    @property
    def stage(self) -> int:
        return STAGE_NUMBER[self.id.split(".", 1)[0]]


def grade(value: float | None, target: float) -> float:
    """1 at or above the target, 0.5 from half of it, 0 below that or without a figure."""
    if value is None or pd.isna(value):
        return 0.0
    if value >= target:
        return 1.0
    return 0.5 if value >= target / 2 else 0.0


def grade_time(minutes: float | None, target: float) -> float:
    """For a delay, where less is better: 1 within the target, 0.5 within twice it."""
    if minutes is None or pd.isna(minutes):
        return 0.0
    if minutes <= target:
        return 1.0
    return 0.5 if minutes <= 2 * target else 0.0


def _plain(value):
    if value is None or (not isinstance(value, list | str) and pd.isna(value)):
        return None
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, bool | str):
        return value
    if float(value).is_integer() and not isinstance(value, float):
        return int(value)
    return round(float(value), 1)


def evidence(score: float, period: Period | None, note: str | None = None, **numbers) -> dict:
    """The stored shape: the score, the figures behind it, the period they cover."""
    result = {
        "score": score,
        "numbers": {name: _plain(value) for name, value in numbers.items()},
        "period": None
        if period is None
        else {"start": period.start.isoformat(), "end": period.end.isoformat()},
    }
    if note:
        result["note"] = note
    return result


def window(as_of: date, days: int) -> Period:
    return Period(as_of - timedelta(days=days - 1), as_of)


def full_month(as_of: date) -> Period:
    """The last calendar month that ended on or before ``as_of``."""
    end = (as_of + timedelta(days=1)).replace(day=1) - timedelta(days=1)
    return Period(end.replace(day=1), end)


def _percent(part, whole) -> float | None:
    return 100.0 * part / whole if whole else None


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
    coverage = _percent(scored, mentions)
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
    share = _percent(weeks, POSTING_WEEKS)
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
    rate = _percent(answered, needing)
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


def _monthly_metric(con: duckdb.DuckDBPyConnection, month: Period, metric: str) -> tuple:
    rows = con.execute(
        "SELECT value, numerator, denominator FROM internal_metrics "
        "WHERE grain = 'month' AND segment_type = 'all' AND period_start = ? AND metric = ?",
        [month.start, metric],
    ).fetchall()
    return rows[0] if rows else (None, None, None)


def _internal_against(metric: str, target_of: Callable[[Settings], float]) -> Measure:
    def measure(con: duckdb.DuckDBPyConnection, settings: Settings, as_of: date) -> dict:
        month = full_month(as_of)
        value, numerator, denominator = _monthly_metric(con, month, metric)
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


# --- Formalized -----------------------------------------------------------------------------


def segment_channels(con: duckdb.DuckDBPyConnection, settings: Settings, as_of: date) -> dict:
    departments, locations = con.execute(
        """
        SELECT count(DISTINCT c.segment_value) FILTER (c.segment_type = 'department'),
               count(DISTINCT c.segment_value) FILTER (c.segment_type = 'location')
        FROM channels c
        WHERE c.scope = 'internal'
          AND EXISTS (SELECT 1 FROM posts p WHERE p.channel_id = c.channel_id AND p.created_at < ?)
        """,
        [Period(as_of, as_of).until],
    ).fetchall()[0]
    need_d, need_l = settings.maturity.department_channels, settings.maturity.location_channels
    score = min(grade(departments, need_d), grade(locations, need_l))
    return evidence(
        score,
        None,
        departments_with_channel=departments,
        locations_with_channel=locations,
        target_departments=need_d,
        target_locations=need_l,
    )


def governance(con: duckdb.DuckDBPyConnection, settings: Settings, as_of: date) -> dict:
    restricted, audited = con.execute(
        "SELECT (SELECT count(*) FROM channels WHERE sensitivity = 'restricted' "
        "        AND restricted_to IS NOT NULL), "
        "       (SELECT count(*) FROM audit_log WHERE occurred_at < ?)",
        [Period(as_of, as_of).until],
    ).fetchall()[0]
    retention = bool(settings.retention.model_fields_set)
    features = int(retention) + int(restricted > 0) + int(audited > 0)
    return evidence(
        grade(features, 3),
        None,
        "retention: the configuration in force",
        features_on=features,
        features=3,
        retention_configured=retention,
        restricted_channels=restricted,
        audit_events=audited,
    )


# --- Strategic ------------------------------------------------------------------------------


def executives_active(con: duckdb.DuckDBPyConnection, settings: Settings, as_of: date) -> dict:
    period = window(as_of, settings.maturity.activity_days)
    active, executives = con.execute(
        """
        SELECT count(*) FILTER (EXISTS (
                   SELECT 1 FROM posts p JOIN channels c USING (channel_id)
                   WHERE c.scope = 'internal' AND p.author_id = a.author_id
                     AND p.created_at >= ? AND p.created_at < ?)),
               count(*)
        FROM authors a WHERE a.scope = 'internal' AND a.in_directory AND a.is_executive
        """,
        [period.since, period.until],
    ).fetchall()[0]
    target = settings.maturity.executives_active
    if executives < settings.privacy.min_group_size:
        return evidence(
            0.0,
            period,
            "fewer executives in the directory than the privacy floor: withheld",
            executives=None,
            active=None,
            target_pct=target,
        )
    share = _percent(active, executives)
    return evidence(
        grade(share, target),
        period,
        executives=executives,
        active=active,
        share_pct=share,
        target_pct=target,
    )


def cross_department_flow(con: duckdb.DuckDBPyConnection, settings: Settings, as_of: date) -> dict:
    month = full_month(as_of)
    across, edges = con.execute(
        "SELECT coalesce(sum(edges) FILTER (source_value <> target_value), 0), "
        "coalesce(sum(edges), 0) FROM network_flow "
        "WHERE segment_type = 'department' AND period_start = ?",
        [month.start],
    ).fetchall()[0]
    share = _percent(across, edges)
    target = settings.maturity.cross_department_flow
    return evidence(
        grade(share, target),
        month,
        None if edges else NOT_ANALYSED,
        edges_across=across,
        edges=edges,
        share_pct=share,
        target_pct=target,
    )


def check_ins_answered(con: duckdb.DuckDBPyConnection, settings: Settings, as_of: date) -> dict:
    period = window(as_of, 365)
    check_ins, responded, audience = check_in_totals(con, period)
    rate = _percent(responded, audience)
    target = settings.kpi_targets.check_in_answer_rate
    return evidence(
        grade(rate, target),
        period,
        None if check_ins else "no check-in in the year",
        check_ins=check_ins,
        answered=responded,
        audience=audience,
        answer_rate_pct=rate,
        target_pct=target,
    )


# --- Converged ------------------------------------------------------------------------------


def stickiness_across_departments(
    con: duckdb.DuckDBPyConnection, settings: Settings, as_of: date
) -> dict:
    month = full_month(as_of)
    target = settings.kpi_targets.stickiness
    meeting, departments, below = con.execute(
        "SELECT count(*) FILTER (value >= ?), count(*), "
        "coalesce(list(segment_value ORDER BY segment_value) FILTER (value < ?), []) "
        "FROM internal_metrics WHERE grain = 'month' AND segment_type = 'department' "
        "AND metric = 'stickiness' AND period_start = ? AND value IS NOT NULL",
        [target, target, month.start],
    ).fetchall()[0]
    share = _percent(meeting, departments)
    needed = settings.maturity.departments_at_stickiness
    return evidence(
        grade(share, needed),
        month,
        None if departments else NOT_ANALYSED,
        departments=departments,
        meeting_target=meeting,
        below_target=list(below),
        share_pct=share,
        stickiness_target_pct=target,
        target_pct=needed,
    )


def no_silent_department(con: duckdb.DuckDBPyConnection, settings: Settings, as_of: date) -> dict:
    """Every department group has someone contributing; groups are those of the privacy floor,
    so a small department is only ever seen inside "Other"."""
    month = full_month(as_of)
    groups = {
        g
        for g in reportable_groups(con, "department", settings.privacy.min_group_size).values()
        if g is not None
    }
    active = {
        row[0]
        for row in con.execute(
            "SELECT segment_value FROM internal_metrics WHERE grain = 'month' "
            "AND segment_type = 'department' AND metric = 'active_people' AND period_start = ? "
            "AND value > 0",
            [month.start],
        ).fetchall()
    }
    stored = con.execute(
        "SELECT count(*) FROM internal_metrics WHERE grain = 'month' AND period_start = ? "
        "AND segment_type = 'department'",
        [month.start],
    ).fetchall()[0][0]
    speaking = len(groups & active)
    share = _percent(speaking, len(groups)) if stored else None
    return evidence(
        grade(share, 100.0),
        month,
        None if stored else NOT_ANALYSED,
        departments=len(groups),
        with_contributors=speaking,
        silent=sorted(groups - active) if stored else None,
        share_pct=share,
    )


def _asked(criterion_id: str, description: str, question: str) -> Criterion:
    return Criterion(criterion_id, description, "questionnaire", question=question)


CRITERIA: tuple[Criterion, ...] = (
    Criterion(
        "planning.queries_collecting",
        "Brand and competitor mentions collected for `listening_days` days or more",
        "warehouse",
        queries_collecting,
    ),
    Criterion(
        "planning.kpi_targets",
        "KPIs chosen, each with a target in `[kpi_targets]`",
        "warehouse",
        kpi_targets_set,
    ),
    Criterion(
        "planning.sentiment_tracked",
        "Sentiment tracked on own-brand mentions",
        "warehouse",
        sentiment_tracked,
    ),
    _asked(
        "planning.goals_defined",
        "Business goals for listening written down",
        "Are the business goals of listening written down (what you listen for, and why)?",
    ),
    _asked(
        "planning.insights_shared",
        "Listening insights shared beyond the social team",
        "Are listening insights shared beyond the social team, e.g. in a monthly report?",
    ),
    Criterion(
        "presence.owned_platforms",
        "Owned accounts active on several platforms",
        "warehouse",
        owned_platforms,
    ),
    Criterion(
        "presence.weekly_posting", "Owned accounts post every week", "warehouse", weekly_posting
    ),
    Criterion(
        "presence.sharable_content",
        "Owned content is shared (amplification rate)",
        "warehouse",
        sharable_content,
    ),
    _asked(
        "presence.policy_published",
        "A social-media policy published and acknowledged",
        "Is a social-media policy published, and have employees acknowledged it?",
    ),
    _asked(
        "presence.objectives_linked",
        "Each owned account linked to a business objective",
        "Is each owned account linked to a written business objective?",
    ),
    Criterion(
        "engagement.response_within_target",
        "Mentions that need a reply get one, within the target time",
        "warehouse",
        response_within_target,
    ),
    Criterion(
        "engagement.owned_conversation",
        "Owned posts start conversations (conversation rate)",
        "warehouse",
        owned_conversation,
    ),
    Criterion(
        "engagement.interactive_users",
        "Interactive employees above SWOOP's benchmark",
        "warehouse",
        _internal_against("interactive_users", lambda s: s.maturity.interactive_users_benchmark),
    ),
    Criterion(
        "engagement.internal_reply_rate",
        "Internal threads get answered (reply rate target)",
        "warehouse",
        _internal_against("reply_rate", lambda s: s.kpi_targets.reply_rate),
    ),
    _asked(
        "engagement.rules_and_audits",
        "Rules of engagement written, accounts audited",
        "Are rules of engagement and escalation written down, and are the accounts audited "
        "at least once a year?",
    ),
    Criterion(
        "formalized.segment_channels",
        "Departments and locations have their own active channels",
        "warehouse",
        segment_channels,
    ),
    Criterion(
        "formalized.governance",
        "Governance on: retention policy, restricted channels, audit log in use",
        "warehouse",
        governance,
    ),
    _asked(
        "formalized.coe_named",
        "A centre of excellence named, with a defined role",
        "Is a centre of excellence (CoE) named, with a defined role across business units?",
    ),
    _asked(
        "formalized.executive_sponsor",
        "An executive sponsor named",
        "Is an executive sponsor named for social business?",
    ),
    _asked(
        "formalized.business_metrics",
        "Social KPIs linked to business metrics",
        "Are social KPIs linked to business metrics (sales, support cost, retention) in "
        "regular reports?",
    ),
    Criterion(
        "strategic.executives_active",
        "Executives active in the internal network",
        "warehouse",
        executives_active,
    ),
    Criterion(
        "strategic.cross_department_flow",
        "Conversation flows across departments",
        "warehouse",
        cross_department_flow,
    ),
    Criterion(
        "strategic.check_ins_answered",
        "Pull requests (check-ins) answered at the target rate",
        "warehouse",
        check_ins_answered,
    ),
    Criterion(
        "strategic.employees_at_scale",
        "Interactive employees at the target rate",
        "warehouse",
        _internal_against("interactive_users", lambda s: s.kpi_targets.interactive_users),
    ),
    _asked(
        "strategic.board_reviews",
        "The board reviews social KPIs",
        "Does the board or executive committee review social KPIs at least quarterly?",
    ),
    Criterion(
        "converged.stickiness_across_departments",
        "Stickiness (DAU/MAU) at target across departments",
        "warehouse",
        stickiness_across_departments,
    ),
    Criterion(
        "converged.no_silent_department",
        "No department is silent",
        "warehouse",
        no_silent_department,
    ),
    _asked(
        "converged.predictive_decisions",
        "Decisions taken from predictive insights",
        "Are decisions taken from predictive insights (forecasts) drawn from social data?",
    ),
    _asked(
        "converged.incentives_aligned",
        "Incentives aligned with social business goals",
        "Are incentives and objectives aligned with social business goals in every function?",
    ),
)
BY_ID = {criterion.id: criterion for criterion in CRITERIA}
