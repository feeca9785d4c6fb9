"""The forecasting pipeline in two steps: ``fit_forecast`` trains, ``score_forecast`` scores.

``fit_forecast(series, config, callbacks) -> TrainedForecaster``: resolve lookback/horizon →
split chronologically → fit the scaler on the training span only → windows as views → train
with the Trainer. ``score_forecast(trained, series) -> ForecastResult``: backtest on the test
span against the baselines on the same windows → conformal intervals from validation errors →
forecast after the last observation. Reopening a saved run, importing a bundle and the Inside
page load a trained forecaster and score it; nothing is retrained to rebuild a result.
"""

from __future__ import annotations

import math
import time
import uuid
from dataclasses import dataclass, field, replace
from typing import Callable

import numpy as np
import pandas as pd
import torch

from ..i18n import sentences, tr
from ..quoting import quoted
from .memory import check_forecast_fits
from ..training.trainer import Callbacks, SizedBatches, Trainer, TrainResult, pick_device
from . import evaluation
from .live import LiveValidation
from .loading import SeriesData
from . import scoreboard
from .metrics import Scores
from .scoreboard import LSTM
from .statistical import statistical_forecasts
from .ahead import forecast_ahead
from .intervals import floor_of, floored, future_table
from .calendar import calendar_left_out, cycles_read, holiday_name
from .known import (check_future, future_index, future_known, input_names, known_positions,
                    network_table, with_plan)
from .model import Forecaster
from .settings import ForecastConfig
from .trained import TrainedForecaster, build_single
from .window_choice import chosen_notices, lookback_by_horizon, resolve_window
from .windows import Scaler, Split, make_windows, split_rows, window_ids

SHORT_SERIES = 100    # values; below this (or a test span below SHORT_TEST_SPAN) a verdict is fragile
SHORT_TEST_SPAN = 12  # rows


@dataclass
class ForecastResult:
    trained: TrainedForecaster
    series: SeriesData
    split: Split
    notices: list[str]
    test: Scores                         # the LSTM's errors on the test span, original units
    baselines: dict[str, Scores]         # naive, seasonal_naive, drift: the same windows
    test_scaled: dict                    # mse, mae on the train-standardised scale
    interval_coverage: dict              # "80", "95" -> measured share on the test span
    verdict: str
    backtest: pd.DataFrame               # one row per (origin, step) on the test span
    forecast: pd.DataFrame               # time, forecast, lower_80, upper_80, lower_95, upper_95
    widths: dict = field(default_factory=dict)  # level -> half-width per horizon step
    seconds: float = 0.0                 # training and scoring
    # The methods that may be recommended ("lstm", "auto_ets", …, "combination"): each one's
    # name for people and its future forecast with intervals; ``forecast`` is the recommended.
    labels: dict = field(default_factory=lambda: {"lstm": "LSTM"})
    futures: dict = field(default_factory=dict)
    recommended: str = "lstm"
    recommended_why: str = ""
    method_seconds: dict = field(default_factory=dict)  # each statistical model's fit and use
    # The known-ahead values the future forecast read (one row per step; no columns without
    # known-ahead inputs): what the page's what-if table starts from.
    known: pd.DataFrame = field(default_factory=pd.DataFrame)
    statistical_key: str = ""  # what the statistical forecasts were made from (saved with a run)
    token: str = field(default_factory=lambda: uuid.uuid4().hex)  # this result, for a page's keys

    # What the pages read of the trained forecaster, by the names they always had.
    config = property(lambda self: self.trained.config)
    fragile = property(lambda self: bool(_fragile(len(self.series.frame), self.split)))
    model = property(lambda self: self.trained.model)
    scaler = property(lambda self: self.trained.scaler)
    training = property(lambda self: self.trained.training)


def resolve(series: SeriesData, config: ForecastConfig) -> ForecastConfig:
    """The config as it trains on ``series``: numbers for "auto" (named in ``suggested``) and the
    series' own columns."""
    if config.holidays and holiday_name(config.holidays) in series.covariates:
        raise ValueError(tr("The column {column} is named as the public holidays input is; "
                            "rename the column, or leave the holidays empty.",
                            column=quoted(holiday_name(config.holidays))))
    lookback, horizon = resolve_window(series, config)
    chosen = tuple(name for name in ("lookback", "horizon") if getattr(config, name) == "auto")
    anchor = config.season_anchor
    if anchor == "auto":
        anchor = series.season_length if (series.season_length or 0) > 1 else 0
        anchor = anchor if anchor <= lookback else 0
    elif anchor > lookback:
        raise ValueError(tr("The season anchor ({anchor} steps) reaches further back than the "
                            "lookback ({lookback}); make the lookback at least {anchor}.",
                            anchor=anchor, lookback=lookback))
    return replace(config, lookback=lookback, horizon=horizon, season_anchor=int(anchor),
                   value_col=series.value_col,
                   time_col=series.time_col, covariates=tuple(series.covariates),
                   suggested=tuple(dict.fromkeys(config.suggested + chosen)))


def check_changes(series: SeriesData) -> None:
    """A ValueError when the series' values never change: a network has nothing to learn
    there (one series; a panel may hold a constant one among the others)."""
    values = series.frame[series.value_col].to_numpy()
    if len(values) and values.min() == values.max():
        raise ValueError(tr("Every value of {column} is {value}: a series that never changes "
                            "has nothing for a network to learn, and its forecast is simply "
                            "that value. Choose a column whose values change.",
                            column=quoted(series.value_col), value=f"{values[0]:.12g}"))


@dataclass(frozen=True)
class _Windows:
    """The series as the network reads it: scaled, and cut into windows (views, no copies)."""

    split: Split
    notices: list[str]
    y: np.ndarray                 # (rows,) the target in its own units
    values: torch.Tensor          # (rows, inputs) scaled
    inputs: torch.Tensor          # (windows, lookback, inputs)
    targets: torch.Tensor         # (windows, horizon)
    future: torch.Tensor | None   # (windows, horizon, known) the known-ahead inputs; None: none
    known: list[int]              # which inputs those are


def _windows(series: SeriesData, config: ForecastConfig, scaler: Scaler | None,
             device: torch.device, names: tuple[str, ...]) -> tuple[_Windows, Scaler]:
    """Split, scale (fitting ``scaler`` on the training span when it is None) and window the
    inputs ``names`` of a network."""
    split, notices = split_rows(len(series.frame), config.val_size, config.test_size,
                                config.lookback, config.horizon, column=series.value_col,
                                lookback_for=lookback_by_horizon(series, config))
    raw = network_table(series, config, names)                          # (rows, inputs)
    if scaler is None:  # on the training span only; the calendar and holidays as they are
        dated = raw.shape[1] - len(series.frame.columns)
        scaler = Scaler().fit(raw[split.train[0]:split.train[1]], leave=dated)
    values = torch.as_tensor(scaler.transform(raw), dtype=torch.float32, device=device)
    inputs, targets = make_windows(values, config.lookback, config.horizon)
    known = known_positions(names, config)
    future = None
    if known:  # one copy of the known columns; every window's horizon is a view of it
        future = values[config.lookback:, known].unfold(0, config.horizon, 1).transpose(1, 2)
    return _Windows(split, notices, raw[:, 0], values, inputs, targets, future, known), scaler


PREDICT_FLOATS = 64 * 2**20  # floats a chunk of windows may hold through the network


@torch.no_grad()
def predict(model: Forecaster, inputs: torch.Tensor, ids: np.ndarray,
            chunk: int | None = None, future: torch.Tensor | None = None) -> np.ndarray:
    """Scaled forecasts ``(len(ids), horizon)`` for the windows ``ids``, read in chunks whose
    outputs stay near 256 MB (4,096 windows of lookback 336 through 256 units took 1.4 GB per
    layer), at most 4,096 windows each."""
    model.eval()
    if chunk is None:  # inputs: (windows, lookback, features)
        per_window = inputs.shape[1] * (model.shape.hidden_size + inputs.shape[-1])
        chunk = int(max(16, min(4096, PREDICT_FLOATS // max(per_window, 1))))
    ids_t = torch.as_tensor(ids, device=inputs.device)
    pick = lambda i: (inputs[ids_t[i:i + chunk]], None,
                      None if future is None else future[ids_t[i:i + chunk]])
    outs = [model(*pick(i))[0] for i in range(0, len(ids_t), chunk)]
    return torch.cat(outs).cpu().double().numpy()


def fit_forecast(series: SeriesData, config: ForecastConfig, callbacks: Callbacks = Callbacks(),
                 start: TrainedForecaster | None = None) -> TrainedForecaster:
    """Train a forecaster on ``series``; with ``start``, go on from its weights, scaler and
    history for ``config.epochs`` more epochs (Train more)."""
    if config.id_embedding:
        raise ValueError(tr("A series embedding is for a file of many series (choose its id "
                            "columns, or every column a series); set it to 0 for one series."))
    check_changes(series)
    config = resolve(series, config)
    lookback, horizon = config.lookback, config.horizon
    names = start.inputs if start is not None else input_names(series, config)
    device = pick_device(config.device)
    w, scaler = _windows(series, config, start.scaler if start else None, device, names)
    # The plan, once the rows are known to hold the horizon (its dates are counted from them),
    # and before any training.
    check_future(future_known(series, config, horizon), series.value_col)
    train_ids = torch.as_tensor(window_ids(w.split.train, lookback, horizon), device=device)
    val_ids = window_ids(w.split.val, lookback, horizon)
    val_ids_t = torch.as_tensor(val_ids, device=device)
    check_forecast_fits(config, len(val_ids), device)  # before the network is made

    torch.manual_seed(config.seed)
    model = build_single(config, names)
    if start is not None:
        model.load_state_dict(start.model.state_dict())
    model.to(device)
    trained = TrainedForecaster(config, model, scaler, TrainResult(), names)
    live = LiveValidation(series, w.y, val_ids + lookback, horizon,
                          lambda a: scaler.inverse_transform(a, column=0), callbacks.on_live)

    def train_batches(generator: torch.Generator) -> SizedBatches:
        order = train_ids[torch.randperm(len(train_ids), generator=generator).to(device)]
        batches = (_batch(w, batch) for batch in order.split(config.batch_size))
        return SizedBatches(batches, math.ceil(len(order) / config.batch_size))

    @torch.no_grad()
    def val_loss(net: Forecaster) -> float:
        net.eval()
        pred, loss = net(*_batch(w, val_ids_t))
        live.update(pred)
        return float(loss)

    checkpoint = (None if callbacks.on_checkpoint is None
                  else lambda net, epoch: callbacks.on_checkpoint(trained, epoch))
    trainer = Trainer(model, config.trainer_config(), callbacks.on_progress,
                      callbacks.stop_event, checkpoint)
    trained.training = trainer.fit(train_batches, val_loss,
                                   earlier=start.training if start is not None else None)
    if trained.training.stop_reason == "diverged" and trained.training.best_epoch == 0:
        raise ValueError(trained.training.message)  # nothing sensible to score
    trained.model = model.cpu()  # the web server scores and plots it: no GPU needed there
    return trained


def _batch(w: _Windows, ids: torch.Tensor) -> tuple:
    """The windows ``ids``: inputs (batch, lookback, F), targets (batch, horizon) and, with
    known-ahead inputs, their values over the horizon (batch, horizon, known)."""
    batch = (w.inputs[ids], w.targets[ids])
    return batch if w.future is None else (*batch, w.future[ids])


def score_forecast(trained: TrainedForecaster, series: SeriesData,
                   on_stage: Callable[[str], None] | None = None,
                   stop_event=None) -> ForecastResult:
    """Backtest a trained forecaster on the test span of ``series`` against the baselines and
    the statistical models (``on_stage`` hears which is being fitted), size its intervals on
    the validation span, recommend a forecast on it, and forecast after the last
    observation."""
    started = time.perf_counter()
    config, model, scaler = trained.config, trained.model, trained.scaler
    _check_columns(config, series, trained.inputs)
    lookback, horizon = config.lookback, config.horizon
    w, _ = _windows(series, config, scaler, torch.device("cpu"), trained.inputs)
    train_y = w.y[w.split.train[0]:w.split.train[1]]
    floor = floor_of(train_y)
    unscale = lambda a: floored(scaler.inverse_transform(a, column=0), floor)
    val_ids = window_ids(w.split.val, lookback, horizon)
    test_ids = window_ids(w.split.test, lookback, horizon, config.stride)
    # In the data's own units, on exactly the same windows for every forecaster.
    val_pred, test_pred = (unscale(predict(model, w.inputs, ids, future=w.future))
                           for ids in (val_ids, test_ids))
    val_origins, test_origins = val_ids + lookback, test_ids + lookback
    steps = np.arange(horizon)
    val_actual, test_actual = w.y[val_origins[:, None] + steps], w.y[test_origins[:, None] + steps]
    known = future_known(series, config, horizon)
    lstm_future = unscale(forecast_ahead(trained, series, w.values, known))
    stat = statistical_forecasts(w.y, val_origins, test_origins, horizon, series.season_length,
                                 config.statistical_seconds, on_stage, stop_event)
    for spans in (stat.val, stat.test, stat.future):
        spans.update({name: floored(pred, floor) for name, pred in spans.items()})
    found = scoreboard.methods(val_pred, test_pred, lstm_future, stat, val_actual)
    recommended, why = scoreboard.recommend(found, val_actual)
    baseline_preds = {**evaluation.baseline_forecasts(w.y, test_origins, horizon,
                                                      series.season_length),
                      **{name: pred for name, pred in found.test.items() if name != LSTM}}
    test_row, baseline_rows = evaluation.score(test_actual, test_pred, baseline_preds, train_y,
                                               series.season_length)
    widths, interval_notices, method_widths = _method_widths(found, val_actual, val_pred)
    futures = {name: future_table(future_index(series, horizon), pred, method_widths[name], floor)
               for name, pred in found.future.items()}
    scaled = lambda a: (a - scaler.mean_[0]) / scaler.std_[0]
    verdict = scoreboard.forecast_verdict(series, test_row, baseline_rows,
                                          found.labels if stat.val else None, why)
    return ForecastResult(
        trained=trained, series=series, split=w.split,
        notices=(_notices(series, config, trained.training, trained.inputs) + w.notices
                 + interval_notices + stat.notices + _floor_notice(floor, test_pred, widths)
                 + scoreboard.plan_unfollowed(config.known_covariates, recommended,
                                              found.labels)),
        test=test_row, baselines=baseline_rows,
        test_scaled=evaluation.scaled_errors(scaled(test_actual), scaled(test_pred)),
        interval_coverage=evaluation.measured_coverage(test_actual, test_pred, widths, floor),
        verdict=sentences(verdict, _fragile(len(series.frame), w.split)),
        backtest=evaluation.backtest_frame(series, test_origins, test_actual, test_pred, baseline_preds,
                                 widths, floor, method_widths),
        forecast=futures[recommended], widths=widths,
        seconds=time.perf_counter() - started + trained.training.seconds,
        labels=found.labels, futures=futures, recommended=recommended, recommended_why=why,
        method_seconds=stat.seconds, known=known, statistical_key=stat.key)


def _method_widths(found, val_actual: np.ndarray, val_pred: np.ndarray):
    """The LSTM's interval widths and their notices, and each method's widths, sized on the
    validation span from its own errors."""
    widths, notices = evaluation.interval_widths(val_actual, val_pred)
    return widths, notices, {name: widths if name == LSTM else
                             evaluation.interval_widths(val_actual, found.val[name])[0]
                             for name in found.future}




def _floor_notice(floor: float | None, pred: np.ndarray, widths: dict) -> list[str]:
    if floor is None or not any((pred - w < floor).any() for w in widths.values()):
        return []
    return [tr("The series is never negative in its training span, so forecasts and interval "
               "bounds below zero are raised to zero.")]


def with_method(result: ForecastResult, method: str) -> pd.DataFrame:
    """The future forecast of ``method`` as it is downloaded: with a column naming the method,
    then beside each step the plan the LSTM read ahead there (``planned_`` and the column's
    name), where it read one."""
    return with_plan(result.futures.get(method, result.forecast).assign(
        method=result.labels[method]), result.known)


def _fragile(rows: int, split: Split) -> str:
    """The caveat a verdict carries when the data is short."""
    test_rows = split.test[1] - split.test[0]
    if rows >= SHORT_SERIES and test_rows >= SHORT_TEST_SPAN:
        return ""
    return tr("Your data is short ({rows} values, {test} of them in the test span), so this "
              "verdict is fragile: a few unusual values could change it.", rows=rows,
              test=test_rows)


def run_forecast(series: SeriesData, config: ForecastConfig, callbacks: Callbacks = Callbacks(),
                 start: TrainedForecaster | None = None) -> ForecastResult:
    """``fit_forecast`` then ``score_forecast``: the short way for Python code that wants both."""
    return score_forecast(fit_forecast(series, config, callbacks, start), series)


def _check_columns(config: ForecastConfig, series: SeriesData, inputs: tuple[str, ...]) -> None:
    if (series.value_col, tuple(series.covariates)) != (config.value_col, config.covariates):
        if config.covariates:
            raise ValueError(tr("This forecaster was trained on the column '{column}' with "
                                "{covariates}; choose the same columns to score it.",
                                column=config.value_col,
                                covariates=", ".join(config.covariates)))
        raise ValueError(tr("This forecaster was trained on the column '{column}'; choose the "
                            "same columns to score it.", column=config.value_col))
    if len(inputs) > 1 + len(config.covariates) and series.freq is None:
        raise ValueError(tr("This forecaster read other inputs from the dates (the calendar, the "
                            "holidays) than these data give; choose the same data to score it."))


def _notices(series: SeriesData, config: ForecastConfig, training: TrainResult,
             inputs: tuple[str, ...]) -> list[str]:
    """What the loader repaired, what was chosen for the user, and an untrained model."""
    notices = list(series.notices)
    notices += chosen_notices(series, config)
    if training.best_epoch == 0:
        notices.append(tr("The model was stopped before it finished one epoch, so it is "
                          "untrained."))
    if config.calendar:
        notices += [n for n in [calendar_left_out(series.freq, cycles_read(inputs))] if n]
    return notices
