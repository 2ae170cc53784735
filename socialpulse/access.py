"""Who may do what: the five roles, one permission table, and the channels each role may see.

The table below is the only place a permission is decided: the dashboard asks ``can(role,
action)`` before showing a page or an action, and every query that reads posts adds
``visible_channel_filter(role)`` so a restricted channel (executives, crisis team) never reaches
a chart, table, search, export or report of a role outside its audience. The README shows the
same table (a test keeps the two identical).
"""

from __future__ import annotations

from datetime import datetime, timedelta

ROLES: tuple[str, ...] = ("admin", "marketing", "internal-comms", "executive", "auditor")

_ALL = frozenset(ROLES)
_ANALYSTS = frozenset({"admin", "marketing", "internal-comms", "executive"})

# action -> roles allowed. Pages are ``page:<name>``; the rest are actions inside pages.
PERMISSIONS: dict[str, frozenset[str]] = {
    "page:overview": _ANALYSTS,
    "page:listening": frozenset({"admin", "marketing", "executive"}),
    "page:mentions": frozenset({"admin", "marketing"}),
    "page:topics_alerts": frozenset({"admin", "marketing", "executive"}),
    "page:internal": frozenset({"admin", "internal-comms", "executive"}),
    "page:network": frozenset({"admin", "internal-comms", "executive"}),
    "page:push_pull": frozenset({"admin", "internal-comms", "executive"}),
    "page:maturity": _ANALYSTS,
    "page:roi": frozenset({"admin", "marketing", "executive"}),
    "page:audit": frozenset({"admin", "auditor"}),
    "export": frozenset({"admin", "marketing", "internal-comms", "auditor"}),
    # The one-page report is made for executives: curated figures, no post-level data.
    "report": _ANALYSTS,
    "search": _ANALYSTS,
    "sentiment_correction": frozenset({"admin", "marketing"}),
    "questionnaire_answer": frozenset({"admin", "marketing", "internal-comms"}),
    "roi_edit": frozenset({"admin", "marketing"}),
    "triage_alerts": frozenset({"admin", "marketing"}),
    "see_non_responders": frozenset({"admin", "internal-comms"}),
    # A private Slack reminder to who has not answered: the sender never sees who they are.
    "send_reminders": frozenset({"admin", "internal-comms"}),
    "manage_users": frozenset({"admin"}),
    "archive": frozenset({"admin"}),
    "restore": frozenset({"admin"}),
    "hold": frozenset({"admin", "auditor"}),
    "erase": frozenset({"admin"}),
}

# Dashboard page (its file name in dashboard/pages/) -> the permission that shows it. A page
# missing here is shown to admin only, so a new page is never open to everyone by accident.
PAGES: dict[str, str] = {
    "brand_conversations": "page:listening",
    "topics_alerts": "page:topics_alerts",
    "mentions": "page:mentions",
    "internal_engagement": "page:internal",
    "network": "page:network",
    "internal_network": "page:network",
    "expert_finder": "page:network",
    "push_pull": "page:push_pull",
    "maturity": "page:maturity",
    "roi": "page:roi",
    "kpi_scorecard": "page:overview",
    "overview": "page:overview",
    "audit_log": "page:audit",
}

# A restricted channel's ``restricted_to`` -> the roles that see it. A restricted channel with
# any other audience (a DM's participants, a private group's members) is visible to admin only.
RESTRICTED_AUDIENCES: dict[str, frozenset[str]] = {
    "executives": frozenset({"admin", "executive"}),
    "crisis_team": frozenset({"admin", "internal-comms", "executive"}),
}


def check_role(role: str) -> str:
    if role not in ROLES:
        raise ValueError(f"{role!r}: unknown role; expected one of {', '.join(ROLES)}")
    return role


def can(role: str | None, action: str) -> bool:
    """Whether ``role`` may do ``action``. An unknown action raises, so a typo in a page never
    silently grants or hides; an unknown or missing role may do nothing."""
    if action not in PERMISSIONS:
        raise ValueError(f"{action!r}: unknown action; expected one of {', '.join(PERMISSIONS)}")
    return role in PERMISSIONS[action]


def can_see_page(role: str | None, page: str) -> bool:
    """Whether ``role`` may open the dashboard page ``page`` (a file name without ``.py``)."""
    action = PAGES.get(page)
    return role == "admin" if action is None else can(role, action)


def allowed_actions(role: str) -> list[str]:
    return [action for action, roles in PERMISSIONS.items() if role in roles]


def visible_audiences(role: str | None) -> list[str]:
    """The ``restricted_to`` values whose channels ``role`` may see."""
    return sorted(a for a, roles in RESTRICTED_AUDIENCES.items() if role in roles)


def visible_channel_filter(
    role: str | None, channel_alias: str = "c", placeholder: str = "?"
) -> tuple[str, list]:
    """A SQL condition on a ``channels`` row (aliased ``channel_alias``) that is true where
    ``role`` may see the channel, and its parameters (at most one, written as ``placeholder``:
    ``$name`` for a statement with named parameters). Admin sees every channel."""
    if role == "admin":
        return "true", []
    c = channel_alias
    return (
        f"(coalesce({c}.sensitivity, 'public') <> 'restricted' "
        f"OR list_contains({placeholder}::VARCHAR[], {c}.restricted_to))",
        [visible_audiences(role)],
    )


def visible_post_filter(
    role: str | None, post_alias: str = "p", placeholder: str = "?"
) -> tuple[str, list]:
    """A SQL condition on a ``posts`` row (aliased ``post_alias``) that is true where ``role``
    may see the post: its channel is visible. Add it to every query that reads posts;
    ``placeholder`` as for :func:`visible_channel_filter`."""
    condition, params = visible_channel_filter(role, "_vc", placeholder)
    if condition == "true":
        return "true", []
    # Written as "not in a hidden channel", so a post without a channel row stays visible.
    return (
        f"coalesce({post_alias}.channel_id NOT IN (SELECT _vc.channel_id FROM channels _vc "
        f"WHERE NOT {condition}), true)",
        params,
    )


def session_is_valid(started_at: datetime, now: datetime, ttl: timedelta) -> bool:
    """A session lasts ``ttl`` from its login; a clock that went backwards ends it too."""
    return started_at <= now < started_at + ttl


def permission_table() -> str:
    """The permission table as Markdown, as the README shows it."""
    lines = ["| action | " + " | ".join(ROLES) + " |", "|---|" + "---|" * len(ROLES)]
    for action, roles in PERMISSIONS.items():
        marks = " | ".join("yes" if role in roles else "" for role in ROLES)
        lines.append(f"| `{action}` | {marks} |")
    return "\n".join(lines)
