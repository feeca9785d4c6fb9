"""The pages' wiring, driven with AppTest: Home's demo, samples, uploads, settings, Train more, Stop.

Each test runs the whole app (app.py with its navigation), drives widgets by key and polls with
``at.run()`` until the background training shows its result. Models are tiny (8 hidden units,
one layer, 1–3 epochs) so that every training takes a few seconds on a CPU.
"""

import io
import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from lstm_app.filenames import forecast_what
from lstm_app.series.settings import FORECAST_SETTINGS
from lstm_app.tasks import FORECAST as FORECAST_TASK
from lstm_app.ui.markdown import plain
from lstm_app.ui.source_picker import source_of
from tests.conftest import REPO, assert_widgets_follow_the_table, poll, shown

FORECAST = "pages/forecast.py"
RESULTS = "Scores on the test span"
SAMPLE_FREQUENCIES = {"airline_passengers": "monthly", "noisy_sine": "row order",
                      "daily_sales": "daily", "promo_sales": "daily"}


@pytest.fixture
def app(apps):
    """Fresh AppTests on the Forecast page (page=None: Home); their jobs are stopped afterwards."""
    def make(page: str | None = FORECAST):
        return apps(page)
    return make


def small_model(at: AppTest, epochs: int) -> None:
    """Tiny, fast settings; set before the page renders, they persist in the session."""
    at.session_state["fc_epochs"] = epochs
    at.session_state["fc_hidden_size"] = 8
    at.session_state["fc_num_layers"] = 1
    at.session_state["fc_statistical_seconds"] = 0  # the statistical models: one test below


def has_results(at: AppTest) -> bool:
    return any(s.value == RESULTS for s in at.subheader)


def job_done(at: AppTest) -> bool:
    return "fc_job" in at.session_state and at.session_state["fc_job"].snapshot().done


def summary(at: AppTest) -> str:
    """The series summary line show_series writes: "**name**: N rows, <frequency>…"."""
    lines = [m.value for m in at.markdown if " rows, " in m.value]
    assert len(lines) == 1, [m.value for m in at.markdown]
    return lines[0]


def train(at: AppTest) -> AppTest:
    at.button(key="fc_train").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "fc_job" in at.session_state, "clicking Train started no job"
    return poll(at, has_results, "the results")


def upload(at: AppTest, name: str, data: bytes) -> AppTest:
    at.run()
    at.radio(key="fc_kind").set_value("My own file").run()
    at.file_uploader(key="fc_upload").upload(name, data, "text/csv").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def semicolon_csv() -> bytes:
    """60 days of sales written the European way: semicolons and decimal commas."""
    rows = ["date;sales"]
    for day in range(60):
        date = f"2024-01-{day + 1:02d}" if day < 31 else f"2024-02-{day - 30:02d}"
        value = 100 + 2 * day + 15 * (day % 7 in (5, 6))
        rows.append(f"{date};{value},{day % 10}")
    return ("\n".join(rows) + "\n").encode()


# --- Home -----------------------------------------------------------------------------------

def test_the_settings_widgets_are_built_from_the_settings_table(app):
    at = app()
    at.run()
    assert not at.exception
    assert_widgets_follow_the_table(at, FORECAST_TASK, "fc",
                                    tightened=("lookback", "horizon", "season_anchor"),
                                    absent=("id_embedding",))
    assert at.number_input(key="fc_lookback").max == 144  # the series' length


def test_home_renders_with_the_airline_demo(app):
    at = app(page=None)
    at.run()
    assert not at.exception
    assert [t.value for t in at.title] == ["LSTM Studio"]
    assert at.button(key="demo_airline_passengers").label == "Forecast airline passengers"
    assert "fc_job" not in at.session_state  # nothing trains before the click


def test_the_airline_demo_switches_to_forecast_and_trains(app, app_store):
    at = app(page=None)
    small_model(at, epochs=2)
    at.run()
    at.button(key="demo_airline_passengers").click().run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Forecast"]
    assert at.radio(key="fc_kind").value == "A sample"
    assert at.selectbox(key="fc_sample").value == "airline_passengers"
    assert "fc_job" in at.session_state, "the demo did not autostart a training"
    assert "fc_autostart" not in at.session_state  # consumed, so a rerun does not train again
    job = at.session_state["fc_job"]
    poll(at, has_results, "the demo's results")
    assert at.session_state["fc_job"] is job
    result = job.result()
    assert result.series.name == "airline_passengers.csv"
    assert result.config.epochs == 2 and result.config.hidden_size == 8
    [table] = [d for d in at.dataframe if "80% from" in d.value.columns]
    formats = {name: column.get("type_config", {}).get("format")
               for name, column in json.loads(table.proto.columns).items()}
    assert formats["forecast"] == formats["95% to"] == "%.2f", formats  # decimals aligned


def test_the_stores_demo_starts_with_its_own_time_limit_for_the_statistical_models(app, app_store):
    """Fitted to all 50 stores AutoARIMA takes about 45 s, which would take the demo past its
    minute: the demo sets a 20-second limit (AutoARIMA is then left out with a notice), shown
    on the page like a setting of the user's, and the airline's demo sets nothing."""
    at = app(page=None)
    small_model(at, epochs=1)
    at.run()
    at.button(key="demo_stores").click().run()
    assert not at.exception
    assert at.selectbox(key="fc_sample").value == "stores"
    assert at.session_state["fc_statistical_seconds"] == 20
    assert at.number_input(key="fc_statistical_seconds").value == 20
    poll(at, job_done, "the stores demo's training")
    assert at.session_state["fc_job"].result().config.statistical_seconds == 20


def press_demo(at: AppTest) -> AppTest:
    """Home's airline demo, then stay on the Forecast page it switched to."""
    at.switch_page("pages/home.py").run()
    at.button(key="demo_airline_passengers").click().run()
    assert not at.exception, [e.value for e in at.exception]
    at.switch_page(FORECAST)  # AppTest would otherwise run Home again on every run
    return at


def trained_demo(app) -> str:
    """The airline demo trained to its end (tiny settings) in a session of its own; its run id."""
    at = app(page=None)
    small_model(at, epochs=2)
    first = poll(press_demo(at), job_done, "the demo's training").session_state["fc_job"]
    assert first.snapshot().state == "finished"
    return first.run_id


def offers(at: AppTest) -> list[str]:
    return [i.value for i in at.info if "You have trained this before" in i.value]


def test_the_same_demo_again_shows_its_results_without_training(app, app_store):
    at = app(page=None)
    small_model(at, epochs=2)
    poll(press_demo(at), job_done, "the demo's training")
    press_demo(at)
    assert len(app_store.list()) == 1, "the demo trained the same run again"
    assert not offers(at) and has_results(at)
    assert any(i.value.startswith("You trained this a moment ago") for i in at.info)


def test_a_demo_trained_before_offers_its_run_instead_of_training_again(app, app_store):
    run_id = trained_demo(app)

    # Another session (another day, another tab): the finished run is offered, not retrained.
    at = app(page=None)
    small_model(at, epochs=2)
    press_demo(at)
    assert len(app_store.list()) == 1, "the demo trained the same run again"
    assert len(offers(at)) == 1 and run_id in offers(at)[0], [i.value for i in at.info]
    assert at.button(key="fc_offer_open").label == f"Open run {run_id}"
    assert not has_results(at)

    # Open it: the saved run is shown, its address set, and the offer gone.
    at.button(key="fc_offer_open").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["fc_job"].run_id == run_id
    assert at.query_params["run"] in (run_id, [run_id])
    assert has_results(at) and "fc_offer" not in at.session_state and not offers(at)
    assert len(app_store.list()) == 1


def test_a_demo_run_whose_weights_went_missing_is_not_offered(app, app_store):
    run_id = trained_demo(app)
    (app_store.run_dir(run_id) / "weights.safetensors").unlink()
    at = app(page=None)
    small_model(at, epochs=2)
    press_demo(at)
    assert not offers(at), [i.value for i in at.info]  # it would fail to open, every time
    poll(at, job_done, "the demo trained again")
    assert at.session_state["fc_job"].run_id != run_id


def test_train_again_makes_a_new_run(app, app_store):
    run_id = trained_demo(app)
    at = app(page=None)
    small_model(at, epochs=2)
    press_demo(at).button(key="fc_offer_again").click().run()
    assert not at.exception, [e.value for e in at.exception]
    poll(at, job_done, "the second training")
    assert at.session_state["fc_job"].run_id != run_id and len(app_store.list()) == 2
    assert "fc_offer" not in at.session_state


def test_a_demo_still_training_elsewhere_is_offered_to_watch(app, app_store):
    """The demo's visitor reloads Home mid-training (a new session) and presses it again: the
    training in progress is offered, and watched live rather than trained a second time."""
    first = app(page=None)
    small_model(first, epochs=5000)
    first.session_state["fc_patience"] = 0
    job = press_demo(first).session_state["fc_job"]
    assert not job.snapshot().done

    # While the tab that started it is open (another visitor's), it stays theirs.
    job._watcher = lambda: True
    other = app(page=None)
    small_model(other, epochs=5000)
    other.session_state["fc_patience"] = 0
    press_demo(other)
    assert not [i.value for i in other.info if i.value.startswith("This is training already")]
    assert other.session_state["fc_job"] is not job
    other.session_state["fc_job"].stop()
    assert other.session_state["fc_job"].wait(60)  # ended: not the one offered below
    job._watcher = None  # that tab reloaded: the training is offered to whoever presses it

    at = app(page=None)
    small_model(at, epochs=5000)
    at.session_state["fc_patience"] = 0
    press_demo(at)
    shown = [i.value for i in at.info if i.value.startswith("This is training already")]
    assert len(shown) == 1 and job.run_id in shown[0], [i.value for i in at.info]
    assert at.button(key="fc_offer_open").label == f"Watch run {job.run_id}"
    at.button(key="fc_offer_open").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["fc_job"] is job and not job.snapshot().done
    assert at.query_params["run"] in (job.run_id, [job.run_id])
    assert len(app_store.list()) == 2, "the demo trained a third time"
    assert at.button(key="fc_job_stop").label == "Stop"  # the visitor's own: they can stop it


def training_that_runs_on(at: AppTest) -> AppTest:
    """Train pressed on the page's data with 5,000 epochs and no early stop: it runs on."""
    small_model(at, epochs=5000)
    at.session_state["fc_patience"] = 0
    at.run()
    at.button(key="fc_train").click().run()
    return at


def test_the_live_view_names_the_column_its_training_reads_after_other_data_is_chosen(app):
    at = training_that_runs_on(app())
    job = at.session_state["fc_job"]
    poll(at, lambda at: job.snapshot().live is not None, "the first epoch")
    at.selectbox(key="fc_sample").set_value("daily_sales").run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("The training running is on" in i.value for i in at.info)
    headers = [c for frame in at.dataframe for c in frame.value.columns]
    assert "validation MAE (passengers)" in headers, headers  # not the page's 'sales'
    assert not any("(sales)" in h for h in headers), headers


def test_an_offer_lapses_when_the_settings_change(app, app_store):
    trained_demo(app)
    at = app(page=None)
    small_model(at, epochs=2)
    press_demo(at)
    assert "fc_offer" in at.session_state
    at.number_input(key="fc_epochs").set_value(3).run()  # no longer the same training
    assert "fc_offer" not in at.session_state and not offers(at)
    assert len(app_store.list()) == 1


def test_the_demo_keeps_a_running_training_and_says_so(app):
    at = training_that_runs_on(app())
    first = at.session_state["fc_job"]
    assert not first.snapshot().done
    at.switch_page("pages/home.py").run()
    at.button(key="demo_airline_passengers").click().run()
    assert not at.exception
    assert at.session_state["fc_job"] is first and not first.snapshot().done
    assert ("Nothing new was started: your earlier training on this page is still running "
            "(below). Stop it or let it finish, then start again.") in [i.value for i in at.info]


# --- Forecast: samples ----------------------------------------------------------------------

@pytest.mark.parametrize("sample", list(SAMPLE_FREQUENCIES))
def test_each_sample_shows_its_summary(app, sample):
    at = app()
    at.run()
    at.selectbox(key="fc_sample").set_value(sample).run()
    assert not at.exception
    line = summary(at)
    assert line.startswith(f"**{plain(sample)}.csv**: ")
    assert SAMPLE_FREQUENCIES[sample] in line
    assert any(c.value.startswith("The network has **") for c in [*at.caption, *at.warning])
    assert not at.error
    assert "fc_job" not in at.session_state


def test_a_setting_suggested_for_one_series_is_not_carried_to_the_next(app):
    """The sine is suggested to read levels (anchor_last off); the airline is not, so it goes
    back to the default, and the stores' season anchor and window scale likewise leave with
    the panel. A setting the user changed stays theirs."""
    at = app()
    at.run()
    pick = lambda sample: at.selectbox(key="fc_sample").set_value(sample).run()
    pick("noisy_sine")
    assert at.session_state["fc_anchor_last"] is False
    pick("airline_passengers")
    assert at.session_state["fc_anchor_last"] is True
    pick("stores")
    assert at.session_state["fc_window_scale"] is True
    assert at.session_state["fc_season_anchor"] is None  # "auto"
    pick("noisy_sine")  # straight from the panel: its season anchor is not the sine's own
    assert at.session_state["fc_season_anchor"] == 0
    assert at.session_state["fc_anchor_last"] is False
    pick("airline_passengers")
    assert at.session_state["fc_window_scale"] is False
    assert at.session_state["fc_season_anchor"] == 0
    at.number_input(key="fc_season_anchor").set_value(12).run()  # the user's own
    pick("noisy_sine")
    assert at.session_state["fc_season_anchor"] == 12
    assert at.session_state["fc_anchor_last"] is True  # with a season anchor: as it was
    assert not at.exception


def test_airline_trains_shows_results_and_trains_more(app, downloads):
    at = app()
    small_model(at, epochs=2)
    at.session_state["fc_statistical_seconds"] = 60  # the default: the whole scoreboard
    at.run()
    assert at.selectbox(key="fc_sample").value == "airline_passengers"
    train(at)
    result = at.session_state["fc_job"].result()
    assert [h.epoch for h in result.training.history] == [1, 2]

    verdicts = [a.value for a in [*at.success, *at.warning]]
    assert result.verdict in verdicts
    tables = [d.value for d in at.dataframe if d.value.index.name == "model"]
    assert len(tables) == 1, "the metrics table is missing"
    metrics = tables[0]
    assert list(metrics.index) == ["LSTM", "Naive (last value)", "Seasonal naive", "Drift",
                                   "AutoETS", "AutoTheta", "AutoARIMA",
                                   result.labels["combination"]]  # as the picker names it
    assert result.labels["combination"].startswith("mean of the LSTM and Auto")
    assert {"MAE", "RMSE", "MASE"} <= set(metrics.columns)
    assert metrics.loc["LSTM", "MAE"] == pytest.approx(result.test.mae, rel=1e-3)
    assert metrics.loc["AutoETS", "MAE"] == pytest.approx(result.baselines["auto_ets"].mae,
                                                          rel=1e-3)
    buttons = at.get("download_button")
    assert sorted(d.key for d in buttons) == ["fc_dl_csv", "fc_dl_json"]
    assert not at.error
    # The forecast shown and downloaded is the recommended one until another is picked.
    picker = at.radio(key="fc_method")
    assert picker.value == result.recommended
    # in one order, however the result was made (a reopened run's came back in another)
    assert [o.replace(" (recommended)", "") for o in picker.options] == [
        "LSTM", "AutoETS", "AutoTheta", "AutoARIMA", result.labels["combination"]]
    assert result.recommended_why in result.verdict  # said once, in the verdict above
    csv_name = next(name for name in downloads if name.endswith(".csv"))
    first = pd.read_csv(io.BytesIO(downloads[csv_name]))
    np.testing.assert_allclose(first["forecast"], result.forecast["forecast"])
    other = next(m for m in ("lstm", "auto_ets") if m != result.recommended)
    picker.set_value(other).run()
    # named after the method picked, so that two forecasts downloaded keep apart
    other_name = csv_name.replace(f"{forecast_what(result.recommended)}.csv",
                                  f"{forecast_what(other)}.csv")
    assert other_name != csv_name
    np.testing.assert_allclose(pd.read_csv(io.BytesIO(downloads[other_name]))["forecast"],
                               result.futures[other]["forecast"])
    table = next(d.value for d in at.dataframe if "when" in d.value.columns)
    np.testing.assert_allclose(table["forecast"], result.futures[other]["forecast"], atol=0.01)
    # so does the test span's chart: the method picked, the LSTM dashed beside it
    def drawn() -> list[str]:
        spans = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
        span = next(s for s in spans if s["layout"]["title"]["text"].startswith("Test span"))
        return [t.get("name") for t in span["data"]]
    statistical = next(m for m in ("auto_ets", "auto_theta") if m != result.recommended)
    picker.set_value(statistical).run()
    label = result.labels[statistical]
    assert f"{label} forecast" in drawn() and "LSTM forecast" in drawn()
    assert {f"{statistical}_{b}_{level}" for b in ("lower", "upper") for level in (80, 95)} <= \
        set(result.backtest.columns)
    picker.set_value("lstm").run()
    assert f"{label} forecast" not in drawn() and "LSTM forecast" in drawn()
    # The test span holds fewer forecasts than steps: the chart shows whole forecasts, one at
    # a time, not the first step of each alone (a short line ending a year before the span).
    titles = [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in at.get("plotly_chart")]
    origins = list(dict.fromkeys(result.backtest["origin"]))
    assert 1 < len(origins) < result.config.horizon
    assert "Test span: the forecast from Mar 1959 on, vs actual" in titles, titles
    assert not [s for s in at.slider if s.key == "fc_step"]
    at.select_slider(key="fc_origin").set_value(origins[-1]).run()
    titles = [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in at.get("plotly_chart")]
    assert "Test span: the forecast from Jan 1960 on, vs actual" in titles, titles

    first = at.session_state["fc_job"]
    old = first.result().config
    at.number_input(key="fc_more").set_value(1)
    lr = next(v for v in FORECAST_SETTINGS["lr"].presets if v != old.lr)
    at.session_state["fc_lr"] = lr  # a training setting changed above: Train more takes it,
    at.session_state["fc_hidden_size"] = old.hidden_size * 2  # not the network's shape
    at.button(key="fc_train_more").click().run()
    assert not at.exception
    assert at.session_state["fc_job"] is not first, "Train more started no new job"
    poll(at, lambda a: job_done(a) and has_results(a), "the results after Train more")
    more = at.session_state["fc_job"].result()
    assert [h.epoch for h in more.training.history] == [1, 2, 3]
    assert more.config.epochs == 1
    assert (more.config.lr, more.config.hidden_size) == (lr, old.hidden_size)


# --- Forecast: uploads ----------------------------------------------------------------------

def test_a_semicolon_csv_with_decimal_commas_uploads_and_trains(app):
    at = app()
    small_model(at, epochs=1)
    upload(at, "shop.csv", semicolon_csv())
    assert not at.error, [shown(e.value) for e in at.error]
    kept = dict(at.session_state["fc_uploaded"])
    assert kept.pop("file_id") and kept == source_of("shop.csv", semicolon_csv())
    line = summary(at)
    assert line.startswith("**shop.csv**: 60 rows, daily") and "**sales**" in line
    assert any("decimal comma" in c.value for c in at.caption)
    train(at)
    result = at.session_state["fc_job"].result()
    assert result.series.name == "shop.csv"
    assert result.series.frame["sales"].iloc[0] == pytest.approx(100.0)
    assert result.series.frame["sales"].iloc[1] == pytest.approx(102.1)
    assert len(result.training.history) == 1
    assert not at.error


def test_an_earlier_upload_is_used_after_a_page_switch(app):
    at = app()
    at.session_state["fc_kind"] = "My own file"
    at.session_state["fc_uploaded"] = source_of("shop.csv", semicolon_csv())
    at.run()
    assert not at.exception and not at.error
    assert any(c.value == "Using **shop.csv**, uploaded earlier." for c in at.caption)
    assert summary(at).startswith("**shop.csv**: 60 rows, daily")


def test_a_short_series_gets_settings_the_page_does_not_warn_against(app):
    from lstm_app.series.loading import load_series
    from lstm_app.series.sizing import suggested_config
    from tests.test_forecast_sizing import monthly_csv

    data = b"month,visitors\n" + monthly_csv(36)
    at = app()
    at.session_state["fc_kind"] = "My own file"
    at.session_state["fc_uploaded"] = source_of("visitors.csv", data)
    at.run()
    assert not at.exception and not at.error
    expected = suggested_config(load_series(data, name="visitors.csv")).hidden_size
    assert expected < 32 and at.session_state["fc_hidden_size"] == expected
    assert not [w.value for w in at.warning if "far too large" in w.value]
    at.number_input(key="fc_hidden_size").set_value(64).run()  # the user's own choice stands
    assert at.session_state["fc_hidden_size"] == 64
    assert [w.value for w in at.warning if "far too large" in w.value]


def test_a_series_that_cannot_train_says_why_and_offers_no_train_that_would_fail(app):
    days = "".join(f"2024-01-{d:02d},5\n" for d in range(1, 29))
    at = app()
    at.session_state["fc_kind"] = "My own file"
    at.session_state["fc_uploaded"] = source_of("flat.csv", b"date,y\n" + days.encode())
    at.run()
    assert not at.exception
    assert any(w.value.startswith("Every value of 'y' is 5") for w in at.warning), \
        [w.value for w in at.warning]
    assert at.button(key="fc_train").disabled  # it would only save a failed run
    at.session_state["fc_uploaded"] = source_of("three.csv", b"date,y\n2024-01-01,1\n"
                                                b"2024-01-02,3\n2024-01-03,2\n")
    at.run()
    assert at.button(key="fc_train").disabled


@pytest.mark.parametrize("name, data, message", [
    ("empty.csv", b"", "The file is empty; choose a CSV file"),
    ("blob.csv", bytes(range(256)) * 4, "This file is not a text CSV (it looks binary)"),
    ("book.csv", b"PK\x03\x04" + bytes(300), "The workbook could not be read (it is cut "
                                              "short or damaged)"),
], ids=["empty", "binary", "fake-xlsx"])
def test_a_bad_upload_shows_the_loaders_message(app, name, data, message):
    at = upload(app(), name, data)
    errors = [shown(e.value) for e in at.error]
    assert len(errors) == 1 and errors[0].startswith(message), errors
    assert not any(s.value == "Settings" for s in at.subheader)  # the page stopped at the error
    assert "fc_job" not in at.session_state


def test_an_error_quoting_a_crafted_column_name_shows_it_as_written(app):
    evil = "![x](http://evil.example/x.png)"
    at = upload(app(), "words.csv", f"{evil},[log in again](http://evil.example)\na,b\nc,d\n".encode())
    [error] = [e.value for e in at.error]
    assert "](http" not in error and "![" not in error  # no image, no link: escaped
    assert evil in shown(error) and "columns seen" in shown(error)


def test_a_column_name_of_300_characters_is_cut_on_the_charts(app):
    long = "L" * 300
    values = "\n".join(f"2024-01-{d:02d},{100 + d % 7}" for d in range(1, 29))
    at = upload(app(), "long.csv", f"date,{long}\n{values}\n".encode())
    small_model(at, epochs=2)
    train(at)
    charts = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    titles = [t for c in charts for t in (
        (c["layout"].get("title") or {}).get("text"),
        ((c["layout"].get("yaxis") or {}).get("title") or {}).get("text")) if t]
    assert any("LLL" in t for t in titles), titles
    assert all(t.count("L") < 60 for t in titles if "LLL" in t), titles


def test_folded_settings_the_browser_sends_back_blank_keep_their_values(app):
    """After a new upload the browser may send the folded "More settings" widgets back blank,
    all at once (seen in Chromium: validation share 0, dropout 0, no cell type): the values the
    page showed stand. One setting changed by a person, even to its lowest value, is kept."""
    at = app()
    at.run()
    at.number_input(key="fc_dropout").set_value(0.3).run()
    for key, blank in (("fc_val_size", 0.0), ("fc_test_size", 0.0), ("fc_dropout", 0.0),
                       ("fc_cell", None)):
        at.session_state[key] = blank
    ok = at.run()
    assert not ok.exception, [e.value for e in ok.exception]
    assert (at.session_state["fc_val_size"], at.session_state["fc_test_size"],
            at.session_state["fc_dropout"], at.session_state["fc_cell"]) == (0.15, 0.15, 0.3,
                                                                               "lstm")
    at.number_input(key="fc_dropout").set_value(0.0).run()  # a person's own change
    assert at.session_state["fc_dropout"] == 0.0


# --- Forecast: settings ---------------------------------------------------------------------

def test_lookback_and_horizon_reach_the_config(app):
    at = app()
    small_model(at, epochs=1)
    at.run()
    at.number_input(key="fc_lookback").set_value(6)
    at.number_input(key="fc_horizon").set_value(3)
    train(at)
    result = at.session_state["fc_job"].result()
    assert (result.config.lookback, result.config.horizon) == (6, 3)
    assert len(result.forecast) == 3
    assert any(s.value == "Forecast: the next 3 steps" for s in at.subheader)
    # The test chart's 1-step-ahead lines stop 2 months before the data: said, with the way on.
    assert at.slider(key="fc_step").value == 1
    assert any(c.value.startswith("The lines end 2 steps before your data does: each forecast "
                                  "covers 3 steps") for c in at.caption)
    at.slider(key="fc_step").set_value(3).run()
    assert not any(c.value.startswith("The lines end") for c in at.caption)


def test_excel_workbooks_new_and_old_upload_and_a_locked_one_is_said_in_a_sentence(app):
    from tests.test_spreadsheet import COVER, old_workbook, workbook

    rows = [["月份", "销售额（元）"]] + [[f"2023年{m}月", 100 + 7 * m + m % 3] for m in range(1, 13)]
    rows += [[f"2024年{m}月", 190 + 7 * m - m % 4] for m in range(1, 13)]
    at = upload(app(), "报表.xlsx", workbook({"封面": COVER, "数据": rows}))
    assert not at.error, [e.value for e in at.error]
    captions = " ".join(shown(c.value) for c in at.caption)
    assert "Read from the workbook's sheet '数据', the one holding the most numbers" in captions
    assert at.selectbox(key="fc_value_报表.xlsx").value == "销售额（元）"
    assert at.selectbox(key="fc_time_报表.xlsx").value == "月份"
    at = upload(app(), "旧报表.xls", old_workbook({"封面": COVER, "数据": rows}))
    assert not at.error, [e.value for e in at.error]
    assert at.selectbox(key="fc_value_旧报表.xls").value == "销售额（元）"
    locked = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptionInfo".encode("utf-16-le") + bytes(500)
    at = upload(app(), "locked.xlsx", locked)
    assert [shown(e.value) for e in at.error] == [
        "This workbook is locked with a password, which the app cannot open; open it in Excel "
        "or LibreOffice, save it without a password (or as CSV), and use that file."]


def test_texts_with_0_1_labels_uploaded_to_forecast_point_to_the_classifier(app):
    rows = "".join(f'"the room was quiet and clean, night {i}",{i % 2}\n' for i in range(60))
    at = upload(app(), "reviews.csv", ("review,label\n" + rows).encode())
    shown_all = " ".join(shown(c.value) for c in at.caption) + " ".join(
        shown(i.value) for i in at.info) + " ".join(shown(w.value) for w in at.warning)
    assert ("The column 'review' holds texts and 'label' only 2 different values. If the file "
            "holds texts with their labels, train a classifier on it instead") in shown_all


def test_a_series_that_never_changes_is_said_before_train_and_offers_no_train(app):
    at = upload(app(), "flat.csv",
                b"date,value\n" + b"".join(f"2024-01-{d:02d},5\n".encode() for d in range(1, 31)))
    flat = "Every value of 'value' is 5: a series that never changes has nothing"
    assert any(shown(w.value).startswith(flat) for w in at.warning), [w.value for w in at.warning]
    assert at.button(key="fc_tune_start").disabled
    assert at.button(key="fc_train").disabled  # it would only save a failed run
    assert not at.exception, [e.value for e in at.exception]


def test_an_impossible_lookback_shows_a_plain_sentence_and_no_train(app):
    at = app()
    small_model(at, epochs=1)
    at.run()
    at.number_input(key="fc_lookback").set_value(130).run()
    assert not at.exception
    said = [shown(w.value) for w in at.warning]
    assert ("The column 'passengers' has 144 numeric values; with lookback 130 and horizon 12 "
            "at least 166 are needed. Choose a lookback of at most 88 or a shorter horizon, or "
            "add more values.") in said, said
    assert at.button(key="fc_train").disabled and "fc_job" not in at.session_state
    assert not has_results(at)


# --- Stop -----------------------------------------------------------------------------------

def test_stop_keeps_the_best_weights_and_shows_results(app):
    at = app()
    small_model(at, epochs=5000)  # the most the form allows: 500 tiny epochs take ~6 s
    at.session_state["fc_patience"] = 0  # never stops early by itself
    at.run()
    at.button(key="fc_train").click().run()
    poll(at, lambda a: a.session_state["fc_job"].snapshot().history, "the first epoch")
    assert not has_results(at)
    assert at.button(key="fc_train").disabled  # no second training while one runs
    at.button(key="fc_job_stop").click().run()
    poll(at, has_results, "the results after Stop")
    result = at.session_state["fc_job"].result()
    assert result.training.stop_reason == "stopped"
    assert 1 <= len(result.training.history) < 5000
    assert at.session_state["fc_job"].snapshot().state == "stopped"


# --- The core without streamlit ---------------------------------------------------------------

def test_the_core_does_not_import_streamlit():
    code = ("import sys, lstm_app, lstm_app.cli, lstm_app.series.pipeline, lstm_app.charts, "
            "lstm_app.training.jobs; "
            "assert 'streamlit' not in sys.modules, 'the core imported streamlit'")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


# --- The coach --------------------------------------------------------------------------------

def test_the_coach_reads_the_run_and_applies_its_advice_in_one_click(app):
    at = app()
    small_model(at, epochs=3)  # three epochs of a tiny model: the coach always has advice
    at.run()
    train(at)
    assert "Coach" in [s.value for s in at.subheader]
    advice = [b for b in at.button if b.label.startswith("Apply: ")]
    assert advice, "the coach gave no advice on a three-epoch run"
    label = advice[0].label  # e.g. "Apply: hidden units 8 → 4"
    setting, new = label.removeprefix("Apply: ").rsplit(" ", 1)
    key = {"hidden units": "fc_hidden_size", "epochs": "fc_epochs", "dropout": "fc_dropout",
           "learning rate": "fc_lr", "lookback": "fc_lookback"}[setting.rsplit(" ", 2)[0]]
    advice[0].click().run()
    assert not at.exception
    assert at.session_state[key] == pytest.approx(float(new))


def test_apply_and_train_trains_with_the_coachs_advice_at_once(app):
    at = app()
    small_model(at, epochs=3)
    at.run()
    train(at)
    first = at.session_state["fc_job"]
    [apply_and_train] = [b for b in at.button if b.label == "Apply and train"][:1]
    label = next(b.label for b in at.button if b.label.startswith("Apply: "))
    apply_and_train.click().run()
    assert not at.exception
    job = at.session_state["fc_job"]
    assert job is not first, "Apply and train started no training"
    setting, new = label.removeprefix("Apply: ").rsplit(" ", 1)
    name = {"hidden units": "hidden_size", "epochs": "epochs", "dropout": "dropout",
            "learning rate": "lr", "lookback": "lookback"}[setting.rsplit(" ", 2)[0]]
    assert getattr(job.config, name) == pytest.approx(float(new))


def test_a_training_of_a_few_milliseconds_is_not_said_to_take_no_time():
    from lstm_app.ui.live import training_took

    assert training_took(0.031) == "Training took under 0.1 s."  # it read "0.0 s"
    assert training_took(12.34) == "Training took 12.3 s."
