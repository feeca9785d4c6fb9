"""The LSTM's forecast after the last observation, and the what-if: the same forecast reading
edited known-ahead values (a promotion on these days, a price 10% lower, a holiday added).

A what-if is one pass of the trained network, no retraining: the interval keeps the widths
measured on the validation span. Each step of the horizon reads its own known-ahead values
beside the network's last state (see model.py), so an edit moves the forecast on the steps
edited and on no other.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import torch

from ..i18n import tr
from ..quoting import quoted
from .intervals import floor_of, floored, future_table
from .known import (check_planned_size, first_blank, future_inputs, known_positions,
                    network_table, planned_beyond, trained_ranges)


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


def what_if(result, known: pd.DataFrame) -> pd.DataFrame:
    """The LSTM's future forecast (a ForecastResult's) reading the edited known-ahead values
    ``known`` (the columns and steps of ``result.known``), with its intervals."""
    trained, series = result.trained, result.series
    if list(known.columns) != list(result.known.columns) or len(known) != len(result.known):
        raise ValueError(tr("The what-if table must keep the columns and the dates of the "
                            "forecast; change only its values."))
    known = known.set_axis(result.known.index)
    check_planned_size(known)
    blank = first_blank(known)
    if blank is not None:
        raise ValueError(tr("The what-if needs a value in every cell: {column} is blank on "
                            "{when}. Type a value there (0 for none).",
                            column=quoted(blank[0]), when=blank[1]))
    raw = network_table(series, trained.config, trained.inputs)
    values = torch.as_tensor(trained.scaler.transform(raw), dtype=torch.float32)
    scaler = trained.scaler
    pred = scaler.inverse_transform(forecast_ahead(trained, series, values, known), column=0)
    train = result.split.train
    floor = floor_of(raw[train[0]:train[1], 0])
    return future_table(result.known.index, floored(pred, floor), result.widths, floor)


def beyond_training(result, known: pd.DataFrame, edited_only: bool = True) -> list[str]:
    """A sentence for each known-ahead column that the what-if ``known`` sets, on a step edited
    away from ``result.known`` (or, ``edited_only`` False, on any step of the plan the forecast
    read), beyond every value the column held in the training span: the network never read
    such values, so its answer there is a guess, not something learnt."""
    known = known.set_axis(result.known.index)
    edited = (known.to_numpy(dtype=np.float64) != result.known[known.columns].to_numpy(
        dtype=np.float64) if edited_only else None)  # column by column, by name
    ranges = trained_ranges(result.series, result.config, result.split.train)
    return planned_beyond(known, ranges, edited)
