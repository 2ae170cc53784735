"""Child processes for the measurements a fresh process must make: their environment, their
peak memory (the whole process tree, pool workers included) and their resource usage.

Linux only: memory is read from /proc. Proportional set size (PSS) is summed over the tree, so
pages a forked worker shares with its parent count once, not once per process.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from socialpulse.config import EXAMPLE_CONFIG

ROOT = Path(__file__).resolve().parents[1]


def child_env(**extra: str) -> dict[str, str]:
    """The committed example configuration (a user's own one could send alert notifications),
    the repository on the path (``bench`` is not installed), and lines wide enough to parse."""
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    return {
        **os.environ,
        "SOCIALPULSE_CONFIG": str(EXAMPLE_CONFIG),
        "PYTHONPATH": path,
        "COLUMNS": "400",
        **extra,
    }


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # ended while we looked
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(parent, []).append(int(entry.name))
    return tree


def _memory_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    try:
        pages = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
    except OSError:
        return 0
    return pages * os.sysconf("SC_PAGE_SIZE") // 1024


def tree_memory_mib(pid: int) -> float:
    """Memory of ``pid`` and all its descendants, now."""
    tree, pending, total = _children(), [pid], 0
    while pending:
        current = pending.pop()
        total += _memory_kib(current)
        pending.extend(tree.get(current, ()))
    return total / 1024


@dataclass
class ChildRun:
    """What a finished child did: exit status, seconds, its stderr lines with their times."""

    returncode: int
    seconds: float
    max_rss_mib: float  # the largest single process of the tree (getrusage of the child)
    samples: list[tuple[float, float]] = field(default_factory=list)  # (second, tree MiB)
    lines: list[tuple[float, str]] = field(default_factory=list)  # (second, stderr line)
    stdout: str = ""

    @property
    def peak_tree_mib(self) -> float:
        return max((mib for _, mib in self.samples), default=0.0)


def run_child(command: list[str], interval: float = 0.1, cwd: Path = ROOT) -> ChildRun:
    """Run ``command``, sampling its process tree's memory every ``interval`` seconds."""
    started = time.perf_counter()
    child = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=child_env(), cwd=cwd
    )
    lines: list[tuple[float, str]] = []
    out: list[str] = []
    samples: list[tuple[float, float]] = []
    done = threading.Event()

    def read_stderr() -> None:
        for line in child.stderr:
            lines.append((time.perf_counter() - started, line.rstrip("\n")))

    def sample() -> None:
        while not done.wait(interval):
            samples.append((time.perf_counter() - started, tree_memory_mib(child.pid)))

    threads = [
        threading.Thread(target=read_stderr, daemon=True),
        threading.Thread(target=lambda: out.append(child.stdout.read()), daemon=True),
        threading.Thread(target=sample, daemon=True),
    ]
    for thread in threads:
        thread.start()
    # wait4, not wait: it returns the child's own resource usage, so the pool workers this
    # process started earlier cannot inflate the figure.
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    done.set()
    for thread in threads:
        thread.join()
    return ChildRun(child.returncode, seconds, usage.ru_maxrss / 1024, samples, lines, "".join(out))


def python_module(module: str, *args: str) -> list[str]:
    return [sys.executable, "-m", module, *args]
