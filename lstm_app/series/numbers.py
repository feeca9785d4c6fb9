"""Owns reading numbers out of a CSV's text cells: decimal commas, thousands separators,
currency and percent signs, full-width digits, accounting negatives, Chinese counting units
(122.07万 is 1,220,700) and missing-value tokens, and the plain-words notice of each repair.

Every cell of the table is read in one pass, column after column in one long column: the cost
grows with the cells, not with the columns (a file of 500 columns costs what one column of the
same cells does), and a column that holds plain numbers already skips the clean-up."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from lstm_app.i18n import N_, clauses, listing, sentences, tr, trn
from lstm_app.quoting import listed, quoted
from lstm_app.csv_header import MISSING_WORDS
from lstm_app.csv_table import column_after_column

NO_NUMBERS = N_("No column of numbers was found (columns seen: {columns}); the file needs at least "
              "one column of numeric values (for example sales or temperature).")
MISSING_TOKENS = ["", ".", "#value!", *sorted(MISSING_WORDS)]
CURRENCY = (r"US\$|[$€£¥₹元円]|人民币|\b(?:USD|EUR|GBP|JPY|CHF|CAD|AUD|CNY|RMB|INR|SEK|NOK|DKK|"
            r"HKD|TWD)\b")
# Thousands separators: spaces, no-break spaces, Swiss apostrophes. The odd spaces are the
# characters themselves, not "\u" escapes: pandas may hand the pattern to pyarrow's RE2, which
# refuses "\u".
SPACES = "[\\s\u00a0\u202f\u2009'’]"
# Chinese counting units after a number, as Chinese reports write amounts: 122.07万 (万元 once
# the currency sign is gone) is 1,220,700; 1.5亿 is 150,000,000.
UNITS = {"万亿": 12, "萬億": 12, "万": 4, "萬": 4, "亿": 8, "億": 8}  # powers of ten
UNIT_AFTER_NUMBER = r"(\d)\s*(" + "|".join(UNITS) + r")\s*$"
TOO_LARGE = N_("The column {column} holds numbers as large as {value:.3g}, too large to compute "
             "with (the limit is {limit:.0e}); check it for overflowed cells, or rescale it "
             "(for example in millions).")
MAX_MAGNITUDE = 1e30  # squared errors and the scaler's sums of 1M such values stay finite
FLOAT_MAX = float(np.finfo(np.float64).max)
DECIMAL_SAMPLE = 1000  # cells per column that decide between a decimal point and comma
DECIMAL_CELLS = 50_000  # and in all: a file of 10,000 columns is sampled, not read twice
NUMERIC_SHARE = 0.8  # of a column's present cells that must read as numbers


# Each kind of repair a column's cells may need: its sentence, and the same with an example.
REPAIRS = {
    "currency": (N_("Currency signs in {column} were removed."),
                 N_("Currency signs in {column} were removed (for example {cell} is read as "
                    "{number}).")),
    "percent": (N_("Percent signs in {column} were removed and the values stay in percent "
                   "units."),
                N_("Percent signs in {column} were removed and the values stay in percent units "
                   "(for example {cell} is read as {number}).")),
    "separators": (N_("Thousands separators in {column} were removed."),
                   N_("Thousands separators in {column} were removed (for example {cell} is "
                      "read as {number}).")),
    "units": (N_("Amounts in {column} written with 万 or 亿 were read in full."),
              N_("Amounts in {column} written with 万 or 亿 were read in full (for example "
                 "{cell} is read as {number}).")),
    "flags": (N_("Yes and no in {column} were read as 1 and 0."),
              N_("Yes and no in {column} were read as 1 and 0 (for example {cell} is read as "
                 "{number})."))}
# Words a flag column (a promotion on the day or not) writes for yes and no.
FLAG_WORDS = {"是": 1.0, "否": 0.0, "有": 1.0, "无": 0.0, "無": 0.0, "yes": 1.0, "no": 0.0,
              "y": 1.0, "n": 0.0, "true": 1.0, "false": 0.0}
# The same notes as runs saved before 2026-12-06 hold them (the number written {number:g}):
# kept in the catalogue, so that such a run's notes are still said in the reader's language.
FORMER_NOTES = (
    N_("Currency signs in {column} were removed (for example {cell} is read as {number:g})."),
    N_("Percent signs in {column} were removed and the values stay in percent units (for "
       "example {cell} is read as {number:g})."),
    N_("Thousands separators in {column} were removed (for example {cell} is read as "
       "{number:g})."),
    N_("Currency signs were removed in {columns:,} of the {total:,} columns (for example {cell} "
       "in {column} is read as {number:g})."),
    N_("Percent signs were removed (the values stay in percent units) in {columns:,} of the "
       "{total:,} columns (for example {cell} in {column} is read as {number:g})."),
    N_("Thousands separators were removed in {columns:,} of the {total:,} columns (for example "
       "{cell} in {column} is read as {number:g})."),
    # ... and as runs saved before 2026-12-07 word yes and no (naming words a file may not hold)
    N_("Yes and no in {column} (是 and 否, Y and N) were read as 1 and 0."),
    N_("Yes and no in {column} (是 and 否, Y and N) were read as 1 and 0 (for example {cell} is "
       "read as {number})."),
    N_("Yes and no (是 and 否, Y and N) were read as 1 and 0 in {columns:,} of the {total:,} "
       "columns (for example {cell} in {column} is read as {number})."))


@dataclass(frozen=True)
class Numbers:
    """The numeric columns of a table and what was repaired in each (asked per column, so a
    file of many columns words notices only for the columns used)."""

    frame: pd.DataFrame  # numeric columns in file order: float64, NaN where missing or unreadable
    raw: pd.Series  # every cell of the table, column after column, as it came
    values: np.ndarray  # the number read from each of those cells, NaN where none
    found: dict[str, np.ndarray]  # per cell: "currency", "percent", "separators" removed
    starts: dict[str, int]  # a column's first cell in raw and values

    def notices(self, column: str) -> list[str]:
        """One sentence per kind of repair made in ``column``, with an example of each."""
        at = slice(self.starts[column], self.starts[column] + len(self.frame))
        raw, values = self.raw.iloc[at], self.values[at]
        read = ~np.isnan(values)

        def said(mask: np.ndarray, plain: str, with_example: str) -> str:
            """The sentence, with an example of a cell read when there is one."""
            hits = np.flatnonzero(mask & read)
            if not len(hits):
                return tr(plain, column=name)
            return tr(with_example, column=name, cell=quoted(raw.iloc[hits[0]]),
                      number=as_read(values[hits[0]]))

        name = quoted(column)
        notes = [said(self.found[kind][at], plain, with_example)
                 for kind, (plain, with_example) in REPAIRS.items()
                 if self.found[kind][at].any()]
        junk = (raw.notna() & ~raw.str.lower().isin(MISSING_TOKENS)).to_numpy() & ~read
        if junk.any():
            notes.append(trn("{count} cell in {column} held text instead of a number (for example "
                             "{cell}) and was treated as missing.", "{count} cells in {column} "
                             "held text instead of a number (for example {cell}) and were "
                             "treated as missing.", int(junk.sum()), column=name,
                             cell=quoted(raw.iloc[np.flatnonzero(junk)[0]])))
        return notes


    def summary(self, columns: list[str]) -> list[str]:
        """The repairs made in ``columns``, one sentence per kind over all of them (a wide file's
        many series): how many columns, and one example."""
        if len(columns) <= 3:
            return [note for column in columns for note in self.notices(column)]
        rows = len(self.frame)
        first = np.array([self.starts[c] for c in columns])
        cell = (first[:, None] + np.arange(rows)).ravel()  # column after column
        raw, values = self.raw.iloc[cell], self.values[cell]
        read = ~np.isnan(values)
        junk = (raw.notna() & ~raw.str.lower().isin(MISSING_TOKENS)).to_numpy() & ~read
        kinds = (("currency", N_("Currency signs were removed in {columns:,} of the {total:,} "
                                 "columns (for example {cell} in {column} is read as "
                                 "{number}).")),
                 ("percent", N_("Percent signs were removed (the values stay in percent units) "
                                "in {columns:,} of the {total:,} columns (for example {cell} in "
                                "{column} is read as {number}).")),
                 ("separators", N_("Thousands separators were removed in {columns:,} of the "
                                   "{total:,} columns (for example {cell} in {column} is read "
                                   "as {number}).")),
                 ("units", N_("Amounts written with 万 or 亿 were read in full in {columns:,} of "
                              "the {total:,} columns (for example {cell} in {column} is read "
                              "as {number}).")),
                 ("flags", N_("Yes and no were read as 1 and 0 in {columns:,} of the "
                              "{total:,} columns (for example {cell} in {column} is read as "
                              "{number}).")),
                 ("junk", ""))
        notes = []
        for kind, sentence in kinds:
            mask = (junk if kind == "junk" else self.found[kind][cell] & read)
            if not mask.any():
                continue
            hit = int(np.flatnonzero(mask)[0])
            values_of = dict(column=quoted(columns[hit // rows]), cell=quoted(raw.iloc[hit]),
                             columns=int(mask.reshape(len(columns), rows).any(axis=1).sum()),
                             total=len(columns))
            if sentence:
                notes.append(tr(sentence, number=as_read(values[hit]), **values_of))
            else:
                notes.append(trn("{count:,} cell in {columns:,} of the {total:,} columns held "
                                 "text instead of a number and was treated as missing (for "
                                 "example {cell} in {column}).", "{count:,} cells in {columns:,} "
                                 "of the {total:,} columns held text instead of a number and "
                                 "were treated as missing (for example {cell} in {column}).",
                                 int(mask.sum()), **values_of))
        return notes


def as_read(value: float) -> str:
    """A number as a repair note writes it: whole, as a person reads it (12207351, not
    1.22074e+07; 12.5)."""
    return format(float(value), ".15g")


def read_numbers(table: pd.DataFrame, notices: list[str]) -> Numbers:
    """The columns of ``table`` (text cells, NaN where blank) that hold numbers: those where at
    least 80% of the present cells read as one. A decimal comma is told apart from a point by
    the cells themselves (and said in ``notices``); refuses a table without any number."""
    names, rows = [str(c) for c in table.columns], len(table)
    if not names:
        raise ValueError(tr(NO_NUMBERS, columns=tr("none")))
    cells, column, decimal, (values, found, present) = _read_table(table)
    if decimal == ",":
        notices.append(tr("Numbers use a decimal comma (for example '12,5' is read as 12.5)."))
    counts = np.bincount(column, weights=present, minlength=len(names))
    read = np.bincount(column, weights=~np.isnan(values), minlength=len(names))
    numeric = (counts == 0) | (read >= NUMERIC_SHARE * counts)
    if not numeric.any():  # what the columns hold instead, so that the user sees why
        raise ValueError(sentences(tr(NO_NUMBERS, columns=listed(names)),
                                   tr("Instead, {cells}.", cells=not_numbers(table))))
    kept = [name for name, keep in zip(names, numeric) if keep]
    grid = values.reshape(len(names), rows)[numeric].T
    frame = pd.DataFrame(grid, index=table.index, columns=kept)
    starts = {name: i * rows for i, name in enumerate(names) if numeric[i]}
    return Numbers(frame, cells, values, found, starts)


def not_numbers(table: pd.DataFrame, columns=None) -> str:
    """The first few cells of (the first three of) ``columns`` that hold something the app reads
    as no number ("'promo' holds 'abc', 'x'"), for a sentence."""
    columns = list(table.columns if columns is None else columns)[:3]
    unread = unread_cells(table[columns])
    found = [tr("{column} holds {cells}", column=quoted(column),
                cells=listing(quoted(c, 20) for c in cells)) for column, cells in unread.items()]
    return clauses(found) if found else tr("no cell holds a number")


def unread_cells(table: pd.DataFrame, most: int = 3) -> dict[str, list[str]]:
    """Each column's first ``most`` distinct cells that hold something, but no number
    ``read_numbers`` reads (blanks, "n/a", "$5" and decimal commas are not among them)."""
    if not len(table.columns):
        return {}
    cells, column, _, (values, _, present) = _read_table(table)
    unread = present & np.isnan(values)
    out = {}
    for i, name in enumerate(table.columns):
        found = cells[unread & (column == i)].astype(str).unique()[:most]
        if len(found):
            out[str(name)] = list(found)
    return out


def _read_table(table: pd.DataFrame):
    """Every cell of ``table`` column after column, each one's column number, the decimal mark
    its cells use, and ``_read_cells``' reading of them."""
    names, rows = table.columns, len(table)
    cells = column_after_column(table)
    column = np.repeat(np.arange(len(names)), rows)
    present = cells.notna().to_numpy()
    per_column = max(10, min(DECIMAL_SAMPLE, DECIMAL_CELLS // len(names)))
    decimal = _decimal_mark(cells[_first_present(present, column, rows, per_column)])
    return cells, column, decimal, _read_cells(cells, column, present, decimal)


def _first_present(present: np.ndarray, column: np.ndarray, rows: int, most: int) -> np.ndarray:
    """A mask of each column's first ``most`` present cells."""
    seen = np.cumsum(present)
    before = np.concatenate([[0], seen])[np.arange(len(present)) // max(rows, 1) * rows]
    return present & (seen - before <= most)


def _read_cells(cells: pd.Series, column: np.ndarray, present: np.ndarray,
                decimal: str) -> tuple[np.ndarray, dict[str, np.ndarray], np.ndarray]:
    """Each cell's number (NaN where none), per cell which decorations were removed, and
    ``present`` less the cells that say they are missing ("n/a", "-"). The cells of columns
    that read as plain numbers at once skip the clean-up."""
    mark, other = (",", ".") if decimal == "," else (".", ",")
    plain = cells if decimal == "." else cells.str.replace(",", ".", regex=False)
    values = _floats(plain)
    missed = present & np.isnan(values)
    if decimal == ",":  # "1.234" is a thousand there, not one point two
        missed |= cells.str.contains(".", regex=False, na=False).to_numpy()
    slow = np.bincount(column, weights=missed, minlength=column.max(initial=0) + 1) > 0
    slow_cells = slow[column] & present if len(column) else missed
    found = {k: np.zeros(len(cells), dtype=bool) for k in REPAIRS}
    if slow_cells.any():
        stripped, marks = _strip_decoration(cells[slow_cells])
        separators = stripped.str.contains(other, regex=False, na=False).to_numpy()
        number = stripped.str.replace(other, "", regex=False).str.replace(mark, ".", regex=False)
        power = marks["power"]  # 122.07万 read as 122.07e4: exactly as Python reads it
        plain_number = ~number.str.contains("e", case=False, na=True).to_numpy()
        exact = (power > 0) & plain_number
        number = number.where(~exact, number + "e" + pd.Series(power, index=number.index)
                              .astype(str))
        read = _floats(number)
        flag = stripped.str.casefold().map(FLAG_WORDS).to_numpy(dtype="float64", na_value=np.nan)
        # 是 / 否, yes / no read as 1 / 0 in a column of nothing else (0 and 1 aside): an "n"
        # among amounts is no zero
        held = stripped.notna().to_numpy()
        other = held & np.isnan(flag) & ~np.isin(read, (0.0, 1.0))
        mixed = np.bincount(column[slow_cells], weights=other, minlength=len(slow)) > 0
        flags = np.isnan(read) & ~np.isnan(flag) & ~mixed[column[slow_cells]]
        read[flags] = flag[flags]
        with np.errstate(over="ignore"):  # 1e305亿: as large as a float goes, refused as such
            scaled = np.where(exact, read, read * 10.0 ** power)
        grown = (power > 0) & np.isinf(scaled) & np.isfinite(read)
        scaled[grown] = np.copysign(FLOAT_MAX, scaled[grown])
        values[slow_cells] = scaled
        found["currency"][slow_cells] = marks["currency"]
        found["percent"][slow_cells] = marks["percent"]
        found["separators"][slow_cells] = separators | marks["spaces"]
        found["units"][slow_cells] = (power > 0) & ~np.isnan(values[slow_cells])
        found["flags"][slow_cells] = flags
        present = present.copy()
        present[slow_cells] = stripped.notna().to_numpy()
    # A number written out too large for a float ("1e999") is refused as too large, like 1e308;
    # the words inf and infinity are no numbers anyone wrote, and read as missing.
    overflow = np.isinf(values)
    if overflow.any():
        overflow[overflow] = cells[overflow].str.contains(r"\d", regex=True, na=False).to_numpy()
        values[overflow] = np.copysign(FLOAT_MAX, values[overflow])
    values[~np.isfinite(values)] = np.nan
    return values, found, present


OVERFLOWING = r"\s*[+-]?(?:\d+\.?\d*|\.\d+)[eE]\+?\d{3,}\s*"  # 1e999: past float's range


def _floats(cells: pd.Series) -> np.ndarray:
    """Each cell's number, NaN where it holds none, read exactly as Python reads it: pandas'
    ``to_numeric`` lands one unit in the last place away for about one in six numbers of 17
    digits, so a file written from the numbers read would not read back the same (a run's saved
    data would no longer match its file). Which cells hold a number is still to_numeric's to say
    (float() would also read "1_000" and other scripts' digits)."""
    values = np.array(pd.to_numeric(cells, errors="coerce").to_numpy(dtype="float64",
                                                                      na_value=np.nan))
    found = ~np.isnan(values)
    try:
        values[found] = cells[found].astype("float64").to_numpy()
    except (ValueError, TypeError):  # a form to_numeric reads and float() does not: as read
        pass
    # to_numeric takes a number too large for a float ("1e999") for none: read it (as inf), so
    # that it is refused as too large, not said to be text
    unread = np.flatnonzero(~found)
    if len(unread) and not pd.api.types.is_numeric_dtype(cells):  # (blanks only: no text)
        text = cells.iloc[unread]
        huge = unread[text.str.fullmatch(OVERFLOWING, na=False).to_numpy(dtype=bool)]
        values[huge] = cells.iloc[huge].astype("float64").to_numpy()
    return values


def _strip_decoration(cells: pd.Series) -> tuple[pd.Series, dict[str, np.ndarray]]:
    """Remove missing-value tokens, currency, percent signs, spaces and a Chinese unit after the
    number (its power of ten is ``power``); "(5)" becomes "-5". Full-width forms from Chinese and
    Japanese exports ("￥１，２３４．５", "１２％") are read as their ASCII twins first."""
    cells = cells.str.normalize("NFKC")
    cells = cells.mask(cells.str.lower().isin(MISSING_TOKENS))
    found = {"currency": cells.str.contains(CURRENCY, regex=True, na=False),
             "percent": cells.str.contains("%", regex=False, na=False),
             "spaces": cells.str.contains(rf"\d{SPACES}+\d", regex=True, na=False)}
    cells = cells.str.replace(CURRENCY, "", regex=True).str.replace("%", "", regex=False)
    cells = cells.str.replace(SPACES, "", regex=True).str.replace("−", "-", regex=False)
    cells = cells.str.replace(r"^\((.*)\)$", r"-\1", regex=True)  # accounting: (1,234) is negative
    power = np.zeros(len(cells), dtype=np.int64)
    with_unit = cells.str.contains("[万萬亿億]", regex=True, na=False).to_numpy()
    if with_unit.any():  # (most files have none: not looked for cell by cell)
        unit = cells[with_unit].str.extract(UNIT_AFTER_NUMBER)[1]
        power[with_unit] = unit.map(UNITS).fillna(0).to_numpy(dtype=np.int64)
        cells = cells.where(~with_unit, cells.str.replace(UNIT_AFTER_NUMBER, r"\1", regex=True))
        both = with_unit & found["percent"].to_numpy()  # 30%万 is no amount: not read as one
        cells, power = cells.mask(both), np.where(both, 0, power)
        found = {k: v & ~both for k, v in found.items()}
    marks = {k: v.to_numpy(dtype=bool) for k, v in found.items()}
    return cells, {**marks, "power": power}


def _decimal_mark(cells: pd.Series) -> str:
    """"," when more number-shaped cells show a decimal comma ("12,5", "1.234,5") than a
    decimal point."""
    cells, _ = _strip_decoration(cells)
    cells = cells[cells.str.fullmatch(r"-?\d{1,3}(?:[.,]\d{3})*(?:[.,]\d+)?|-?\d+(?:[.,]\d+)?",
                                      na=False)]
    comma = cells.str.contains(r"\d,(?:\d{1,2}|\d{4,})$|\.\d{3},\d", regex=True).sum()
    point = cells.str.contains(r"\d\.(?:\d{1,2}|\d{4,})$|,\d{3}\.\d", regex=True).sum()
    return "," if comma > point else "."


FAR_OUT = 1e6  # a value this many times its column's median size: an overflowed cell, surely


def far_out(frame: pd.DataFrame) -> list[str]:
    """A sentence for each column (of those about to be used) holding a value more than
    ``FAR_OUT`` times its typical size (the median of its sizes): one cell of 1e25 among
    values near 100 was read as it is, and every forecast came out near 2e22, unsaid."""
    sizes = frame.abs()
    typical = sizes.median()
    said = []
    for column in frame.columns[((sizes > FAR_OUT * typical) & (typical > 0)).any().to_numpy()]:
        at = sizes[column].idxmax()
        said.append(tr("{column} holds {value:.4g} at {where}, more than a million times its "
                       "typical size ({typical:.4g}); check that cell (a slip of the keyboard, "
                       "or a total), as one value so far out bends the whole forecast.",
                       column=quoted(column), value=frame.at[at, column],
                       where=str(at.date()) if hasattr(at, "date") else tr("row {number}",
                                                                           number=at + 1),
                       typical=typical[column]))
    return said


def check_magnitude(frame: pd.DataFrame) -> None:
    """Refuse a column (of those about to be used) holding a number too large to compute with:
    1e308 is a float, but its square, and the sum of two, are not."""
    largest = frame.abs().max()
    too_large = largest[largest > MAX_MAGNITUDE]
    if len(too_large):
        raise ValueError(tr(TOO_LARGE, column=quoted(too_large.index[0]),
                            value=too_large.iloc[0], limit=MAX_MAGNITUDE))
