"""The reads behind the internal-communications pages (engagement, network, announcements and
check-ins, expert finder).

These read what `pulse analyze` stored (internal_metrics, network_flow, network_people,
push_pull), never posts, except the expert finder (a text search, bounded by the sidebar's
dates), the heatmap (one query for the whole department x location grid, whose small cells the
analysis layer withholds), and the announcements, check-ins and network flow when department,
location or employee-type filters are set: the stored tables hold one segment type at a time,
so those are computed live for the selected people. Every figure is folded by the privacy floor
(``settings().privacy.min_group_size``), which is part of each cache key.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from analysis.period import Period
from dashboard.data import session
from dashboard.data.cache import QUERIES, query
from dashboard.data.session import Filters

SEGMENT_FILTERS = {
    "department": "departments",
    "location": "locations",
    "employee_type": "employee_types",
}
SEGMENT_NAMES = {
    "department": "department",
    "location": "location",
    "employee_type": "employee type",
}

# The analysis modules are imported where they are used, so a listening page keeps working
# while an internal-analytics module is being changed.


def _segment_values(con, segment: str, floor: int) -> list[str]:
    from analysis.privacy_floor import selectable_values

    return selectable_values(con, segment, floor)


def _internal_series(
    con, metric: str, grain: str, segment_type: str, start: date, end: date
) -> pd.DataFrame:
    from analysis.internal_metrics import internal_metric_series

    return internal_metric_series(con, metric, grain, segment_type, start, end)


def _internal_summaries(con, periods: tuple, filters: tuple, floor: int, span: tuple) -> list[dict]:
    from analysis.internal_summary import internal_summaries

    return internal_summaries(con, [Period(*p) for p in periods], dict(filters), floor, span)


def _contribution_span(con) -> tuple:
    from analysis.internal_summary import contribution_span

    return contribution_span(con)


def _heatmap(con, start: date, end: date, filters: tuple, metric: str, floor: int) -> pd.DataFrame:
    """The whole department x location grid in one query; the analysis layer withholds small
    cells and the cells that would reveal them by differencing."""
    from analysis.heatmap import segment_grid

    return segment_grid(con, Period(start, end), dict(filters), floor, metric)


def _network(
    con, name: str, start: date, end: date, segment: str, filters: tuple = (), floor: int = 5
):
    from analysis import network_flow

    return getattr(network_flow, name)(con, Period(start, end), segment, dict(filters), floor)


def _bridging(con, limit: int, floor: int, filters: tuple = ()) -> pd.DataFrame:
    from analysis.network_people import bridging_people

    return bridging_people(con, limit, floor, dict(filters))


def _push_pull(
    con,
    kind: str,
    start: date,
    end: date,
    segment: str,
    role: str | None,
    filters: tuple = (),
    floor: int = 5,
) -> pd.DataFrame:
    from analysis import push_pull

    rates = push_pull.announcement_reach if kind == "announcement" else (push_pull.check_in_answers)
    return rates(
        con, Period(start, end), segment, role=role, filters=dict(filters), min_group_size=floor
    )


def _non_responders(con, post_id: str, floor: int) -> pd.DataFrame:
    """The people who have not answered, their department and location folded like every other
    internal figure (a department of four is not named, even beside a person)."""
    from analysis.privacy_floor import reportable_groups
    from analysis.push_pull import non_responders

    people = non_responders(con, post_id)
    for segment in ("department", "location", "employee_type"):
        groups = reportable_groups(con, segment, floor)
        people[segment] = people[segment].map(lambda v, g=groups: g.get(v) or "Other")
    return people


def _experts(
    con,
    text: str,
    limit: int,
    since: date | None,
    floor: int,
    until: date | None = None,
    filters: tuple = (),
    every_word: bool = True,
) -> pd.DataFrame:
    from analysis.experts import find_experts

    return find_experts(
        con, text, limit, since, floor, until=until, filters=dict(filters), every_word=every_word
    )


QUERIES.update(
    {
        "segment_values": _segment_values,
        "internal_series": _internal_series,
        "contribution_span": _contribution_span,
        "internal_summaries": _internal_summaries,
        "heatmap": _heatmap,
        "network": _network,
        "bridging": _bridging,
        "push_pull": _push_pull,
        "non_responders": _non_responders,
        "experts": _experts,
    }
)


def _floor() -> int:
    return session.settings().privacy.min_group_size


def _segment_filters(f: Filters) -> dict[str, tuple[str, ...]]:
    return {
        segment: getattr(f, field)
        for segment, field in SEGMENT_FILTERS.items()
        if getattr(f, field)
    }


def _chosen_segments(f: Filters) -> tuple:
    """The sidebar's internal filters as a sorted tuple, a stable part of a cache key."""
    return tuple(sorted((k, tuple(v)) for k, v in _segment_filters(f).items()))


def segment_values(db: str, segment: str) -> list[str]:
    """The department, location or employee-type values a filter may offer: the groups at or
    above the privacy floor, then "Other"; a small group is never named, not even in a list."""
    return query("segment_values", db, segment, _floor())


def series_scope(f: Filters, segment_type: str = "all") -> tuple[tuple, str | None]:
    """Which stored series honour the sidebar, as ((segment type, chosen values or () for
    all), ...), and the sentence that says so when it is not simply the breakdown asked for.

    ``internal_metrics`` breaks down one segment type at a time (already folded by the privacy
    floor), so: without internal filters, the breakdown asked for; with filters on one segment
    type, the series of each chosen value of it, whatever the breakdown ("Everyone" included);
    with filters on several types, whose intersection is not stored, each chosen value's series
    of each type, labelled with its type.
    """
    chosen = _segment_filters(f)
    if not chosen or set(chosen) == {segment_type}:
        return ((segment_type, chosen.get(segment_type, ())),), None
    kinds = [SEGMENT_NAMES[kind] for kind in chosen]
    if len(kinds) > 1:
        note = (
            "The stored weekly and monthly figures hold one segment at a time, not the "
            f"people who are in the chosen {' and '.join(k + 's' for k in kinds)} at once: "
            "each line is one chosen value (the headline figures are for the people in "
            "all of them)."
        )
    elif segment_type == "all":
        note = f"Each line is one chosen {kinds[0]}."
    else:
        note = (
            f"No {SEGMENT_NAMES[segment_type]} x {kinds[0]} breakdown is stored: each line "
            f"is one chosen {kinds[0]}."
        )
    return tuple(chosen.items()), note


def internal_series(
    f: Filters, metric: str, grain: str = "week", segment_type: str = "all"
) -> pd.DataFrame:
    """A stored internal metric per week or month, for the series ``series_scope`` says honour
    the sidebar's departments, locations and employee types."""
    scope, _ = series_scope(f, segment_type)
    frames = []
    for kind, values in scope:
        series = query("internal_series", f.db, metric, grain, kind, f.start, f.end)
        if values:
            series = series[series["segment_value"].isin(values)]
        if len(scope) > 1:
            series = series.assign(
                segment_value=SEGMENT_NAMES[kind].capitalize() + ": " + series["segment_value"]
            )
        frames.append(series)
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def internal_summary_and_previous(f: Filters) -> tuple[dict, dict]:
    """The headline figures of the chosen dates and of the period of the same length before
    them, for the same people, in one statement."""
    span = query("contribution_span", f.db)
    before = f.previous()
    periods = ((f.start, f.end), (before.start, before.end))
    now, then = query("internal_summaries", f.db, periods, _chosen_segments(f), _floor(), span)
    return now, then


def engagement_heatmap(f: Filters, metric: str = "interactive_users") -> pd.DataFrame:
    return query("heatmap", f.db, f.start, f.end, _chosen_segments(f), metric, _floor())


def _network_query(f: Filters, name: str, segment: str):
    return query("network", f.db, name, f.start, f.end, segment, _chosen_segments(f), _floor())


def flow_matrix(f: Filters, segment: str = "department") -> pd.DataFrame:
    """Stored flow between groups, or with internal filters the edges that involve the
    selected people (``attrs["withheld"]`` when the privacy floor forbids them)."""
    return _network_query(f, "flow_matrix", segment)


def flow_share(f: Filters, segment: str = "department") -> dict:
    return _network_query(f, "flow_share", segment)


def ei_index(f: Filters, segment: str = "department") -> pd.DataFrame:
    return _network_query(f, "ei_index", segment)


def bridging_people(f: Filters, limit: int = 10) -> pd.DataFrame:
    """The stored bridges among the people the internal filters select."""
    return query("bridging", f.db, limit, _floor(), _chosen_segments(f))


def _push_pull_query(f: Filters, kind: str, segment: str) -> pd.DataFrame:
    role = session.session_role()
    return query(
        "push_pull", f.db, kind, f.start, f.end, segment, role, _chosen_segments(f), _floor()
    )


def announcement_reach(f: Filters, segment: str = "all") -> pd.DataFrame:
    """Stored reach per announcement, or live for the people the internal filters select;
    ``attrs["withheld"]`` says why there is no row when the privacy floor forbids them."""
    return _push_pull_query(f, "announcement", segment)


def check_in_answers(f: Filters, segment: str = "all") -> pd.DataFrame:
    """Answers per check-in, as ``announcement_reach``."""
    return _push_pull_query(f, "check-in", segment)


def non_responders(db: str, post_id: str, role: str | None) -> pd.DataFrame | None:
    """Who has not answered a check-in, or None when ``role`` may not see names."""
    if not session.may(role, "see_non_responders"):
        return None
    return query("non_responders", db, post_id, _floor())


def find_experts(f: Filters, text: str, limit: int = 10, every_word: bool = True) -> pd.DataFrame:
    """The experts on ``text`` from what was said within the sidebar's dates, among the people
    its departments, locations and employee types select (posts with every word of ``text``,
    or any of them)."""
    segments = _chosen_segments(f)
    return query("experts", f.db, text, limit, f.start, _floor(), f.end, segments, every_word)
