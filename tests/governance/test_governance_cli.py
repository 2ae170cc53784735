import json

from typer.testing import CliRunner

from socialpulse import users
from socialpulse.cli import app
from socialpulse.warehouse import open_warehouse

runner = CliRunner()


def test_cli_writes_are_audited(warehouse, tmp_path, monkeypatch):
    monkeypatch.setenv(users.USERS_FILE_VARIABLE, str(tmp_path / "users.toml"))
    monkeypatch.setattr(users, "BCRYPT_ROUNDS", 4)
    config = tmp_path / "c.toml"
    config.write_text(f'[retention]\ndefault_days = 365\narchive_dir = "{tmp_path / "a"}"\n')
    monkeypatch.setenv("SOCIALPULSE_CONFIG", str(config))
    db = ["--db", str(warehouse)]
    ok = runner.invoke(
        app,
        [*db, "users", "add", "ann", "--role", "auditor", "--password-stdin", "--by", "root"],
        input="correct horse\n",
    )
    assert ok.exit_code == 0, ok.output
    assert (
        runner.invoke(
            app,
            [*db, "users", "add", "bob", "--role", "boss", "--password-stdin"],
            input="correct horse\n",
        ).exit_code
        == 1
    )
    held = runner.invoke(
        app,
        [
            *db,
            "hold",
            "add",
            "--author",
            "x:fan",
            "--reason",
            "m",
            "--custodian",
            "legal",
            "--by",
            "root",
        ],
    )
    assert held.output.strip() == "hold 1"
    # As of a fixed day, so the outcome does not drift as the fixture's posts age.
    archived = runner.invoke(
        app, [*db, "archive", "--as-of", "2026-06-15", "--json", "--by", "root"]
    )
    assert json.loads(archived.output)["posts"] == 3 and json.loads(archived.output)["held"] == 1
    erased = runner.invoke(app, [*db, "erase", "--author", "emp_b", "--json", "--by", "dpo"])
    assert json.loads(erased.output)["archived_posts_erased"] == 1, erased.output
    restored = runner.invoke(app, [*db, "restore", "slack", "2024-01", "--by", "root"])
    assert "restored 1 posts" in restored.output
    assert runner.invoke(app, [*db, "hold", "release", "1", "--by", "root"]).exit_code == 0
    with open_warehouse(warehouse, read_only=True) as con:
        events = con.execute(
            "SELECT actor, action, target FROM audit_log ORDER BY event_id"
        ).fetchall()
    assert events == [
        ("root", "user_add", "ann"),
        ("root", "hold_add", "1"),
        ("root", "archive", str(tmp_path / "a")),
        ("dpo", "erase", "emp_b"),
        ("root", "restore", "slack/2024-01"),
        ("root", "hold_release", "1"),
    ]
    listed = runner.invoke(app, [*db, "audit", "--json", "--action", "erase"])
    assert json.loads(listed.output)[0]["actor"] == "dpo"


def test_a_first_run_account_gets_a_password_shown_once(warehouse, tmp_path, monkeypatch):
    monkeypatch.setenv(users.USERS_FILE_VARIABLE, str(tmp_path / "users.toml"))
    monkeypatch.setattr(users, "BCRYPT_ROUNDS", 4)
    first_run = [
        "--db",
        str(warehouse),
        "users",
        "add",
        "admin",
        "--role",
        "admin",
        "--generate-password",
        "--unless-accounts",
        "--by",
        "make",
    ]
    made = runner.invoke(app, first_run)
    assert made.exit_code == 0, made.output
    password = made.stdout.split("the password ")[1].split(" ")[0]
    assert len(password) >= 16 and users.authenticate("admin", password) is not None
    again = runner.invoke(app, first_run)  # an account exists: nothing changes
    assert again.exit_code == 0 and "password" not in again.stdout
    assert users.authenticate("admin", password) is not None
