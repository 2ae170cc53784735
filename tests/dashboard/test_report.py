"""The one-page report downloads from the KPI scorecard as one self-contained HTML file holding
the KPIs with their traffic lights, the maturity stage scores and the charts."""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser

import duckdb

from dashboard.data import Filters
from dashboard.report import report_builder
from tests.dashboard.test_internal_pages import QUARTER, run_page


class Links(HTMLParser):
    """Everything a browser would fetch when opening the file."""

    def __init__(self):
        super().__init__()
        self.fetched: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("src", "href") or (name == "xlink:href" and value):
                self.fetched.append(f"{tag} {name}={value}")
        if tag in ("script", "link", "iframe"):
            self.fetched.append(tag)


def test_report_downloads_as_one_self_contained_file(internal_db, monkeypatch):
    app = run_page("kpi_scorecard", internal_db, monkeypatch, QUARTER)
    button = app.download_button(key="report")
    assert button.proto.label == "Download the report"
    # The button defers the build to the click (the browser test clicks it); the same builder
    # for the page's view gives the bytes here.
    view = Filters(str(internal_db), date(2026, 8, 1), date(2026, 10, 31))
    html = report_builder(view)().decode("utf-8")
    assert html.startswith("<!DOCTYPE html>")
    links = Links()
    links.feed(html)
    assert links.fetched == []
    assert "@import" not in html and "url(http" not in html
    # Three charts drawn to SVG, with their data in them (the stage names are axis labels).
    assert html.count("<svg") == 3
    svgs = re.findall(r"<svg.*?</svg>", html, flags=re.S)
    assert any("1. Planning" in s for s in svgs)
    with duckdb.connect(str(internal_db), read_only=True) as con:
        scores = con.execute(
            "SELECT stage, round(avg(score), 2) FROM maturity_scores WHERE as_of = "
            "(SELECT max(as_of) FROM maturity_scores) GROUP BY stage ORDER BY stage"
        ).fetchall()
    names = ["Planning", "Presence", "Engagement", "Formalized", "Strategic", "Converged"]
    for (stage, score), name in zip(scores, names, strict=True):
        assert f"<td>{stage}. {name}</td><td>{score:.2f}</td>" in html
    table = app.dataframe[0].value
    for row in table.itertuples():
        assert row.kpi in html
    assert "1 Aug 2026 to 31 Oct 2026" in html
    assert "Legal" not in html


def test_report_name_says_its_dates(internal_db):
    from dashboard.data import Filters
    from dashboard.report import report_name

    assert report_name(Filters(str(internal_db), date(2026, 8, 1), date(2026, 10, 31))) == (
        "socialpulse-report-2026-08-01-to-2026-10-31.html"
    )
