"""Migration 4: add people links."""

from __future__ import annotations

import duckdb

from socialpulse.warehouse.migrations import migration


@migration(4)
def add_people_links(con: duckdb.DuckDBPyConnection) -> None:
    """Who reports to whom, which platform identities are the same person, and a display name
    (kept only when configuration allows it).

    Slack and Viva Engage exports name people by email, Teams by an Azure AD object id: the
    directory can list those ids, and ``person_aliases`` maps each alias pseudonym to the
    person's pseudonym so one employee is one author whatever the platform.
    """
    con.execute(
        """
        ALTER TABLE authors ADD COLUMN manager_id VARCHAR;
        ALTER TABLE authors ADD COLUMN display_name VARCHAR;
        CREATE TABLE person_aliases (
            alias_id   VARCHAR PRIMARY KEY,
            person_id  VARCHAR NOT NULL
        );
        """
    )
