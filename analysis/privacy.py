"""The privacy floor: no internal figure for a group smaller than the configured minimum.

Enforced here, in the analysis layer, so no page or filter can forget it: a segment whose
headcount in the directory is below the floor is folded into "Other", and "Other" itself is
withheld when it is still too small.
"""

from __future__ import annotations

import duckdb
import pandas as pd

SEGMENTS = ("department", "location", "employee_type")
OTHER = "Other"


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
