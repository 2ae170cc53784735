"""cProfile output for a measurement that misses its target: the profile that shows why."""

from __future__ import annotations

import cProfile
import io
import pstats
import sys
import threading
from collections.abc import Callable

PROFILE_LINES = 25


def profile_text(step: Callable[[], object], lines: int = PROFILE_LINES) -> str:
    """The top functions of one run of ``step`` by cumulative time, threads started during it
    included (AppTest runs a page in a script thread of its own). Pool worker processes are
    not: their time shows as the parent's wait."""
    profilers = [cProfile.Profile()]

    def enable_in_new_thread(*_) -> None:
        sys.setprofile(None)
        profilers.append(cProfile.Profile())
        profilers[-1].enable()

    threading.setprofile(enable_in_new_thread)
    try:
        profilers[0].runcall(step)
    finally:
        threading.setprofile(None)
    out = io.StringIO()
    stats = pstats.Stats(profilers[0], stream=out)
    for profiler in profilers[1:]:
        stats.add(profiler)
    stats.sort_stats("cumulative").print_stats(lines)
    return out.getvalue().strip()
