"""The forecasting pipeline: a loaded series and a ForecastConfig in, a trained, scored forecast out.

Steps: resolve lookback/horizon → split chronologically → fit the scaler on the training span
only → windows as views → train with the Trainer → backtest on the test span against the
baselines → conformal intervals from validation errors → forecast after the last observation.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import asdict, dataclass, field, replace
from typing import Callable

import numpy as np
import pandas as pd
import torch

from ..training.trainer import (Progress, SizedBatches, Trainer, TrainerConfig, TrainResult,
                                pick_device)
from . import evaluation
from .loading import SeriesData
from .metrics import mae
from .model import Forecaster, ForecasterShape
from .windows import Scaler, Split, make_windows, split_rows, window_ids


MAX_AUTO_LOOKBACK = 336


@dataclass(frozen=True)
class ForecastConfig:
    time_col: str | None = None          # None: detected
    value_col: str | None = None         # None: the right-most numeric column
    covariates: tuple[str, ...] = ()     # extra input columns
    lookback: int | str = "auto"         # past values the network reads; "auto": from the season
    horizon: int | str = "auto"          # future values it predicts at once; "auto": one season
    hidden_size: int = 32                # small by default: most business series are short
    num_layers: int = 1
    dropout: float = 0.1
    cell: str = "lstm"                   # lstm | gru
    epochs: int = 100
    batch_size: int = 32
    lr: float = 3e-3
    patience: int = 10                   # early stopping; 0 = off
    seed: int = 0
    val_size: float = 0.15               # a fraction below 1, or a number of rows
    test_size: float = 0.15
    stride: int = 1                      # rows between two backtest origins
    optimizer: str = "adam"
    weight_decay: float = 0.0
    grad_clip: float = 1.0
    lr_schedule: str = "plateau"
    anchor_last: bool = True             # learn changes from the last value
    device: str = "auto"                 # auto | cpu | cuda

    def trainer_config(self, epochs: int | None = None) -> TrainerConfig:
        return TrainerConfig(epochs=self.epochs if epochs is None else epochs, lr=self.lr,
                             optimizer=self.optimizer, weight_decay=self.weight_decay,
                             grad_clip=self.grad_clip, lr_schedule=self.lr_schedule,
                             patience=self.patience, seed=self.seed)


@dataclass
class ForecastResult:
    config: ForecastConfig               # with lookback and horizon resolved to numbers
    series: SeriesData
    split: Split
    notices: list[str]
    training: TrainResult
    test: dict                           # the LSTM's metrics on the test span, original units
    baselines: dict                      # naive, seasonal_naive, drift: the same metrics
    test_scaled: dict                    # mse, mae on the train-standardised scale
    interval_coverage: dict              # "80", "95" -> measured share on the test span
    verdict: str
    backtest: pd.DataFrame               # one row per (origin, step) on the test span
    forecast: pd.DataFrame               # time, forecast, lower_80, upper_80, lower_95, upper_95
    model: Forecaster
    scaler: Scaler
    widths: dict = field(default_factory=dict)  # level -> half-width per horizon step
    seconds: float = 0.0


def resolve_window(series: SeriesData, config: ForecastConfig) -> tuple[int, int, list[str]]:
    """Numbers for ``lookback`` and ``horizon``; "auto" follows the season and the data length."""
    n, season = len(series.frame), series.season_length
    train_rows = n * (1 - _fraction(config.val_size, n) - _fraction(config.test_size, n))
    notices = []
    horizon = config.horizon
    if horizon == "auto":
        horizon = season if season and season <= n // 10 else max(1, min(24, n // 20))
    lookback = config.lookback
    if lookback == "auto":
        # Two seasons, or one horizon when that is longer, up to 336 steps: beyond that an
        # LSTM learns little more and each epoch gets slow.
        wanted = max(2 * season if season else 10, min(horizon, MAX_AUTO_LOOKBACK))
        lookback = int(max(2, min(wanted, (train_rows - horizon) // 2)))
    horizon, lookback = int(horizon), int(lookback)
    if config.lookback == "auto" or config.horizon == "auto":
        why = f"the detected season of {season} steps" if season else "the length of the data"
        notices.append(f"Lookback {lookback} and horizon {horizon} were chosen from {why}.")
    if lookback < 1 or horizon < 1:
        raise ValueError("Lookback and horizon must each be at least 1.")
    return lookback, horizon, notices


def _fraction(size: float, n: int) -> float:
    return size if size < 1 else size / n



def _span_info(series: SeriesData, rows: tuple[int, int], dates_only: bool) -> dict:
    index = series.frame.index
    if not series.time_col:
        label = int
    else:
        label = (lambda i: str(index[i].date())) if dates_only else (lambda i: str(index[i]))
    return {"rows": list(rows), "first": label(rows[0]), "last": label(rows[1] - 1)}


def split_report(series: SeriesData, split: Split) -> dict:
    index = series.frame.index
    dates_only = bool(series.time_col) and bool((index == index.normalize()).all())
    report = {name: _span_info(series, getattr(split, name), dates_only)
              for name in ("train", "val", "test")}
    report["scaler_fit"] = dict(report["train"], span="train")
    return report


def future_index(series: SeriesData, horizon: int) -> pd.Index:
    """The ``horizon`` timestamps after the last observation at the series' frequency."""
    index = series.frame.index
    if series.freq is None:
        return pd.RangeIndex(len(index), len(index) + horizon, name=index.name)
    return pd.date_range(index[-1], periods=horizon + 1, freq=series.freq, name=index.name)[1:]


@torch.no_grad()
def predict(model: Forecaster, inputs: torch.Tensor, ids: np.ndarray, chunk: int = 4096) -> np.ndarray:
    """Scaled forecasts ``(len(ids), horizon)`` for the windows ``ids``."""
    model.eval()
    ids_t = torch.as_tensor(ids, device=inputs.device)
    outs = [model(inputs[ids_t[i:i + chunk]])[0] for i in range(0, len(ids_t), chunk)]
    return torch.cat(outs).cpu().double().numpy()


def run_forecast(series: SeriesData, config: ForecastConfig,
                 on_progress: Callable[[Progress], None] | None = None,
                 stop_event: threading.Event | None = None,
                 resume: ForecastResult | None = None,
                 on_live: Callable[[dict], None] | None = None,
                 on_checkpoint: Callable[[torch.nn.Module, int], None] | None = None
                 ) -> ForecastResult:
    """Train and score a forecaster; with ``resume``, continue from its weights for ``config.epochs`` more.

    ``on_live`` receives, after every epoch, the current one-step-ahead forecast on the
    validation span and a scoreboard of validation MAEs against the baselines.
    """
    started = time.perf_counter()
    lookback, horizon, notices = resolve_window(series, config)
    config = replace(config, lookback=lookback, horizon=horizon, value_col=series.value_col,
                     time_col=series.time_col, covariates=tuple(series.covariates))
    split, split_notices = split_rows(len(series.frame), config.val_size, config.test_size,
                                      lookback, horizon, column=series.value_col)
    notices = list(series.notices) + notices + split_notices
    raw = series.frame.to_numpy(dtype=np.float64)                      # (rows, features)
    scaler = Scaler().fit(raw[split.train[0]:split.train[1]])           # the training span only
    device = pick_device(config.device)
    values = torch.as_tensor(scaler.transform(raw), dtype=torch.float32, device=device)
    inputs, targets = make_windows(values, lookback, horizon)          # views, no copies
    train_ids = torch.as_tensor(window_ids(split.train, lookback, horizon), device=device)
    val_ids = window_ids(split.val, lookback, horizon)
    test_ids = window_ids(split.test, lookback, horizon, config.stride)

    torch.manual_seed(config.seed)
    shape = ForecasterShape(n_features=raw.shape[1], horizon=horizon,
                            hidden_size=config.hidden_size, num_layers=config.num_layers,
                            dropout=config.dropout, cell=config.cell, anchor_last=config.anchor_last)
    model = Forecaster(shape).to(device)
    start_epoch, history = 0, []
    if resume is not None:
        model.load_state_dict(resume.model.state_dict())
        start_epoch, history = _last_epoch(resume), list(resume.training.history)

    def train_batches(generator: torch.Generator) -> SizedBatches:
        order = train_ids[torch.randperm(len(train_ids), generator=generator).to(device)]
        batches = ((inputs[batch], targets[batch])                  # (batch, lookback, F), (batch, horizon)
                   for batch in order.split(config.batch_size))
        return SizedBatches(batches, math.ceil(len(order) / config.batch_size))

    val_ids_t = torch.as_tensor(val_ids, device=device)
    y = raw[:, 0]
    unscale = lambda a: scaler.inverse_transform(a, column=0)
    live = _LiveValidation(series, y, val_ids + lookback, horizon, unscale, on_live)

    @torch.no_grad()
    def val_loss(net: Forecaster) -> float:
        net.eval()
        pred, loss = net(inputs[val_ids_t], targets[val_ids_t])
        live.update(pred)
        return float(loss)

    trainer = Trainer(model, config.trainer_config(), on_progress, stop_event, on_checkpoint)
    training = trainer.fit(train_batches, val_loss, start_epoch=start_epoch)
    training.history = history + training.history
    if training.stop_reason == "diverged" and training.best_epoch == 0 and resume is None:
        raise ValueError(training.message)  # nothing sensible to score
    if resume is not None and config.epochs == 0:  # reopened without training: as it ended
        training = replace(resume.training, history=history)
    elif resume is not None and training.best_epoch == 0:
        training.best_epoch, training.best_val_loss = (resume.training.best_epoch,
                                                       resume.training.best_val_loss)

    # Score in the data's own units, on exactly the same windows for every forecaster.
    val_pred, test_pred = (unscale(predict(model, inputs, ids)) for ids in (val_ids, test_ids))
    val_origins, test_origins = val_ids + lookback, test_ids + lookback
    steps = np.arange(horizon)
    val_actual, test_actual = y[val_origins[:, None] + steps], y[test_origins[:, None] + steps]
    baseline_preds = evaluation.baseline_forecasts(y, test_origins, horizon, series.season_length)
    train_y = y[split.train[0]:split.train[1]]
    test_row, baseline_rows = evaluation.score(test_actual, test_pred, baseline_preds, train_y,
                                               series.season_length)
    scaled = lambda a: (a - scaler.mean_[0]) / scaler.std_[0]
    widths, interval_notices = evaluation.interval_widths(val_actual, val_pred)
    notices += interval_notices
    if training.best_epoch == 0:
        notices.append("The model was stopped before it finished one epoch, so it is untrained.")

    result = ForecastResult(
        config=config, series=series, split=split, notices=notices, training=training,
        test=test_row, baselines=baseline_rows,
        test_scaled=evaluation.scaled_errors(scaled(test_actual), scaled(test_pred)),
        interval_coverage=evaluation.measured_coverage(test_actual, test_pred, widths),
        verdict=evaluation.verdict(test_row, baseline_rows),
        backtest=_backtest_frame(series, test_origins, test_actual, test_pred, baseline_preds, widths),
        forecast=_future_frame(series, model, values[-lookback:], unscale, widths),
        model=model.cpu(), scaler=scaler, widths=widths)  # the web server need not touch a GPU
    result.seconds = time.perf_counter() - started
    return result


class _LiveValidation:
    """What a live page shows after each epoch: the validation forecast and a scoreboard."""

    def __init__(self, series, y, origins, horizon, unscale, callback):
        self.callback, self.unscale = callback, unscale
        if callback is None:
            return
        steps = np.arange(horizon)
        self.actual = y[origins[:, None] + steps]                          # (windows, horizon)
        self.times = series.frame.index[origins]
        preds = evaluation.baseline_forecasts(y, origins, horizon, series.season_length)
        self.baseline_mae = {name: mae(self.actual, p) for name, p in preds.items()}

    def update(self, pred_scaled: torch.Tensor) -> None:
        if self.callback is None:
            return
        pred = self.unscale(pred_scaled.cpu().double().numpy())          # (windows, horizon)
        self.callback({"times": self.times, "actual": self.actual[:, 0], "forecast": pred[:, 0],
                       "scoreboard": {"lstm": mae(self.actual, pred), **self.baseline_mae}})


def _last_epoch(result: ForecastResult) -> int:
    return result.training.history[-1]["epoch"] if result.training.history else 0


def _future_frame(series, model, last_window, unscale, widths) -> pd.DataFrame:
    """The forecast after the last observation, in original units, with its intervals."""
    with torch.no_grad():
        model.eval()
        pred = unscale(model(last_window[None])[0][0].cpu().double().numpy())  # (horizon,)
    frame = pd.DataFrame({"time": future_index(series, len(pred)), "forecast": pred})
    for level, w in widths.items():
        frame[f"lower_{level}"], frame[f"upper_{level}"] = pred - w, pred + w
    return frame


def _backtest_frame(series, origins, actual, pred, baseline_preds, widths) -> pd.DataFrame:
    """Long table of the test backtest: one row per forecast origin and horizon step."""
    horizon = actual.shape[1]
    rows = origins[:, None] + np.arange(horizon)                       # (origins, horizon)
    index = series.frame.index
    frame = pd.DataFrame({
        "origin": np.repeat(index[origins], horizon) if series.time_col else np.repeat(origins, horizon),
        "step": np.tile(np.arange(1, horizon + 1), len(origins)),
        "time": index[rows.ravel()],
        "actual": actual.ravel(), "forecast": pred.ravel()})
    for level, w in widths.items():
        frame[f"lower_{level}"] = (pred - w).ravel()
        frame[f"upper_{level}"] = (pred + w).ravel()
    for name, values in baseline_preds.items():
        frame[name] = values.ravel()
    return frame


def to_report(result: ForecastResult) -> dict:
    """The JSON report: config, split, notices, metrics, baselines, coverage, verdict, history."""
    clean = lambda v: None if isinstance(v, float) and not math.isfinite(v) else v
    return {
        "config": asdict(result.config),
        "data": {"name": result.series.name, "rows": len(result.series.frame),
                 "frequency": result.series.freq_label, "season_length": result.series.season_length},
        "split": split_report(result.series, result.split),
        "notices": list(result.notices),
        "test": result.test,
        "baselines": result.baselines,
        "test_scaled": result.test_scaled,
        "interval_coverage": result.interval_coverage,
        "verdict": result.verdict,
        "training": {"best_epoch": result.training.best_epoch,
                     "best_val_loss": clean(result.training.best_val_loss),
                     "stop_reason": result.training.stop_reason,
                     "seconds": round(result.training.seconds, 3),
                     "device": result.training.device,
                     "message": result.training.message},
        "history": result.training.history,
        "seconds": round(result.seconds, 3),
    }
