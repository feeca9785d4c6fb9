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

from lstm_app.i18n import N_, joined, sentences, tr, trn
from lstm_app.quoting import listed, quoted
from lstm_app.csv_table import MAX_COLUMNS, read_csv_table
from lstm_app.series.frequency import frequency_words, season_length_for, unseen_season
from lstm_app.series.loading import (BLANK_COLUMN, ONE_ROW, SeriesData, choose_columns,
                                     find_time_column, snapped_times)
from lstm_app.series.numbers import check_magnitude, read_numbers
from lstm_app.series.panel_layout import MAX_SERIES, propose_ids
from lstm_app.series.totals import totals_in_long, totals_in_wide, unreadable_dates

LAYOUTS = ("long", "wide")
ID_JOIN = " · "
BLANK_ID = "(blank)"
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
                       ids=tuple(np.asarray(self.ids, dtype=object)[keep]))

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
                                 max_columns=MAX_SERIES + 1)
    if len(table) < 2:
        raise ValueError(tr(ONE_ROW))
    if layout == "long":
        given = [c for c in id_cols or () if c in table.columns]
        time_col, times = find_time_column(table.drop(columns=given), time_col, notices)
        id_cols = _id_columns(table, id_cols, time_col)
        used = [*id_cols, time_col] if time_col else id_cols
        numbers = read_numbers(table.drop(columns=used), notices)
        value_col, covariates = choose_columns(numbers.frame, value_col, covariates)
        chosen = [value_col, *covariates]
        for column in chosen:
            notices.extend(numbers.notices(column))
        ids = _joined_ids(table, id_cols)
        totals, said = totals_in_long(table, id_cols, ids, times, numbers.frame[value_col])
        _say_unreadable(table, time_col, times, notices, ~totals)
        notices.extend(said)
        blank = int((table[list(id_cols)].isna().any(axis=1).to_numpy() & ~totals).sum())
        if blank:
            notices.append(trn("{count:,} row has no {columns}; it is read as a series of its "
                               "own, named {blank}.", "{count:,} rows have no {columns}; they "
                               "are read as a series of their own, named {blank}.", blank,
                               columns=joined(map(quoted, id_cols), "or"), blank=quoted(BLANK_ID)))
        frame, ids = numbers.frame[chosen][~totals], ids[~totals]
        times = None if times is None else times[~totals]
        usable = tuple(numbers.frame.columns[numbers.frame.notna().any().to_numpy()])
    else:
        time_col, times = find_time_column(table, time_col, notices)
        _say_unreadable(table, time_col, times, notices)
        numbers = read_numbers(table.drop(columns=[time_col] if time_col else []), notices)
        columns = [c for c in numbers.frame.columns if numbers.frame[c].notna().any()]
        if not columns:
            raise ValueError(tr(WIDE_NEEDS_NUMBERS))
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
        value_col, covariates, id_cols, usable = WIDE_VALUE, [], (), tuple(columns)
    check_magnitude(frame)
    return _assemble(frame.reset_index(drop=True), ids.reset_index(drop=True), times, layout,
                     tuple(id_cols), value_col, tuple(covariates), time_col, usable, name, notices)


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


def _joined_ids(table: pd.DataFrame, id_cols: list[str]) -> pd.Series:
    """One id per row: the id columns' cells joined with " · " (a blank cell is "(blank)").
    Each distinct combination of cells is its own series: two that join into the same name
    (("a · b", "c") and ("a", "b · c"), or a blank cell and one reading "(blank)") are told
    apart by " (2)", " (3)" after the name, never averaged into one."""
    parts = [table[c].fillna(BLANK_ID).astype(str) for c in id_cols]
    joined = parts[0].str.cat(parts[1:], sep=ID_JOIN) if len(parts) > 1 else parts[0]
    group = table.groupby(list(id_cols), sort=False, dropna=False).ngroup().to_numpy()
    first = pd.Series(np.arange(len(group))).groupby(group).min().to_numpy()
    names = joined.to_numpy(dtype=object)[first]  # each combination's name, by group number
    if len(pd.unique(names)) < len(names):
        taken = pd.Series(names)
        nth = taken.groupby(taken).cumcount().to_numpy()
        names = np.where(nth > 0, taken + " (" + (nth + 1).astype(str) + ")", taken)
    return pd.Series(names[group], index=table.index)


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
        freq, label, grid, slot = _time_slots(pd.DatetimeIndex(times), time_col, notices)
        notices.extend(_sparse_notice(codes[has_value], slot[has_value], names, label))
    first = _per_code(np.where(has_value, slot, np.iinfo(np.int64).max), codes, len(names), "min")
    last = _per_code(np.where(has_value, slot, -1), codes, len(names), "max")
    blank = last < 0
    if blank.all():
        raise ValueError(tr(BLANK_COLUMN, column=quoted(value_col)))
    inside = ~blank[codes] & (slot >= first[codes]) & (slot <= last[codes])
    after = int((~blank[codes] & (slot > last[codes])).sum()) if layout == "long" else 0
    if after:  # a plan after each series' last value, as one series' file may give one
        notices.append(trn("{count:,} row after the last value of its series (the value blank) "
                           "was not read: a plan of inputs known ahead is read for one series, "
                           "not yet for many series in one file.", "{count:,} rows after the "
                           "last value of their series (the value blank) were not read: a plan "
                           "of inputs known ahead is read for one series, not yet for many "
                           "series in one file.", after))
    values, codes, slot = values[inside], codes[inside], slot[inside]
    lengths = np.where(blank, 0, last - first + 1)
    if lengths.sum() > MAX_PANEL_ROWS:
        raise ValueError(tr(TOO_MANY_GRID_ROWS, label=frequency_words(label),
                            rows=int(lengths.sum()), limit=MAX_PANEL_ROWS))
    full, starts, panel_times = _on_grids(values, codes, slot, first, lengths, grid, label,
                                          notices)
    labels = ([quoted(c) for c in (value_col, *covariates)] if layout == "long"
              else [tr("the series")])
    full, starts, keep, keep_rows = _fill_from_past(full, starts, labels, names, notices)
    if blank.any():
        notices.append(_left_out_blank(list(names[blank])))
    names = [str(n) for n in names[keep]]
    panel_times = panel_times[keep_rows]
    if len(names) == 1:
        notices.append(tr("The file holds one series only ({name}).", name=quoted(names[0])))
    season = _season(full, starts, freq, label, notices)
    return PanelData(full, panel_times, starts, tuple(names), layout, id_cols, value_col,
                     covariates, time_col, freq, label, season, tuple(notices), usable, name)


def _left_out_blank(names: list) -> str:
    return trn("{count} series without any value was left out: {names}.",
               "{count} series without any value were left out: {names}.", len(names),
               names=listed(names))


def _on_grids(values: np.ndarray, codes: np.ndarray, slot: np.ndarray, first: np.ndarray,
              lengths: np.ndarray, grid: pd.DatetimeIndex | None, label: str,
              notices: list[str]) -> tuple[np.ndarray, np.ndarray, pd.Index]:
    """Every row written into its series' own stretch of the grid (NaN where the file has no
    row), duplicates averaged: the values, each series' first row, and each row's time."""
    starts = np.concatenate([[0], np.cumsum(lengths)])
    row = starts[codes] + slot - first[codes]
    full = np.full((int(starts[-1]), values.shape[1]), np.nan)
    duplicates = _average_into(full, row, values)
    if duplicates:
        notices.append(trn("{count} duplicate timestamp was found; rows with the same series and "
                           "time were averaged into one.", "{count} duplicate timestamps were "
                           "found; rows with the same series and time were averaged into one.",
                           duplicates))
    added = int(starts[-1]) - (len(row) - duplicates)
    if added and grid is not None:
        words = frequency_words(label)
        if grid[1] - grid[0] < pd.Timedelta(days=1):
            notices.append(trn("{count} time was missing from the series' {label} grids and was "
                               "added.", "{count} times were missing from the series' {label} "
                               "grids and were added.", added, label=words))
        else:
            notices.append(trn("{count} date was missing from the series' {label} grids and was "
                               "added.", "{count} dates were missing from the series' {label} "
                               "grids and were added.", added, label=words))
    series_slot = np.repeat(first.clip(min=0), lengths) + within(lengths)
    times = grid[series_slot] if grid is not None else pd.Index(within(lengths), name="step")
    return full, starts, times


def _season(full: np.ndarray, starts: np.ndarray, freq: str | None, label: str,
            notices: list[str]) -> int | None:
    """The panel's season, found on its longest series."""
    lengths = np.diff(starts)
    longest = int(np.argmax(lengths))
    season = season_length_for(freq, full[starts[longest]:starts[longest + 1], 0])
    unseen = unseen_season(freq, int(lengths.max()))
    if unseen:
        notices.append(tr("A {frequency} series usually repeats every {steps} steps, but the "
                          "longest series' {values:,} values do not hold that twice, so no "
                          "season is used.", frequency=frequency_words(label), steps=unseen,
                          values=int(lengths.max())))
    return season


def _time_slots(times: pd.DatetimeIndex, time_col: str, notices: list[str]) -> tuple:
    """The panel's frequency and label, its grid (every slot from the first time of any series
    to the last) and each row's slot on it."""
    if times.nunique() < 2:
        raise ValueError(tr(ONE_ROW))
    freq, label, snapped = snapped_times(times, time_col, notices)
    grid = pd.date_range(snapped.min(), snapped.max(), freq=freq, name=time_col)
    return freq, label, grid, grid.get_indexer(snapped)


def _sparse_notice(codes: np.ndarray, slot: np.ndarray, names: pd.Index, label: str) -> list[str]:
    """A sentence naming the series whose values come less often than the panel's grid (a
    weekly series in a daily file): their gaps are filled from the past, so they turn into
    steps, and the user should know which they are."""
    order = np.lexsort((slot, codes))
    code, at = codes[order], slot[order]
    same = code[1:] == code[:-1]
    gaps = np.diff(at)[same]
    if not len(gaps):
        return []
    typical = pd.Series(gaps[gaps > 0]).groupby(code[1:][same][gaps > 0]).median()
    sparse = typical[typical >= 2]
    if sparse.empty:
        return []
    every = int(sparse.median())
    which = trn("{count} series has a value only about every {steps} steps of this {label} "
                "file: {names}.", "{count} series have a value only about every {steps} steps "
                "of this {label} file: {names}.", len(sparse), steps=every,
                label=frequency_words(label), names=listed(names[sparse.index.to_numpy()]))
    cure = trn("Its missing steps are filled from the past, so it looks like stairs to the "
               "model; put it in a file of its own to forecast it at its own frequency.",
               "Their missing steps are filled from the past, so they look like stairs to the "
               "model; put them in a file of their own to forecast them at their own "
               "frequency.", len(sparse))
    return [sentences(which, cure)]


def _per_code(values: np.ndarray, codes: np.ndarray, n: int, how: str) -> np.ndarray:
    """The least or greatest of ``values`` for each series code (0..n-1)."""
    out = np.full(n, np.iinfo(np.int64).max if how == "min" else -1, dtype=np.int64)
    (np.minimum if how == "min" else np.maximum).at(out, codes, values)
    return out


def within(lengths: np.ndarray) -> np.ndarray:
    """0, 1, …, length-1 for each series in turn: [2, 3] -> [0, 1, 0, 1, 2]."""
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    return np.arange(int(lengths.sum())) - np.repeat(starts, lengths)


def ranges(first: np.ndarray, last: np.ndarray) -> np.ndarray:
    """The rows [first[i], last[i]) of every i, one after another: no loop over the series."""
    counts = np.maximum(last - first, 0)
    return np.repeat(first, counts) + within(counts)


def _average_into(full: np.ndarray, row: np.ndarray, values: np.ndarray) -> int:
    """Write each row of ``values`` into ``full`` at ``row``, averaging the rows that share one
    (each column over the cells present); returns how many rows were merged into others."""
    unique, inverse, counts = np.unique(row, return_inverse=True, return_counts=True)
    if len(unique) == len(row):
        full[row] = values
        return 0
    present = ~np.isnan(values)
    sums = np.zeros((len(unique), values.shape[1]))
    seen = np.zeros_like(sums)
    np.add.at(sums, inverse, np.where(present, values, 0.0))
    np.add.at(seen, inverse, present)
    with np.errstate(invalid="ignore", divide="ignore"):
        full[unique] = np.where(seen > 0, sums / seen, np.nan)
    return int(len(row) - len(unique))


def _fill_from_past(full: np.ndarray, starts: np.ndarray, labels: list[str], names: pd.Index,
                    notices: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Drop each series' first rows until every column has a value, then fill the gaps from the
    past (never from the future, never across series). Returns the values, the new starts,
    which series are kept (one whose covariate is blank throughout is left out) and the mask
    of rows kept."""
    n = len(starts) - 1
    lengths = np.diff(starts)
    rows = np.arange(len(full))
    first_valid = np.full((n, full.shape[1]), len(full))
    valid_rows = np.where(~np.isnan(full), rows[:, None], len(full))
    nonempty = lengths > 0
    first_valid[nonempty] = np.minimum.reduceat(valid_rows, starts[:-1][nonempty], axis=0)
    ends = starts[1:]
    usable = (first_valid < ends[:, None]).all(axis=1) & nonempty
    missing_column = nonempty & ~usable
    if missing_column.any():
        blank = (first_valid >= ends[:, None])[missing_column].any(axis=0)
        notices.append(trn("{count} series without any value in {columns} was left out: "
                           "{names}.", "{count} series without any value in {columns} were left "
                           "out: {names}.", int(missing_column.sum()),
                           columns=joined((l for l, b in zip(labels, blank) if b), "or"),
                           names=listed(names[missing_column])))
    begin = np.where(usable, first_valid.max(axis=1), ends)
    lead = int(np.where(usable, begin - starts[:-1], 0).sum())
    if lead:
        notices.append(trn("The first {count} row of the series was dropped where a column had "
                           "no earlier value to fill it with.", "The first {count} rows of the "
                           "series were dropped where a column had no earlier value to fill "
                           "them with.", lead))
    keep_rows = rows >= np.repeat(begin, lengths)
    kept = full[keep_rows]
    new_starts = np.concatenate([[0], np.cumsum((ends - begin)[usable])])
    gaps = np.isnan(kept).sum(axis=0)
    for label, missing in zip(labels, gaps):
        if missing:
            notices.append(trn("{count} missing value in {column} was filled with the previous "
                               "value of the same series (never from the future).",
                               "{count} missing values in {column} were filled with the previous "
                               "value of the same series (never from the future).",
                               int(missing), column=label))
    filled = pd.DataFrame(kept).ffill().to_numpy()
    return filled, new_starts, usable, keep_rows
