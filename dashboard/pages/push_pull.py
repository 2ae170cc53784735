"""Internal communications: whether announcements reach people and check-ins get answers, by
department and location.

Reads ``push_pull``, stored by `pulse analyze` with departments and locations folded by the
privacy floor; with department, location or employee-type filters in the sidebar, every chart
and table is computed for the selected people only (``push_pull.selected_rates``: the stored
table holds one segment type at a time), and a selection the privacy floor forbids shows no
figure. The list of who has not answered keeps the selected people too. The names of the
people who have not answered a check-in are shown only to a role allowed to see them
(``see_non_responders`` in socialpulse/access.py): none without a signed-in role.
"""

import pandas as pd
import streamlit as st

from dashboard import data
from dashboard.components import columns, edits, internal_charts, states
from dashboard.components.charts import chart_with_summary
from dashboard.components.filters import sidebar_filters
from dashboard.components.tables import duration_text, table

REMINDER_MESSAGE = "_reminder_message"
POST_COLUMNS = {
    "post_id": None,
    "segment_value": None,
    "created_at": columns.moment("Sent (UTC)"),
    "channel": "Channel",
    "headline": columns.text("Headline", width="large"),
    "audience": columns.count("Audience"),
}
SEGMENTS = {"department": "Department", "location": "Location"}
CHOSEN = {"department": "departments", "location": "locations", "employee_type": "employee_types"}

st.title("Announcements and check-ins")
filters = sidebar_filters(with_brands=False, internal=True)
segment = (
    st.segmented_control(
        "By",
        list(SEGMENTS),
        format_func=SEGMENTS.get,
        default="department",
        key="push_segment",
        required=True,
    )
    or "department"
)
selected = any(getattr(filters, field) for field in CHOSEN.values())
if selected:
    st.caption(
        "Computed for the people the sidebar's departments, locations and employee "
        "types select: each post's audience among them."
    )


def _remind(post_id: str, people: set[str] | None) -> None:
    """Send the reminder written in the form (``data.remind_non_responders``: the names never
    reach this page), and say how many got it."""
    sent, refused = edits.attempt(
        lambda: data.remind_non_responders(
            filters.db,
            post_id,
            st.session_state.get("reminder_text", ""),
            edits.actor(),
            edits.role(),
            people,
        ),
        "check-in reminder",
    )
    st.session_state[REMINDER_MESSAGE] = (
        ("error", refused)
        if refused
        else (
            "success",
            f"Sent: {sent.reminded:,} people reminded privately on Slack"
            + (f"; {sent.unreachable:,} could not be reached there." if sent.unreachable else "."),
        )
    )


def _reminder_form(post_id: str, check_in: str, people: set[str] | None) -> None:
    """A private reminder to everyone listed: a direct message each on Slack, matched by the
    server from the pseudonyms, so nobody here learns who they are."""
    with st.form("reminder", border=True):
        st.markdown("**Remind them privately**")
        st.text_area(
            "Message",
            f"Hello, we have not had your answer to the check-in “{check_in.split(' · ', 1)[-1]}”."
            " Please reply when you can; it helps us know everyone is safe.",
            key="reminder_text",
        )
        st.form_submit_button(
            "Send on Slack", icon=":material/send:", on_click=_remind, args=(post_id, people)
        )
    edits.message(REMINDER_MESSAGE)
    st.caption(
        "Each person gets a direct message from the SocialPulse Slack app; the app matches "
        "them by the same pseudonym, so neither you nor the audit log sees who was reminded "
        "(the log keeps the counts)."
    )


def withheld(frame: pd.DataFrame) -> bool:
    """Say so, and draw nothing, when the privacy floor forbids the selection."""
    reason = frame.attrs.get("withheld")
    if reason:
        states.empty(f"Figures for this selection are withheld: {reason}.")
    return bool(reason)


with states.section("Announcements"):
    st.subheader("Announcements: engaged reach")
    reach = data.announcement_reach(filters, segment)
    if not withheld(reach):
        chart, summary = internal_charts.rates_by_segment(
            reach.rename(columns={"reached": "responded"}),
            "Reach",
            "Announcement reach by " + segment,
            "reached",
        )
        chart_with_summary(chart, summary)
        st.caption("Reach counts the audience who reacted or replied: exports do not say who read.")
        posts = data.announcement_reach(filters)
        table(
            posts.assign(
                median_minutes_to_respond=posts["median_minutes_to_respond"].map(duration_text)
            ),
            "announcements",
            column_config={
                **POST_COLUMNS,
                "reached": columns.count("Reached"),
                "reach": columns.percent("Reach"),
                "median_minutes_to_respond": columns.text("Median time to respond"),
            },
        )

with states.section("Check-ins"):
    st.subheader("Check-ins: answer rate")
    answers = data.check_in_answers(filters, segment)
    check_ins = data.check_in_answers(filters)
    if not withheld(answers):
        chart, summary = internal_charts.rates_by_segment(
            answers.rename(columns={"answered": "responded"}),
            "Answer rate",
            "Check-in answer rate by " + segment,
            "answered",
        )
        chart_with_summary(chart, summary)
        table(
            check_ins.assign(
                median_minutes_to_answer=check_ins["median_minutes_to_answer"].map(duration_text)
            ),
            "check-ins",
            column_config={
                **POST_COLUMNS,
                "answered": columns.count("Answered"),
                "answer_rate": columns.percent("Answer rate"),
                "median_minutes_to_answer": columns.text("Median time to answer"),
            },
        )

with states.section("Who has not answered"):
    role = st.session_state.get("role")
    if not data.may(role, "see_non_responders"):
        st.caption(
            "The names of the people who have not answered a check-in are shown only to "
            "the roles allowed to see them (admin, internal communications), once signed "
            "in."
        )
    elif check_ins.attrs.get("withheld"):
        st.caption("No list for a selection whose figures are withheld.")
    elif check_ins.empty:
        states.empty("No check-in was sent in this period.")
    else:
        st.subheader("Who has not answered")
        labels = dict(
            zip(
                check_ins["post_id"],
                check_ins["created_at"].dt.strftime("%-d %b %Y %H:%M")
                + " · "
                + check_ins["headline"],
                strict=False,
            )
        )
        post_id = st.selectbox("Check-in", list(labels), format_func=labels.get, key="check_in")
        missing = data.non_responders(filters.db, post_id, role)
        for column, field in CHOSEN.items():  # the folded values the sidebar offers
            if getattr(filters, field):
                missing = missing[missing[column].isin(getattr(filters, field))]
        st.caption(
            f"{len(missing):,} people of the audience have not answered"
            f"{' among those selected' if selected else ''}."
        )
        if data.may(role, "send_reminders") and len(missing):
            _reminder_form(
                post_id, labels[post_id], set(missing["pseudonym"]) if selected else None
            )
        named = missing["display_name"].notna().any()  # [internal] store_display_names
        table(
            columns.filled(missing if named else missing.drop(columns="display_name")),
            "non responders",
            column_config={
                "pseudonym": columns.text(
                    "Person", help="Pseudonymised at import: the same person on every page."
                ),
                "display_name": "Name",
                "department": "Department",
                "location": "Location",
                "employee_type": "Employee type",
            },
        )
