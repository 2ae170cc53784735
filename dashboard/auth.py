"""Who is using the dashboard: the login gate, the pages a role sees, and the session's audit.

A visitor without a valid session gets one page, the login, whatever URL they open: pages a role
may not see are not given to ``st.navigation`` at all (``visible_pages``), so a direct link to
one shows the role's default page instead. Local accounts (``socialpulse.users``) sign in with a
form; ``users.login`` checks the bcrypt hash, throttles repeated failures and writes the audit
row, which is why a login needs the warehouse and waits for a collector writing it. When
Streamlit's secrets have an ``[auth]`` section, ``st.login`` (OIDC) signs people in instead and
the role comes from the users file (same name or e-mail) or ``[socialpulse] default_role``.

A session keeps ``user``, ``role`` and ``login_at`` and ends ``[security] session_minutes``
after its login. Every audit write of a session goes through ``record``: it never breaks a page
(a failure is logged), and page views and searches are recorded once per session and target,
not on every rerun.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import streamlit as st

from dashboard import data
from socialpulse import audit, users
from socialpulse.access import ROLES, can, can_see_page, check_role, session_is_valid
from socialpulse.config import ConfigError, Security
from socialpulse.warehouse import WarehouseError

log = logging.getLogger("dashboard")
SESSION_KEYS = ("user", "role", "login_at")
RECORDED = "_audit_recorded"
WANTED = "_wanted_page"
EXPIRED = "_session_expired"
NO_ACCOUNT_HINT = "pulse users add admin --role admin"


def security() -> Security:
    try:
        return data.settings().security
    except ConfigError:
        return users.DEFAULT_SECURITY


def current_user() -> str | None:
    return st.session_state.get("user")


def current_role() -> str | None:
    return st.session_state.get("role")


def _clear() -> None:
    for key in (*SESSION_KEYS, RECORDED):
        st.session_state.pop(key, None)


def signed_in(now: datetime | None = None) -> bool:
    """Whether this session has a user whose login is younger than ``session_minutes``; an
    expired session is ended here (audited as a logout) and the login says why."""
    state = st.session_state
    user, role, started = state.get("user"), state.get("role"), state.get("login_at")
    if not (user and role in ROLES and isinstance(started, datetime)):
        return False
    ttl = timedelta(minutes=security().session_minutes)
    if session_is_valid(started, now or datetime.now(UTC), ttl):
        return True
    record("logout", detail="session expired")
    _clear()
    state[EXPIRED] = True
    return False


def start_session(user: str, role: str, now: datetime | None = None) -> None:
    check_role(role)
    _clear()
    st.session_state.update(user=user, role=role, login_at=now or datetime.now(UTC))


def sign_out() -> None:
    record("logout")
    _clear()
    if oidc_configured():
        st.logout()


def record(
    action: str,
    target: str | None = None,
    filters: dict | None = None,
    detail: str | None = None,
    *,
    db: str | None = None,
) -> bool:
    """Append an audit event for this session's user. The page goes on when the warehouse
    cannot be written (missing, busy past the wait): the failure is logged, False returned."""
    return _append(current_user(), current_role(), action, target, filters, detail, db)


def recorder(action: str, target: str | None = None) -> Callable[[], bool]:
    """``record`` bound now to this session's user and role, for work that runs later outside
    the session's script (a deferred download is built on Streamlit's download thread)."""
    user, role, db = current_user(), current_role(), str(data.db_path())
    return lambda: _append(user, role, action, target, None, None, db)


def _append(
    user: str | None,
    role: str | None,
    action: str,
    target: str | None,
    filters: dict | None,
    detail: str | None,
    db: str | None,
) -> bool:
    if not user:  # only a page run on its own (a test) has no user: nothing to attribute
        return False
    try:
        data.write(
            db or str(data.db_path()),
            lambda con: audit.record(con, user, role, action, target, filters, detail),
        )
    except Exception:
        log.exception("audit %s of %s by %s not written", action, target, user)
        return False
    return True


def record_once(
    action: str, target: str | None, filters: dict | None = None, *, db: str | None = None
) -> None:
    """``record``, unless this session already recorded the same action, target and filters:
    a rerun (a widget change, a page of results) is not a new page view or search."""
    key = json.dumps([action, target, filters], sort_keys=True, default=str)
    done = st.session_state.setdefault(RECORDED, set())
    if key not in done and record(action, target, filters, db=db):
        done.add(key)


def page_name(page) -> str:
    """A navigation page's name in ``access.PAGES``: its file name without ``.py``."""
    source = getattr(page, "_page", None)
    return Path(source).stem if isinstance(source, str | Path) else page.url_path


def visible_pages(sections: dict[str, list], role: str | None) -> dict[str, list]:
    """The navigation of ``role``: each section's pages it may open, empty sections dropped."""
    shown = {
        name: [p for p in pages if can_see_page(role, page_name(p))]
        for name, pages in sections.items()
    }
    return {name: pages for name, pages in shown.items() if pages}


def remember_wanted() -> None:
    """Before the login: the page and filters the visitor's link asked for, to go there once
    signed in (the login page replaces the URL)."""
    if WANTED in st.session_state:
        return
    try:
        url = st.context.url or ""
    except Exception:
        url = ""
    path = url.split("://", 1)[-1].partition("/")[2].strip("/")
    params = {key: st.query_params.get_all(key) for key in st.query_params}
    st.session_state[WANTED] = (path, params)


def follow_wanted(sections: dict[str, list]) -> None:
    """Just signed in: open the page of the remembered link when the role may see it, with
    the link's filters; otherwise the role's default page, still with the filters."""
    wanted = st.session_state.pop(WANTED, None)
    if not wanted:
        return
    path, params = wanted
    pages = [p for section in sections.values() for p in section]
    target = next((p for p in pages if path and page_name(p) == path.split("/")[-1]), None)
    if target is None:
        target = next((p for p in pages if getattr(p, "_default", False)), pages[0])
    st.switch_page(target, query_params=params)


def oidc_configured() -> bool:
    """Whether Streamlit's secrets configure ``st.login`` (an ``[auth]`` section)."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def _oidc_role(name: str) -> str | None:
    known = {u.name: u.role for u in users.list_users()}
    if name in known:
        return known[name]
    try:
        default = st.secrets.get("socialpulse", {}).get("default_role")
    except Exception:
        default = None
    return default if default in ROLES else None


def _oidc_login() -> None:
    if not st.user.is_logged_in:
        st.button(
            "Sign in with your organisation",
            key="oidc_login",
            on_click=st.login,
            icon=":material/login:",
            type="primary",
        )
        return
    name = str(st.user.get("email") or st.user.get("name") or "unknown")
    role = _oidc_role(name)
    if role is None:
        st.error(
            f"{name} has no SocialPulse role: ask an admin to run "
            f"`pulse users add {name} --role ROLE`."
        )
        st.button("Sign out", key="oidc_logout", on_click=st.logout)
        return
    start_session(name, role)
    record("login", detail="oidc")
    st.rerun()


def _sign_in(name: str, password: str) -> None:
    db, limits = str(data.db_path()), security()
    try:
        user = data.write(db, lambda con: users.login(con, name, password, security=limits))
    except WarehouseError as error:
        st.error(f"Cannot sign in now (the login could not be recorded): {error}")
        return
    if user is None:
        until = users.locked_until(name, security=limits)
        if until is not None:
            st.error(f"Too many failed logins for this name: try again after {until:%H:%M} UTC.")
        else:
            st.error("Wrong name or password.")
        return
    start_session(user.name, user.role)
    st.rerun()


def login_page() -> None:
    """The only page of a visitor who is not signed in."""
    st.title("Sign in to SocialPulse")
    if st.session_state.pop(EXPIRED, False):
        st.info("Your session has expired: sign in again.", icon=":material/timer_off:")
    if oidc_configured():
        _oidc_login()
        return
    if not users.list_users():
        st.warning(
            f"No dashboard account exists yet: create one with `{NO_ACCOUNT_HINT}` "
            f"(accounts live in {users.users_file()}).",
            icon=":material/person_add:",
        )
    with st.form("login", clear_on_submit=True):
        name = st.text_input("Name", key="login_name", autocomplete="username")
        password = st.text_input(
            "Password", type="password", key="login_password", autocomplete="current-password"
        )
        submitted = st.form_submit_button("Sign in", type="primary")
    if submitted:
        _sign_in(name.strip(), password)


def account_sidebar() -> None:
    """Who is signed in, and the way out."""
    st.sidebar.caption(f"Signed in as **{current_user()}** ({current_role()})")
    st.sidebar.button("Sign out", key="logout", icon=":material/logout:", on_click=sign_out)


def allowed(action: str) -> bool:
    """Whether this session's role may do ``action`` (a row of ``access.PERMISSIONS``)."""
    return can(current_role(), action)


def record_export(name: str, filters: dict | None = None) -> None:
    """For a download button's ``on_click``: every download is an audit event."""
    record("export", name, filters)
