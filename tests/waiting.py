"""Waiting for something another thread or process does, with a deadline that fails the test."""

from __future__ import annotations

import time
from collections.abc import Callable


def wait_for(condition: Callable[[], object], timeout: float = 60.0, every: float = 0.2) -> None:
    """Poll ``condition`` every ``every`` seconds until it is true; fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(every)
