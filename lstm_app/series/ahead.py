"""The LSTM's forecast after the last observation, and the what-if: the same forecast reading
edited known-ahead values (a promotion on these days, a price 10% lower, a holiday added), of
one series or of one series of a panel (``panel_detail.series_what_if``).

A what-if is one pass of the trained network, no retraining: the interval keeps the widths
measured on the validation span. Each step of the horizon reads its own known-ahead values
beside the network's last state (see model.py), so an edit moves the forecast on the steps
edited and on no other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import pandas as pd
import torch

from ..i18n import tr
from ..quoting import quoted
from .intervals import floor_of, floored, future_table
from .known import (check_planned_size, first_blank, future_inputs, known_positions,
                    network_table, planned_beyond, trained_ranges)
from .loading import SeriesData


def forecast_ahead(trained, series, values: torch.Tensor, known: pd.DataFrame) -> np.ndarray:
    """The scaled forecast of ``trained`` after the last row of ``values`` (the series as the
    network reads it, scaled), reading ``known`` (one row per step of the horizon: the
    known-ahead columns) over the horizon."""
    config, model = trained.config, trained.model
    future = None
    positions = known_positions(trained.inputs, config)
    if positions:
        rows = trained.scaler.transform(future_inputs(series, config, trained.inputs, known))
        future = torch.as_tensor(rows[:, positions], dtype=torch.float32)[None]
    with torch.no_grad():
        model.eval()
        return model(values[-config.lookback:][None], None, future)[0][0].cpu().double().numpy()


@dataclass(frozen=True)
class WhatIf:
    """What a forecast's what-if needs: the series forecast, the plan its LSTM forecast read
    (one row per step of the horizon, by time), that forecast with its intervals, each plan
    column's range in training, and ``redraw``: the forecast reading an edited plan."""

    series: SeriesData
    plan: pd.DataFrame
    base: pd.DataFrame  # time, forecast, lower_80, upper_80, lower_95, upper_95
    ranges: dict        # column -> (low, high) over the training span
    redraw: Callable[[pd.DataFrame], pd.DataFrame] = field(repr=False)
    recommended: str = "lstm"
    labels: dict = field(default_factory=lambda: {"lstm": "LSTM"})
    names: dict = field(default_factory=dict)  # a panel's series: its id (and id columns' cells)

    def moved(self, known: pd.DataFrame) -> pd.DataFrame:
        """The LSTM's forecast reading ``known`` (the plan's columns and steps, edited), with
        its intervals; refuses another shape, a blank and a value too large to compute with."""
        if list(known.columns) != list(self.plan.columns) or len(known) != len(self.plan):
            raise ValueError(tr("The what-if table must keep the columns and the dates of the "
                                "forecast; change only its values."))
        known = known.set_axis(self.plan.index)
        check_planned_size(known)
        blank = first_blank(known)
        if blank is not None:
            raise ValueError(tr("The what-if needs a value in every cell: {column} is blank on "
                                "{when}. Type a value there (0 for none).",
                                column=quoted(blank[0]), when=blank[1]))
        return self.redraw(known)

    def beyond(self, known: pd.DataFrame, edited_only: bool = True) -> list[str]:
        """A sentence for each column that ``known`` sets, on a step edited away from the plan
        (or, ``edited_only`` False, on any step), beyond every value the column held in the
        training span: the network never read such values, so its answer there is a guess."""
        known = known.set_axis(self.plan.index)
        edited = (known.to_numpy(dtype=np.float64) != self.plan[known.columns].to_numpy(
            dtype=np.float64) if edited_only else None)  # column by column, by name
        return planned_beyond(known, self.ranges, edited)

    def change(self, moved: pd.DataFrame) -> tuple[float, float]:
        """The what-if forecast ``moved`` less the base forecast over the whole horizon (the
        steps' sum: what a plan adds to sales over those days), and the base's own sum."""
        base = float(self.base["forecast"].sum())
        return float(moved["forecast"].sum()) - base, base


def what_if_of(result) -> WhatIf:
    """The what-if of a ForecastResult: its plan, its LSTM's future forecast, redrawn by one
    pass of the trained network over the series with the plan edited."""
    trained, series = result.trained, result.series

    def redraw(known: pd.DataFrame) -> pd.DataFrame:
        raw = network_table(series, trained.config, trained.inputs)
        values = torch.as_tensor(trained.scaler.transform(raw), dtype=torch.float32)
        pred = trained.scaler.inverse_transform(forecast_ahead(trained, series, values, known),
                                                column=0)
        train = result.split.train
        floor = floor_of(raw[train[0]:train[1], 0])
        return future_table(result.known.index, floored(pred, floor), result.widths, floor)

    return WhatIf(series, result.known, result.futures["lstm"],
                  trained_ranges(series, result.config, result.split.train), redraw,
                  result.recommended, result.labels)
