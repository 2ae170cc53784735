"""Write docs/cli.md from the commands' own ``--help``, so the reference cannot drift from the code.

Run ``make cli-reference`` after changing a command; ``tests/cli/test_cli_reference.py`` fails
while the file is stale. The help is rendered at a fixed width without colour (the caller sets
``COLUMNS`` and ``NO_COLOR``, see the Makefile) so that the file is the same on every machine.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import typer
from typer.testing import CliRunner

HEADER = """# Command reference

Generated from each command's `--help` by `make cli-reference`; do not edit by hand. The
[README](../README.md#the-pulse-command) lists the commands in one table.
"""


def command_paths(command, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Every command and subcommand, depth first, in the order ``--help`` lists them."""
    yield prefix
    if hasattr(command, "list_commands"):  # a group (typer ships its own copy of click)
        context = command.context_class(command)
        for name in command.list_commands(context):
            yield from command_paths(command.get_command(context, name), (*prefix, name))


def reference(app: typer.Typer) -> str:
    runner = CliRunner()
    sections = [HEADER]
    for path in command_paths(typer.main.get_command(app)):
        result = runner.invoke(app, [*path, "--help"], prog_name="pulse")
        if result.exit_code != 0:
            raise RuntimeError(f"pulse {' '.join(path)} --help failed: {result.output}")
        text = "\n".join(line.rstrip() for line in result.output.strip("\n").splitlines())
        title = " ".join(("pulse", *path))
        sections.append(f"## `{title}`\n\n```text\n{text.strip(chr(10))}\n```\n")
    return "\n".join(sections)


def main() -> None:
    from socialpulse.cli import app

    target = Path(sys.argv[1]) if len(sys.argv) > 1 else None
    text = reference(app)
    if target is None:
        sys.stdout.write(text)
    else:
        target.write_text(text)


if __name__ == "__main__":
    main()
