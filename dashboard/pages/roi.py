"""Executive: the return on the social programme over the sidebar's dates, every line traced to
its inputs, with the assumptions editable in place and the low / base / high range.

Volumes are counted in the warehouse; assumptions come from ``[roi]`` in the configuration until
someone changes them (here or with `pulse roi set`): each change is kept with who made it, and
audited.
"""

import logging

import pandas as pd
import streamlit as st

from dashboard import data
from dashboard.components import edits, executive_charts, states
from dashboard.components.charts import chart_with_summary
from dashboard.components.filters import sidebar_filters
from dashboard.components.tables import table
from socialpulse.warehouse import WarehouseError

log = logging.getLogger("dashboard")
MESSAGE = "_roi_message"
CASES = ("low", "base", "high")

st.title("Return on investment")
filters = sidebar_filters(with_brands=False)


def _load_assumption(frame: pd.DataFrame) -> None:
    """Put the chosen assumption's values in force into the three inputs."""
    row = frame.set_index("name").loc[st.session_state["roi_name"]]
    for case in CASES:
        st.session_state[f"roi_{case}"] = float(row[case])


def _save() -> None:
    name = st.session_state.get("roi_name")
    values = {case: float(st.session_state.get(f"roi_{case}") or 0.0) for case in CASES}
    try:
        change = data.set_roi_assumption(filters.db, name, values["low"], values["base"],
                                         values["high"], edits.actor(), edits.role())
    except (ValueError, WarehouseError) as error:
        st.session_state[MESSAGE] = ("error", f"Not saved: {error}")
        return
    except Exception:
        log.exception("ROI assumption %s failed", name)
        st.session_state[MESSAGE] = ("error", "Not saved because of an internal error (it has "
                                     "been logged); try again in a moment.")
        return
    st.session_state[MESSAGE] = ("success", f"Saved: {name} is now low {change['low']:g}, "
                                 f"base {change['base']:g}, high {change['high']:g}.")


def _lines(report: dict) -> pd.DataFrame:
    rows = [{"kind": kind[:-1], "line": line["label"], "formula": line["formula"],
             "calculation": line["calculation"], **{c: line[c] for c in CASES}}
            for kind in ("benefits", "costs") for line in report[kind]]
    return pd.DataFrame(rows)


with states.section("ROI"):
    report = data.roi_report(filters)
    currency = report["currency"]
    totals = report["totals"]
    columns = st.columns(4)
    columns[0].metric("ROI (base)", "n/a" if report["roi_pct"] is None
                      else f"{report['roi_pct']:+.0f}%", help=report["definition"])
    columns[1].metric("Benefits", f"{totals['benefits']:,.0f} {currency}")
    columns[2].metric("Costs", f"{totals['costs']:,.0f} {currency}")
    columns[3].metric("Payback", "n/a" if report["payback_months"] is None
                      else f"{report['payback_months']:.1f} months",
                      help="One-off costs / monthly net benefit.")
    chart_with_summary(*executive_charts.roi_range(report))
    table(_lines(report), "roi lines")

with states.section("Assumptions"):
    st.subheader("Assumptions")
    assumptions = data.roi_assumptions(filters.db)
    table(assumptions, "roi assumptions")
    if edits.may_edit("roi_edit"):
        names = assumptions["name"].tolist()
        if st.session_state.get("roi_name") not in names:
            st.session_state["roi_name"] = names[0]
            _load_assumption(assumptions)
        st.selectbox("Assumption", names, key="roi_name", on_change=_load_assumption,
                     args=(assumptions,), format_func=lambda n: n.replace("_", " "))
        inputs = st.columns(3)
        for column, case in zip(inputs, CASES, strict=True):
            column.number_input(case.capitalize(), min_value=0.0, key=f"roi_{case}",
                                format="%g")
        st.button("Save assumption", key="save_roi", on_click=_save, icon=":material/save:")
        edits.message(MESSAGE)
    else:
        st.caption("Your role may read the assumptions but not change them.")
