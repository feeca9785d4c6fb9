"""Recording trainings into the run store, reopening them, and the store surviving concurrent and
killed trainings; the `--save-run` and `runs` command line.

Tiny models only (8 hidden units, a few epochs); every store lives in a temporary folder.
"""

import uuid
import functools
import json
import math
import multiprocessing
import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import asdict, replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch
from safetensors.torch import load_file

from lstm_app.cli import main as cli_main
from lstm_app.i18n import speaking
from lstm_app.runs.recording import end_cancelled, end_killed, record, start_run
from lstm_app.runs.reopening import kept_training, reopen
from lstm_app.runs.database import Database
from lstm_app.runs.database import DB_NAME
from lstm_app.runs.store import RunStore
from lstm_app.runs.table import runs_table
from lstm_app.series.loading import load_series
from lstm_app.series.settings import ForecastConfig
from lstm_app.text.settings import TextConfig
from lstm_app.series.pipeline import fit_forecast
from lstm_app.series.saving import series_files, series_from_files
from lstm_app.training.checkpoint import WEIGHTS, weights_epoch
from lstm_app.training.jobs import JobQueue
from lstm_app.training.process import in_worker_process, warm_up
from lstm_app.training.trainer import Callbacks
from tests.conftest import REPO, SAMPLES

FORECAST = ForecastConfig(statistical_seconds=0, hidden_size=8, epochs=3, patience=0)
TEXT = TextConfig(hidden_size=8, embedding_dim=8, num_layers=1, seq_len=16, batch_size=4,
                  epochs=2, length=40)
ARTIFACTS = {"forecast": {"data.csv", "series.json", "config.json", WEIGHTS, "scaler.json",
                          "forecast.csv", "report.json"},
             "text": {"text.txt", "config.json", WEIGHTS, "vocab.json", "samples.json",
                      "report.json"}}


@pytest.fixture(scope="module")
def airline():
    return load_series(SAMPLES / "airline_passengers.csv")


@pytest.fixture(scope="module")
def sine():
    return load_series(SAMPLES / "noisy_sine.csv")


@pytest.fixture(scope="module")
def zh_text():
    return (SAMPLES / "lstm_zh.txt").read_text(encoding="utf-8")


def integrity(store: RunStore) -> str:
    db = sqlite3.connect(store.home / DB_NAME)
    try:
        return db.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        db.close()


def files(store: RunStore, run_id: str) -> set[str]:
    return {p.name for p in store.run_dir(run_id).iterdir()}


def epochs_only(history: list[dict]) -> list[tuple]:
    """What an epoch record says, without its timing (measured at two different moments)."""
    return [(h.epoch, h.train_loss, h.val_loss, h.lr) for h in history]


def same_weights(model: torch.nn.Module, weights: dict) -> bool:
    state = model.state_dict()
    return state.keys() == weights.keys() and all(torch.equal(state[k].cpu(), weights[k])
                                                   for k in state)


# --- finished runs, and reopening them -----------------------------------------------------

@pytest.fixture(scope="module")
def finished(tmp_path_factory, airline, zh_text):
    """One finished forecast run and one finished text run, with the results they returned."""
    store = RunStore(tmp_path_factory.mktemp("finished") / "home")
    forecast_id = start_run(store, "forecast", airline, FORECAST, "air", airline.name)
    forecast = record(store.home, forecast_id, "forecast", airline, FORECAST)
    text_id = start_run(store, "text", zh_text, TEXT, "zh", "lstm_zh.txt")
    text = record(store.home, text_id, "text", zh_text, TEXT)
    return store, forecast_id, forecast, text_id, text


def test_a_finished_forecast_run_holds_what_it_trained(finished, airline):
    store, run_id, result, _, _ = finished
    run = store.get(run_id)
    assert run.status == "finished" and run.message == result.training.message
    assert run.task == "forecast" and run.data_name == airline.name and run.data_rows == 144
    assert epochs_only(store.history(run_id)) == epochs_only(result.training.history)
    assert [h.epoch for h in store.history(run_id)] == [1, 2, 3]
    assert run.best_epoch == result.training.best_epoch
    assert run.best_val_loss == result.training.best_val_loss
    assert run.metrics["test"] == result.test.to_dict() and run.metrics["verdict"] == result.verdict
    assert run.metrics["baselines"] == {k: v.to_dict() for k, v in result.baselines.items()}
    # the config as trained, "auto" resolved, in the row and in the folder
    assert run.config["lookback"] == result.config.lookback != "auto"
    assert run.config == json.loads(json.dumps(asdict(result.config)))
    assert store.read_json(run_id, "config.json") == run.config
    assert files(store, run_id) == ARTIFACTS["forecast"]
    assert same_weights(result.model, load_file(store.run_dir(run_id) / WEIGHTS))
    assert pd.read_csv(store.run_dir(run_id) / "forecast.csv")["forecast"].tolist() == \
        pytest.approx(result.forecast["forecast"].tolist())


def test_a_finished_text_run_holds_what_it_trained(finished, zh_text):
    store, _, _, run_id, result = finished
    run = store.get(run_id)
    assert run.status == "finished" and run.task == "text" and run.data_rows == len(zh_text)
    assert epochs_only(store.history(run_id)) == epochs_only(result.training.history)
    assert run.metrics["val_loss"] == result.val_loss
    assert run.metrics["bits_per_char"] == result.bits_per_char
    assert files(store, run_id) == ARTIFACTS["text"]
    assert (store.run_dir(run_id) / "text.txt").read_text(encoding="utf-8") == zh_text
    assert store.read_json(run_id, "samples.json")["final"] == {
        "text": result.sample, "memorization": result.memorization.to_dict()}
    assert same_weights(result.model, load_file(store.run_dir(run_id) / WEIGHTS))


def test_reopening_a_forecast_run_gives_the_same_scores_and_forecast(finished):
    store, run_id, original, _, _ = finished
    again = reopen(store, run_id)
    assert again.test == original.test
    assert again.baselines == original.baselines
    assert again.verdict == original.verdict
    assert again.interval_coverage == original.interval_coverage
    pd.testing.assert_frame_equal(again.forecast, original.forecast)
    assert replace(again.config, epochs=original.config.epochs) == original.config
    assert store.read_json(run_id, "report.json")["config"]["epochs"] == FORECAST.epochs
    assert epochs_only(again.training.history) == epochs_only(original.training.history)
    assert again.training.best_epoch == original.training.best_epoch
    assert same_weights(again.model, load_file(store.run_dir(run_id) / WEIGHTS))


def test_reopening_a_text_run_gives_the_same_loss_and_sample(finished):
    store, _, _, run_id, original = finished
    again = reopen(store, run_id)
    assert again.val_loss == original.val_loss
    assert again.bits_per_char == original.bits_per_char
    assert again.sample == original.sample and again.timeline == original.timeline
    assert again.notices == original.notices
    assert again.verdict == original.verdict
    assert again.vocab.to_dict() == original.vocab.to_dict()
    assert replace(again.config, epochs=original.config.epochs) == original.config
    assert epochs_only(again.training.history) == epochs_only(original.training.history)


@pytest.mark.parametrize("task", ["forecast", "text"])
def test_a_reopened_run_keeps_its_number_of_epochs(finished, task):
    store, forecast_id, forecast, text_id, text = finished
    run_id, original = (forecast_id, forecast) if task == "forecast" else (text_id, text)
    assert reopen(store, run_id).config.epochs == original.config.epochs


def test_the_runs_table_of_recorded_runs_uses_the_best_epoch(tmp_path, sine):
    # patience 1: early stopping ends training on an epoch that was not the best
    config = ForecastConfig(statistical_seconds=0, lookback=24, horizon=6, hidden_size=8, epochs=40, patience=1, lr=0.05)
    store = RunStore(tmp_path / "home")
    run_id = start_run(store, "forecast", sine, config, "sine", sine.name)
    result = record(store.home, run_id, "forecast", sine, config)
    history = store.history(run_id)
    best = min(history, key=lambda h: h.val_loss)
    assert history[-1].val_loss > best.val_loss, "the set-up needs a last epoch that is worse"
    row = runs_table(store.list()).iloc[0]
    assert row["best val loss"] == best.val_loss and row["best epoch"] == best.epoch
    assert row["test MAE"] == result.test.mae  # the scores of the weights that were kept


def test_a_run_without_weights_cannot_be_reopened(tmp_path, airline):
    store = RunStore(tmp_path / "home")
    run_id = start_run(store, "forecast", airline, FORECAST, "air", airline.name)  # never trained
    with pytest.raises(ValueError, match="no saved weights"):
        reopen(store, run_id)
    with pytest.raises(ValueError, match="no run"):
        reopen(store, "0123456789ab")


@pytest.mark.parametrize("sample", ["airline_passengers.csv", "noisy_sine.csv"])
def test_the_series_files_round_trip(sample):
    series = load_series(SAMPLES / sample)
    again = series_from_files(series_files(series))
    assert np.array_equal(again.frame.to_numpy(), series.frame.to_numpy())
    assert list(again.frame.columns) == list(series.frame.columns)
    assert (again.frame.dtypes == "float64").all()
    pd.testing.assert_index_equal(again.frame.index, series.frame.index, exact=True)
    assert again.freq == series.freq and again.season_length == series.season_length
    assert again.time_col == series.time_col and again.value_col == series.value_col
    assert again.covariates == series.covariates and again.notices == series.notices
    assert again.numeric_columns == series.numeric_columns and again.name == series.name
    assert again.freq_label == series.freq_label
    if series.time_col:  # what the next test needs: a grid with its frequency set
        assert series.frame.index.freq is not None


def test_the_series_files_keep_the_index_frequency():
    series = load_series(SAMPLES / "airline_passengers.csv")
    again = series_from_files(series_files(series))
    assert again.frame.index.freq == series.frame.index.freq
    pd.testing.assert_frame_equal(again.frame, series.frame)  # check_freq=True


# --- statuses ------------------------------------------------------------------------------

def test_a_stop_before_training_records_a_stopped_run(tmp_path, airline, zh_text):
    store = RunStore(tmp_path / "home")
    stop = threading.Event()
    stop.set()
    forecast_id = start_run(store, "forecast", airline, FORECAST, "air", airline.name)
    record(store.home, forecast_id, "forecast", airline, FORECAST, Callbacks(stop_event=stop))
    assert not stop.is_set()  # passed on to the training: the scoring may be stopped anew
    stop.set()
    text_id = start_run(store, "text", zh_text, TEXT, "zh", "lstm_zh.txt")
    record(store.home, text_id, "text", zh_text, TEXT, Callbacks(stop_event=stop))
    for run_id in (forecast_id, text_id):
        run = store.get(run_id)
        assert run.status == "stopped" and run.message and run.finished is not None
        assert store.history(run_id) == [] and run.best_epoch is None
    assert store.mark_interrupted() == []


def relaying(task):
    """A runner that runs ``task`` elsewhere (a thread) with a stop flag of its own, passing a
    Stop on as a cluster's runner does: the flag the pipeline reads is not the caller's."""
    def run(callbacks: Callbacks):
        remote, out = threading.Event(), {}
        worker = threading.Thread(target=lambda: out.update(
            result=task(replace(callbacks, stop_event=remote))))
        worker.start()
        while worker.is_alive():
            if callbacks.stop_event.is_set():
                remote.set()
                callbacks.stop_event.clear()
            worker.join(0.005)
        return out["result"]
    return run


@pytest.mark.parametrize("task, stage, status, runner", [
    ("classify", "Fitting TF-IDF", "finished", None),  # once TF-IDF's fit began: nothing left out
    ("classify", "Fitting TF-IDF", "finished", relaying),  # so too where a runner passes it on
    ("classify", None, "stopped", None),               # during training: it ended there
    ("forecast", "Fitting AutoETS (1 of", "stopped", None)])  # the statistical models left out
def test_a_run_is_recorded_stopped_only_where_its_stop_cut_something_short(
        tmp_path, airline, task, stage, status, runner):
    """A Stop pressed after the last place that reads it (TF-IDF's fit had begun) left nothing
    out: the run was recorded "stopped" while its message said early stopping."""
    from lstm_app.classify.labelled import load_labelled
    from tests.test_classify import csv_bytes, reviews
    from tests.test_classify_runs import TINY

    store = RunStore(tmp_path / "home")
    if task == "classify":
        data, config = load_labelled(csv_bytes(reviews(90)), "reviews.csv"), TINY
    else:
        data = airline
        config = replace(FORECAST, statistical_seconds=30, epochs=2)
    stop = threading.Event()
    progress = lambda p: stage is None and p.record is not None and stop.set()  # epoch 1
    said = lambda text: stage is not None and text.startswith(stage) and stop.set()
    run_id = start_run(store, task, data, config, "run", data.name)
    result = record(store.home, run_id, task, data, config,
                    Callbacks(on_progress=progress, on_stage=said, stop_event=stop), runner=runner)
    assert store.get(run_id).status == status
    if task == "classify":
        assert "tfidf_logreg" in result.baselines  # the scoring is never skipped for it
        assert (result.training.stop_reason == "stopped") == (stage is None)


def test_a_value_error_in_the_pipeline_fails_the_run_and_propagates(tmp_path, airline):
    store = RunStore(tmp_path / "home")
    config = replace(FORECAST, lookback=120, horizon=12)
    run_id = start_run(store, "forecast", airline, config, "air", airline.name)
    with pytest.raises(ValueError, match="lookback 120") as error:
        record(store.home, run_id, "forecast", airline, config)
    run = store.get(run_id)
    assert run.status == "failed" and run.message == str(error.value)
    assert run.finished is not None and store.history(run_id) == []
    assert WEIGHTS not in files(store, run_id)
    with pytest.raises(ValueError, match="no saved weights: it failed") as refused:
        reopen(store, run_id)
    assert "lookback 120" in str(refused.value)  # why it failed, not "stopped before …"
    # Read in Chinese, its reason is said in Chinese, though it failed in English.
    from lstm_app.i18n import speaking
    from lstm_app.runs.reopening import run_message
    with speaking("zh"):
        said = run_message(store.get(run_id))
        refused_zh = str(pytest.raises(ValueError, reopen, store, run_id).value)
    assert said != run.message and "回看窗口为 120" in said
    assert said in refused_zh
    broken = replace(run, said="[broken")  # a hand edit: the message as stored, never a crash
    assert run_message(broken) == run.message


# --- concurrent trainings ------------------------------------------------------------------

def test_two_trainings_in_threads_finish_at_once_into_one_store(tmp_path, sine):
    store = RunStore(tmp_path / "home")
    configs = [ForecastConfig(statistical_seconds=0, lookback=24, horizon=6, hidden_size=h, epochs=4, patience=0)
               for h in (4, 8)]
    run_ids = [start_run(store, "forecast", sine, c, f"sine {c.hidden_size}", sine.name) for c in configs]
    in_step = threading.Barrier(2, timeout=60)  # every epoch, and the end, at the same moment

    def lockstep(p):
        if p.kind == "epoch":
            in_step.wait()

    results, errors = {}, []

    def train(run_id, config):
        try:
            results[run_id] = record(store.home, run_id, "forecast", sine, config,
                                     Callbacks(on_progress=lockstep))
        except BaseException as error:  # noqa: BLE001 (reported below)
            errors.append(error)
            in_step.abort()

    threads = [threading.Thread(target=train, args=a) for a in zip(run_ids, configs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors and len(results) == 2
    assert integrity(store) == "ok"
    for run_id, config in zip(run_ids, configs):
        run = store.get(run_id)
        assert run.status == "finished" and run.config["hidden_size"] == config.hidden_size
        assert [h.epoch for h in store.history(run_id)] == [1, 2, 3, 4]
        assert epochs_only(store.history(run_id)) == \
            epochs_only(results[run_id].training.history)
        assert same_weights(results[run_id].model, load_file(store.run_dir(run_id) / WEIGHTS))
        assert files(store, run_id) == ARTIFACTS["forecast"]


@pytest.fixture(scope="module")
def forkserver():
    """The workers' forkserver, started as the app starts it (torch imported once)."""
    warm_up()
    return multiprocessing.get_context("forkserver")


def test_two_trainings_in_worker_processes_finish_into_one_store(tmp_path, sine, forkserver):
    store = RunStore(tmp_path / "home")
    configs = [ForecastConfig(statistical_seconds=0, lookback=24, horizon=6, hidden_size=h, epochs=3, patience=0)
               for h in (4, 8)]
    run_ids = [start_run(store, "forecast", sine, c, f"sine {c.hidden_size}", sine.name) for c in configs]
    queue = JobQueue(max_concurrent=2)
    jobs = [queue.submit(in_worker_process(functools.partial(record, store.home, run_id,
                                                             "forecast", sine, config)))
            for run_id, config in zip(run_ids, configs)]
    for job in jobs:
        assert job.wait(120), job.snapshot()
    assert integrity(store) == "ok"
    for job, run_id in zip(jobs, run_ids):
        assert job.snapshot().state == "finished", job.snapshot().error
        run = store.get(run_id)
        assert run.status == "finished"
        assert run.pid != os.getpid()  # the worker claimed it
        assert [h.epoch for h in store.history(run_id)] == [1, 2, 3]
        assert same_weights(job.result().model, load_file(store.run_dir(run_id) / WEIGHTS))
    assert store.mark_interrupted() == []  # the workers are gone, but their runs finished


# --- a training killed with SIGKILL --------------------------------------------------------

def _pause(flag: str, pause, progress):
    """on_progress that, at the first record ``pause(progress)`` accepts, says so and hangs."""
    if pause(progress):
        Path(flag).write_text(str(progress.epoch))
        time.sleep(600)


def _in_epoch_3(progress) -> bool:
    return progress.kind == "batch" and progress.epoch >= 3


def _train_paused(home, run_id, series, config, flag):
    record(home, run_id, "forecast", series, config,
           Callbacks(on_progress=functools.partial(_pause, flag, _in_epoch_3)))


def _train_hanging_in_the_second_checkpoint_write(home, run_id, series, config, flag):
    """A training whose second weights checkpoint hangs in the middle of its write."""
    real_fsync, weights_writes = os.fsync, []

    def fsync(fd):
        if f".{WEIGHTS}." in os.readlink(f"/proc/self/fd/{fd}"):
            weights_writes.append(fd)
            if len(weights_writes) == 2:
                Path(flag).write_text("writing")
                time.sleep(600)
        real_fsync(fd)

    os.fsync = fsync
    record(home, run_id, "forecast", series, config)


def kill_when_flagged(forkserver, target, store, run_id, series, config, tmp_path):
    flag = tmp_path / "flag"
    child = forkserver.Process(target=target, args=(store.home, run_id, series, config, str(flag)),
                               daemon=True)
    child.start()
    try:
        deadline = time.monotonic() + 90
        while not flag.exists():
            assert child.is_alive(), f"the training ended early (exit code {child.exitcode})"
            assert time.monotonic() < deadline, "the training did not reach the kill point"
            time.sleep(0.05)
        assert store.get(run_id).pid == child.pid  # the worker claimed the run
        os.kill(child.pid, signal.SIGKILL)
        child.join(30)
        assert child.exitcode == -signal.SIGKILL
    finally:
        if child.is_alive():
            child.kill()
            child.join(5)
    return child.pid


KILLED = ForecastConfig(statistical_seconds=0, lookback=24, horizon=6, hidden_size=8, epochs=200, patience=0)


def test_a_killed_training_leaves_a_consistent_store_and_a_usable_checkpoint(
        tmp_path, sine, forkserver):
    store = RunStore(tmp_path / "home")
    run_id = start_run(store, "forecast", sine, KILLED, "sine", sine.name)
    kill_when_flagged(forkserver, _train_paused, store, run_id, sine, KILLED, tmp_path)

    assert integrity(store) == "ok"
    history = store.history(run_id)
    assert [h.epoch for h in history] == [1, 2]  # killed inside epoch 3
    assert store.get(run_id).status == "running"  # nobody has looked yet
    assert store.mark_interrupted() == [run_id]
    run = store.get(run_id)
    assert run.status == "interrupted" and "interrupted" in run.message

    folder = store.run_dir(run_id)
    assert sorted(p.name for p in folder.iterdir() if p.name.startswith(".")) == []
    # The first checkpoint also saved the settings as trained and the scaler: enough to load it.
    assert files(store, run_id) == {"data.csv", "series.json", "config.json", "scaler.json",
                                    WEIGHTS}
    assert store.read_json(run_id, "config.json")["lookback"] == 24
    weights = load_file(folder / WEIGHTS)
    result = reopen(store, run_id)
    assert same_weights(result.model, weights)
    assert epochs_only(result.training.history) == epochs_only(history)
    best = min(history, key=lambda h: h.val_loss)
    assert result.training.best_epoch == best.epoch  # the checkpoint on disk is that epoch's
    assert result.training.best_val_loss == best.val_loss
    assert len(result.forecast) == 6 and np.isfinite(result.forecast["forecast"]).all()
    assert math.isfinite(result.test.mae)


def _record_killing_itself(home, run_id, series, config, callbacks):
    """A recorded training whose process is killed (as the kernel kills one out of memory)."""
    def die_in_epoch_3(progress):
        if _in_epoch_3(progress):
            os.kill(os.getpid(), signal.SIGKILL)
        callbacks.on_progress(progress)

    return record(home, run_id, "forecast", series, config,
                  replace(callbacks, on_progress=die_in_epoch_3))


def test_a_worker_killed_from_outside_says_so_and_its_run_keeps_the_last_checkpoint(
        tmp_path, sine, forkserver):
    store = RunStore(tmp_path / "home")
    run_id = start_run(store, "forecast", sine, KILLED, "sine", sine.name)
    work = functools.partial(_record_killing_itself, store.home, run_id, sine, KILLED)
    job = JobQueue().submit(in_worker_process(
        work, on_killed=functools.partial(end_killed, store.home, run_id)))
    assert job.wait(120)
    snap = job.snapshot()
    kept = weights_epoch((store.run_dir(run_id) / WEIGHTS).read_bytes())
    assert snap.state == "failed" and kept in (1, 2)
    assert snap.error == (
        f"Training ended unexpectedly because its process was killed (signal SIGKILL; a machine "
        f"that runs out of memory does this). The weights of epoch {kept}, its last checkpoint, "
        f"are kept: open the run from the Runs page to see its results.")
    run = store.get(run_id)
    assert run.status == "interrupted" and run.message == snap.error
    assert reopen(store, run_id).training.best_epoch == kept


def _more_killing_itself(home, run_id, series, config, start, callbacks):
    """A Train more whose process is killed inside its first new epoch (no new best yet)."""
    def die(progress):
        if progress.kind == "batch":
            os.kill(os.getpid(), signal.SIGKILL)
        callbacks.on_progress(progress)

    return record(home, run_id, "forecast", series, config, replace(callbacks, on_progress=die),
                  start)


def test_a_train_more_killed_before_a_new_best_keeps_the_model_it_went_on_from(
        tmp_path, sine, forkserver):
    first = fit_forecast(sine, ForecastConfig(statistical_seconds=0, lookback=24, horizon=6, hidden_size=8, epochs=2,
                                              patience=0))
    store = RunStore(tmp_path / "home")
    config = replace(first.config, epochs=50)
    run_id = start_run(store, "forecast", sine, config, "sine more", sine.name)
    work = functools.partial(_more_killing_itself, store.home, run_id, sine, config, first)
    job = JobQueue().submit(in_worker_process(
        work, on_killed=functools.partial(end_killed, store.home, run_id)))
    assert job.wait(120) and job.snapshot().state == "failed"
    kept = first.training.kept_epoch
    assert f"The weights of epoch {kept}, its last checkpoint, are kept" in job.snapshot().error
    result = reopen(store, run_id)
    assert same_weights(result.model, {k: v for k, v in first.model.state_dict().items()})
    assert epochs_only(result.training.history) == epochs_only(first.training.history)


@pytest.fixture(scope="module")
def killed_while_writing(tmp_path_factory, sine, forkserver):
    """A training killed while its second checkpoint of the weights was being written."""
    tmp_path = tmp_path_factory.mktemp("killed_while_writing")
    store = RunStore(tmp_path / "home")
    run_id = start_run(store, "forecast", sine, KILLED, "sine", sine.name)
    kill_when_flagged(forkserver, _train_hanging_in_the_second_checkpoint_write, store, run_id,
                      sine, KILLED, tmp_path)
    history = store.history(run_id)  # read before anything else looks at the store
    hidden = sorted(p.name for p in store.run_dir(run_id).iterdir() if p.name.startswith("."))
    marked = store.mark_interrupted()
    return store, run_id, history, hidden, marked


def test_a_kill_during_a_checkpoint_write_keeps_the_previous_checkpoint(killed_while_writing):
    store, run_id, history, hidden, marked = killed_while_writing
    assert integrity(store) == "ok" and marked == [run_id]
    assert store.get(run_id).status == "interrupted"
    # killed in the middle of writing the checkpoint of the last recorded epoch, a new best
    assert len(hidden) == 1 and hidden[0].startswith(f".{WEIGHTS}.")
    assert len(history) >= 2
    assert history[-1].val_loss == min(h.val_loss for h in history)
    folder = store.run_dir(run_id)
    weights = load_file(folder / WEIGHTS)  # the first checkpoint, whole
    result = reopen(store, run_id)
    assert same_weights(result.model, weights)
    assert np.isfinite(result.forecast["forecast"]).all()


def test_a_kill_during_a_checkpoint_write_leaves_no_temporary_file(killed_while_writing):
    store, run_id, _, _, _ = killed_while_writing
    reopen(store, run_id)
    assert sorted(p.name for p in store.run_dir(run_id).iterdir() if p.name.startswith(".")) == []


def test_a_reopened_run_reports_the_epoch_of_its_weights(killed_while_writing):
    store, run_id, history, _, _ = killed_while_writing
    # The hanging write was the checkpoint of the last recorded epoch, a new best; the weights
    # on disk are those of an earlier epoch with a higher validation loss.
    last = history[-1]
    result = reopen(store, run_id)
    assert result.training.best_epoch < last.epoch
    assert result.training.best_val_loss > last.val_loss


# --- the command line ----------------------------------------------------------------------

def start_cli(*args: str, home: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "lstm_app", *args], cwd=REPO, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, "LSTM_APP_HOME": str(home),
                                 "OMP_NUM_THREADS": "1"})


def finish_cli(process: subprocess.Popen) -> tuple[int, str, str]:
    try:
        out, err = process.communicate(timeout=120)
    finally:
        process.kill()
    return process.returncode, out, err


def test_the_command_line_saves_lists_shows_and_exports_runs(tmp_path, monkeypatch, capsys):
    home, empty = tmp_path / "home", tmp_path / "empty"
    forecast = start_cli("forecast", str(SAMPLES / "airline_passengers.csv"), "--hidden-size",
                         "8", "--epochs", "2", "--quiet", "--save-run", home=home)
    text = start_cli("text", str(SAMPLES / "lstm_zh.txt"), "--hidden-size", "8",
                     "--embedding-dim", "8", "--num-layers", "1", "--seq-len", "16",
                     "--batch-size", "4", "--epochs", "1", "--length", "20", "--quiet",
                     "--save-run", home=home)
    nope = start_cli("runs", "show", "nope", home=empty)
    listed_empty = start_cli("runs", "list", home=empty)

    code, out, err = finish_cli(nope)
    assert code == 2, (out, err)
    assert err.startswith("error: ") and "nope" in err and "Traceback" not in err
    code, out, err = finish_cli(listed_empty)
    assert code == 0 and "No runs yet" in out, err
    ids = {}
    for task, process in (("forecast", forecast), ("text", text)):
        code, out, err = finish_cli(process)
        assert code == 0, err
        found = re.search(r"Saved as run ([0-9a-f]+)", out)
        assert found, out
        ids[task] = found.group(1)

    # the runs commands, in this process (the same main() a shell calls)
    monkeypatch.setenv("LSTM_APP_HOME", str(home))
    capsys.readouterr()
    assert cli_main(["runs", "list"]) == 0
    listing = capsys.readouterr().out
    for task, run_id in ids.items():
        line = next(line for line in listing.splitlines() if run_id in line)
        assert task in line and "finished" in line
    assert "airline_passengers.csv" in listing and "lstm_zh.txt" in listing

    store = RunStore(home)
    assert cli_main(["runs", "show", ids["forecast"]]) == 0
    shown = capsys.readouterr().out
    run = store.get(ids["forecast"])
    assert f"({run.id})" in shown and "finished" in shown
    settings = next(line for line in shown.splitlines() if line.startswith("settings: "))
    assert json.loads(settings[len("settings: "):]) == run.config
    assert run.config["hidden_size"] == 8
    scores = next(line for line in shown.splitlines() if line.startswith("scores: "))
    scores = json.loads(scores[len("scores: "):])
    assert "verdict_said" not in scores and scores["verdict"] == run.metrics["verdict"]
    with speaking("zh"):  # trained in English, shown in Chinese: its verdict too
        assert cli_main(["runs", "show", ids["forecast"]]) == 0
    chinese = next(line for line in capsys.readouterr().out.splitlines()
                   if line.startswith("得分："))
    verdict = json.loads(chinese[len("得分："):])["verdict"]
    assert re.search("[\u4e00-\u9fff]", verdict) and "LSTM" in verdict, verdict
    epochs = [line for line in shown.splitlines() if line.strip().startswith("epoch")]
    assert len(epochs) == 2
    for line, h in zip(epochs, store.history(run.id)):
        assert line.split()[:2] == ["epoch", str(h.epoch)]
        assert f"val {h.val_loss:.5g}" in line

    out_file = tmp_path / "runs.csv"
    store.annotate(run.id, "two lines\nof note")  # a quoted line break: still one run
    assert cli_main(["runs", "export-csv", "--out", str(out_file)]) == 0
    assert "2 runs" in capsys.readouterr().out
    assert out_file.read_bytes().startswith("\ufeff".encode())  # for Excel; not on the screen
    assert cli_main(["runs", "export-csv"]) == 0
    assert capsys.readouterr().out.startswith('"id",')
    table = pd.read_csv(out_file, dtype={"id": str})
    assert list(table.columns) == list(runs_table([]).columns)
    assert sorted(table["id"]) == sorted(ids.values())
    assert set(table["task"]) == {"forecast", "text"}
    expected = runs_table(store.list()).set_index("id")
    for _, row in table.iterrows():
        assert row["best val loss"] == pytest.approx(expected.loc[row["id"], "best val loss"])


def test_the_command_line_deletes_a_run_but_not_one_that_trains(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("LSTM_APP_HOME", str(tmp_path / "home"))
    store = RunStore(tmp_path / "home")
    done = store.create("forecast", "old", {}, "air.csv", 144, "f00d")
    store.finish(done, "finished")
    training = store.create("forecast", "live", {}, "air.csv", 144, "f00d")  # this process: alive
    assert cli_main(["runs", "delete", done]) == 0
    assert store.get(done) is None and not store.run_dir(done).exists()
    assert f"Run {done} (old) deleted." in capsys.readouterr().out
    assert cli_main(["runs", "delete", training]) == 2
    assert "still training" in capsys.readouterr().err and store.get(training) is not None
    assert cli_main(["runs", "delete", "nope"]) == 2
    assert "There is no run 'nope'" in capsys.readouterr().err


def test_the_command_line_takes_a_run_id_as_copied_or_its_start(tmp_path, monkeypatch, capsys):
    """An id pasted with a space after it, in capitals, or its first characters: a hostile
    user was told there was no such run."""
    monkeypatch.setenv("LSTM_APP_HOME", str(tmp_path / "home"))
    store = RunStore(tmp_path / "home")
    hexes = iter(["abcd12345678" + "0" * 20, "ef0012345678" + "0" * 20,
                  "abcd99999999" + "0" * 20])
    monkeypatch.setattr(uuid, "uuid4", lambda: type("U", (), {"hex": next(hexes)})())
    one, _ = [store.create("forecast", name, {}, "air.csv", 144, "f00d") for name in "ab"]
    for given in (one + " ", one.upper(), one[:6], " " + one[:5].upper()):
        assert cli_main(["runs", "show", given]) == 0, given
        assert capsys.readouterr().out.startswith(f"a ({one})"), given
    assert cli_main(["runs", "show", "abc"]) == 2  # too few characters to name one
    assert "There is no run 'abc'" in capsys.readouterr().err
    other = store.create("forecast", "c", {}, "air.csv", 144, "f00d")  # abcd9999…
    assert cli_main(["runs", "show", "abcd"]) == 2  # the start of two ids names neither
    said = capsys.readouterr().err
    assert "2 runs have an id starting with 'abcd'" in said and one in said and other in said
    # deleting takes the whole id only: a slip of a few characters deletes nothing
    assert cli_main(["runs", "delete", one[:6]]) == 2
    assert f"To delete run {one} (a), give its whole id." in capsys.readouterr().err
    store.finish(one, "finished")
    assert cli_main(["runs", "delete", one.upper() + " "]) == 0 and store.get(one) is None


def test_the_command_line_prints_no_escape_sequence_from_a_name(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("LSTM_APP_HOME", str(tmp_path / "home"))
    store = RunStore(tmp_path / "home")
    run_id = store.create("forecast", "x\x1b]0;owned\x07\x1b[2J", {}, "a\x1b[31m.csv", 1, "f00d")
    store.finish(run_id, "finished", message="done\x1b[1A")
    store.annotate(run_id, "note\x9b2J")
    for command in (["runs", "show", run_id], ["runs", "list"]):
        assert cli_main(command) == 0
        out = capsys.readouterr().out
        assert "\x1b" not in out and "\x07" not in out and "\x9b" not in out, repr(out)
        assert run_id in out
    # Settings and scores as written (销量, not \\u9500\\u91cf), their controls made spaces
    run_id = store.create("forecast", "sales", {"value_col": "销量\u202e\x1b[2J",
                                                "time_col": "a\ud800b"}, "a.csv", 1, "f00d")
    store.finish(run_id, "finished", metrics={"verdict": "比季节性朴素法好"})
    assert cli_main(["runs", "show", run_id]) == 0
    out = capsys.readouterr().out
    assert f"sales ({run_id}): forecast on a.csv (1 row), finished" in out  # not "1 rows"
    assert '"value_col": "销量 \\u001b[2J"' in out
    assert '"time_col": "a\\ud800b"' in out  # a lone surrogate: its escape, not a crash and '"verdict": "比季节性朴素法好"' in out, out

def test_runs_list_cuts_a_long_name_so_each_run_keeps_to_a_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("LSTM_APP_HOME", str(tmp_path / "home"))
    store = RunStore(tmp_path / "home")
    long_id = store.create("forecast", "n" * 200, {}, "d" * 150 + ".csv", 1, "f00d")
    store.create("forecast", "short", {}, "a.csv", 1, "beef")
    assert cli_main(["runs", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3 and all(len(line) < 200 for line in lines), lines
    assert "n" * 39 + "…" in lines[2 if long_id in lines[2] else 1]
    assert cli_main(["runs", "show", long_id]) == 0
    assert "n" * 200 in capsys.readouterr().out  # whole where one run is shown


def test_a_run_cancelled_while_queued_ends_stopped(tmp_path, airline):
    store = RunStore(tmp_path / "home")
    run_id = start_run(store, "forecast", airline, FORECAST, "air", airline.name)
    end_cancelled(store.home, run_id)
    run = store.get(run_id)
    assert run.status == "stopped" and "waited for a free training slot" in run.message
    end_cancelled(store.home, run_id)  # a second call changes nothing
    assert store.get(run_id).finished == run.finished


def test_a_saved_models_best_epoch_follows_what_its_weights_are():
    from lstm_app.training.trainer import EpochRecord

    history = [EpochRecord(1, 1.0, 0.5), EpochRecord(2, 0.8, 0.7), EpochRecord(3, 0.6, 0.9)]
    kept_best = kept_training(history, 1, True, "completed", "", 1.0, "cpu")
    assert (kept_best.best_epoch, kept_best.kept_epoch, kept_best.best_val_loss) == (1, 1, 0.5)
    kept_last = kept_training(history, 3, False, "completed", "", 1.0, "cpu")  # tiny texts
    assert (kept_last.best_epoch, kept_last.kept_epoch, kept_last.best_val_loss) == (1, 3, 0.5)


def test_a_reopened_text_run_keeps_what_fitting_its_vocabulary_said(tmp_path, zh_text):
    from lstm_app.text.corpus import NO_SPACES_NOTICE

    store = RunStore(tmp_path / "home")
    config = replace(TEXT, level="word", epochs=1)
    run_id = start_run(store, "text", zh_text, config, "zh", "lstm_zh.txt")
    result = record(store.home, run_id, "text", zh_text, config)
    assert result.notices == [NO_SPACES_NOTICE] and result.config.level == "char"
    assert reopen(store, run_id).notices == [NO_SPACES_NOTICE]


DAMAGE = [("forecast", WEIGHTS, b"\x00" * 64), ("forecast", "scaler.json", b'{"mean": "x"}'),
          ("forecast", "series.json", b'{"season_length": "twelve"}'),
          ("forecast", "config.json", b'{"hidden_size": [1, 2]}'),
          ("forecast", "data.csv", b"\xff\xfe\x00garbage"),
          ("text", "vocab.json", b'{"level": "char", "tokens": [1, 2, 3]}'),
          ("text", "text.txt", b""), ("text", "config.json", b"[]"),
          ("text", "report.json", b'{"training": 5}')]


@pytest.fixture(scope="module")
def damaged(tmp_path_factory, airline, zh_text):
    """A folder to copy the finished runs into, one copy per damage."""
    store = RunStore(tmp_path_factory.mktemp("damaged") / "home")
    ids = {"forecast": start_run(store, "forecast", airline, FORECAST, "air", airline.name),
           "text": start_run(store, "text", zh_text, TEXT, "zh", "lstm_zh.txt")}
    record(store.home, ids["forecast"], "forecast", airline, FORECAST)
    record(store.home, ids["text"], "text", zh_text, TEXT)
    return store, ids


@pytest.mark.parametrize("task, name, content", DAMAGE)
def test_a_run_with_a_damaged_file_is_refused_in_one_sentence(damaged, task, name, content,
                                                              caplog):
    store, ids = damaged
    path = store.run_dir(ids[task]) / name
    kept = path.read_bytes()
    try:
        path.write_bytes(content)
        try:
            reopen(store, ids[task])
        except ValueError as error:
            message = str(error)
            assert message.startswith(f"Run {ids[task]} cannot be opened: ")
            assert message.endswith((". Delete it, or import its bundle again.",
                                     "written by an incompatible version. Delete it, or "
                                     "import its bundle again.")), message
            assert "Traceback" not in message and "\n" not in message
        # (A damage the run can do without, such as an unreadable report, may open.)
    finally:
        path.write_bytes(kept)
    assert reopen(store, ids[task]) is not None  # the other runs (and this one, mended) open


@pytest.mark.parametrize("trouble, said", [
    ("read_only", "is read-only; choose a folder you can write to with LSTM_APP_HOME"),
    ("full", "is full; free some space (or delete old runs) and try again"),
    ("not_a_database", "is damaged; move runs.sqlite3 away to start afresh")])
def test_the_command_line_says_what_is_wrong_with_the_database_in_one_sentence(
        tmp_path, monkeypatch, capsys, trouble, said):
    import lstm_app.runs.store as store_module

    home = tmp_path / "home"
    monkeypatch.setenv("LSTM_APP_HOME", str(home))
    store = RunStore(home)
    run_id = store.create("forecast", "old", {}, "air.csv", 144, "f00d")
    store.finish(run_id, "finished")
    connect = sqlite3.dbapi2.connect

    def troubled(path, **options):  # SQLite's own errors, from a real database
        if trouble == "read_only":
            return connect(f"file:{path}?mode=ro", uri=True, **options)
        db = connect(path, **options)
        pages = db.execute("PRAGMA page_count").fetchone()[0]
        db.execute(f"PRAGMA max_page_count={pages}")  # as a full disk: no page more
        return db

    Database.forget_all()  # closed first: closing folds the WAL back into the file
    if trouble == "not_a_database":
        (home / DB_NAME).write_bytes(b"this is not a database" * 100)
        for extra in ("-wal", "-shm"):
            (home / (DB_NAME + extra)).unlink(missing_ok=True)
    else:
        monkeypatch.setattr(sqlite3.dbapi2, "connect", troubled)  # as SQLAlchemy calls it
    Database.forget_all()  # the connections this process holds are opened again
    command = ["runs", "delete", run_id] if trouble != "full" else ["runs", "list"]
    if trouble == "full":
        with pytest.raises(store_module.StoreError) as raised:
            fresh = RunStore(home)
            for _ in range(50):
                fresh.create("forecast", "x" * 2000, {"pad": "y" * 4000}, "a.csv", 1, "f00d")
        err = f"error: {raised.value}\n"
    else:
        assert cli_main(command) == 2
        err = capsys.readouterr().err
    assert said in err and "Traceback" not in err and err.count("\n") == 1


def test_a_full_disk_while_a_checkpoint_is_written_ends_the_run_in_one_sentence(
        tmp_path, sine, monkeypatch):
    import errno

    store = RunStore(tmp_path / "home")
    config = replace(KILLED, epochs=6, patience=0)
    run_id = start_run(store, "forecast", sine, config, "sine", sine.name)
    write = RunStore.write_bytes
    weights_written = []

    def filling(self, run, name, data):
        if name == WEIGHTS:
            weights_written.append(name)
            if len(weights_written) == 3:  # the third checkpoint meets a full disk
                raise OSError(errno.ENOSPC, "No space left on device")
        return write(self, run, name, data)

    monkeypatch.setattr(RunStore, "write_bytes", filling)
    with pytest.raises(ValueError, match=r"is full, so training stopped: the last checkpoint"):
        record(store.home, run_id, "forecast", sine, config)
    monkeypatch.undo()
    run = store.get(run_id)
    assert run.status == "interrupted" and "Free some space" in run.message
    assert "\n" not in run.message and "Errno" not in run.message
    assert reopen(store, run_id) is not None  # the checkpoint saved before still opens


def test_a_database_locked_by_another_process_is_waited_for(tmp_path, monkeypatch, capsys):
    home = tmp_path / "home"
    monkeypatch.setenv("LSTM_APP_HOME", str(home))
    store = RunStore(home)
    run_id = store.create("forecast", "old", {}, "air.csv", 144, "f00d")
    store.finish(run_id, "finished")
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sqlite3, sys, time\n"
        f"db = sqlite3.connect({str(home / DB_NAME)!r}, isolation_level=None)\n"
        "db.execute('BEGIN EXCLUSIVE')\n"
        "print('locked', flush=True)\n"
        "time.sleep(2)\n"
        "db.execute('COMMIT')\n")], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        started = time.monotonic()
        assert cli_main(["runs", "delete", run_id]) == 0  # waits for the lock, then deletes
        assert time.monotonic() - started >= 1.0
        assert store.get(run_id) is None
    finally:
        holder.wait(30)


def test_a_lock_held_too_long_is_one_sentence():
    from lstm_app.runs.database import store_problem

    said = store_problem(sqlite3.OperationalError("database is locked"), Path("/runs"))
    assert said == ("The runs' database is busy with another program that holds it locked; "
                    "close it (or wait for it) and try again.")


def test_what_stops_the_store_is_said_in_the_readers_language(chinese):
    from lstm_app.runs.database import store_problem

    said = {store_problem(sqlite3.OperationalError(reason), Path("/runs"))
            for reason in ("database or disk is full", "attempt to write a readonly database",
                           "database is locked", "file is not a database", "unable to open")}
    assert len(said) == 5 and all(not re.search("[A-Za-z]{4,}", s.replace("/runs", "")
                                                .replace("runs.sqlite3", "")
                                                .replace("LSTM_APP_HOME", "")
                                                .replace("unable to open", "")) for s in said), said


def test_how_training_ended_is_shown_in_the_readers_language_whatever_it_was_trained_in(
        tmp_path):
    from lstm_app.i18n import speaking
    from lstm_app.runs.reopening import run_message
    from lstm_app.training.endings import ending_message
    from lstm_app.training.trainer import TrainResult

    store = RunStore(tmp_path / "home")
    ended = TrainResult(best_epoch=2, best_val_loss=1.584, stop_reason="early_stopping")
    with speaking("zh"):
        chinese = ending_message(ended)
    with speaking("en"):
        english = ending_message(ended)
        untrained = ending_message(TrainResult())
    assert chinese != english and "1.584" in chinese
    runs = {}
    for name, message, best in [("zh", chinese, (2, 1.584)), ("en", english, (2, 1.584)),
                                ("untrained", untrained, (None, None)),
                                ("crash", "The worker process was killed.", (2, 1.584))]:
        runs[name] = store.create("forecast", name, {}, "a.csv", 10, "f00d")
        store.finish(runs[name], "finished", message, best_epoch=best[0],
                     best_val_loss=best[1])
    with speaking("en"):
        said = {name: run_message(store.get(run_id)) for name, run_id in runs.items()}
    assert said == {"zh": english, "en": english, "untrained": untrained,
                    "crash": "The worker process was killed."}
    with speaking("zh"):
        assert run_message(store.get(runs["en"])) == chinese
        assert run_message(store.get(runs["untrained"])).startswith("训练")
        assert run_message(store.get(runs["crash"])) == "The worker process was killed."


def test_a_result_on_screen_says_how_training_ended_in_the_readers_language():
    """The language switched while a demo trained: the results say how it ended in the new
    language (they said it in the one it started in, beside a sentence in the new one)."""
    from dataclasses import replace

    from lstm_app.i18n import speaking
    from lstm_app.training.endings import ending_message, said_again
    from lstm_app.training.trainer import TrainResult

    ended = TrainResult(best_epoch=11, best_val_loss=1.546, stop_reason="stopped")
    with speaking("en"):
        ended.message = ending_message(ended, keep_best=False)
    with speaking("zh"):
        again = said_again(ended)
        assert again == ending_message(ended, keep_best=False) and "1.546" in again
        assert "Training" not in again
        blown = replace(ended, message="Training stopped at epoch 3: the loss became NaN.")
        assert said_again(blown) == blown.message  # not an ending's sentence: as stored
