"""Scoring a backtest: the LSTM and the baselines on the same windows, intervals, and the verdict."""

from __future__ import annotations

import numpy as np

from . import baselines, intervals
from .metrics import Scores, all_metrics, mae, mase_scale, mse

BASELINE_NAMES = {"naive": "naive (last value)", "seasonal_naive": "seasonal naive",
                  "drift": "drift"}


def baseline_forecasts(y: np.ndarray, origins: np.ndarray, horizon: int,
                       season_length: int | None) -> dict[str, np.ndarray]:
    """Each baseline's forecasts for the given origins; without a usable season, seasonal naive is naive."""
    usable = season_length and season_length > 1 and season_length <= origins.min()
    return {
        "naive": baselines.naive(y, origins, horizon),
        "seasonal_naive": (baselines.seasonal_naive(y, origins, horizon, season_length)
                           if usable else baselines.naive(y, origins, horizon)),
        "drift": baselines.drift(y, origins, horizon),
    }


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
    """Half-widths per horizon step for each level, and notices when validation was too short."""
    widths, notices = {}, []
    for level in intervals.LEVELS:
        widths[level], enough = intervals.conformal_widths(val_actual, val_pred, level)
        if not enough:
            notices.append(f"The validation span has only {len(val_actual)} windows, too few for a "
                           f"guaranteed {level}% interval; the largest validation error is used, "
                           f"so check the measured coverage.")
    return widths, notices


def measured_coverage(actual: np.ndarray, predicted: np.ndarray, widths: dict[int, np.ndarray]) -> dict:
    return {str(level): intervals.coverage(actual, predicted - w, predicted + w)
            for level, w in widths.items()}


def _score_of(row: Scores) -> tuple[str, float]:
    return ("MASE", row.mase) if row.mase is not None else ("MAE", row.mae)


def _against_best(lstm: Scores, baseline_rows: dict[str, Scores]) -> tuple[str, float, str, float]:
    """The metric used, the LSTM's score, the best baseline's name and its score."""
    metric, lstm_score = _score_of(lstm)
    best = min(baseline_rows, key=lambda name: _score_of(baseline_rows[name])[1])
    return metric, lstm_score, best, _score_of(baseline_rows[best])[1]


def lstm_wins(lstm: Scores, baseline_rows: dict[str, Scores]) -> bool:
    """True when the LSTM beats the best baseline by more than 1% (the verdict's own rule)."""
    _, lstm_score, _, best_score = _against_best(lstm, baseline_rows)
    return lstm_score < best_score and best_score - lstm_score > 0.01 * best_score


def verdict(lstm: Scores, baseline_rows: dict[str, Scores]) -> str:
    """One sentence: does the LSTM beat the best baseline on the test span, and by how much?"""
    metric, lstm_score, best, best_score = _against_best(lstm, baseline_rows)
    label = BASELINE_NAMES[best]
    if abs(lstm_score - best_score) <= 0.01 * max(lstm_score, best_score):
        return (f"The LSTM's {metric} is within 1% of {label}'s, the best of the three baselines, "
                f"on the test span: it adds nothing over that simple rule yet.")
    if lstm_score < best_score:
        gain = 100 * (best_score - lstm_score) / best_score if best_score > 0 else 0.0
        return (f"The LSTM's {metric} is {gain:.0f}% lower than {label}'s, the best of the three "
                f"baselines, on the test span.")
    gap = 100 * (lstm_score - best_score) / lstm_score if lstm_score > 0 else 0.0
    return (f"{label[0].upper() + label[1:]} beats this LSTM: its {metric} is {gap:.0f}% lower on the "
            f"test span, so trust {label} for this series, or try a longer lookback, more epochs "
            f"or a smaller model.")


def coverage_note(coverage: dict) -> str:
    """One sentence on whether the intervals held on the test span (empty when they did)."""
    short = [level for level in intervals.LEVELS if coverage[str(level)] < level / 100 - 0.1]
    if not short:
        return ""
    worst = short[-1]
    return (f"The intervals were too narrow on the test span: only {coverage[str(worst)]:.0%} of "
            f"actual values fell inside the {worst}% interval, so the series behaved differently "
            f"there than in the validation span; read them as optimistic.")
