"""SocialPulse dashboard: page configuration, the login gate and navigation, nothing else.

A visitor who is not signed in gets only the login page, whatever the URL. A signed-in user's
navigation holds only the pages their role may open (``socialpulse.access.PAGES``), so a link to
another page lands on their default page. Each page's first view in a session is audited.
"""

import logging

import streamlit as st

from dashboard import auth

st.set_page_config(page_title="SocialPulse", page_icon=":material/monitoring:", layout="wide")

SECTIONS = {
    "Marketing": [
        st.Page(
            "dashboard/pages/brand_conversations.py",
            title="Brand conversations",
            icon=":material/campaign:",
            default=True,
        ),
        st.Page(
            "dashboard/pages/topics_alerts.py",
            title="Topics & alerts",
            icon=":material/notifications_active:",
        ),
        st.Page("dashboard/pages/mentions.py", title="Mentions", icon=":material/forum:"),
    ],
    "Internal communications": [
        st.Page(
            "dashboard/pages/internal_engagement.py",
            title="Internal engagement",
            icon=":material/groups:",
        ),
        st.Page(
            "dashboard/pages/internal_network.py", title="Network and silos", icon=":material/hub:"
        ),
        st.Page(
            "dashboard/pages/push_pull.py",
            title="Announcements and check-ins",
            icon=":material/campaign:",
        ),
        st.Page(
            "dashboard/pages/expert_finder.py",
            title="Expert finder",
            icon=":material/person_search:",
        ),
    ],
    "Executive": [
        st.Page(
            "dashboard/pages/kpi_scorecard.py", title="KPI scorecard", icon=":material/insights:"
        ),
        st.Page(
            "dashboard/pages/maturity.py", title="Maturity scorecard", icon=":material/stairs:"
        ),
        st.Page("dashboard/pages/roi.py", title="Return on investment", icon=":material/savings:"),
    ],
    "Governance": [
        st.Page("dashboard/pages/audit_log.py", title="Audit log", icon=":material/policy:"),
    ],
}

if auth.signed_in():
    auth.account_sidebar()
    visible = auth.visible_pages(SECTIONS, auth.current_role())
    page = st.navigation(visible)
    auth.follow_wanted(visible)
    auth.record_once("page_view", page.title)
else:
    auth.remember_wanted()
    page = st.navigation([st.Page(auth.login_page, title="Sign in", icon=":material/login:")])
try:
    page.run()
except Exception:
    # Pages guard their own sections; this is the last line: log it, never show a traceback.
    logging.getLogger("dashboard").exception("page %s failed", page.title)
    st.error(
        "This page cannot be shown because of an internal error (it has been logged). "
        "Try **Refresh data** in the sidebar, or another page.",
        icon=":material/error:",
    )
