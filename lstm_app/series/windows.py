"""Chronological splits, the leak-free Scaler, and sliding windows built as views.

Windows of ``range(10)`` with lookback 3 and horizon 2 (the input rows, then the target rows)::

    window 0:  [0 1 2] -> [3 4]      origin 3 (the first target row)
    window 1:  [1 2 3] -> [4 5]      origin 4
    ...
    window 5:  [5 6 7] -> [8 9]      origin 8

``make_windows`` returns both stacks as strided views of the one series tensor: no window is
copied. A batch copies only its own rows when it is gathered by index.

A span owns the windows whose *targets* lie inside it; their inputs may reach back into the
span before it, which is fine: those values are in the past at the forecast origin.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

import numpy as np

from ..i18n import sentences, tr
from .metrics import FLAT_SHARE

if TYPE_CHECKING:  # only named in annotations: loading a series needs no PyTorch
    import torch


@dataclass(frozen=True)
class Split:
    """Row ranges [start, end) of the three chronological spans."""

    train: tuple[int, int]
    val: tuple[int, int]
    test: tuple[int, int]


def rows_for(size: float, n_rows: int) -> int:
    """A span size given as a fraction below 1 of the rows, or as a number of rows."""
    if size < 0:
        raise ValueError(tr("A split size cannot be negative (got {size:g}).", size=size))
    return int(round(size * n_rows)) if size < 1 else int(size)


def minimum_rows(lookback: int, horizon: int) -> int:
    """One training window, plus one window each for validation and test."""
    return lookback + 3 * horizon


def _training_rows(n_rows: int, val_size: float, test_size: float, horizon: int) -> int:
    """The rows the training span keeps once validation and test hold a horizon each."""
    return (n_rows - max(rows_for(val_size, n_rows), horizon)
            - max(rows_for(test_size, n_rows), horizon))


def _fewer_rows_advice(n_rows: int, val_size: float, test_size: float, lookback: int,
                       horizon: int, lookback_for: Callable[[int], int] | None) -> str:
    """What to change when ``n_rows`` are too few for the lookback and the horizon: the
    longest horizon (else lookback) that trains, or more values. Where the lookback is "auto"
    (``lookback_for`` gives it for each horizon: a shorter horizon may leave room for a longer
    one), the horizon named is one that trains with the lookback it then gets."""
    if n_rows < minimum_rows(1, 1):
        return tr("Even a lookback and a horizon of 1 step need {least} values; add more "
                  "values.", least=minimum_rows(1, 1))
    if _training_rows(n_rows, val_size, test_size, 1) < 2:  # the spans asked for leave none
        return tr("The validation and test spans ({val:,} and {test:,} rows) leave too few rows "
                  "to train on; make them smaller, or add more values.",
                  val=rows_for(val_size, n_rows), test=rows_for(test_size, n_rows))
    lookback_for = lookback_for or (lambda _: lookback)
    fits = lambda h: _training_rows(n_rows, val_size, test_size, h) >= lookback_for(h) + h
    most, longest = 0, min(horizon - 1, n_rows // 3)  # the longest that fits, found by halving
    while most < longest:  # (what fits shrinks as the horizon grows)
        middle = (most + longest + 1) // 2
        most, longest = (middle, longest) if fits(middle) else (most, middle - 1)
    if most:
        return tr("Choose a horizon of at most {most} or a shorter lookback, or add more "
                  "values.", most=most)
    most = _training_rows(n_rows, val_size, test_size, horizon) - horizon
    if most >= 1:
        return tr("Choose a lookback of at most {most} or a shorter horizon, or add more "
                  "values.", most=most)
    return tr("Choose a shorter lookback and horizon: the lookback and three horizons must fit "
              "in {rows} values.", rows=n_rows)


def split_rows(n_rows: int, val_size: float, test_size: float, lookback: int, horizon: int,
               column: str = "value", lookback_for: Callable[[int], int] | None = None
               ) -> tuple[Split, list[str]]:
    """Split ``n_rows`` chronologically; validation and test each get at least ``horizon`` rows.
    Too few rows are refused with the settings that would fit (``lookback_for``: the lookback
    "auto" gives each horizon, where the lookback is auto)."""
    need = minimum_rows(lookback, horizon)
    if n_rows < need:
        raise ValueError(sentences(tr(
            "The column '{column}' has {rows} numeric values; with lookback {lookback} and "
            "horizon {horizon} at least {needed} are needed.", column=column, rows=n_rows,
            lookback=lookback, horizon=horizon, needed=need),
            _fewer_rows_advice(n_rows, val_size, test_size, lookback, horizon, lookback_for)))
    notices = []
    n_val, n_test = rows_for(val_size, n_rows), rows_for(test_size, n_rows)
    if n_val < horizon:
        notices.append(tr("The validation span was raised to {horizon} rows so that it holds at "
                          "least one full horizon.", horizon=horizon))
    if n_test < horizon:
        notices.append(tr("The test span was raised to {horizon} rows so that it holds at least "
                          "one full horizon.", horizon=horizon))
    n_val, n_test = max(n_val, horizon), max(n_test, horizon)
    n_train = n_rows - n_val - n_test
    if n_train < lookback + horizon:
        raise ValueError(tr(
            "With {rows} rows, a validation span of {val} and a test span of {test} leave "
            "{train} rows for training, but lookback {lookback} plus horizon {horizon} needs "
            "{needed}; make the validation or test span smaller, or the lookback shorter.",
            rows=n_rows, val=n_val, test=n_test, train=max(n_train, 0), lookback=lookback,
            horizon=horizon, needed=lookback + horizon))
    return Split((0, n_train), (n_train, n_train + n_val), (n_train + n_val, n_rows)), notices


def spread_or_one(std: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """Standard deviations as scales: 1 where a column (a series) is constant, that is where
    it spreads by no more than float64's rounding of its size (a fixed floor of 1e-12 took a
    series of values near 1e-14 for a constant one, and its forecast came out near 0.05)."""
    return np.where(std > FLAT_SHARE * (np.abs(mean) + std), std, 1.0)


class Scaler:
    """Standardises each column to mean 0 and standard deviation 1, fitted on one span only."""

    def fit(self, values: np.ndarray, leave: int = 0) -> "Scaler":
        """Fit on ``values``; its last ``leave`` columns (inputs already on a small scale: the
        calendar, holidays) are left as they are."""
        values = np.asarray(values, dtype=np.float64).reshape(len(values), -1)
        self.mean_ = values.mean(axis=0)
        self.std_ = spread_or_one(values.std(axis=0), self.mean_)  # a constant one: centred
        if leave:
            self.mean_[-leave:], self.std_[-leave:] = 0.0, 1.0
        return self

    def transform(self, values: np.ndarray) -> np.ndarray:
        """Scale an array whose last axis holds the fitted columns."""
        return (np.asarray(values, dtype=np.float64) - self.mean_) / self.std_

    def inverse_transform(self, values: np.ndarray, column: int | None = None) -> np.ndarray:
        """Undo ``transform``; with ``column``, ``values`` hold that one column only, any shape."""
        values = np.asarray(values, dtype=np.float64)
        if column is None:
            return values * self.std_ + self.mean_
        return values * self.std_[column] + self.mean_[column]

    def to_dict(self) -> dict:
        return {"mean": self.mean_.tolist(), "std": self.std_.tolist()}

    @classmethod
    def from_dict(cls, state: dict) -> "Scaler":
        scaler = cls()
        scaler.mean_ = np.asarray(state["mean"], dtype=np.float64)
        scaler.std_ = np.asarray(state["std"], dtype=np.float64)
        return scaler


def make_windows(values: torch.Tensor, lookback: int, horizon: int) -> tuple[torch.Tensor, torch.Tensor]:
    """All windows of a (rows, features) series as views; targets are column 0.

    Returns inputs ``(windows, lookback, features)`` and targets ``(windows, horizon)``, where
    ``windows = rows - lookback - horizon + 1`` and window ``i`` has origin ``i + lookback``.
    """
    inputs = values[:-horizon].unfold(0, lookback, 1).transpose(1, 2)  # (windows, lookback, features)
    targets = values[lookback:, 0].unfold(0, horizon, 1)                # (windows, horizon)
    return inputs, targets


def window_ids(span: tuple[int, int], lookback: int, horizon: int, stride: int = 1) -> np.ndarray:
    """Indices of the windows whose targets lie inside ``span``: one per origin, every ``stride`` rows."""
    first_origin = max(span[0], lookback)
    last_origin = span[1] - horizon
    return np.arange(first_origin, last_origin + 1, max(1, stride)) - lookback
