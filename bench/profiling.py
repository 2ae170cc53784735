"""cProfile output for a measurement that misses its target: the profile that shows why."""

from __future__ import annotations

import cProfile
import io
import pstats
import re
import sys
import sysconfig
import threading
from collections.abc import Callable
from pathlib import Path

PROFILE_LINES = 25
ROOT = Path(__file__).resolve().parents[1]
# Where files live on the machine that ran it says nothing about the code: profiles name them
# from the repository, the installed packages or the standard library.
PLACES = {
    sysconfig.get_paths()["purelib"]: "<site-packages>",
    sysconfig.get_paths()["stdlib"]: "<stdlib>",
    str(ROOT): ".",
}


def without_machine_paths(text: str) -> str:
    """``text`` with the absolute folders of this machine replaced by what they are."""
    for folder, name in sorted(PLACES.items(), key=lambda item: -len(item[0])):
        text = text.replace(folder, name)
    return re.sub(
        r"/[^\s:]*/lib/python3\.\d+/(site-packages/)?",
        lambda m: "<site-packages>/" if m.group(1) else "<stdlib>/",
        text,
    )


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
    return without_machine_paths(out.getvalue().strip())
