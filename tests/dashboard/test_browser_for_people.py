"""In a real browser: what people download is what they asked for, and each role gets what its
page offers (the fixes of the dashboard review, each of which failed before it was made)."""

import csv
import io
import re
from pathlib import Path

import pytest

from tests.dashboard import test_browser as shared
from tests.dashboard.test_browser import download, no_errors, settle, sign_in

pytestmark = pytest.mark.browser
# The served demo, its server and the browser, one of each for this module.
served_db, server, browser = shared.served_db, shared.server, shared.browser


@pytest.fixture
def visitor(browser):
    """A fresh session whose downloads are kept."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    yield context.new_page()
    context.close()


def test_the_mentions_download_holds_every_match_not_the_page_on_screen(server, visitor):
    page = visitor
    page.goto(f"{server}/mentions")
    sign_in(page, "marketing")
    settle(page, "Mentions")
    counted = page.get_by_text(re.compile(r"^[\d,]+ mentions in total")).first.inner_text()
    total = int(counted.split(" ")[0].replace(",", ""))
    assert total > 25  # more than one page of the list
    assert page.get_by_text(f"The downloads hold all {total:,} mentions.").count() == 1

    mentions = download(page, "CSV")

    assert mentions.suggested_filename == "socialpulse-mentions.csv"
    rows = list(csv.DictReader(io.StringIO(Path(mentions.path()).read_text(encoding="utf-8"))))
    assert len(rows) == total
    assert len({row["post_id"] for row in rows}) == total
    assert {row["platform"] for row in rows} <= {"X", "Reddit", "News & blogs"}
    no_errors(page)


def test_an_executive_downloads_the_executive_report(server, visitor):
    page = visitor
    page.goto(f"{server}/kpi_scorecard")
    sign_in(page, "executive")
    settle(page, "KPI scorecard")

    report = download(page, "Download the report")

    html = Path(report.path()).read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "<th>KPI</th>" in html
    pdf = download(page, "Download as PDF")
    assert pdf.suggested_filename.endswith(".pdf")
    assert Path(pdf.path()).read_bytes().startswith(b"%PDF-")
    # Raw tables stay with the roles that may export them.
    assert page.get_by_role("button", name="CSV", exact=True).count() == 0
    no_errors(page)


def test_the_expert_finders_own_example_finds_people(server, visitor):
    page = visitor
    page.goto(f"{server}/expert_finder")
    sign_in(page, "internal-comms")
    page.wait_for_selector('h1:has-text("Expert finder")', timeout=60_000)
    page.wait_for_selector(shared.IDLE, timeout=60_000)
    topic = page.locator('input[aria-label="Topic"]')
    example = topic.get_attribute("placeholder").removeprefix("e.g. ")

    topic.fill(example)
    page.keyboard.press("Enter")
    settle(page, "Expert finder")

    body = page.locator("body").inner_text()
    assert "Nobody wrote about" not in body
    assert f"Nobody wrote all of “{example}”" in body  # and says what it found instead
    assert page.locator(shared.CHART).filter(visible=True).count() >= 1
    no_errors(page)


def _axis_labels(chart, axis: str) -> list[str]:
    """The labels an SVG chart's axis shows (Vega hides overlapping ones with opacity 0)."""
    return chart.locator(f'g[aria-label^="{axis}-axis"] .role-axis-label text').evaluate_all(
        "texts => texts.filter(t => t.getAttribute('opacity') !== '0').map(t => t.textContent)"
    )


def test_the_network_flow_grid_names_every_row(server, visitor):
    page = visitor
    page.goto(f"{server}/internal_network")
    sign_in(page, "internal-comms")
    settle(page, "Network and silos")
    grid = page.locator('[data-testid="stVegaLiteChart"]', has_text="Cross-department flow").first

    rows, columns = _axis_labels(grid, "Y"), _axis_labels(grid, "X")

    assert len(columns) >= 5  # every department the floor shows
    assert rows == columns  # every row named, as every column is
    no_errors(page)


def test_the_department_by_location_grid_keeps_its_size_for_one_department(server, visitor):
    page = visitor
    page.goto(f"{server}/internal_engagement?departments=Engineering")
    sign_in(page, "internal-comms")
    settle(page, "Internal engagement")
    grid = page.locator('[data-testid="stVegaLiteChart"]', has_text="by department and location")
    grid.first.scroll_into_view_if_needed()

    tiles = grid.first.locator("g.mark-rect.role-mark").first.bounding_box()

    assert _axis_labels(grid.first, "Y") == ["Engineering"]
    assert tiles is not None and tiles["height"] >= 30  # a readable row, not a strip
    assert len(_axis_labels(grid.first, "X")) >= 2  # its locations
    no_errors(page)


def _metrics(page) -> dict[str, str]:
    boxes = page.locator('[data-testid="stMetric"]').filter(visible=True)
    return {
        box.locator('[data-testid="stMetricLabel"]').inner_text().strip(): box.locator(
            '[data-testid="stMetricValue"]'
        ).inner_text()
        for box in boxes.all()
    }


def test_a_label_means_one_figure_on_the_kpi_scorecard_and_internal_engagement(server, visitor):
    page = visitor
    page.goto(f"{server}/kpi_scorecard")
    sign_in(page, "admin")
    settle(page, "KPI scorecard")
    kpis = {
        row["kpi"]: float(row["value"])
        for row in csv.DictReader(io.StringIO(Path(download(page, "CSV").path()).read_text()))
        if row["value"]
    }
    page.get_by_test_id("stSidebarNavItems").get_by_role("link", name="Internal engagement").click()
    settle(page, "Internal engagement")  # the same dates: the sidebar's stay
    headline = _metrics(page)

    shared_labels = set(kpis) & set(headline)
    for label in shared_labels:
        assert headline[label] == f"{kpis[label]:.1f}%", label
    # The monthly KPIs say so in their names, apart from the period figures of the same name.
    assert {"Interactive users", "Stickiness"} <= set(headline)
    assert {"Interactive users, latest month", "Stickiness (DAU/MAU), monthly"} <= set(kpis)
    no_errors(page)


def _overlap(a: dict, b: dict) -> bool:
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


def test_the_map_draws_land_keeps_its_places_in_view_and_its_names_apart(server, visitor):
    page = visitor
    page.goto(f"{server}/mentions")
    sign_in(page, "marketing")
    settle(page, "Mentions")
    page.get_by_role("tab", name="Map").click()
    page.wait_for_selector(shared.IDLE, timeout=60_000)
    chart = page.locator('[data-testid="stVegaLiteChart"]', has_text="Where mentions come from")
    chart.first.wait_for(timeout=60_000)
    chart.first.scroll_into_view_if_needed()
    shared.shoot(page, "mentions-map")

    shapes = chart.first.locator("g.mark-shape.role-mark")  # the sea (the view), then the land
    countries = shapes.nth(1).locator("path").count()
    view = shapes.nth(0).bounding_box()
    dots = [d.bounding_box() for d in chart.first.locator("g.mark-symbol.role-mark path").all()]
    names = [n.bounding_box() for n in chart.first.locator("g.mark-text.role-mark text").all()]

    assert countries > 100  # the land, not bubbles on an empty projection
    assert dots and all(
        view["x"] <= d["x"]
        and d["x"] + d["width"] <= view["x"] + view["width"]
        and view["y"] <= d["y"]
        and d["y"] + d["height"] <= view["y"] + view["height"]
        for d in dots
    )  # every place whole in the view, none cut at its edge
    assert names and not any(_overlap(a, b) for i, a in enumerate(names) for b in names[i + 1 :])
    no_errors(page)
