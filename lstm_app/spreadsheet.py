"""Owns reading an Excel workbook (.xlsx) as the CSV text the rest of the app reads: the visible
sheet that holds the most numbers and dates (then the most cells), its cells as Excel shows their values (dates as ISO dates, numbers
as numbers); a sheet of more than ``max_rows`` rows is refused (too many columns are refused by
the reader, as a CSV's are).

A business export often comes as a workbook whose first sheet is a cover ("封面") or notes and
whose data sits on another: that one is read, and the notice names it and the others. Hidden
sheets, which the user never sees, are read only when no sheet is visible. The old
binary .xls format is refused with a sentence (openpyxl reads .xlsx only).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile

from lstm_app.i18n import N_, tr, trn
from lstm_app.quoting import listed, quoted

OLD_EXCEL = N_("This is an Excel workbook in the old .xls format (or one locked with a "
               "password), which the app cannot read; open it in Excel or LibreOffice, save it "
               "as .xlsx without a password or as CSV, and upload that file.")
NOT_A_WORKBOOK = N_("This file is a zip archive (or a LibreOffice or Word document), not an Excel "
                    "workbook (.xlsx) or a CSV; save the table as .xlsx or CSV and upload that.")
BROKEN_WORKBOOK = N_("The Excel workbook could not be read ({reason}); open it in Excel or "
                     "LibreOffice, save it again (or as CSV), and upload that file.")


def is_workbook(raw: bytes) -> bool:
    """Whether ``raw`` is a zip archive (an .xlsx is one) or an old binary .xls."""
    return raw.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0"))


class SheetRefused(ValueError):
    """A workbook refused in a sentence of this module's (not one of openpyxl's own errors)."""


def workbook_text(raw: bytes, notices: list[str], max_rows: int) -> str:
    """The data sheet of the workbook ``raw`` as CSV text (a comma between cells), and which
    sheet it is in ``notices``; a ValueError in a sentence for an .xls, another zip archive, a
    workbook openpyxl cannot open or a sheet of more than ``max_rows`` rows."""
    if raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise ValueError(tr(OLD_EXCEL))
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except zipfile.BadZipFile:
        raise ValueError(tr(BROKEN_WORKBOOK, reason=tr("it is cut short or damaged"))) from None
    if "xl/workbook.xml" not in archive.namelist():
        raise ValueError(tr(NOT_A_WORKBOOK))
    import openpyxl  # only for a workbook

    try:
        book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
        sheets = [s for s in book.worksheets if hasattr(s, "iter_rows")]  # charts aside
        if not sheets:
            raise SheetRefused(tr(BROKEN_WORKBOOK, reason=tr("it has no sheet of cells")))
        shown = [s for s in sheets if s.sheet_state == "visible"] or sheets  # not the hidden
        sheet = max(shown, key=_data_held)  # the first of equals
        text = _as_csv(sheet, max_rows)
    except SheetRefused:
        raise
    except Exception as error:  # openpyxl's own errors: a damaged or unusual workbook
        reason = (str(error).strip().splitlines() or [type(error).__name__])[0][:120]
        raise ValueError(tr(BROKEN_WORKBOOK, reason=reason)) from None
    others = [s.title for s in shown if s is not sheet]
    notices.append(tr("Read from the Excel workbook's sheet {sheet}, the one holding the most "
                      "numbers and dates; its other sheets ({others}) were not read (to read "
                      "one of them, save it as a workbook of its own).",
                      sheet=quoted(sheet.title), others=listed(others, limit=5))
                   if others else
                   tr("Read from the Excel workbook's sheet {sheet}.", sheet=quoted(sheet.title)))
    uncalculated = _uncalculated(archive, getattr(sheet, "_worksheet_path", None))
    if uncalculated:
        notices.append(trn(
            "{count:,} cell of the sheet ({cells}) holds a formula whose result was never "
            "calculated (the workbook was written by a program and not opened in Excel since), "
            "so it reads as blank. Open the workbook in Excel or LibreOffice, save it, and "
            "upload it again.",
            "{count:,} cells of the sheet (such as {cells}) hold formulas whose results were "
            "never calculated (the workbook was written by a program and not opened in Excel "
            "since), so they read as blank. Open the workbook in Excel or LibreOffice, save it, "
            "and upload it again.", len(uncalculated), cells=listed(uncalculated, limit=3)))
    return text


# A cell holding a formula and no value (or an empty one): <c r="C2"><f>B2*2</f><v /></c>, or a
# shared formula's <f t="shared" si="0"/>.
UNCALCULATED = re.compile(rb'<c\b[^>]*?\br="([A-Z]{1,3}[0-9]+)"[^>]*>\s*<f\b[^>]*(?:/>|>[^<]*</f>)'
                          rb'\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>')


def _uncalculated(archive: zipfile.ZipFile, path: str | None) -> list[str]:
    """The cells (as "C2") of the sheet stored at ``path`` in the workbook that hold a formula
    without its calculated value: openpyxl reads them as blank. Read only where the sheet holds
    a formula at all."""
    try:
        xml = archive.read(path.lstrip("/")) if path else b""
    except KeyError:
        return []
    if b"<f" not in xml:
        return []
    return [cell.decode() for cell in UNCALCULATED.findall(xml)]


JUDGED_ROWS = 200  # the rows of each sheet its numbers and dates are counted in


def _data_held(sheet) -> tuple[int, int]:
    """(numbers and dates in its first ``JUDGED_ROWS`` rows, the cells its stored size spans):
    a cover or notes sheet holds words, the data sheet numbers and dates."""
    values = sum(isinstance(value, (int, float, dt.date, dt.time)) and not isinstance(value, bool)
                 for row in sheet.iter_rows(max_row=JUDGED_ROWS, values_only=True)
                 for value in row)
    try:
        size = (sheet.max_row or 0) * (sheet.max_column or 0)
    except Exception:
        size = 0
    return values, size


WIDTH_ROWS = 200  # the first rows, whose widest one every row is written as wide as


def _as_csv(sheet, max_rows: int) -> str:
    """The sheet's rows as CSV text, each as wide as the widest of the first ``WIDTH_ROWS``
    (a title alone in A1 stays a line of empty cells after it, as a CSV export writes it, so
    that the reader sees a title), blank rows at its end left out; a sheet of more than
    ``max_rows`` rows under its header is refused."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    held: list[list[str]] = []  # the first rows, until the width is known
    width, blank = None, 0

    def write(cells: list[str]) -> None:
        nonlocal blank
        if not cells:
            blank += 1  # written only if a row with cells follows
            return
        out.write("\n" * blank)
        blank = 0
        writer.writerow(cells + [""] * (width - len(cells)))

    for n, row in enumerate(sheet.iter_rows(values_only=True)):
        if n > max_rows:  # the header and max_rows rows are all that is read
            raise SheetRefused(tr("The sheet {sheet} has more than {limit:,} rows of data; "
                                  "at most {limit:,} are read. Aggregate it (for example "
                                  "hourly instead of by the minute) or keep its most recent "
                                  "part.", sheet=quoted(sheet.title), limit=max_rows))
        cells = [_cell(value) for value in row]
        while cells and cells[-1] == "":
            cells.pop()
        if width is not None:
            write(cells)
            continue
        held.append(cells)
        if len(held) == WIDTH_ROWS:
            width = max(map(len, held))
            for cells in held:
                write(cells)
    if width is None:  # fewer rows than WIDTH_ROWS
        width = max(map(len, held), default=0)
        for cells in held:
            write(cells)
    return out.getvalue()


def _cell(value) -> str:
    """A cell as Excel shows its value: a date as 2024-01-31 (with its time where it has one),
    a whole number without ".0", text as it is."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
