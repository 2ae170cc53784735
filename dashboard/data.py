"""The dashboard's only door to the warehouse: cached calls into the analysis functions.

Queries share one read-only connection while they keep coming (``dashboard.reader``), closed
when idle, so collectors and `pulse analyze` can write between two page views (DuckDB allows
one writing process or many reading ones, not both at once). Results are cached per warehouse
version (the file's modification time): a page refresh after a collector has written shows the
new data, and an unchanged warehouse is never queried twice for the same filters.

Listening pages read what `pulse analyze` stored (``brand_daily``, ``topics``, ``alerts``,
``mention_index``); the mention list reads the texts of its shown page only, and a keyword search
the texts of at most ``search.MAX_SEARCH_MENTIONS`` mentions.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

from analysis import influencers, search, share_of_voice, volume
from analysis.period import Period
from dashboard import reader
from socialpulse.config import ConfigError, Settings, load_settings
from socialpulse.warehouse import (
    WarehouseError,
    WarehouseLockedError,
    WarehouseMissingError,
    WarehouseOutdatedError,
    default_db_path,
    open_warehouse,
)

TTL_SECONDS = 600
CORRECTION_WAIT_SECONDS = 10


@dataclass(frozen=True)
class Filters:
    """The view a user chose in the sidebar; empty tuples mean "all"."""

    db: str
    start: date
    end: date
    brands: tuple[str, ...] = ()
    platforms: tuple[str, ...] = ()
    departments: tuple[str, ...] = ()
    locations: tuple[str, ...] = ()
    employee_types: tuple[str, ...] = ()
    preset: str = "custom"

    @property
    def period(self) -> Period:
        return Period(self.start, self.end)


def db_path() -> Path:
    return default_db_path()


def warehouse_version(db: str) -> int:
    """Changes whenever the warehouse file (or its write-ahead log) is written."""
    files = (Path(db), Path(db + ".wal"))
    return max((f.stat().st_mtime_ns for f in files if f.exists()), default=0)


@st.cache_resource
def settings() -> Settings:
    return load_settings()


def _period(start: date, end: date) -> Period:
    return Period(start, end)


# The modules below are imported where they are used: the alert and topic modules pull in
# scikit-learn (a second at start-up) that other pages never need, and a listening page keeps
# working while an internal-analytics module is being changed, and the other way round.


def _alerts(con, start: date, end: date, brands: tuple[str, ...]) -> pd.DataFrame:
    from analysis.spikes import alerts_in_period

    return alerts_in_period(con, _period(start, end), brands)


def _topics(con, start: date, end: date, brands: tuple[str, ...]) -> pd.DataFrame:
    from analysis.topics import topics_in_period

    return topics_in_period(con, _period(start, end), brands)


def _segment_values(con, segment: str, floor: int) -> list[str]:
    from analysis.privacy_floor import selectable_values

    return selectable_values(con, segment, floor)


QUERIES: dict[str, Callable] = {
    "data_range": lambda con: volume.data_range(con),
    "coverage": lambda con: volume.rollup_coverage(con),
    "freshness": lambda con: volume.data_freshness(con),
    "segment_values": _segment_values,
    "daily_mentions": lambda con, start, end, brands, platforms: volume.daily_mentions(
        con, _period(start, end), brands, platforms
    ),
    "share_of_voice": lambda con, start, end, brands, platforms: share_of_voice.share_of_voice(
        con, _period(start, end), brands, platforms
    ),
    "sentiment_trend": lambda con, start, end, brands, platforms, grain: (
        share_of_voice.sentiment_trend(con, _period(start, end), brands, platforms, grain)
    ),
    "alerts": _alerts,
    "topics": _topics,
    "search": lambda con, start, end, fields, limit, offset, role: search.search_mentions(
        con, _period(start, end), search.MentionQuery(*fields), limit, offset, role=role
    ),
    "search_window": lambda con, start, end: search.search_window(con, _period(start, end)),
    "mentions_by_id": lambda con, post_ids, role: search.mentions_by_id(con, post_ids, role=role),
    "top_authors": lambda con, start, end, brands, platforms, limit, role: influencers.top_authors(
        con, _period(start, end), brands, platforms, limit, role=role
    ),
    "places": lambda con, start, end, brands, platforms, role: influencers.mentions_by_place(
        con, _period(start, end), brands, platforms, role=role
    ),
}


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False, max_entries=500)
def _query(name: str, db: str, version: int, args: tuple):
    with reader.cursor(db, version) as con:
        return QUERIES[name](con, *args)


def query(name: str, db: str, *args):
    return _query(name, db, warehouse_version(db), args)


def session_role() -> str | None:
    """The signed-in role of this session, None outside one. Queries that read posts take it
    as an argument, so it is part of their cache key: one role's rows never reach another."""
    try:
        return st.session_state.get("role")
    except Exception:  # no Streamlit session (a script, a test calling a function directly)
        return None


def session_user() -> str | None:
    try:
        return st.session_state.get("user")
    except Exception:
        return None


def refresh() -> None:
    """Forget every cached result, for the sidebar's refresh control."""
    _query.clear()


def warehouse_problem() -> str | None:
    """Why the dashboard cannot show data, as one line with the command that fixes it."""
    try:
        settings()
    except ConfigError as error:
        return str(error)
    try:
        if query("data_range", str(db_path())) is None:
            return (
                f"{db_path()}: the warehouse is empty; load the demo with `pulse demo` "
                "or collect data first"
            )
    except WarehouseError as error:
        return str(error)
    return None


def data_range(db: str) -> tuple[date, date]:
    return query("data_range", db)


def coverage(db: str) -> pd.DataFrame:
    """Brands and platforms in the daily roll-up (empty until `pulse analyze` has run)."""
    return query("coverage", db)


def freshness(db: str) -> pd.DataFrame:
    return query("freshness", db)


def segment_values(db: str, segment: str) -> list[str]:
    """The department, location or employee-type values a filter may offer: the groups at or
    above the privacy floor, then "Other"; a small group is never named, not even in a list."""
    return query("segment_values", db, segment, settings().privacy.min_group_size)


def daily_mentions(f: Filters) -> pd.DataFrame:
    return query("daily_mentions", f.db, f.start, f.end, f.brands, f.platforms)


def brand_share(f: Filters) -> pd.DataFrame:
    return query("share_of_voice", f.db, f.start, f.end, f.brands, f.platforms)


def sentiment_trend(f: Filters, grain: str = "week") -> pd.DataFrame:
    return query("sentiment_trend", f.db, f.start, f.end, f.brands, f.platforms, grain)


def alerts(f: Filters) -> pd.DataFrame:
    return query("alerts", f.db, f.start, f.end, f.brands)


def topics_in_period(f: Filters) -> pd.DataFrame:
    return query("topics", f.db, f.start, f.end, f.brands)


def search_mentions(
    f: Filters,
    text: str = "",
    sentiments: tuple[str, ...] = (),
    order: str = "engagement",
    page: int = 1,
    page_size: int = 25,
) -> pd.DataFrame:
    """One page of the mentions matching the search box, within the sidebar's brands,
    platforms and dates (a keyword search: the newest days of them, see ``search_window``)."""
    fields = (text.strip(), f.brands, f.platforms, tuple(sentiments), order)
    if fields[0]:
        from dashboard import auth

        auth.record_once(
            "search",
            fields[0],
            {
                "from": f.start,
                "to": f.end,
                "brands": f.brands,
                "platforms": f.platforms,
                "sentiments": tuple(sentiments),
            },
            db=f.db,
        )
    return query(
        "search", f.db, f.start, f.end, fields, page_size, (page - 1) * page_size, session_role()
    )


def search_window(f: Filters) -> Period:
    """The days a keyword search reads: the newest of the chosen dates, up to a mention cap."""
    return query("search_window", f.db, f.start, f.end)


def mentions_by_id(db: str, post_ids) -> pd.DataFrame:
    """The example mentions an alert or a topic names (a list, an array or None)."""
    return query(
        "mentions_by_id", db, tuple(post_ids) if post_ids is not None else (), session_role()
    )


def top_authors(f: Filters, limit: int = 20) -> pd.DataFrame:
    return query("top_authors", f.db, f.start, f.end, f.brands, f.platforms, limit, session_role())


def places(f: Filters) -> pd.DataFrame:
    return query("places", f.db, f.start, f.end, f.brands, f.platforms, session_role())


def write(db: str, action: Callable[[object], object]):
    """Run ``action(con)`` on a short read-write connection and return what it returns.

    A collector holding the warehouse is waited for (``open_warehouse``); so is another session
    of this server reading it, since DuckDB refuses a read-write open in a process that has the
    file open read-only. A missing warehouse is never created here.
    """
    if not Path(db).exists():
        raise WarehouseMissingError(f"{db}: no warehouse here; build the demo with `pulse demo`")
    deadline = time.monotonic() + CORRECTION_WAIT_SECONDS
    reader.release(db, CORRECTION_WAIT_SECONDS)
    while True:
        try:
            with open_warehouse(db, wait_seconds=CORRECTION_WAIT_SECONDS) as con:
                return action(con)
        except (WarehouseLockedError, WarehouseMissingError, WarehouseOutdatedError):
            raise
        except WarehouseError:
            if time.monotonic() > deadline:
                raise WarehouseLockedError(
                    f"{db}: the warehouse stayed busy with readers; try again in a moment"
                ) from None
            time.sleep(0.2)


def correct_sentiment(db: str, post_id: str, label: str, by: str | None = None) -> None:
    """Store a human sentiment label, and its audit event, as `pulse sentiment correct` does.

    The warehouse is opened read-write only for this one statement (``write``). The cached
    results need no clearing: the write changes the file, so the next read is a new version.
    In a signed-in session the correction is the user's, and refused to a role without
    ``sentiment_correction``; a call outside a session (a script) acts as "dashboard".
    """
    from analysis.sentiment import correct
    from socialpulse import audit
    from socialpulse.access import can

    role = session_role()
    if role is not None and not can(role, "sentiment_correction"):
        raise ValueError(f"the {role} role may not correct sentiment")
    by = by or session_user() or "dashboard"

    def store(con) -> None:
        correct(con, post_id, label, by)
        audit.record(con, by, role, "sentiment_correction", post_id, detail=label)

    write(db, store)


# --- Internal communications and Executive pages ------------------------------------------------
# These read what `pulse analyze` stored (internal_metrics, network_flow, network_people,
# push_pull, maturity_scores), never posts, except the expert finder (a text search, bounded by
# the sidebar's dates), the heatmap (one query for the whole department x location grid, whose
# small cells the analysis layer withholds), and the announcements, check-ins and network flow
# when department, location or employee-type filters are set: the stored tables hold one
# segment type at a time, so those are computed live for the selected people.

EVER = date(9999, 12, 30)  # "as of" that includes every answer given so far
SEGMENT_FILTERS = {
    "department": "departments",
    "location": "locations",
    "employee_type": "employee_types",
}


def _segment_filters(f: Filters) -> dict[str, tuple[str, ...]]:
    return {
        segment: getattr(f, field)
        for segment, field in SEGMENT_FILTERS.items()
        if getattr(f, field)
    }


def _internal_series(
    con, metric: str, grain: str, segment_type: str, start: date, end: date
) -> pd.DataFrame:
    from analysis.internal_metrics import internal_metric_series

    return internal_metric_series(con, metric, grain, segment_type, start, end)


def _internal_summary(con, start: date, end: date, filters: tuple, floor: int) -> dict:
    from analysis.internal_metrics import internal_summary

    return internal_summary(con, _period(start, end), dict(filters), floor)


def _heatmap(con, start: date, end: date, filters: tuple, metric: str, floor: int) -> pd.DataFrame:
    """The whole department x location grid in one query; the analysis layer withholds small
    cells and the cells that would reveal them by differencing."""
    from analysis.heatmap import segment_grid

    return segment_grid(con, _period(start, end), dict(filters), floor, metric)


def _network(
    con, name: str, start: date, end: date, segment: str, filters: tuple = (), floor: int = 5
):
    from analysis import network

    return getattr(network, name)(con, _period(start, end), segment, dict(filters), floor)


def _bridging(con, limit: int, floor: int, filters: tuple = ()) -> pd.DataFrame:
    from analysis.network import bridging_people

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
        con, _period(start, end), segment, role=role, filters=dict(filters), min_group_size=floor
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
) -> pd.DataFrame:
    from analysis.experts import find_experts

    return find_experts(con, text, limit, since, floor, until=until, filters=dict(filters))


def _maturity(con, settings_: Settings) -> dict:
    """The scorecard of the newest stored month end, with the questionnaire's answers as they
    stand now (an answer given on the page shows at once); computed live only before the first
    `pulse analyze` has stored any score."""
    import json

    from analysis import maturity

    stored = con.execute(
        "SELECT as_of, criterion_id AS id, stage, description, source, score, evidence "
        "FROM maturity_scores WHERE as_of = (SELECT max(as_of) FROM maturity_scores) "
        "ORDER BY stage, criterion_id"
    ).df()
    if stored.empty:
        return {**maturity.scorecard(con, settings_), "stored": False}
    as_of = pd.Timestamp(stored["as_of"].iloc[0]).date()
    criteria = stored.drop(columns="as_of").to_dict("records")
    answers = maturity.answers_as_of(con, EVER)
    for criterion in criteria:
        criterion["evidence"] = json.loads(criterion["evidence"])
        if criterion["source"] == "questionnaire":
            found = maturity.questionnaire_evidence(
                maturity.BY_ID[criterion["id"]], answers.get(criterion["id"])
            )
            criterion.update(score=found["score"], evidence=found)
    return {**maturity.summarise(as_of, criteria), "stored": True}


def _maturity_history(con) -> pd.DataFrame:
    from analysis.maturity import history

    return history(con)


def _answers(con) -> pd.DataFrame:
    from analysis.maturity import answers_as_of

    return pd.DataFrame(
        list(answers_as_of(con, EVER).values()),
        columns=["question_id", "answer", "answered_by", "answered_at", "note"],
    )


def _roi(con, start: date, end: date, settings_: Settings) -> dict:
    from analysis.roi import roi_report

    return roi_report(con, settings_, _period(start, end))


def _roi_assumptions(con, settings_: Settings) -> pd.DataFrame:
    from analysis.roi import assumptions

    return assumptions(con, settings_)


def _kpis_from_rollups(con, start: date, end: date, targets) -> pd.DataFrame:
    from analysis.kpis import kpi_scorecard_from_rollups

    return kpi_scorecard_from_rollups(con, _period(start, end), targets)


QUERIES.update(
    {
        "internal_series": _internal_series,
        "internal_summary": _internal_summary,
        "heatmap": _heatmap,
        "network": _network,
        "bridging": _bridging,
        "push_pull": _push_pull,
        "non_responders": _non_responders,
        "experts": _experts,
        "maturity": _maturity,
        "maturity_history": _maturity_history,
        "answers": _answers,
        "roi": _roi,
        "roi_assumptions": _roi_assumptions,
        "kpis_from_rollups": _kpis_from_rollups,
    }
)


SEGMENT_NAMES = {
    "department": "department",
    "location": "location",
    "employee_type": "employee type",
}


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


def internal_summary(f: Filters) -> dict:
    """Headline figures of the people the sidebar selects; ``withheld`` below the floor."""
    filters = tuple(sorted((k, tuple(v)) for k, v in _segment_filters(f).items()))
    return query(
        "internal_summary", f.db, f.start, f.end, filters, settings().privacy.min_group_size
    )


def engagement_heatmap(f: Filters, metric: str = "interactive_users") -> pd.DataFrame:
    filters = tuple(sorted((k, tuple(v)) for k, v in _segment_filters(f).items()))
    return query(
        "heatmap", f.db, f.start, f.end, filters, metric, settings().privacy.min_group_size
    )


def flow_matrix(f: Filters, segment: str = "department") -> pd.DataFrame:
    """Stored flow between groups, or with internal filters the edges that involve the
    selected people (``attrs["withheld"]`` when the privacy floor forbids them)."""
    return query(
        "network",
        f.db,
        "flow_matrix",
        f.start,
        f.end,
        segment,
        _chosen_segments(f),
        settings().privacy.min_group_size,
    )


def flow_share(f: Filters, segment: str = "department") -> dict:
    return query(
        "network",
        f.db,
        "flow_share",
        f.start,
        f.end,
        segment,
        _chosen_segments(f),
        settings().privacy.min_group_size,
    )


def ei_index(f: Filters, segment: str = "department") -> pd.DataFrame:
    return query(
        "network",
        f.db,
        "ei_index",
        f.start,
        f.end,
        segment,
        _chosen_segments(f),
        settings().privacy.min_group_size,
    )


def bridging_people(f: Filters, limit: int = 10) -> pd.DataFrame:
    """The stored bridges among the people the internal filters select."""
    return query("bridging", f.db, limit, settings().privacy.min_group_size, _chosen_segments(f))


def _chosen_segments(f: Filters) -> tuple:
    return tuple(sorted((k, tuple(v)) for k, v in _segment_filters(f).items()))


def announcement_reach(f: Filters, segment: str = "all") -> pd.DataFrame:
    """Stored reach per announcement, or live for the people the internal filters select;
    ``attrs["withheld"]`` says why there is no row when the privacy floor forbids them."""
    return query(
        "push_pull",
        f.db,
        "announcement",
        f.start,
        f.end,
        segment,
        session_role(),
        _chosen_segments(f),
        settings().privacy.min_group_size,
    )


def check_in_answers(f: Filters, segment: str = "all") -> pd.DataFrame:
    """Answers per check-in, as ``announcement_reach``."""
    return query(
        "push_pull",
        f.db,
        "check-in",
        f.start,
        f.end,
        segment,
        session_role(),
        _chosen_segments(f),
        settings().privacy.min_group_size,
    )


def may(role: str | None, action: str) -> bool:
    """Whether the session's role may do ``action`` (see socialpulse/access.py); no role, as
    before anyone has logged in, may do nothing that is gated."""
    from socialpulse.access import can

    return bool(role) and can(role, action)


def non_responders(db: str, post_id: str, role: str | None) -> pd.DataFrame | None:
    """Who has not answered a check-in, or None when ``role`` may not see names."""
    if not may(role, "see_non_responders"):
        return None
    return query("non_responders", db, post_id, settings().privacy.min_group_size)


def find_experts(f: Filters, text: str, limit: int = 10) -> pd.DataFrame:
    """The experts on ``text`` from what was said within the sidebar's dates, among the people
    its departments, locations and employee types select."""
    return query(
        "experts",
        f.db,
        text,
        limit,
        f.start,
        settings().privacy.min_group_size,
        f.end,
        _chosen_segments(f),
    )


def maturity_scorecard(db: str) -> dict:
    return query("maturity", db, settings())


def maturity_history(db: str) -> pd.DataFrame:
    return query("maturity_history", db)


def maturity_answers(db: str) -> pd.DataFrame:
    """Each question's answer in force now."""
    return query("answers", db)


def maturity_questions() -> list[dict]:
    from analysis.maturity import questions

    return questions()


def roi_report(f: Filters) -> dict:
    return query("roi", f.db, f.start, f.end, settings())


def roi_assumptions(db: str) -> pd.DataFrame:
    return query("roi_assumptions", db, settings())


def kpis(f: Filters) -> pd.DataFrame:
    """The KPI scorecard read from the stored roll-ups, with its traffic lights."""
    return query("kpis_from_rollups", f.db, f.start, f.end, settings().kpi_targets)


def answer_question(
    db: str,
    question_id: str,
    answer: str,
    by: str,
    role: str | None = None,
    note: str | None = None,
) -> int:
    """Store a questionnaire answer and its audit event, as `pulse maturity answer` does."""
    from analysis.maturity import check_answer, record_answer
    from socialpulse import audit

    check_answer(question_id, answer, by)

    def store(con) -> int:
        answer_id = record_answer(con, question_id, answer, by, note)
        audit.record(con, by, role, "questionnaire_answer", question_id, detail=answer)
        return answer_id

    return write(db, store)


def set_roi_assumption(
    db: str,
    name: str,
    low: float,
    base: float,
    high: float,
    by: str,
    role: str | None = None,
    note: str | None = None,
) -> dict:
    """Store an ROI assumption change and its audit event, as `pulse roi set` does."""
    from analysis.roi import set_assumption
    from socialpulse import audit

    def store(con) -> dict:
        change = set_assumption(
            con, name, base, low, high, changed_by=by, note=note, settings=settings()
        )
        audit.record(
            con, by, role, "roi_edit", name, detail=f"low {low:g}, base {base:g}, high {high:g}"
        )
        return change

    return write(db, store)


def _audit_events(
    con, start: date, end: date, actor: str | None, action: str | None, limit: int, role: str | None
) -> pd.DataFrame:
    from datetime import datetime, timedelta

    from socialpulse import audit

    midnight = datetime.min.time()
    return audit.read(
        con,
        since=datetime.combine(start, midnight),
        until=datetime.combine(end + timedelta(days=1), midnight),
        actor=actor,
        action=action,
        limit=limit,
    )


QUERIES.update(
    {
        "audit_events": _audit_events,
    }
)


def audit_events(
    db: str,
    start: date,
    end: date,
    actor: str | None = None,
    action: str | None = None,
    limit: int = 5000,
    role: str | None = None,
) -> pd.DataFrame | None:
    """The audit events of the days ``start`` to ``end`` (UTC), newest first, or None when
    ``role`` may not read the log.

    Cached like every query, which is safe here although each page view writes an event: the
    key holds the warehouse version, which every write moves on, so the log is never a step
    behind. The role is in the key too, so what one role was given never reaches another.
    """
    if not may(role, "page:audit"):
        return None
    return query("audit_events", db, start, end, actor, action, limit, role)
