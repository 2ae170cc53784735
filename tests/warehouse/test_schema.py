import subprocess
import sys

import duckdb
import pytest

from socialpulse.warehouse import (
    DOCUMENTED_TABLES,
    WarehouseLockedError,
    WarehouseMissingError,
    WarehouseOutdatedError,
    connect,
    migrate,
    schema,
)


def tables_of(con) -> set[str]:
    rows = con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    return {name for (name,) in rows}


def test_new_file_gets_every_documented_table(empty_db):
    with connect(empty_db) as con:
        assert set(DOCUMENTED_TABLES) <= tables_of(con)
        assert schema.current_version(con) == schema.latest_version()


def test_applying_twice_is_a_no_op(empty_db):
    connect(empty_db).close()
    with connect(empty_db) as con:
        assert migrate(con) == []
        recorded = con.execute("SELECT version FROM schema_migrations ORDER BY 1").fetchall()
    assert [v for (v,) in recorded] == [step.version for step in schema.MIGRATIONS]


def test_older_file_is_upgraded_in_place_and_keeps_its_rows(empty_db):
    con = duckdb.connect(str(empty_db))
    migrate(con, target=1)
    con.execute(
        "INSERT INTO posts (post_id, platform, native_id, channel_id, created_at, text, "
        "collected_at) VALUES ('x:1', 'x', '1', 'x:public', '2026-01-01', 'kept', '2026-01-01')"
    )
    assert "alerts" not in tables_of(con)
    con.close()
    with connect(empty_db) as con:
        assert {"alerts", "audit_log"} <= tables_of(con)
        assert con.execute("SELECT text FROM posts").fetchall() == [("kept",)]


def test_a_failing_migration_leaves_no_trace(empty_db, monkeypatch):
    def broken(con):
        con.execute("CREATE TABLE half_done (x INTEGER)")
        con.execute("SELECT * FROM no_such_table")

    steps = [*schema.MIGRATIONS, schema.Step(schema.latest_version() + 1, "broken", broken)]
    monkeypatch.setattr(schema, "MIGRATIONS", steps)
    con = duckdb.connect(str(empty_db))
    with pytest.raises(duckdb.CatalogException):
        migrate(con)
    assert "half_done" not in tables_of(con)
    assert schema.current_version(con) == steps[-2].version


def test_migrations_must_be_numbered_in_order():
    with pytest.raises(ValueError, match="expected"):
        schema.migration(99)(lambda con: None)


def test_read_only_open_explains_a_missing_file(empty_db):
    with pytest.raises(WarehouseMissingError, match="pulse demo"):
        connect(empty_db, read_only=True)


def test_read_only_open_refuses_an_outdated_file(empty_db):
    con = duckdb.connect(str(empty_db))
    migrate(con, target=1)
    con.close()
    with pytest.raises(WarehouseOutdatedError, match="pulse migrate"):
        connect(empty_db, read_only=True)


def test_locked_warehouse_gives_one_line_naming_the_file(empty_db):
    connect(empty_db).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, time; c = duckdb.connect({str(empty_db)!r}); "
            "print('ready', flush=True);"
            " time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(WarehouseLockedError) as error:
            connect(empty_db, wait_seconds=0.5)
        message = str(error.value)
        assert str(empty_db) in message and "\n" not in message
    finally:
        holder.kill()
        holder.wait()
