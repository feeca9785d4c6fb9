"""A panel's scoreboard beyond the simple rules: the statistical models fitted to each series,
the combination, and the forecast recommended on the validation span, with each method's
forecast after every series' last value and its intervals.

The choice among the methods is the one-series choice (scoreboard.py) made on every series'
validation windows at once, each window's errors divided by its series' spread in training so
that a big series does not decide for the small ones: the method with the lowest mean scaled
error is recommended, and the combination is the LSTM with the statistical model that had the
lowest. Nothing from the test span is read to choose.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from . import intervals, scoreboard
from .panel_statistical import panel_statistical
from .scoreboard import LSTM
from .statistical import StatisticalForecasts


@dataclass
class PanelMethods:
    """Every method beyond the simple rules, keyed "lstm", "auto_ets", …, "combination"."""

    test: dict[str, np.ndarray]        # (test windows, horizon), the data's units
    futures: dict[str, np.ndarray]     # (series, horizon) after each series' last value
    widths: dict[str, dict]            # method -> level -> (series, horizon) on the scaled series
    labels: dict[str, str]
    recommended: str = LSTM
    why: str = ""
    notices: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    key: str = ""  # what the statistical forecasts were made from (saved with a run)
    stood_in: dict[str, list[int]] = field(default_factory=dict)  # StatisticalForecasts'


@dataclass(frozen=True)
class Windows:
    """One span's windows: each one's origin row, series, actual values and LSTM forecast."""

    origins: np.ndarray
    series: np.ndarray
    actual: np.ndarray   # (windows, horizon)
    lstm: np.ndarray     # (windows, horizon)


def _rule(rules: dict[str, np.ndarray]) -> np.ndarray:
    """Seasonal naive where it has a whole season behind the window, else naive."""
    if "seasonal_naive" not in rules:
        return rules["naive"]
    seasonal = rules["seasonal_naive"]
    return np.where(np.isnan(seasonal), rules["naive"], seasonal)


def panel_methods(y: np.ndarray, starts: np.ndarray, ends: np.ndarray, spread: np.ndarray,
                  floor: np.ndarray, val: Windows, test: Windows,
                  rules: tuple[dict, dict, np.ndarray], lstm_future: np.ndarray,
                  lstm_widths: dict, horizon: int, season: int | None, seconds: float,
                  on_stage: Callable[[str], None] | None = None, stop=None) -> PanelMethods:
    """Fit the statistical models to every series (``seconds`` each for the whole panel),
    make the combination and recommend on the validation windows. ``spread``: each series'
    training spread (the scale of its errors); ``floor``: its lowest allowed forecast;
    ``rules``: the simple rules on the validation and test windows and the rule's forecast
    after each series, where a model cannot be fitted."""
    n = len(starts)
    if not len(val.origins):  # nothing to choose on: the LSTM alone
        seconds = 0
    fallback = (_rule(rules[0]), _rule(rules[1]), rules[2])
    stat = panel_statistical(y, starts, ends, (val.origins, val.series),
                             (test.origins, test.series), fallback, horizon, season, seconds,
                             on_stage, stop)
    floored = {"val": val.series, "test": test.series, "future": np.arange(n)}
    for span, rows in floored.items():
        forecasts = getattr(stat, span)
        forecasts.update({k: np.maximum(v, floor[rows, None]) for k, v in forecasts.items()})
    # The choice reads errors in each series' own spread: scaled copies of the validation span.
    scale = spread[val.series, None]
    scaled = StatisticalForecasts({k: v / scale for k, v in stat.val.items()}, stat.test,
                                  stat.future, stat.labels)
    found = scoreboard.methods(val.lstm / scale, test.lstm, lstm_future, scaled,
                               val.actual / scale)
    recommended, why = scoreboard.recommend(found, val.actual / scale)
    widths = {LSTM: lstm_widths}
    for name, pred in found.val.items():
        if name != LSTM and len(pred):
            errors = val.actual / scale - pred
            pooled, _ = intervals.widths(val.actual / scale, pred)
            widths[name] = intervals.grouped_widths(np.abs(errors), val.series, n, pooled)
    if recommended not in widths:
        recommended = LSTM
    return PanelMethods(found.test, found.future, widths, found.labels, recommended, why,
                        stat.notices, stat.seconds, stat.key, stat.stood_in)
