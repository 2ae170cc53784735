"""A full ``pulse analyze`` in a child process: seconds, peak memory, and each step's share.

The child is the real command (``python -m socialpulse.cli --db FILE analyze``), so the figure
includes what a user pays: imports, the pool of sentiment workers, DuckDB's working memory.
``pulse analyze`` prints one ``step: outcome`` line as each step ends; the memory samples taken
before that line belong to that step, which is the profile that says where a miss comes from.
"""

from __future__ import annotations

import re
from pathlib import Path

from bench.processes import ChildRun, python_module, run_child

STEP_LINE = re.compile(r"^([a-z_]+): ")


class BenchError(RuntimeError):
    """A measured command failed: the benchmark has no figure to give."""


def step_profile(run: ChildRun) -> list[dict]:
    """Seconds and peak tree memory of each step, in the order they ran."""
    ends = [(at, m.group(1)) for at, line in run.lines if (m := STEP_LINE.match(line))]
    ends.append((run.seconds, "(exit)"))
    profile, begun = [], 0.0
    for end, name in ends:
        peak = max((mib for at, mib in run.samples if begun <= at <= end), default=0.0)
        profile.append({"step": name, "seconds": round(end - begun, 2), "peak_mib": round(peak)})
        begun = end
    return profile


def measure_analyze(db: Path) -> tuple[dict, list[dict]]:
    """Figures for one full analysis of ``db``, and its per-step profile."""
    run = run_child(python_module("socialpulse.cli", "--db", str(db), "analyze"))
    if run.returncode != 0:
        tail = "\n".join(line for _, line in run.lines[-5:])
        raise BenchError(f"pulse analyze exited with {run.returncode}:\n{tail}")
    figures = {
        "analyze_seconds": round(run.seconds, 2),
        "analyze_peak_mib": round(max(run.max_rss_mib, run.peak_tree_mib)),
        "analyze_max_rss_mib": round(run.max_rss_mib),
    }
    return figures, step_profile(run)
