"""Which column of a file is forecast and which are read as inputs: the choice made when the
user names none (the right-most column of numbers that is not a 0/1 flag, or the one a plan of
future rows leaves blank), and the sentences where the file holds more than that choice reads.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from lstm_app.i18n import N_, tr
from lstm_app.quoting import listed, quoted
from lstm_app.series.column_names import by_name, says_calendar, says_forecast, says_input

BLANK_COLUMN = N_("The column {column} has no values (every cell is blank); choose another column or fill it in.")
UNKNOWN_COLUMN = N_("The column {column} is not a numeric column of this file; choose one of: {choices}.")


def _flags(numbers: pd.DataFrame) -> pd.Series:
    """Per column, whether it holds only 0 and 1 (a promotion on the day or not): an input."""
    return (numbers.isin([0.0, 1.0]) | numbers.isna()).all()


def others_unread(numbers: pd.DataFrame, value_col: str) -> list[str]:
    """A sentence where the file holds more columns of numbers like the one chosen (named alike:
    as what is forecast or not; not flags, inputs or parts of the calendar): a file of series
    side by side, which one series reads one of."""
    flags = _flags(numbers)
    others = [c for c in numbers.columns if c != value_col and numbers[c].notna().any()
              and not flags[c] and not says_input(c) and not says_calendar(c)
              and says_forecast(c) == says_forecast(value_col)]
    if len(others) < 2:
        return []
    return [tr("{column} is forecast from its own past; the {count:,} other columns of numbers "
               "({names}) are not read. Choose them as inputs to read them, or read the file as "
               "many series, one per column ({option} on the command line), to forecast each.",
               column=quoted(value_col), count=len(others), names=listed(others),
               option="--wide")]


# ---- choosing the columns -------------------------------------------------------------------


def in_time_order(frame: pd.DataFrame, times: pd.Series | None) -> pd.DataFrame:
    """The rows of ``frame`` with a date that reads, in time order (where a plan of future
    rows is looked for: a totals row dated "合计" under it, or a file of many series, each with
    its own plan after its values, hid it); ``frame`` as it is without dates."""
    if times is None:
        return frame
    order = np.argsort(times.to_numpy(), kind="stable")  # (NaT last)
    return frame.iloc[order[:int(times.notna().sum())]]


PLAN_ROWS = 2  # a value blank in the last row alone is a missing value, not yet a plan


def _planned(numbers: pd.DataFrame, columns: list[str]) -> list[str]:
    """Of ``columns``, those the last PLAN_ROWS rows or more of the file leave blank while
    another column is filled, and that have no other blank: the target, if the file ends with a
    plan (worked out for every column at once)."""
    if len(numbers) <= PLAN_ROWS or not columns:
        return []
    filled = numbers.notna().to_numpy()
    present = numbers[columns].notna().to_numpy()
    tails = present[::-1].argmax(axis=0)  # the blanks after each column's last value
    whole = present.sum(axis=0) == len(present) - tails  # no blank before them
    others = filled.sum(axis=1) > 0  # rows with some column filled
    return [c for c, tail, ok in zip(columns, tails, whole)
            if ok and tail >= PLAN_ROWS and others[len(others) - tail:].all()]


def choose_columns(numbers: pd.DataFrame, value_col: str | None, covariates: Sequence[str],
                   notices: list[str] | None = None) -> tuple:
    has_values = list(numbers.columns[numbers.notna().any().to_numpy()])
    if value_col is None:
        # The right-most column, passing over 0/1 flags (a "promo" column is a covariate, not
        # the target) and the columns chosen as covariates.
        flags = _flags(numbers).to_numpy()
        free = [c for c in numbers.columns if c not in covariates]
        measures = [c for c, flag in zip(numbers.columns, flags)
                    if c in has_values and c in free and not flag]
        # A file that ends with a plan (rows blank in the target, filled in the inputs known
        # ahead): the target is among the columns those rows alone leave blank.
        planned = _planned(numbers, measures)
        # A plan's target made an input (or an input whose last values are not in yet): said.
        blank = [c for c in _planned(numbers, list(has_values)) if c in covariates]
        if blank and not planned and notices is not None:
            notices.append(tr(
                "{column} is blank in the file's last rows, where a plan of future values "
                "usually follows the column being forecast; it is read as an input here, as "
                "asked (its blanks filled from the value before). To forecast {column}, leave "
                "it out of the inputs.", column=quoted(blank[-1])))
        if planned:
            measures = planned
        measures = by_name(measures)  # "Net Sales ($)" before the "Avg Price" right of it
        if has_values and not any(c in free for c in has_values):
            raise ValueError(tr("Every column of numbers is chosen as an input ({columns}), so "
                                "none is left to forecast: leave the column to forecast out of "
                                "the inputs and the columns known ahead.",
                                columns=listed(has_values)))
        value_col = (measures or [c for c in has_values if c in free] or free
                     or list(numbers.columns))[-1]
    covariates = [c for c in dict.fromkeys(covariates) if c != value_col]
    for column in [value_col, *covariates]:
        if column not in numbers.columns:  # an input's choices leave out the column forecast
            choices = listed([c for c in has_values if column == value_col or c != value_col],
                             limit=10)
            raise ValueError(tr(UNKNOWN_COLUMN, column=quoted(column),
                                choices=choices or tr("none"))
                             if choices or column == value_col else
                             tr("The column {column} is not a numeric column of this file, and "
                                "the file has no other column of numbers to read as an input: "
                                "leave the inputs out.", column=quoted(column)))
        if numbers[column].isna().all():
            raise ValueError(tr(BLANK_COLUMN, column=quoted(column)))
    return value_col, covariates
