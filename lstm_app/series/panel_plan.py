"""What a scored panel's plan (its rows after each series' last value) calls for in words: a
plan no column known ahead reads, planned values beyond any a series held in training (the
network never read such values, so its forecast there is a guess), and a recommended forecast
that does not read the plan (only the LSTM does)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..i18n import tr
from ..quoting import listed, quoted
from .calendar import holiday_counts, holiday_name
from .known import outside_range, times_in_words
from .numbers import as_read
from .panel import PanelData
from .panel_future import future_times, planned
from .panel_grid import ranges
from .scoreboard import plan_unfollowed


def plan_notices(panel: PanelData, config, train_end: np.ndarray, recommended: str,
                 labels: dict) -> list[str]:
    """The sentences for ``panel``'s plan under ``config`` (each series trained on its rows up
    to ``train_end``), with ``recommended`` (named in ``labels``) the forecast offered."""
    said = []
    known = tuple(config.known_covariates)
    if panel.plan is not None and not known:
        filled = [c for c in panel.covariates if panel.plan[c].notna().any()]
        if filled:
            said.append(tr("The file plans {columns} after each series' last value, but no "
                           "column is marked known ahead, so the plan is not read: mark it "
                           "known ahead to read it over the horizon.", columns=listed(filled)))
    said += plan_unfollowed(known, recommended, labels)
    return said + beyond_training(panel, known, config.horizon, config.lookback, train_end)


def plan_frame(panel: PanelData, config, only: int | None = None) -> pd.DataFrame:
    """What each series' forecast read ahead of its own (series ``only``'s alone), one row per
    series and step of the horizon as ``future_frame`` lays them: the planned values of the
    columns known ahead, then the public holidays (named by ``holiday_name``); no columns
    where it read none of these."""
    horizon = config.horizon
    known = tuple(config.known_covariates)
    rows = slice(None) if only is None else slice(only, only + 1)
    values = planned(panel, horizon, known)[rows]                  # (series, horizon, known)
    table = pd.DataFrame(values.reshape(len(values) * horizon, len(known)), columns=list(known))
    if config.holidays and panel.freq is not None:
        times = np.asarray(future_times(panel, horizon)).reshape(-1, horizon)[rows]
        table[holiday_name(config.holidays)] = holiday_counts(pd.DatetimeIndex(times.ravel()),
                                                              panel.freq, config.holidays)
    return table


def plan_table(panel: PanelData, config) -> pd.DataFrame:
    """Each series' plan as a training with ``config`` (resolved) reads it, one row per series
    the network forecasts (at least a lookback long): its id, the first time it plans, then
    each column of ``plan_frame`` at steps 1 to the horizon (columns ``(name, step)``; blank
    where the plan has no value)."""
    horizon = config.horizon
    frame = plan_frame(panel, config)
    forecast = np.flatnonzero(panel.lengths >= config.lookback)
    times = np.asarray(future_times(panel, horizon)).reshape(-1, horizon)
    table = pd.DataFrame({"id": np.asarray(panel.ids, dtype=object)[forecast],
                          "from": times[forecast, 0]})
    values = frame.to_numpy(dtype=np.float64).reshape(panel.n_series, horizon, -1)[forecast]
    columns = [(c, k) for c in frame.columns for k in range(1, horizon + 1)]  # column by column
    steps = pd.DataFrame(values.transpose(0, 2, 1).reshape(len(forecast), len(columns)),
                         columns=columns)
    return pd.concat([table, steps], axis=1)


def beyond_training(panel: PanelData, known: tuple, horizon: int, lookback: int,
                    train_end: np.ndarray) -> list[str]:
    """A sentence for each column of ``known`` planned, for a series the network forecasts,
    beyond the lowest and highest value that series held in training (rows up to
    ``train_end``)."""
    said = []
    first = panel.starts[:-1]
    rows = ranges(first, np.maximum(train_end, first))
    code = np.repeat(np.arange(panel.n_series), np.maximum(train_end - first, 0))
    values = planned(panel, horizon, known)
    forecast = panel.lengths >= lookback
    for j, column in enumerate(known):
        trained = pd.Series(panel.values[rows, 1 + panel.covariates.index(column)])
        low = trained.groupby(code).min().reindex(range(panel.n_series)).to_numpy()
        high = trained.groupby(code).max().reindex(range(panel.n_series)).to_numpy()
        plan = values[:, :, j]
        outside = outside_range(plan, low[:, None], high[:, None]) & forecast[:, None]
        series = np.flatnonzero(outside.any(axis=1))
        if not len(series):
            continue
        s = series[0]
        step = int(np.flatnonzero(outside[s])[0])
        when = times_in_words(pd.Index(future_times(panel, horizon)[s * horizon + step:][:1]))
        words = dict(column=quoted(column), first=quoted(panel.ids[s]),
                     value=as_read(plan[s, step]), when=when, low=as_read(low[s]),
                     high=as_read(high[s]))
        said.append(tr(
            "The plan sets {column} beyond the range it held in training for series {first} "
            "(planned {value} on {when}, where training held {low} to {high}): the network "
            "never read such values, so its forecast there is a guess, not something it "
            "learnt.", **words) if len(series) == 1 else tr(
            "The plan sets {column} beyond the range it held in training for {count:,} series "
            "({names}; {first} is planned {value} on {when}, where training held {low} to "
            "{high}): the network never read such values, so its forecast there is a guess, "
            "not something it learnt.", count=len(series),
            names=listed([panel.ids[i] for i in series], limit=5), **words))
    return said
