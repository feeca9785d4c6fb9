"""The planned values of a second file (``--future FUTURE.csv``, the page's future upload): the
time column, then the columns known ahead, put on the series' own grid after its last value.
Every row or column left out is said; a file that cannot be read is one sentence."""

from __future__ import annotations

from dataclasses import replace
from typing import Sequence

import numpy as np
import pandas as pd
from pandas.tseries.frequencies import to_offset
from pandas.tseries.offsets import Tick

from lstm_app.csv_table import read_csv_table
from lstm_app.i18n import tr, trn
from lstm_app.quoting import listed, quoted
from lstm_app.series.dates import parse_dates
from lstm_app.series.frequency import snap_to_grid
from lstm_app.series.known import times_in_words
from lstm_app.series.loading import SeriesData
from lstm_app.series.time_column import find_time_column
from lstm_app.series.numbers import not_numbers, read_numbers


def check_future_option(config, option: str, future) -> None:
    """Refuse, before the data is read, a file of planned values (``future``, given as
    ``option``) that the settings ``config`` cannot use: for many series, or with no column
    known ahead."""
    if future is None:
        return
    if config.panel:
        raise ValueError(tr("A file of planned values ({option}) is read for one series; for a "
                            "file of many series, write the plan into it as rows after each "
                            "series' last value (the value blank, the columns known ahead "
                            "filled) and leave {option} out.", option=option))
    if not config.known_covariates:
        raise ValueError(tr("A file of planned values ({option}) holds the values of the columns "
                            "known ahead: name them with {known} (or leave {option} out).",
                            option=option, known="--known-covariates"))


def with_future(source, series: SeriesData, name: str | None = None,
                known: Sequence[str] = ()) -> SeriesData:
    """``series`` with the planned values of a second file (the time column, then the columns
    known ahead), which win over the file's own future rows; a ValueError in one sentence
    when it cannot be read. What the file does not plan of the ``known`` columns, and rows
    dated up to the series' last value, are said."""
    notices: list[str] = []
    planned, name = _read_future(source, series, name, notices, known)
    label = quoted(name)
    if series.time_col is not None and len(planned):
        last = series.frame.index[-1]
        early = planned.index <= last
        if early.all():
            notices.append(tr("None of the dates of the future file {name} comes after the "
                              "series' last value ({last}): it plans nothing to forecast.",
                              name=label, last=times_in_words(pd.DatetimeIndex([last]))))
        elif early.any():
            notices.append(trn("{count} row of the future file {name} is dated up to the "
                               "series' last value ({last}) and was not read.", "{count} rows of "
                               "the future file {name} are dated up to the series' last value "
                               "({last}) and were not read.", int(early.sum()), name=label,
                               last=times_in_words(pd.DatetimeIndex([last]))))
        planned = planned[~early]
    unplanned = [c for c in known if c not in planned.columns]
    if unplanned:
        notices.append(trn("The future file {name} has no column {columns}, though it is known "
                           "ahead: its planned values must come from the data file's own rows "
                           "after its last value.", "The future file {name} has no columns "
                           "{columns}, though they are known ahead: their planned values must "
                           "come from the data file's own rows after its last value.",
                           len(unplanned), name=label, columns=listed(unplanned)))
    future = planned if series.future is None else planned.combine_first(series.future)
    notices += _replaced(planned, series.future, label)
    return replace(series, future=future, notices=series.notices + tuple(notices))


def _replaced(planned: pd.DataFrame, own: pd.DataFrame | None, label: str) -> list[str]:
    """A sentence where the future file's values replace other values the data file planned
    itself (its rows after the last value), with the first one: the file wins, said."""
    if own is None:
        return []
    columns = [c for c in planned.columns if c in own.columns]
    dates = planned.index.intersection(own.index)
    if not columns or not len(dates):
        return []
    new, old = planned.loc[dates, columns], own.loc[dates, columns]
    differ = (new.notna() & old.notna() & (new != old)).to_numpy()
    if not differ.any():
        return []
    row, col = (int(i[0]) for i in np.nonzero(differ))
    return [trn("The future file {name} replaces {count} value the data file planned itself "
                "({column} on {date}: {old:g} becomes {new:g}).", "The future file {name} "
                "replaces {count} values the data file planned itself (for example {column} on "
                "{date}: {old:g} becomes {new:g}).", int(differ.sum()), name=label,
                column=quoted(columns[col]), date=times_in_words(dates[row:row + 1]),
                old=old.iat[row, col], new=new.iat[row, col])]


def _read_future(source, series: SeriesData, name: str | None, notices: list[str],
                 known: Sequence[str] = ()) -> tuple[pd.DataFrame, str]:
    """The planned values of a second file on the series' grid, and the file's name; every
    row or column left out, and every repair in the ``known`` columns, is said in
    ``notices``."""
    table, name = read_csv_table(source, name, notices)
    if series.time_col is None:  # row order: its rows follow the last value, one by one
        numbers = _planned_numbers(table, name, notices, known)
        numbers.index = pd.RangeIndex(len(series.frame), len(series.frame) + len(numbers),
                                      name=series.frame.index.name)
        return numbers, name
    column = series.time_col if series.time_col in table.columns else None
    if column is None or len(table) < 2:
        column, times = find_time_column(table, column, notices) if len(table) > 1 else \
            (column or table.columns[0], None)
        if times is None and column in table.columns:  # one row: read its date as it is
            times = pd.to_datetime(table[column], errors="coerce")
    else:
        times = parse_dates(table[column], named_like_time=True, first=True, notices=notices)
    if times is None or times.isna().all():
        raise ValueError(tr("The future file {name} has no dates that could be read; give it "
                            "the column {column} with the dates to forecast.", name=quoted(name),
                            column=quoted(series.time_col)))
    numbers = _planned_numbers(table.drop(columns=[column]), name, notices, known)
    readable = times.notna().to_numpy()
    if not readable.all():
        notices.append(trn("{count} row of the future file whose date could not be read was "
                           "left out.", "{count} rows of the future file whose date could not "
                           "be read were left out.", int((~readable).sum())))
    given = pd.DatetimeIndex(times[readable])
    index = _onto_grid_after(given, series)
    moved = np.flatnonzero(given != index)
    if len(moved):  # (a plan dated 13:00 of each day was moved to the next day, unsaid)
        notices.append(trn(
            "{count} date of the future file is not on the series' own grid: {given} was read "
            "as {read}.", "{count} dates of the future file are not on the series' own grid "
            "(for example {given} was read as {read}); each was read as the step it falls in.",
            len(moved), given=times_in_words(given[moved[:1]]),
            read=times_in_words(index[moved[:1]])))
    numbers = numbers[readable].set_axis(index.rename(series.frame.index.name))
    twice = int(numbers.index.duplicated(keep="last").sum())
    if twice:
        notices.append(trn("{count} row of the future file fell on a date an earlier row gave; "
                           "the last row of each date is used.", "{count} rows of the future "
                           "file fell on a date an earlier row gave; the last row of each date "
                           "is used.", twice))
    return numbers[~numbers.index.duplicated(keep="last")].sort_index(), name


def _planned_numbers(table: pd.DataFrame, name: str, notices: list[str],
                     known: Sequence[str] = ()) -> pd.DataFrame:
    """The future file's columns of numbers; a column that is not numbers is named, with its
    first cells that are not, and what was repaired in the ``known`` columns (those read) is
    said."""
    try:
        read = read_numbers(table, notices)
    except ValueError:
        raise ValueError(tr("The future file {name} has no column of numbers ({cells}); give "
                            "each known-ahead column's planned values as numbers.",
                            name=quoted(name), cells=not_numbers(table, table.columns))) from None
    numbers = read.frame
    for column in [c for c in numbers.columns if c in known]:  # a cell of text: said
        notices.extend(read.notices(column))
    dropped = [c for c in table.columns if c not in numbers.columns]
    if dropped:
        notices.append(trn("In the future file {name}, {columns} does not hold numbers ({cells}), "
                           "so it was not read.", "In the future file {name}, {columns} do not "
                           "hold numbers ({cells}), so they were not read.", len(dropped),
                           name=quoted(name), columns=listed(dropped),
                           cells=not_numbers(table, dropped)))
    return numbers


def _onto_grid_after(times: pd.DatetimeIndex, series: SeriesData) -> pd.DatetimeIndex:
    """Each time moved onto the series' own grid (the one its last value sits on), for a step
    of fixed length: to the nearest slot for steps shorter than a day, to the slot it falls in
    for a day or longer (a daily plan's 13:00 is that day's, not the next); by its period for
    months, quarters and years."""
    offset = to_offset(series.freq)
    if not isinstance(offset, Tick):
        return snap_to_grid(times, series.freq)
    last, step = series.frame.index[-1], pd.Timedelta(offset)
    steps = (times - last) / step
    slots = np.floor(steps + 1e-9) if step >= pd.Timedelta(days=1) else np.rint(steps)
    return last + slots.astype(np.int64) * step
