"""Owns reading a spreadsheet (Excel .xlsx, .xls or .xlsb; LibreOffice .ods) as the CSV text the
rest of the app reads: the visible sheet that holds the most numbers and dates (then the most
cells), its cells as the spreadsheet shows their values (dates as ISO dates, numbers as
numbers); a sheet of too many rows, columns or cells is refused before it is laid out (its size
measured apart, by ``sheet_sizes.py``: an upload of kilobytes can be laid out as gigabytes).
python-calamine reads every format (a Rust reader, about ten times as fast as openpyxl on a
large sheet: ``benchmarks/workbook.py``).

A business export often comes as a workbook whose first sheet is a cover ("封面") or notes and
whose data sits on another: that one is read, and the notice names it and the others. Hidden
sheets, which the user never sees, are read only when no sheet is visible. A workbook locked
with a password is refused with a sentence. An .xlsx's cells that read as blank although they
hold something are said, with what to do: formulas without their calculated values (written by
a program, never opened in Excel) and cells that show an error (#DIV/0!, #N/A …).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
import zlib
from xml.etree import ElementTree

from lstm_app.i18n import N_, tr, trn
from lstm_app.quoting import listed, quoted
from lstm_app import sheet_sizes as measuring

LOCKED = N_("This workbook is locked with a password, which the app cannot open; open it in Excel "
            "or LibreOffice, save it without a password (or as CSV), and use that file.")
NOT_A_WORKBOOK = N_("This file is a zip archive (or a Word or LibreOffice text document), not a "
                    "spreadsheet (.xlsx, .xls, .ods) or a CSV; save the table as .xlsx or CSV and "
                    "use that file.")
BROKEN_WORKBOOK = N_("The workbook could not be read ({reason}); open it in Excel or "
                     "LibreOffice, save it again (or as CSV), and use that file.")
OLE = b"\xd0\xcf\x11\xe0"  # an .xls, or an .xlsx locked with a password (its encrypted package)
ZIP = b"PK\x03\x04"  # an .xlsx, .xlsb or .ods
ODS = b"application/vnd.oasis.opendocument.spreadsheet"
MAX_UNPACKED = 512 * 1024 * 1024  # bytes a workbook's archive may unpack to (5 million cells'
# XML at about 100 bytes each); a small upload that unpacks to gigabytes is refused unread
# Why a workbook could not be measured (sheet_sizes): its kind of failure, its sentence.
UNMEASURED = {
    "memory": N_("This workbook would take more than {limit:,} MB of memory to read: a cell far "
                 "beyond its data, or one repeated very many times, makes a sheet reach much "
                 "further than its data. Delete what is not needed, or save the data sheet as "
                 "CSV and use that file."),
    "time": N_("This workbook took more than {seconds} seconds to measure, so it is not read; "
               "save the data sheet as CSV and use that file."),
    "failed": N_("The workbook could not be read safely (the reader failed on it); open it in "
                 "Excel or LibreOffice, save it again (or as CSV), and use that file.")}
TOO_LARGE_UNPACKED = N_("This workbook unpacks to {size:,} MB, more than the {limit:,} MB the app "
                        "reads; delete what is not needed, or save the data sheet as CSV and "
                        "use that file.")


def is_workbook(raw: bytes) -> bool:
    """Whether ``raw`` is a zip archive (an .xlsx or .ods is one) or an OLE file (an .xls)."""
    return raw.startswith((ZIP, OLE))


class SheetRefused(ValueError):
    """A workbook refused in a sentence of this module's (not one of the reader's own errors)."""


def workbook_text(raw: bytes, notices: list[str], max_rows: int, max_columns: int,
                  holding: str = "numbers") -> str:
    """The data sheet of the spreadsheet ``raw`` as CSV text (a comma between cells), and which
    sheet it is in ``notices``; a ValueError in a sentence for a workbook locked with a password,
    another zip archive, a workbook that cannot be read or a sheet of more than ``max_rows``
    rows or ``max_columns`` columns or ``MAX_CELLS`` cells (measured apart first, by
    ``sheet_sizes.py``: the app lays out no sheet before its size is known). ``holding`` "texts"
    reads the sheet of labelled texts instead (rows of a text beside another cell)."""
    archive = _archive(raw)
    if raw.startswith(OLE) and "EncryptionInfo".encode("utf-16-le") in raw:
        raise ValueError(tr(LOCKED))
    from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

    try:
        measured = measuring.sheet_sizes(raw)  # None: not measured (no reader to run there)
    except measuring.Unmeasured as failed:
        raise ValueError(tr(UNMEASURED[failed.kind], limit=measuring.MEMORY // 2**20,
                            seconds=measuring.SECONDS)) from None
    sizes = None if measured is None else measured.sheets
    if measured is not None and _opens_all(raw, archive):
        _check_all(measured, max_rows, max_columns)
    paths = _sheet_paths(archive)
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(raw))
        sheets = [m.name for m in book.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]
        if not sheets:
            raise SheetRefused(tr(BROKEN_WORKBOOK, reason=tr("it has no sheet of cells")))
        shown = [m.name for m in book.sheets_metadata
                 if m.name in sheets and m.visible == SheetVisibleEnum.Visible] or sheets
        load = lambda names: _loaded(book, sizes, names, max_rows, max_columns)
        read = load(shown)
        hidden = [name for name in sheets if name not in shown]
        if hidden and not any(read[name].height * read[name].width for name in shown):
            read, shown = load(hidden), hidden  # the visible sheets are empty: a hidden one
            notices.append(tr("The workbook's visible sheets are empty, so its hidden sheets "
                              "were read too."))
        held = _texts_held if holding == "texts" else _data_held
        title = max(shown, key=lambda name: held(read[name]))  # the first of equals
        text = _as_csv(read[title].to_python(skip_empty_area=False))
    except SheetRefused:
        raise
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as error:  # the reader's own errors (a Rust panic is no Exception)
        reason = (str(error).strip().splitlines() or [type(error).__name__])[0][:120]
        if "password" in reason.lower() or "encrypt" in reason.lower():
            raise ValueError(tr(LOCKED)) from None
        if "detect file format" in reason:  # python-calamine's word for what it cannot parse
            reason = tr("it is cut short or damaged")
        raise ValueError(tr(BROKEN_WORKBOOK, reason=reason)) from None
    notices.append(_sheet_said(title, [name for name in shown if name != title], holding))
    uncalculated, errors = _unread_cells(archive, paths.get(title)) if archive else ([], [])
    if uncalculated:
        notices.append(_uncalculated_said(uncalculated))
    if errors:
        notices.append(_errors_said(errors))
    return text


def _opens_all(raw: bytes, archive: zipfile.ZipFile | None) -> bool:
    """Whether the reader lays out every sheet as it opens the workbook (an .xls or .ods; an
    .xlsx or .xlsb's sheets one by one, when asked for)."""
    return raw.startswith(OLE) or (archive is not None and "content.xml" in archive.namelist())


def _check_all(measured, max_rows: int, max_columns: int) -> None:
    """Refuse, before it is opened, a workbook whose sheets would all be laid out on opening
    where any sheet, or all of them together, are over the limits, or where the reader could
    not open it apart (it is not opened here either)."""
    if not measured.opened:
        raise SheetRefused(tr(BROKEN_WORKBOOK, reason=tr("it is cut short or damaged")))
    for name in measured.sheets:
        _check_size(name, measured.sheets, max_rows, max_columns)
    cells = sum(rows * columns for rows, columns in measured.sheets.values())
    if cells > ALL_SHEETS_CELLS:
        raise SheetRefused(tr("The workbook's sheets span {cells:,} cells together, all read as "
                              "it is opened; at most {limit:,} are. Delete the sheets that are "
                              "not needed, or save the data sheet as CSV and use that file.",
                              cells=cells, limit=ALL_SHEETS_CELLS))


def _loaded(book, sizes: dict | None, names: list[str], max_rows: int, max_columns: int) -> dict:
    """The sheets ``names`` of ``book``, each loaded whole (the reader holds a sheet as one
    grid) once its size, measured apart, is known to be within the limits (``sizes`` None: the
    workbook could not be measured, and is read as it is)."""
    for name in names:
        if sizes is not None:
            _check_size(name, sizes, max_rows, max_columns)
    return {name: book.get_sheet_by_name(name) for name in names}


def _sheet_said(title: str, others: list[str], holding: str) -> str:
    """Which sheet was read, and why that one where the workbook has others."""
    if not others:
        return tr("Read from the workbook's sheet {sheet}.", sheet=quoted(title))
    values = dict(sheet=quoted(title), others=listed(others, limit=5))
    if holding == "texts":
        return tr("Read from the workbook's sheet {sheet}, the one holding the most texts; its "
                  "other sheets ({others}) were not read (to read one of them, save it as a "
                  "workbook of its own).", **values)
    return tr("Read from the workbook's sheet {sheet}, the one holding the most numbers and "
              "dates; its other sheets ({others}) were not read (to read one of them, save it "
              "as a workbook of its own).", **values)


def _uncalculated_said(uncalculated: list[str]) -> str:
    return trn(
            "{count:,} cell of the sheet ({cells}) holds a formula whose result was never "
            "calculated (the workbook was written by a program and not opened in Excel since), "
            "so it reads as blank. Open the workbook in Excel or LibreOffice, save it, and "
            "try again.",
            "{count:,} cells of the sheet (such as {cells}) hold formulas whose results were "
            "never calculated (the workbook was written by a program and not opened in Excel "
            "since), so they read as blank. Open the workbook in Excel or LibreOffice, save it, "
            "and try again.", len(uncalculated), cells=listed(uncalculated, limit=3))


def _errors_said(errors: list[tuple[bytes, bytes]]) -> str:
    kinds = listed(sorted({value.decode("utf-8", "replace") for _, value in errors}), limit=4)
    return trn(
        "{count:,} cell of the sheet ({cells}) shows an error instead of a value ({errors}), so "
        "it reads as blank. Mend its formula (or type the value) in Excel or LibreOffice, save, "
        "and try again.",
        "{count:,} cells of the sheet (such as {cells}) show an error instead of a value "
        "({errors}), so they read as blank. Mend their formulas (or type the values) in Excel or "
        "LibreOffice, save, and try again.", len(errors),
        cells=listed([cell.decode() for cell, _ in errors], limit=3), errors=kinds)


def _archive(raw: bytes) -> zipfile.ZipFile | None:
    """The zip archive of an .xlsx, .xlsb or .ods (None for an OLE file); refuses another zip."""
    if not raw.startswith(ZIP):
        return None
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        names = set(archive.namelist())
        spreadsheet = bool(names & {"xl/workbook.xml", "xl/workbook.bin"}) or (
            "mimetype" in names and archive.read("mimetype").strip() == ODS)
    except (zipfile.BadZipFile, KeyError, OSError, EOFError):
        raise ValueError(tr(BROKEN_WORKBOOK, reason=tr("it is cut short or damaged"))) from None
    if not spreadsheet:
        raise ValueError(tr(NOT_A_WORKBOOK))
    unpacked = sum(member.file_size for member in archive.infolist())
    if unpacked > MAX_UNPACKED:
        raise ValueError(tr(TOO_LARGE_UNPACKED, size=unpacked // 2**20, limit=MAX_UNPACKED // 2**20))
    return archive


# A cell holding a formula and no value (or an empty one): <c r="C2"><f>B2*2</f><v /></c>, or a
# shared formula's <f t="shared" si="0"/>.
# A cell typed as text or an error ("str", "s", "inlineStr", "e") with an empty value is a formula
# calculated to "" (=IF(…,"",…)): not one never calculated.
UNCALCULATED = re.compile(rb'<c\b(?![^>]*\bt="(?:str|s|inlineStr|e)")[^>]*?\br="([A-Z]{1,3}[0-9]+)"'
                          rb'[^>]*>\s*<f\b[^>]*(?:/>|>[^<]*</f>)\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>')
# A cell showing an error (#DIV/0!, #N/A, #REF! …), a formula's or typed: t="e" and its value.
ERROR_CELL = re.compile(rb'<c\b(?=[^>]*\bt="e")[^>]*?\br="([A-Z]{1,3}[0-9]+)"[^>]*>\s*'
                        rb'(?:<f\b[^>]*(?:/>|>[^<]*</f>)\s*)?<v>([^<]{1,20})</v>')
RELATIONS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


ALL_SHEETS_CELLS = 10_000_000  # of the sheets of an .xls or .ods, all laid out on opening
MAX_CELLS = 5_000_000  # of a sheet: the reader's grid and the cells as Python objects, ~0.5 GB


def _check_size(title: str, sizes: dict, max_rows: int, max_columns: int) -> None:
    """Refuse, in a sentence, the sheet ``title`` where its measured (rows, columns) are over
    the limits, or where it was not measured (the reader could not lay it out)."""
    if sizes.get(title) is None:
        raise SheetRefused(tr(BROKEN_WORKBOOK, reason=tr("its sheet {sheet} could not be laid "
                                                         "out", sheet=quoted(title))))
    rows, columns = sizes[title]
    if columns > max_columns:
        raise SheetRefused(tr("The sheet {sheet} reaches {columns:,} columns to the right; at "
                              "most {limit:,} are read. Delete the columns (or the stray cells "
                              "far to the right) that are not needed, save, and try again.",
                              sheet=quoted(title), columns=columns, limit=max_columns))
    if rows > max_rows + 1:  # the header and max_rows rows are all it may hold
        raise SheetRefused(tr("The sheet {sheet} reaches row {rows:,}; at most {limit:,} rows of "
                              "data are read. Delete the rows (or the stray cells far down) "
                              "that are not needed, aggregate it (for example hourly instead of "
                              "by the minute) or keep its most recent part.",
                              sheet=quoted(title), rows=rows, limit=max_rows))
    if rows * columns > MAX_CELLS:
        raise SheetRefused(tr("The sheet {sheet} spans {rows:,} rows and {columns:,} columns; at "
                              "most {limit:,} cells of a workbook are read. Delete what is not "
                              "needed, or save the sheet as CSV and use that file.",
                              sheet=quoted(title), rows=rows, columns=columns, limit=MAX_CELLS))


def _sheet_paths(archive: zipfile.ZipFile | None) -> dict[str, str]:
    """Where the .xlsx ``archive`` keeps each sheet, by its name (read once per workbook); {}
    for an .ods, .xlsb or .xls, or a workbook laid out otherwise."""
    if archive is None:
        return {}
    try:
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        links = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError, OSError, EOFError, NotImplementedError,
            zipfile.BadZipFile, zlib.error):
        return {}
    target = {link.get("Id"): link.get("Target", "") for link in links}
    paths = {}
    for sheet in (s for s in book.iter() if s.tag.endswith("}sheet")):
        path = target.get(sheet.get(RELATIONS))
        if path and sheet.get("name") is not None:
            paths[sheet.get("name")] = (path.lstrip("/") if path.startswith("/")
                                        else "xl/" + path)
    return paths


def _unread_cells(archive: zipfile.ZipFile,
                  path: str | None) -> tuple[list[str], list[tuple[bytes, bytes]]]:
    """The cells of the .xlsx sheet at ``path`` that read as blank although they hold something:
    those (as "C2") holding a formula without its calculated value (looked for only where the
    sheet holds a formula), and those showing an error, with it ((b"C2", b"#DIV/0!"))."""
    try:
        xml = archive.read(path) if path else b""
    except (KeyError, OSError, EOFError, NotImplementedError, zipfile.BadZipFile, zlib.error):
        return [], []  # (what the reader read is read; these notices are left out)
    uncalculated = ([cell.decode() for cell in UNCALCULATED.findall(xml)] if b"<f" in xml
                    else [])
    return uncalculated, ERROR_CELL.findall(xml) if b't="e"' in xml else []


JUDGED_ROWS = 200  # the rows of each sheet its numbers and dates are counted in


def _data_held(sheet) -> tuple[int, int]:
    """(numbers and dates in its first ``JUDGED_ROWS`` rows, the cells it spans): a cover or
    notes sheet holds words, the data sheet numbers and dates."""
    values = sum(isinstance(value, (int, float, dt.date, dt.time)) and not isinstance(value, bool)
                 for row in sheet.to_python(nrows=JUDGED_ROWS) for value in row)
    return values, sheet.height * sheet.width


TEXT_CHARACTERS = 12  # a column's median cell this long holds texts (as series/labelled_texts)


def _texts_held(sheet) -> tuple[int, int]:
    """(the different texts in its column of texts, among its first ``JUDGED_ROWS`` rows; the
    cells it spans): a column of texts is one whose different text cells are a dozen characters
    long or more at the median (reviews, tickets: nearly all different), not names or codes
    that repeat ("Store North 3") nor numbers."""
    rows = sheet.to_python(nrows=JUDGED_ROWS)
    best = 0
    for column in zip(*rows):
        lengths = sorted(len(v) for v in {v.strip() for v in column if isinstance(v, str)} if v)
        if lengths and lengths[len(lengths) // 2] >= TEXT_CHARACTERS:
            best = max(best, len(lengths))
    return best, sheet.height * sheet.width


def _as_csv(rows: list[list]) -> str:
    """The sheet's rows (from A1, so that a row's number is the sheet's) as CSV text, each as
    wide as the widest (a title alone in A1 stays a line of empty cells after it, as a CSV
    export writes it, so that the reader sees a title), blank rows at its end left out."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    cells = [[_cell(value) for value in row] for row in rows]
    for row in cells:
        while row and row[-1] == "":
            row.pop()
    while cells and not cells[-1]:
        cells.pop()
    width = max(map(len, cells), default=0)
    for row in cells:
        if row:
            writer.writerow(row + [""] * (width - len(row)))
        else:
            out.write("\n")
    return out.getvalue()


def _cell(value) -> str:
    """A cell as Excel shows its value: a date as 2024-01-31 (with its time where it has one),
    a whole number without ".0", text as it is."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):  # a duration: as Excel shows one, hours:minutes:seconds
        seconds = round(value.total_seconds())
        return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
