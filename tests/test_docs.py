"""The README documents every command, table and configuration section that exists."""

import re
from pathlib import Path

import pytest
import typer

from socialpulse.cli import app
from socialpulse.config import Settings
from socialpulse.warehouse import DOCUMENTED_TABLES, TABLE_KEYS

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


def commands() -> list[str]:
    return [command.name for command in typer.main.get_command(app).commands.values()]


def test_the_cli_has_the_foundation_commands():
    assert {"migrate", "demo", "analyze", "status", "serve", "config"} <= set(commands())


@pytest.mark.parametrize("command", commands())
def test_every_command_is_documented(command):
    assert re.search(rf"`pulse {command}\b", README), f"pulse {command} is not in the README"


@pytest.mark.parametrize("table", sorted(set(DOCUMENTED_TABLES) | set(TABLE_KEYS)))
def test_every_table_is_documented(table):
    assert f"| `{table}` |" in README


@pytest.mark.parametrize("section", list(Settings.model_fields))
def test_every_configuration_section_is_documented(section):
    assert f"`[{section}]`" in README or f"`[[{section}]]`" in README


def test_the_two_commands_come_first():
    first_heading = README.index("\n## ")
    assert README.index("make run") > first_heading
    assert README.index("## Two commands") == first_heading + 1
