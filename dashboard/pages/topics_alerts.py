"""Marketing: what people talk about (topics, and those that are growing fast) and the alerts
raised when a brand's volume or negativity broke from its baseline, with their evidence.

Reads the ``topics`` and ``alerts`` tables `pulse analyze` stores, and the few example posts
each one names.
"""

from dataclasses import replace

import pandas as pd
import streamlit as st

from dashboard import data
from dashboard.components import columns, edits, listening, sentiment_charts, states, tables
from dashboard.components.charts import chart_with_summary
from dashboard.components.filters import listening_filters
from dashboard.components.theme import ALERT_NAMES, platform_label

EXAMPLE_COLUMNS = {
    "created_at": columns.moment(),
    "platform": "Platform",
    "author": "Author",
    "text": st.column_config.TextColumn("Text", width="large"),
    "url": st.column_config.LinkColumn("Link", display_text="open"),
    "sentiment": "Sentiment",
    "post_id": None,
}

st.title("Topics & alerts")
filters = listening_filters()

INBOX_ACTIONS = {
    "acknowledge": "Acknowledge",
    "assign": "Assign",
    "close": "Close with a note",
    "reopen": "Reopen",
}
INBOX_MESSAGE = "_alert_message"


def _show_topics_of(month: pd.Timestamp) -> None:
    st.session_state["topic_month"] = month.strftime("%Y-%m")


def _save_step(alert_id: int) -> None:
    """Store the step chosen in an alert's form (validated and audited in ``data``)."""
    form = st.session_state
    _, refused = edits.attempt(
        lambda: data.update_alert(
            filters.db,
            alert_id,
            form[f"alert_action_{alert_id}"],
            edits.actor(),
            edits.role(),
            assignee=form.get(f"alert_assignee_{alert_id}"),
            note=form.get(f"alert_note_{alert_id}"),
        ),
        "alert update",
    )
    action = form[f"alert_action_{alert_id}"]
    done = {"acknowledge": "acknowledged", "assign": "assigned", "close": "closed"}
    st.session_state[INBOX_MESSAGE] = (
        ("error", refused)
        if refused
        else ("success", f"Saved: the alert is {done.get(action, 'open again')}.")
    )


def _inbox_line(alert) -> str:
    """Where an alert stands, in one sentence."""
    if alert.state == "New":
        return "**New**: nobody has acknowledged it yet."
    line = (
        f"**{alert.state}** by {alert.updated_by} on {alert.updated_at:%-d %b %Y %H:%M}; "
        f"acknowledged {tables.duration_text(alert.minutes_to_acknowledge)} after it was raised"
    )
    if isinstance(alert.assignee, str):
        line += f"; assigned to {alert.assignee}"
    if isinstance(alert.note, str):
        line += f". Note: “{alert.note}”"
    return line + "."


with states.section("Alerts"):
    st.subheader("Alerts")
    alerts = data.alerts(filters)
    if alerts.empty:
        states.empty(
            "No crisis or launch peak for the chosen brands in this period. Alerts are "
            "found by `pulse analyze`; their thresholds are in the [alerts] section of "
            "the configuration."
        )
    else:
        waiting = int((alerts["state"] == "New").sum())
        st.caption(
            f"{waiting:,} of {len(alerts):,} alerts not acknowledged yet. Acknowledge an alert "
            "when you have seen it, assign it to who handles it, close it with a note saying "
            "what was done; every step is kept and audited."
        )
        listed = alerts.assign(
            kind=alerts["kind"].map(ALERT_NAMES).fillna(alerts["kind"]),
            notified_at=columns.moment_text(alerts["notified_at"]).replace(
                columns.MISSING, "Not sent"
            ),
            assignee=alerts["assignee"].fillna(columns.MISSING),
            acknowledged=alerts["minutes_to_acknowledge"].map(
                lambda minutes: (
                    columns.MISSING if pd.isna(minutes) else tables.duration_text(minutes)
                )
            ),
        )
        tables.table(
            listed[
                [
                    "brand",
                    "kind",
                    "window_start",
                    "observed",
                    "expected",
                    "state",
                    "assignee",
                    "acknowledged",
                    "notified_at",
                    "top_terms",
                ]
            ],
            "alerts",
            column_config={
                "brand": "Brand",
                "kind": "Kind",
                "window_start": columns.moment("From (UTC)"),
                "observed": columns.count("Mentions"),
                "expected": columns.score("Expected", "%.1f"),
                "state": "Handling",
                "assignee": "Assigned to",
                "acknowledged": columns.text(
                    "Time to acknowledge", help="From the moment the alert was raised."
                ),
                "notified_at": "Notified (UTC)",
                "top_terms": st.column_config.ListColumn("Top terms"),
            },
        )
        edits.message(INBOX_MESSAGE)
        st.caption(
            "Evidence: each alert's window, counts and the example mentions it was raised on."
        )
        triage = edits.may_edit("triage_alerts")
        for position, alert in enumerate(alerts.itertuples()):
            with st.expander(alert.description, expanded=position == 0):
                ratio = alert.observed / alert.expected if alert.expected else float("inf")
                st.markdown(
                    f"**{alert.observed:,.0f}** {'negative ' if alert.kind == 'crisis' else ''}"
                    f"mentions against **{alert.expected:,.1f}** expected from "
                    f"{alert.brand}'s own baseline ({ratio:,.0f}x); the episode is "
                    f"{alert.status}."
                )
                st.markdown(_inbox_line(alert))
                month = pd.Timestamp(alert.window_start).to_period("M").to_timestamp()
                st.button(
                    f"Topics of {month:%B %Y}",
                    key=f"alert_topics_{alert.alert_id}",
                    on_click=_show_topics_of,
                    args=(month,),
                    icon=":material/topic:",
                )
                examples = data.mentions_by_id(filters.db, alert.example_post_ids)
                examples["platform"] = examples["platform"].map(platform_label)
                tables.table(
                    examples, f"alert {alert.alert_id} evidence", column_config=EXAMPLE_COLUMNS
                )
                if triage:
                    with st.form(f"alert_form_{alert.alert_id}", border=False):
                        row = st.columns([2, 2, 4, 1], vertical_alignment="bottom")
                        row[0].selectbox(
                            "Step",
                            list(INBOX_ACTIONS),
                            format_func=INBOX_ACTIONS.get,
                            key=f"alert_action_{alert.alert_id}",
                        )
                        row[1].text_input("Assign to", key=f"alert_assignee_{alert.alert_id}")
                        row[2].text_input("Note", key=f"alert_note_{alert.alert_id}")
                        row[3].form_submit_button(
                            "Save",
                            on_click=_save_step,
                            args=(int(alert.alert_id),),
                        )


def _months() -> list[str]:
    """Every month with data, newest first, as "YYYY-MM"."""
    first, last = data.data_range(filters.db)
    months = pd.period_range(first, last, freq="M")[::-1]
    return [str(month) for month in months]


with states.section("Topics"):
    st.subheader("Topics")
    month = st.selectbox(
        "Month",
        ["", *_months()],
        format_func=lambda m: (
            "The months of the chosen dates" if not m else f"{pd.Period(m):%B %Y}"
        ),
        key="topic_month",
    )
    shown_filters = filters
    if month:
        chosen_month = pd.Period(month)
        shown_filters = replace(
            filters, start=chosen_month.start_time.date(), end=chosen_month.end_time.date()
        )
    topics = data.topics_in_period(shown_filters)
    if topics.empty:
        states.empty(
            "No topics for the chosen brands in this period. Topics are computed per "
            "calendar month by `pulse analyze`, for a brand with at least 10 mentions "
            "in the month.",
            "pulse analyze",
        )
    else:
        chart_with_summary(*listening.topic_volumes(topics))
        st.caption(
            "Topics are found per calendar month and named by the phrase their mentions "
            "use most; every month that overlaps the chosen dates is listed, or the month "
            "chosen above. A topic is emerging when it at least doubled against the "
            "previous month."
        )
        config = {
            "brand": "Brand",
            "period_start": columns.month(),
            "label": "Topic",
            "top_terms": st.column_config.ListColumn("Top terms"),
            "posts": columns.count("Mentions"),
            "net_sentiment": columns.score("Net sentiment"),
            "previous_posts": columns.count("Previous month"),
            "growth": st.column_config.NumberColumn("Growth", format="percent"),
            "emerging": "Emerging",
            "topic_id": None,
            "period_end": None,
            "example_post_ids": None,
        }
        emerging = topics[topics["emerging"].astype(bool)]
        st.markdown("**Emerging topics**")
        if emerging.empty:
            st.caption("No topic is emerging in these months.")
        else:
            tables.table(emerging, "emerging topics", column_config=config)
        st.markdown("**All topics**")
        tables.table(topics, "topics", column_config=config)
        names = topics.set_index("topic_id").assign(
            month=lambda t: pd.to_datetime(t["period_start"]).dt.strftime("%B %Y")
        )
        chosen = st.selectbox(
            "Example mentions of",
            topics["topic_id"].tolist(),
            key="topic",
            format_func=lambda topic_id: " · ".join(
                names.loc[topic_id, ["brand", "label", "month"]]
            ),
        )
        row = topics.set_index("topic_id").loc[chosen]
        examples = data.mentions_by_id(filters.db, row["example_post_ids"])
        examples["platform"] = examples["platform"].map(platform_label)
        tables.table(examples, "topic examples", column_config=EXAMPLE_COLUMNS)

with states.section("Praised and criticised"):
    st.subheader("What people praise and criticise")
    aspects = data.aspects_in_period(filters, limit=5)
    if aspects.empty:
        states.empty(
            "No product or service aspect was judged in at least 3 sentences for the chosen "
            "brands in this period. Aspects come from the topics' terms, by `pulse analyze`.",
            "pulse analyze",
        )
    else:
        chart_with_summary(*sentiment_charts.aspect_bars(aspects))
        st.caption(
            "An aspect is a topic term that names a thing (a product, a feature, a service), "
            "judged by the sentiment of each sentence that names it. Net sentiment is "
            "(positive - negative) / sentences x 100; the change is against the month before."
        )
        aspect_config = {
            "brand": "Brand",
            "side": None,
            "term": "Aspect",
            "mentions": None,
            "sentences": st.column_config.NumberColumn("Sentences", format="%d"),
            "positive": st.column_config.NumberColumn("Positive", format="%d"),
            "negative": st.column_config.NumberColumn("Negative", format="%d"),
            "net_sentiment": st.column_config.NumberColumn("Net sentiment", format="%+.1f"),
            "net_change": st.column_config.TextColumn(
                "Change vs previous month", help="New: not judged in the month before."
            ),
            "example_post_id": None,
        }
        shown = aspects.assign(
            net_change=aspects["net_change"].map(lambda v: "New" if pd.isna(v) else f"{v:+.1f}")
        )
        for side, title in (("criticised", "**Most criticised**"), ("praised", "**Most praised**")):
            st.markdown(title)
            tables.table(
                shown[shown["side"] == side], f"{side} aspects", column_config=aspect_config
            )
