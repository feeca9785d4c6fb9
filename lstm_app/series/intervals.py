"""Prediction intervals by split conformal prediction on validation residuals, one width per horizon step.

On the validation windows (which the network never trained on), the absolute error of each
horizon step h is collected; the interval at level 1-α is ŷ ± q_h, where q_h is the
⌈(n+1)(1-α)⌉-th smallest of the n errors. If those windows look like the test windows, about
(1-α) of future values fall inside. The measured test coverage says whether they did.
"""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
import pandas as pd

LEVELS = (80, 95)


def conformal_widths(val_true: np.ndarray, val_pred: np.ndarray, level: int) -> tuple[np.ndarray, bool]:
    """Half-widths ``(horizon,)`` at ``level`` percent; the flag is False when there were too few
    validation windows for the guarantee, in which case the largest error is used."""
    errors = np.sort(np.abs(val_true - val_pred), axis=0)  # (windows, horizon)
    n = errors.shape[0]
    rank = math.ceil((n + 1) * level / 100)
    enough = rank <= n
    return errors[min(rank, n) - 1], enough


def widths(val_true: np.ndarray, val_pred: np.ndarray) -> tuple[dict[int, np.ndarray], list[int]]:
    """Half-widths ``(horizon,)`` for every level in ``LEVELS``, and the levels whose width had
    to be estimated.

    With enough validation windows each level is its conformal quantile. With too few for a
    level (the guarantee would need more windows than there are), the largest error is not
    wide enough to tell 95% from 80%: that level's width is then the width a normal error of
    the validation errors' root mean square would have, and never less than the largest error
    or than a narrower level's width scaled as a normal error would be.
    """
    errors = np.abs(val_true - val_pred)                      # (windows, horizon)
    rms = np.sqrt(np.mean(errors ** 2, axis=0))               # (horizon,)
    result, estimated = {}, []
    for level in sorted(LEVELS):
        width, enough = conformal_widths(val_true, val_pred, level)
        if not enough:
            z = NormalDist().inv_cdf(0.5 + level / 200)
            width = np.maximum(width, z * rms)
            for lower, lower_width in result.items():
                ratio = z / NormalDist().inv_cdf(0.5 + lower / 200)
                width = np.maximum(width, ratio * lower_width)
            estimated.append(level)
        result[level] = width
    return result, estimated


def coverage(y_true: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> float:
    """Share of actual values inside [lower, upper]."""
    return float(np.mean((y_true >= lower) & (y_true <= upper)))


def grouped_widths(errors: np.ndarray, group: np.ndarray, n: int,
                   pooled: dict[int, np.ndarray]) -> dict[int, np.ndarray]:
    """Half-widths ``(n, horizon)`` per group (a panel's series) and level: each group's own
    conformal quantile of its absolute ``errors`` ``(windows, horizon)`` where it has enough
    windows for the level's guarantee, else the ``pooled`` width of all groups. Computed for
    every group at once (one sort). A group with enough windows for its own 80% width but
    not its own 95% one would take the pooled 95% width, narrower than its own 80% one where
    its errors are larger than most: each wider level is at least the narrower one scaled by
    the pooled ratio between them, so the bands always nest."""
    counts = np.bincount(group, minlength=n)
    first = np.concatenate([[0], np.cumsum(counts)[:-1]])
    out = {}
    ranked = np.empty_like(errors)
    for step in range(errors.shape[1]):  # a horizon's steps: a few, not the series
        by_group = np.lexsort((errors[:, step], group))
        ranked[:, step] = errors[by_group, step]
    for level in LEVELS:
        rank = np.ceil((counts + 1) * level / 100).astype(int)
        own = (rank <= counts) & (counts > 0)
        width = np.repeat(pooled[level][None, :], n, axis=0)
        picks = (first + rank - 1)[own]
        width[own] = ranked[picks]
        narrower = [lower for lower in out if lower < level]
        if narrower:
            lower = max(narrower)
            ratio = np.divide(pooled[level], pooled[lower], out=np.ones_like(pooled[level]),
                              where=pooled[lower] > 0)
            width = np.maximum(width, out[lower] * np.maximum(ratio, 1.0)[None, :])
        out[level] = width
    return out


def floor_of(train_y: np.ndarray) -> float | None:
    """A series never negative in its training span is not forecast below zero either."""
    return 0.0 if train_y.min() >= 0 else None


def floored(values: np.ndarray, floor: float | None) -> np.ndarray:
    return values if floor is None else np.maximum(values, floor)


def future_table(index: pd.Index, pred: np.ndarray, widths: dict,
                 floor: float | None) -> pd.DataFrame:
    """A forecast after the last observation, in original units, with its intervals."""
    frame = pd.DataFrame({"time": index, "forecast": pred})
    for level, w in widths.items():
        frame[f"lower_{level}"], frame[f"upper_{level}"] = floored(pred - w, floor), pred + w
    return frame
