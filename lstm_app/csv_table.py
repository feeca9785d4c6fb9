"""Owns reading a CSV a user really uploads into a table of text cells: a path, bytes or a file
object; UTF-8, UTF-16 or a legacy code page (Chinese or Western); the separator; Excel's
"sep=" line; a header of numbers; the caps on rows and columns. Where the header line is (a
title above it, a header over two lines) is csv_header.py's. A spreadsheet (.xlsx, .xls,
.ods) is read too, its sheet of data as CSV text (spreadsheet.py). What the cells mean (numbers,
dates, ids, labels) is for the loaders that read the table (series/loading.py, series/panel.py,
classify/labelled.py)."""

from __future__ import annotations

import io
import os
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from lstm_app.csv_header import csv_rows, one_header_line, without_title
from lstm_app.encodings import UTF16_NOTICE, decode_8bit, utf16_without_bom
from lstm_app.i18n import N_, tr, trn
from lstm_app.file_checks import os_reason
from lstm_app.quoting import quoted
from lstm_app.spreadsheet import is_workbook, workbook_text

EMPTY_FILE = N_("The file is empty; choose a CSV file that has a header row and rows of data "
                 "below it.")
BINARY_FILE = N_("This file is not a text CSV (it looks binary); export your data as CSV (comma-separated values) "
               "and use that file.")
UNREADABLE = N_("The file could not be read as a CSV table: {reason}; check that it is a plain CSV export.")
CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, *range(0x0E, 0x20), 0x7F])  # not \t \n \f \r
UPLOADED = "uploaded data"  # the name of data given without one (kept in runs, so English)
MAX_ROWS = 1_000_000   # rows of an upload: more is more than a browser session trains on
MAX_COLUMNS = 500      # columns of an upload (a value, a time and covariates are read from them)
TOO_MANY_ROWS = N_("The file has {rows:,} rows; at most {limit:,} are read. Aggregate it (for "
                 "example hourly instead of by the minute) or keep its most recent part.")
TOO_MANY_TEXTS = N_("The file has {rows:,} rows; at most {limit:,} are read. Split it into "
                    "files of fewer rows.")
NO_ROWS = N_("The file has a header row but no rows of data under it; add the values below the "
             "header and try again.")
MAX_NAME = 200  # characters of a column name (the settings that name a column hold as many)
TOO_MANY_COLUMNS = N_("The file has {columns:,} columns; at most {limit:,} are read. Keep the time "
                    "column, the column to forecast and the extra inputs you want, and use "
                    "that file.")


EMPTY_ROWS = ("dropped", "inner", "until_last")  # what read_csv_table does with empty rows


def read_csv_table(source, name: str | None, notices: list[str], max_rows: int | None = None,
                   max_columns: int | None = None, holding: str = "numbers",
                   empty_rows: str = "dropped") -> tuple[pd.DataFrame, str]:
    """The CSV ``source`` (path, bytes or binary file object) as a table of stripped text cells
    (NaN where blank, empty columns dropped; its empty rows ``empty_rows``: "dropped", "inner"
    (those between two rows with a value kept: a row of a file without dates is a time step) or
    "until_last" (every row up to the last with a value kept: rows that an answer is matched to
    by place)) and its name (``name``, or the file's);
    every conversion is a sentence in ``notices``. Refuses, in one sentence, what is no CSV
    and a file over ``max_rows`` rows or ``max_columns`` columns (MAX_ROWS, MAX_COLUMNS). Of a
    workbook, the sheet ``holding`` the most "numbers" (and dates) or "texts" is read."""
    if empty_rows not in EMPTY_ROWS:
        raise ValueError(f"empty_rows must be one of {EMPTY_ROWS}, not {empty_rows!r}")
    raw, name = _read_source(source, name)
    limits = (max_rows or MAX_ROWS, max_columns or MAX_COLUMNS)
    text = (workbook_text(raw, notices, *limits, holding) if is_workbook(raw)
            else _decode(raw, notices))
    if not text.strip():  # a workbook of empty sheets
        raise ValueError(tr(EMPTY_FILE))
    return _read_table(text, notices, *limits, empty_rows, holding), name


def _read_source(source, name: str | None) -> tuple[bytes, str]:
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        try:
            return path.read_bytes(), name or path.name
        except OSError as error:
            raise ValueError(tr("The file {name} could not be opened ({reason}); check the path.",
                                name=quoted(path, 200), reason=os_reason(error))) from None
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source), name or UPLOADED  # a name kept in runs: English
    if hasattr(source, "read"):
        if hasattr(source, "seek"):
            source.seek(0)  # Streamlit reruns hand back the same upload, possibly already read
        data = source.read()
        data = data.encode("utf-8") if isinstance(data, str) else bytes(data)
        return data, name or Path(str(getattr(source, "name", "") or UPLOADED)).name
    raise TypeError(f"load_series needs a path, bytes or a binary file object, not {type(source).__name__}")


def _decode(raw: bytes, notices: list[str]) -> str:
    if not raw.strip(b" \t\r\n\xef\xbb\xbf"):
        raise ValueError(tr(EMPTY_FILE))
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text" export
        text = raw.decode("utf-16", errors="replace")
        notices.append(tr("The file was saved as UTF-16 text and was converted."))
        controls = len(re.findall(r"[\x00-\x08\x0b\x0e-\x1f\x7f]", text))
    elif b"\x00" in raw and (text := utf16_without_bom(raw)) is not None:
        notices.append(tr(UTF16_NOTICE))
        controls = len(re.findall(r"[\x00-\x08\x0b\x0e-\x1f\x7f]", text))
    elif b"\x00" in raw or raw.startswith((b"%PDF", b"PAR1", b"\x1f\x8b")):
        raise ValueError(tr(BINARY_FILE))
    else:
        # In UTF-8, GBK and Big5 alike a byte below 0x20 is that control character itself.
        controls = len(raw) - len(raw.translate(None, CONTROL_BYTES))
        text, notice = decode_8bit(raw)
        notices += [notice] if notice else []
    if controls > 0.01 * len(text):
        raise ValueError(tr(BINARY_FILE))
    if not text.strip():
        raise ValueError(tr(EMPTY_FILE))
    return text


SEPARATORS = (",", ";", "\t", "|")
NO_SEPARATOR = "\x1f"  # a file of one column: a control character no text read holds
STEADY = 0.8  # of the lines after a first line without separators: a title, then a table


def _detect_separator(text: str) -> str:
    """The separator whose count per line (outside quotes) is the same in most of the first
    lines. Where the first line holds none: the one most of the lines after it hold equally
    often (a title above a table), else none (one column: a review's commas are its own)."""
    lines = [line for line in text[:100_000].splitlines()[:50] if line.strip()]
    unquoted = [re.sub(r'"[^"]*"', "", line) for line in lines]
    best, best_score = None, (0.0, 0)
    for sep in SEPARATORS:
        counts = [line.count(sep) for line in unquoted]
        if counts[0] == 0:
            continue
        score = (sum(c == counts[0] for c in counts) / len(counts), counts[0])
        if score > best_score:
            best, best_score = sep, score
    if best is not None:
        return best
    below = unquoted[1:]
    for sep in SEPARATORS:
        counts = [line.count(sep) for line in below]
        steady = max(set(counts), key=counts.count) if counts else 0
        if steady and counts.count(steady) >= STEADY * len(counts):
            return sep
    return NO_SEPARATOR if below else ","


def _read_table(text: str, notices: list[str], max_rows: int, max_columns: int,
                empty_rows: str, holding: str = "numbers") -> pd.DataFrame:
    declared = re.match(r'"?sep=(.)"?\r?\n', text)  # Excel may write "sep=;" above the header
    text, sep = (text[declared.end():], declared[1]) if declared else (text, _detect_separator(text))
    lines = _lines(text)
    text = without_title(text, sep, notices, 1 + bool(declared))
    text = one_header_line(text, sep, notices)
    above = lines - _lines(text)  # a title's rows: a spreadsheet shows them (not "sep=")
    options = dict(sep=sep, dtype=str, keep_default_na=False, index_col=False, skipinitialspace=True,
                   on_bad_lines="skip", engine="c", skip_blank_lines=empty_rows == "dropped")
    if empty_rows == "until_last":  # rows matched by place: a long row is cut, never left out
        width = len(next(csv_rows(text.split("\n", 1)[0].rstrip("\r"), delimiter=sep), [""]))
        options.update(engine="python", on_bad_lines=lambda cells: cells[:width])
    if empty_rows != "dropped":  # a blank line is an empty row too (a workbook's, a one-column file's)
        text = re.sub(r"\A(?:[ \t]*\r?\n)+", "", text)
    first_line = text.split("\n", 1)[0]
    if first_line.count(sep) + 1 > max_columns:
        raise ValueError(tr(TOO_MANY_COLUMNS, columns=first_line.count(sep) + 1,
                            limit=max_columns))
    try:
        with warnings.catch_warnings():  # a long row is found below, in a sentence
            warnings.simplefilter("ignore", pd.errors.ParserWarning)
            table = pd.read_csv(io.StringIO(text), **options)
        _say_long_rows(text, sep, len(table.columns), above, notices)
        header = [str(c).strip() for c in table.columns]
        header_names = _as_written(text, sep, list(table.columns))
        if all(re.fullmatch(r"[-+]?\d+(?:[.,]\d+)*", c) for c in header):  # pandas adds ".1" to repeats
            # The first line holds numbers, not names: read it as data.
            header = ["value"] if len(header) == 1 else [f"column {i + 1}" for i in range(len(header))]
            with warnings.catch_warnings():  # its skipped rows were said above
                warnings.simplefilter("ignore", pd.errors.ParserWarning)
                table = pd.read_csv(io.StringIO(text), header=None, names=header, **options)
            header_names = header
            notices.append(tr("The first row holds numbers, not column names, so the columns were "
                              "named {names}.", names=", ".join(repr(h) for h in header)))
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError, IndexError) as error:
        reason = str(error).strip().splitlines()[0].rstrip(".")[:120] if str(error).strip() else "unknown error"
        raise ValueError(tr(UNREADABLE, reason=reason)) from None
    if len(table) > max_rows:
        raise ValueError(tr(TOO_MANY_TEXTS if holding == "texts" else TOO_MANY_ROWS,
                            rows=len(table), limit=max_rows))
    blank = [not str(c).strip() for c in header_names]
    cells = column_after_column(table).str.strip()
    table = pd.DataFrame(cells.mask(cells == "").to_numpy(dtype=object).reshape(
        table.shape[1], table.shape[0]).T, columns=table.columns, dtype=str)
    # Trailing separators give empty columns without a name; blank lines of separators give
    # empty rows.
    kept = [not (b and table[c].isna().all()) for c, b in zip(table.columns, blank)]
    table = _without_empty_rows(table.loc[:, kept], empty_rows)
    names = [f"column {i + 1}" if b else str(c).strip().lstrip("\ufeff")
             for i, (c, b, k) in enumerate(zip(header_names, blank, kept)) if k]
    _say_named([i + 1 for i, (b, k) in enumerate(zip(blank, kept)) if b and k], notices)
    table.columns = _unique(_shortened(names, notices), notices)
    if table.empty:
        raise ValueError(tr(NO_ROWS))
    return table


def _say_long_rows(text: str, sep: str, width: int, above: int, notices: list[str]) -> None:
    """Says the rows (numbered as a spreadsheet shows the file) with more cells than the
    header's ``width``."""
    long = [n + above for n in _long_rows(text, sep, width)]
    if long:
        notices.append(trn("{count:,} row had more cells than the header row (row {rows} as "
                           "a spreadsheet shows the file): it was cut to the header's "
                           "{width} cells or left out. A cell that holds the separator "
                           "{sep} (a decimal comma, a text with commas) needs quotes around "
                           "it.", "{count:,} rows had more cells than the header row (rows "
                           "{rows} as a spreadsheet shows the file): each was cut to the "
                           "header's {width} cells or left out. A cell that holds the "
                           "separator {sep} (a decimal comma, a text with commas) needs "
                           "quotes around it.", len(long), rows=_numbers(long),
                           width=width, sep=quoted(sep)))


def _without_empty_rows(table: pd.DataFrame, empty_rows: str) -> pd.DataFrame:
    """``table`` less its empty rows: all of them ("dropped"), those before its first row with a
    value and after its last ("inner"), or those after its last ("until_last")."""
    empty = table.isna().all(axis=1).to_numpy().copy()
    filled = np.flatnonzero(~empty)
    if empty_rows != "dropped" and len(filled):
        empty[(filled[0] if empty_rows == "inner" else 0):filled[-1] + 1] = False
    return table.loc[~empty].reset_index(drop=True)


def _say_named(numbers: list[int], notices: list[str]) -> None:
    """Said in ``notices``: the columns (by place) the header row left without a name, which
    are called "column N"."""
    if numbers:
        notices.append(trn("Column {numbers} has no name in the header row, so it is called "
                           "{names}.",
                           "Columns {numbers} have no name in the header row, so they are "
                           "called {names}.", len(numbers),
                           numbers=", ".join(map(str, numbers)),
                           names=", ".join(quoted(f"column {n}") for n in numbers)))


def _shortened(names: list[str], notices: list[str]) -> list[str]:
    """Column names cut to fit ``MAX_NAME`` characters (a survey's question as a header), said
    in ``notices``; a cut name ends in "…" (and _unique may still add " (2)")."""
    long = [name for name in names if len(name) > MAX_NAME]
    if long:
        notices.append(trn("{count} column name is longer than {limit:,} characters, so it is "
                           "read cut short, ending in “…”: {names}.",
                           "{count} column names are longer than {limit:,} characters, so "
                           "they are read cut short, each ending in “…”: {names}.", len(long),
                           limit=MAX_NAME, names=", ".join(quoted(n) for n in long[:3])))
    return [name if len(name) <= MAX_NAME else name[:MAX_NAME - 10].rstrip() + "…"
            for name in names]


def column_after_column(table: pd.DataFrame) -> pd.Series:
    """Every text cell of ``table`` in one Series, its first column's cells, then its second's,
    …: so that a file of 10,000 columns is cleaned and parsed in one go, not column by column."""
    return pd.Series(table.to_numpy(dtype=object).ravel(order="F"), dtype=str)


def _long_rows(text: str, sep: str, width: int) -> list[int]:
    """The rows (numbered as a spreadsheet shows them, the header 1) with more cells than the
    ``width`` of the header, which the reader cuts or skips: looked for, in one pass of Python's
    csv reader, only where the file holds more separators than rows of that width would (a
    quoted cell may hold some)."""
    if text.count(sep) <= (width - 1) * _lines(text):
        return []
    reader = csv_rows(text, delimiter=sep, skipinitialspace=True)
    return [n for n, row in enumerate(reader, start=1) if n > 1 and len(row) > width
            and any(cell.strip() for cell in row[width:])]


def _numbers(numbers: list[int], most: int = 5) -> str:
    """The first ``most`` numbers for a sentence, and how many more."""
    shown = ", ".join(f"{n:,}" for n in numbers[:most])
    more = len(numbers) - most
    return tr("{names} and {more} more", names=shown, more=f"{more:,}") if more > 0 else shown


def _lines(text: str) -> int:
    """The lines of ``text``, blank ones too (a quick upper bound of the lines that hold data)."""
    return text.count("\n") + (not text.endswith("\n"))


def _as_written(text: str, sep: str, columns: list) -> list[str]:
    """The header's names as the file writes them ("" for a cell without one), where pandas made
    repeats unique its own way ("sales", " sales" read as "sales", "sales.1"), so that
    ``_unique`` names every repeat alike and says so. The header is the first row with a cell
    (pandas skips blank lines); where it reads otherwise than pandas', pandas' names."""
    rows = csv_rows(text.lstrip("\ufeff"), delimiter=sep, skipinitialspace=True)
    written = next((row for row in rows if any(cell.strip() for cell in row)), [])
    if len(written) != len(columns):  # (never seen; a blank name is pandas' "Unnamed: 3")
        return ["" if re.fullmatch(r"Unnamed: \d+", str(c)) else str(c) for c in columns]
    return written


def _unique(names: list[str], notices: list[str]) -> list[str]:
    """Column names made unique: two that differ only by spaces around them ("store " and
    "store") become "store" and "store (2)", said in ``notices``."""
    seen: dict[str, int] = {}
    out, renamed, taken = [], {}, set(names)
    for name in names:  # one per column of the header
        seen[name] = seen.get(name, 0) + 1
        if seen[name] > 1:
            while f"{name} ({seen[name]})" in taken:  # a column of that name already
                seen[name] += 1
            renamed.setdefault(name, []).append(f"{name} ({seen[name]})")
            taken.add(renamed[name][-1])
            name = renamed[name][-1]
        out.append(name)
    for name, later in renamed.items():
        notices.append(tr("Two columns are both named {name}; the later one is read as "
                          "{renamed}.", name=quoted(name), renamed=quoted(later[0]))
                       if len(later) == 1 else
                       tr("{count} columns are named {name}; the later ones are read as "
                          "{renamed}.", count=len(later) + 1, name=quoted(name),
                          renamed=", ".join(map(quoted, later))))
    return out
