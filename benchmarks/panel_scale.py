"""A generated panel of 10,000 series × 300 days: load, one epoch, backtest and forecast, with the
seconds and the peak memory of each step (targets: load ≤ 20 s, peak memory ≤ 4 GB).

The panel is made here (``generate``), not downloaded: each series a level, a trend, a weekly
rhythm of its own phase and noise, some starting late, some stopping early, in a long CSV of
``store, date, sales`` (about 90 MB), as a business export would have it.

    python -m benchmarks.panel_scale [--series 10000] [--days 300]
"""

from __future__ import annotations

import argparse
import datetime
import platform
import resource
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from lstm_app.series.panel import load_panel
from lstm_app.series.panel_pipeline import fit_panel, score_panel
from lstm_app.series.settings import ForecastConfig


def generate(path: Path, series: int, days: int, seed: int = 0) -> None:
    """The benchmark's panel as a long CSV at ``path``."""
    rng = np.random.default_rng(seed)
    dates = pd.date_range("2023-01-01", periods=days, freq="D")
    t = np.arange(days)
    level = rng.lognormal(4, 1, series)[:, None]
    trend = rng.normal(0, 0.002, series)[:, None] * t
    week = 0.2 * np.sin(2 * np.pi * (t[None, :] + rng.integers(0, 7, series)[:, None]) / 7)
    values = level * (1 + trend + week + rng.normal(0, 0.05, (series, days)))
    start = np.where(rng.random(series) < 0.1, rng.integers(0, days // 2, series), 0)
    end = np.where(rng.random(series) < 0.05, days - rng.integers(1, days // 4, series), days)
    keep = (t[None, :] >= start[:, None]) & (t[None, :] < end[:, None])
    store = np.repeat(np.array([f"store {i:05d}" for i in range(series)]), days)
    frame = pd.DataFrame({"store": store, "date": np.tile(dates.strftime("%Y-%m-%d"), series),
                          "sales": values.ravel().round(2)})[keep.ravel()]
    frame.to_csv(path, index=False)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=300)
    args = parser.parse_args()
    print(f"Panel scale, {datetime.date.today()}, {platform.machine()}, "
          f"{torch.get_num_threads()} threads, torch {torch.__version__}", flush=True)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "panel.csv"
        generate(path, args.series, args.days)
        size = path.stat().st_size / 2**20
        base = peak_mb()
        started = time.perf_counter()
        panel = load_panel(path)
        loaded = time.perf_counter() - started
        print(f"load: {panel.n_series:,} series, {len(panel.values):,} rows ({size:.0f} MB CSV) "
              f"in {loaded:.1f} s; peak memory {peak_mb():,.0f} MB (before: {base:,.0f} MB)",
              flush=True)
        config = ForecastConfig(lookback=28, horizon=7, epochs=1, hidden_size=32, batch_size=64)
        started = time.perf_counter()
        trained = fit_panel(panel, config)
        print(f"one epoch (20,000 windows drawn across the series) and its validation: "
              f"{time.perf_counter() - started:.1f} s; peak memory {peak_mb():,.0f} MB",
              flush=True)
        started = time.perf_counter()
        result = score_panel(trained, panel)
        print(f"backtest of every series at every origin, intervals and forecasts: "
              f"{time.perf_counter() - started:.1f} s; peak memory {peak_mb():,.0f} MB; "
              f"{len(result.forecast):,} forecast rows")
        print(result.verdict)


if __name__ == "__main__":
    main()
