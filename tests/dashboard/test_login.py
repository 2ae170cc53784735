"""The login gate of streamlit_app.py, run headless with AppTest on a copy of the analysed demo
(a login writes its audit row into the warehouse)."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from tests.dashboard.conftest import PASSWORD, signed_in

ROOT = Path(__file__).resolve().parents[2]
LOGIN = "Sign in to SocialPulse"


@pytest.fixture
def app(db_copy, analysed_db, accounts, monkeypatch) -> AppTest:
    warehouse = db_copy(analysed_db)
    monkeypatch.setenv("SOCIALPULSE_DB", str(warehouse))
    return AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)


def events(db, action: str | None = None) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(
            "SELECT actor, role, action, target, detail FROM audit_log "
            "WHERE ? IS NULL OR action = ? ORDER BY event_id",
            [action, action],
        ).fetchall()


def log_in(app: AppTest, name: str, password: str) -> AppTest:
    app.text_input(key="login_name").set_value(name)
    app.text_input(key="login_password").set_value(password)
    return app.button[0].click().run()


def test_a_visitor_sees_only_the_login_whatever_page_they_ask_for(app, db_copy, analysed_db):
    warehouse = db_copy(analysed_db)
    app.run()
    assert [t.value for t in app.title] == [LOGIN]
    assert not app.get("vega_lite_chart") and not app.dataframe and not app.metric
    # The navigation holds the login and nothing else, so no other page can be reached.
    assert [
        info.get("page_name") or info.get("url_pathname") for info in app._registered_pages.values()
    ] == ["Sign in"]
    with pytest.raises(ValueError, match=r"Known pages: \['Sign in'\]"):
        app.switch_page("dashboard/pages/mentions.py")
    assert events(warehouse) == []


def test_a_right_password_opens_the_roles_default_page_and_is_audited(app, db_copy, analysed_db):
    warehouse = db_copy(analysed_db)
    app.run()
    log_in(app, "marketing", PASSWORD)
    assert not app.exception
    assert app.title[0].value == "Brand conversations"
    assert (app.session_state["user"], app.session_state["role"]) == ("marketing", "marketing")
    assert events(warehouse) == [
        ("marketing", "marketing", "login", None, None),
        ("marketing", "marketing", "page_view", "Brand conversations", None),
    ]


def test_a_wrong_password_is_refused_and_audited(app, db_copy, analysed_db):
    warehouse = db_copy(analysed_db)
    app.run()
    log_in(app, "executive", "not the password")
    assert [e.value for e in app.error] == ["Wrong name or password."]
    assert app.title[0].value == LOGIN
    assert "user" not in app.session_state
    assert events(warehouse) == [
        ("executive", None, "login_failed", None, "wrong name or password")
    ]


def test_repeated_failures_throttle_the_name_even_with_the_right_password(
    app, db_copy, analysed_db, tmp_path, monkeypatch
):
    warehouse = db_copy(analysed_db)
    from socialpulse.users import add_user

    own = tmp_path / "users.toml"
    add_user("ana", "marketing", PASSWORD, path=own)
    monkeypatch.setenv("SOCIALPULSE_USERS_FILE", str(own))
    app.run()
    for _ in range(5):  # [security] max_failed_logins
        log_in(app, "ana", "wrong password")
    log_in(app, "ana", PASSWORD)
    assert app.error[0].value.startswith("Too many failed logins for this name")
    assert app.title[0].value == LOGIN
    assert [e[4] for e in events(warehouse, "login_failed")] == [
        *["wrong name or password"] * 5,
        "throttled",
    ]


def test_a_session_expires_after_session_minutes(app, db_copy, analysed_db):
    warehouse = db_copy(analysed_db)
    signed_in(app, "admin")
    app.session_state["login_at"] = datetime.now(UTC) - timedelta(minutes=481)
    app.run()
    assert app.title[0].value == LOGIN
    assert app.info[0].value == "Your session has expired: sign in again."
    assert events(warehouse) == [("admin", "admin", "logout", None, "session expired")]


def test_sign_out_returns_to_the_login(app, db_copy, analysed_db):
    warehouse = db_copy(analysed_db)
    signed_in(app, "executive").run()
    assert app.title[0].value == "Brand conversations"
    app.button(key="logout").click().run()
    assert app.title[0].value == LOGIN
    assert "user" not in app.session_state
    assert [e[2] for e in events(warehouse)] == ["page_view", "logout"]


def test_a_page_view_is_audited_once_per_session_not_per_rerun(app, db_copy, analysed_db):
    warehouse = db_copy(analysed_db)
    signed_in(app, "admin").run()
    app.run()
    app.multiselect(key="brands").set_value(["Northwind"]).run()
    app.switch_page("dashboard/pages/mentions.py").run()
    app.switch_page("dashboard/pages/brand_conversations.py").run()
    assert events(warehouse, "page_view") == [
        ("admin", "admin", "page_view", "Brand conversations", None),
        ("admin", "admin", "page_view", "Mentions", None),
    ]


def test_without_any_account_the_login_says_how_to_create_one(app, tmp_path, monkeypatch):
    monkeypatch.setenv("SOCIALPULSE_USERS_FILE", str(tmp_path / "none.toml"))
    app.run()
    assert "pulse users add admin --role admin" in app.warning[0].value
