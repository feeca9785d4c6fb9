"""The app's AutoARIMA on M4 hourly, series by series in parallel: the one statistical model
whose 414 seasonal fits do not finish in `benchmarks.m4`'s time on two cores.

Each series in a random order (seed 0) is fitted as the app fits it (``model_for``, the last
``ARIMA_ROWS`` values, applied over the last ``APPLY_ROWS``; since 2026-12-04 with the
approximate order search that a 24-hour season asks for) to its whole train row and forecasts
the next 48 values; the series finished within the time are scored under the competition's
rules (m4.py), beside seasonal naive and, given ``--lstm`` (a (414, 48) .npy of the LSTM's
forecasts after each train row, in the file's order), the LSTM on the same series, with a
bootstrap interval for the mean difference.

    python -m benchmarks.m4_arima [--workers 15] [--minutes 4] [--lstm lstm_future.npy]
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import time
import warnings
from multiprocessing import Pool

import numpy as np

from benchmarks.m4 import read_set

HORIZON, SEASON = 48, 24


def _forecast(job: tuple[np.ndarray, float]) -> np.ndarray | None:
    from lstm_app.series.statistical import APPLY_ROWS, ARIMA_ROWS, model_for
    y, deadline = job
    if time.time() > deadline:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        span = y[-ARIMA_ROWS:]
        model, _ = model_for("auto_arima", SEASON, len(span))
        model = model.fit(span)
        forecast = model.forward(y=y[-max(APPLY_ROWS, 10 * SEASON):], h=HORIZON)["mean"]
    return np.asarray(forecast, dtype=np.float64)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=os.cpu_count())
    parser.add_argument("--minutes", type=float, default=4.0,
                        help="no series is started after this (one under way finishes)")
    parser.add_argument("--lstm", help="the LSTM's forecasts, a (series, 48) .npy")
    args = parser.parse_args()
    os.environ.setdefault("NUMBA_NUM_THREADS", "1")
    _, rows, test = read_set("Hourly")
    order = np.random.default_rng(0).permutation(len(rows))
    deadline = time.time() + 60 * args.minutes
    started = time.perf_counter()
    with Pool(args.workers) as pool:
        forecasts = pool.map(_forecast, [(rows[i], deadline) for i in order], chunksize=1)
    done = [(i, f) for i, f in zip(order, forecasts) if f is not None]
    print(f"M4 hourly AutoARIMA, {datetime.date.today()}, {platform.machine()}, {args.workers} "
          f"workers: {len(done)} of {len(rows)} series in {time.perf_counter() - started:.0f} s")
    if not done:
        return
    scale = {i: np.mean(np.abs(rows[i][SEASON:] - rows[i][:-SEASON])) for i, _ in done}
    mase = lambda i, f: float(np.mean(np.abs(test[i] - f)) / scale[i])
    arima = np.array([mase(i, f) for i, f in done])
    naive = np.array([mase(i, np.resize(rows[i][-SEASON:], HORIZON)) for i, _ in done])
    print(f"  on these series: AutoARIMA MASE {arima.mean():.3f}, "
          f"seasonal naive {naive.mean():.3f}")
    if args.lstm:
        lstm = np.load(args.lstm)
        ours = np.array([mase(i, lstm[i]) for i, _ in done])
        gap = ours - arima
        rng = np.random.default_rng(0)
        means = [rng.choice(gap, len(gap)).mean() for _ in range(5_000)]
        low, high = np.percentile(means, [2.5, 97.5])
        print(f"  LSTM {ours.mean():.3f}, better on {int(np.sum(gap < 0))} of {len(gap)}; "
              f"LSTM minus AutoARIMA {gap.mean():+.3f} (bootstrap 95%: {low:+.3f} … {high:+.3f})")


if __name__ == "__main__":
    main()
