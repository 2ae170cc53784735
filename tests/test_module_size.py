"""Modules a reader can hold in their head: no product module over 400 lines and no function
over 80, declarative DDL excepted. A module that outgrows this is doing two jobs; the test
names it so that the split happens when the second job arrives, not a year later."""

from __future__ import annotations

import ast
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 80
# Functions that are one long declaration of tables, not logic.
DECLARATIVE = {"socialpulse/warehouse/migrations/v01_create_core_tables.py": {"create_core_tables"}}


def product_modules() -> list[Path]:
    """Tracked Python files outside tests (untracked scratch files are not the product's)."""
    listed = subprocess.run(
        ["git", "ls-files", "*.py"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    return [ROOT / name for name in listed if not name.startswith("tests/")]


def long_functions(path: Path, limit: int = MAX_FUNCTION_LINES) -> list[str]:
    """``name (N lines)`` for each function or method over ``limit`` lines, nested ones too."""
    tree = ast.parse(path.read_text(), filename=str(path))
    allowed = DECLARATIVE.get(path.relative_to(ROOT).as_posix(), set())
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name not in allowed:
            length = node.end_lineno - node.lineno + 1
            if length > limit:
                found.append(f"{node.name} ({length} lines)")
    return found


def test_no_product_module_is_over_the_line_limit():
    too_long = []
    for path in product_modules():
        lines = len(path.read_text().splitlines())
        if lines > MAX_MODULE_LINES:
            too_long.append(f"{path.relative_to(ROOT)}: {lines} lines")
    assert not too_long, "\n".join(too_long)


def test_no_function_is_over_the_line_limit():
    too_long = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in product_modules()
        for name in long_functions(path)
    ]
    assert not too_long, "\n".join(too_long)


def test_the_function_check_finds_a_long_function():
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_FUNCTION_LINES))
    sample = ROOT / "tests" / "_long_function_sample.py"
    try:
        sample.write_text(f"def short():\n    return 1\n\n\ndef long_one():\n{body}\n")
        assert long_functions(sample) == [f"long_one ({MAX_FUNCTION_LINES + 1} lines)"]
    finally:
        sample.unlink()
