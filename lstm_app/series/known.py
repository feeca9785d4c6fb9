"""What one series' forecaster reads, and what it knows of the future.

The network reads, one row per time step (the frame's columns, then the inputs known from the
dates alone)::

    value | covariates … | calendar (sin …, cos …) | public holidays
                          '------ known for any date, past or future ------'

Of these, the *known-ahead* inputs are also read over the forecast horizon: the covariates the
user marks as known (planned promotions, prices), the calendar and the holidays. Their future
values come from the rows after the last observed value (``SeriesData.future``), a second file,
or the page's table; ``future_known`` gathers them and ``check_future`` names whatever is still
missing, by column and date: nothing is guessed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .calendar import (CALENDAR_NAMES, calendar_cycles, calendar_features, calendar_names,
                       holiday_counts, holiday_name, shown_column)
from .frequency import time_labels
from .loading import SeriesData
from .numbers import MAX_MAGNITUDE, as_read
from ..i18n import clauses, listing, tr
from ..quoting import quoted


def times_in_words(index: pd.Index) -> str:
    """Times for a sentence: dates without a midnight time (as the reader's language writes
    them), rows as numbers; the first five."""
    if isinstance(index, pd.DatetimeIndex):
        words = [time_labels(index[i:i + 1], None)[0] for i in range(min(len(index), 5))]
    else:
        words = [tr("row {number}", number=i + 1) for i in index[:5]]
    more = len(index) - 5
    if more > 0:
        return tr("{names} and {more} more", names=listing(words), more=more)
    return tr("{names} and {name}", names=listing(words[:-1]), name=words[-1]) \
        if len(words) > 1 else "".join(words)


def future_index(series: SeriesData, horizon: int) -> pd.Index:
    """The ``horizon`` timestamps after the last observation at the series' frequency."""
    index = series.frame.index
    if series.freq is None:
        return pd.RangeIndex(len(index), len(index) + horizon, name=index.name)
    try:
        return pd.date_range(index[-1], periods=horizon + 1, freq=series.freq,
                             name=index.name)[1:]
    except (OverflowError, pd.errors.OutOfBoundsDatetime):
        raise ValueError(tr("A horizon of {horizon:,} steps after {last} reaches past {latest}, "
                            "the latest date the app can count to; choose a shorter horizon.",
                            horizon=horizon, last=str(index[-1].date()),
                            latest=str(pd.Timestamp.max.date()))) from None


def date_inputs(series: SeriesData, config) -> list[str]:
    """The names of the inputs read from the dates alone (the calendar's cycles that the
    series covers, then holidays)."""
    freq = series.freq
    if config.holidays and freq is None:
        raise ValueError(tr("Public holidays need dates: choose the time column, or leave the "
                            "holidays empty."))
    names = (calendar_names(freq, calendar_cycles(freq, series.frame.index))
             if config.calendar and freq is not None else [])
    return names + ([holiday_name(config.holidays)] if config.holidays else [])


def input_names(series: SeriesData, config) -> tuple[str, ...]:
    """Every column a new network for ``series`` reads, in order."""
    return (series.value_col, *series.covariates, *date_inputs(series, config))


def known_positions(names: tuple[str, ...], config) -> list[int]:
    """Which of the network's inputs it also reads over the horizon."""
    first_dated = 1 + len(config.covariates)
    return [i for i, name in enumerate(names)
            if i >= first_dated or (0 < i and name in config.known_covariates)]


def _dated(index: pd.Index, freq: str | None, config, names: tuple[str, ...]) -> np.ndarray:
    """``(rows, date inputs)`` for the times ``index``: the calendar inputs among ``names``
    (the network's inputs), then the holidays."""
    parts = [np.zeros((len(index), 0))]
    calendar = [name for name in names if name in CALENDAR_NAMES]
    if calendar:
        cycles = len(calendar) // 2
        if freq is None or calendar_names(freq, cycles) != calendar:
            raise ValueError(tr("This forecaster read other inputs from the dates (the "
                                "calendar) than these data give; choose the same data to score "
                                "it."))
        parts.append(calendar_features(index, freq, cycles))
    if config.holidays:
        parts.append(holiday_counts(index, freq, config.holidays)[:, None])
    return np.concatenate(parts, axis=1)


def network_table(series: SeriesData, config, names: tuple[str, ...]) -> np.ndarray:
    """``(rows, inputs)``: the series' columns, then the inputs its dates give, for a network
    that reads ``names``."""
    frame = series.frame.to_numpy(dtype=np.float64)
    return np.concatenate([frame, _dated(series.frame.index, series.freq, config, names)],
                          axis=1)


def future_known(series: SeriesData, config, horizon: int,
                 given: pd.DataFrame | None = None) -> pd.DataFrame:
    """The known-ahead values a user can see and edit, one row per step of the horizon: the
    known covariates (from ``given``, else the file's future rows; blank where neither has
    them) and, with holidays, the holiday count. The calendar is left out: nobody edits it."""
    index = future_index(series, horizon)
    source = series.future if given is None else given
    table = pd.DataFrame(index=index)
    for column in config.known_covariates:
        values = source[column] if source is not None and column in source else None
        table[column] = (np.full(horizon, np.nan) if values is None else
                         pd.to_numeric(values, errors="coerce").reindex(index).to_numpy())
    if config.holidays:
        name = holiday_name(config.holidays)
        if source is not None and name in source:
            table[name] = pd.to_numeric(source[name], errors="coerce").reindex(index).to_numpy()
        else:
            table[name] = holiday_counts(index, series.freq, config.holidays)
    return table.astype(np.float64)


def with_plan(frame: pd.DataFrame, plan: pd.DataFrame, prefix: str = "planned_") -> pd.DataFrame:
    """``frame`` (a forecast, a row per step) with the plan read at each step beside it, row
    for row, each column named ``prefix`` and its own name (never one of the forecast's)."""
    return frame.assign(**{f"{prefix}{column}": plan[column].to_numpy() for column in plan})


def planned_steps(series: SeriesData, config, horizon: int) -> int:
    """How far the plan reaches, of the first ``horizon`` steps after the last value: to its
    last step with a value in any column known ahead (0: none). A blank before that is a
    blank to fill in (``check_future`` names it), not the plan's end."""
    planned = future_known(series, config, horizon)[list(config.known_covariates)].notna()
    planned = np.flatnonzero(planned.any(axis=1).to_numpy())
    return int(planned[-1]) + 1 if len(planned) else 0


def plan_reach(series: SeriesData, config) -> int:
    """How many steps the file's plan of the columns known ahead holds (0: none)."""
    if series.future is None or not config.known_covariates:
        return 0
    return planned_steps(series, config, len(series.future))


def first_blank(table: pd.DataFrame) -> tuple[str, str] | None:
    """The first column of ``table`` with a blank cell, and the times it is blank there (for a
    sentence); None when every cell holds a value."""
    blank = table.isna()
    if not blank.to_numpy().any():
        return None
    column = blank.any().idxmax()
    return shown_column(column), times_in_words(table.index[blank[column].to_numpy()])


def check_future(table: pd.DataFrame, value_col: str, on_page: bool = False) -> None:
    """Refuse known-ahead values that are missing, naming the columns and their dates, or too
    large to compute with; ``on_page``: the sentence points at the page's plan table (which
    shows the plan) rather than at the command line's options."""
    check_planned_size(table)
    found = first_blank(table)
    if found is None:
        return
    column, missing = found
    if on_page:
        raise ValueError(tr(
            "The known-ahead column {column} has no values for {when}, which the forecast "
            "needs. Fill them in the plan's table above, or add rows after the last value of "
            "{value} to your file with it blank and {column} filled.", column=quoted(column),
            when=missing, value=quoted(value_col)))
    raise ValueError(tr(
        "The known-ahead column {column} has no values for {when}, which the forecast needs. "
        "Add rows after the last value of {value} with it blank and {column} filled, or give "
        "them in a second file of future values ({option} on the command line) or in the plan's "
        "table on the page.", column=quoted(column), when=missing,
        value=quoted(value_col), option="--future"))


def check_planned_size(table: pd.DataFrame) -> None:
    """Refuse a planned value too large to compute with (the limit the data file has): 1e300
    overflows the scaler, and the forecast would be blanks or nonsense."""
    largest = table.abs().max()
    too_large = largest[largest > MAX_MAGNITUDE]
    if len(too_large):
        column = too_large.index[0]
        over = (table[column].abs() > MAX_MAGNITUDE).to_numpy()
        when = times_in_words(table.index[over])
        raise ValueError(tr("The planned values of {column} reach {value:.3g} on {when}, too "
                            "large to compute with (the limit is {limit:.0e}); check them for "
                            "overflowed cells.", column=quoted(shown_column(column)),
                            value=table[column].to_numpy()[over][0],  # (its sign too)
                            when=when, limit=MAX_MAGNITUDE))


def future_inputs(series: SeriesData, config, names: tuple[str, ...],
                  table: pd.DataFrame) -> np.ndarray:
    """``(horizon, inputs)`` in the data's units for the horizon: the known-ahead columns from
    ``table`` and the dates, NaN for the columns known only up to now."""
    check_future(table, series.value_col)
    rows = np.full((len(table), len(names)), np.nan)
    dated = _dated(table.index, series.freq, config, names)
    first_dated = 1 + len(series.covariates)
    rows[:, first_dated:] = dated
    for column in table.columns:
        rows[:, names.index(column)] = table[column].to_numpy()
    return rows


# ---- planned values beyond those the model learnt from --------------------------------------


def trained_ranges(series: SeriesData, config, train: tuple[int, int]) -> dict:
    """Each known-ahead column's lowest and highest value over the training span ``train``
    (rows first, end): the holiday count as the training read it from the dates."""
    frame, (first, end) = series.frame, train
    ranges = {c: (float(frame[c].iloc[first:end].min()), float(frame[c].iloc[first:end].max()))
              for c in config.known_covariates}
    if config.holidays:
        counts = holiday_counts(frame.index[first:end], series.freq, config.holidays)
        ranges[holiday_name(config.holidays)] = (float(np.min(counts)), float(np.max(counts)))
    return ranges


# How far past its training range a planned value may lie, as a share of that range, before it is
# said to be beyond it: a price 0.3% above the highest one trained on is no guess.
BEYOND_MARGIN = 0.05


def outside_range(values, low, high):
    """Where ``values`` lie beyond ``low`` to ``high`` (arrays broadcast) by more than
    ``BEYOND_MARGIN`` of its width (any other value, for a column that held one value)."""
    margin = BEYOND_MARGIN * (np.asarray(high) - np.asarray(low))
    with np.errstate(invalid="ignore"):
        return (values < low - margin) | (values > high + margin)


def planned_beyond(known: pd.DataFrame, ranges: dict,
                   edited: np.ndarray | None = None) -> list[str]:
    """A sentence for each column of ``known`` (one row per step of the horizon) set beyond its
    training range in ``ranges`` (column: (low, high)), on any step, or on the steps ``edited``
    (a flag per cell: a what-if) where given: the network never read such values, so its
    forecast there is a guess."""
    said = []
    for j, column in enumerate(known.columns):
        if column not in ranges:
            continue
        low, high = ranges[column]
        shown = shown_column(column)  # as the plan's table heads it, in its language
        values = known[column].to_numpy(dtype=np.float64)
        outside = outside_range(values, low, high)
        if edited is not None:
            outside &= edited[:, j]
        if not outside.any():
            continue
        settings = clauses(  # "3 on 2024-12-31 and 2025-01-03; -1 on 2025-01-02"
            tr("{value} on {when}", value=as_read(value),
               when=times_in_words(known.index[outside & (values == value)]))
            for value in pd.unique(values[outside])[:5])
        said.append(tr(
            "{column} is set to {settings}, beyond the {low} to {high} it held in training: "
            "the model never read such values, so the what-if there is a guess, not something "
            "it learnt.", column=quoted(shown), settings=settings, low=as_read(low),
            high=as_read(high))
            if edited is not None else tr(
            "The plan sets {column} to {settings}, beyond the {low} to {high} it held in "
            "training: the model never read such values, so its forecast there is a guess, not "
            "something it learnt.", column=quoted(shown), settings=settings, low=as_read(low),
            high=as_read(high)))
    return said
