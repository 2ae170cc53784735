"""Dashboard page timings with Streamlit's AppTest: cold and warm first render, filter change.

Every ``dashboard/pages/*.py`` present when the benchmark runs is measured, each in a fresh
child process (``python -m bench.pages PAGE --out FILE.json``, on the warehouse SOCIALPULSE_DB
names), so "cold" means what a new server pays: empty caches, the page's modules imported for
the first time. "Warm" is a
second session in the same process (the cached queries of the first are reused, as on a
server), and the filter change halves the sidebar's date range (or, without one, keeps only the
first option of a multiselect) and reruns. A page whose warm render exceeds ``--profile-over``
seconds is rendered once more under cProfile, and the top functions come back with its figures.
"""

from __future__ import annotations

import argparse
import json
import subprocess
from datetime import date
from pathlib import Path

from bench.demo_warehouse import timed
from bench.processes import ROOT, child_env, python_module
from bench.profiling import profile_text

PAGES = ROOT / "dashboard" / "pages"
RENDER_TIMEOUT_S = 900


def discover(folder: Path = PAGES) -> list[Path]:
    """The pages there are now: other pages may be added at any time."""
    return sorted(p for p in folder.glob("*.py") if not p.name.startswith("_"))


def _problem(app) -> str | None:
    if app.exception:
        return app.exception[0].message.splitlines()[0]
    if app.error:
        return str(app.error[0].value).splitlines()[0]
    return None


def change_filter(app) -> str | None:
    """Set one sidebar filter (else one anywhere on the page) to a narrower value."""
    for scope in (app.sidebar, app):
        for widget in scope.date_input:
            value = widget.value
            if isinstance(value, tuple) and len(value) == 2 and value[0] < value[1]:
                start, end = value
                middle = date.fromordinal((start.toordinal() + end.toordinal() + 1) // 2)
                widget.set_value((middle, end))
                return f"{widget.label}: {middle} to {end}"
        for widget in scope.multiselect:
            if len(widget.value) > 1:
                widget.set_value(list(widget.value[:1]))
                return f"{widget.label}: {widget.value[0]}"
    return None


def installed_components():
    """Streamlit's registry of installed components, scanned once as a server does at start.

    AppTest rescans every installed package for each new session (a third of a small page's
    render on our machine); that is the harness's cost, not the page's, so the sessions share
    one scan. None when this Streamlit has no such registry.
    """
    try:
        from streamlit.components.v2.component_manager import BidiComponentManager
    except ImportError:
        return None
    manager = BidiComponentManager()
    manager.discover_and_register_components(start_file_watching=False)
    return manager


def measure_page(path: Path, profile_over: float | None = None) -> dict:
    """Cold, warm and filter-change seconds of one page; run it in a fresh process, whose
    caches are empty, or "cold" means nothing."""
    from streamlit.testing.v1 import AppTest

    script = str(path.resolve())
    components = installed_components()

    def render():
        app = AppTest.from_file(script, default_timeout=RENDER_TIMEOUT_S)
        if components is not None and hasattr(app, "_bidi_component_manager"):
            app._bidi_component_manager = components
        # An admin's view, so every page renders all it can; without a user nothing is audited,
        # so the timings hold no warehouse writes.
        app.session_state["role"] = "admin"
        return app.run()

    cold_app, cold = timed(render)
    if problem := _problem(cold_app):
        return {"page": path.stem, "error": problem}
    warm_app, warm = timed(render)
    result = {"page": path.stem, "cold_s": cold, "warm_s": warm}
    changed = change_filter(warm_app)
    if changed:
        filtered, result["filter_s"] = timed(warm_app.run)
        result["filter"] = changed
        if problem := _problem(filtered):
            result["error"] = f"after {changed}: {problem}"
    if profile_over is not None and warm > profile_over:
        result["profile"] = profile_text(render)
    return result


def measure_pages(db: Path, profile_over: float | None, folder: Path) -> list[dict]:
    """Each page's figures, measured in its own fresh process."""
    results = []
    for page in discover():
        out = folder / f"page-{page.stem}.json"
        command = python_module("bench.pages", str(page), "--out", str(out))
        if profile_over is not None:
            command += ["--profile-over", str(profile_over)]
        done = subprocess.run(
            command,
            env=child_env(SOCIALPULSE_DB=str(db)),
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0 or not out.exists():
            tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
            results.append({"page": page.stem, "error": f"exit {done.returncode}: {tail}"})
            continue
        results.append(json.loads(out.read_text()))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description="Time one dashboard page (a child of "
        "pulse bench; SOCIALPULSE_DB names the file)."
    )
    parser.add_argument("page", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--profile-over", type=float, default=None)
    args = parser.parse_args()
    args.out.write_text(json.dumps(measure_page(args.page, args.profile_over)))


if __name__ == "__main__":
    main()
