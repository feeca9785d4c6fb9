"""Trainings in a worker process: progress, live views, results, errors and Stop come back; a
bug brings the child's own traceback, and a killed child says so in plain words."""

import functools
import logging
import os
import signal
import time

import numpy as np
import pandas as pd

from lstm_app.series.loading import SeriesData
from lstm_app.series.pipeline import run_forecast
from lstm_app.series.settings import ForecastConfig
from lstm_app.training.jobs import JobQueue
from lstm_app.training.process import in_worker_process


def counting(callbacks, until_stopped=False):
    """Module level, so that it can be sent to the child."""
    from tests.test_jobs import progress

    epoch = 0
    while epoch < 3 or (until_stopped and not callbacks.stop_event.is_set()):
        epoch += 1
        callbacks.on_progress(progress(epoch))
        callbacks.on_live({"epoch": epoch})
        time.sleep(0.01)
    return epoch


def refusing(callbacks):
    raise ValueError("The column 'x' has no values.")


def buggy(callbacks):
    return _divide_by_nothing()


def _divide_by_nothing():
    return 1 / 0


def killed_after_an_epoch(callbacks):
    from tests.test_jobs import progress

    callbacks.on_progress(progress(1))
    time.sleep(0.3)  # the epoch's record reaches the parent first
    os.kill(os.getpid(), signal.SIGKILL)


def test_results_progress_and_live_views_come_back():
    job = JobQueue().submit(in_worker_process(counting))
    assert job.wait(60)
    snap = job.snapshot()
    assert snap.state == "finished" and job.result() == 3
    assert [h.epoch for h in snap.history] == [1, 2, 3] and snap.live == {"epoch": 3}


def test_a_plain_error_stays_plain():
    job = JobQueue().submit(in_worker_process(refusing))
    assert job.wait(60)
    assert job.snapshot().state == "failed"
    assert job.snapshot().error == "The column 'x' has no values."


def test_a_bug_in_the_child_logs_the_childs_traceback_and_says_one_sentence(caplog):
    with caplog.at_level(logging.ERROR, logger="lstm_app.training.jobs"):
        job = JobQueue().submit(in_worker_process(buggy))
        assert job.wait(60)
    assert job.snapshot().error == (
        f"Training failed because of an internal error (reference {job.id}). Press Train again; "
        f"if it fails again, tell whoever runs this app, with the reference.")
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "ZeroDivisionError: division by zero" in logged
    assert "failed in its worker process" in logged
    # The child's own frames, not the parent's relaying loop.
    assert "_divide_by_nothing" in logged and "return 1 / 0" in logged
    assert "in_worker_process" not in logged


def test_a_killed_child_says_so_and_keeps_what_came_before():
    job = JobQueue().submit(in_worker_process(killed_after_an_epoch))
    assert job.wait(60)
    snap = job.snapshot()
    assert snap.state == "failed" and [h.epoch for h in snap.history] == [1]
    assert snap.error == ("Training ended unexpectedly because its process was killed (signal "
                          "SIGKILL; a machine that runs out of memory does this).")
    assert "EOFError" not in snap.error and "internal error" not in snap.error


def test_a_killed_child_is_reported_by_the_given_hook():
    seen = []

    def on_killed(exitcode):
        seen.append(exitcode)
        return "Training ended unexpectedly; the last checkpoint is kept."

    job = JobQueue().submit(in_worker_process(killed_after_an_epoch, on_killed=on_killed))
    assert job.wait(60)
    assert seen == [-signal.SIGKILL]
    assert job.snapshot().error == "Training ended unexpectedly; the last checkpoint is kept."


def test_stop_reaches_the_child():
    job = JobQueue().submit(in_worker_process(functools.partial(counting, until_stopped=True)))
    assert job.wait_for_first_epoch(60)
    job.stop()
    assert job.wait(10) and job.snapshot().state == "stopped" and job.result() >= 1


def test_a_forecast_trains_in_the_child_and_its_model_comes_back():
    index = pd.date_range("2000-01-01", periods=80, freq="MS", name="month")
    frame = pd.DataFrame({"y": np.sin(np.arange(80) / 2) + np.arange(80) / 40}, index=index)
    series = SeriesData(frame=frame, value_col="y", covariates=(), time_col="month", freq="MS",
                        freq_label="monthly", season_length=12, notices=(), numeric_columns=("y",),
                        name="t")
    config = ForecastConfig(statistical_seconds=0, lookback=12, horizon=3, hidden_size=4, epochs=2, patience=0)
    job = JobQueue().submit(in_worker_process(functools.partial(run_forecast, series, config)))
    assert job.wait(120), job.snapshot()
    result = job.result()
    assert result is not None and len(result.training.history) == 2
    assert result.forecast.shape == (3, 6)
    assert all(np.isfinite(p.detach().numpy()).all() for p in result.model.parameters())
