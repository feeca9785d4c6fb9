"""Which column of a file holds its dates: the one asked for, else the first named like time
(in English or Chinese) whose cells read as dates, else the first other column that clearly
holds dates; none (row order), said, where no column does."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from lstm_app.csv_table import column_after_column
from lstm_app.i18n import N_, tr
from lstm_app.quoting import listed, quoted
from lstm_app.series.dates import DATE_SAMPLE_ROWS, parse_dates

NO_TIME_COLUMN = N_("(none: use row order)")  # a widget's value: shown with tr, compared as it is
DATE_SAMPLE_CELLS = 100_000  # cells in all that judge which columns could hold dates
UNKNOWN_TIME_COLUMN = N_("The column {column} is not in this file; choose one of: {choices}.")
NOT_DATES = N_("The column {column} does not hold dates that could be read; choose another time column or row order.")
NO_ROW_ORDER_NOTICE = N_("No date column was found, so row order is used as the time axis.")
UNREAD_TIME_NOTICE = N_("The column {column} is named like a time column, but its cells (such as "
                        "{example}) could not be read as dates, so row order is used as the time "
                        "axis. Write its dates as 2024-01-31, 31/01/2024, 2024-01, 2024Q1 or "
                        "2024-W05 to forecast by date.")

TIME_WORDS = {"date", "time", "timestamp", "datetime", "month", "year", "period", "day", "week", "ds"}
CHINESE_TIME_WORDS = ("日期", "时间", "時間", "月份", "年份", "年月", "日付")  # within a name


def find_time_column(table: pd.DataFrame, time_col: str | None, notices: list[str]) -> tuple:
    if time_col == NO_TIME_COLUMN:
        return None, None
    if time_col is not None:
        if time_col not in table.columns:
            choices = listed(table.columns, limit=10)
            raise ValueError(tr(UNKNOWN_TIME_COLUMN, column=quoted(time_col), choices=choices))
        times = parse_dates(table[time_col], named_like_time=True, first=True, notices=notices)
        if times is None:
            raise ValueError(tr(NOT_DATES, column=quoted(time_col)))
        return time_col, times
    # Columns named like time come first, then the others that could hold dates, left to right.
    named = [c for c in table.columns if TIME_WORDS & set(re.split(r"[^a-z]+", c.lower()))
             or any(word in c for word in CHINESE_TIME_WORDS)]
    others = [c for c, could in zip(table.columns, _could_be_dates(table)) if could and c not in named]
    for column in named + others:
        found: list[str] = []
        # A column named like time may hold a few unreadable dates; any other must be clearly dates.
        times = parse_dates(table[column], named_like_time=column in named, first=column == table.columns[0],
                             notices=found, min_share=0.5 if column in named else 0.9)
        if times is not None:
            notices.extend(found)
            return column, times
    if named:  # (a column of dates in a form not read would otherwise go unsaid)
        cells = table[named[0]].dropna()
        if len(cells):  # the example: a cell not read as a date
            read = parse_dates(cells, named_like_time=True, first=False, notices=[], min_share=0)
            unread = cells if read is None else cells[read.isna().to_numpy()]
            notices.append(tr(UNREAD_TIME_NOTICE, column=quoted(named[0]),
                              example=quoted((unread if len(unread) else cells).iloc[0], 40)))
            return None, None
    notices.append(tr(NO_ROW_ORDER_NOTICE))
    return None, None


def _could_be_dates(table: pd.DataFrame) -> np.ndarray:
    """Per column, whether its first rows could be dates, judged for all columns at once: a
    column of plain numbers (other than 8-digit 20240131s and 4-digit years) or of cells without
    a digit is not, so a file of many columns does not try a date parser on each."""
    # A file of thousands of columns is judged on fewer rows of each (at least 10).
    sample = table.head(max(10, min(DATE_SAMPLE_ROWS, DATE_SAMPLE_CELLS // max(table.shape[1], 1))))
    rows, width = sample.shape
    if not rows or not width:
        return np.ones(width, dtype=bool)
    cells = column_after_column(sample)
    column = np.repeat(np.arange(width), rows)

    def share(pattern: str) -> np.ndarray:
        hits = cells.str.fullmatch(pattern, na=False).to_numpy()
        return np.bincount(column, weights=hits, minlength=width) / np.maximum(present, 1)

    present = np.bincount(column, weights=cells.notna().to_numpy(), minlength=width)
    numbers = (share(r"[-+]?\d+(?:[.,]\d+)?") > 0.5) & (share(r"\d{8}") < 1) & (share(r"\d{4}") < 1)
    digits = share(r".*\d.*") > 0
    return (present < 2) | (~numbers & digits)
