"""What each of Solis' six stages of social business asks, and how the warehouse shows it.

Each criterion is measured in the warehouse (``analysis.maturity_first_stages`` and
``analysis.maturity_later_stages``, scored as ``analysis.maturity_grading`` says) or asked: a
questionnaire criterion is the executive owner's newest answer on or before the date;
``analysis.maturity`` reads those.
"""

from __future__ import annotations

from analysis.maturity_first_stages import (
    internal_against,
    kpi_targets_set,
    owned_conversation,
    owned_platforms,
    queries_collecting,
    response_within_target,
    sentiment_tracked,
    sharable_content,
    weekly_posting,
)
from analysis.maturity_grading import Criterion
from analysis.maturity_later_stages import (
    check_ins_answered,
    cross_department_flow,
    executives_active,
    governance,
    no_silent_department,
    segment_channels,
    stickiness_across_departments,
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
        internal_against("interactive_users", lambda s: s.maturity.interactive_users_benchmark),
    ),
    Criterion(
        "engagement.internal_reply_rate",
        "Internal threads get answered (reply rate target)",
        "warehouse",
        internal_against("reply_rate", lambda s: s.kpi_targets.reply_rate),
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
        internal_against("interactive_users", lambda s: s.kpi_targets.interactive_users),
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
