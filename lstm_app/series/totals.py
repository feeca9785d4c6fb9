"""Owns what a report's totals (合计, Total, 小计) are taken for, and how each is said.

A spreadsheet export often ends with a totals row, and a report of many series often carries a
totals series (a 合计 column beside the stores, a 合计 store among them). A total is not a value
of a series, nor a series of its own: a totals row is dropped; a totals series is left out where
it really is the sum of the others date by date, and said to be read as a series where it is
not. Every drop is a plain-words notice; nothing is dropped for its name alone.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from lstm_app.i18n import sentences, tr, trn
from lstm_app.quoting import listed

# The words a total goes by, whole (after a trailing colon) ...
TOTALS = {"合计", "合計", "总计", "總計", "小计", "小計", "汇总", "匯總", "total", "totals",
          "grand total", "sum", "subtotal", "gesamt", "summe", "insgesamt", "totaal", "totale"}
# ... and the Chinese ones ending a longer name (本月合计, 北区小计), or 合计 starting one
# (合计金额); not within one (总计划 is an overall plan, 小计算器 a calculator).
ENDING = ("合计", "合計", "总计", "總計", "小计", "小計")
STARTING = ("合计", "合計")
DECIMALS = 6  # the most decimals a report's rounding is looked for in
TOTALS_AT_END = 6  # rows a file without dates may end on: a total, an average, a maximum …
# What else a report's last rows may say of the rows above (only there: a label, not a total).
SUMMARIES = {"平均", "平均值", "均值", "平均数", "average", "avg", "mean", "最大", "最大值",
             "最小", "最小值", "max", "min", "maximum", "minimum", "中位数", "median"}
# beside the id columns, which go by their place (0, 1, …)
TIME, VALUE, ROUNDING, SERIES = "time", "value", "rounding", "series"
PLACES = range(DECIMALS, -5, -1)  # millionths down to ten thousands (0.01万 is 100)
UNSEEN = -100  # the places of a blank or a 0: none
MIN_SEEN = 3  # values other than 0 it takes to tell a series' rounding


def is_total(text) -> bool:
    """Whether ``text`` names a total: 合计, "Total:", 本月合计, 合计(元), 合 计; not "Total Gym",
    总计划."""
    word = _word(text)
    return word in TOTALS or word.endswith(ENDING) or word.startswith(STARTING)


def _word(text) -> str:
    """A label as compared with the words above: without a trailing colon or unit in brackets
    (合计：, 平均值(元)), the spaces between Chinese characters (合 计, 合　计), in lower case."""
    word = re.sub(r"[(（][^()（）]*[)）]$", "", str(text).strip().rstrip(":：").strip())
    return re.sub(r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])", "", word).strip().casefold()


def totals_dropped(count: int, cells: list[str]) -> str:
    """The notice for totals rows (合计, Total) dropped from the table."""
    return trn("{count} totals row ({cells}) was dropped: it sums other rows, it is not a value "
               "of the series.", "{count} totals rows ({cells}) were dropped: they sum other "
               "rows, they are not values of the series.", count, cells=listed(cells))


def summary_rows(table: pd.DataFrame) -> tuple[np.ndarray, str]:
    """The rows of a table without dates that are a report's summary, by the label in its first
    column of text (where a report labels its rows, after a 序号 of numbers perhaps; a remark
    in a later column, 本月合计已核对, is none): a
    total anywhere (小计 under each quarter, 合计 at the end), and an average or maximum among
    the last rows under it; and the sentence for dropping them ("" for none)."""
    marked = np.zeros(len(table), bool)
    if not table.shape[1] or not len(table):
        return marked, ""
    labels = _labels(table)
    if labels is None:
        return marked, ""
    marked = _named_total(labels).copy()
    for at in range(len(table) - 1, max(len(table) - 1 - TOTALS_AT_END, -1), -1):
        cell = labels.iloc[at]
        if pd.isna(cell) or not (marked[at] or _word(cell) in SUMMARIES):
            break
        marked[at] = True
    found = [str(c) for c in pd.unique(labels[marked])]
    if not marked.any() or all(is_total(c) for c in found):
        return marked, totals_dropped(int(marked.sum()), found) if marked.any() else ""
    return marked, trn(
        "{count} summary row ({cells}) was dropped: it sums or averages other rows, it is not a "
        "value of the series.", "{count} summary rows ({cells}) were dropped: they sum or "
        "average other rows, they are not values of the series.", int(marked.sum()),
        cells=listed(found))


def unlabelled_total(values: pd.Series) -> str:
    """Where the last of ``values`` (a series without dates, in row order) is the sum of every
    value above it, and far above each (a spreadsheet's total row without a label), the
    sentence for dropping it; "" where it is not. A series doubling at each step ends on the sum
    of its past too, but only twice its largest value: a total of eight or more is more."""
    v = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    if len(v) < 9 or not np.isfinite(v[-1]):
        return ""
    above = v[:-1][np.isfinite(v[:-1])]
    total = float(above.sum())
    # eight values or more, not a few counts (1, 0, 1, 0, 1, 0 then 3 is a value)
    if (len(above) < 8 or len(np.unique(above[above > 0])) < 3 or (above < 0).any() or total <= 0
            or abs(v[-1] - total) > max(1e-6 * total, 0.01) or v[-1] < 2.5 * above.max()):
        return ""
    return tr("The last row ({value:,.10g}) is the sum of the {count:,} values above it: a total "
              "row without a label, so it was left out. If it is a value of the series, add a "
              "row under it or a column of dates.", value=float(v[-1]), count=len(above))


def _labels(table: pd.DataFrame) -> pd.Series | None:
    """The first of the first two columns of ``table`` that holds text rather than numbers
    (judged on its first rows): where a report labels its rows (after a 序号 perhaps; a remark
    further right is none)."""
    for column in table.columns[:2]:
        cells = table[column].dropna().head(1000)
        if len(cells) and pd.to_numeric(cells, errors="coerce").isna().mean() > 0.5:
            return table[column]
    return None


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


def names_a_total(table: pd.DataFrame, id_cols: list[str]) -> bool:
    """Whether any id cell of ``table`` names a total (each distinct cell judged once)."""
    return any(_named_total(table[c]).any() for c in id_cols)


def totals_in_long(table: pd.DataFrame, id_cols: list[str], ids: pd.Series,
                   times: pd.Series | None, value: pd.Series,
                   dates: pd.Series | None = None) -> tuple[np.ndarray, list[str]]:
    """The rows of a long file to drop as totals, and what to say: totals rows (an id naming a
    total, store 合计, where the date cell ``dates`` is blank or names a total too; in row
    order, a row alone under its id), and the
    series named as a total that are the sum of the others date by date (in row order, row by
    row) within the same group of the other id columns (region North's 小计 sums North's
    stores; a blank id cell beside the total's name sums across that column)."""
    marked = np.column_stack([_named_total(table[c]) for c in id_cols])
    rows = marked.any(axis=1)
    if not rows.any():
        return rows, []
    notices = []
    dropped = _totals_rows(rows, ids, times, dates)
    if dropped.any():
        words = pd.concat([table[c][dropped & marked[:, j]] for j, c in enumerate(id_cols)])
        notices.append(totals_dropped(int(dropped.sum()), list(pd.unique(words.astype(str)))[:3]))
    dated = np.ones(len(rows), bool) if times is None else times.notna().to_numpy()
    series = rows & ~dropped & dated  # (an unreadable date elsewhere: said as one, dropped)
    others = ~rows & value.notna().to_numpy() & dated
    if not series.any() or not others.any():  # (only totals: nothing they could sum)
        return dropped, notices
    when = (times.to_numpy() if times is not None  # in row order: the nth row of each series
            else ids.groupby(ids.to_numpy(), sort=False).cumcount().to_numpy())
    # id columns by place (0, 1, …) beside TIME and VALUE: no file's column name can clash
    frame = pd.DataFrame({j: table[c].to_numpy() for j, c in enumerate(id_cols)})
    frame[TIME], frame[VALUE] = when, value.to_numpy()
    # each series' rounding: the fewest decimals that write all its values (cents, yuan, 万)
    places = pd.Series(_places(value.to_numpy()))
    by = places.groupby(ids.to_numpy())
    seen = (places != UNSEEN).groupby(ids.to_numpy()).transform("sum").to_numpy()
    half = _half(np.where(seen >= MIN_SEEN, by.transform("max").to_numpy(), UNSEEN))
    frame[ROUNDING] = np.where(places.to_numpy() != UNSEEN, half ** 2, 0.0)  # (not a 0)
    summands = frame[others].assign(**{SERIES: ids.to_numpy()[others]})
    if summands.duplicated([SERIES, TIME]).any():  # averaged, as the loader will average them
        summands = summands.groupby([SERIES, TIME], dropna=False, sort=False).agg(
            {**{j: "first" for j in range(len(id_cols))}, VALUE: "mean", ROUNDING: "first"}
        ).reset_index()
    gap, spread = np.full(len(table), np.nan), np.zeros(len(table))
    across = marked | table[id_cols].isna().to_numpy()  # a total's blank id: all of them
    for pattern in np.unique(across[series], axis=0):
        keys = [TIME, *(j for j, m in enumerate(pattern) if not m)]
        sums = summands.groupby(keys, dropna=False)[[VALUE, ROUNDING]].sum(min_count=1)
        chosen = series & (across == pattern).all(axis=1)
        expected = frame.loc[chosen, keys].merge(sums.reset_index(), on=keys, how="left")
        gap[chosen] = frame.loc[chosen, VALUE].to_numpy() - expected[VALUE].to_numpy()
        spread[chosen] = np.sqrt((half[chosen] ** 2 + expected[ROUNDING].fillna(0).to_numpy())
                                 / 3)
    agree = _like_rounding(gap[series], spread[series], half[series], ids[series].to_numpy())
    summed, not_summed = list(agree.index[agree]), list(agree.index[~agree])
    if summed:
        notices.append(_left_out(summed, wide=False))
    if not_summed:
        notices.append(_kept(not_summed, wide=False))
    return dropped | (series & ids.isin(summed).to_numpy()), notices


def _totals_rows(rows: np.ndarray, ids: pd.Series, times: pd.Series | None,
                 dates: pd.Series | None) -> np.ndarray:
    """Of the rows whose id names a total, the totals rows: those whose date is blank or names
    a total; in row order, those whose id has that row alone (A小计 under A's rows, 总计 at the
    end; a store sorted last, Total after A and B, is a series, not these)."""
    if times is not None:
        undated = rows & times.isna().to_numpy()
        if dates is not None and undated.any():  # (few rows: each judged by its cell)
            cells = dates[undated]
            undated[undated] = cells.isna().to_numpy() | np.array([is_total(c) for c in cells],
                                                                   dtype=bool)
        return undated
    return rows & (ids.groupby(ids.to_numpy()).transform("size").to_numpy() == 1)


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
    of the stores to its left). Each cell is summed at most twice: once into the sum of all, once
    into its own block."""
    at = [i for i, c in enumerate(columns) if is_total(c)]
    if not at or len(at) == len(columns):
        return []
    values = numbers[columns].to_numpy()
    half, present = _half_unit(values), ~np.isnan(values)
    plain = np.ones(len(columns), bool)
    plain[at] = False
    written = present & (values != 0)  # (a 0 adds no rounding)
    parts = {"all": _summed_cells(values[:, plain], written[:, plain], half[plain])}
    summed = []
    for before, column in zip([-1, *at[:-1]], at):
        block = slice(before + 1, column)  # the columns since the total before: all plain
        sums = [parts["all"]] + ([_summed_cells(values[:, block], written[:, block], half[block])]
                                 if column > before + 1 else [])
        for total, rounding in sums:
            spread = np.sqrt((half[column] ** 2 + rounding) / 3)
            if _like_rounding(values[:, column] - total, spread, half[column]):
                summed.append(columns[column])
                break
    return summed


def _summed_cells(values: np.ndarray, written: np.ndarray, half: np.ndarray) -> tuple:
    """Row by row: the sum of the cells (NaN where all are blank, as a report's SUM is not
    written there), and the sum of the squared half units of those ``written`` (not 0)."""
    total = np.where((~np.isnan(values)).any(axis=1), np.nansum(values, axis=1), np.nan)
    return total, written.astype(float) @ (half ** 2)


def _like_rounding(gap: np.ndarray, spread: np.ndarray, bias, by=None):
    """For each group ``by`` (a Series by group; one bool where None), whether the gaps between
    a total and the sum of what it names (NaN where there is nothing to compare) are no more
    than a report's rounding makes: none, or each within four of its ``spread`` (the standard
    deviation of the rounding of the cells summed, half a unit up or down each) with a mean
    within ``bias`` (the total's own half unit, per row: it may be cut rather than rounded) and
    three standard errors of 0. An amount left out on every row (an online channel not in the
    file) is no rounding; nor is a group with nothing to compare."""
    seen = ~np.isnan(gap)
    beyond = np.abs(gap) - 4 * spread - 1e-9 * np.maximum(np.abs(gap), 1.0)
    if by is None:  # one total column: no grouping
        count = int(seen.sum())
        return bool(count and beyond[seen].max() <= 0 and abs(gap[seen].mean()) <= np.max(
            bias) + 3 * np.sqrt((spread[seen] ** 2).sum()) / count + 1e-9)
    frame = pd.DataFrame({"by": by, "gap": gap, "beyond": beyond, "variance": spread ** 2,
                          "bias": np.broadcast_to(bias, gap.shape)})
    stats = frame[seen].groupby("by", sort=False).agg(
        mean=("gap", "mean"), beyond=("beyond", "max"), variance=("variance", "sum"),
        count=("gap", "size"), bias=("bias", "max"))
    ok = (stats["beyond"] <= 0) & (stats["mean"].abs() <= stats["bias"] + 3 * np.sqrt(
        stats["variance"]) / stats["count"] + 1e-9)
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
    """Half the last place the values are written to (0.5 for whole numbers, 0.005 for cents,
    50 for hundreds), as far as a report rounds them; 0 where they are not rounded, or too few
    are written to tell (one 10,000 among zeros): one value for a column, one per column for a
    table."""
    places = _places(values)
    seen = (places != UNSEEN).sum(axis=0)
    return _half(np.where(seen >= MIN_SEEN, places.max(axis=0, initial=UNSEEN), UNSEEN))


def _places(values: np.ndarray) -> np.ndarray:
    """Per value, the fewest decimal places that write it (-2 for 1,200; 2 for 12.34);
    DECIMALS + 1 where it takes more (not rounded); UNSEEN where blank or 0 (written at any
    place, it tells nothing of the rounding)."""
    places = np.full(values.shape, DECIMALS + 1, dtype=np.int64)
    for decimals in PLACES:  # from the most decimals down: the last that writes it wins
        scaled = values * 10.0 ** decimals
        written = np.abs(scaled - np.round(scaled)) <= 1e-9 * np.maximum(np.abs(scaled), 1)
        places = np.where(written, decimals, places)
    return np.where(np.isnan(values) | (values == 0), UNSEEN, places)


def _half(places: np.ndarray) -> np.ndarray:
    """Half a unit of the last place written (0 where not rounded, or nothing was written)."""
    unit = 0.5 * 10.0 ** -np.clip(places, min(PLACES), DECIMALS)
    return np.where((places > DECIMALS) | (places == UNSEEN), 0.0, unit)
