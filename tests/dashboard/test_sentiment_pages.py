"""The aspects on Topics & alerts and the Mentions page's "Improve sentiment" tab."""

from datetime import date

import duckdb

from analysis.aspects import aspects_in_period
from analysis.period import Period
from analysis.sentiment_suggest import suggest_labels
from tests.dashboard.test_pages import SEPTEMBER, run_page, summaries


def test_aspects_list_the_most_criticised_and_praised_of_the_period(analysed_db, monkeypatch):
    app = run_page("topics_alerts", analysed_db, monkeypatch, SEPTEMBER)
    assert not app.exception
    with duckdb.connect(str(analysed_db), read_only=True) as con:
        expected = aspects_in_period(
            con, Period(date(2026, 9, 1), date(2026, 9, 30)), SEPTEMBER["brands"], limit=5
        )
    criticised = expected[expected["side"] == "criticised"]
    tables = [t.value for t in app.dataframe if "term" in t.value.columns]
    assert [t["term"].tolist() for t in tables] == [
        criticised["term"].tolist(),
        expected[expected["side"] == "praised"]["term"].tolist(),
    ]
    worst = criticised.loc[criticised["negative"].idxmax()]
    assert (
        f"Most criticised: {worst['term']} ({worst['brand']}, {worst['negative']:,} negative "
        "sentences)." in summaries(app)
    )
    changes = tables[0]["net_change"]
    assert changes.str.fullmatch(r"New|[+-]\d+\.\d").all()  # never None


def test_the_improve_tab_suggests_mentions_and_a_label_takes_one_off(
    db_copy, analysed_db, monkeypatch
):
    warehouse = db_copy(analysed_db)
    app = run_page("mentions", warehouse, monkeypatch, SEPTEMBER, tab="Improve sentiment")
    assert not app.exception
    with duckdb.connect(str(warehouse), read_only=True) as con:
        expected = suggest_labels(con, 10, "en", Period(date(2026, 9, 1), date(2026, 9, 30)))
    suggested, coverage = app.dataframe[0].value, app.dataframe[1].value
    assert suggested["post_id"].tolist() == expected["post_id"].tolist()
    english = coverage.set_index("language").loc["English"]
    assert english["scored_by"] == "English lexicon (VADER)" and english["scored_share"] == 1.0
    assert "No model is trained yet" in " ".join(summaries(app))
    first = expected["post_id"].iloc[0]
    app.selectbox(key="correct_post").set_value(first)
    app.segmented_control(key="correct_label").set_value("negative")
    app.button(key="save_correction").click().run()
    assert not app.exception
    assert first not in app.dataframe[0].value["post_id"].tolist()
