"""Owns telling whether a table holds many series, and which columns name them: a long file's
id columns (store, product) are the label columns that make each (id, time) pair unique while
the times repeat. Read by load_panel, and by load_series to say that a file it would average
into one series holds many."""

from __future__ import annotations

import numpy as np
import pandas as pd

MAX_SERIES = 10_000  # series a panel may hold
ID_JOIN, BLANK_ID = " · ", "(blank)"  # the id of a row: its id cells joined (a blank one named)


def propose_ids(table: pd.DataFrame, time_col: str | None) -> list[str]:
    """The columns that name the series of a long file, or [] when none do. Candidates hold
    labels (text, or whole numbers in a column named like an id: store, sku, 门店) that repeat;
    the one with the fewest labels that makes each (id, time) pair unique wins, else the fewest
    candidates together that do. Times must repeat (several series share them); without a time
    column only a lone candidate is proposed."""
    candidates = [c for c in _label_columns(table) if c != time_col]
    if time_col is None or not candidates:
        return candidates if len(candidates) == 1 else []
    if table[time_col].duplicated().mean() < 0.3:
        return []  # each time comes once or nearly: one series (its text columns are data)

    def unique(columns: list[str]) -> bool:
        return table.duplicated(subset=[*columns, time_col]).mean() < 0.05

    for column in candidates:  # fewest labels first
        if unique([column]):
            return [column]
    chosen = []
    for column in reversed(candidates):  # most labels first, until the pairs are unique
        chosen.append(column)
        if unique(chosen):
            return [c for c in table.columns if c in chosen]  # in the file's order
    return []


def _label_columns(table: pd.DataFrame, scan: int = 100) -> list[str]:
    """Of the first ``scan`` columns, those that could name series, fewest labels first: present
    in half the rows (a series whose id was left blank is one more series), 2 to MAX_SERIES labels
    each repeated at least twice on average, and text
    (or whole numbers in a column named like an id)."""
    found = []
    for column in table.columns[:scan]:  # a few vectorised counts per column
        cells = table[column].dropna()
        distinct = cells.nunique()
        if len(cells) < 0.5 * len(table) or not 2 <= distinct <= min(MAX_SERIES, len(table) / 2):
            continue
        sample = cells.head(1000)
        numeric = pd.to_numeric(sample, errors="coerce").notna().mean() > 0.9
        if numeric and not (_named_like_id(column) and sample.str.fullmatch(r"\d+").all()):
            continue
        found.append((distinct, column))
    return [column for _, column in sorted(found, key=lambda f: f[0])]


ID_WORDS = {"id", "ids", "store", "shop", "branch", "product", "item", "sku", "meter", "page",
            "site", "region", "city", "country", "category", "series", "name", "code", "key",
            "customer", "account", "sensor", "station", "device", "门店", "店铺", "商品", "产品",
            "地区", "城市", "编号", "名称", "品类", "客户"}


def _named_like_id(column: str) -> bool:
    words = {w for w in str(column).lower().replace("-", "_").replace(" ", "_").split("_") if w}
    return bool(words & ID_WORDS) or any(w in str(column) for w in ID_WORDS if not w.isascii())


def joined_ids(table: pd.DataFrame, id_cols: list[str]) -> pd.Series:
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
