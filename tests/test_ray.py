"""Trainings and tuning trials on a real Ray cluster (a head started on 127.0.0.1 by the test
session): the training runs there and is recorded here, Stop keeps the best weights, a 4-trial
study, and a training the cluster loses is a failed run with a sentence."""

import os
import subprocess
import sys
import threading

import numpy as np
import pandas as pd
import pytest

from lstm_app.runs.recording import record, start_run
from lstm_app.runs.store import RunStore
from lstm_app.series.loading import load_series
from lstm_app.series.settings import ForecastConfig
from lstm_app.training.process import WorkerKilled
from lstm_app.training.ray_runner import cluster_resources, on_ray
from lstm_app.training.trainer import Callbacks
from lstm_app.tuning.study import tune
from tests.conftest import REPO

FAST = ForecastConfig(epochs=3, hidden_size=8, batch_size=16, statistical_seconds=0, patience=0,
                      device="cpu")


@pytest.fixture
def series(tmp_path):
    t = np.arange(150)
    path = tmp_path / "sine.csv"
    pd.DataFrame({"month": pd.date_range("2000-01", periods=150, freq="MS"),
                  "sales": 10 + 3 * np.sin(2 * np.pi * t / 12)}).to_csv(path, index=False)
    return load_series(path)


def test_a_training_runs_on_the_cluster_and_is_recorded_here(ray_address, tmp_path, series):
    store = RunStore(tmp_path)
    run_id = start_run(store, "forecast", series, FAST, "sine", "sine.csv")
    epochs, pids = [], []
    result = record(tmp_path, run_id, "forecast", series, FAST,
                    Callbacks(on_progress=lambda p: p.record and epochs.append(p.record.epoch)),
                    runner=on_ray(ray_address))
    assert epochs == [1, 2, 3]
    run = store.get(run_id)
    assert run.status == "finished" and run.metrics["test"]["mase"] == pytest.approx(
        result.test.mase)
    assert [h.epoch for h in store.history(run_id)] == [1, 2, 3]
    assert (store.run_dir(run_id) / "weights.safetensors").exists()
    # The same training here gives the same validation loss: only where it ran differs.
    here = record(tmp_path, start_run(store, "forecast", series, FAST, "sine", "sine.csv"),
                  "forecast", series, FAST)
    assert here.training.best_val_loss == pytest.approx(result.training.best_val_loss,
                                                         rel=1e-4)
    free = cluster_resources(ray_address)
    assert free["cpus"][1] == 2 and free["gpus"] == (0.0, 0.0)
    del pids


def test_stop_on_the_cluster_keeps_the_best_weights(ray_address, tmp_path, series):
    store = RunStore(tmp_path)
    config = ForecastConfig(**{**FAST.__dict__, "epochs": 500})
    run_id = start_run(store, "forecast", series, config, "long", "sine.csv")
    stop = threading.Event()

    def progress(p):
        if p.record is not None and p.record.epoch >= 2:
            stop.set()

    result = record(tmp_path, run_id, "forecast", series, config,
                    Callbacks(on_progress=progress, stop_event=stop), runner=on_ray(ray_address))
    assert result.training.stop_reason == "stopped" and result.training.best_epoch >= 2
    assert len(result.training.history) < 500
    assert store.get(run_id).status == "stopped"


def test_a_four_trial_study_trains_its_trials_on_the_cluster(ray_address, tmp_path, series):
    result = tune(home=tmp_path, task_name="forecast", data=series, config=FAST,
                  data_name="sine.csv", trials=4, minutes=5, study_name="on-ray",
                  ray=ray_address)
    assert [t.number for t in result.trials] == [0, 1, 2, 3]
    assert all(t.state in ("done", "pruned") for t in result.trials)
    runs = RunStore(tmp_path).trials_of("on-ray")
    assert len(runs) == 4 and all(r.pid == os.getpid() for r in runs)  # recorded here


def test_a_training_the_cluster_loses_is_a_failed_run_with_a_sentence(ray_address, tmp_path,
                                                                      series):
    store = RunStore(tmp_path)
    run_id = start_run(store, "forecast", series, FAST, "lost", "sine.csv")

    def dies(callbacks):  # its worker process dies mid-training, as a lost machine's would
        os._exit(1)

    def runner(task):  # the recorder's task is replaced by one whose worker dies
        return on_ray(ray_address)(dies)

    with pytest.raises(WorkerKilled) as lost:
        record(tmp_path, run_id, "forecast", series, FAST, runner=runner)
    assert "The Ray cluster lost this training" in str(lost.value)
    run = store.get(run_id)
    assert run.status == "failed" and "lost this training" in run.message


def test_the_command_line_trains_and_tunes_on_the_cluster(ray_address, tmp_path, series):
    env = {**os.environ, "LSTM_APP_HOME": str(tmp_path)}
    csv = tmp_path / "sine.csv"
    series.frame.to_csv(csv)
    common = ["--epochs", "2", "--hidden-size", "8", "--statistical-seconds", "0", "--quiet"]
    trained = subprocess.run([sys.executable, "-m", "lstm_app", "forecast", str(csv), "--ray",
                              ray_address, "--save-run", *common], cwd=REPO, env=env,
                             capture_output=True, text=True, timeout=300)
    assert trained.returncode == 0, trained.stderr
    assert f"Training on the Ray cluster at {ray_address}" in trained.stderr
    assert "CPUs" in trained.stderr and "Saved as run" in trained.stdout
    tuned = subprocess.run([sys.executable, "-m", "lstm_app", "tune", str(csv), "--trials", "2",
                            "--study", "cli-ray", *common],
                           cwd=REPO, env={**env, "LSTM_APP_RAY_ADDRESS": ray_address},
                           capture_output=True, text=True, timeout=300)
    assert tuned.returncode == 0, tuned.stderr
    assert "Training on the Ray cluster" in tuned.stderr
    assert len(RunStore(tmp_path).trials_of("cli-ray")) == 2


@pytest.mark.parametrize("address, reason", [("127.0.0.1:9", "cannot be reached"),
                                             ("nonsense", "it is not HOST:PORT")])
def test_an_address_with_no_cluster_is_one_sentence(tmp_path, address, reason):
    csv = tmp_path / "sine.csv"
    pd.DataFrame({"t": range(60), "y": np.sin(np.arange(60))}).to_csv(csv, index=False)
    done = subprocess.run([sys.executable, "-m", "lstm_app", "forecast", str(csv), "--ray",
                           address], cwd=REPO, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "LSTM_APP_HOME": str(tmp_path)})
    assert done.returncode == 2 and reason in done.stderr
    assert "Traceback" not in done.stderr and done.stderr.count("\n") == 1
    assert "(LSTM_APP_RAY_ADDRESS, or --ray on the command line)" in done.stderr  # where it is set


def test_an_address_where_ray_is_not_installed_is_one_sentence(tmp_path):
    """Ray is optional: an address set (in the environment, for every command) where it is not
    installed was a ModuleNotFoundError's traceback."""
    csv = tmp_path / "sine.csv"
    pd.DataFrame({"t": range(60), "y": np.sin(np.arange(60))}).to_csv(csv, index=False)
    hidden = tmp_path / "no_ray"
    hidden.mkdir()
    (hidden / "ray.py").write_text("raise ImportError('No module named ray')\n")
    env = {**os.environ, "LSTM_APP_HOME": str(tmp_path), "PYTHONPATH": str(hidden),
           "LSTM_APP_RAY_ADDRESS": "127.0.0.1:9"}
    done = subprocess.run([sys.executable, "-m", "lstm_app", "forecast", str(csv)], cwd=REPO,
                          capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert done.stderr.count("\n") == 1 and "but Ray is not installed here" in done.stderr


def test_the_forecast_page_trains_and_tunes_on_the_cluster(ray_address, apps, app_store,
                                                           monkeypatch):
    from tests.conftest import poll, shown

    monkeypatch.setenv("LSTM_APP_RAY_ADDRESS", ray_address)
    at = apps("pages/forecast.py")
    for name, value in dict(epochs=30, hidden_size=8, statistical_seconds=0).items():
        at.session_state[f"fc_{name}"] = value
    at.run()
    at.button(key="fc_train").click().run()
    captions = []

    def done(at) -> bool:
        captions.extend(c.value for c in at.caption)
        return at.session_state["fc_job"].snapshot().done

    poll(at, done, "the training on the cluster", 180)
    assert any(f"Runs on the Ray cluster at {ray_address}" in shown(c) for c in captions), \
        captions
    job = at.session_state["fc_job"]
    assert job.snapshot().state == "finished"
    run = app_store.get(job.run_id)
    assert run.status == "finished" and run.pid == os.getpid()  # recorded by this server
    at.session_state["fc_epochs"] = 2
    at.run()
    at.number_input(key="fc_tune_trials").set_value(2)
    at.button(key="fc_tune_start").click().run()
    poll(at, lambda a: a.session_state["fc_tune_job"].snapshot().done, "the study", 180)
    result = at.session_state["fc_tune_job"].result()
    assert len(result.trials) == 2 and all(t.state in ("done", "pruned")
                                           for t in result.trials)
