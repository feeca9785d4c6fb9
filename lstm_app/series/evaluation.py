"""Scoring a backtest: the LSTM and the baselines on the same windows, intervals, and the verdict."""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import baselines, intervals
from ..i18n import N_, tr, trn
from .frequency import season_phrase
from .metrics import Scores, all_metrics, mae, mase_scale, mse

# The simple rules' names for people (English; shown with tr). The keys are the data's.
BASELINE_NAMES = {"naive": N_("naive (last value)"), "seasonal_naive": N_("seasonal naive"),
                  "drift": N_("drift")}
NUMBER_WORDS = {1: N_("one"), 2: N_("two"), 3: N_("three"), 4: N_("four"), 5: N_("five")}


def usable_season(season_length: int | None, origins: np.ndarray) -> bool:
    """A season the seasonal-naive baseline can use: longer than one step, and a whole one
    observed before every origin."""
    return bool(season_length and 1 < season_length <= origins.min())


def baseline_forecasts(y: np.ndarray, origins: np.ndarray, horizon: int,
                       season_length: int | None) -> dict[str, np.ndarray]:
    """Each baseline's forecasts for the given origins; seasonal naive only where the series
    has a season it can repeat (without one it would be naive again, under another name)."""
    forecasts = {"naive": baselines.naive(y, origins, horizon)}
    if usable_season(season_length, origins):
        forecasts["seasonal_naive"] = baselines.seasonal_naive(y, origins, horizon, season_length)
    forecasts["drift"] = baselines.drift(y, origins, horizon)
    return forecasts


def rules(season_length: int | None, freq: str | None) -> dict[str, str]:
    """What each baseline does, in everyday words (for the verdict)."""
    return {"naive": tr("repeating the last value"),
            "seasonal_naive": tr("repeating {value}", value=season_phrase(season_length, freq)),
            "drift": tr("extending the straight line from the first value to the last")}


def score(actual: np.ndarray, predicted: np.ndarray, baseline_preds: dict[str, np.ndarray],
          train_values: np.ndarray, season_length: int | None) -> tuple[Scores, dict[str, Scores]]:
    """Metric rows (original units) for the LSTM and for each baseline."""
    scale = mase_scale(train_values, season_length)
    lstm = all_metrics(actual, predicted, scale)
    return lstm, {name: all_metrics(actual, pred, scale) for name, pred in baseline_preds.items()}


def scaled_errors(actual_scaled: np.ndarray, predicted_scaled: np.ndarray) -> dict:
    """MSE and MAE on the train-standardised scale, comparable with published benchmark tables."""
    return {"mse": mse(actual_scaled, predicted_scaled), "mae": mae(actual_scaled, predicted_scaled)}


def interval_widths(val_actual: np.ndarray, val_pred: np.ndarray) -> tuple[dict[int, np.ndarray], list[str]]:
    """Half-widths per horizon step for each level (see ``intervals.widths``), and a notice when
    the validation span was too short for a guaranteed interval."""
    widths, estimated = intervals.widths(val_actual, val_pred)
    notices = [trn("The validation span has only {count} window, too few for a guaranteed "
                   "{level}% interval, so its width is estimated from the spread of the "
                   "validation errors; check the measured coverage.",
                   "The validation span has only {count} windows, too few for a guaranteed "
                   "{level}% interval, so its width is estimated from the spread of the "
                   "validation errors; check the measured coverage.", len(val_actual),
                   level=level) for level in estimated]
    return widths, notices


def measured_coverage(actual: np.ndarray, predicted: np.ndarray, widths: dict[int, np.ndarray],
                      floor: float | None = None) -> dict:
    """The share of actual values inside each level's interval (its lower bound no lower than
    ``floor``, when the series cannot go below it)."""
    lower = lambda w: predicted - w if floor is None else np.maximum(predicted - w, floor)
    return {str(level): intervals.coverage(actual, lower(w), predicted + w)
            for level, w in widths.items()}


def simple_rules(baseline_rows: dict) -> dict:
    """The rows of the simple rules (naive, seasonal naive, drift) among all the baselines."""
    return {name: row for name, row in baseline_rows.items() if name in BASELINE_NAMES}


def _best_baseline(baseline_rows: dict[str, Scores]) -> str:
    return min(baseline_rows, key=lambda name: baseline_rows[name].mae)


def lstm_wins(lstm: Scores, baseline_rows: dict[str, Scores]) -> bool:
    """True when the LSTM's errors are more than 1% smaller than the best baseline's (the
    verdict's own rule; on the same windows MAE and MASE give the same ratios)."""
    best = baseline_rows[_best_baseline(baseline_rows)].mae
    return lstm.mae < best and best - lstm.mae > 0.01 * best


def lstm_ties(lstm: Scores, baseline_rows: dict[str, Scores]) -> bool:
    """True when the LSTM's errors are within 1% of the best baseline's (the verdict's "as
    close as")."""
    best = baseline_rows[_best_baseline(baseline_rows)].mae
    return abs(lstm.mae - best) <= 0.01 * max(lstm.mae, best)


def verdict(lstm: Scores, baseline_rows: dict[str, Scores], season_length: int | None = None,
            freq: str | None = None) -> str:
    """One sentence in everyday words: were the LSTM's forecasts closer to what happened on the
    test span than the best simple rule's, and by how much?"""
    best = _best_baseline(baseline_rows)
    rule = rules(season_length, freq)[best]
    lstm_mae, best_mae = lstm.mae, baseline_rows[best].mae
    count = len(baseline_rows)
    others = tr(NUMBER_WORDS[count]) if count in NUMBER_WORDS else str(count)
    if lstm_ties(lstm, baseline_rows):
        return tr("The LSTM's forecasts were as close to what happened as {rule} (within 1%), "
                  "the best of {others} simple rules, on the test span: it adds nothing over "
                  "that rule yet.", rule=rule, others=others)
    if lstm_mae < best_mae:
        gain = (best_mae - lstm_mae) / best_mae
        return tr("The LSTM's forecasts were {gain:.0%} closer to what happened than {rule}, the "
                  "best of {others} simple rules, on the test span.", gain=gain, rule=rule,
                  others=others)
    gap = (lstm_mae - best_mae) / lstm_mae if lstm_mae > 0 else 0.0
    return tr("Simply {rule} beat the LSTM: that rule's forecasts were {gap:.0%} closer to what "
              "happened on the test span, so trust that rule for this series, or try a longer "
              "lookback, more epochs or a smaller model.", rule=rule, gap=gap)


def coverage_note(coverage: dict) -> str:
    """One sentence on whether the intervals held on the test span (empty when they did)."""
    short = [level for level in intervals.LEVELS if coverage[str(level)] < level / 100 - 0.1]
    if not short:
        return ""
    worst = short[-1]
    return tr("The intervals were too narrow on the test span: only {share:.0%} of actual values "
              "fell inside the {level}% interval, so the series behaved differently there than "
              "in the validation span; read them as optimistic.", share=coverage[str(worst)],
              level=worst)


def backtest_frame(series, origins, actual, pred, baseline_preds, widths, floor,
                   method_widths: dict | None = None) -> pd.DataFrame:
    """Long table of the test backtest: one row per forecast origin and horizon step; the
    LSTM's forecast and intervals, each baseline's forecast, and the intervals of the methods
    ``method_widths`` sizes ("auto_ets_lower_80", …: what the chart of a picked method draws)."""
    horizon = actual.shape[1]
    rows = origins[:, None] + np.arange(horizon)                       # (origins, horizon)
    index = series.frame.index
    frame = pd.DataFrame({
        "origin": np.repeat(index[origins], horizon) if series.time_col else np.repeat(origins, horizon),
        "step": np.tile(np.arange(1, horizon + 1), len(origins)),
        "time": index[rows.ravel()],
        "actual": actual.ravel(), "forecast": pred.ravel()})
    for level, w in widths.items():
        frame[f"lower_{level}"] = intervals.floored(pred - w, floor).ravel()
        frame[f"upper_{level}"] = (pred + w).ravel()
    for name, values in baseline_preds.items():
        frame[name] = values.ravel()
        for level, w in (method_widths or {}).get(name, {}).items():
            frame[f"{name}_lower_{level}"] = intervals.floored(values - w, floor).ravel()
            frame[f"{name}_upper_{level}"] = (values + w).ravel()
    return frame
