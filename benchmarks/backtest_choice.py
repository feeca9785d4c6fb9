"""Would a longer backtest choose the statistical model better than the validation span alone?

The scoreboard recommends the statistical model (and so the combination's partner) with the
lowest error on the validation span. On a short series that span holds few windows (the
airline's 11), so the choice is noisy. This benchmark checks the obvious cure on series the app
was not tuned on: each model is also fitted earlier, before the last part of the training span,
and applied at every origin from there up to the validation span, so that the ranking reads at
least ``--windows`` windows (the earlier origins from that fit, the validation span's own from
the app's fit). The model each rule picks is then scored on the test span (the app's split: 15%
validation, 15% test; the app's model fits, ``statistical._one_model``), against the best of
the three there.

Series: the airline sample, and every M4 weekly train row under 320 values (73 series, the
ones whose validation span holds fewer than 36 windows; horizon 13, no season: their training
spans hold under three years).

    python -m benchmarks.backtest_choice [--windows 36]
"""

from __future__ import annotations

import argparse
import datetime
import platform
import time
import warnings

import numpy as np

from benchmarks.m4 import read_set
from lstm_app.samples import sample_path
from lstm_app.series.loading import load_series
from lstm_app.series.statistical import STATISTICAL, _one_model
from lstm_app.series.windows import split_rows, window_ids

RULES = {"val": "validation span", "backtest": "longer backtest"}
SHORT = 320  # values: a weekly series under this has a validation span under 36 windows


def errors(y: np.ndarray, forecasts: np.ndarray, origins: np.ndarray) -> np.ndarray:
    """Mean absolute error of each window's forecast, ``(origins,)``."""
    return np.abs(forecasts - y[origins[:, None] + np.arange(forecasts.shape[1])]).mean(axis=1)


def choices(y: np.ndarray, horizon: int, season: int | None, lookback: int,
            windows: int) -> dict[str, dict[str, float]] | None:
    """Each model's error on the validation span, on the longer backtest and on the test span."""
    split, _ = split_rows(len(y), 0.15, 0.15, lookback, horizon)
    val = window_ids(split.val, lookback, horizon) + lookback
    test = window_ids(split.test, lookback, horizon) + lookback
    n_train = split.train[1]
    earliest = max(n_train // 2, 2 * (season or 1) + horizon, lookback + horizon)
    first = max(earliest, int(val[0]) - max(0, windows - len(val)))
    before = np.arange(first, val[0])
    out = {}
    for name in STATISTICAL:
        try:
            v, t, _, _ = _one_model(name, y, val, test, horizon, season, float("inf"))
            on_val, on_test = errors(y, v, val), errors(y, t, test)
            on_before = (errors(y, _one_model(name, y, before, before[:0], horizon, season,
                                              float("inf"))[0], before)
                         if len(before) else np.zeros(0))
        except Exception:  # a model statsforecast cannot fit to this series: left out, as the app does
            continue
        out[name] = {"val": on_val.mean(), "backtest": np.concatenate([on_before, on_val]).mean(),
                     "test": on_test.mean()}
    return out if len(out) > 1 else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--windows", type=int, default=36)
    args = parser.parse_args()
    print(f"backtest_choice, {datetime.date.today()}, {platform.machine()}, at least "
          f"{args.windows} windows in the backtest", flush=True)
    warnings.simplefilter("ignore")
    started = time.perf_counter()
    airline = load_series(sample_path("airline_passengers").read_bytes()).frame.iloc[:, -1]
    found = {"airline": choices(airline.to_numpy(np.float64), 12, 12, 24, args.windows)}
    ids, rows, _ = read_set("Weekly")
    for name, y in zip(ids, rows):
        if len(y) < SHORT:
            found[name] = choices(np.asarray(y, np.float64), 13, None, 26, args.windows)
    ratios = {"val": [], "backtest": []}
    for name, scores in found.items():
        if scores is None:
            continue
        best = min(s["test"] for s in scores.values())
        for rule in ratios:
            pick = min(scores, key=lambda n: scores[n][rule])
            ratios[rule].append(scores[pick]["test"] / best)
            if name == "airline":
                print(f"airline, chosen on the {RULES[rule]}: {STATISTICAL[pick]}, test MAE "
                      f"{scores[pick]['test']:.2f} ({scores[pick]['test'] / best - 1:+.1%} "
                      f"against the best)")
    for rule, r in ratios.items():
        r = np.asarray(r)
        print(f"chosen on the {RULES[rule]:<15}: {len(r)} series, test MAE against the best model "
              f"{np.exp(np.log(r).mean()):.3f} (geometric mean), {r.mean():.3f} (mean); within 5% "
              f"of the best on {(r <= 1.05).sum()}")
    print(f"{time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
