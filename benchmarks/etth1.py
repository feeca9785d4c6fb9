"""ETTh1, univariate (target OT), on the published protocol, beside repeat-last and published rows.

Protocol (Informer / DLinear papers): rows [0, 8640) train, [8640, 11520) validation,
[11520, 14400) test; z-score fitted on the training rows; every test origin; MSE and MAE on the
standardised scale. The shared file must sit at ../shared/datasets/ETTh1.csv.

    python -m benchmarks.etth1 [--horizons 24 96 336 720] [--lookback 96] [--epochs 100] …

Any ForecastConfig field left out keeps the app's default.
"""

from __future__ import annotations

import argparse
import datetime
import platform
import time
from pathlib import Path

import torch

from lstm_app.series.loading import load_series
from lstm_app.series.metrics import mae, mse
from lstm_app.series.pipeline import run_forecast
from lstm_app.series.settings import ForecastConfig

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "datasets" / "ETTh1.csv"
TRAIN, VAL, TEST = 8640, 2880, 2880
PUBLISHED = {  # horizon: (name, MSE, MAE)
    24: ("LSTMa (Informer)", 0.114, 0.272),
    96: ("NLinear (DLinear)", 0.053, 0.177),
    192: ("NLinear (DLinear)", 0.069, 0.204),
    336: ("NLinear (DLinear)", 0.081, 0.226),
    720: ("NLinear (DLinear)", 0.080, 0.226),
}


def repeat_last_scaled(result) -> dict:
    """Repeat-last on exactly the LSTM's test windows, on the standardised scale."""
    bt = result.backtest
    z = lambda a: (a - result.scaler.mean_[0]) / result.scaler.std_[0]
    return {"mse": mse(z(bt["actual"]), z(bt["naive"])), "mae": mae(z(bt["actual"]), z(bt["naive"]))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--horizons", type=int, nargs="+", default=[24, 96, 336, 720])
    parser.add_argument("--lookback", type=int, default=None, help="default: the app's auto choice")
    for name in ("hidden_size", "num_layers", "epochs", "batch_size", "patience", "seed"):
        parser.add_argument("--" + name.replace("_", "-"), type=int, default=None)
    for name in ("lr", "dropout"):
        parser.add_argument("--" + name, type=float, default=None)
    parser.add_argument("--cell", choices=("lstm", "gru"), default=None)
    args = parser.parse_args()

    series = load_series(DATA, value_col="OT")
    series = type(series)(**{**series.__dict__, "frame": series.frame.iloc[:TRAIN + VAL + TEST]})
    overrides = {k: v for k, v in vars(args).items() if k not in ("horizons",) and v is not None}
    print(f"ETTh1 OT, {datetime.date.today()}, {platform.machine()}, "
          f"{torch.get_num_threads()} threads, torch {torch.__version__}; settings {overrides or 'defaults'}")
    print(f"{'H':>4}{'lookback':>9}{'epochs':>7}{'seconds':>9}{'LSTM MSE':>10}{'MAE':>7}"
          f"{'last MSE':>10}{'MAE':>7}   published")
    for horizon in args.horizons:
        config = ForecastConfig(**{"lookback": "auto", **overrides, "horizon": horizon,
                                   "val_size": VAL, "test_size": TEST})
        started = time.perf_counter()
        result = run_forecast(series, config)
        seconds = time.perf_counter() - started
        assert result.split.train == (0, TRAIN) and result.split.test == (TRAIN + VAL, TRAIN + VAL + TEST)
        last = repeat_last_scaled(result)
        name, p_mse, p_mae = PUBLISHED.get(horizon, ("-", float("nan"), float("nan")))
        print(f"{horizon:>4}{result.config.lookback:>9}{len(result.training.history):>7}"
              f"{seconds:>9.0f}{result.test_scaled['mse']:>10.4f}{result.test_scaled['mae']:>7.3f}"
              f"{last['mse']:>10.4f}{last['mae']:>7.3f}   {name} {p_mse} / {p_mae}", flush=True)


if __name__ == "__main__":
    main()
