"""The warehouse criteria of Solis' last three stages: Formalized (organized for scale),
Strategic (becoming a social business) and Converged (business is social).

The internal figures come from the roll-ups `pulse analyze` stores (`internal_metrics`,
`network_flow`, `push_pull`), already folded by the privacy floor; monthly ones are read for the
last full calendar month ending on or before the date.
"""

from __future__ import annotations

from datetime import date

import duckdb

from analysis.maturity_grading import NOT_ANALYSED, evidence, full_month, grade, percent, window
from analysis.period import Period
from analysis.privacy_floor import reportable_groups
from analysis.push_pull import check_in_totals
from socialpulse.config import Settings

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
    share = percent(active, executives)
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
    share = percent(across, edges)
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
    rate = percent(responded, audience)
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
    share = percent(meeting, departments)
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
    share = percent(speaking, len(groups)) if stored else None
    return evidence(
        grade(share, 100.0),
        month,
        None if stored else NOT_ANALYSED,
        departments=len(groups),
        with_contributors=speaking,
        silent=sorted(groups - active) if stored else None,
        share_pct=share,
    )
