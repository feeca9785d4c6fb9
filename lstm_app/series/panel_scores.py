"""Scores of a whole panel: every forecaster's errors per series (from the windows of all series
at once), and the panel's aggregate the M4 competition's way, with its verdict in words.

Per series: MAE, RMSE, sMAPE and MASE (its MAE over the in-sample seasonal-naive MAE of the
series' own training span). For the panel: each method's mean MASE, and the geometric mean over
the series of its MASE relative to the reference rule's (seasonal naive where a season is
known, else naive): below 1 means better than that rule on a typical series.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..i18n import sentences, tr
from .evaluation import BASELINE_NAMES
from .statistical import STATISTICAL
from .metrics import FLAT_SHARE
from .panel_grid import ranges

METRICS = ("mae", "rmse", "smape", "mase")


def mase_scales(y: np.ndarray, first: np.ndarray, last: np.ndarray, season: int | None) -> np.ndarray:
    """Each series' MASE denominator: the mean |y_t − y_{t−m}| over its rows [first, last)
    (m the season, or 1); NaN where the span is too short or never changes."""
    m = season if season and season > 1 else 1
    lo = first + m
    rows = ranges(lo, last)
    series = np.repeat(np.arange(len(first)), np.maximum(last - lo, 0))
    sums = np.bincount(series, weights=np.abs(y[rows] - y[rows - m]), minlength=len(first))
    sizes = np.bincount(series, weights=np.abs(y[rows]), minlength=len(first))
    counts = np.bincount(series, minlength=len(first))
    with np.errstate(invalid="ignore", divide="ignore"):
        scale, size = sums / counts, sizes / counts
    return np.where(scale > FLAT_SHARE * size, scale, np.nan)  # (rounding noise: no scale)


def per_series(actual: np.ndarray, pred: np.ndarray, series: np.ndarray, n: int,
               scale: np.ndarray) -> pd.DataFrame:
    """MAE, RMSE, sMAPE and MASE of each series over its windows (NaN for a series without
    any, or with a window the method could not forecast): ``actual`` and ``pred`` are ``(windows, horizon)``, ``series`` each window's series."""
    count = np.bincount(series, minlength=n) * actual.shape[1]
    total = lambda a: np.bincount(series, weights=a.sum(axis=1), minlength=n)
    error = np.abs(actual - pred)
    size = np.abs(actual) + np.abs(pred)
    ratio = np.divide(2 * error, size, out=np.zeros_like(size), where=size > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mae = total(error) / count
        table = pd.DataFrame({"mae": mae, "rmse": np.sqrt(total(error ** 2) / count),
                              "smape": 100 * total(ratio) / count, "mase": mae / scale})
    # A method without a forecast for some window of a series has no score for that series.
    gaps = np.bincount(series, weights=np.isnan(pred).any(axis=1), minlength=n) > 0
    table.loc[gaps] = np.nan
    return table


def panel_baselines(y: np.ndarray, origins: np.ndarray, starts: np.ndarray, horizon: int,
                    season: int | None) -> dict[str, np.ndarray]:
    """Naive, seasonal naive and drift (from each series' own first value), ``(windows,
    horizon)`` each. Seasonal naive is NaN for a window without a whole season behind it (in
    its own series), so that series has no seasonal-naive score; it is left out only when no
    window has a season."""
    steps = np.arange(1, horizon + 1)
    last = y[origins - 1]
    out = {"naive": np.repeat(last[:, None], horizon, axis=1)}
    seasoned = origins - starts >= (season or 0)
    if season and season > 1 and seasoned.any():
        back = season * np.ceil(steps / season).astype(int)
        rows = np.maximum(origins[:, None] - 1 + steps[None, :] - back[None, :], 0)
        out["seasonal_naive"] = np.where(seasoned[:, None], y[rows], np.nan)
    slope = (last - y[starts]) / np.maximum(origins - 1 - starts, 1)
    out["drift"] = last[:, None] + slope[:, None] * steps[None, :]
    return out


def reference(methods: dict[str, pd.DataFrame]) -> str:
    return "seasonal_naive" if "seasonal_naive" in methods else "naive"


def aggregate(methods: dict[str, pd.DataFrame]) -> dict:
    """Per method: the mean MASE over the series that have one, the geometric mean of its MASE
    relative to the reference rule's, and on how many series it beats that rule (by MAE)."""
    ref = methods[reference(methods)]
    out = {"reference": reference(methods), "series": int(ref["mae"].notna().sum()),
           # those with a MASE: a series that never changed in training has none
           "scored": int(np.isfinite(ref["mase"].to_numpy()).sum())}
    for name, table in methods.items():
        mase = table["mase"].to_numpy()
        both = np.isfinite(mase) & np.isfinite(ref["mase"].to_numpy()) & (ref["mase"] > 0)
        relative = mase[both] / ref["mase"].to_numpy()[both]
        relative = relative[relative > 0]
        beats = (table["mae"] < ref["mae"]) & table["mae"].notna()
        out[name] = {
            "mase": _number(np.nanmean(mase) if np.isfinite(mase).any() else np.nan),
            "relative_mase": _number(np.exp(np.mean(np.log(relative))) if len(relative) else np.nan),
            "smape": _number(table["smape"].mean()),
            "beats_reference": int(beats.sum())}
    return out


def lstm_better(summary: dict) -> bool:
    """Whether the LSTM's panel MASE is below the reference rule's as the verdict writes them
    (two decimals): 4.850 against 4.852 is not a win a reader can see."""
    lstm, rule = summary["lstm"]["mase"], summary[summary["reference"]]["mase"]
    return lstm is not None and rule is not None and round(lstm, 2) < round(rule, 2)


def lstm_ties_rule(summary: dict) -> bool:
    """Whether the LSTM's panel MASE and the reference rule's read the same as the verdict
    writes them (two decimals): "no better than that rule", not worse."""
    lstm, rule = summary["lstm"]["mase"], summary[summary["reference"]]["mase"]
    return lstm is not None and rule is not None and round(lstm, 2) == round(rule, 2)


def verdict(summary: dict, labels: dict | None = None, why: str = "") -> str:
    """On how many series the LSTM beat the reference rule, and the panel MASE of both ("the
    LSTM beats seasonal naive on 312 of 414 series; panel MASE 0.91 against 1.19"); with the
    statistical models (``labels`` names them), the best of them on the test span and the
    recommended forecast (``why``)."""
    ref, n = summary["reference"], summary["series"]
    lstm, rule = summary["lstm"], summary[ref]
    values = dict(rule=tr(BASELINE_NAMES[ref]), beats=lstm["beats_reference"], series=n,
                  lstm=lstm["mase"], reference=rule["mase"])
    better = lstm_better(summary)
    if lstm["mase"] is not None and rule["mase"] is not None:
        sentence = (tr("The LSTM beats {rule} on {beats:,} of {series:,} series; panel MASE "
                       "{lstm:.2f} against {reference:.2f} (lower is better): one model for the "
                       "whole panel is better than that rule.", **values) if better else
                    tr("The LSTM beats {rule} on {beats:,} of {series:,} series; panel MASE "
                       "{lstm:.2f} against {reference:.2f} (lower is better): one model for the "
                       "whole panel is no better than that rule.", **values))
    else:
        sentence = (tr("The LSTM beats {rule} on {beats:,} of {series:,} series (lower is "
                       "better): one model for the whole panel is better than that rule.",
                       **values) if better else
                    tr("The LSTM beats {rule} on {beats:,} of {series:,} series (lower is "
                       "better): one model for the whole panel is no better than that rule.",
                       **values))
    fitted = [k for k in STATISTICAL if k in summary and summary[k]["mase"] is not None]
    if not fitted or lstm["mase"] is None:
        return sentence
    best = min(fitted, key=lambda k: summary[k]["mase"])
    stat_mase = summary[best]["mase"]
    values = dict(model=STATISTICAL[best], mase=stat_mase)
    best_said = (tr("Of the statistical models fitted to each series, {model} did best on the "
                    "test span (panel MASE {mase:.2f}); the LSTM's is lower, so better.", **values)
                 if lstm["mase"] < stat_mase else
                 tr("Of the statistical models fitted to each series, {model} did best on the "
                    "test span (panel MASE {mase:.2f}); the LSTM's is higher, so worse.", **values))
    return sentences(sentence, best_said, why if why == why.strip() else why.strip())


def _number(value: float) -> float | None:
    return None if not np.isfinite(value) else round(float(value), 4)
