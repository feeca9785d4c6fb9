"""The scoreboard on the app's own single-series samples: the LSTM with the page's suggested
settings, each statistical model and the combination on the same test windows, and the
recommended forecast (chosen on the validation span).

Target (issue 14): on every sample, the recommended forecast is never worse than the best
statistical model on the test span by more than 5% (MAE, which ranks as MASE does).

    python -m benchmarks.samples [--samples airline_passengers noisy_sine daily_sales] [--seed 0]
"""

from __future__ import annotations

import argparse
import datetime
import platform
import time

import torch

from lstm_app.samples import sample_path
from lstm_app.series.loading import load_series
from lstm_app.series.pipeline import fit_forecast, score_forecast
from lstm_app.series.sizing import suggested_config
from lstm_app.series.statistical import STATISTICAL

SAMPLES = ("airline_passengers", "noisy_sine", "daily_sales")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", nargs="+", default=list(SAMPLES))
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    print(f"samples, {datetime.date.today()}, {platform.machine()}, "
          f"{torch.get_num_threads()} threads, torch {torch.__version__}", flush=True)
    for name in args.samples:
        series = load_series(sample_path(name).read_bytes())
        config = suggested_config(series, {"seed": args.seed})
        started = time.perf_counter()
        trained = fit_forecast(series, config)
        fitted = time.perf_counter() - started
        result = score_forecast(trained, series)
        scored = time.perf_counter() - started - fitted
        rows = {"lstm": result.test, **result.baselines}
        best_stat = min((n for n in STATISTICAL if n in rows), key=lambda n: rows[n].mae,
                        default=None)
        print(f"\n{name}: {len(series.frame)} values, lookback {result.config.lookback}, "
              f"horizon {result.config.horizon}; training {fitted:.1f} s, scoring with the "
              f"statistical models {scored:.1f} s "
              f"({', '.join(f'{STATISTICAL[n]} {s:.1f} s' for n, s in result.method_seconds.items())})")
        for key, row in rows.items():
            mark = " ← recommended" if key == result.recommended else ""
            label = result.labels.get(key, key.replace("_", " "))
            print(f"  {label:<44} MASE {row.mase:7.3f}  MAE {row.mae:10.4g}{mark}")
        if best_stat is not None:
            recommended = rows[result.recommended] if result.recommended != "lstm" else result.test
            gap = recommended.mae / rows[best_stat].mae - 1
            print(f"  recommended against the best statistical ({STATISTICAL[best_stat]}) on "
                  f"the test span: {gap:+.1%} (target ≤ +5%)")
        for notice in result.notices:
            if notice.split(" ")[0] in STATISTICAL.values():
                print(f"  note: {notice}")
        print(f"  {result.verdict}", flush=True)


if __name__ == "__main__":
    main()
