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
    """The rows of a long file to drop as totals, and what to say: the rows whose id names a
    total (store 合计) and whose date is blank or unreadable (a totals row), and the series
    named as a total that equal the sum of the others on every date (and in the same group of
    the other id columns: region North's 小计 sums North's stores; a blank id cell beside the
    total's name sums across that column)."""
    marked = np.column_stack([_named_total(table[c]) for c in id_cols])
    rows = marked.any(axis=1)
    if times is None or not rows.any():
        return np.zeros(len(table), bool), []
    notices = []
    undated = rows & times.isna().to_numpy()
    if undated.any():
        words = [table[c][undated & marked[:, j]] for j, c in enumerate(id_cols)]
        notices.append(totals_dropped(int(undated.sum()),
                                      list(pd.unique(pd.concat(words).astype(str)))[:3]))
    dated = rows & ~undated
    if not dated.any():
        return undated, notices
    frame = table[id_cols].assign(_time=times.to_numpy(), _value=value.to_numpy())
    off = np.zeros(len(table), bool)  # a total's row that is not the sum it names
    compared = np.zeros(len(table), bool)
    others = ~rows & value.notna().to_numpy()
    half = _half_unit(value.to_numpy())
    across = marked | table[id_cols].isna().to_numpy()  # a total's blank id: all of them
    for pattern in np.unique(across[dated], axis=0):
        keys = ["_time", *(c for c, m in zip(id_cols, pattern) if not m)]
        sums = frame[others].groupby(keys, dropna=False)["_value"].agg(["sum", "count"])
        chosen = dated & (across == pattern).all(axis=1)
        expected = frame.loc[chosen, keys].merge(sums.reset_index(), on=keys, how="left")
        total, want = frame.loc[chosen, "_value"].to_numpy(), expected["sum"].to_numpy()
        seen = ~np.isnan(total) & ~np.isnan(want)
        compared[chosen] = seen
        off[chosen] = seen & ~_summed(total, want, half * (1 + expected["count"].to_numpy()))
    by_series = pd.DataFrame({"id": ids[dated].to_numpy(), "off": off[dated],
                              "seen": compared[dated]}).groupby("id", sort=False)
    agree = by_series["seen"].any() & ~by_series["off"].any()
    summed, not_summed = list(agree.index[agree]), list(agree.index[~agree])
    if summed:
        notices.append(_left_out(summed, wide=False))
    if not_summed:
        notices.append(_kept(not_summed, wide=False))
    return undated | (dated & ids.isin(summed).to_numpy()), notices


def totals_in_wide(numbers: pd.DataFrame, columns: list[str]) -> tuple[list[str], list[str]]:
    """The columns of a wide file to read as series, and what to say: a column named as a total
    (合计) is left out where it equals the sum of the other columns on every row that has it."""
    named = [c for c in columns if is_total(c)]
    rest = [c for c in columns if c not in named]
    if not named or not rest:
        return columns, []
    want = numbers[rest].sum(axis=1, min_count=1).to_numpy()
    rounding = sum(_half_unit(numbers[c].to_numpy()) for c in rest)
    summed = []
    for column in named:
        total = numbers[column].to_numpy()
        seen = ~np.isnan(total) & ~np.isnan(want)
        slack = _half_unit(total) + rounding
        if seen.any() and _summed(total[seen], want[seen], slack).all():
            summed.append(column)
    notices = [_left_out(summed, wide=True)] if summed else []
    if len(summed) < len(named):
        notices.append(_kept([c for c in named if c not in summed], wide=True))
    return [c for c in columns if c not in summed], notices


def _left_out(names: list, wide: bool) -> str:
    if wide:
        return trn("The column {names} is the sum of the other columns on every row, so it is "
                   "left out: a total is not a series of its own (rename it in the file to "
                   "forecast it).", "The columns {names} are the sums of the other columns on "
                   "every row, so they are left out: a total is not a series of its own (rename "
                   "them in the file to forecast them).", len(names), names=listed(names))
    return trn("The series {names} is the sum of the other series date by date, so it is left "
               "out: a total is not a series of its own (rename it in the file to forecast it).",
               "The series {names} are the sums of the other series date by date, so they are "
               "left out: a total is not a series of its own (rename them in the file to "
               "forecast them).", len(names), names=listed(names))


def _kept(names: list, wide: bool) -> str:
    if wide:
        return trn("The column {names} is named as a total but is not the sum of the other "
                   "columns, so it is read as a series of its own.", "The columns {names} are "
                   "named as totals but are not the sums of the other columns, so they are "
                   "read as series of their own.", len(names), names=listed(names))
    return trn("The series {names} is named as a total but is not the sum of the other series, "
               "so it is read as a series of its own.", "The series {names} are named as "
               "totals but are not the sums of the other series, so they are read as series of "
               "their own.", len(names), names=listed(names))


def _named_total(cells: pd.Series) -> np.ndarray:
    """Where a column's cells name a total (each distinct cell judged once)."""
    words = [w for w in pd.unique(cells.dropna()) if is_total(w)]
    return cells.isin(words).to_numpy() if words else np.zeros(len(cells), bool)


def _summed(total: np.ndarray, want: np.ndarray, slack) -> np.ndarray:
    """Where ``total`` is ``want`` as far as the report's rounding (``slack``) lets one tell."""
    return np.abs(total - want) <= slack + 1e-9 * np.maximum(np.abs(total), 1.0)


def _half_unit(values: np.ndarray) -> float:
    """Half the last decimal place the values are written to (0.5 for whole numbers, 0.005 for
    cents), as far as a report rounds them; 0 where they are not rounded."""
    values = values[~np.isnan(values)]
    for decimals in range(DECIMALS + 1):
        scaled = values * 10.0 ** decimals
        if (np.abs(scaled - np.round(scaled)) <= 1e-6 * np.maximum(np.abs(scaled), 1)).all():
            return 0.5 * 10.0 ** -decimals
    return 0.0
