"""Each page run headless with Streamlit's AppTest against the demo warehouse."""

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

PAGES = {
    "brand_conversations": "Brand conversations",
    "internal_engagement": "Internal engagement",
    "kpi_scorecard": "KPI scorecard",
}
ROOT = Path(__file__).resolve().parents[2]


def run_page(name: str, db: Path, monkeypatch) -> AppTest:
    monkeypatch.setenv("SOCIALPULSE_DB", str(db))
    app = AppTest.from_file(str(ROOT / "dashboard" / "pages" / f"{name}.py"), default_timeout=60)
    return app.run()


def charts(app: AppTest):
    return app.get("vega_lite_chart")


def chart_data(chart) -> pd.DataFrame:
    """The rows a Vega-Lite chart was given (Streamlit ships them as Arrow IPC)."""
    dataset = chart.proto.datasets[0].data.data
    return pa.ipc.open_stream(dataset).read_all().to_pandas()


@pytest.mark.parametrize(("name", "title"), PAGES.items())
def test_page_renders_its_title_and_a_chart(name, title, demo_db, monkeypatch):
    app = run_page(name, demo_db, monkeypatch)
    assert not app.exception
    assert app.title[0].value == title
    assert len(charts(app)) >= 1
    assert app.caption[0].value  # every chart has its summary sentence


@pytest.mark.parametrize("name", PAGES)
def test_missing_warehouse_shows_the_fixing_command(name, empty_db, monkeypatch):
    app = run_page(name, empty_db, monkeypatch)
    assert not app.exception
    assert "pulse demo" in app.error[0].value
    assert not charts(app)


def test_outdated_warehouse_says_to_migrate(empty_db, monkeypatch):
    import duckdb

    from socialpulse.warehouse import migrate

    con = duckdb.connect(str(empty_db))
    migrate(con, target=1)
    con.close()
    app = run_page("kpi_scorecard", empty_db, monkeypatch)
    assert not app.exception
    assert "pulse migrate" in app.error[0].value


def test_brand_filter_narrows_the_mentions(demo_db, monkeypatch):
    app = run_page("brand_conversations", demo_db, monkeypatch)
    all_brands = int(app.metric[0].value.replace(",", ""))
    app.multiselect(key="brands").set_value(["Summitline"]).run()
    assert not app.exception
    summitline = int(app.metric[0].value.replace(",", ""))
    assert 0 < summitline < all_brands
    assert app.dataframe[0].value["brand"].tolist() == ["Summitline"]


def test_date_filter_changes_the_period(demo_db, monkeypatch):
    app = run_page("brand_conversations", demo_db, monkeypatch)
    before = app.caption[0].value
    start, end = app.date_input(key="date_range").value
    app.date_input(key="date_range").set_value((end, end)).run()
    assert not app.exception
    assert app.caption[0].value != before
    assert "over 1 days" in app.caption[0].value


def test_department_breakdown_respects_the_privacy_floor(demo_db, monkeypatch):
    app = run_page("internal_engagement", demo_db, monkeypatch)
    app.get("button_group")[0].set_value("Department").run()
    assert not app.exception
    groups = set(chart_data(charts(app)[0])["group"])
    assert "Other" in groups and "Engineering" in groups
    assert "Legal" not in groups  # 4 people: below the floor of 5


def test_kpi_table_lists_every_kpi_with_target(demo_db, monkeypatch):
    app = run_page("kpi_scorecard", demo_db, monkeypatch)
    table = app.dataframe[0].value
    assert set(table["kpi"]) >= {"Share of voice", "Net sentiment", "Interactive users",
                                 "Check-in answer rate"}
    assert table["target"].notna().all()
