"""The scoreboard on the app's own single-series samples: the LSTM with the page's suggested
settings, each statistical model and the combination on the same test windows, and the
recommended forecast (chosen on the validation span).

Targets (issue 14): on every sample, the recommended forecast is never worse than the best
statistical model on the test span by more than 5% (MAE, which ranks as MASE does); on the
promotion-plan sample, the inputs known ahead (the promotions, the calendar, Germany's public
holidays: the sample's own settings) cut the LSTM's test MASE by at least 20% against the same
model without them (the promotions then read over the past only, no calendar, no holidays).

    python -m benchmarks.samples [--samples airline_passengers …] [--seed 0]
"""

from __future__ import annotations

import argparse
import datetime
import platform
import time
from dataclasses import replace

import torch

from lstm_app.samples import list_samples, sample_path
from lstm_app.series.loading import load_series
from lstm_app.series.pipeline import fit_forecast, score_forecast
from lstm_app.series.sizing import suggested_config
from lstm_app.series.statistical import STATISTICAL

SAMPLES = ("airline_passengers", "noisy_sine", "daily_sales", "promo_sales")
WITHOUT_KNOWN = {"known_covariates": (), "calendar": False, "holidays": ""}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", nargs="+", default=list(SAMPLES))
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    print(f"samples, {datetime.date.today()}, {platform.machine()}, "
          f"{torch.get_num_threads()} threads, torch {torch.__version__}", flush=True)
    samples = {sample.name: sample for sample in list_samples("series")}
    for name in args.samples:
        given = dict(samples[name].settings)
        known = tuple(given.get("known_covariates", ()))
        series = load_series(sample_path(name).read_bytes(), covariates=known)
        config = suggested_config(series, {**given, "seed": args.seed})
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
        if known or given.get("holidays"):
            _known_ahead_cut(series, config, result)


def _known_ahead_cut(series, config, result) -> None:
    """The same LSTM without the inputs known ahead, against it with them."""
    without = replace(config, **WITHOUT_KNOWN, covariates=tuple(series.covariates),
                      statistical_seconds=0)
    started = time.perf_counter()
    plain = score_forecast(fit_forecast(series, without), series)
    cut = 1 - result.test.mase / plain.test.mase
    print(f"  known ahead ({', '.join(result.trained.inputs[1:])}): LSTM MASE "
          f"{result.test.mase:.3f}; without them (the promotions read over the past only, no "
          f"calendar, no holidays; {time.perf_counter() - started:.1f} s) "
          f"{plain.test.mase:.3f}: cut {cut:.1%} (target ≥ 20%)", flush=True)


if __name__ == "__main__":
    main()
