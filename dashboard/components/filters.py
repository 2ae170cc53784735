"""Sidebar filters every page shares, kept in the URL so that a view is a link.

The chosen values live in one session entry (``STATE``), which outlives page changes, unlike a
widget's own state. Each widget is given the shared value before it is drawn and writes a
user's choice back through its ``on_change`` callback (which runs before the page does). After
every run the values go to the query string, defaults left out: ``?period=30d&brands=Northwind&
platforms=x``, or ``?from=2026-09-01&to=2026-09-30`` for a custom range. A new session (a
shared link, a reload) starts from the query string; invalid or unknown values are ignored.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from dashboard import data
from dashboard.components import states
from dashboard.components.theme import PLATFORMS, platform_label
from dashboard.data import Filters

__all__ = [
    "Filters",
    "freshness_sidebar",
    "known_brands",
    "listening_filters",
    "preset_range",
    "require_warehouse",
    "sidebar_filters",
]

STATE = "_filters"
PRESETS = {"7d": "7 d", "30d": "30 d", "quarter": "Quarter", "year": "Year", "custom": "Custom"}
DEFAULT_PRESET = "quarter"
# Internal filters: URL and widget key -> (authors column, label).
SEGMENTS = {
    "departments": ("department", "Departments"),
    "locations": ("location", "Locations"),
    "types": ("employee_type", "Employee types"),
}


def preset_range(preset: str, first: date, last: date) -> tuple[date, date]:
    """The days a preset covers, ending on the last day with data (not today: a warehouse that
    stopped collecting last month still shows its last month)."""
    starts = {
        "7d": last - timedelta(days=6),
        "30d": last - timedelta(days=29),
        "quarter": (pd.Timestamp(last) - pd.DateOffset(months=3)).date() + timedelta(days=1),
        "year": (pd.Timestamp(last) - pd.DateOffset(years=1)).date() + timedelta(days=1),
    }
    return max(first, starts[preset]), last


def require_warehouse() -> str:
    """Stop the page with a clear message and the fixing command when there is no data."""
    problem = data.warehouse_problem()
    if problem:
        st.error(problem, icon=":material/database_off:")
        st.markdown("Build the demo warehouse, then reload this page:")
        st.code("pulse demo", language="bash")
        st.stop()
    return str(data.db_path())


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _clamp(day: date, first: date, last: date) -> date:
    return min(max(day, first), last)


def _from_url(first: date, last: date) -> dict:
    """The filters a link asks for; anything missing or invalid falls back to the default."""
    params = st.query_params
    preset = params.get("period", DEFAULT_PRESET)
    start, end = _day(params.get("from")), _day(params.get("to"))
    if "period" not in params and start and end and start <= end:
        preset = "custom"
    if preset not in PRESETS or (preset == "custom" and not (start and end and start <= end)):
        preset = DEFAULT_PRESET
    if preset != "custom":
        start, end = preset_range(preset, first, last)
    state = {"preset": preset, "start": _clamp(start, first, last), "end": _clamp(end, first, last)}
    for key in ("brands", "platforms", *SEGMENTS):
        values = params.get_all(key)
        state[key] = list(dict.fromkeys(values)) if values else None
    return state


def _to_url(state: dict) -> None:
    """Write the filters to the query string, leaving out what is the default."""
    params: dict[str, list[str]] = {}
    if state["preset"] == "custom":
        params["from"], params["to"] = [state["start"].isoformat()], [state["end"].isoformat()]
    elif state["preset"] != DEFAULT_PRESET:
        params["period"] = [state["preset"]]
    for key in ("brands", "platforms", *SEGMENTS):
        if state.get(key):
            params[key] = list(state[key])
    current = {key: st.query_params.get_all(key) for key in st.query_params}
    if current != params:
        st.query_params.from_dict(params)


def _state() -> dict:
    return st.session_state[STATE]


def _on_period(first: date, last: date) -> None:
    state = _state()
    state["preset"] = st.session_state.get("period") or "custom"
    if state["preset"] != "custom":
        state["start"], state["end"] = preset_range(state["preset"], first, last)


def _on_dates() -> None:
    days = st.session_state.get("date_range") or ()
    if len(days) == 2:  # while a range is being picked the widget holds only its first day
        _state().update(preset="custom", start=days[0], end=days[1])


def _on_choice(key: str, options: list[str], everything: bool) -> None:
    picked = list(st.session_state.get(key) or [])
    _state()[key] = (
        (None if set(picked) == set(options) else picked) if everything else (picked or None)
    )


def _show(key: str, value) -> None:
    """Put the shared value into a widget before it is drawn.

    Done on every run, because a widget's own state is dropped (or, worse, kept under another
    page's widget) when the page changes; the widget's ``on_change`` callback writes a user's
    choice back into the shared state before the run, so nothing is overwritten.
    """
    st.session_state[key] = value


def _choose(
    key: str,
    label: str,
    options: list[str],
    chosen: list[str] | None,
    format_func=str,
    placeholder: str | None = None,
) -> list[str] | None:
    """A multiselect; brands and platforms start with every option ticked (``None`` in the
    state: all, so the link stays short and a brand added later is included), internal segments
    start empty (``None``: everyone)."""
    everything = placeholder is None
    if chosen is None:
        shown = list(options) if everything else []
    else:
        shown = [v for v in chosen if v in options]
    _show(key, shown)
    st.multiselect(
        label,
        options,
        key=key,
        format_func=format_func,
        placeholder=placeholder,
        on_change=_on_choice,
        args=(key, options, everything),
    )
    if everything:
        return None if chosen is None or set(shown) == set(options) else shown
    return shown or None


def _period_widgets(state: dict, first: date, last: date) -> tuple[date, date]:
    if state["preset"] != "custom":
        # A preset follows the data: the last 30 days are the last 30 days with data now.
        state["start"], state["end"] = preset_range(state["preset"], first, last)
    start, end = _clamp(state["start"], first, last), _clamp(state["end"], first, last)
    _show("period", state["preset"])
    st.segmented_control(
        "Period",
        list(PRESETS),
        format_func=PRESETS.get,
        key="period",
        on_change=_on_period,
        args=(first, last),
    )
    if len(st.session_state.get("date_range") or ()) != 1:
        _show("date_range", (start, end))
    st.date_input(
        "Dates",
        min_value=first,
        max_value=last,
        key="date_range",
        on_change=_on_dates,
        format="YYYY-MM-DD",
    )
    return start, end


def sidebar_filters(with_brands: bool = True, internal: bool = False) -> Filters:
    """The sidebar: dates (with presets) on every page, brands and platforms on listening pages
    (``with_brands``), departments, locations and employee types on internal ones."""
    db = require_warehouse()
    first, last = data.data_range(db)
    if STATE not in st.session_state:
        st.session_state[STATE] = _from_url(first, last)
    state = _state()
    chosen: dict[str, tuple[str, ...]] = {}
    with st.sidebar:
        st.header("Filters")
        state["start"], state["end"] = _period_widgets(state, first, last)
        if with_brands:
            coverage = data.coverage(db)
            brands = list(dict.fromkeys(coverage["brand"]))
            offered = [name for name, platform in PLATFORMS.items() if platform.offered]
            platforms = list(dict.fromkeys([*offered, *coverage["platform"]]))
            state["brands"] = _choose("brands", "Brands", brands, state.get("brands"))
            state["platforms"] = _choose(
                "platforms",
                "Platforms",
                platforms,
                state.get("platforms"),
                format_func=platform_label,
            )
            chosen["brands"] = tuple(brands if state["brands"] is None else state["brands"])
            chosen["platforms"] = tuple(
                platforms if state["platforms"] is None else state["platforms"]
            )
        if internal:
            for key, (segment, label) in SEGMENTS.items():
                state[key] = _choose(
                    key,
                    label,
                    data.segment_values(db, segment),
                    state.get(key),
                    placeholder=f"All {label.lower()}",
                )
                chosen[key] = tuple(state[key] or ())
        freshness_panel(db)
    _to_url(state)
    return Filters(
        db,
        state["start"],
        state["end"],
        chosen.get("brands", ()),
        chosen.get("platforms", ()),
        chosen.get("departments", ()),
        chosen.get("locations", ()),
        chosen.get("types", ()),
        state["preset"],
    )


def _ago(moment: pd.Timestamp, now: pd.Timestamp) -> str:
    minutes = max(0, int((now - moment).total_seconds() // 60))
    if minutes < 60:
        return f"{minutes} min ago"
    if minutes < 48 * 60:
        return f"{minutes // 60} h ago"
    return f"{minutes // (24 * 60)} days ago"


def freshness_panel(db: str) -> None:
    """When each source was last collected and the warehouse last analysed, and a control that
    reloads everything from the warehouse."""
    st.divider()
    st.subheader("Data freshness")
    with states.section("Data freshness"):
        runs = data.freshness(db)
        now = pd.Timestamp.now(tz="UTC").tz_localize(None)
        if runs.empty:
            st.caption("Nothing collected yet: run `pulse collect --all` or `pulse demo`.")
        for run in runs.itertuples():
            moment = run.last_success_at if pd.notna(run.last_success_at) else run.last_run_at
            when = (
                "never"
                if pd.isna(moment)
                else f"{pd.Timestamp(moment):%-d %b %Y %H:%M} UTC "
                f"({_ago(pd.Timestamp(moment), now)})"
            )
            name = "Last `pulse analyze`" if run.source == "analysis" else run.source
            note = "" if run.status in ("ok", "running") else f"; last run {run.status}"
            if note and isinstance(run.error, str):  # what was skipped or failed, in its words
                note += f": {run.error if len(run.error) <= 160 else run.error[:159] + '…'}"
            st.caption(f"**{name}**: {when}{note}")
    if st.button(
        "Refresh data",
        icon=":material/refresh:",
        key="refresh",
        help="Reload every figure from the warehouse now.",
    ):
        data.refresh()
        st.rerun()


def freshness_sidebar() -> str:
    """The sidebar of a page the shared filters do not apply to (the maturity scorecard reads
    the newest month end, the audit log has dates of its own): data freshness and the refresh
    control only, since date widgets there would seem to change the page and would not. The
    shared filters stay in the link, so the next page (and a shared URL) keeps them."""
    db = require_warehouse()
    with st.sidebar:
        freshness_panel(db)
    if STATE in st.session_state:
        _to_url(_state())
    return db


def known_brands(db: str) -> list[str]:
    """Every brand of the roll-up, own brands first: the colour order of every chart."""
    return list(dict.fromkeys(data.coverage(db)["brand"]))


def listening_filters() -> Filters:
    """The sidebar of a listening page, and the empty states that stop it: nothing analysed
    yet, no brand or no platform chosen. A chosen platform that never delivered data gets a
    note that says how to collect it."""
    filters = sidebar_filters()
    coverage = data.coverage(filters.db)
    if coverage.empty:
        states.stop_with(
            "No analysed brand mentions yet: collect mentions (or load the demo), "
            "then run the analysis that builds the daily roll-up, topics and "
            "alerts.",
            "pulse collect --all   # or: pulse demo\npulse analyze",
        )
    if not filters.brands:
        states.stop_with("Choose at least one brand in the sidebar.")
    if not filters.platforms:
        states.stop_with("Choose at least one platform in the sidebar.")
    for platform in filters.platforms:
        if platform in PLATFORMS and platform not in set(coverage["platform"]):
            states.empty(
                f"No {PLATFORMS[platform].label} data yet: "
                f"{PLATFORMS[platform].setup}, then `pulse analyze`."
            )
    return filters
