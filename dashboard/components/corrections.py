"""The sentiment correction control: a person overrides the model's label for one mention.

The label goes through the same code as `pulse sentiment correct` (``analysis.sentiment.correct``,
via ``dashboard.data.correct_sentiment``): it wins over every model from now on and is kept as
a training example for `pulse sentiment train`.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import data
from dashboard.components import edits

LABELS = ["positive", "neutral", "negative"]
MESSAGE = "_correction_message"


def _save(db: str) -> None:
    """Runs before the page reruns, so the list drawn next already shows the new label."""
    post_id = st.session_state.get("correct_post")
    label = st.session_state.get("correct_label")
    if not post_id or not label:
        st.session_state[MESSAGE] = ("warning", "Choose a mention and its sentiment first.")
        return
    _, refused = edits.attempt(
        lambda: data.correct_sentiment(db, post_id, label), "sentiment correction"
    )
    if refused:
        st.session_state[MESSAGE] = ("error", refused)
        return
    author = st.session_state.get("_correct_authors", {}).get(post_id, "the mention")
    st.session_state[MESSAGE] = (
        "success",
        f"Saved: {author} is now {label}, kept as a training label. Its day's counts and "
        "net sentiment are updated on every page; topics and alerts follow at the next "
        "`pulse analyze`.",
    )


def _describe(mentions: pd.DataFrame):
    texts = mentions.set_index("post_id")
    return lambda post_id: (
        f"{texts.at[post_id, 'sentiment']} · {texts.at[post_id, 'author']}: "
        f"{str(texts.at[post_id, 'text'])[:90]}"
    )


def correction_form(db: str, mentions: pd.DataFrame) -> None:
    """Pick one of the listed mentions and the label it should have."""
    st.markdown("**Correct a sentiment**")
    if mentions.empty:
        st.caption("No mention is listed to correct.")
        return
    ids = mentions["post_id"].tolist()
    st.session_state["_correct_authors"] = {
        post_id: f"the mention by {author}"
        for post_id, author in zip(mentions["post_id"], mentions["author"], strict=True)
    }
    if st.session_state.get("correct_post") not in ids:
        st.session_state["correct_post"] = ids[0]
    left, middle, right = st.columns([4, 2, 1], vertical_alignment="bottom")
    left.selectbox("Mention", ids, key="correct_post", format_func=_describe(mentions))
    middle.segmented_control("Its sentiment is", LABELS, key="correct_label")
    right.button(
        "Save",
        key="save_correction",
        icon=":material/check:",
        type="primary",
        on_click=_save,
        args=(db,),
    )
    kind, message = st.session_state.pop(MESSAGE, (None, None))
    if kind:
        getattr(st, kind)(message)
