"""Saved runs in the app, driven with AppTest: every training is a run in the URL (?run=<id>), a
new session finds it again (live, or reopened from the store), Train more continues it as a new
run, and the Runs page lists, filters, compares, renames, annotates and exports runs, and asks
before deleting one (the dialog's own Delete is pressed in tests/browser/test_runs_page.py:
AppTest does not rerun a dialog by itself).

Each test gets its own run store (LSTM_APP_HOME in a temporary folder, the app's cached
RunStore cleared), so the table shows exactly the runs the test made. Trainings are tiny
(8 hidden units, one layer, 1–2 epochs); runs the Runs page only lists are written straight
into the store, without training.
"""

from __future__ import annotations

import functools
import json
import io
import os
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import replace

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from lstm_app.i18n import speaking
from lstm_app.runs.recording import end_killed, record, start_run, trained_more_name
from lstm_app.runs.database import DB_NAME
from lstm_app.runs.store import MAX_NAME_CHARS, RunStore
from lstm_app.series.loading import load_series
from lstm_app.series.settings import ForecastConfig
from lstm_app.text.corpus import read_text
from lstm_app.text.settings import TextConfig
from lstm_app.training.jobs import JobQueue
from lstm_app.training.process import in_worker_process
from lstm_app.training.trainer import EpochRecord
from tests.conftest import SAMPLES, poll, shown

FORECAST, TEXT, RUNS = "pages/forecast.py", "pages/text.py", "pages/runs.py"
FC_RESULTS = "Scores on the test span"
TX_RESULTS = "The sample at the end of training"
SAVE = "runs_save"  # the edit form's submit button


# --- fixtures and helpers -------------------------------------------------------------------

@pytest.fixture
def store(app_store):
    return app_store



@pytest.fixture
def app(store, apps):
    """Fresh AppTests on a page (Forecast by default), on this test's store; jobs stopped after."""
    def make(page: str | None = FORECAST, run: str | None = None) -> AppTest:
        at = apps(page)
        if run is not None:
            at.query_params["run"] = run
        return at
    return make


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def small_forecast(at: AppTest, epochs: int) -> None:
    at.session_state["fc_epochs"] = epochs
    at.session_state["fc_hidden_size"] = 8
    at.session_state["fc_num_layers"] = 1
    at.session_state["fc_statistical_seconds"] = 0


def subheaders(at: AppTest) -> list[str]:
    return [s.value for s in at.subheader]


def fc_done(at: AppTest) -> bool:
    job = at.session_state["fc_job"] if "fc_job" in at.session_state else None
    return job is not None and job.snapshot().done and FC_RESULTS in subheaders(at)


def metrics_table(at: AppTest) -> pd.DataFrame:
    tables = [d.value for d in at.dataframe if d.value.index.name == "model"]
    assert len(tables) == 1, "the metrics table is missing"
    return tables[0]


AIRLINE = SAMPLES / "airline_passengers.csv"
KERAS = SAMPLES / "keras_toy_sentence.txt"


def recorded_forecast(store: RunStore, epochs: int = 2):
    """A forecast run recorded straight into the store (no job, no page): (run id, result)."""
    series = load_series(AIRLINE, name=AIRLINE.name)
    config = ForecastConfig(statistical_seconds=0, hidden_size=8, num_layers=1, epochs=epochs)
    run_id = start_run(store, "forecast", series, config, series.name, series.name)
    return run_id, record(store.home, run_id, "forecast", series, config)


def recorded_text(store: RunStore, epochs: int = 2):
    text, _ = read_text(KERAS)
    config = TextConfig(level="word", hidden_size=16, embedding_dim=8, num_layers=1,
                        epochs=epochs, batch_size=4, seq_len=5, patience=0)
    run_id = start_run(store, "text", text, config, KERAS.name, KERAS.name)
    return run_id, record(store.home, run_id, "text", text, config)


CONFIG = {"hidden_size": 8, "num_layers": 1, "dropout": 0.1, "cell": "lstm", "lr": 0.003,
          "epochs": 3, "lookback": 12, "horizon": 6}


def stored_run(store: RunStore, name: str, status: str = "finished", task: str = "forecast",
               data: str = "airline_passengers.csv", config: dict | None = None,
               note: str = "", val_losses=(0.9, 0.5, 0.4)) -> str:
    """A run written by hand (no training, no weights): for the Runs page to list."""
    config = dict(CONFIG if config is None else config)
    run_id = store.create(task, name, config, data, 144, "f00d")
    for epoch, loss in enumerate(val_losses, 1):
        store.add_epoch(run_id, EpochRecord(epoch, loss + 0.1, loss, 0.003, float(epoch)))
    if status != "running":
        metrics = ({"test": {"mae": 10.0 + len(name), "mase": 0.8}} if task == "forecast"
                   else {"bits_per_char": 2.5})
        store.finish(run_id, status, f"{name} is {status}.", metrics=metrics,
                     best_epoch=len(val_losses), best_val_loss=min(val_losses), seconds=2.0)
    if note:
        store.annotate(run_id, note)
    time.sleep(0.01)  # distinct creation times: the table lists the newest first
    return run_id


def dead_pid() -> int:
    """The id of a process of this machine that has ended."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def set_pid(store: RunStore, run_id: str, pid: int) -> None:
    db = sqlite3.connect(store.home / DB_NAME)
    try:
        with db:
            db.execute("UPDATE runs SET pid = ? WHERE id = ?", (pid, run_id))
    finally:
        db.close()


def runs_grid(at: AppTest):
    """The runs table: its key carries a digest of the rows shown (a new set, a new selection)."""
    grids = [d for d in at.dataframe if str(d.key or "").startswith("runs_table_")]
    assert len(grids) == 1, [d.key for d in at.dataframe]
    return grids[0]


def table(at: AppTest) -> pd.DataFrame:
    return runs_grid(at).value


def select(at: AppTest, *rows: int) -> AppTest:
    at.session_state[runs_grid(at).key] = {"selection": {"rows": list(rows), "columns": [],
                                                         "cells": []}}
    return ok(at.run())


def page_links(at: AppTest) -> list:
    return at.get("page_link")


# --- 1. a training is a run -----------------------------------------------------------------

def test_training_on_the_forecast_page_saves_a_run_named_in_the_url(app, store):
    at = app()
    small_forecast(at, epochs=2)
    ok(at.run())
    assert "run" not in at.query_params and store.list() == []
    ok(at.button(key="fc_train").click().run())
    job = at.session_state["fc_job"]
    assert at.query_params.get("run") == job.run_id, "the run id is not in the URL"
    poll(at, fc_done, "the results")

    run = store.get(job.run_id)
    assert run is not None and run.status == "finished"
    assert (run.task, run.name, run.data_name) == ("forecast", "airline_passengers.csv",
                                                   "airline_passengers.csv")
    assert [h.epoch for h in store.history(run.id)] == [1, 2]
    result = job.result()
    assert [h.val_loss for h in store.history(run.id)] == pytest.approx(
        [h.val_loss for h in result.training.history])
    folder = store.run_dir(run.id)
    assert {"weights.safetensors", "data.csv", "config.json", "report.json"} <= {
        p.name for p in folder.iterdir()}
    assert run.metrics["test"]["mae"] == pytest.approx(result.test.mae)
    assert run.config["hidden_size"] == 8 and run.config["epochs"] == 2
    assert [r.id for r in store.list()] == [run.id]  # one training, one run
    # the live view's caption gives "auto" as it trains (lookback 24, not auto)
    assert job.config.lookback == result.config.lookback == 24

    captions = [c.value for c in at.caption if c.value.startswith("Saved as run ")]
    assert len(captions) == 1, [c.value for c in at.caption]
    assert captions[0].startswith(f"Saved as run **{run.id}** (LSTM 8×1, lr 0.003")
    assert "its address reopens it" in captions[0]


# --- 2. a new session finds a running training ---------------------------------------------

def test_a_new_session_with_the_run_in_its_url_shows_the_live_training(app, store):
    first = app()
    small_forecast(first, epochs=5000)
    first.session_state["fc_patience"] = 0  # runs until the test stops it
    ok(first.run())
    ok(first.button(key="fc_train").click().run())
    job = first.session_state["fc_job"]
    run_id = first.query_params["run"]
    assert run_id == job.run_id

    again = app(run=run_id)  # a reload, or the address pasted into another tab
    ok(again.run())
    assert again.session_state["fc_job"] is job, "the live job was not found again"
    assert again.session_state["fc_epochs"] == 5000  # with its settings, not the defaults
    assert not job.snapshot().done
    assert again.query_params.get("run") == run_id
    assert again.button(key="fc_train").disabled  # it is training: no second Train
    assert again.button(key="fc_job_stop").label == "Stop"
    assert FC_RESULTS not in subheaders(again)
    assert store.get(run_id).status == "running"

    poll(again, lambda a: job.snapshot().history, "the first epoch")
    again.button(key="fc_job_stop").click().run()  # stopped from the second session
    poll(again, fc_done, "the results after Stop")
    assert job.snapshot().state == "stopped"
    poll(first, fc_done, "the results in the first session")
    assert first.session_state["fc_job"] is job
    assert store.get(run_id).status == "stopped"


# --- 3. a finished run reopened from the store ----------------------------------------------

def test_a_finished_forecast_run_reopens_from_its_address(app, store):
    run_id, result = recorded_forecast(store)
    store.annotate(run_id, "lr too **high**?\n\n<b>try</b> 0.001\n---\n- 1. then 0.003")
    at = ok(app(run=run_id).run())
    assert not at.error
    assert FC_RESULTS in subheaders(at)
    assert result.verdict in [a.value for a in [*at.success, *at.warning]]
    lstm = metrics_table(at).loc["LSTM"]
    for column, key in (("MAE", "mae"), ("RMSE", "rmse"), ("MASE", "mase")):
        assert lstm[column] == pytest.approx(getattr(result.test, key), rel=1e-3), column
    job = at.session_state["fc_job"]
    assert job.run_id == run_id and job.snapshot().state == "finished"
    assert job.result().test == pytest.approx(result.test)
    # the data picker shows what it trained on
    assert at.radio(key="fc_kind").value == "A sample"
    assert at.selectbox(key="fc_sample").value == "airline_passengers"
    assert [i.value for i in at.info if run_id in i.value] == [
        f"Viewing saved run **airline\\_passengers.csv** ({run_id}): its data, settings and "
        f"results. Change any of them and Train makes a new run."]
    # its note as written, line by line, formatting nothing
    [note] = [c.value for c in at.caption if "Note on this run" in c.value]
    assert shown(note) == ("Note on this run: lr too **high**?  \n<b>try</b> 0.001  \n---  \n"
                           "- 1. then 0.003")
    assert "  \n\\---  \n\\- 1. then" in note  # no rule, heading or list drawn from it
    assert at.query_params.get("run") == run_id
    assert not at.button(key="fc_train").disabled
    assert [h.epoch for h in store.history(run_id)] == [1, 2]  # reopening trains nothing


def test_a_runs_address_brings_back_its_own_data_and_settings(app, store):
    sales = SAMPLES / "daily_sales.csv"
    series = load_series(sales, name=sales.name, value_col="sales", covariates=("promo",))
    config = ForecastConfig(statistical_seconds=0, hidden_size=8, num_layers=1, epochs=2, dropout=0.25, lr=0.01,
                            horizon=7, patience=0)
    run_id = start_run(store, "forecast", series, config, "sales", sales.name)
    record(store.home, run_id, "forecast", series, config)

    at = ok(app(run=run_id).run())  # a fresh browser: nothing chosen before
    assert at.selectbox(key="fc_sample").value == "daily_sales"  # not the default sample
    assert at.session_state["fc_value_daily_sales.csv"] == "sales"
    state = at.session_state
    assert (state["fc_hidden_size"], state["fc_epochs"], state["fc_dropout"], state["fc_lr"],
            state["fc_patience"]) == (8, 2, 0.25, 0.01, 0)
    assert state["fc_horizon"] == 7 and state["fc_lookback"] is None  # its lookback was auto
    assert list(state["fc_covariates"]) == ["promo"]
    assert any(i.value.startswith("Viewing saved run **sales**") for i in at.info)
    assert FC_RESULTS in subheaders(at)

    at.number_input(key="fc_epochs").set_value(5)  # the user changes something
    ok(at.run())
    assert not any(i.value.startswith("Viewing saved run") for i in at.info)
    assert any(c.value.startswith(f"Saved as run **{run_id}**") for c in at.caption)
    assert FC_RESULTS in subheaders(at)  # still the same data: its results stay


def test_a_run_another_session_trained_opens_with_its_data_and_settings(app, store):
    """The training is over but still in this server's memory (trained in another tab): its
    address shows it on its own data and settings, not under the default sample."""
    first = app()
    ok(first.run())
    first.selectbox(key="fc_sample").set_value("daily_sales")
    ok(first.run())
    small_forecast(first, epochs=2)
    first.session_state["fc_lookback"] = 21
    ok(first.run())
    ok(first.button(key="fc_train").click().run())
    poll(first, fc_done, "the results")
    run_id = first.query_params["run"]

    fresh = ok(app(run=run_id).run())  # another browser: nothing chosen before
    assert fresh.session_state["fc_job"].run_id == run_id
    assert fresh.selectbox(key="fc_sample").value == "daily_sales"
    assert (fresh.session_state["fc_epochs"], fresh.session_state["fc_lookback"]) == (2, 21)
    assert FC_RESULTS in subheaders(fresh)
    assert not any("not on the data above" in i.value for i in fresh.info)
    assert any(i.value.startswith("Viewing saved run") for i in fresh.info)


def test_results_never_stand_under_other_data(app, store):
    run_id, result = recorded_forecast(store)
    at = ok(app(run=run_id).run())
    assert FC_RESULTS in subheaders(at)
    at.selectbox(key="fc_sample").set_value("noisy_sine")
    ok(at.run())
    assert FC_RESULTS not in subheaders(at)
    assert not [s for s in at.success if s.value == result.verdict]
    [other] = [i.value for i in at.info if "not on the data above" in i.value]
    assert other.startswith(f"The last training on this page was on **airline\\_passengers.csv** "
                            f"(run {run_id})")
    assert not at.button(key="fc_train").disabled  # train on the new data
    ok(at.run())  # its id still in the address: a rerun keeps the data chosen
    assert at.selectbox(key="fc_sample").value == "noisy_sine"
    at.query_params["open"] = "1"  # the Runs page's "Open it": the run with its own data
    ok(at.run())
    assert at.selectbox(key="fc_sample").value == "airline_passengers"
    assert FC_RESULTS in subheaders(at) and "open" not in at.query_params
    at.selectbox(key="fc_sample").set_value("noisy_sine")
    ok(at.run())
    ok(at.button(key="fc_show_run").click().run())  # ... or bring the run back with its data
    assert at.selectbox(key="fc_sample").value == "airline_passengers"
    assert FC_RESULTS in subheaders(at)
    from lstm_app.series.time_column import NO_TIME_COLUMN
    at.selectbox(key="fc_time_airline_passengers.csv").set_value(NO_TIME_COLUMN)
    ok(at.run())  # the same file read another way: said so, not "not on the data above"
    assert FC_RESULTS not in subheaders(at)
    [again] = [i.value for i in at.info if "run " + run_id in i.value]
    assert again.startswith("The last training on this page was on **airline\\_passengers.csv** "
                            "read another way (other columns, or one series in place of many")


def test_show_run_with_its_data_replaces_a_file_still_in_the_uploader(app, store):
    """The run's data was an upload; the user uploads another file, then asks for the run with
    its own data: the run's data is shown, and the uploader is emptied (the file still in it
    took the run's data's place again on the rerun: the button did nothing)."""
    data = AIRLINE.read_bytes()
    series = load_series(data, name="my_sales.csv")
    config = ForecastConfig(statistical_seconds=0, hidden_size=8, num_layers=1, epochs=2)
    run_id = start_run(store, "forecast", series, config, "my_sales.csv", "my_sales.csv")
    record(store.home, run_id, "forecast", series, config)
    at = ok(app(run=run_id).run())
    assert FC_RESULTS in subheaders(at)
    other = "month,passengers\n" + "".join(f"2000-{m:02d}-01,{100 + m * 3 % 7}\n"
                                           for m in range(1, 13)) * 1
    at.file_uploader(key="fc_upload").upload("other.csv", other.encode(), "text/csv").run()
    assert FC_RESULTS not in subheaders(at)
    assert any("not on the data above" in i.value for i in at.info)
    ok(at.button(key="fc_show_run").click().run())
    assert at.session_state["fc_uploaded"]["name"] == "my_sales.csv"
    assert FC_RESULTS in subheaders(at)
    assert not any("not on the data above" in i.value for i in at.info)
    assert any(c.value.startswith("Using **my\\_sales.csv**") for c in at.caption)
    ok(at.run())  # and it stays so
    assert FC_RESULTS in subheaders(at) and at.session_state["fc_uploaded"]["name"] == "my_sales.csv"


def test_a_text_run_shows_no_results_under_another_text(app, store):
    run_id, result = recorded_text(store)
    at = ok(app(TEXT, run=run_id).run())
    assert TX_RESULTS in subheaders(at)
    assert at.session_state["tx_hidden_size"] == 16  # its own settings, not a fresh suggestion
    at.selectbox(key="tx_sample").set_value("lstm_zh")
    ok(at.run())
    assert TX_RESULTS not in subheaders(at)
    assert any("not on the data above" in i.value for i in at.info)


def test_a_finished_text_run_reopens_from_its_address(app, store):
    run_id, result = recorded_text(store)
    at = ok(app(TEXT, run=run_id).run())
    assert TX_RESULTS in subheaders(at)
    assert not at.error
    job = at.session_state["tx_job"]
    assert job.run_id == run_id and job.snapshot().state == "finished"
    reopened = job.result()
    assert reopened.sample == result.sample  # the same final sample
    assert reopened.prompt == result.prompt
    html = [h.value for h in at.get("html") if h.value.count("<b>") == 1]
    assert any(f"<b><bdi>{result.prompt}</bdi></b>" in h for h in html), \
        "the final sample is not shown"
    assert at.radio(key="tx_kind").value == "A sample"
    assert at.selectbox(key="tx_sample").value == "keras_toy_sentence"
    assert any(i.value.startswith("Viewing saved run") and run_id in i.value for i in at.info)

    # A prompt typed and a sample generated for it do not follow the page to another text's run.
    at.text_area(key="tx_gen_prompt").set_value("LSTM is").run()
    at.button(key="tx_generate").click().run()
    assert len(at.session_state["tx_generated"]) == 1
    text = (SAMPLES / "shakespeare_excerpt.txt").read_text(encoding="utf-8")[:3000]
    config = TextConfig(hidden_size=8, embedding_dim=4, num_layers=1, epochs=1, batch_size=4,
                        length=10)
    other = start_run(store, "text", text, config, "bard", "bard.txt")
    record(store.home, other, "text", text, config)
    at.query_params["run"] = other
    ok(at.run())
    assert at.session_state["tx_job"].run_id == other
    assert at.text_area(key="tx_gen_prompt").value == at.session_state["tx_job"].result().prompt
    assert not at.session_state.get("tx_generated")


def test_an_uploaded_series_run_reopens_with_its_data_as_the_upload(app, store):
    rows = "".join(f"2024-{1 + d // 30:02d}-{1 + d % 30:02d},${100 + d % 7}\n" for d in range(60))
    csv = ("date,visitors\n" + rows).encode()
    series = load_series(csv, name="visitors.csv")
    repairs = [n for n in series.notices if n.startswith("Currency signs")]
    assert repairs
    config = ForecastConfig(statistical_seconds=0, hidden_size=8, num_layers=1, epochs=1)
    run_id = start_run(store, "forecast", series, config, "visitors.csv", series.name)
    record(store.home, run_id, "forecast", series, config)

    at = ok(app(run=run_id).run())
    assert not at.error, [shown(e.value) for e in at.error]
    assert FC_RESULTS in subheaders(at)
    assert at.radio(key="fc_kind").value == "My own file"
    assert at.session_state["fc_uploaded"]["name"] == "visitors.csv"
    assert any(c.value == "Using **visitors.csv**, uploaded earlier." for c in at.caption)
    assert any(m.value.startswith("**visitors.csv**: ") and "**visitors**" in m.value
               for m in at.markdown)
    # What the loader repaired on the first upload is still said (the saved copy is clean).
    captions = [c.value for c in at.caption]
    assert any(c.startswith("When this file was first uploaded") for c in captions), captions
    assert any(repairs[0][:40] in c for c in captions), captions
    # Trained again from there (Train, or the coach's Apply and train): the new run keeps them
    at.session_state["fc_epochs"] = 2  # other settings: a new run
    at.button(key="fc_train").click().run()
    at = poll(at, lambda a: a.session_state["fc_job"].run_id != run_id
              and a.session_state["fc_job"].snapshot().done, "the new run", 90)
    saved = json.loads((store.run_dir(at.session_state["fc_job"].run_id) / "series.json")
                       .read_text(encoding="utf-8"))
    assert repairs[0] in saved["notices"], saved["notices"]


def test_an_own_file_named_as_a_sample_reopens_with_its_own_data(app, store):
    # The user's own numbers in a file that happens to bear the airline sample's name
    rows = "".join(f"19{50 + m // 12}-{1 + m % 12:02d},{200 + (m * 37) % 91}\n" for m in range(96))
    series = load_series(("Month,Passengers\n" + rows).encode(), name="airline_passengers.csv")
    config = ForecastConfig(statistical_seconds=0, hidden_size=8, num_layers=1, epochs=1)
    run_id = start_run(store, "forecast", series, config, "mine", series.name)
    record(store.home, run_id, "forecast", series, config)
    at = ok(app(run=run_id).run())
    assert FC_RESULTS in subheaders(at)  # was "... not on the data above": the sample chosen
    assert at.radio(key="fc_kind").value == "My own file"
    assert not any("not on the data above" in i.value for i in at.info)


def test_a_sample_trained_in_row_order_reopens_as_the_sample_in_row_order(app, store):
    from lstm_app.series.time_column import NO_TIME_COLUMN

    series = load_series(AIRLINE, time_col=NO_TIME_COLUMN, name=AIRLINE.name)
    config = ForecastConfig(statistical_seconds=0, hidden_size=8, num_layers=1, epochs=1,
                            value_col=series.value_col)
    run_id = start_run(store, "forecast", series, config, "rows", series.name)
    record(store.home, run_id, "forecast", series, config)
    at = ok(app(run=run_id).run())
    assert at.radio(key="fc_kind").value == "A sample"
    assert at.selectbox(key="fc_time_airline_passengers.csv").value == NO_TIME_COLUMN
    assert FC_RESULTS in subheaders(at)


def test_an_uploaded_series_with_a_plan_reopens_with_its_plan(app, store):
    days = pd.date_range("2024-01-01", periods=87, freq="D").strftime("%Y-%m-%d")
    rows = "".join(f"{days[d]},{100 + d % 7 + 9 * (d % 5 == 0)},{int(d % 5 == 0)}\n"
                   for d in range(84))
    plan = "".join(f"{day},,{promo}\n" for day, promo in zip(days[84:], (1, 0, 0)))
    csv = ("date,sales,promo\n" + rows + plan).encode()
    series = load_series(csv, name="plan.csv", covariates=("promo",))
    assert series.future["promo"].tolist() == [1, 0, 0]
    config = ForecastConfig(statistical_seconds=0, hidden_size=8, num_layers=1, epochs=1,
                            horizon=3, lookback=14, covariates=("promo",),
                            known_covariates=("promo",), value_col="sales", time_col="date")
    run_id = start_run(store, "forecast", series, config, "plan.csv", series.name)
    record(store.home, run_id, "forecast", series, config)

    at = ok(app(run=run_id).run())
    assert not at.error
    assert not [w for w in at.warning if "has no values" in w.value]  # the plan's blanks
    again = load_series(at.session_state["fc_uploaded"]["data"], covariates=("promo",))
    assert again.future["promo"].tolist() == [1, 0, 0]  # the plan came back with the data
    assert again.frame.equals(series.frame)


def test_a_run_with_covariates_reopens_with_them_chosen(app, store):
    data = SAMPLES / "daily_sales.csv"
    series = load_series(data, name=data.name, covariates=("promo",))
    config = ForecastConfig(statistical_seconds=0, hidden_size=8, num_layers=1, epochs=1, covariates=("promo",),
                            value_col="sales", time_col="date")
    run_id = start_run(store, "forecast", series, config, data.name, series.name)
    record(store.home, run_id, "forecast", series, config)
    at = ok(app(run=run_id).run())
    assert FC_RESULTS in subheaders(at)
    assert at.session_state["fc_job"].result().series.covariates == ("promo",)
    assert at.selectbox(key="fc_sample").value == "daily_sales"
    assert at.multiselect(key="fc_covariates").value == ["promo"]
    assert any("with promo as an extra input" in m.value for m in at.markdown)


@pytest.mark.parametrize("page, which", [(FORECAST, "unknown"), (FORECAST, "text run"),
                                         (TEXT, "forecast run"), (FORECAST, "not an id"),
                                         (TEXT, "markdown")])
def test_an_address_naming_no_such_run_shows_a_plain_warning(app, store, page, which):
    task = "forecast" if page == FORECAST else "text"
    if which == "text run":
        run_id = stored_run(store, "words", task="text", data="keras_toy_sentence.txt")
    elif which == "forecast run":
        run_id = stored_run(store, "numbers")
    else:
        run_id = {"unknown": "0123456789ab", "not an id": "../../etc",
                  "markdown": "![x](http://evil.example/x.png)"}[which]
    at = ok(app(page, run=run_id).run())
    if which.endswith(" run"):  # saved, but another page's: a link to it
        name, other = ("words", "text") if which == "text run" else ("numbers", "forecast")
        assert [shown(w.value) for w in at.warning] == [
            f"Run {name} ({run_id}) is a {other} run: it opens on its own page."]
        [link] = at.get("page_link")
        assert link.proto.query_string == f"run={run_id}"
    else:
        assert [shown(w.value) for w in at.warning] == [
            f"The address names a {task} run that is not saved here or not shared with you; "
            f"it may have been deleted. The Runs page lists the runs you can open."]
    assert "run" not in at.query_params, "the address still names the missing run"
    assert not at.error
    job_key = "fc_job" if page == FORECAST else "tx_job"
    assert job_key not in at.session_state
    ok(at.run())  # the next rerun is a plain page again
    assert not at.warning


def test_a_learning_rate_the_page_does_not_offer_is_said_when_its_run_reopens(app, store):
    series = load_series(AIRLINE, name=AIRLINE.name)
    config = ForecastConfig(statistical_seconds=0, hidden_size=8, num_layers=1, epochs=1, lr=0.5)
    run_id = start_run(store, "forecast", series, config, series.name, series.name)
    record(store.home, run_id, "forecast", series, config)  # as the command line's --lr 0.5
    at = ok(app(run=run_id).run())
    held = at.session_state["fc_lr"]
    assert held != 0.5
    assert (f"This run's learning rate (0.5) is not one the page offers; the settings above "
            f"hold the nearest, {held:g}, for the next Train.") in [i.value for i in at.info]
    at.number_input(key="fc_more").set_value(1)
    at.button(key="fc_train_more").click().run()  # the slider left alone: the run's own rate
    job = at.session_state["fc_job"]
    job.wait(120)
    assert job.result().config.lr == 0.5


def test_a_run_training_in_another_process_is_not_reopened(app, store):
    run_id = stored_run(store, "elsewhere", status="running")  # this (living) process's pid
    at = ok(app(run=run_id).run())
    assert [i.value for i in at.info] == [
        f"Run elsewhere ({run_id}) is training in another process, such as the command line; "
        f"open it again once it has finished."]
    assert "fc_job" not in at.session_state and not at.warning


def test_a_running_trial_of_an_auto_tune_is_said_to_be_one(app, store):
    """Its study trains its trials in a worker of this app, not a job of its own: the page
    said it trained "in another process, such as the command line"."""
    run_id = stored_run(store, "sales · trial 1", status="running")
    store.link(run_id, "sales", 1)
    at = ok(app(run=run_id).run())
    assert [i.value for i in at.info] == [
        f"Run sales · trial 1 ({run_id}) is still training, as a trial of an auto-tune; open "
        f"it again once it has finished."]
    assert "fc_job" not in at.session_state and not at.warning


def test_an_interrupted_run_without_weights_says_so(app, store):
    run_id = stored_run(store, "cut short", status="running")
    set_pid(store, run_id, dead_pid())
    at = ok(app(run=run_id).run())
    assert store.get(run_id).status == "interrupted"
    assert [shown(w.value) for w in at.warning] == [
        f"Run {run_id} has no saved weights: it stopped before its first epoch finished."]
    assert "fc_job" not in at.session_state


def test_a_finished_run_whose_weights_went_missing_says_so_and_is_not_offered_again(app, store):
    from lstm_app.runs.bundle import export_bundle
    from lstm_app.runs.reopening import has_weights
    run_id, _ = recorded_forecast(store, epochs=1)
    (store.run_dir(run_id) / "weights.safetensors").unlink()  # moved away by hand
    at = ok(app(run=run_id).run())
    said = (f"Run {run_id} trained, but its weights file is missing from its folder (moved or "
            f"deleted outside the app), so it cannot be opened or exported. Delete the run and "
            f"train it again.")
    assert [shown(w.value) for w in at.warning] == [said]
    with pytest.raises(ValueError, match="weights file is missing"):
        export_bundle(store, run_id)
    assert not has_weights(store, store.get(run_id))


def _killed_after_two_epochs(home, run_id, series, config, callbacks):
    """A recorded training whose process the kernel kills (out of memory) in its third epoch."""
    def die(progress):
        if progress.epoch >= 3:
            os.kill(os.getpid(), signal.SIGKILL)
        callbacks.on_progress(progress)

    return record(home, run_id, "forecast", series, config, replace(callbacks, on_progress=die))


def test_a_training_whose_process_is_killed_shows_its_last_checkpoint(app, store):
    series = load_series(AIRLINE, name=AIRLINE.name)
    config = ForecastConfig(statistical_seconds=0, hidden_size=8, num_layers=1, epochs=50, patience=0)
    run_id = start_run(store, "forecast", series, config, series.name, series.name)
    work = functools.partial(_killed_after_two_epochs, store.home, run_id, series, config)
    job = JobQueue().submit(in_worker_process(
        work, on_killed=functools.partial(end_killed, store.home, run_id)), run_id=run_id,
        config=config)
    assert job.wait(120) and job.snapshot().state == "failed"

    at = app(run=run_id)
    at.session_state["fc_job"] = job  # the page that started it
    ok(at.run())
    reopened = at.session_state["fc_job"]
    assert reopened is not job and reopened.run_id == run_id, "the checkpoint was not opened"
    assert FC_RESULTS in subheaders(at)
    [warning] = [shown(w.value) for w in at.warning if "killed" in w.value]
    assert warning == store.get(run_id).message == job.snapshot().error
    assert warning.startswith("Training ended unexpectedly because its process was killed")
    assert reopened.result().training.best_epoch in (1, 2)
    assert not [shown(e.value) for e in at.error]


# --- 4. Train more from a reopened run ------------------------------------------------------

def test_train_more_from_a_reopened_run_makes_a_child_run(app, store):
    run_id, _ = recorded_forecast(store, epochs=2)
    at = ok(app(run=run_id).run())
    assert FC_RESULTS in subheaders(at)
    at.number_input(key="fc_more").set_value(1)
    ok(at.button(key="fc_train_more").click().run())
    job = at.session_state["fc_job"]
    assert job.run_id not in (None, run_id), "Train more did not start a new run"
    assert at.query_params.get("run") == job.run_id
    poll(at, fc_done, "the results after Train more")
    assert at.session_state["fc_job"] is job

    child = store.get(job.run_id)
    assert child.parent == run_id
    assert child.status == "finished" and child.config["epochs"] == 1
    # told apart from the run it went on from on the Runs page; trained more again, the same
    assert child.name == f"{store.get(run_id).name}, trained more"
    assert child.data_name == store.get(run_id).data_name
    assert trained_more_name(child.name) == child.name
    with speaking("zh"):
        assert trained_more_name(child.name) == child.name
        assert trained_more_name("销量") == "销量（继续训练）"
    assert trained_more_name("销量（继续训练）") == "销量（继续训练）"
    # a name as long as a name may be keeps its ending whole (the store cut it off)
    long = trained_more_name("x" * MAX_NAME_CHARS)
    assert len(long) == MAX_NAME_CHARS and long.endswith("x…, trained more")
    assert trained_more_name(long) == long
    assert [h.epoch for h in job.result().training.history] == [1, 2, 3]
    assert [h.epoch for h in store.history(child.id)][-1] == 3  # it went on from epoch 2
    assert [h.epoch for h in store.history(run_id)] == [1, 2]  # the parent is kept as it was
    assert {r.id for r in store.list()} == {run_id, child.id}


def test_train_more_on_a_run_deleted_in_another_tab_saves_a_run_of_its_own(app, store):
    run_id, _ = recorded_forecast(store, epochs=2)
    at = ok(app(run=run_id).run())
    name = store.get(run_id).name
    store.delete(run_id)  # in another tab, while this one shows it
    at.number_input(key="fc_more").set_value(1)
    ok(at.button(key="fc_train_more").click().run())
    job = at.session_state["fc_job"]
    assert [t.value for t in at.toast] == ["The run this trains more was deleted meanwhile, so "
                                           "the new run is saved on its own."]
    poll(at, fc_done, "the results after Train more")
    child = store.get(job.run_id)
    assert child.parent is None and child.name == f"{name}, trained more"
    assert [h.epoch for h in store.history(child.id)] == [1, 2, 3]


def test_train_more_ended_early_says_how_many_of_the_epochs_asked_for_it_ran(app, store):
    """A manager asked for 60 more epochs and saw 3 run, told only that training stopped early."""
    run_id, _ = recorded_forecast(store, epochs=2)
    at = ok(app(run=run_id).run())
    at.session_state["fc_patience"] = 1
    at.session_state["fc_lr"] = 0.03  # steps large enough to overshoot: it stops early
    at.number_input(key="fc_more").set_value(60)
    ok(at.button(key="fc_train_more").click().run())
    job = at.session_state["fc_job"]
    poll(at, fc_done, "the results after Train more")
    training = job.result().training
    ran = training.history[-1].epoch - 2
    assert training.stop_reason == "early_stopping" and ran < 60
    said = [c.value for c in at.caption if c.value.startswith("Train more ran")]
    assert said == [f"Train more ran {ran} of the 60 epochs asked for: the validation loss "
                    f"stopped improving, so early stopping ended it (Early-stopping patience, "
                    f"under More settings, waits longer)."]
    at.session_state["fc_epochs"] = 3  # other settings: the next Train is a run of its own
    at.button(key="fc_train").click().run()
    poll(at, lambda a: a.session_state["fc_job"] is not job and fc_done(a), "a new run")
    assert not [c for c in at.caption if c.value.startswith("Train more ran")]


def test_a_train_more_run_keeps_the_whole_history_it_showed(app, store):
    run_id, _ = recorded_forecast(store, epochs=2)
    at = ok(app(run=run_id).run())
    at.number_input(key="fc_more").set_value(1)
    ok(at.button(key="fc_train_more").click().run())
    job = at.session_state["fc_job"]
    poll(at, fc_done, "the results after Train more")
    shown = [h.epoch for h in job.result().training.history]
    assert shown == [1, 2, 3]
    assert [h.epoch for h in store.history(job.run_id)] == shown
    reopened = ok(app(run=job.run_id).run())  # the child's own address, in a new session
    assert FC_RESULTS in subheaders(reopened)
    again = reopened.session_state["fc_job"].result()
    assert [h.epoch for h in again.training.history] == shown


def test_text_train_more_from_a_reopened_run_makes_a_child_run(app, store):
    run_id, _ = recorded_text(store, epochs=2)
    at = ok(app(TEXT, run=run_id).run())
    captions = [c.value for c in at.caption]  # its settings are its own, not a suggestion
    assert "The settings of the run you opened; change them freely for the next training." \
        in captions and not any(c.startswith("Suggested for this text") for c in captions)
    at.number_input(key="tx_more").set_value(2)
    ok(at.button(key="tx_train_more").click().run())
    job = at.session_state["tx_job"]
    assert job.run_id not in (None, run_id)
    poll(at, lambda a: job.snapshot().done and TX_RESULTS in subheaders(a),
         "the results after Train more")
    child = store.get(job.run_id)
    assert child.parent == run_id and child.task == "text"
    assert child.data_name == "keras_toy_sentence.txt"
    assert [h.epoch for h in job.result().training.history] == [1, 2, 3, 4]
    assert [h.epoch for h in store.history(child.id)][-1] == 4


# --- 5. the Runs page -----------------------------------------------------------------------

def test_the_runs_page_without_runs_shows_where_to_train(app, store):
    at = ok(app(RUNS).run())
    assert [t.value for t in at.title] == ["Runs"]
    assert [i.value for i in at.info] == [
        "No runs yet. Every training on the Forecast, Text and Classify pages is saved here, and "
        "so are command-line trainings with --save-run."]
    links = page_links(at)
    assert [link.value for link in links] == ["Train a forecast", "Train on a text",
                                              "Classify labelled texts"]
    assert [link.proto.page for link in links] == ["pages/forecast.py", "pages/text.py",
                                                   "pages/classify.py"] or all(
        link.proto.page_script_hash for link in links)
    assert not at.dataframe and not at.get("download_button")


@pytest.fixture
def four_runs(store):
    """Newest first in the table: delta (failed), gamma (text), beta (stopped), alpha."""
    alpha = stored_run(store, "alpha", note="tried more units", val_losses=(0.9, 0.5, 0.3))
    beta = stored_run(store, "beta", status="stopped",
                      config=dict(CONFIG, hidden_size=16, lr=0.01), val_losses=(0.8, 0.6))
    gamma = stored_run(store, "gamma", task="text", data="shakespeare_excerpt.txt",
                       config={"hidden_size": 64, "num_layers": 2, "cell": "lstm", "lr": 0.002,
                               "level": "char", "seq_len": 100, "epochs": 3})
    delta = stored_run(store, "delta", status="failed", data="daily_sales.csv")
    return {"alpha": alpha, "beta": beta, "gamma": gamma, "delta": delta}


def test_the_runs_table_lists_every_run_newest_first(app, four_runs):
    at = ok(app(RUNS).run())
    shown = table(at)
    assert list(shown["name"]) == ["delta", "gamma", "beta", "alpha"]
    assert list(shown["status"]) == ["failed", "finished", "stopped", "finished"]
    assert list(shown["task"]) == ["forecast", "text", "forecast", "forecast"]
    assert list(shown["id"]) == [four_runs[n] for n in shown["name"]]
    assert shown.loc[3, "best val loss"] == pytest.approx(0.3)
    assert shown.loc[3, "note"] == "tried more units"
    assert shown.loc[2, "settings"].startswith("LSTM 16×1, lr 0.01")
    # who and what first; a score none of these runs has is no column of blanks ("None")
    order = list(runs_grid(at).proto.column_order)
    assert order[:6] == ["name", "task", "best val loss", "test MAE", "test MASE",
                         "bits per char"] and "id" not in order
    assert "test accuracy" not in order and "test macro-F1" not in order  # no classifier
    assert shown["test accuracy"].dtype == float and shown["test accuracy"].isna().all()
    assert ("Select rows in the table (the boxes on the left; with the keyboard, Shift+Space on "
            "a row) to compare runs.") in [c.value for c in at.caption]
    assert "Compared" not in subheaders(at) and "This run" not in subheaders(at)


@pytest.mark.parametrize("widget, value, names", [
    ("runs_task", ["text"], ["gamma"]),
    ("runs_task", ["forecast"], ["delta", "beta", "alpha"]),
    ("runs_status", ["stopped", "failed"], ["delta", "beta"]),
    ("runs_search", "units", ["alpha"]),              # in the note
    ("runs_search", "SHAKESPEARE", ["gamma"]),        # in the data name, any case
    ("runs_search", "nothing like it", []),
], ids=["text", "forecast", "status", "note", "data", "none"])
def test_the_filters_narrow_the_table(app, four_runs, widget, value, names):
    at = ok(app(RUNS).run())
    if widget == "runs_search":
        at.text_input(key=widget).set_value(value)
    else:
        at.multiselect(key=widget).set_value(value)
    ok(at.run())
    if names:
        assert list(table(at)["name"]) == names
    else:  # no empty grid: a sentence that says what to do
        assert not at.dataframe
        assert [i.value for i in at.info] == [
            "No run matches these filters and this search: change them, or clear the search "
            "box, to see all 4 runs."]


def test_task_and_search_filters_combine(app, four_runs):
    at = ok(app(RUNS).run())
    at.multiselect(key="runs_task").set_value(["forecast"])
    at.multiselect(key="runs_status").set_value(["finished", "failed"])
    at.text_input(key="runs_search").set_value("a")
    ok(at.run())
    assert list(table(at)["name"]) == ["delta", "alpha"]


def test_two_selected_runs_are_compared(app, store, four_runs):
    at = ok(app(RUNS).run())
    select(at, 2, 3)  # beta and alpha
    assert "Compared" in subheaders(at) and "This run" not in subheaders(at)
    chart = at.get("plotly_chart")
    assert len(chart) == 1
    spec = chart[0].proto.spec
    for name in ("alpha", "beta"):
        assert f"{name} ({four_runs[name][:6]})" in spec, f"{name}'s curve is missing"
    assert "gamma" not in spec and "delta" not in spec
    sides = [d.value for d in at.dataframe if d.value.index.name == "setting"]
    assert len(sides) == 1, "the settings side by side are missing"
    side = sides[0]
    columns = [f"beta ({four_runs['beta'][:6]})", f"alpha ({four_runs['alpha'][:6]})"]
    assert list(side.columns) == columns
    assert side.loc["Hidden units", columns[0]] == "16" and side.loc["Hidden units",
                                                                      columns[1]] == "8"
    # Only the settings that differ (hidden units and learning rate), every one at a toggle.
    assert "The 2 settings that differ." in [c.value for c in at.caption]
    assert set(side.index) == {"Hidden units", "Learning rate"}, list(side.index)
    scores = [d.value for d in at.dataframe
              if "best validation loss (MSE on scaled values)" in d.value.columns]
    assert len(scores) == 1, "the scores side by side are missing"
    assert list(scores[0].index) == columns and "bits per character" not in scores[0].columns
    at.toggle(key="runs_every_setting").set_value(True)
    ok(at.run())
    side = [d.value for d in at.dataframe if d.value.index.name == "setting"][0]
    assert {"Hidden units", "Learning rate", "Lookback (window size)"} <= set(side.index)
    assert "The 2 settings that differ are highlighted." in [c.value for c in at.caption]
    assert not page_links(at), "a comparison offers no single run to open"


def test_a_text_run_and_a_classifier_are_compared_though_two_settings_share_a_label(app, store):
    """The text's val_fraction and the classifier's val_size are both "Validation share": each
    keeps a row of its own (a shared label crashed the page's highlighting)."""
    text = stored_run(store, "song", task="text", data="song.txt",
                      config={"hidden_size": 16, "val_fraction": 0.1})
    reviews = stored_run(store, "reviews", task="classify", data="reviews.csv",
                         config={"hidden_size": 16, "val_size": 0.1})
    at = ok(app(RUNS).run())
    select(at, 0, 1)
    side = [d.value for d in at.dataframe if d.value.index.name == "setting"][0]
    assert side.index.is_unique
    assert {"Validation share (val_fraction)", "Validation share (val_size)"} <= set(side.index)
    assert side.loc["Validation share (val_size)", f"reviews ({reviews[:6]})"] == "0.1"
    assert side.loc["Validation share (val_size)", f"song ({text[:6]})"] == "–"


def test_a_crafted_run_name_is_shown_as_written_not_as_markdown(app, store):
    evil = "![x](http://evil.example/x.png) [log in again](http://evil.example)"
    stored_run(store, evil, data="**sales**.csv")
    at = select(ok(app(RUNS).run()), 0)
    [line] = [m.value for m in at.markdown if "evil" in m.value]
    # Every markdown character escaped: no image, no link, no bold; it reads as written.
    assert "\\!\\[x\\]\\(http\\:\u2060//evil.example/x.png\\)" in line, line
    assert "](" not in line.replace("\\]\\(", "") and "\\*\\*sales\\*\\*.csv" in line


def test_one_selected_run_can_be_opened_renamed_and_annotated(app, store, four_runs):
    at = ok(app(RUNS).run())
    select(at, 3)  # alpha
    alpha = four_runs["alpha"]
    assert "This run" in subheaders(at) and "Compared" not in subheaders(at)
    assert [m.value for m in at.markdown if m.value.startswith("**alpha**")] == [
        f"**alpha** ({alpha}): forecast on airline\\_passengers.csv, finished. alpha is "
        f"finished."]
    links = page_links(at)
    assert [link.value for link in links] == ["Open it"]
    assert links[0].proto.query_string == f"run={alpha}&open=1"
    assert links[0].proto.page == "pages/forecast.py" or links[0].proto.page_script_hash

    assert at.text_input(key=f"runs_name_{alpha}").value == "alpha"
    assert at.text_area(key=f"runs_note_{alpha}").value == "tried more units"
    at.text_input(key=f"runs_name_{alpha}").set_value("alpha, wider")
    at.text_area(key=f"runs_note_{alpha}").set_value("16 units were no better")
    ok(at.button(key=SAVE).click().run())
    run = store.get(alpha)
    assert (run.name, run.note) == ("alpha, wider", "16 units were no better")
    assert list(table(at)["name"]) == ["delta", "gamma", "beta", "alpha, wider"]
    assert table(at).loc[3, "note"] == "16 units were no better"
    assert {r.name for r in store.list()} == {"alpha, wider", "beta", "gamma", "delta"}
    # The boxes stop at the store's caps (a longer name crashed the page once the store
    # refused it); whatever comes back, the page stays up and no name exceeds the cap.
    assert at.text_input(key=f"runs_name_{alpha}").proto.max_chars == 200
    assert at.text_area(key=f"runs_note_{alpha}").proto.max_chars == 10_000
    at.text_input(key=f"runs_name_{alpha}").set_value("x" * 201)
    ok(at.button(key=SAVE).click().run())
    assert len(store.get(alpha).name) <= 200


def test_a_second_tab_saving_its_note_keeps_the_name_a_first_tab_saved(app, store, four_runs):
    alpha = four_runs["alpha"]
    first, second = (select(ok(app(RUNS).run()), 3) for _ in range(2))
    first.text_input(key=f"runs_name_{alpha}").set_value("alpha, renamed ")  # stored trimmed
    ok(first.button(key=SAVE).click().run())
    assert first.text_input(key=f"runs_name_{alpha}").value == "alpha, renamed"  # as stored
    # The second tab, drawn before the rename, saves only the note it wrote: the name stays
    second.text_area(key=f"runs_note_{alpha}").set_value("noted in the second tab")
    ok(second.button(key=SAVE).click().run())
    run = store.get(alpha)
    assert (run.name, run.note) == ("alpha, renamed", "noted in the second tab")
    assert second.text_input(key=f"runs_name_{alpha}").value == "alpha, renamed"
    # A tab drawn again shows the store's name in its box, where it typed nothing over it
    store.rename(alpha, "renamed on the command line")
    assert ok(first.run()).text_input(key=f"runs_name_{alpha}").value == \
        "renamed on the command line"
    # ... and a note saved there then keeps that name
    first.text_area(key=f"runs_note_{alpha}").set_value("noted in the first tab")
    ok(first.button(key=SAVE).click().run())
    assert store.get(alpha).name == "renamed on the command line"


def typed_for_alpha(app, four_runs, note: str):
    """The Runs page with alpha chosen and a new name and ``note`` typed, not yet saved."""
    at = ok(app(RUNS).run())
    select(at, 3)  # alpha
    alpha = four_runs["alpha"]
    at.text_input(key=f"runs_name_{alpha}").set_value("alpha, renamed")
    at.text_area(key=f"runs_note_{alpha}").set_value(note)
    return at, alpha


def test_a_note_saved_for_a_run_deleted_meanwhile_is_said_and_shown_to_copy(app, store,
                                                                           four_runs):
    at, alpha = typed_for_alpha(app, four_runs, "an hour of notes")
    store.delete(alpha)  # in another tab
    ok(at.button(key=SAVE).click().run())
    assert [shown(w.value) for w in at.warning] == [
        f"Run {alpha} was deleted meanwhile (in another tab, or by someone else), so its name "
        "and note were not saved. What you typed is below, to copy."]
    assert [c.value for c in at.code] == ["alpha, renamed\nan hour of notes"]
    assert not ok(at.run()).warning  # said once


def test_a_name_typed_while_another_run_is_saved_is_saved_to_the_run_chosen(app, store,
                                                                            four_runs):
    at, alpha = typed_for_alpha(app, four_runs, "written while a trial finished")
    stored_run(store, "epsilon")  # a training elsewhere saves a run: the table gains a row
    ok(at.button(key=SAVE).click().run())
    assert list(table(at)["name"]) == ["epsilon", "delta", "gamma", "beta", "alpha, renamed"]
    run = store.get(alpha)
    assert (run.name, run.note) == ("alpha, renamed", "written while a trial finished")
    assert runs_grid(at).value is not None and "This run" in subheaders(at)  # still chosen
    assert any(m.value.startswith("**alpha, renamed**") for m in at.markdown)
    # a filter that keeps it keeps it chosen; one that hides it chooses nothing else
    at.multiselect(key="runs_task").set_value(["forecast"])
    assert any(m.value.startswith("**alpha, renamed**") for m in ok(at.run()).markdown)
    at.multiselect(key="runs_task").set_value(["text"])
    assert "This run" not in subheaders(ok(at.run()))


def test_a_damaged_row_or_a_kind_of_run_this_version_lacks_keeps_the_page_up(app, store,
                                                                             four_runs):
    db = sqlite3.connect(store.home / DB_NAME)
    try:
        with db:  # hand edits, or a newer version sharing the store
            db.execute("UPDATE runs SET metrics = 'nope', config = '[1, 2]' WHERE id = ?",
                       (four_runs["beta"],))
            db.execute("UPDATE runs SET task = 'regress', metrics = '[' || ? || ']' WHERE id = ?",
                       ("[" * 5000 + "]" * 5000, four_runs["alpha"]))
            db.execute("UPDATE runs SET task = '**[x](http://evil.example)**' WHERE id = ?",
                       (four_runs["gamma"],))
    finally:
        db.close()
    assert (store.get(four_runs["beta"]).metrics, store.get(four_runs["beta"]).config) == ({}, {})
    at = ok(app(RUNS).run())
    assert list(table(at)["name"]) == ["delta", "gamma", "beta", "alpha"]
    select(at, 2)  # beta
    assert any(m.value.startswith("**beta**") for m in at.markdown)
    select(at, 3)  # alpha, of a kind this version does not know
    assert any(w.value.startswith("This run is of a kind this version of LSTM Studio does not "
                                  "know ('regress')") for w in at.warning)
    assert not page_links(at) and at.button(key="runs_delete").label == "Delete this run"
    select(at, 1)  # gamma, whose kind is written as markup: shown as written
    [said] = [w.value for w in at.warning if w.value.startswith("This run is of a kind")]
    assert shown(said).startswith("This run is of a kind this version of LSTM Studio does not "
                                  "know ('**[x](http://evil.example)**')")
    assert "\\*\\*" in said


def test_a_text_run_opens_on_the_text_page(app, four_runs):
    at = ok(app(RUNS).run())
    select(at, 1)  # gamma
    link = page_links(at)[0]
    assert link.proto.query_string == f"run={four_runs['gamma']}&open=1"
    assert link.proto.page == "pages/text.py" or link.proto.page_script_hash


def test_delete_asks_first_and_deletes_nothing_yet(app, store, four_runs):
    """The confirmation is a dialog; AppTest cannot press its Delete (a click inside a dialog
    reruns only the dialog, which AppTest does not do), so tests/browser/test_runs_page.py
    deletes through it."""
    at = ok(app(RUNS).run())
    select(at, 0)  # delta
    ok(at.button(key="runs_delete").click().run())
    assert at.button(key="runs_delete_confirm").label == "Delete"
    assert any(m.value.startswith(f"**delta** ({four_runs['delta']}) and its saved weights")
               for m in at.markdown)
    assert store.get(four_runs["delta"]) is not None, "deleted before the confirmation"
    assert len(store.list()) == 4


# The browser keeps a grid's selection as row positions when the table under it changes (a
# filter, a deletion); tests/browser/test_runs_page.py shows it there. Setting the selection
# once and changing the filters does the same here.

def test_narrowing_the_filters_with_a_lower_row_selected_does_not_crash(app, four_runs):
    at = ok(app(RUNS).run())
    select(at, 3)  # alpha, the last row
    at.multiselect(key="runs_task").set_value(["text"])  # one row left: gamma
    ok(at.run())
    assert list(table(at)["name"]) == ["gamma"]


def test_a_filter_that_hides_the_selected_run_selects_no_other(app, four_runs):
    at = ok(app(RUNS).run())
    select(at, 0)  # delta, failed
    assert any(m.value.startswith("**delta**") for m in at.markdown)
    at.multiselect(key="runs_status").set_value(["finished"])  # gamma, alpha: delta hidden
    ok(at.run())
    assert list(table(at)["name"]) == ["gamma", "alpha"]
    shown = [m.value for m in at.markdown if m.value.startswith(("**gamma**", "**alpha**"))]
    assert shown == [], f"a run nobody selected is shown as selected: {shown}"


def test_export_has_one_row_per_run_even_when_filtered(app, four_runs, downloads):
    at = ok(app(RUNS).run())
    at.multiselect(key="runs_task").set_value(["text"])
    ok(at.run())
    assert list(table(at)["name"]) == ["gamma"]
    button = at.get("download_button")
    assert [b.label for b in button] == ["Export all runs (CSV)"]
    exported = pd.read_csv(io.BytesIO(downloads["runs.csv"]))
    assert len(exported) == 4
    assert list(exported["name"]) == ["delta", "gamma", "beta", "alpha"]
    assert set(exported["id"]) == set(four_runs.values())
    assert {"status", "task", "data", "settings", "best val loss", "test MAE",
            "note"} <= set(exported.columns)


# --- 6. interrupted runs --------------------------------------------------------------------

def test_a_run_whose_process_died_shows_as_interrupted(app, store):
    finished = stored_run(store, "done")
    orphan = stored_run(store, "orphan", status="running")
    alive = stored_run(store, "training here", status="running")  # this process: alive
    set_pid(store, orphan, dead_pid())
    at = ok(app(RUNS).run())
    shown = table(at).set_index("name")["status"].to_dict()
    assert shown == {"done": "finished", "orphan": "interrupted", "training here": "running"}
    assert store.get(orphan).status == "interrupted"
    assert store.get(orphan).message.startswith("Training was interrupted")
    assert store.get(alive).status == "running" and store.get(finished).status == "finished"
    at.multiselect(key="runs_status").set_value(["interrupted"])
    ok(at.run())
    assert list(table(at)["name"]) == ["orphan"]


# --- deleting a run that is still training ------------------------------------------------

def test_a_run_that_is_training_cannot_be_deleted_until_it_stops(app, store):
    """Deleting it mid-training used to make the training fail with an internal error (its next
    epoch's record met the deleted run: IntegrityError); now Delete waits until it stops."""
    at = app()
    small_forecast(at, epochs=5000)
    at.session_state["fc_patience"] = 0
    ok(at.run())
    ok(at.button(key="fc_train").click().run())
    job = at.session_state["fc_job"]
    poll(at, lambda a: job.snapshot().history, "the first epoch")

    runs = ok(app(RUNS).run())  # the same user in another tab
    assert list(table(runs)["status"]) == ["running"]
    select(runs, 0)
    delete = runs.button(key="runs_delete")
    assert delete.disabled and delete.help == "Stop it first."
    assert store.get(job.run_id) is not None and not job.snapshot().done

    job.stop()
    assert job.wait(30)
    assert job.snapshot().state == "stopped", job.snapshot().error
    ok(runs.run())
    assert list(table(runs)["status"]) == ["stopped"]
    assert not runs.button(key="runs_delete").disabled


# --- Bundles on the Runs page ----------------------------------------------------------------

def test_a_bundle_downloads_for_the_selected_run_and_imports_back(app, store, tmp_path):
    from lstm_app.runs.bundle import export_bundle

    run_id, _ = recorded_forecast(store)
    at = ok(app(RUNS).run())
    select(at, 0)
    assert [b.key for b in at.get("download_button") if b.key == "runs_bundle"] == ["runs_bundle"]
    bundle = export_bundle(store, run_id)
    at.file_uploader(key="runs_import_file").upload("run.zip", bundle, "application/zip").run()
    at.button(key="runs_import").click().run()
    ok(at)
    [message] = [s.value for s in at.success]
    assert message.startswith("Imported as run ")
    new_id = message.removeprefix("Imported as run ").rstrip(".")
    assert store.get(new_id).task == "forecast" and len(store.list()) == 2
    assert len(table(at)) == 2


def test_a_bundle_larger_than_the_page_takes_says_to_import_it_by_command(app, store,
                                                                         monkeypatch):
    import streamlit
    recorded_forecast(store)
    option = streamlit.get_option
    at = select(ok(app(RUNS).run()), 0)
    [button] = [b for b in at.get("download_button") if b.key == "runs_bundle"]
    assert "import it here or with python -m lstm_app runs import" in button.help
    monkeypatch.setattr(streamlit, "get_option", lambda name: 0 if name ==
                        "server.maxUploadSize" else option(name))
    at = select(ok(app(RUNS).run()), 0)
    [button] = [b for b in at.get("download_button") if b.key == "runs_bundle"]
    assert "larger than this page takes: import it with python -m lstm_app runs import" in \
        button.help


def test_a_refused_bundle_says_why_and_adds_nothing(app, store):
    recorded_forecast(store)
    at = ok(app(RUNS).run())
    at.file_uploader(key="runs_import_file").upload("run.zip", b"not a zip", "application/zip").run()
    at.button(key="runs_import").click().run()
    ok(at)
    assert [shown(e.value) for e in at.error] == [
        "This file is not a .zip bundle; export a run from the Runs page or with "
        "'python -m lstm_app runs export'."]
    assert len(store.list()) == 1


# --- ONNX export on the Runs page ------------------------------------------------------------

def exported_on_page(app) -> tuple[AppTest, pd.DataFrame]:
    """The Runs page with its newest run exported to ONNX (and INT8): the page and its table
    of PyTorch, ONNX fp32 and ONNX INT8."""
    at = ok(app(RUNS).run())
    select(at, 0)
    at.button(key="runs_onnx").click().run(timeout=300)
    ok(at)
    [frame] = [d.value for d in at.dataframe if "batch-1 latency (ms)" in d.value.columns]
    assert list(frame["form"]) == ["PyTorch", "ONNX fp32", "ONNX INT8"]
    return at, frame


def test_a_run_exports_to_onnx_with_its_table_and_download(app, store):
    import json
    import zipfile

    from lstm_app.ui.runs_session import run_files_now
    from lstm_app.ui.runs_view import _bundle

    run_id, _ = recorded_forecast(store)
    version = lambda: (store.get(run_id).heartbeat, store.get(run_id).status,
                       run_files_now(run_id))
    bundled = lambda: set(zipfile.ZipFile(io.BytesIO(_bundle(
        str(store.home), run_id, version(), store.get(run_id).name, ""))).namelist())
    assert "model.onnx" not in bundled()  # zipped (and kept) before the export
    at, frame = exported_on_page(app)
    assert frame["test MASE"].notna().all() and (frame["size (KB)"] > 0).all()
    [said] = [c.value for c in at.caption if "matches PyTorch" in c.value]
    assert "INT8 is " in said and "3–4×" in said
    [button] = [b for b in at.get("download_button") if b.key == "runs_onnx_download"]
    assert button.proto.label == "Download the ONNX export (.zip)"
    exported = at.session_state["runs_onnx_done"][1]
    from lstm_app.export.onnx_export import export_zip
    with zipfile.ZipFile(io.BytesIO(export_zip(exported))) as archive:
        assert sorted(archive.namelist()) == ["export.json", "model.int8.onnx", "model.onnx"]
        assert json.loads(archive.read("export.json"))["run"] == run_id
    # The bundle zipped before is zipped again with the export (the same cache, in this
    # process: AppTest starts each page run with empty caches).
    assert {"model.onnx", "model.int8.onnx", "export.json"} <= bundled()


def test_a_peephole_run_exports_like_any_other(app, store):
    series = load_series(AIRLINE, name=AIRLINE.name)
    config = ForecastConfig(statistical_seconds=0, hidden_size=4, num_layers=1, epochs=1,
                            cell="peephole")
    run_id = start_run(store, "forecast", series, config, series.name, series.name)
    record(store.home, run_id, "forecast", series, config)
    report = store.read_json(run_id, "report.json")  # as if AutoTheta had been recommended
    report["recommended"] = {"method": "auto_theta", "name": "AutoTheta", "why": ""}
    store.write_json(run_id, "report.json", report)
    at, frame = exported_on_page(app)
    assert frame["test MASE"].iloc[1] == pytest.approx(frame["test MASE"].iloc[0], rel=1e-4)
    assert [b for b in at.get("download_button") if b.key == "runs_onnx_download"]
    # its forecasts are the LSTM's, not the recommended one's: said under the table
    assert any(i.value.startswith("The run recommended another forecast, 'AutoTheta'")
               for i in at.info), [i.value for i in at.info]


def test_a_panel_run_exports_its_global_network(app, store):
    from lstm_app.series.panel import load_panel
    from tests.test_panel_pipeline import FAST
    from tests.test_panel_runs import shops

    panel = load_panel(shops(), id_cols=["shop"], covariates=["price"], name="shops.csv")
    run_id = start_run(store, "panel", panel, FAST, "shops", "shops.csv")
    record(store.home, run_id, "panel", panel, FAST)
    at, frame = exported_on_page(app)
    assert frame["mean test MASE"].notna().all()
    exported = at.session_state["runs_onnx_done"][1]
    assert exported.manifest["task"] == "panel" and len(exported.manifest["ids"]) == 4
