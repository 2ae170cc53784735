"""Imports only point down: the warehouse and core know nothing of collectors or analysis, which
know nothing of each other, of the dashboard or of the CLI. A lower layer that imports a higher
one is how a grab-bag starts; this test names the line that does it."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Lower number, lower layer. A module may import its own package or anything strictly below it;
# siblings on one level (collectors, analysis) stay independent of each other.
LAYERS = {
    "socialpulse": 0,
    "collectors": 1,
    "analysis": 1,
    "dashboard": 2,
    "socialpulse.live": 2,
    "bench": 3,
    "socialpulse.cli": 4,
}


def layer_of(module: str) -> str | None:
    """The most specific layer a dotted module name belongs to (socialpulse.cli before
    socialpulse), or None for third-party and standard-library modules."""
    matches = [name for name in LAYERS if module == name or module.startswith(name + ".")]
    return max(matches, key=len) if matches else None


def module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path, root: Path) -> list[tuple[int, str]]:
    """Every module ``path`` imports, lazily or not, with the line it does it on; relative
    imports are resolved against the file's package."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = module_name(path, root).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                found.append((node.lineno, ".".join([*base, *(node.module or "").split(".")])))
            else:
                found.append((node.lineno, node.module or ""))
    return found


def upward_imports(root: Path) -> list[str]:
    """``file:line: a imports b`` for each import from a layer not strictly below the file's
    own (its own package excepted)."""
    problems = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        if relative.parts[0] in {"tests", "notebooks", ".venv"} or len(relative.parts) < 2:
            continue
        importer = layer_of(module_name(path, root))
        if importer is None:
            continue
        for line, target in imported_modules(path, root):
            imported = layer_of(target)
            if imported is None or imported == importer:
                continue
            if LAYERS[imported] >= LAYERS[importer]:
                problems.append(f"{relative}:{line}: {importer} imports {imported} ({target})")
    return problems


def test_no_layer_imports_one_above_it_or_beside_it():
    problems = upward_imports(ROOT)
    assert not problems, "imports that point up or sideways:\n" + "\n".join(problems)


def test_the_check_names_an_upward_import_added_on_purpose(tmp_path):
    """The checker itself can fail: a warehouse module reaching for the dashboard, an analysis
    module reaching for a collector and a relative import into the CLI are each reported."""
    files = {
        "socialpulse/__init__.py": "",
        "socialpulse/warehouse.py": "import duckdb\nfrom dashboard import data\n",
        "socialpulse/cli/__init__.py": "from analysis import volume\n",
        "socialpulse/cli/extra.py": "",
        "socialpulse/config.py": "from .cli import extra\n",
        "analysis/__init__.py": "",
        "analysis/volume.py": "def f():\n    from collectors.rss import collect\n",
        "dashboard/__init__.py": "",
        "dashboard/data.py": "from analysis.volume import f\nfrom socialpulse import config\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    assert upward_imports(tmp_path) == [
        "analysis/volume.py:2: analysis imports collectors (collectors.rss)",
        "socialpulse/config.py:1: socialpulse imports socialpulse.cli (socialpulse.cli)",
        "socialpulse/warehouse.py:2: socialpulse imports dashboard (dashboard)",
    ]
