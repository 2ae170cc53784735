"""In a real browser, every table on every page reads for people: no `None`, `NaN` or blank
cell, no snake_case header and no raw identifier in view.

The cells are read from the table's accessibility tree, which the grid keeps in the page for
screen readers: the rows and columns in view, as text (a missing value is an empty cell there,
drawn as a grey "None" on the canvas; an empty cell of an editable column is a box to type in
and allowed). Every tab of every page is opened, as a user would.
"""

import re

import pytest

from tests.dashboard import test_browser as shared
from tests.dashboard.test_browser import PAGES, SETUPS, go_to, settle, sign_in

pytestmark = pytest.mark.browser
served_db, server, browser = shared.served_db, shared.server, shared.browser

GRIDS = '[data-testid="stMain"] [data-testid="stDataFrame"]'
# Each visible grid's headers and cells, once the grid has drawn its accessibility tree.
READ_GRIDS = """grids => grids.filter(g => g.checkVisibility()).map(g => ({
    headers: [...g.querySelectorAll('canvas table th')].map(c => c.textContent.trim()),
    cells: [...g.querySelectorAll('canvas table td')]
        .filter(c => c.textContent.trim() || c.getAttribute('aria-readonly') !== 'false')
        .map(c => c.textContent.trim()),
}))"""
DRAWN = f"""() => [...document.querySelectorAll('{GRIDS}')]
    .filter(g => g.checkVisibility()).every(g => g.querySelector('canvas table'))"""
MISSING = {"", "None", "NaN", "nan", "NaT", "<NA>", "null", "none"}
SNAKE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")
# A criterion id, a status code or a raw post id: words joined by dots or underscores only,
# or a platform's own id prefix.
RAW_ID = re.compile(r"^(?:[a-z]+(?:\.[a-z]+)?_[a-z_]+|t[13]_[0-9a-z]+|\d{12,})$")


def offences(grid: dict) -> list[str]:
    """What a person should not see in one table."""
    found = [f"header {h!r}" for h in grid["headers"] if SNAKE.search(h)]
    found += [f"cell {c!r}" for c in grid["cells"] if c in MISSING or RAW_ID.match(c)]
    return found


def test_the_rules_catch_what_they_are_for():
    assert offences({"headers": ["share_of_voice", "Share of voice"], "cells": []}) == [
        "header 'share_of_voice'"
    ]
    cells = ["None", "", "formalized.coe_named", "t3_8ea", "1830000000000001709", "Northwind"]
    assert len(offences({"headers": [], "cells": cells})) == 5
    fine = ["Reach (followers)", "2,018", "12.5%", "3 Sept 2026", "u_lakenorth46", "camppeak319"]
    assert offences({"headers": fine, "cells": fine}) == []


def read_tables(page) -> list[dict]:
    page.wait_for_function(DRAWN, timeout=30_000)
    return page.locator(GRIDS).evaluate_all(READ_GRIDS)


@pytest.fixture(scope="module")
def admin(browser, server):
    context = browser.new_context(viewport={"width": 1600, "height": 1100})
    page = context.new_page()
    page.goto(server)
    sign_in(page)
    settle(page, "Brand conversations")
    yield page
    context.close()


@pytest.mark.parametrize(("path", "title"), PAGES.items())
def test_no_visible_table_shows_none_nan_or_a_snake_case_header(admin, path, title):
    page = admin
    go_to(page, title)
    if path in SETUPS:
        SETUPS[path](page)
    settle(page, title)
    views = {"page": read_tables(page)}
    tabs = page.locator('[data-testid="stMain"] [role="tab"]')
    for name in tabs.all_inner_texts():
        tabs.filter(has_text=name).first.click()
        page.wait_for_timeout(300)
        views[name] = read_tables(page)
    assert any(grids for grids in views.values()) or path in {"maturity", "roi"}
    found = {
        f"{view}, table {n + 1}": problems
        for view, grids in views.items()
        for n, grid in enumerate(grids)
        if (problems := offences(grid))
    }
    assert found == {}, "\n".join(f"{k}: {v}" for k, v in found.items())
