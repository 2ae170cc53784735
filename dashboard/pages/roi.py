"""Executive: the return on the social programme over the sidebar's dates, every line traced to
its inputs, with the assumptions editable in place and the low / base / high range.

Volumes are counted in the warehouse; assumptions come from ``[roi]`` in the configuration until
someone changes them (here or with `pulse roi set`): each change is kept with who made it, and
audited.
"""

import pandas as pd
import streamlit as st

from dashboard import data
from dashboard.components import columns, edits, executive_charts, states
from dashboard.components.charts import chart_with_summary
from dashboard.components.filters import sidebar_filters
from dashboard.components.tables import download_buttons, table

MESSAGE = "_roi_message"
CASES = ("low", "base", "high")
EDITABLE = (*CASES, "note")
SHOWN = ("name", "label", *CASES, "unit", "used_in", "source", "note")

ASSUMPTION_COLUMNS = {
    "label": "Assumption",
    "unit": "Unit",
    "used_in": "Used in",
    "source": "Source",
    "note": st.column_config.TextColumn("Note"),
    **{c: st.column_config.NumberColumn(c.capitalize(), format="%g") for c in CASES},
}

st.title("Return on investment")
filters = sidebar_filters(with_brands=False)


def _editor_key() -> str:
    """The editor's key, renewed after a save that stored everything, so it shows the values
    now in force instead of the edits on top of them."""
    return f"roi_editor_{st.session_state.setdefault('roi_editor_round', 0)}"


def _editable(assumptions: pd.DataFrame) -> pd.DataFrame:
    """The assumptions with steady column types (a note column of only None would otherwise
    change type once a note is written, and the editor would drop the edits in progress)."""
    frame = assumptions[list(SHOWN)].copy()
    for column in ("low", "base", "high"):
        frame[column] = frame[column].astype(float)
    for column in ("name", "label", "unit", "used_in", "source", "note"):
        frame[column] = frame[column].astype("string")
    frame["note"] = frame["note"].fillna("")  # an empty box to type in, not "None"
    return frame


def _changes(frame: pd.DataFrame, edited_rows: dict) -> list[dict]:
    """The edited rows whose values differ from those in force, as they would be stored."""
    changes = []
    for position, edited in sorted(edited_rows.items(), key=lambda item: int(item[0])):
        row = frame.iloc[int(position)]
        before = {c: None if pd.isna(row[c]) else row[c] for c in EDITABLE}
        before["note"] = before["note"] or None
        after = {**before, **edited}
        after["note"] = (after["note"] or "").strip() or None
        if after != before:
            changes.append({"name": row["name"], "label": row["label"], **after})
    return changes


def _save(frame: pd.DataFrame) -> None:
    """Store every changed row through ``data.set_roi_assumption`` (validated and audited there);
    each row that is refused says why in one line, and keeps its edits to be corrected."""
    edited = (st.session_state.get(_editor_key()) or {}).get("edited_rows", {})
    messages, failed = [], False
    for change in _changes(frame, edited):
        name, label = change["name"], change["label"]
        missing = [c for c in CASES if change[c] is None]
        if missing:
            messages.append(("error", f"Not saved: {label}: give {' and '.join(missing)}."))
            failed = True
            continue
        stored, refused = edits.attempt(
            lambda c=change, n=name: data.set_roi_assumption(
                filters.db,
                n,
                float(c["low"]),
                float(c["base"]),
                float(c["high"]),
                edits.actor(),
                edits.role(),
                note=c["note"],
            ),
            f"ROI assumption {label}",
            subject=name,
        )
        if refused:
            messages.append(("error", refused))
            failed = True
            continue
        messages.append(
            (
                "success",
                f"Saved: {label} is now low {stored['low']:g}, base "
                f"{stored['base']:g}, high {stored['high']:g}.",
            )
        )
    if not messages:
        messages.append(("info", "Nothing changed: edit low, base, high or note first."))
    if not failed:
        st.session_state["roi_editor_round"] += 1
    st.session_state[MESSAGE] = messages


def _lines(report: dict) -> pd.DataFrame:
    rows = [
        {
            "kind": kind[:-1].capitalize(),
            "line": line["label"],
            "calculation": line["in_words"],
            **{c: line[c] for c in CASES},
        }
        for kind in ("benefits", "costs")
        for line in report[kind]
    ]
    return pd.DataFrame(rows)


with states.section("ROI"):
    report = data.roi_report(filters)
    currency = report["currency"]
    totals = report["totals"]
    figures = st.columns(4)
    figures[0].metric(
        "ROI (base)",
        "n/a" if report["roi_pct"] is None else f"{report['roi_pct']:+.0f}%",
        help=report["definition"],
    )
    figures[1].metric("Benefits", f"{totals['benefits']:,.0f} {currency}")
    figures[2].metric("Costs", f"{totals['costs']:,.0f} {currency}")
    figures[3].metric(
        "Payback",
        "n/a" if report["payback_months"] is None else f"{report['payback_months']:.1f} months",
        help="One-off costs / monthly net benefit.",
    )
    chart_with_summary(*executive_charts.roi_range(report))
    table(
        _lines(report),
        "roi lines",
        column_config={
            "kind": "Kind",
            "line": "Line",
            "calculation": columns.text("Calculation (base)", width="large"),
            **{c: columns.count(f"{c.capitalize()} ({currency})") for c in CASES},
        },
    )

with states.section("Assumptions"):
    st.subheader("Assumptions")
    assumptions = data.roi_assumptions(filters.db)
    if edits.may_edit("roi_edit"):
        shown = _editable(assumptions)
        st.caption("Edit low, base or high (and a note saying why) in the table, then save.")
        st.data_editor(
            shown,
            key=_editor_key(),
            hide_index=True,
            num_rows="fixed",
            column_order=("label", *EDITABLE, "unit", "used_in", "source"),
            height=35 * (len(shown) + 1) + 3,  # every row, no inner scrolling
            disabled=[c for c in shown.columns if c not in EDITABLE],
            column_config={
                **ASSUMPTION_COLUMNS,
                **{
                    c: st.column_config.NumberColumn(c.capitalize(), min_value=0.0, format="%g")
                    for c in CASES
                },
            },
        )
        st.button(
            "Save changes", key="save_roi", on_click=_save, args=(shown,), icon=":material/save:"
        )
        edits.message(MESSAGE)
        download_buttons(assumptions, "roi assumptions")
    else:
        table(
            columns.filled(assumptions[[c for c in SHOWN if c != "name"]]),
            "roi assumptions",
            column_config=ASSUMPTION_COLUMNS,
        )
        st.caption("Your role may read the assumptions but not change them.")
