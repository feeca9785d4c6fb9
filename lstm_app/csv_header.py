"""Owns finding a CSV's header line: a spreadsheet's title lines above it, a header written
over two lines (merged cells), and what in a cell reads as a value rather than a name (a
number, a date, a word for "missing"). The cells of a line are read with Python's csv reader
(``csv_rows``). Reading the table under the header is csv_table.py's."""

from __future__ import annotations

import csv
import io
import re

from lstm_app.i18n import tr, trn
from lstm_app.quoting import listed, quoted

# A cell may be as long as an upload (a review of 140,000 characters), where Python's csv reader
# refuses one over 131,072 by default with an error of its own (the limit is the process's).
csv.field_size_limit(2**31 - 1)


def csv_rows(text: str, **options):
    """Python's csv reader over ``text`` (its rows as lists of cells), cells of any length."""
    return csv.reader(io.StringIO(text, newline=""), **options)


TITLE_LINES = 10  # lines above the header that may be a title (a spreadsheet's export)
LABEL_LINES, LABEL_ROWS = 50, 4  # rows read to tell a title over names over labels, at least


def without_title(text: str, sep: str, notices: list[str], first_line: int = 1) -> str:
    """``text`` from its header on, where a spreadsheet's export put a title above it, else as
    it is (``first_line``: the file's line number of ``text``'s first, for the notice). A title
    is a first line with one cell filled, a word, and its other cells empty; the header is the
    next line that holds something, every cell of it filled and none a number or a date; and
    it is a header, not a row of data, if a blank line stands between it and the title or the
    line under it holds a number or a date (a title written without separators, "Report" over
    "date,sales", is one too); its cells after the first may be years ("Month,
    2023, 2024") where the line under it starts with a date or a number and holds no years
    under them. A cell may hold the separator in quotes. A header with one blank name
    ("date,") followed by rows of data is left as it is."""
    lines = [line.rstrip("\r") for line in text.split("\n", TITLE_LINES + 2)[:TITLE_LINES + 2]]
    cells = lambda line: [c.strip() for c in next(csv_rows(line, delimiter=sep), [])]
    first = cells(lines[0])
    filled = [c for c in first if c]
    if len(filled) != 1 or _is_value(filled[0]):
        return text
    below = [n for n, line in enumerate(lines) if n and any(cells(line))]
    if len(first) < 2 and (not below or len(cells(lines[below[0]])) < 2):
        return text  # one cell over one cell: a one-column file (a title over it: said below)
    while len(below) > 2 and _title_line(cells(lines[below[0]])):  # a units or date line too
        below.pop(0)
    if len(below) < 2 or below[0] > TITLE_LINES:
        return text
    header, under = cells(lines[below[0]]), cells(lines[below[1]])
    while header and not header[-1]:  # trailing separators ("text,id,") name no column
        header.pop()
    two_lines = len(below) > 2 and _two_line_names(header, under, cells(lines[below[2]]))
    if two_lines:  # a header over two lines: judged by the names it gives and the row under it
        header, under = two_lines, cells(lines[below[2]])
    if (len(header) < 2 or not all(header) or _is_value(header[0])
            or any(_is_value(c) and not YEAR.fullmatch(c) for c in header)):
        return text
    years = [i for i, c in enumerate(header) if YEAR.fullmatch(c)]
    if years and (not _is_value(under[0]) or any(i < len(under) and YEAR.fullmatch(under[i])
                                                for i in years)):
        return text  # years name columns only above rows that start with a date or number
                     # and hold no years there ("Alice,2023,2024" over "Bob,2019,2021": data)
    if below[0] == 1 and not any(_is_value(c) for c in under) and not _names_over_labels(
            filled[0], header,
            [cells(line) for line in text.split("\n", LABEL_LINES + 2)[2:LABEL_LINES + 2]]):
        return text  # two lines of words: the first line is a header, the second data
    notices.append(trn("The first line ({title}) is a title above the table, so the table was "
                       "read from line {line}, its header.",
                       "The first {count} lines ({title}) are a title above the table, so the "
                       "table was read from line {line}, its header.", below[0],
                       title=quoted(filled[0]), line=below[0] + first_line))
    return text.split("\n", below[0])[below[0]]


def one_header_line(text: str, sep: str, notices: list[str]) -> str:
    """``text`` with a header written over two lines (a spreadsheet's merged cells: "日期" over
    both lines, "销售数据" over "销量" and "金额") made one line of names, said in
    ``notices``; else as it is."""
    ends = [-1]
    for _ in range(3):  # the first three lines, without copying the rest of a large file
        ends.append(text.find("\n", ends[-1] + 1))
        if ends[-1] < 0:  # the last line without its line break
            if len(ends) < 4 or ends[-2] + 1 >= len(text):
                return text
            ends[-1] = len(text)
    lines = [text[a + 1:b].rstrip("\r") for a, b in zip(ends, ends[1:])]
    cells = lambda line: [c.strip() for c in next(csv_rows(line, delimiter=sep), [])]
    names = _two_line_names(cells(lines[0]), cells(lines[1]), cells(lines[2]))
    if names is None:
        return text
    notices.append(tr("The header takes two lines (merged cells), so the columns were named "
                      "{names}.", names=listed(names, limit=12)))
    header = io.StringIO()
    csv.writer(header, delimiter=sep, lineterminator="\n").writerow(names)
    return header.getvalue() + text[ends[2] + 1:]


def _two_line_names(top: list[str], low: list[str], under: list[str]) -> list[str] | None:
    """The column names of a header over two lines, ``top`` and ``low``, above the first row of
    data ``under``; None where they are not one. They are where both show merged cells: a name
    of ``top`` over a blank (merged down, "日期") and a name of ``low`` under a blank that a
    name further left in ``top`` spans ("销售数据" over "销量" and "金额"); every column is
    named in one of them, ``low`` names two or more, every group spans two columns or more, no
    name is a value (a year above others aside), and ``under`` holds a number or a date. A
    header with one blank name over a row of words ("name,score," over "Alice,good,x") is none.
    A column under a group is named after both ("2023年 销量"); one merged down by its own
    name."""
    width = max(len(top), len(low))
    top, low = top + [""] * (width - len(top)), low + [""] * (width - len(low))
    groups, group = [], ""
    for t, b in zip(top, low):  # a group spans the blanks after a name with a name under it
        group = t or group if b else ""
        groups.append(group)
    down = [bool(t and not b) for t, b in zip(top, low)]
    spanned = [bool(b and not t and g) for t, b, g in zip(top, low, groups)]
    lone = [bool(t and b) and not (i + 1 < width and spanned[i + 1])  # a group of one column:
            for i, (t, b) in enumerate(zip(top, low))]                # a row of data under it
    if (width < 2 or not any(down) or not any(spanned) or any(lone) or sum(map(bool, low)) < 2
            or not any(_is_value(c) for c in under)
            or not all(t or b for t, b in zip(top, low))
            or any(b and not t and not s for t, b, s in zip(top, low, spanned))
            or any(_is_value(c) and not YEAR.fullmatch(c) for c in top)
            or any(_is_value(c) for c in low if c)):
        return None
    return [f"{g} {b}" if g and b and g != b else b or t for t, b, g in zip(top, low, groups)]


def _names_over_labels(title: str, header: list[str], rows: list[list[str]]) -> bool:
    """Whether a line of words (``header``) under a line of one cell (``title``) names the
    columns of the ``rows`` under it: the title is longer than each name, the first name is
    shorter than most texts under it, and a column after the first holds a few words over and
    over (labels: 好评, 差评) and never the line's own word there (a title "2024年客户评价汇总,"
    over "评价内容,评价类型" over reviews and their labels; a header "text," over "great
    film,neg" holds "neg" again below, "review," over "great film,neutral" names nothing)."""
    firsts = sorted(len(row[0]) for row in rows if row and row[0])
    if (not firsts or any(len(name) >= len(title) for name in header)
            or len(header[0]) >= firsts[len(firsts) // 2]):
        return False
    for i in range(1, len(header)):
        below = [row[i] for row in rows if i < len(row) and row[i]]
        if (len(below) >= LABEL_ROWS and len(set(below)) * 2 <= len(below)
                and header[i] not in below):
            return True
    return False


def _title_line(cells: list[str]) -> bool:
    """A line of one filled cell, a word (a subtitle: "单位：万元", "Exported 2024-05-01")."""
    filled = [c for c in cells if c]
    return len(filled) == 1 and not _is_value(filled[0])


YEAR = re.compile(r"1[89]\d\d|2[01]\d\d")
# Words a cell uses for "no value" (the numbers and the labels read them so too).
MISSING_WORDS = {"na", "n/a", "nan", "null", "none", "nil", "missing", "-", "--", "?", "#n/a"}


def _is_value(cell: str) -> bool:
    """Whether a cell reads as a value rather than a name: a number (with a currency sign, a
    percent sign, spaces or commas in it: "$1,234.50", "1.5e-05", ".5", "12 %"), a date or time
    ("2024-01-31", "31.01.2024", "1/31/24"), or a word for a missing value ("NA", "-")."""
    bare = re.sub(r"[\s$€£¥%'’]", "", cell)
    if bare.lower() in MISSING_WORDS:
        return True
    for number in (bare, bare.replace(",", ""), bare.replace(".", "").replace(",", ".")):
        try:
            float(number)
            return True
        except ValueError:
            pass
    return re.match(r"\d{1,4}[-/.]\d{1,2}([-/.]\d{1,4})?\b", cell) is not None
