"""The HR directory: who works where, as a CSV export.

Columns (header names are case-insensitive; only one of ``employee_id`` and ``email`` is
required per row): ``employee_id``, ``email``, ``department``, ``location``, ``employee_type``,
``manager`` (the manager's employee id or email), ``is_executive`` (true/false, yes/no, 1/0),
and optionally ``teams_id`` (the Azure AD object id Teams exports name people by). Each row
becomes an author keyed by the person's pseudonym, and aliases (employee id, Teams id) map to
it so messages from every platform join the same person. Importing a newer directory
re-segments everyone at once, since pages read department and location from ``authors``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from collectors.exports.base import ImportBatch, ImportContext, importer
from socialpulse.privacy import pseudonymise

COLUMNS = (
    "employee_id",
    "email",
    "department",
    "location",
    "employee_type",
    "manager",
    "is_executive",
    "teams_id",
)
TRUE = {"true", "yes", "y", "1", "x"}


def _clean(values: pd.Series) -> pd.Series:
    return values.astype("string").str.strip().replace("", pd.NA)


@importer("directory")
def read_directory(path: Path, context: ImportContext) -> Iterator[ImportBatch]:
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        yield ImportBatch(
            problems=[f"{path.name}: cannot read the directory: {str(error).splitlines()[0]}"]
        )
        return
    table.columns = [c.strip().lower() for c in table.columns]
    if "employee_id" not in table and "email" not in table:
        yield ImportBatch(problems=[f"{path.name}: missing column employee_id or email"])
        return
    for column in COLUMNS:
        table[column] = (
            _clean(table[column])
            if column in table
            else pd.Series(pd.NA, index=table.index, dtype="string")
        )
    nobody = table["employee_id"].isna() & table["email"].isna()
    problems = [f"{path.name}: row {i + 2}: no employee_id or email" for i in table.index[nobody]]
    table = table[~nobody]

    key = context.key
    person = [
        context.person(
            email=e if pd.notna(e) else None,
            user_id=i if pd.notna(i) else None,
            platform="directory",
        )
        for e, i in zip(table["email"], table["employee_id"], strict=True)
    ]
    table = table.assign(person=person)
    by_employee_id = dict(zip(table["employee_id"], table["person"], strict=True))
    manager = table["manager"].map(
        lambda m: (
            None
            if pd.isna(m)
            else pseudonymise(m, key)
            if "@" in m
            else by_employee_id.get(m, pseudonymise(f"directory:{m}", key))
        )
    )
    authors = pd.DataFrame(
        {
            "author_id": table["person"],
            "platform": "internal",
            "scope": "internal",
            "handle": table["person"],
            "department": table["department"],
            "location": table["location"],
            "employee_type": table["employee_type"],
            "is_executive": table["is_executive"].str.lower().isin(TRUE).fillna(False),
            "manager_id": manager,
            "in_directory": True,
        }
    )
    aliases = pd.concat(
        [
            pd.DataFrame(
                {
                    "alias_id": [
                        pseudonymise(f"{platform}:{value}", key) for value in table[column].dropna()
                    ],
                    "person_id": table.loc[table[column].notna(), "person"].to_numpy(),
                }
            )
            for column, platform in (("employee_id", "directory"), ("teams_id", "teams"))
        ],
        ignore_index=True,
    )
    aliases = aliases[aliases["alias_id"] != aliases["person_id"]]
    yield ImportBatch(rows={"authors": authors, "person_aliases": aliases}, problems=problems)
