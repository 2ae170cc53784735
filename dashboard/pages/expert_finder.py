"""Internal communications: who knows about a topic, ranked by what others responded to and the
questions on it they answered, with the posts that show it (restricted channels left out).

Only what was said within the sidebar's dates counts (posts, answers and the responses they
drew), and only the people its departments, locations and employee types select are listed.
"""

import altair as alt
import pandas as pd
import streamlit as st

from dashboard import data
from dashboard.components import columns, states
from dashboard.components.charts import chart_with_summary
from dashboard.components.filters import sidebar_filters
from dashboard.components.tables import table
from dashboard.components.theme import PRIMARY

st.title("Expert finder")
filters = sidebar_filters(with_brands=False, internal=True)
selected = bool(filters.departments or filters.locations or filters.employee_types)
WHEN = f"from {filters.start:%-d %b %Y} to {filters.end:%-d %b %Y}"
text = st.text_input(
    "Topic",
    key="expert_query",
    placeholder="e.g. inventory forecast",
    help="Posts holding every word count (whole words, any case); when nobody wrote them all, "
    "posts holding any of them.",
)


def _score_chart(experts: pd.DataFrame, topic: str) -> tuple[alt.Chart, str]:
    frame = experts[["person", "department", "score", "posts", "answers"]]
    chart = (
        alt.Chart(frame, title=f"Who knows about “{topic}”")
        .mark_bar(color=PRIMARY)
        .encode(
            y=alt.Y("person:N", title=None, sort="-x"),
            x=alt.X("score:Q", title="Score"),
            tooltip=[
                "person:N",
                "department:N",
                alt.Tooltip("score:Q", format=".1f"),
                "posts:Q",
                alt.Tooltip("answers:Q", title="Questions answered"),
            ],
        )
        .properties(height=alt.Step(28))
    )
    lead = frame.iloc[0]
    among = " among those selected" if selected else ""
    return chart, (
        f"Of the {len(frame)} people{among} with the highest score on “{topic}” "
        f"{WHEN}, "
        f"{lead['person']} ({lead['department']}) leads with a score of "
        f"{lead['score']:.1f} from {int(lead['posts'])} posts and "
        f"{int(lead['answers'])} answered questions."
    )


with states.section("Experts"):
    if not text.strip():
        states.empty("Type a topic to find the people who know about it.")
    else:
        experts = data.find_experts(filters, text)
        some_words = experts.empty and len(text.split()) > 1
        if some_words:
            experts = data.find_experts(filters, text, every_word=False)
        among = " among the selected people" if selected else ""
        if experts.empty:
            states.empty(f"Nobody{among} wrote about “{text}” {WHEN}.")
        else:
            if some_words:
                st.caption(
                    f"Nobody{among} wrote all of “{text.strip()}” {WHEN}: these people wrote "
                    "some of its words."
                )
            chart_with_summary(*_score_chart(experts, text.strip()))
            shown = experts.assign(
                evidence=experts["evidence"].map(lambda items: [e["snippet"] for e in items])
            )
            table(
                columns.filled(shown),
                "experts",
                column_config={
                    "person_id": None,
                    "person": columns.text(
                        "Person", help="Pseudonymised at import: the same person on every page."
                    ),
                    "department": "Department",
                    "location": "Location",
                    "score": columns.score("Score", "%.1f"),
                    "posts": columns.count("Posts"),
                    "replies_received": columns.count("Replies received"),
                    "reactions_received": columns.count("Reactions received"),
                    "answers": columns.count("Questions answered"),
                    "evidence": st.column_config.ListColumn("What they wrote", width="large"),
                },
            )
