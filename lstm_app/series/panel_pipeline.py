"""One global LSTM for a whole panel: ``fit_panel`` trains it on the windows of every series,
``score_panel`` backtests every series against the baselines, sizes intervals and forecasts
every series after its last value.

Each series is scaled on its own training span; the network is the single-series Forecaster
(the inputs a series' scaled value and covariates), so a panel of one series trains what
``fit_forecast`` trains. An epoch draws ``EPOCH_WINDOWS`` training windows across the series,
each series equally likely (a long series does not drown the short ones), so an epoch costs the
same for 40 series or 10,000. Every step is computed for all series at once.
"""

from __future__ import annotations

import math
import time
import uuid
from typing import Callable
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
import torch

from ..i18n import tr
from ..quoting import listed
from ..training.trainer import Callbacks, SizedBatches, Trainer, TrainResult, pick_device
from . import intervals
from .memory import check_forecast_fits
from .model import Forecaster, build_forecaster
from .panel import PanelData
from .panel_future import ahead_rows, check_plan, network_future, planned_steps, rule_future
from .panel_trained import TrainedPanel
from .panel_live import PanelLiveValidation
from .panel_notices import scoring_notices, too_short
from .panel_plan import plan_notices
from .panel_results import panel_forecast
from .panel_scoreboard import Windows, panel_methods
from .panel_scores import aggregate, mase_scales, panel_baselines, per_series, verdict
from .calendar import calendar_count, calendar_cycles
from .panel_windows import PanelSplit, fit_scalers, span_windows, split_panel, trained_inputs
from .pipeline import predict, resolve
from .settings import ForecastConfig
from .windows import make_windows

EPOCH_WINDOWS = 20_000  # training windows one epoch draws across the series


@dataclass
class PanelResult:
    trained: TrainedPanel
    panel: PanelData
    split: PanelSplit
    notices: list[str]
    series: pd.DataFrame  # one row per series: length, trained, scored, each method's scores
    aggregate: dict  # per method: mean MASE, relative MASE, series beating the reference
    verdict: str
    coverage: dict  # "80", "95" -> the share of test values inside, pooled over the series
    forecast: pd.DataFrame  # id, time, forecast, lower_80, upper_80, lower_95, upper_95
    widths: dict  # level -> (series, horizon) interval half-widths on the scaled series
    floor: np.ndarray  # (series,) 0 where a series is never negative in training, else -inf
    seconds: float = 0.0
    # The methods beyond the simple rules ("lstm", "auto_ets", …, "combination"): their names,
    # the one recommended on the validation span (whose future ``forecast`` is) and why.
    labels: dict = field(default_factory=lambda: {"lstm": "LSTM"})
    recommended: str = "lstm"
    recommended_why: str = ""
    method_seconds: dict = field(default_factory=dict)
    futures: dict = field(default_factory=dict)  # each method's (series, horizon) forecast
    statistical_key: str = ""  # what the statistical forecasts were made from (saved with a run)
    method_widths: dict = field(default_factory=dict)  # each method's ``widths``
    frames: dict = field(default_factory=dict, repr=False)  # panel_forecast's, once made
    # The test span's windows (origin rows and series, every series together) and each method
    # beyond the simple rules' (windows, horizon) forecasts there: a series' chart draws the
    # one picked.
    test_windows: Windows | None = field(default=None, repr=False)
    test_forecasts: dict = field(default_factory=dict, repr=False)
    # Per statistical model, the series the simple rule forecast in its place.
    stood_in: dict = field(default_factory=dict)
    token: str = field(default_factory=lambda: uuid.uuid4().hex)  # this result, for a page's keys

    # What every task's result offers the pages (Train more, the coach, the run caption).
    config = property(lambda self: self.trained.config)
    training = property(lambda self: self.trained.training)
    model = property(lambda self: self.trained.model)


def resolve_panel(panel: PanelData, config: ForecastConfig) -> ForecastConfig:
    """Numbers for "auto" lookback and horizon, judged on the series of median length, and the
    panel's own columns and layout."""
    if config.known_covariates and panel.layout == "wide":
        raise ValueError(tr("A file of one series per column has no columns known ahead; leave "
                            "them empty (the calendar inputs and public holidays work for it)."))
    if config.known_covariates and tuple(panel.covariates) != tuple(config.covariates):
        raise ValueError(tr("The file was read with the inputs {read}, and the settings name "
                            "{named}; read it with the same columns.",
                            read=listed(panel.covariates), named=listed(config.covariates)))
    if config.holidays and panel.freq is None:
        raise ValueError(tr("Public holidays need dates: choose the time column, or leave the "
                            "holidays empty."))
    resolved = replace(resolve(panel.series(panel.typical()), config), id_col=panel.id_cols,
                       wide=panel.layout == "wide",  # the calendar where there are dates
                       calendar=config.calendar and panel.freq is not None)
    if config.horizon == "auto" and config.known_covariates:  # no further than the plans
        resolved = replace(resolved, horizon=planned_steps(
            panel, tuple(config.known_covariates), resolved.horizon, resolved.lookback))
    return resolved


def panel_calendar(panel: PanelData, config: ForecastConfig) -> int:
    """The calendar columns a new network for ``panel`` reads: the cycles its dates cover."""
    if not config.calendar or panel.freq is None:
        return 0
    return calendar_count(panel.freq, calendar_cycles(panel.freq, pd.DatetimeIndex(panel.times)))


def fit_panel(panel: PanelData, config: ForecastConfig, callbacks: Callbacks = Callbacks(),
              start: TrainedPanel | None = None,
              epoch_windows: int = EPOCH_WINDOWS) -> TrainedPanel:
    """Train one forecaster on the windows of every series long enough to give one (for at
    most ``config.minutes`` when that is set); with ``start``, go on from its weights, scalers and
    history for ``config.epochs`` more epochs (Train more)."""
    config = resolve_panel(panel, config)
    if start is not None and start.ids != panel.ids:
        raise ValueError(tr("This forecaster was trained on other series; load the same file."))
    lookback, horizon = config.lookback, config.horizon
    device = pick_device(config.device)
    split = split_panel(panel, config.val_size, config.test_size, horizon)
    trainable = split.trainable(lookback, horizon)
    if not trainable.any():
        raise ValueError(too_short(panel, split, lookback, horizon))
    mean, std = ((start.mean, start.std) if start is not None
                 else fit_scalers(panel.values, split, panel.season_length))
    calendar = start.calendar if start is not None else panel_calendar(panel, config)
    known = (start.known if start is not None
             else len(config.known_covariates) + calendar + bool(config.holidays))
    check_plan(panel, config.known_covariates, horizon, lookback)
    torch.manual_seed(config.seed)
    model = build_forecaster(config, panel.n_series, calendar + bool(config.holidays), known)
    if start is not None:
        model.load_state_dict(start.model.state_dict())
    model.to(device)
    trained = TrainedPanel(config, model, mean, std, panel.ids, calendar, TrainResult(), known)
    values, future = trained_inputs(trained, panel, device)
    inputs, targets = make_windows(values, lookback, horizon)
    (train_ids, train_series), (val_ids, val_series) = _fit_windows(split, lookback, horizon,
                                                                    trainable)
    check_forecast_fits(config, min(len(val_ids), 4096), device)
    train_batches = _balanced_batches((inputs, targets, future), train_ids, train_series,
                                      epoch_windows, config.batch_size, device)
    live = PanelLiveValidation(panel, val_ids, val_series, split.starts, split.val, lookback,
                               horizon, mean, std, callbacks.on_live)

    @torch.no_grad()
    def val_loss(net: Forecaster) -> float:
        pred = predict(net, inputs, val_ids, future=future)
        actual = targets[torch.as_tensor(val_ids, device=targets.device)].cpu().double().numpy()
        live.update(pred)
        return float(np.mean((pred - actual) ** 2))

    checkpoint = (None if callbacks.on_checkpoint is None
                  else lambda net, epoch: callbacks.on_checkpoint(trained, epoch))
    trainer = Trainer(model, config.trainer_config(), callbacks.on_progress, callbacks.stop_event,
                      checkpoint)
    trained.training = trainer.fit(train_batches, val_loss,
                                   earlier=start.training if start is not None else None)
    if trained.training.stop_reason == "diverged" and trained.training.best_epoch == 0:
        raise ValueError(trained.training.message)
    trained.model = model.cpu()
    return trained


def _balanced_batches(tensors, train_ids, train_series, epoch_windows, batch_size, device):
    """An epoch's batches of (inputs, targets[, future]) windows: each series equally likely,
    each of its windows equally likely within it, at most ``epoch_windows`` drawn."""
    inputs, targets, future = tensors
    weights = torch.as_tensor(1.0 / np.bincount(train_series)[train_series], dtype=torch.float64)
    draws = int(min(epoch_windows, len(train_ids)))
    ids = torch.as_tensor(train_ids, device=device)

    def train_batches(generator: torch.Generator) -> SizedBatches:
        picked = torch.multinomial(weights, draws, replacement=True, generator=generator)
        order = ids[picked.to(device)]
        batch = ((lambda b: (inputs[b], targets[b])) if future is None
                 else (lambda b: (inputs[b], targets[b], future[b])))
        return SizedBatches((batch(b) for b in order.split(batch_size)),
                            math.ceil(draws / batch_size))
    return train_batches


def _fit_windows(split: PanelSplit, lookback: int, horizon: int, trainable: np.ndarray):
    """The training and the validation windows of the trainable series, each as (window ids,
    their series); refused when no series has a validation window."""
    train = span_windows(split, split.starts, split.val, lookback, horizon, trainable)
    val = span_windows(split, split.val, split.test, lookback, horizon, trainable)
    if not len(val[0]):
        raise ValueError(tr("No series has a whole horizon ({horizon}) in its validation span; "
                            "make the validation span larger or the horizon shorter.",
                            horizon=horizon))
    return train, val


def score_panel(trained: TrainedPanel, panel: PanelData,
                on_stage: Callable[[str], None] | None = None, stop_event=None) -> PanelResult:
    """Backtest every series on its test span at every origin (stride apart) against naive,
    seasonal naive, drift and the statistical models fitted to each series (``on_stage`` hears
    which; once ``stop_event`` is set, those not yet fitted are left out) on the same windows;
    intervals from the validation errors of the scaled series;
    the forecast recommended on the validation span after each series' last value."""
    started = time.perf_counter()
    config, model = trained.config, trained.model
    lookback, horizon = config.lookback, config.horizon
    if trained.ids != panel.ids:
        raise ValueError(tr("This forecaster was trained on other series; load the same file."))
    split = split_panel(panel, config.val_size, config.test_size, horizon)
    trainable, scorable = split.trainable(lookback, horizon), split.scorable(lookback, horizon)
    values, future = trained_inputs(trained, panel, torch.device("cpu"))
    inputs, targets = make_windows(values, lookback, horizon)
    y = panel.values[:, 0]
    n, season = panel.n_series, panel.season_length
    floor = _floors(y, split)
    unscale = lambda scaled, s: np.maximum(scaled * trained.std[s, :1] + trained.mean[s, :1],
                                           floor[s, None])
    steps = np.arange(horizon)

    validated, val_baselines, widths = _validation(
        trained, split, trainable, (inputs, targets, future), y, season, unscale)

    # The test backtest: every method on the same windows.
    ids, series = span_windows(split, split.test, split.ends, lookback, horizon, scorable,
                               config.stride)
    origins = ids + lookback
    actual = y[origins[:, None] + steps]
    methods = {"lstm": unscale(predict(model, inputs, ids, future=future), series)}
    methods.update(panel_baselines(y, origins, split.starts[series], horizon, season))
    notices = scoring_notices(trained, panel, split, trainable, scorable)
    lstm_future = _lstm_future(trained, panel, values, floor, notices)
    tested = Windows(origins, series, actual, methods["lstm"])
    board = panel_methods(
        y, split.starts, split.ends, trained.std[:, 0], floor,
        validated, tested, (val_baselines, dict(methods), rule_future(panel, horizon)),
        lstm_future, widths, horizon, season, config.statistical_seconds, on_stage, stop_event)
    methods.update({k: v for k, v in board.test.items() if k != "lstm"})
    scale = mase_scales(y, split.starts, split.val, season)
    tables = {name: per_series(actual, pred, series, n, scale) for name, pred in methods.items()}
    coverage, per_cover = _coverage(actual, methods["lstm"], series, n, widths,
                                    trained.std[:, 0], floor)
    summary = aggregate(tables)
    table = _series_table(panel, trainable, scorable, tables, per_cover)
    notices += board.notices + plan_notices(panel, config, split.val, board.recommended,
                                            board.labels)
    result = PanelResult(trained, panel, split, notices, table, summary,
                         verdict(summary, board.labels, board.why), coverage,
                         pd.DataFrame(), widths, floor,
                         time.perf_counter() - started + trained.training.seconds,
                         board.labels, board.recommended, board.why, board.seconds,
                         board.futures, board.key, board.widths, test_windows=tested,
                         test_forecasts=board.test, stood_in=board.stood_in)
    result.forecast = panel_forecast(result, board.recommended)
    return result


def _validation(trained: TrainedPanel, split: PanelSplit, trainable: np.ndarray, tensors,
                y: np.ndarray, season: int, unscale):
    """The LSTM's validation windows (as values), the baselines' on them, and the interval
    widths their scaled errors give."""
    config, (inputs, targets, future) = trained.config, tensors
    lookback, horizon = config.lookback, config.horizon
    ids, series = span_windows(split, split.val, split.test, lookback, horizon, trainable)
    pred = predict(trained.model, inputs, ids, future=future)
    widths = _widths(targets[torch.as_tensor(ids)].double().numpy(), pred, series,
                     len(trained.ids))
    origins = ids + lookback
    windows = Windows(origins, series, y[origins[:, None] + np.arange(horizon)],
                      unscale(pred, series))
    return windows, panel_baselines(y, origins, split.starts[series], horizon, season), widths


def run_panel(panel: PanelData, config: ForecastConfig,
              callbacks: Callbacks = Callbacks()) -> PanelResult:
    return score_panel(fit_panel(panel, config, callbacks), panel)


# ---- the parts --------------------------------------------------------------------------------


def _lstm_future(trained: TrainedPanel, panel: PanelData, values: torch.Tensor,
                 floor: np.ndarray, notices: list[str]) -> np.ndarray:
    """The network's forecast ``(series, horizon)`` after each series' last value, reading
    each series' plan and dates ahead (a rule's for a series shorter than the lookback, said
    in ``notices``)."""
    config, model = trained.config, trained.model
    ahead = ahead_rows(panel, config.horizon, trained.calendar, config.holidays, trained.known,
                       config.known_covariates, trained.mean, trained.std)
    return network_future(
        panel, values, config.lookback, config.horizon, trained.mean, trained.std, floor,
        lambda windows, rows: predict(model, windows, np.arange(len(windows)),
                                      future=None if rows is None else torch.as_tensor(rows)),
        notices, ahead)


def _floors(y: np.ndarray, split: PanelSplit) -> np.ndarray:
    """0 for a series never negative in its training span (its forecasts are not either),
    else −inf (also for a series without training rows)."""
    n = len(split.starts)
    rows = np.arange(len(y))
    code = np.repeat(np.arange(n), split.ends - split.starts)
    train = rows < np.repeat(split.val, split.ends - split.starts)
    lowest = np.full(n, np.inf)
    np.minimum.at(lowest, code[train], y[train])
    return np.where(np.isfinite(lowest) & (lowest >= 0), 0.0, -np.inf)  # no rows: no floor


def _widths(val_true: np.ndarray, val_pred: np.ndarray, val_series: np.ndarray,
            n: int) -> dict:
    """Interval half-widths per level from the validation errors on the scaled series, per
    horizon step: each series' own quantile where its validation windows are enough, else the
    pooled one."""
    pooled, _ = intervals.widths(val_true, val_pred)
    return intervals.grouped_widths(np.abs(val_true - val_pred), val_series, n, pooled)


def _series_table(panel, trainable, scorable, tables: dict, per_cover) -> pd.DataFrame:
    """One row per series: its length, whether it was trained on and scored, each method's
    scores (prefixed with the method's name) and its interval coverage."""
    table = pd.DataFrame({"id": panel.ids, "length": panel.lengths, "trained": trainable,
                          "scored": scorable})
    for name, scores in tables.items():
        table = table.join(scores.add_prefix(f"{name}_"))
    return table.join(per_cover)


def _coverage(actual, pred, series, n, widths, std, floor) -> tuple[dict, pd.DataFrame]:
    """The share of test values inside each level's interval: pooled, and per series."""
    pooled, per = {}, {}
    count = np.bincount(series, minlength=n) * actual.shape[1]
    for level, w in widths.items():
        half = w[series] * std[series, None]  # scaled widths in the series' own units
        low = np.maximum(pred - half, floor[series, None])
        inside = (actual >= low) & (actual <= pred + half)
        pooled[str(level)] = float(inside.mean()) if inside.size else None
        with np.errstate(invalid="ignore", divide="ignore"):
            per[f"coverage_{level}"] = np.bincount(series, weights=inside.sum(axis=1),
                                                   minlength=n) / count
    return pooled, pd.DataFrame(per)
