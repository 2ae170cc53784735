"""The Internal communications pages run headless (AppTest) on the analysed demo warehouse with
its internal roll-ups: charts with their summaries, downloads, the privacy floor, and the names
of non-responders only for the roles allowed to see them."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pytest
import streamlit.testing.v1.app_test as app_test
from streamlit.testing.v1 import AppTest

from analysis.internal_metrics import refresh_internal_metrics
from analysis.maturity import refresh_maturity
from analysis.network import refresh_network
from analysis.push_pull import non_responders, refresh_push_pull
from socialpulse.config import load_settings
from socialpulse.warehouse import open_warehouse

ROOT = Path(__file__).resolve().parents[2]
INTERNAL = {"internal_engagement": "Internal engagement", "internal_network": "Network and silos",
            "push_pull": "Announcements and check-ins", "expert_finder": "Expert finder"}
QUARTER = {"from": "2026-08-01", "to": "2026-10-31"}


@pytest.fixture(scope="session")
def internal_db(analysed_db, tmp_path_factory) -> Path:
    """The analysed demo with everything `pulse analyze` stores for the internal and executive
    pages; read it only (``internal_db_copy`` to write)."""
    path = tmp_path_factory.mktemp("internal") / "demo.duckdb"
    shutil.copy(analysed_db, path)
    settings = load_settings()
    with open_warehouse(path) as con:
        for step in (refresh_internal_metrics, refresh_network, refresh_push_pull,
                     refresh_maturity):
            step(con, settings)
        con.execute("CHECKPOINT")
    return path


@pytest.fixture
def internal_db_copy(internal_db, tmp_path) -> Path:
    copy = tmp_path / "internal.duckdb"
    shutil.copy(internal_db, copy)
    return copy


@pytest.fixture
def downloaded(monkeypatch):
    """The bytes behind a download button, as a browser would receive them."""
    stores = []

    class Recording(app_test.MemoryMediaFileStorage):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            stores.append(self)

    monkeypatch.setattr(app_test, "MemoryMediaFileStorage", Recording)
    return lambda button: stores[-1].get_file(button.proto.url.rsplit("/", 1)[-1]).content


def run_page(name: str, db: Path, monkeypatch, query: dict | None = None,
             role: str | None = None, setup=None) -> AppTest:
    monkeypatch.setenv("SOCIALPULSE_DB", str(db))
    app = AppTest.from_file(str(ROOT / "dashboard" / "pages" / f"{name}.py"), default_timeout=90)
    app.query_params = dict(query or {})
    if role:
        app.session_state["role"] = role
        app.session_state["user"] = f"{role}-user"
    app.run()
    if setup:
        setup(app)
    return app


def chart_data(chart) -> pd.DataFrame:
    return pa.ipc.open_stream(chart.proto.datasets[0].data.data).read_all().to_pandas()


def summaries(app: AppTest) -> list[str]:
    return [c.value for c in app.main.caption]


def everything_shown(app: AppTest) -> str:
    """All the text a reader could see: titles, captions, metrics, tables, chart data."""
    parts = [e.value for kind in ("title", "subheader", "caption", "markdown", "info", "error",
                                  "warning", "success") for e in getattr(app, kind)]
    parts += [f"{m.label} {m.value}" for m in app.metric]
    parts += [t.value.to_csv() for t in app.dataframe]
    for chart in app.get("vega_lite_chart"):
        parts.append(chart.proto.spec)
        parts += [pa.ipc.open_stream(d.data.data).read_all().to_pandas().to_csv()
                  for d in chart.proto.datasets]
    return "\n".join(map(str, parts))


def ask_experts(app: AppTest) -> None:
    app.text_input(key="expert_query").set_value("inventory").run()




def show_heatmap(app: AppTest) -> None:
    app.toggle(key="heatmap").set_value(True).run()


SETUPS = {"expert_finder": ask_experts, "internal_engagement": show_heatmap}


@pytest.mark.parametrize(("name", "title"), INTERNAL.items())
def test_internal_page_draws_charts_each_with_its_summary_and_downloads(name, title, internal_db,
                                                                       monkeypatch):
    app = run_page(name, internal_db, monkeypatch, QUARTER, role="admin",
                   setup=SETUPS.get(name))
    assert not app.exception and not app.error
    assert app.title[0].value == title
    drawn = app.get("vega_lite_chart")
    assert drawn
    for chart in drawn:  # the sentence beside each chart is its screen-reader text too
        assert chart.proto.alt and chart.proto.alt in summaries(app)
        assert "tooltip" in chart.proto.spec
    keys = [b.key for b in app.download_button]
    assert app.dataframe
    assert sum(k.startswith("csv-") for k in keys) == len(app.dataframe)
    assert sum(k.startswith("parquet-") for k in keys) == len(app.dataframe)
    assert "Legal" not in everything_shown(app)


def test_engagement_charts_show_the_stored_weeks_of_the_chosen_department(internal_db,
                                                                         monkeypatch):
    app = run_page("internal_engagement", internal_db, monkeypatch,
                   {**QUARTER, "departments": ["Engineering"]})
    app.segmented_control(key="breakdown").set_value("department").run()
    assert not app.exception and not app.error
    active = chart_data(app.get("vega_lite_chart")[0])
    with duckdb.connect(str(internal_db), read_only=True) as con:
        stored = con.execute(
            "SELECT period_start, value FROM internal_metrics WHERE metric = 'wau' AND grain = "
            "'week' AND segment_type = 'department' AND segment_value = 'Engineering' AND "
            "period_start BETWEEN DATE '2026-07-27' AND DATE '2026-10-31' ORDER BY 1"
        ).df()
    assert set(active["group"]) == {"Engineering"}
    assert active["value"].tolist() == stored["value"].tolist()
    assert summaries(app)[1].startswith(
        f"Active employees went from {stored['value'].iloc[0]:,.1f} in the week of")


def test_heatmap_withholds_every_cell_under_the_privacy_floor(internal_db, monkeypatch):
    app = run_page("internal_engagement", internal_db, monkeypatch, QUARTER, setup=show_heatmap)
    assert not app.exception and not app.error
    cells = next(t.value for t in app.dataframe if "withheld" in t.value.columns)
    with duckdb.connect(str(internal_db), read_only=True) as con:
        sizes = con.execute(
            "SELECT department, location, count(*) AS people FROM authors WHERE scope = "
            "'internal' AND in_directory GROUP BY ALL").df()
    named = cells[cells["department"] != "Other"].merge(sizes, on=["department", "location"],
                                                        how="left", suffixes=("", "_dir"))
    named["people_dir"] = named["people_dir"].fillna(0)
    small = named[named["people_dir"] < 5]
    assert len(small) > 0  # the demo has such cells: the check below is not empty
    assert small["withheld"].all() and small["value"].isna().all()
    shown = named[~named["withheld"]]
    assert (shown["people"] == shown["people_dir"]).all()
    assert (shown["people"] >= 5).all()
    drawn = chart_data(next(c for c in app.get("vega_lite_chart")
                            if "by department and location" in c.proto.spec))
    assert "value" not in drawn.columns and "people" not in drawn.columns
    assert drawn.loc[drawn["withheld"], "shown"].isna().all()


def test_a_table_downloads_as_csv_and_parquet(internal_db, monkeypatch, downloaded):
    app = run_page("internal_network", internal_db, monkeypatch, QUARTER)
    shown = app.dataframe[0].value
    csv = pd.read_csv(io.BytesIO(downloaded(
        next(b for b in app.download_button if b.key == "csv-department-flow"))))
    parquet = pd.read_parquet(io.BytesIO(downloaded(
        next(b for b in app.download_button if b.key == "parquet-department-flow"))))
    assert csv["edges"].tolist() == shown["edges"].tolist() and len(csv) > 10
    pd.testing.assert_frame_equal(parquet, shown.reset_index(drop=True))
    with duckdb.connect(str(internal_db), read_only=True) as con:
        total = con.execute("SELECT sum(edges) FROM network_flow WHERE segment_type = "
                            "'department' AND period_start BETWEEN '2026-08-01' AND "
                            "'2026-10-31'").fetchall()[0][0]
    assert csv["edges"].sum() == total


@pytest.mark.parametrize("role", [None, "marketing", "executive"])
def test_non_responders_are_hidden_without_an_allowed_role(role, internal_db, monkeypatch):
    app = run_page("push_pull", internal_db, monkeypatch, QUARTER, role=role)
    assert not app.exception and not app.error
    assert not [b for b in app.download_button if b.key == "csv-non-responders"]
    assert not [s for s in app.selectbox if s.key == "check_in"]
    assert not any(t.value.columns.tolist()[:1] == ["pseudonym"] for t in app.dataframe)
    assert any("shown only to the roles allowed" in s for s in summaries(app))


@pytest.mark.parametrize("role", ["internal-comms", "admin"])
def test_non_responders_are_listed_for_an_allowed_role(role, internal_db, monkeypatch):
    app = run_page("push_pull", internal_db, monkeypatch, QUARTER, role=role)
    assert not app.exception and not app.error
    post_id = app.selectbox(key="check_in").value
    listed = next(t.value for t in app.dataframe if "pseudonym" in t.value.columns)
    with open_warehouse(internal_db, read_only=True) as con:
        expected = non_responders(con, post_id)
    assert listed["pseudonym"].tolist() == expected["pseudonym"].tolist()
    assert len(listed) > 0
    assert f"{len(expected):,} people of the audience have not answered." in summaries(app)
    assert "Legal" not in set(listed["department"])


def test_expert_finder_ranks_the_analysis_layers_experts(internal_db, monkeypatch):
    from datetime import date

    from analysis.experts import find_experts

    app = run_page("expert_finder", internal_db, monkeypatch, QUARTER, setup=ask_experts)
    shown = app.dataframe[0].value
    with open_warehouse(internal_db, read_only=True) as con:
        expected = find_experts(con, "inventory", 10, date(2026, 8, 1), 5)
    assert shown["person_id"].tolist() == expected["person_id"].tolist()
    assert summaries(app)[0].startswith(f"Of the {len(expected)} people with the highest score")
