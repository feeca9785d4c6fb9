"""Owns load_series: turning the CSV a user really uploads into a clean, regular SeriesData.

What `SeriesData.frame` guarantees: a DatetimeIndex on a regular grid (`.freq` set, named after
the time column) or, without a time column, a RangeIndex named "step"; the value column first,
then the covariates; all float64, no NaN, sorted by time. Every repair is a plain-words notice.
Problems the user can fix raise a ValueError whose message is one plain sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd

from lstm_app.csv_table import read_csv_table
from lstm_app.i18n import N_, joined, sayable, tr, trn
from lstm_app.quoting import listed, quoted

from lstm_app.series.labelled_texts import labelled_texts_notice
from lstm_app.series.totals import (is_total, names_a_total, summary_rows, summed_columns,
                                    totals_in_long, unlabelled_total, unreadable_dates)
from lstm_app.series.numbers import check_magnitude, far_out, read_numbers
from lstm_app.series.panel_layout import joined_ids, propose_ids
from lstm_app.series.time_column import find_time_column
from lstm_app.series.column_choice import (BLANK_COLUMN, choose_columns, in_time_order,
                                          others_unread)
from lstm_app.series.frequency import (
    frequency_words,
    infer_frequency,
    most_common_step,
    regular_grid,
    season_length_for,
    unseen_season,
    snap_to_grid,
)


ONE_ROW = N_("The file has only one row of data; a forecast needs a series of many values over time.")
DATES_TOO_SPREAD = N_("The dates in {column} run from {first} to {last}, far longer than {rows} {label} rows "
                      "can cover; check the date column for mistyped dates.")

@dataclass(frozen=True)
class SeriesData:
    frame: pd.DataFrame  # value column first, then covariates; float64, no NaN, regular time index
    value_col: str
    covariates: tuple[str, ...]
    time_col: str | None  # None when row order is the time axis
    freq: str | None  # pandas offset alias of the grid, e.g. "h", "D", "MS"; None without time column
    freq_label: str  # plain words, e.g. "hourly", "row order (no time column)"
    season_length: int | None  # steps per season; None when none is known or found
    notices: tuple[str, ...]  # every repair, one plain sentence each
    numeric_columns: tuple[str, ...]  # columns usable as value or covariate, in file order
    name: str  # e.g. the file name
    # The rows after the last value (the value blank): the covariates as the file plans them,
    # on the same grid (NaN where blank); empty when the file ends with its last value.
    future: pd.DataFrame | None = None


def load_series(source, *, time_col: str | None = None, value_col: str | None = None,
                covariates: Sequence[str] = (), name: str | None = None) -> SeriesData:
    """Load a CSV (path, bytes or binary file-like) into a clean, regular SeriesData.

    time_col=None detects the date column; NO_TIME_COLUMN forces row order. value_col defaults
    to the right-most numeric column that a plan leaves blank or that is named as a quantity
    forecast (``column_names``); covariates default to none.
    """
    notices: list[str] = []
    table, name = read_csv_table(source, name, notices, empty_rows="inner")
    rows = table.dropna(how="all").reset_index(drop=True)
    if len(rows) < 2:
        raise ValueError(tr(ONE_ROW))
    time_col, times = find_time_column(rows, time_col, notices)
    if time_col is not None:  # (without dates, an empty row is a step: a blank, filled or asked for)
        table = rows
    ids = propose_ids(table, time_col) if time_col else []
    numbers = read_numbers(table.drop(columns=[time_col] if time_col else []), notices)
    alone = not covariates  # (the page passes the column it proposed, so not only when None)
    value_col, covariates = choose_columns(in_time_order(numbers.frame, times), value_col,
                                           covariates, notices)
    if alone and not is_total(value_col):  # (a total of the others: said below)
        notices.extend(others_unread(numbers.frame, value_col))
    labelled = labelled_texts_notice(table, numbers.frame, time_col, value_col)
    if labelled:
        notices.append(labelled)
    chosen = [value_col, *covariates]
    for column in chosen:
        notices.extend(numbers.notices(column))
    frame, table, times = _without_totals(numbers, chosen, table, ids, time_col, times, notices)
    check_magnitude(frame)
    if times is None:
        frame, freq, label = frame.reset_index(drop=True), None, "row order (no time column)"
    else:
        frame, freq, label = _onto_regular_grid(frame, times, time_col, notices, table[time_col])
    if freq is None:
        frame.index = pd.RangeIndex(len(frame), name="step")
    frame, future = _split_future(frame, value_col, notices)
    frame = _fill_from_past(frame, notices)
    notices.extend(far_out(frame))
    if freq is None:
        frame.index = pd.RangeIndex(len(frame), name="step")
        future.index = pd.RangeIndex(len(frame), len(frame) + len(future), name="step")
    season = _season(frame[value_col].to_numpy(), freq, label, notices)
    usable = tuple(numbers.frame.columns[numbers.frame.notna().any().to_numpy()])
    return SeriesData(frame, value_col, tuple(covariates), time_col, freq, label, season, tuple(notices),
                      usable, name, future)


def _without_totals(numbers, chosen: list[str], table: pd.DataFrame, ids: list[str],
                    time_col: str | None, times, notices: list[str]):
    """The chosen columns' values (with the table's rows and times) without a totals store or a
    totals row at the end, each said; a file of many stores said to be averaged."""
    value_col = chosen[0]
    frame = numbers.frame[chosen]
    if not ids:
        notices.extend(_total_of_columns(numbers.frame, value_col))
    if ids and names_a_total(table, ids):  # a totals store: left out of the average, said
        drop, said = totals_in_long(table, ids, joined_ids(table, ids), times, frame[value_col],
                                    table[time_col])
        frame, table, times = frame[~drop], table[~drop], times[~drop]
        notices.extend(said)
    count = len(table.drop_duplicates(subset=ids)) if ids else 0
    if count > 1:  # (one store left beside its total: nothing is averaged)
        notices.append(_many_series(count, ids))
    if times is None:  # a totals row at the end, said as such (with dates: an unread date)
        summary, said = summary_rows(table)
        if summary.any():
            frame = frame[~summary]
            notices.append(said)
        frame = _without_total_row(frame, value_col, notices) if not ids else frame
    return frame, table, times


def _without_total_row(frame: pd.DataFrame, value_col: str, notices: list[str]) -> pd.DataFrame:
    """``frame`` (a file without dates, in row order) less its last row where that row is the
    file's last with any cell and a total without a label (``unlabelled_total``), said; the
    empty rows above it go too (they were the space before a total, not steps)."""
    filled = np.flatnonzero(frame.notna().any(axis=1).to_numpy())
    if not len(filled) or pd.isna(frame[value_col].iloc[filled[-1]]):
        return frame  # the last row with a cell is a plan's, or none holds a value
    said = unlabelled_total(frame[value_col].iloc[:filled[-1] + 1].dropna())
    if not said:
        return frame
    notices.append(said)
    return frame.iloc[:filled[-2] + 1] if len(filled) > 1 else frame.iloc[:0]


def _season(values: np.ndarray, freq, label: str, notices: list[str]) -> int:
    """The season length the frequency and the values give; a season the values do not hold
    twice is said and not used."""
    season = season_length_for(freq, values)
    unseen = unseen_season(freq, len(values))
    if unseen:
        notices.append(tr("A {frequency} series usually repeats every {steps} steps, but its "
                          "{values:,} values do not hold that twice, so no season is used (more "
                          "data would let the forecast learn it).",
                          frequency=frequency_words(label), steps=unseen, values=len(values)))
    return season


def _split_future(frame: pd.DataFrame, value_col: str,
                  notices: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows up to the last value, and the rows after it (their covariates: planned values
    of the columns known ahead), said in ``notices``."""
    present = frame[value_col].notna().to_numpy()
    last = len(present) - int(present[::-1].argmax()) if present.any() else len(present)
    future = frame.iloc[last:].drop(columns=[value_col])
    if len(future) and future.shape[1]:
        notices.append(trn(
            "The last {count} row has no value in {column}, so it is not part of the series; "
            "its other cells are kept as the planned values of the inputs known ahead.",
            "The last {count} rows have no value in {column}, so they are not part of the "
            "series; their other cells are kept as the planned values of the inputs known "
            "ahead.", len(future), column=quoted(value_col)))
    elif len(future):
        notices.append(trn(
            "The last {count} row has no value in {column}, so it is not part of the series; it "
            "is left out (if it holds the planned value of another column, such as a "
            "promotion, choose that column as an input known ahead).",
            "The last {count} rows have no value in {column}, so they are not part of the "
            "series; they are left out (if they hold the planned values of another column, "
            "such as a promotion, choose that column as an input known ahead).", len(future),
            column=quoted(value_col)))
    return frame.iloc[:last], future


def _total_of_columns(numbers: pd.DataFrame, value_col: str) -> list[str]:
    """A sentence where the value is the total of series side by side (合计 of the stores)."""
    numeric = [c for c in numbers.columns if numbers[c].notna().any()]
    if not is_total(value_col) or value_col not in summed_columns(numbers, numeric):
        return []
    return [tr("The column {column} is the sum of other columns, the total of many series side "
               "by side: it is the series forecast here. To forecast each of them with one "
               "model, read the file as many series, one per column ({option} on the command "
               "line).", column=quoted(value_col), option="--wide")]


def _many_series(count: int, ids: list[str]) -> str:
    """The sentence for a file that holds ``count`` series side by side in rows (every store on
    every date), which one series averages into one."""
    return tr("This file holds {count:,} series, one per {ids}; read as one series their values "
              "are averaged date by date. To forecast each of them with one model, read the file "
              "as many series, one per id ({option} on the command line).", count=count,
              ids=joined(map(quoted, ids)), option="--id-col")


# ---- the time column -----------------------------------------------------------------------------------


# ---- the regular grid and missing values -----------------------------------------------------


def _onto_regular_grid(frame: pd.DataFrame, times: pd.Series, time_col: str, notices: list[str],
                       cells: pd.Series) -> tuple:
    unreadable = times.isna().to_numpy()
    if unreadable.any():
        notices.append(unreadable_dates(int(unreadable.sum()), cells[unreadable]))
    frame, index = frame[~unreadable], pd.DatetimeIndex(times[~unreadable])
    if index.nunique() < 2:
        raise ValueError(tr(ONE_ROW))
    if not index.is_monotonic_increasing:
        notices.append(tr("The rows were not in time order, so they were sorted by date."))
    freq, label, snapped = snapped_times(index, time_col, notices)
    frame = frame.set_axis(snapped).sort_index(kind="stable")
    duplicates = int(frame.index.duplicated().sum())
    if duplicates:
        frame = frame.groupby(level=0).mean()
        notices.append(trn("{count} duplicate timestamp was found; rows with the same time were "
                           "averaged into one.", "{count} duplicate timestamps were found; rows "
                           "with the same time were averaged into one.", duplicates))
    grid = regular_grid(frame.index, freq).rename(time_col)
    added = len(grid) - len(frame)
    if added:
        grid_words = _grid(label)
        if grid[1] - grid[0] < pd.Timedelta(days=1):
            notices.append(trn("{count} time was missing from the {grid} and was added.",
                               "{count} times were missing from the {grid} and were added.",
                               added, grid=grid_words))
        else:
            notices.append(trn("{count} date was missing from the {grid} and was added.",
                               "{count} dates were missing from the {grid} and were added.",
                               added, grid=grid_words))
    return frame.reindex(grid), freq, label


def snapped_times(index: pd.DatetimeIndex, time_col: str,
                  notices: list[str]) -> tuple[str, str, pd.DatetimeIndex]:
    """The frequency of ``index`` (pandas alias and plain words) and every timestamp moved onto
    its grid, said in ``notices``; refuses dates spread far wider than their count can fill
    (a mistyped year would otherwise create a huge grid of gaps)."""
    freq, label = infer_frequency(index)
    slots = (index.max() - index.min()) / most_common_step(index)
    if slots > 5 * index.nunique() + 1000:
        first, last = (day.strftime("%Y-%m-%d") for day in (index.min(), index.max()))
        raise ValueError(tr(DATES_TOO_SPREAD, column=quoted(time_col), first=first, last=last,
                            rows=index.nunique(), label=frequency_words(label)))
    snapped = snap_to_grid(index, freq)
    moved = int((snapped != index).sum())
    if moved:
        notices.append(trn("{count} timestamp did not fall exactly on the {grid} and was moved to "
                           "the nearest slot.", "{count} timestamps did not fall exactly on the "
                           "{grid} and were moved to the nearest slot.", moved,
                           grid=_grid(label)))
    return freq, label, snapped


MOSTLY_FILLED = 0.3  # a column with more than this share of its values filled in: said again


def _fill_from_past(frame: pd.DataFrame, notices: list[str]) -> pd.DataFrame:
    """Drop leading rows that have no past to fill from, then forward-fill: never look ahead."""
    blank = [c for c in frame.columns if frame[c].isna().all()]  # values only in rows with unreadable dates
    if blank:
        raise ValueError(tr(BLANK_COLUMN, column=quoted(blank[0])))
    first_valid = dict(zip(frame.columns, frame.notna().to_numpy().argmax(axis=0).tolist()))
    lead = max(first_valid.values())
    if lead:
        names = [c for c, position in first_valid.items() if position]
        late = joined(map(quoted, names)) if len(names) <= 2 else listed(names)
        notices.append(trn("The first row was dropped because {columns} had no earlier value to "
                           "fill it with.", "The first {count} rows were dropped because "
                           "{columns} had no earlier value to fill them with.", lead,
                           columns=late))
        frame = frame.iloc[lead:]
    gaps = frame.isna().sum()
    for column, missing in gaps[gaps > 0].items():
        notices.append(trn("{count} missing value in {column} was filled with the previous value "
                           "(never from the future).", "{count} missing values in {column} were "
                           "filled with the previous value (never from the future).", missing,
                           column=quoted(column)))
        if missing > MOSTLY_FILLED * len(frame):  # (a file of mixed date formats: 224 of 340)
            notices.append(tr("That is {share:.0%} of {column}: the network would learn mostly "
                              "from filled-in values. Check the file's dates and blanks before "
                              "trusting this forecast.", share=missing / len(frame),
                              column=quoted(column)))
    if len(frame) < 2:
        raise ValueError(tr(ONE_ROW))
    return frame.ffill().astype("float64")


@sayable
def _grid(label: str) -> str:
    """"daily" -> "daily grid", "every 15 minutes" -> "15-minute grid", "every minute" -> "minute
    grid"; in Chinese "每日时间网格"."""
    english = re.sub(r"^every (?:(\d+) (\w+?)s|(\w+))$", lambda m: m[3] or f"{m[1]}-{m[2]}",
                     label) + " grid"
    words = frequency_words(label)
    return english if words == label else tr("{frequency} grid", frequency=words)
