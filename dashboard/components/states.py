"""Loading, empty and error states: what a page shows instead of a chart, and never a traceback.

An error inside a section is logged with its traceback for the operator and replaced on the page
by one sentence saying what could not be shown and what to try; the rest of the page still
renders. A ``WarehouseError`` is already a sentence that says what to do, so it is shown as is.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from socialpulse.warehouse import WarehouseError

log = logging.getLogger("dashboard")


@contextmanager
def section(what: str, loading: str | None = None) -> Iterator[None]:
    """Run one part of a page under a spinner; if it fails, say so in place of it."""
    try:
        with st.spinner(loading or f"Loading {what.lower()}…"):
            yield
    except WarehouseError as error:
        log.warning("%s: %s", what, error)
        st.error(f"{what} cannot be shown: {error}", icon=":material/database_off:")
    except Exception:
        log.exception("dashboard section %r failed", what)
        st.error(
            f"{what} cannot be shown because of an internal error (it has been logged). "
            "Try **Refresh data** in the sidebar or another period; if it persists, "
            "tell the person who runs SocialPulse.",
            icon=":material/error:",
        )


def empty(message: str, command: str | None = None) -> None:
    """An empty state: why there is nothing to show, and the command that would fix it."""
    st.info(message, icon=":material/info:")
    if command:
        st.code(command, language="bash")


def stop_with(message: str, command: str | None = None) -> None:
    """An empty state that ends the page: nothing below it could be shown."""
    empty(message, command)
    st.stop()
