"""The forecast's scoreboard as a table: the LSTM's and each baseline's test scores, one row
each, MASE first (the verdict's score, so that it stays in view on a narrow screen)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..i18n import N_, tr
from .scoreboard import COMBINATION, method_label

METRIC_ROWS = {"LSTM": None, N_("Naive (last value)"): "naive",
               N_("Seasonal naive"): "seasonal_naive", N_("Drift"): "drift", "AutoETS": "auto_ets",
               "AutoTheta": "auto_theta", "AutoARIMA": "auto_arima",
               N_("LSTM and the statistical model best on validation, mean"): "combination"}
# MASE first: the verdict's score, so that it stays in view on a narrow screen.
METRIC_COLUMNS = {"MASE": "mase", "MAE": "mae", "RMSE": "rmse", "MAPE %": "mape",
                  "sMAPE %": "smape"}


def _significant(value, digits: int = 4) -> float:
    """``value`` rounded to ``digits`` significant digits; None and non-finite values become NaN."""
    if value is None or not math.isfinite(value):
        return np.nan
    if value == 0:
        return 0.0
    return round(float(value), digits - 1 - math.floor(math.log10(abs(value))))


def metrics_table(test, baselines: dict, labels: dict | None = None) -> pd.DataFrame:
    """The LSTM's and the baselines' test scores, one row each (the baselines that were run),
    4 significant digits; the combination named by ``labels`` where they name it ("mean of the
    LSTM and AutoARIMA", as the choice of forecast names it)."""
    rows = {label: test if key is None else baselines[key]
            for label, key in METRIC_ROWS.items() if key is None or key in baselines}
    named = lambda label: (method_label(labels[COMBINATION]) if METRIC_ROWS[label] == COMBINATION
                           and COMBINATION in (labels or {}) else tr(label))
    return pd.DataFrame(
        [[_significant(getattr(scores, key, None)) for key in METRIC_COLUMNS.values()]
         for scores in rows.values()],
        index=pd.Index([named(label) for label in rows], name=tr("model")),
        columns=list(METRIC_COLUMNS), dtype=float)
