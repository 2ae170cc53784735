"""The README stays short and points everywhere; docs/ documents every command, table and setting.

A newcomer reads the README first, so it holds the two commands, a tour and a map; the detail
lives in docs/, and every link in either must land on a file (and heading) that exists.
"""

import re
from pathlib import Path

import pytest
import typer

from socialpulse.cli import app
from socialpulse.config import Settings
from socialpulse.warehouse import DOCUMENTED_TABLES, TABLE_KEYS

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
DOCS = ROOT / "docs"
PAGES = sorted(
    [ROOT / "README.md", ROOT / "CHANGELOG.md", ROOT / "data" / "README.md", *DOCS.glob("*.md")]
)
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def commands() -> list[str]:
    return [command.name for command in typer.main.get_command(app).commands.values()]


def anchors(markdown: str) -> set[str]:
    """GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens."""
    headings = re.findall(r"(?m)^#+ (.+)$", markdown)
    return {
        re.sub(r"[^\w\- ]", "", heading).strip().lower().replace(" ", "-") for heading in headings
    }


def test_the_cli_has_the_foundation_commands():
    assert {"migrate", "demo", "analyze", "status", "serve", "config"} <= set(commands())


@pytest.mark.parametrize("command", commands())
def test_every_command_is_in_the_readme_table(command):
    assert f"| `pulse {command}` |" in README, f"pulse {command} is not in the README's table"


@pytest.mark.parametrize("table", sorted(set(DOCUMENTED_TABLES) | set(TABLE_KEYS)))
def test_every_table_is_documented(table):
    assert f"| `{table}` |" in (DOCS / "warehouse.md").read_text()


@pytest.mark.parametrize("section", list(Settings.model_fields))
def test_every_configuration_section_is_documented(section):
    text = (DOCS / "configuration.md").read_text()
    assert f"`[{section}]`" in text or f"`[[{section}]]`" in text


def test_the_two_commands_come_first():
    first_heading = README.index("\n## ")
    assert README.index("make run") > first_heading
    assert README.index("## Two commands") == first_heading + 1


def test_the_readme_stays_short():
    assert README.count("\n") <= 200


def test_every_page_of_docs_is_reachable_from_the_readme():
    linked = {(ROOT / target.split("#")[0]).resolve() for target in LINK.findall(README)}
    missing = [page.name for page in DOCS.glob("*.md") if page.resolve() not in linked]
    assert not missing, f"not linked from the README: {missing}"


@pytest.mark.parametrize("page", PAGES, ids=lambda page: str(page.relative_to(ROOT)))
def test_every_link_lands(page):
    broken = []
    for target in LINK.findall(page.read_text()):
        if re.match(r"[a-z]+:", target):
            continue  # an address outside the repository: no test touches the internet
        path, _, anchor = target.partition("#")
        destination = (page.parent / path).resolve() if path else page
        if not destination.exists() or (
            anchor
            and destination.suffix == ".md"
            and anchor not in anchors(destination.read_text())
        ):
            broken.append(target)
    assert not broken, f"{page.name}: broken links {broken}"
