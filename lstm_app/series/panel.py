"""Owns load_panel: a file of many series (every store, product or meter of a business) read as
one PanelData, each series cleaned as load_series cleans one.

Two layouts:

- **long**: id column(s) (store, product; several are joined into one id, "Berlin · Milk"), a
  time column, the value and covariates, one row per series and time;
- **wide**: a time column and several numeric columns, each its own series (its name is its id).

Each series gets its own regular grid on the panel's frequency, from its first value to its
last (series that start late or stop early keep their own span), duplicates averaged, gaps
filled from the past, every repair counted over the whole panel in one sentence. All of it is
computed for every series at once: no Python loop runs over the series, so 10,000 series load
as fast as their rows allow.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Sequence

import numpy as np
import pandas as pd

from lstm_app.i18n import N_, joined, tr, trn
from lstm_app.quoting import listed, quoted
from lstm_app.csv_table import MAX_COLUMNS, read_csv_table
from lstm_app.series.frequency import frequency_words
from lstm_app.series.column_choice import BLANK_COLUMN, choose_columns, in_time_order
from lstm_app.series.loading import ONE_ROW, SeriesData
from lstm_app.series.time_column import find_time_column
from lstm_app.series.numbers import check_magnitude, read_numbers
from lstm_app.series.panel_grid import (fill_from_past, on_grids, panel_season, per_code,
                                        ranges, sparse_notice, time_slots)
from lstm_app.series.panel_layout import BLANK_ID, MAX_SERIES, joined_ids, propose_ids
from lstm_app.series.totals import (summary_rows, totals_in_long, totals_in_wide,
                                    unreadable_dates)

LAYOUTS = ("long", "wide")
MAX_PANEL_ROWS = 5_000_000  # rows of the file, and rows of all the series on their grids
WIDE_VALUE = "value"  # the value's name in a wide panel, whose columns are its series
TOO_MANY_SERIES = N_("The file holds {count:,} series; at most {limit:,} are read. Keep the "
                   "series you want to forecast (or aggregate the smallest), and use that file.")
TOO_MANY_GRID_ROWS = N_("On their regular {label} grids the series would hold {rows:,} rows; at "
                      "most {limit:,} are read. Keep fewer or shorter series, or aggregate them "
                      "(for example daily instead of hourly).")
NO_IDS = N_("No column that names the series was found; choose the id column(s) (for example "
          "store or product), or read each numeric column as its own series (wide layout).")
UNKNOWN_IDS = N_("The id column {column} is not in this file; choose from: {choices}.")
IDS_ARE_VALUES = N_("The id column {column} is also the time column; choose another id column.")
WIDE_NEEDS_NUMBERS = N_("A wide file needs at least one numeric column besides the time; this one "
                      "has none.")


@dataclass(frozen=True)
class PanelData:
    """Many series, one after another in one array (each a view of it, never a copy)."""

    values: np.ndarray  # (rows, 1 + covariates) float64, no NaN: the value first, then covariates
    times: pd.Index  # (rows,) each row's time (a DatetimeIndex), or its step in its series
    starts: np.ndarray  # (series + 1,) series i is rows starts[i]:starts[i + 1]
    ids: tuple[str, ...]  # each series' name, e.g. "Berlin · Milk"
    layout: str  # "long" or "wide"
    id_cols: tuple[str, ...]  # the columns joined into the id (none for a wide file)
    value_col: str
    covariates: tuple[str, ...]
    time_col: str | None
    freq: str | None
    freq_label: str
    season_length: int | None
    notices: tuple[str, ...]
    numeric_columns: tuple[str, ...]
    name: str
    # The rows after each series' last value (the value blank): "series" (its place), "step"
    # (1: the first slot after its last value), then the covariates (NaN where blank): the
    # planned values of the columns known ahead. None: the file has no such rows.
    plan: pd.DataFrame | None = None
    # Each series' cell in each id column, as the file wrote it (None: blank), e.g. ("Berlin",
    # "Milk"): the id joins them. () where not known (a wide file; a run saved before these were
    # kept, whose id is all there is).
    id_cells: tuple[tuple[str | None, ...], ...] = ()

    @property
    def n_series(self) -> int:
        return len(self.ids)

    @property
    def lengths(self) -> np.ndarray:
        return np.diff(self.starts)

    def typical(self) -> int:
        """The series of median length: what "auto" settings are judged on."""
        return int(np.argsort(self.lengths, kind="stable")[len(self.lengths) // 2])

    def subset(self, keep: np.ndarray) -> "PanelData":
        """The series where ``keep`` (a flag per series) is true, in their order; what the
        loader found (notices, season, numeric columns) still describes the whole file."""
        rows = ranges(self.starts[:-1][keep], self.starts[1:][keep])
        return replace(self, values=self.values[rows], times=self.times[rows],
                       starts=np.concatenate([[0], np.cumsum(self.lengths[keep])]),
                       ids=tuple(np.asarray(self.ids, dtype=object)[keep]),
                       plan=kept_plan(self.plan, keep),
                       id_cells=tuple(c for c, k in zip(self.id_cells, keep) if k))

    def series(self, i: int) -> SeriesData:
        """Series ``i`` as load_series gives one series (its frame a view of the panel's rows)."""
        rows = slice(int(self.starts[i]), int(self.starts[i + 1]))
        columns = [self.value_col, *self.covariates]
        if self.freq is None:
            index = pd.RangeIndex(rows.stop - rows.start, name="step")
        else:
            index = pd.DatetimeIndex(self.times[rows], name=self.time_col, freq=self.freq)
        frame = pd.DataFrame(self.values[rows], index=index, columns=columns, copy=False)
        return SeriesData(frame, self.value_col, self.covariates, self.time_col, self.freq,
                          self.freq_label, self.season_length, (), tuple(columns),
                          f"{self.ids[i]} ({self.name})")


@dataclass(frozen=True)
class Proposal:
    """What a file looks like before it is loaded: its columns, its date column, and the
    columns that name its series if it holds many side by side in rows (none: one series)."""

    columns: tuple[str, ...]
    time_col: str | None
    ids: tuple[str, ...]

    @property
    def layout(self) -> str:
        """"long" with id columns; "wide" with more columns than one series reads its inputs
        from (each is then a series); "one" otherwise."""
        return "long" if self.ids else "wide" if len(self.columns) > MAX_COLUMNS else "one"


def propose_layout(source, name: str | None = None) -> Proposal:
    """The file's columns, its date column and the id columns ``propose_ids`` finds."""
    table, _ = read_csv_table(source, name, [], max_rows=MAX_PANEL_ROWS,
                              max_columns=MAX_SERIES + 1)
    time_col, _ = find_time_column(table, None, [])
    return Proposal(tuple(map(str, table.columns)), time_col,
                    tuple(propose_ids(table, time_col)))


# ---- loading ---------------------------------------------------------------------------------


def load_panel(source, *, layout: str = "long", id_cols: Sequence[str] | None = None,
               time_col: str | None = None, value_col: str | None = None,
               covariates: Sequence[str] = (), name: str | None = None) -> PanelData:
    """Load a CSV of many series. ``layout`` "long" reads ids from ``id_cols`` (proposed by
    ``propose_ids`` when None); "wide" reads each numeric column as a series. ``time_col`` None
    detects the date column; NO_TIME_COLUMN uses row order within each series."""
    if layout not in LAYOUTS:
        raise ValueError(tr("The layout must be one of: {layouts}.", layouts=", ".join(LAYOUTS)))
    notices: list[str] = []
    table, name = read_csv_table(source, name, notices, max_rows=MAX_PANEL_ROWS,
                                 max_columns=MAX_SERIES + 1,
                                 empty_rows="inner" if layout == "wide" else "dropped")
    if len(table) < 2:
        raise ValueError(tr(ONE_ROW))
    if layout == "long":
        given = [c for c in id_cols or () if c in table.columns]
        time_col, times = find_time_column(table.drop(columns=given), time_col, notices)
        id_cols = _id_columns(table, id_cols, time_col)
        used = [*id_cols, time_col] if time_col else id_cols
        numbers = read_numbers(table.drop(columns=used), notices)
        value_col, covariates = choose_columns(in_time_order(numbers.frame, times), value_col,
                                               covariates, notices)
        chosen = [value_col, *covariates]
        for column in chosen:
            notices.extend(numbers.notices(column))
        ids = joined_ids(table, id_cols)
        totals, said = totals_in_long(table, id_cols, ids, times, numbers.frame[value_col],
                                      table[time_col] if time_col else None)
        _say_unreadable(table, time_col, times, notices, ~totals)
        notices.extend(said)
        no_id = table[list(id_cols)].isna().any(axis=1).to_numpy()
        unread = np.zeros(len(table), bool) if times is None else times.isna().to_numpy()
        keep = ~totals & ~(unread & no_id)  # a row with neither date nor id is no series' row
        blank = int((no_id & keep).sum())
        if blank:
            notices.append(trn("{count:,} row has no {columns}; it is read as a series of its "
                               "own, named {blank}.", "{count:,} rows have no {columns}; they "
                               "are read as a series of their own, named {blank}.", blank,
                               columns=joined(map(quoted, id_cols), "or"), blank=quoted(BLANK_ID)))
        frame, ids = numbers.frame[chosen][keep], ids[keep]
        times = None if times is None else times[keep]
        usable = tuple(numbers.frame.columns[numbers.frame.notna().any().to_numpy()])
    else:
        rows = table.dropna(how="all").reset_index(drop=True)
        time_col, times = find_time_column(rows, time_col, notices)
        if time_col is not None:  # (without dates an empty row is a step of every series)
            table = rows
        frame, ids, times, columns = _wide_series(table, time_col, times, notices)
        value_col, covariates, id_cols, usable = WIDE_VALUE, [], (), tuple(columns)
    check_magnitude(frame)
    panel = _assemble(frame.reset_index(drop=True), ids.reset_index(drop=True), times, layout,
                      tuple(id_cols), value_col, tuple(covariates), time_col, usable, name,
                      notices)
    if layout == "long":
        panel = replace(panel, id_cells=_id_cells(table, list(id_cols), ids, panel.ids))
    return panel


def _wide_series(table: pd.DataFrame, time_col: str | None, times: pd.Series | None,
                 notices: list[str]) -> tuple:
    """A wide file's columns of numbers, each a series, one after another: the values, each
    row's id (its column) and time, and the columns; what is not read (a totals row or column,
    text, blank columns) is said in ``notices``."""
    _say_unreadable(table, time_col, times, notices)
    summary, said = summary_rows(table) if times is None else (None, "")  # (dated: unread)
    if said:
        table = table[~summary]
        notices.append(said)
    numbers = read_numbers(table.drop(columns=[time_col] if time_col else []), notices)
    columns = [c for c in numbers.frame.columns if numbers.frame[c].notna().any()]
    if not columns:
        raise ValueError(tr(WIDE_NEEDS_NUMBERS))
    words = [str(c) for c in table.columns if c != time_col and str(c) not in
             numbers.frame.columns]
    if words and time_col:  # (without dates, a text column labels the rows)
        notices.append(trn("The column {names} holds text rather than numbers, so it is not "
                           "read as a series.", "The columns {names} hold text rather than "
                           "numbers, so they are not read as series.", len(words),
                           names=listed(words)))
    empty = [c for c in numbers.frame.columns if c not in columns]
    if empty:  # as a long file's series without a value is said
        notices.append(_left_out_blank(empty))
    columns, said = totals_in_wide(numbers.frame, columns)
    notices.extend(said)
    notices.extend(numbers.summary(columns))
    rows = len(table)
    ids = pd.Series(np.tile(np.asarray(columns, dtype=object), rows))
    frame = pd.DataFrame({WIDE_VALUE: numbers.frame[columns].to_numpy().ravel()})
    times = None if times is None else pd.Series(np.repeat(times.to_numpy(), len(columns)))
    return frame, ids, times, columns


def _say_unreadable(table: pd.DataFrame, time_col: str | None, times: pd.Series | None,
                    notices: list[str], among: np.ndarray | None = None) -> None:
    """The rows of the file whose date could not be read (they are dropped), with what a few of
    them hold there (a totals row's 合计); only those ``among`` where given (a long file's
    totals rows are said as such)."""
    unread = None if times is None else times.isna().to_numpy()
    if among is not None and unread is not None:
        unread = unread & among
    if unread is not None and unread.any():
        notices.append(unreadable_dates(int(unread.sum()), table[time_col][unread]))


def _id_cells(table: pd.DataFrame, id_cols: list[str], ids: pd.Series,
              names: tuple[str, ...]) -> tuple[tuple[str | None, ...], ...]:
    """Each series named in ``names``: its cells in the id columns (None: blank), from the
    first row of the table whose id (``ids``, by row) is its name."""
    first = ~ids.duplicated()
    cells = table.loc[first[first].index, id_cols].astype(object)
    cells = cells.where(cells.notna(), None)
    found = dict(zip(ids[first], map(tuple, cells.to_numpy())))
    return tuple(found[name] for name in names)


def _id_columns(table: pd.DataFrame, id_cols: Sequence[str] | None,
                time_col: str | None) -> list[str]:
    if id_cols is None:
        id_cols = propose_ids(table, time_col)
        if not id_cols:
            raise ValueError(tr(NO_IDS))
    id_cols = list(dict.fromkeys(id_cols))
    for column in id_cols:
        if column not in table.columns:
            raise ValueError(tr(UNKNOWN_IDS, column=quoted(column),
                                choices=listed(table.columns, limit=10)))
        if column == time_col:
            raise ValueError(tr(IDS_ARE_VALUES, column=quoted(column)))
    return id_cols


# ---- every series on its grid, all at once ---------------------------------------------------


def _assemble(frame: pd.DataFrame, ids: pd.Series, times: pd.Series | None, layout: str,
              id_cols: tuple, value_col: str, covariates: tuple, time_col: str | None,
              usable: tuple, name: str, notices: list[str]) -> PanelData:
    codes, names = pd.factorize(ids, sort=False)
    if len(names) > MAX_SERIES:
        raise ValueError(tr(TOO_MANY_SERIES, count=len(names), limit=MAX_SERIES))
    if times is not None:
        keep = times.notna().to_numpy()  # rows whose date could not be read: said on reading
        if not keep.all():
            frame, codes, times = frame[keep], codes[keep], times[keep]
    values = frame.to_numpy(dtype=np.float64)
    has_value = ~np.isnan(values[:, 0])  # a series runs from its first value to its last
    if times is None:
        freq, label = None, "row order (no time column)"
        slot = pd.Series(codes).groupby(codes).cumcount().to_numpy()
        grid = None
    else:
        freq, label, grid, slot = time_slots(pd.DatetimeIndex(times), time_col, notices)
        notices.extend(sparse_notice(codes[has_value], slot[has_value], names, label))
    first = per_code(np.where(has_value, slot, np.iinfo(np.int64).max), codes, len(names), "min")
    last = per_code(np.where(has_value, slot, -1), codes, len(names), "max")
    blank = last < 0
    if blank.all():
        raise ValueError(tr(BLANK_COLUMN, column=quoted(value_col)))
    inside = ~blank[codes] & (slot >= first[codes]) & (slot <= last[codes])
    after = ~blank[codes] & (slot > last[codes]) & (layout == "long")
    plan = _plan(values[after], codes[after], slot[after] - last[codes[after]], covariates,
                 value_col, notices)
    values, codes, slot = values[inside], codes[inside], slot[inside]
    lengths = np.where(blank, 0, last - first + 1)
    if lengths.sum() > MAX_PANEL_ROWS:
        raise ValueError(tr(TOO_MANY_GRID_ROWS, label=frequency_words(label),
                            rows=int(lengths.sum()), limit=MAX_PANEL_ROWS))
    full, starts, panel_times = on_grids(values, codes, slot, first, lengths, grid, label,
                                         names, freq, notices)
    labels = ([quoted(c) for c in (value_col, *covariates)] if layout == "long"
              else [tr("the series")])
    full, starts, keep, keep_rows = fill_from_past(full, starts, labels, names, panel_times,
                                                   freq, notices)
    if not keep.any():  # each series lacks a whole column up to its last value
        raise ValueError(tr("No series has a value in each column read ({columns}) up to its "
                            "last value, so none is left. An input needs its past values as well "
                            "as any plan after the last value: fill those in, or read other "
                            "columns.", columns=joined(labels, "and")))
    if blank.any():
        notices.append(_left_out_blank(list(names[blank])))
    names = [str(n) for n in names[keep]]
    plan = kept_plan(plan, keep)
    panel_times = panel_times[keep_rows]
    if len(names) == 1:
        notices.append(tr("The file holds one series only ({name}).", name=quoted(names[0])))
    season = panel_season(full, starts, freq, label, notices)
    return PanelData(full, panel_times, starts, tuple(names), layout, id_cols, value_col,
                     covariates, time_col, freq, label, season, tuple(notices), usable, name,
                     plan)


def _plan(values: np.ndarray, codes: np.ndarray, steps: np.ndarray, covariates: tuple,
          value_col: str, notices: list[str]) -> pd.DataFrame | None:
    """The rows after each series' last value as a plan (``PanelData.plan``, series numbered
    by ``codes``), rows of the same series and step averaged; said in ``notices``."""
    if not len(values):
        return None
    if not covariates:
        notices.append(trn("{count:,} row after the last value of its series has no value in "
                           "{column}, so it is not part of the series; it is left out (if it "
                           "holds the planned value of another column, such as a promotion, "
                           "choose that column as an input known ahead).", "{count:,} rows "
                           "after the last value of their series have no value in {column}, so "
                           "they are not part of the series; they are left out (if they hold "
                           "the planned values of another column, such as a promotion, choose "
                           "that column as an input known ahead).", len(values),
                           column=quoted(value_col)))
        return None
    notices.append(trn("{count:,} row after the last value of its series has no value in "
                       "{column}, so it is not part of the series; its other cells are kept as "
                       "the planned values of the inputs known ahead.", "{count:,} rows after "
                       "the last value of their series have no value in {column}, so they are "
                       "not part of the series; their other cells are kept as the planned "
                       "values of the inputs known ahead.", len(values), column=quoted(value_col)))
    frame = pd.DataFrame(values[:, 1:], columns=list(covariates))
    frame.insert(0, "step", steps.astype(np.int64))
    frame.insert(0, "series", codes.astype(np.int64))
    plan = frame.groupby(["series", "step"], as_index=False, sort=True).mean()
    if len(plan) < len(frame):  # the same series and time planned twice: said, as in the past
        notices.append(trn("{count:,} planned row repeats a series and time planned already; "
                           "such rows were averaged into one, which is a plan nobody wrote if "
                           "they differ: check the plan.", "{count:,} planned rows repeat a "
                           "series and time planned already; such rows were averaged into "
                           "one, which is a plan nobody wrote if they differ: check the plan.",
                           len(frame) - len(plan)))
    return plan


def kept_plan(plan: pd.DataFrame | None, keep: np.ndarray) -> pd.DataFrame | None:
    """``plan`` of the series where ``keep`` (a flag per series) holds, numbered anew."""
    if plan is None:
        return None
    number = np.cumsum(keep) - 1
    kept = plan[keep[plan["series"].to_numpy()]]
    return kept.assign(series=number[kept["series"].to_numpy()]).reset_index(drop=True)


def _left_out_blank(names: list) -> str:
    return trn("{count} series without any value was left out: {names}.",
               "{count} series without any value were left out: {names}.", len(names),
               names=listed(names))
