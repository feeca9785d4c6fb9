"""Trainings in a worker process: progress, live views, results, errors and Stop come back."""

import functools
import time

import numpy as np
import pandas as pd

from lstm_app.series.loading import SeriesData
from lstm_app.series.pipeline import ForecastConfig, run_forecast
from lstm_app.training.jobs import JobQueue
from lstm_app.training.process import in_worker_process


def counting(on_progress, stop_event, on_live, until_stopped=False):
    """Module level, so that it can be sent to the child."""
    from tests.test_jobs import progress

    epoch = 0
    while epoch < 3 or (until_stopped and not stop_event.is_set()):
        epoch += 1
        on_progress(progress(epoch))
        on_live({"epoch": epoch})
        time.sleep(0.01)
    return epoch


def refusing(on_progress, stop_event, on_live):
    raise ValueError("The column 'x' has no values.")


def test_results_progress_and_live_views_come_back():
    job = JobQueue().submit(in_worker_process(counting))
    assert job.wait(60)
    snap = job.snapshot()
    assert snap.state == "finished" and job.result() == 3
    assert [h["epoch"] for h in snap.history] == [1, 2, 3] and snap.live == {"epoch": 3}


def test_a_plain_error_stays_plain():
    job = JobQueue().submit(in_worker_process(refusing))
    assert job.wait(60)
    assert job.snapshot().state == "failed"
    assert job.snapshot().error == "The column 'x' has no values."


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
    config = ForecastConfig(lookback=12, horizon=3, hidden_size=4, epochs=2, patience=0)
    job = JobQueue().submit(in_worker_process(functools.partial(run_forecast, series, config)))
    assert job.wait(120), job.snapshot()
    result = job.result()
    assert result is not None and len(result.training.history) == 2
    assert result.forecast.shape == (3, 6)
    assert all(np.isfinite(p.detach().numpy()).all() for p in result.model.parameters())
