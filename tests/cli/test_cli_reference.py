"""docs/cli.md is generated from ``--help``; this fails when a command changed and it was not
regenerated (``make cli-reference``)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "docs" / "cli.md"


def generated() -> str:
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/"), "COLUMNS": "100"}
    env |= {"NO_COLOR": "1", "TERM": "dumb"}
    return subprocess.run(
        [sys.executable, "-m", "socialpulse.cli.reference"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env=env,
    ).stdout


def test_the_cli_reference_is_current():
    assert REFERENCE.read_text() == generated(), "docs/cli.md is stale: run `make cli-reference`"


def test_the_reference_covers_every_command_and_its_options():
    text = REFERENCE.read_text()
    for heading in ("## `pulse archive`", "## `pulse hold add`", "## `pulse roi set`"):
        assert heading in text
    assert "--as-of" in text  # an option appears with its help, not only the command's name
