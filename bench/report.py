"""One benchmark run as a table (rich, for the terminal), JSON (one file a run) and a Markdown
section (appended to docs/benchmarks.md), each line with its target and PASS or MISS.

A verdict is information, never a failure: the targets were set for 2 cores and 24 GiB at
1,000,000 mentions, and a run elsewhere or at another size says so in its header.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from rich.table import Table


@dataclass(frozen=True)
class Target:
    text: str
    limit: float
    at_least: bool
    strict: bool = False  # "under 1 s": the limit itself misses

    def holds(self, value: float | bool) -> bool:
        if isinstance(value, bool):
            return value
        if self.strict:
            return value > self.limit if self.at_least else value < self.limit
        return value >= self.limit if self.at_least else value <= self.limit


PAGE_WARM_S = 1.0
TARGETS = {
    "load_posts_per_s": Target(">= 100,000 posts/s", 100_000, at_least=True),
    "sentiment_speedup": Target(">= 5x", 5, at_least=True),
    "sentiment_identical": Target("identical scores", 1, at_least=True),
    "sentiment_seconds_per_million": Target("<= 60 s", 60, at_least=False),
    "analyze_peak_mib": Target("<= 4,096 MiB", 4096, at_least=False),
    "live_push_per_s": Target(">= 2,000 posts/s", 2000, at_least=True),
    "live_stream_per_s": Target(">= 2,000 posts/s", 2000, at_least=True),
    "live_alert_median_s": Target("<= 60 s", 60, at_least=False),
    "live_alert_worst_s": Target("<= 60 s", 60, at_least=False),
}
PAGE_COLD_S = 3.0
PAGE_FILTER_S = 0.5
SEARCH_S = 1.0
PAGE_TARGETS = {
    "_warm_s": Target("<= 1 s", PAGE_WARM_S, at_least=False),
    "_cold_s": Target("<= 3 s", PAGE_COLD_S, at_least=False),
    "_filter_s": Target("<= 0.5 s", PAGE_FILTER_S, at_least=False),
}
SEARCH_TARGET = Target("< 1 s", SEARCH_S, at_least=False, strict=True)


def target_for(key: str) -> Target | None:
    if key.startswith("page_"):
        return next((t for end, t in PAGE_TARGETS.items() if key.endswith(end)), None)
    if key.startswith("search_") and key.endswith("_s"):
        return SEARCH_TARGET
    return TARGETS.get(key)


@dataclass
class Line:
    """One measurement: a number (or a yes/no check, or why it failed) and its unit."""

    key: str
    label: str
    value: float | bool | str
    unit: str = ""

    @property
    def target(self) -> Target | None:
        return target_for(self.key)

    @property
    def verdict(self) -> str:
        if self.target is None:
            return ""
        if isinstance(self.value, str):
            return "MISS"
        return "PASS" if self.target.holds(self.value) else "MISS"

    def shown(self) -> str:
        if isinstance(self.value, bool):
            return "yes" if self.value else "no"
        if isinstance(self.value, str):
            return self.value
        if self.value >= 100:
            return f"{self.value:,.0f}"
        return f"{self.value:,.3g}" if self.value < 10 else f"{self.value:,.1f}"


@dataclass
class Run:
    date: str
    size: str
    mentions: int
    messages: int
    machine: dict
    versions: dict
    lines: list[Line] = field(default_factory=list)
    details: dict = field(default_factory=dict)
    profiles: dict[str, str] = field(default_factory=dict)

    def add(self, key: str, label: str, value: float | bool | str, unit: str = "") -> Line:
        self.lines.append(Line(key, label, value, unit))
        return self.lines[-1]

    def misses(self) -> list[Line]:
        return [line for line in self.lines if line.verdict == "MISS"]


def to_json(run: Run) -> dict:
    numbers = {
        line.key: line.value
        for line in run.lines
        if isinstance(line.value, int | float) and not isinstance(line.value, bool)
    }
    return {
        "date": run.date,
        "size": run.size,
        "mentions": run.mentions,
        "messages": run.messages,
        "machine": run.machine,
        "versions": run.versions,
        "figures": numbers,
        "checks": {line.key: line.value for line in run.lines if isinstance(line.value, bool)},
        "errors": {line.key: line.value for line in run.lines if isinstance(line.value, str)},
        "verdicts": {
            line.key: {"target": line.target.text, "verdict": line.verdict}
            for line in run.lines
            if line.target is not None
        },
        "details": run.details,
        "profiles": run.profiles,
    }


def write_json(run: Run, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"bench-{run.size}-{datetime.now(UTC):%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps(to_json(run), indent=2) + "\n")
    return path


def header(run: Run) -> str:
    m, v = run.machine, run.versions
    return (
        f"{m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB ({m['system']}); "
        f"Python {v['python']}, DuckDB {v['duckdb']}, Streamlit {v['streamlit']}, "
        f"vaderSentiment {v['vaderSentiment']}"
    )


def rich_table(run: Run) -> Table:
    table = Table(
        "measurement",
        "value",
        "unit",
        "target",
        "verdict",
        title=f"pulse bench --size {run.size}: {run.mentions:,} mentions, "
        f"{run.messages:,} internal messages",
        caption=header(run),
    )
    table.columns[1].justify = "right"
    for line in run.lines:
        colour = {"PASS": "green", "MISS": "bold red"}.get(line.verdict, "")
        table.add_row(
            line.label,
            line.shown(),
            line.unit,
            line.target.text if line.target else "",
            f"[{colour}]{line.verdict}[/]" if colour else "",
        )
    return table


def markdown(run: Run) -> str:
    rows = "\n".join(
        f"| {line.label} | {line.shown()} | {line.unit} | "
        f"{line.target.text if line.target else ''} | {line.verdict} |"
        for line in run.lines
    )
    parts = [
        f"## {run.date}: size {run.size} ({run.mentions:,} mentions, "
        f"{run.messages:,} internal messages)",
        f"Machine and versions: {header(run)}.",
        "| measurement | value | unit | target | verdict |\n|---|--:|---|---|---|\n" + rows,
    ]
    if steps := run.details.get("analyze_steps"):
        parts.append(
            "`pulse analyze` by step (seconds, peak memory of the process tree): "
            + "; ".join(f"{s['step']} {s['seconds']} s, {s['peak_mib']:,} MiB" for s in steps)
            + "."
        )
    for key, text in run.profiles.items():
        parts.append(f"Profile for `{key}` (missed its target):\n\n```text\n{text}\n```")
    return "\n\n".join(parts) + "\n"


def append_markdown(run: Run, path: Path) -> None:
    existing = path.read_text() if path.exists() else ""
    separator = (
        ""
        if not existing or existing.endswith("\n\n")
        else ("\n" if existing.endswith("\n") else "\n\n")
    )
    path.write_text(existing + separator + markdown(run))
