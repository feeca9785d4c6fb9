"""Owns what a report's totals (合计, Total, 小计) are taken for, and how each is said.

A spreadsheet export often ends with a totals row, and a report of many series often carries a
totals series (a 合计 column beside the stores, a 合计 store among them). A total is not a value
of a series, nor a series of its own: a totals row is dropped; a totals series is left out where
it really is the sum of the others date by date, and said to be read as a series where it is
not. Every drop is a plain-words notice; nothing is dropped for its name alone.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lstm_app.i18n import sentences, tr, trn
from lstm_app.quoting import listed

# The words a total goes by, whole (after a trailing colon) ...
TOTALS = {"合计", "合計", "总计", "總計", "小计", "小計", "汇总", "匯總", "total", "totals",
          "grand total", "sum", "subtotal", "gesamt", "summe", "insgesamt", "totaal", "totale"}
# ... and the Chinese ones within a longer name too (本月合计, 销量合计).
WITHIN = ("合计", "合計", "总计", "總計", "小计", "小計")
DECIMALS = 6  # the most decimals a report's rounding is looked for in
TIME, VALUE = "time", "value"  # beside the id columns, which go by their place (0, 1, …)


def is_total(text) -> bool:
    """Whether ``text`` names a total: 合计, "Total:", 本月合计; not "Total Gym"."""
    word = str(text).strip().rstrip(":：").strip().casefold()
    return word in TOTALS or any(w in word for w in WITHIN)


def totals_dropped(count: int, cells: list[str]) -> str:
    """The notice for totals rows (合计, Total) dropped from the table."""
    return trn("{count} totals row ({cells}) was dropped: it sums other rows, it is not a value "
               "of the series.", "{count} totals rows ({cells}) were dropped: they sum other "
               "rows, they are not values of the series.", count, cells=listed(cells))


def totals_at_end(table: pd.DataFrame) -> list[str]:
    """The totals words (合计, Total) of the last rows of ``table`` that hold one, a row each."""
    found = []
    for _, row in table.tail(3).iloc[::-1].iterrows():  # a few rows: a total, a grand total
        words = [str(c) for c in row.dropna() if is_total(c)]
        if not words:
            break
        found.append(words[0])
    return found[::-1]


def unreadable_dates(count: int, cells: pd.Series | None = None) -> str:
    """The notice for rows dropped because their date could not be read, with what a few of
    them held where the date should be (a totals row's 合计), where ``cells`` gives that."""
    written = [] if cells is None else [str(c) for c in cells.dropna().unique()[:3]]
    if written and cells.notna().all() and all(is_total(c) for c in cells.unique()):
        return totals_dropped(count, written)  # a spreadsheet's sum at the end
    said = trn("{count} row whose date could not be read was dropped.",
               "{count} rows whose date could not be read were dropped.", count)
    return sentences(said, tr("Where the date should be: {cells}.", cells=listed(written))) \
        if written else said


# ---- a totals series among many --------------------------------------------------------------


def totals_in_long(table: pd.DataFrame, id_cols: list[str], ids: pd.Series,
                   times: pd.Series | None, value: pd.Series) -> tuple[np.ndarray, list[str]]:
    """The rows of a long file to drop as totals, and what to say: totals rows (an id naming a
    total, store 合计, with a blank or unreadable date; in row order, the last rows of the file
    where their id is nowhere above), and the series named as a total that are the sum of the
    others date by date (in row order, row by row) within the same group of the other id
    columns (region North's 小计 sums North's stores; a blank id cell beside the total's name
    sums across that column)."""
    marked = np.column_stack([_named_total(table[c]) for c in id_cols])
    rows = marked.any(axis=1)
    if not rows.any():
        return rows, []
    notices = []
    dropped = _totals_rows(rows, ids, times)
    if dropped.any():
        words = pd.concat([table[c][dropped & marked[:, j]] for j, c in enumerate(id_cols)])
        notices.append(totals_dropped(int(dropped.sum()), list(pd.unique(words.astype(str)))[:3]))
    series = rows & ~dropped
    others = ~rows & value.notna().to_numpy()
    if not series.any() or not others.any():  # (only totals: nothing they could sum)
        return dropped, notices
    when = (times.to_numpy() if times is not None  # in row order: the nth row of each series
            else ids.groupby(ids.to_numpy(), sort=False).cumcount().to_numpy())
    # id columns by place (0, 1, …) beside TIME and VALUE: no file's column name can clash
    frame = pd.DataFrame({j: table[c].to_numpy() for j, c in enumerate(id_cols)})
    frame[TIME], frame[VALUE] = when, value.to_numpy()
    gap, spread = np.full(len(table), np.nan), np.zeros(len(table))
    half = float(_half_unit(value.to_numpy()))
    across = marked | table[id_cols].isna().to_numpy()  # a total's blank id: all of them
    for pattern in np.unique(across[series], axis=0):
        keys = [TIME, *(j for j, m in enumerate(pattern) if not m)]
        sums = frame[others].groupby(keys, dropna=False)[VALUE].agg(["sum", "count"])
        chosen = series & (across == pattern).all(axis=1)
        expected = frame.loc[chosen, keys].merge(sums.reset_index(), on=keys, how="left")
        gap[chosen] = frame.loc[chosen, VALUE].to_numpy() - expected["sum"].to_numpy()
        spread[chosen] = half * np.sqrt((expected["count"].to_numpy() + 1) / 3)
    agree = _like_rounding(pd.Series(gap[series]), pd.Series(spread[series]), half,
                           ids[series].to_numpy())
    summed, not_summed = list(agree.index[agree]), list(agree.index[~agree])
    if summed:
        notices.append(_left_out(summed, wide=False))
    if not_summed:
        notices.append(_kept(not_summed, wide=False))
    return dropped | (series & ids.isin(summed).to_numpy()), notices


def _totals_rows(rows: np.ndarray, ids: pd.Series, times: pd.Series | None) -> np.ndarray:
    """Of the rows whose id names a total, the totals rows: those without a date; in row order,
    the run of them that ends the file, where their ids are nowhere above."""
    if times is not None:
        return rows & times.isna().to_numpy()
    run = len(rows) if rows.all() else int(np.argmin(rows[::-1]))
    tail = np.arange(len(rows)) >= len(rows) - run
    alone = run and not ids[tail].isin(set(ids[~tail])).any()
    return tail if alone else np.zeros(len(rows), bool)


def totals_in_wide(numbers: pd.DataFrame, columns: list[str]) -> tuple[list[str], list[str]]:
    """The columns of a wide file to read as series, and what to say: a column named as a total
    is left out where it is the sum of other columns (``summed_columns``)."""
    named = [c for c in columns if is_total(c)]
    if not named or len(named) == len(columns):
        return columns, []
    summed = summed_columns(numbers, columns)
    notices = [_left_out(summed, wide=True)] if summed else []
    if len(summed) < len(named):
        notices.append(_kept([c for c in named if c not in summed], wide=True))
    return [c for c in columns if c not in summed], notices


def summed_columns(numbers: pd.DataFrame, columns: list[str]) -> list[str]:
    """Of ``columns``, those named as a total that are the sum of other columns on every row
    that has them (合计 of every store), or of those between them and the total before (北区小计
    of the stores to its left)."""
    named = [c for c in columns if is_total(c)]
    if not named or len(named) == len(columns):
        return []
    values = numbers[columns].to_numpy()
    half, present = _half_unit(values), ~np.isnan(values)
    plain = np.array([c not in named for c in columns])
    summed = []
    for column in named:
        at = columns.index(column)
        before = max([columns.index(c) for c in named if columns.index(c) < at], default=-1)
        block = plain & (np.arange(len(columns)) > before) & (np.arange(len(columns)) < at)
        for parts in (plain, block):
            if not parts.any():
                continue
            sums = np.where(present[:, parts].any(axis=1),
                            np.nansum(values[:, parts], axis=1), np.nan)
            spread = np.sqrt((half[at] ** 2 + (present[:, parts] * half[parts] ** 2).sum(axis=1))
                             / 3)
            if _like_rounding(pd.Series(values[:, at] - sums), pd.Series(spread),
                              float(half[at])).all():
                summed.append(column)
                break
    return summed


def _like_rounding(gap: pd.Series, spread: pd.Series, bias: float, by=None) -> pd.Series:
    """For each group ``by`` (one group where None), whether the gaps between a total and the
    sum of what it names (NaN where there is nothing to compare) are no more than a report's
    rounding makes: none, or each within four of its ``spread`` (the standard deviation of the
    rounding of the cells summed, half a unit up or down each) with a mean within ``bias`` (the
    total's own half unit: it may be cut rather than rounded) and three standard errors of 0.
    An amount left out on every row (an online channel not in the file) is no rounding; nor is
    a group with nothing to compare."""
    seen = gap.notna().to_numpy()
    tiny = 1e-9 * np.maximum(np.abs(gap.to_numpy()), 1.0)
    frame = pd.DataFrame({"by": 0 if by is None else by, "gap": gap.to_numpy(),
                          "beyond": np.abs(gap.to_numpy()) - 4 * spread.to_numpy() - tiny,
                          "variance": spread.to_numpy() ** 2})
    stats = frame[seen].groupby("by", sort=False).agg(
        mean=("gap", "mean"), beyond=("beyond", "max"), variance=("variance", "sum"),
        count=("gap", "size"))
    ok = (stats["beyond"] <= 0) & (
        stats["mean"].abs() <= bias + 3 * np.sqrt(stats["variance"]) / stats["count"] + 1e-9)
    return ok.reindex(pd.unique(frame["by"]), fill_value=False)


def _left_out(names: list, wide: bool) -> str:
    if wide:
        return trn("The column {names} is the sum of other columns on every row, so it is "
                   "left out: a total is not a series of its own (to forecast the total, read "
                   "the file as one series with it as the value).", "The columns {names} are "
                   "the sums of other columns on every row, so they are left out: a total is "
                   "not a series of its own (to forecast a total, read the file as one series "
                   "with it as the value).", len(names), names=listed(names))
    return trn("The series {names} is the sum of other series at every time, so it is left "
               "out: a total is not a series of its own (rename it in the file to forecast it).",
               "The series {names} are the sums of other series at every time, so they are "
               "left out: a total is not a series of its own (rename them in the file to "
               "forecast them).", len(names), names=listed(names))


def _kept(names: list, wide: bool) -> str:
    if wide:
        return trn("The column {names} is named as a total but is not the sum of other "
                   "columns, so it is read as a series of its own.", "The columns {names} are "
                   "named as totals but are not the sums of other columns, so they are "
                   "read as series of their own.", len(names), names=listed(names))
    return trn("The series {names} is named as a total but is not the sum of other series, "
               "so it is read as a series of its own.", "The series {names} are named as "
               "totals but are not the sums of other series, so they are read as series of "
               "their own.", len(names), names=listed(names))


def _named_total(cells: pd.Series) -> np.ndarray:
    """Where a column's cells name a total (each distinct cell judged once)."""
    words = [w for w in pd.unique(cells.dropna()) if is_total(w)]
    return cells.isin(words).to_numpy() if words else np.zeros(len(cells), bool)


def _half_unit(values: np.ndarray) -> np.ndarray:
    """Half the last decimal place the values are written to (0.5 for whole numbers, 0.005 for
    cents), as far as a report rounds them; 0 where they are not rounded: one value for a
    column, one per column for a table (all columns at once)."""
    half = np.zeros(values.shape[1:])
    for decimals in range(DECIMALS, -1, -1):  # the fewest decimals that write them all wins
        scaled = values * 10.0 ** decimals
        close = np.abs(scaled - np.round(scaled)) <= 1e-6 * np.maximum(np.abs(scaled), 1)
        half = np.where((close | np.isnan(values)).all(axis=0), 0.5 * 10.0 ** -decimals, half)
    return half
