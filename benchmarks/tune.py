"""Auto-tune on the airline sample and on a subset of the M4 hourly set, and Ray's overhead.

For each data set: the settings the app suggests (the starting settings, trial 0) against the
best of ``--trials`` trials (Optuna's TPE, median pruning) within ``--minutes``, on the
validation span, as the study chose; then, once the study is over, both trained again from
scratch and scored on the test span, for information (the study never looked at it). Then
Ray's overhead: the same small training ``--overhead-trials`` times on this machine's worker
and as Ray tasks on a one-machine cluster started here, the wall time per trial side by side.

    python -m benchmarks.tune [--trials 20] [--minutes 15] [--m4-series 40] [--skip-ray]
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import torch

from benchmarks.m4 import long_csv, read_set
from lstm_app.runs.recording import fit_and_score, record_fit, start_run
from lstm_app.runs.store import RunStore
from lstm_app.series.loading import load_series
from lstm_app.series.time_column import NO_TIME_COLUMN
from lstm_app.series.panel import load_panel
from lstm_app.series.sizing import suggested_config
from lstm_app.tasks import task_named
from lstm_app.training.trainer import Callbacks
from lstm_app.tuning.space import rounded
from lstm_app.tuning.study import tune

REPO = Path(__file__).resolve().parents[1]


def airline():
    series = load_series(REPO / "sample_data" / "airline_passengers.csv")
    return "forecast", series, suggested_config(series, {"statistical_seconds": 0}), \
        "airline_passengers.csv"


def m4_hourly(count: int):
    ids, rows, _ = read_set("Hourly")
    panel = load_panel(long_csv(ids[:count], rows[:count]), id_cols=["id"],
                       time_col=NO_TIME_COLUMN, name="m4_hourly.csv")
    panel = dataclasses.replace(panel, season_length=24)  # row order: the season is known
    config = suggested_config(panel, {"statistical_seconds": 0, "horizon": 48,
                                      "epochs": 30, "patience": 5})
    return "panel", panel, config, f"M4 hourly, first {count} series"


def test_mase(task_name: str, data, config) -> float:
    trained, result, _ = fit_and_score(task_name, data, config)
    return result.test.mase if task_name == "forecast" else result.aggregate["lstm"]["mase"]


def study(name: str, task_name: str, data, config, trials: int, minutes: float, home: Path):
    started = time.perf_counter()
    result = tune(home=home, task_name=task_name, data=data, config=config, data_name=name,
                  trials=trials, minutes=minutes, study_name=f"bench-{task_name}")
    wall = time.perf_counter() - started
    done = sum(t.state == "done" for t in result.trials)
    pruned = sum(t.state == "pruned" for t in result.trials)
    print(f"\n{name}: {len(result.trials)} trials ({done} finished, {pruned} pruned) in "
          f"{wall / 60:.1f} min")
    print(f"  validation loss, starting settings (trial 0): "
          f"{result.start.value if result.start else float('nan'):.4f}")
    if result.best is not None:
        print(f"  validation loss, best (trial {result.best.number}):       "
              f"{result.best.value:.4f}  {rounded(result.best.params)}")
    print(f"  {result.verdict}")
    if result.best is not None and result.start is not None:
        start = test_mase(task_name, data, result.start_config)
        best = test_mase(task_name, data, result.best_config)
        print(f"  test MASE after the study (for information): starting {start:.3f}, "
              f"best {best:.3f}")


def overhead(trials: int, home: Path) -> None:
    """Wall time per trial of one small training, here and as a Ray task."""
    from lstm_app.training.ray_runner import on_ray

    task_name, data, config, name = airline()
    config = replace(config, epochs=20, patience=0)
    task, store = task_named(task_name), RunStore(home)
    port = 6391
    ray = [sys.executable, "-m", "ray.scripts.scripts"]
    subprocess.run([*ray, "start", "--head", "--port", str(port), "--node-ip-address",
                    "127.0.0.1", "--num-cpus", "2", "--include-dashboard", "false",
                    "--disable-usage-stats"], check=True, capture_output=True,
                   env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin", "HOME": "/root"})
    try:
        times = {}
        for where, runner in (("here", None), ("ray", on_ray(f"127.0.0.1:{port}"))):
            if runner is not None:  # the connection is made once, before the clock starts
                record_fit(store, start_run(store, task_name, data, config, "warm", name),
                           task, data, replace(config, epochs=1), Callbacks(), runner)
            started = time.perf_counter()
            for _ in range(trials):
                run_id = start_run(store, task_name, data, config, "overhead", name)
                record_fit(store, run_id, task, data, config, Callbacks(), runner)
            times[where] = (time.perf_counter() - started) / trials
        print(f"\nRay's overhead, {trials} trainings of 20 epochs on the airline sample: "
              f"{times['here']:.2f} s per trial here, {times['ray']:.2f} s as a Ray task "
              f"(+{times['ray'] - times['here']:.2f} s, "
              f"{times['ray'] / times['here'] - 1:+.0%})")
    finally:
        import ray as ray_module
        ray_module.shutdown()
        subprocess.run([*ray, "stop", "--force"], capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--minutes", type=float, default=15.0)
    parser.add_argument("--m4-series", type=int, default=40)
    parser.add_argument("--overhead-trials", type=int, default=5)
    parser.add_argument("--skip-ray", action="store_true")
    parser.add_argument("--sets", nargs="+", default=["airline", "m4"])
    args = parser.parse_args()
    torch.set_num_threads(1)
    print(f"{datetime.date.today()}, {platform.node()}, {platform.processor() or 'cpu'}, "
          f"torch {torch.__version__}, {torch.get_num_threads()} thread per training")
    with tempfile.TemporaryDirectory() as home:
        for name in args.sets:
            task_name, data, config, label = airline() if name == "airline" else \
                m4_hourly(args.m4_series)
            study(label, task_name, data, config, args.trials, args.minutes,
                  Path(home) / name)
        if not args.skip_ray:
            overhead(args.overhead_trials, Path(home) / "overhead")


if __name__ == "__main__":
    main()
