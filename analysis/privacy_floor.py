"""The privacy floor: no internal figure for a group smaller than the configured minimum.

Enforced here, in the analysis layer, so no page or filter can forget it: a segment whose
headcount in the directory is below the floor is folded into "Other", and "Other" itself is
withheld when it is still too small.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from itertools import combinations

import duckdb
import pandas as pd

SEGMENTS = ("department", "location", "employee_type")
OTHER = "Other"
# What a withheld figure says instead of a number, everywhere.
BELOW_FLOOR = "group below the privacy floor"


def segment_sizes(con: duckdb.DuckDBPyConnection, segment: str) -> pd.DataFrame:
    """Headcount per value of ``segment`` among the employees in the directory."""
    if segment not in SEGMENTS:
        raise ValueError(f"unknown segment {segment!r}; expected one of {', '.join(SEGMENTS)}")
    return con.execute(
        f"SELECT coalesce({segment}, 'Unknown') AS value, count(*) AS people FROM authors "
        "WHERE scope = 'internal' AND in_directory GROUP BY ALL"
    ).df()


def reportable_groups(
    con: duckdb.DuckDBPyConnection, segment: str, min_group_size: int
) -> dict[str, str | None]:
    """Map each segment value to the group it is reported as: itself, "Other", or None.

    Small groups are folded into "Other"; while "Other" is still below the floor the next
    smallest groups join it, because withholding "Other" alone would let anyone subtract the
    visible groups from the total and recover it. Only a population smaller than the floor
    altogether is withheld (None).
    """
    sizes = segment_sizes(con, segment).sort_values(["people", "value"])
    if sizes["people"].sum() < min_group_size:
        return dict.fromkeys(sizes["value"])
    groups: dict[str, str | None] = {}
    other = 0
    for value, people in zip(sizes["value"], sizes["people"], strict=True):
        if people < min_group_size or 0 < other < min_group_size:
            groups[value] = OTHER
            other += people
        else:
            groups[value] = value
    return groups


def folding(
    con: duckdb.DuckDBPyConnection, min_group_size: int, segments: Sequence[str] = SEGMENTS
) -> pd.DataFrame:
    """Every value of ``segments`` with the group it is reported as (None: withheld), as rows,
    so SQL can join it: columns segment_type, value, reported."""
    rows = [
        (segment, value, reported)
        for segment in segments
        for value, reported in reportable_groups(con, segment, min_group_size).items()
    ]
    return pd.DataFrame(rows, columns=["segment_type", "value", "reported"], dtype=object)


def selectable_values(
    con: duckdb.DuckDBPyConnection, segment: str, min_group_size: int
) -> list[str]:
    """The values a filter on ``segment`` may offer: the groups reported under their own name,
    then "Other" when some are folded into it. A folded group is never offered by name."""
    reported = {g for g in reportable_groups(con, segment, min_group_size).values() if g}
    return sorted(reported - {OTHER}) + ([OTHER] if OTHER in reported else [])


@contextmanager
def folded_directory(con: duckdb.DuckDBPyConnection, min_group_size: int) -> Iterator[str]:
    """SQL of the directory as the privacy floor lets it be seen: one row per person with the
    reported department, location and employee type (NULL where the value is withheld).

    The folding is registered on ``con`` for the duration of the block.
    """
    con.register("_privacy_folding", folding(con, min_group_size))
    columns = ", ".join(f"{s}.reported AS {s}" for s in SEGMENTS)
    joins = " ".join(
        f"LEFT JOIN _privacy_folding {s} ON {s}.segment_type = '{s}' "
        f"AND {s}.value = coalesce(a.{s}, 'Unknown')"
        for s in SEGMENTS
    )
    try:
        yield (
            f"SELECT a.author_id AS person, {columns} FROM authors a {joins} "
            "WHERE a.scope = 'internal' AND a.in_directory"
        )
    finally:
        con.unregister("_privacy_folding")


def filter_condition(filters: Mapping[str, Sequence[str]]) -> tuple[str, dict[str, list[str]]]:
    """A WHERE condition on :func:`folded_directory` keeping the people whose reported values
    are among the selected ones, and its named parameters (``$filter_department``...), so it
    drops into any statement that names its parameters. An empty list does not filter (a
    multiselect left empty means everyone)."""
    parts, params = ["TRUE"], {}
    for segment, values in filters.items():
        if segment not in SEGMENTS:
            raise ValueError(f"unknown segment {segment!r}; expected one of {', '.join(SEGMENTS)}")
        if values:
            parts.append(f"list_contains($filter_{segment}::VARCHAR[], {segment})")
            params[f"filter_{segment}"] = list(values)
    return " AND ".join(parts), params


def selection_problem(
    con: duckdb.DuckDBPyConnection,
    people_sql: str,
    filters: Mapping[str, Sequence[str]],
    min_group_size: int,
) -> str | None:
    """Why the population a filter combination selects may not be shown, or None if it may.

    ``people_sql`` is the relation from :func:`folded_directory`. Withheld: a value that is not
    reported under its own name (a group folded into "Other" cannot be picked out alone); a
    population under the floor; and, against differencing (subtracting this figure from another
    one to isolate a small group), a selection where any of these holds between 1 and
    ``min_group_size`` - 1 people: what dropping any set of its filters would add (Sales in HQ
    next to Sales alone gives Sales outside HQ), or what any one selected value contributes
    (full-time or frontline next to full-time alone gives frontline). Attacks combining several
    other selections are not audited: the stored tables never show intersections of segments,
    and only this summary does.
    """
    filter_condition(filters)  # refuses an unknown segment
    filters = {segment: list(values) for segment, values in filters.items() if values}
    reported = con.execute(
        f"SELECT {', '.join(f'list(DISTINCT {s})' for s in SEGMENTS)} FROM ({people_sql})"
    ).fetchall()[0]
    for segment, values in filters.items():
        allowed = set(reported[SEGMENTS.index(segment)]) - {None}
        unknown = [v for v in values if v not in allowed]
        if unknown:
            return (
                f"{', '.join(map(str, unknown))}: not reported on its own ({BELOW_FLOOR}); "
                f"choose among {', '.join(sorted(allowed)) or 'nothing'}"
            )
    params: dict[str, object] = {segment: values for segment, values in filters.items()}
    match = {segment: f"list_contains(${segment}::VARCHAR[], {segment})" for segment in filters}

    def every(segments) -> str:
        return " AND ".join(["TRUE", *(match[s] for s in segments)])

    counts = [f"count(*) FILTER ({every(filters)})"]
    dims = list(filters)
    for size in range(1, len(dims) + 1):
        for dropped in combinations(dims, size):
            kept = [d for d in dims if d not in dropped]
            counts.append(f"count(*) FILTER ({every(kept)} AND NOT ({every(dropped)}))")
    for segment, values in filters.items():
        others = every(d for d in dims if d != segment)
        for i, value in enumerate(values):
            params[f"{segment}_{i}"] = value
            counts.append(f"count(*) FILTER ({others} AND {segment} = ${segment}_{i})")
    people, *parts = con.execute(
        f"SELECT {', '.join(counts)} FROM ({people_sql})", params
    ).fetchall()[0]
    if people < min_group_size:
        return f"the selection is a {BELOW_FLOOR}"
    if any(0 < part < min_group_size for part in parts):
        return f"comparing it with a wider selection would reveal a {BELOW_FLOOR}"
    return None
