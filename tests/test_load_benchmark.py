"""The load benchmark's pure parts: percentiles, the per-action summary, the store check, the
server log's tracebacks and the process tree read from /proc. No browser, no timed assertions."""

import math
import os
import subprocess
import sys

import pytest

pytest.importorskip("playwright")  # benchmarks.load_sessions drives the browser with it

from benchmarks.load import check_store, percentile, server_errors, summarize  # noqa: E402
from benchmarks.load_server import descendants, rss_mb  # noqa: E402
from lstm_app.runs.recording import record, start_run  # noqa: E402
from lstm_app.runs.store import RunStore  # noqa: E402
from lstm_app.series.loading import load_series  # noqa: E402
from lstm_app.series.settings import ForecastConfig  # noqa: E402
from lstm_app.training.checkpoint import WEIGHTS  # noqa: E402
from tests.conftest import SAMPLES  # noqa: E402


def test_percentile_interpolates_between_the_nearest_ranks():
    assert percentile([4, 1, 3, 2], 50) == 2.5
    assert percentile(list(range(1, 21)), 95) == pytest.approx(19.05)
    assert percentile([7.0], 95) == 7.0
    assert percentile([1, 2, 3], 100) == 3 and percentile([1, 2, 3], 0) == 1
    assert math.isnan(percentile([], 50))


def test_summary_counts_errors_apart_and_leaves_trainings_out_of_all_clicks():
    timings = [{"action": "open Runs", "seconds": s, "error": None} for s in (1.0, 2.0, 3.0)]
    timings += [{"action": "open Runs", "seconds": 90.0, "error": "TimeoutError: ..."},
                {"action": "train (forecast)", "seconds": 20.0, "error": None}]
    summary = summarize(timings)
    assert summary["open Runs"] == {"count": 3, "errors": 1, "p50": 2.0, "p95": 2.9, "max": 3.0}
    assert summary["train (forecast)"]["count"] == 1
    assert summary["all clicks"]["count"] == 3 and summary["all clicks"]["errors"] == 1
    assert summary["all clicks"]["max"] == 3.0
    failed = summarize([{"action": "generate", "seconds": 95.0, "error": "TimeoutError: ..."}])
    assert failed["generate"] == {"count": 0, "errors": 1, "p50": None, "p95": None, "max": None}


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """A store with two finished forecast runs (one then loses its weights) and one left running."""
    store = RunStore(tmp_path_factory.mktemp("load") / "home")
    airline = load_series(SAMPLES / "airline_passengers.csv")
    config = ForecastConfig(statistical_seconds=0, hidden_size=8, epochs=2, patience=0)
    ids = []
    for name in ("kept", "weightless"):
        run_id = start_run(store, "forecast", airline, config, name, airline.name)
        record(store.home, run_id, "forecast", airline, config)
        ids.append(run_id)
    (store.run_dir(ids[1]) / WEIGHTS).unlink()
    running = start_run(store, "forecast", airline, config, "running", airline.name)
    return store, ids[0], ids[1], running


def test_the_store_check_passes_a_finished_run_that_reopens(store):
    store, kept, _, _ = store
    check = check_store(store.home, [("forecast", kept)])
    assert check["problems"] == [] and check["checked"] == 1
    twice = check_store(store.home, [("forecast", kept), ("forecast", kept)])
    assert twice["problems"] == [f"forecast run {kept}: seen finishing 2 times (a training's "
                                 f"results taken for the next one's)"]
    assert check["by_status"] == {"finished": 2, "running": 1}


def test_the_store_check_names_each_run_lost_or_broken(store):
    store, _, weightless, running = store
    check = check_store(store.home, [("forecast", weightless), ("forecast", running),
                                     ("text", "0123456789ab")])
    assert check["problems"] == [
        f"forecast run {weightless}: no {WEIGHTS}",
        f"forecast run {running}: running, not finished",
        f"forecast run {running}: no {WEIGHTS}",
        "text run 0123456789ab: not in the store",
    ]


def test_server_errors_leave_out_only_streamlits_websocket_noise(tmp_path):
    log = tmp_path / "server.log"
    log.write_text(
        "  You can now view your Streamlit app in your browser.\n"
        "Traceback (most recent call last):\n"
        '  File "/usr/lib/python3/site-packages/starlette/websockets.py", line 1, in receive\n'
        "starlette.websockets.WebSocketDisconnected: 1001\n"
        "Traceback (most recent call last):\n"
        '  File "/somewhere/lstm_app/ui/live.py", line 9, in poll\n'
        "KeyError: 'fc_job'\n")
    errors = server_errors(log)
    assert errors["noise"] == 1 and errors["tracebacks"] == 1
    assert errors["last_lines"] == {"KeyError: 'fc_job'": 1}


def test_the_process_tree_finds_a_child_and_its_memory():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        assert child.pid in descendants(os.getpid())
        assert rss_mb(child.pid) > 0
    finally:
        child.kill()
        child.wait()
    assert rss_mb(child.pid) == 0.0
