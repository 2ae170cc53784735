"""Executive: where the organisation stands on the six stages of social business maturity, what
blocks the next stage, and the questionnaire behind the criteria the warehouse cannot measure.

Reads the newest month end `pulse analyze` stored in ``maturity_scores``, with the
questionnaire's answers as they stand now, so an answer given here counts at once.
"""

import pandas as pd
import streamlit as st

from dashboard import data
from dashboard.components import columns, edits, executive_charts, states
from dashboard.components.charts import chart_with_summary
from dashboard.components.filters import freshness_sidebar
from dashboard.components.tables import table

ANSWERS = ["yes", "partly", "no"]
MESSAGE = "_maturity_message"

st.title("Maturity scorecard")
db = freshness_sidebar()


def _save() -> None:
    question = st.session_state.get("maturity_question")
    answer = st.session_state.get("maturity_answer")
    note = (st.session_state.get("maturity_note") or "").strip() or None
    if not question or not answer:
        st.session_state[MESSAGE] = ("warning", "Choose a question and an answer first.")
        return
    _, refused = edits.attempt(
        lambda: data.answer_question(db, question, answer, edits.actor(), edits.role(), note),
        f"questionnaire answer to {question}",
    )
    if refused:
        st.session_state[MESSAGE] = ("error", refused)
        return
    st.session_state[MESSAGE] = (
        "success",
        f"Saved: “{answer}” to {question}; the scorecard counts it now.",
    )


# The scorecard feeds three sections: loaded once under its own guard, so a failure is one line
# and the sections that do not need it (trend, questionnaire) still show.
card = None
with states.section("Maturity scores"):
    card = data.maturity_scorecard(db)

if card is not None:
    with states.section("Scorecard"):
        figures = st.columns(3)
        figures[0].metric(
            "Current stage", f"{card['current_stage']} · {card['current_stage_name'] or 'none yet'}"
        )
        next_stage = card["next_stage"]
        figures[1].metric(
            "Next stage",
            f"{next_stage} · {card['next_stage_name']}" if next_stage else "all reached",
        )
        band = card["peer_band"]
        figures[2].metric(
            "Peer band",
            band["band"],
            help=f"Self-ratings {band['low']} to "
            f"{band['high']} of 10 in the MIT Sloan / Deloitte surveys.",
        )
        chart_with_summary(*executive_charts.stage_scores(card))
        if not card.get("stored", True):
            st.caption("Computed live: no month is stored yet (run `pulse analyze`).")

    with states.section("What blocks the next stage"):
        st.subheader("What blocks the next stage")
        if not card["blocking"]:
            st.write("Nothing: every stage is reached.")
        blocking = pd.DataFrame(
            [
                {"description": b["description"], "source": b["source"], "score": b["score"]}
                for b in card["blocking"]
            ]
        )
        if len(blocking):
            table(
                blocking,
                "blocking criteria",
                column_config={
                    "description": "Criterion",
                    "source": "Measured from",
                    "score": st.column_config.NumberColumn("Score (0 to 1)", format="%.2f"),
                },
            )

with states.section("Trend"):
    st.subheader("Trend by month")
    trend = data.maturity_history(db)
    chart_with_summary(*executive_charts.maturity_trend(trend))
    stages = ("planning", "presence", "engagement", "formalized", "strategic", "converged")
    table(
        columns.filled(
            trend.assign(
                as_of=pd.to_datetime(trend["as_of"]),
                stage=trend["current_stage"].astype(str)
                + " · "
                + trend["current_stage_name"].fillna("none yet"),
            )[["as_of", "stage", *stages]]
        ),
        "maturity trend",
        column_config={
            "as_of": columns.month("Month"),
            "stage": "Stage reached",
            **{name: columns.score(name.capitalize(), "%.2f") for name in stages},
        },
    )

if card is not None:
    with states.section("Criteria"), st.expander("Every criterion and its evidence"):
        criteria = pd.DataFrame(
            [
                {
                    "stage": c["stage"],
                    "description": c["description"],
                    "source": c["source"],
                    "score": c["score"],
                }
                for c in card["criteria"]
            ]
        )
        table(
            criteria,
            "maturity criteria",
            column_config={
                "stage": "Stage",
                "description": "Criterion",
                "source": "Measured from",
                "score": columns.score("Score (0 to 1)", "%.2f"),
            },
        )

with states.section("Questionnaire"):
    st.subheader("Questionnaire")
    questions = data.maturity_questions()
    answers = data.maturity_answers(db).set_index("question_id")
    listing = pd.DataFrame(
        [
            {
                "stage": q["stage_name"],
                "question": q["question"],
                "answer": answers["answer"].get(q["id"]),
                "answered_by": answers["answered_by"].get(q["id"]),
                "answered_at": answers["answered_at"].get(q["id"]),
            }
            for q in questions
        ]
    )
    table(
        columns.filled(listing.assign(answered_at=columns.moment_text(listing["answered_at"]))),
        "questionnaire",
        column_config={
            "stage": "Stage",
            "question": columns.text("Question", width="large"),
            "answer": "Answer",
            "answered_by": "Answered by",
            "answered_at": "Answered (UTC)",
        },
    )
    if edits.may_edit("questionnaire_answer"):
        texts = {q["id"]: f"{q['stage_name']}: {q['question']}" for q in questions}
        st.selectbox("Question", list(texts), format_func=texts.get, key="maturity_question")
        current = answers["answer"].get(st.session_state.get("maturity_question"))
        st.segmented_control(
            "Answer",
            ANSWERS,
            key="maturity_answer",
            default=current if current in ANSWERS else None,
        )
        st.text_input("Note (optional)", key="maturity_note")
        st.button("Save answer", key="save_answer", on_click=_save, icon=":material/save:")
        edits.message(MESSAGE)
    else:
        st.caption("Your role may read the questionnaire but not answer it.")
