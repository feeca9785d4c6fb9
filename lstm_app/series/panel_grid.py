"""Owns putting every series of a panel on its own regular grid at once: each row's slot on
the grid, a series' stretch from its first value to its last, duplicates averaged, gaps filled
from the past, the season; and the index helpers (``within``, ``ranges``) that the panel's
windows and scores share. No Python loop runs over the series.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lstm_app.i18n import joined, sentences, tr, trn
from lstm_app.quoting import listed, quoted
from lstm_app.series.frequency import (frequency_words, season_length_for, time_labels,
                                       unseen_season)
from lstm_app.series.loading import ONE_ROW, snapped_times


def on_grids(values: np.ndarray, codes: np.ndarray, slot: np.ndarray, first: np.ndarray,
             lengths: np.ndarray, grid: pd.DatetimeIndex | None, label: str, names,
             freq: str | None, notices: list[str]) -> tuple[np.ndarray, np.ndarray, pd.Index]:
    """Every row written into its series' own stretch of the grid (NaN where the file has no
    row), duplicates averaged: the values, each series' first row, and each row's time. The
    times added are said, and where (``names``: the series')."""
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
    series_slot = np.repeat(first.clip(min=0), lengths) + within(lengths)
    times = grid[series_slot] if grid is not None else pd.Index(within(lengths), name="step")
    if added and grid is not None:
        words = frequency_words(label)
        said = (trn("{count} time was missing from the series' {label} grids and was added.",
                    "{count} times were missing from the series' {label} grids and were added.",
                    added, label=words) if grid[1] - grid[0] < pd.Timedelta(days=1) else
                trn("{count} date was missing from the series' {label} grids and was added.",
                    "{count} dates were missing from the series' {label} grids and were added.",
                    added, label=words))
        present = np.zeros(len(full), dtype=bool)
        present[row] = True
        codes_of_rows = np.repeat(np.arange(len(lengths)), lengths)
        notices.append(sentences(said, where_filled(np.flatnonzero(~present), codes_of_rows,
                                                    names, times, freq)))
    return full, starts, times


def panel_season(full: np.ndarray, starts: np.ndarray, freq: str | None, label: str,
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


def time_slots(times: pd.DatetimeIndex, time_col: str, notices: list[str]) -> tuple:
    """The panel's frequency and label, its grid (every slot from the first time of any series
    to the last) and each row's slot on it."""
    if times.nunique() < 2:
        raise ValueError(tr(ONE_ROW))
    freq, label, snapped = snapped_times(times, time_col, notices)
    grid = pd.date_range(snapped.min(), snapped.max(), freq=freq, name=time_col)
    return freq, label, grid, grid.get_indexer(snapped)


def sparse_notice(codes: np.ndarray, slot: np.ndarray, names: pd.Index, label: str) -> list[str]:
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


def per_code(values: np.ndarray, codes: np.ndarray, n: int, how: str) -> np.ndarray:
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


def fill_from_past(full: np.ndarray, starts: np.ndarray, labels: list[str], names: pd.Index,
                   times: pd.Index, freq: str | None, notices: list[str]
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
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
    codes = np.repeat(np.flatnonzero(usable), (ends - begin)[usable])  # each kept row's series
    kept_times = times[keep_rows]
    for j, label in enumerate(labels):
        blank = np.flatnonzero(np.isnan(kept[:, j]))
        if len(blank):
            notices.append(sentences(trn(
                "{count} missing value in {column} was filled with the previous value of the same "
                "series (never from the future).", "{count} missing values in {column} were "
                "filled with the previous value of the same series (never from the future).",
                len(blank), column=label), where_filled(blank, codes, names, kept_times, freq)))
    filled = pd.DataFrame(kept).ffill().to_numpy()
    return filled, new_starts, usable, keep_rows


def where_filled(blank: np.ndarray, codes: np.ndarray, names, times: pd.Index,
                 freq: str | None) -> str:
    """Where the rows ``blank`` (added or filled from the past; ``codes``: every row's series)
    are, so that a week missing from one shop can be found: the longest stretch of them in a
    row, its series and its times (written as the panel's frequency writes them; without
    dates, the series' own steps); scattered single rows, the series holding the most."""
    code = codes[blank]
    new = np.concatenate([[True], (np.diff(blank) != 1) | (code[1:] != code[:-1])])
    stretch = np.cumsum(new) - 1                                   # each blank row's stretch
    sizes = np.bincount(stretch)
    if sizes.max() > 1:
        rows = blank[stretch == int(np.argmax(sizes))]
    else:
        rows = blank[code == int(np.argmax(np.bincount(code)))]
    top = int(codes[rows[0]])
    first, last = (time_labels(times[[rows[0], rows[-1]]], freq)
                   if isinstance(times, pd.DatetimeIndex) else
                   [tr("step {number}", number=int(times[r]) + 1) for r in (rows[0], rows[-1])])
    span = (tr("on {time}", time=first) if rows[0] == rows[-1]
            else tr("between {first} and {last}", first=first, last=last))
    if len(rows) == len(blank):
        return trn("It is in {name}, {span}.", "All are in {name}, {span}.", len(rows),
                   name=quoted(names[top]), span=span)
    if sizes.max() > 1:
        return tr("The longest stretch, {count:,} in a row, is in {name}, {span}.",
                  count=len(rows), name=quoted(names[top]), span=span)
    return tr("The most, {count:,}, are in {name}, {span}.", count=len(rows),
              name=quoted(names[top]), span=span)
