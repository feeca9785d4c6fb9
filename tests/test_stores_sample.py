"""The stores sample (daily sales of 50 stores of one chain: a panel) and Home's demo that
forecasts them all at once. Its generator's byte-identical rewrite is checked in test_samples."""

import pandas as pd
import pytest

from lstm_app.samples import sample_path
from lstm_app.series.panel import load_panel, propose_layout
from tests.conftest import poll

STORES = sample_path("stores")
FORECAST = "pages/forecast.py"
FIRST, LAST = pd.Timestamp("2023-09-04"), pd.Timestamp("2024-05-26")
OPEN_LATE = {"Eindhoven": "2023-10-16", "London Kings Cross": "2023-11-20", "广州 天河": "2024-01-08"}
CLOSED_EARLY = {"Bath": "2024-02-29", "Turin": "2024-04-28"}


@pytest.fixture(scope="module")
def raw() -> pd.DataFrame:
    return pd.read_csv(STORES, parse_dates=["date"])


@pytest.fixture(scope="module")
def panel():
    return load_panel(STORES, id_cols=propose_layout(STORES).ids)


def test_the_file_is_small_long_and_safe_to_open_in_a_spreadsheet(raw):
    assert STORES.stat().st_size < 1.5 * 2**20
    assert list(raw.columns) == ["date", "store", "sales", "promo"]
    names = raw["store"].unique()
    assert len(names) == 50
    assert not [n for n in names if n[0] in "=+-@"]
    assert {"Paris, Rivoli", "Berlin, Mitte", "上海 南京路", "北京 王府井"} <= set(names)
    assert set(raw["promo"]) == {0, 1}
    assert raw["sales"].isna().sum() == 8
    sizes = raw.groupby("store")["sales"].mean()
    assert sizes.max() > 20 * sizes.min()  # stores of very different sizes


def test_the_page_proposes_the_store_column():
    proposal = propose_layout(STORES)
    assert proposal.ids == ("store",) and proposal.time_col == "date"


def test_it_loads_as_a_daily_panel_of_50_stores_with_its_gaps_repaired(raw, panel):
    assert panel.n_series == 50 and panel.layout == "long" and panel.id_cols == ("store",)
    assert (panel.freq, panel.season_length, panel.value_col) == ("D", 7, "sales")
    assert panel.covariates == ()  # the promo flag is offered as an extra input, not taken
    spans = raw.groupby("store")["date"].agg(["min", "max", "count"])
    missing = int(((spans["max"] - spans["min"]).dt.days + 1 - spans["count"]).sum())
    assert missing > 50  # a day lost for every store, and a few store-days
    assert panel.notices == (
        f"{missing} dates were missing from the series' daily grids and were added. The most, "
        f"2, are in 'Berlin, Mitte', between 2023-11-26 and 2024-03-13.",  # single days
        f"{missing + 8} missing values in 'sales' were filled with the previous value of the "
        f"same series (never from the future). The most, 3, are in 'Nice', between 2024-03-13 "
        f"and 2024-04-09.")  # the store to look at first


def test_stores_that_open_late_or_close_early_keep_their_own_spans(panel):
    for i, store in enumerate(panel.ids):
        times = panel.times[panel.starts[i]:panel.starts[i + 1]]
        first = pd.Timestamp(OPEN_LATE.get(store, FIRST))
        last = pd.Timestamp(CLOSED_EARLY.get(store, LAST))
        assert (times[0], times[-1], len(times)) == (first, last, (last - first).days + 1), store


def test_the_home_demo_forecasts_every_store(apps, app_store):
    at = apps(None)  # Home
    at.session_state["fc_epochs"] = 2  # tiny settings: they are the user's, kept over suggestions
    at.session_state["fc_hidden_size"] = 8
    at.session_state["fc_num_layers"] = 1
    at.run()
    assert not at.exception
    assert {b.key for b in at.button} >= {"demo_airline_passengers", "demo_shakespeare_excerpt",
                                          "demo_stores"}
    assert at.button(key="demo_stores").label == "Forecast 50 stores at once"
    at.button(key="demo_stores").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert [t.value for t in at.title] == ["Forecast"]
    assert at.selectbox(key="fc_sample").value == "stores"
    layout = at.radio(key="fc_layout_stores.csv")
    assert layout.value == "long" and layout.options[layout.index] == "Many series, one per id"
    assert at.multiselect(key="fc_ids_stores.csv").value == ["store"]
    assert "fc_job" in at.session_state, "the demo did not start a training"
    job = at.session_state["fc_job"]
    at.switch_page(FORECAST)  # AppTest would otherwise run Home again on every run
    poll(at, lambda a: "Every series" in [s.value for s in a.subheader], "the stores' results",
         180)
    result = job.result()
    assert result.panel.n_series == 50 and result.panel.name == "stores.csv"
    assert result.config.epochs == 2 and result.config.hidden_size == 8
