"""Excel workbooks (.xlsx) read as the CSVs they hold: the largest sheet (a cover sheet aside),
dates and numbers as Excel shows them, every loader on top; an .xls, another zip archive or a
damaged workbook refused in a sentence."""

import datetime as dt
import io
import zipfile

import numpy as np
import openpyxl
import pytest
import python_calamine
import xlwt

from lstm_app import sheet_sizes, spreadsheet

from lstm_app.classify.labelled import load_labelled
from lstm_app.csv_table import read_csv_table
from lstm_app.series.loading import load_series
from lstm_app.series.panel import load_panel


def workbook(sheets: dict[str, list[list]]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def old_workbook(sheets: dict[str, list[list]], hidden: tuple[str, ...] = ()) -> bytes:
    """The sheets as an old binary .xls (xlwt writes the format Excel 97–2003 saved), dates in
    a date format as Excel stores them."""
    book = xlwt.Workbook(encoding="utf-8")
    dates = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for title, rows in sheets.items():
        sheet = book.add_sheet(title)
        sheet.visibility = int(title in hidden)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, dt.date):
                    sheet.write(r, c, value, dates)
                elif value is not None:
                    sheet.write(r, c, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# What LibreOffice writes after a sheet's last row: the rest of the sheet, empty, as one row.
EMPTY_REST = ('<table:table-row table:style-name="ro1" table:number-rows-repeated="1048535">'
              '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>')


def open_document(title: str, rows: list[list], after: str = EMPTY_REST) -> bytes:
    """A LibreOffice spreadsheet (.ods) of one sheet, laid out as LibreOffice writes one:
    dates and numbers typed, text as text, the empty rest of the sheet (or ``after``) after."""
    def cell(value) -> str:
        if isinstance(value, dt.date):
            return (f'<table:table-cell office:value-type="date" office:date-value='
                    f'"{value.isoformat()}"><text:p>{value}</text:p></table:table-cell>')
        if isinstance(value, (int, float)):
            return (f'<table:table-cell office:value-type="float" office:value="{value}">'
                    f'<text:p>{value}</text:p></table:table-cell>')
        return (f'<table:table-cell office:value-type="string"><text:p>{value}</text:p>'
                f'</table:table-cell>')

    body = "".join("<table:table-row>" + "".join(map(cell, row)) + "</table:table-row>"
                   for row in rows) + after
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
               f'<office:body><office:spreadsheet><table:table table:name="{title}">{body}'
               '</table:table></office:spreadsheet></office:body></office:document-content>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content)
        z.writestr("META-INF/manifest.xml", MANIFEST)
    return out.getvalue()


MANIFEST = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
            '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
            '<manifest:file-entry manifest:full-path="/" manifest:media-type='
            '"application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry '
            'manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>')


COVER = [["销售报告"], [], ["制表：财务部"]]


def test_the_largest_sheet_is_read_with_its_dates_and_numbers_and_the_cover_is_said():
    days = [dt.datetime(2024, 1, 1) + dt.timedelta(days=d) for d in range(40)]
    raw = workbook({"封面": COVER,
                    "销售数据": [["日期", "销量", "备注"]]
                    + [[day, 10.5 + d % 7, "促销" if d % 5 == 0 else None]
                       for d, day in enumerate(days)]})
    series = load_series(raw, name="销售.xlsx")
    assert series.time_col == "日期" and series.value_col == "销量" and series.freq == "D"
    assert list(series.frame["销量"][:3]) == [10.5, 11.5, 12.5]
    assert str(series.frame.index[0].date()) == "2024-01-01"
    assert series.notices[0] == (
        "Read from the workbook's sheet '销售数据', the one holding the most numbers and "
        "dates; its other sheets ('封面') were not read (to read one of them, save it as a "
        "workbook of its own).")


def test_a_workbook_of_many_series_and_one_of_labelled_texts_load_like_their_csvs():
    rows = [["store", "week", "sales"]] + [
        [store, dt.date(2024, 1, 1) + dt.timedelta(weeks=w), 100 + w + 7 * s]
        for s, store in enumerate(("北京", "上海")) for w in range(30)]
    panel = load_panel(workbook({"Sheet1": rows}), layout="long", id_cols=("store",))
    assert panel.n_series == 2 and sorted(panel.ids) == ["上海", "北京"]
    texts = [["review", "label"]] + [[f"房间很好 {i}", "positive"] for i in range(6)] + \
        [[f"服务很差 {i}", "negative"] for i in range(6)]
    labelled = load_labelled(workbook({"评论": texts}))
    assert labelled.classes == ("negative", "positive") and len(labelled.texts) == 12


@pytest.mark.parametrize("form", ["xlsx", "gbk csv"])
def test_a_title_over_the_names_of_texts_and_labels_is_skipped(form):
    rows = [["2024年第三季度客户评价汇总", None], ["评价内容", "评价类型"]] + [
        [f"第{i}条评论", ("好评", "差评", "好评", "中评")[i % 4]] for i in range(12)]
    raw = (workbook({"评价": rows}) if form == "xlsx" else
           "\r\n".join(",".join(c or "" for c in row) for row in rows).encode("gb18030"))
    texts = load_labelled(raw, name="评价." + form[-4:].strip())
    assert (texts.text_col, texts.label_col) == ("评价内容", "评价类型")
    assert sorted(texts.classes) == sorted(("中评", "差评", "好评")) and len(texts.texts) == 12
    assert any("('2024年第三季度客户评价汇总') is a title above the table" in n
               for n in texts.notices)


@pytest.mark.parametrize("raw, columns", [
    # a header with the label column unnamed, over a first label seen once: no title
    ("review,\ngreat film,neutral\n" + "".join(
        f"a rather long review {i},{('pos', 'neg')[i % 2]}\n" for i in range(20)),
     ["review", "column 2"]),
    # a list without a header under its name: the name stays the header
    ("Staff list,\nAlice,London\n" + "".join(
        f"P{i},{('Paris', 'Rome')[i % 2]}\n" for i in range(20)), ["Staff list", "column 2"]),
])
def test_a_line_of_words_under_one_name_is_no_header_under_a_title(raw, columns):
    notices = []
    table, _ = read_csv_table(raw.encode(), None, notices)
    assert list(table.columns) == columns and len(table) == 21
    assert not any("title" in n for n in notices)


def test_whole_numbers_times_and_blank_rows_read_as_excel_shows_them():
    notices = []
    raw = workbook({"data": [["when", "n", "ok"], [dt.datetime(2024, 1, 1, 8, 30), 3.0, True],
                             [], [dt.datetime(2024, 1, 1, 9, 30), 4.25, False], [None, None]]})
    table, _ = read_csv_table(raw, "x.xlsx", notices)
    assert table.values.tolist() == [["2024-01-01 08:30:00", "3", "TRUE"],
                                     ["2024-01-01 09:30:00", "4.25", "FALSE"]]
    assert notices == ["Read from the workbook's sheet 'data'."]
    # a sheet without dates: a row is a step, so an empty row inside the plan is a blank to ask
    # for, not left out (the plan after it would move a step earlier)
    rows = [["sales", "promo"], *[[10 + i % 7, i % 2] for i in range(40)], [None, 1], [],
            [None, 1], [], []]
    series = load_series(workbook({"data": rows}), covariates=["promo"])
    assert len(series.future) == 3 and np.isnan(series.future["promo"].iloc[1])


def test_too_many_rows_or_cells_in_a_sheet_are_refused_before_they_are_read(monkeypatch):
    raw = workbook({"big": [["t", "v"]] + [[i, i] for i in range(500)]})
    table, _ = read_csv_table(raw, "big.xlsx", [], max_rows=500)  # the header and 500 rows
    assert len(table) == 500
    old = old_workbook({"big": [["t", "v"]] + [[i, i] for i in range(500)]})
    with pytest.raises(ValueError, match="^The sheet 'big' reaches row 501; at most 50 rows of "
                                         "data are read."):
        read_csv_table(old, "big.xls", [], max_rows=50)  # an .xls: known once read
    monkeypatch.setattr(spreadsheet, "MAX_CELLS", 1000)
    _unread(monkeypatch)
    with pytest.raises(ValueError) as error:
        read_csv_table(raw, "big.xlsx", [], max_rows=50)
    assert str(error.value) == ("The sheet 'big' reaches row 501; at most 50 rows of data are "
                                "read. Delete the rows (or the stray cells far down) that are not "
                                "needed, aggregate it (for example hourly instead of by the "
                                "minute) or keep its most recent part.")
    with pytest.raises(ValueError) as error:
        read_csv_table(raw, "big.xlsx", [])
    assert str(error.value) == ("The sheet 'big' spans 501 rows and 2 columns; at most 1,000 "
                                "cells of a workbook are read. Delete what is not needed, or save "
                                "the sheet as CSV and use that file.")


def test_a_title_above_the_table_and_a_column_without_a_name_read_as_in_a_csv():
    notices = []
    rows = [["2024年销售报表"], [], ["日期", "销量", "备注"]] + [
        [dt.date(2024, 1, d), d * 3, "促销" if d % 5 == 0 else None] for d in range(1, 31)]
    series = load_series(workbook({"报表": rows}))
    assert series.time_col == "日期" and series.value_col == "销量"
    assert any("a title above the table" in n for n in series.notices)
    rows = [["日期", "销量", None, "备注"]] + [
        [dt.date(2024, 1, d), d * 3, d % 2, "x" if d % 5 == 0 else None] for d in range(1, 31)]
    table, _ = read_csv_table(workbook({"报表": rows}), "报表.xlsx", notices)
    assert list(table.columns) == ["日期", "销量", "column 3", "备注"] and len(table) == 30


def test_a_header_of_merged_cells_over_two_rows_names_each_column_once():
    """日期 merged over two rows, each year merged over its 销量 and 金额, under a title."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["2024年门店销售报表"])
    sheet.append(["日期", "2023年", None, "2024年", None])
    sheet.append([None, "销量", "金额", "销量", "金额"])
    for d in range(1, 31):
        sheet.append([dt.date(2024, 1, d), d, d * 10, d + 1, d * 11])
    for cells in ("A2:A3", "B2:C2", "D2:E2", "A1:E1"):
        sheet.merge_cells(cells)
    out = io.BytesIO()
    book.save(out)
    series = load_series(out.getvalue(), value_col="2024年 金额")
    assert series.time_col == "日期" and len(series.frame) == 30
    assert series.frame["2024年 金额"].iloc[-1] == 330
    assert ("The header takes two lines (merged cells), so the columns were named '日期', "
            "'2023年 销量', '2023年 金额', '2024年 销量', '2024年 金额'.") in series.notices


def test_what_is_no_workbook_is_refused_in_a_sentence():
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("content.xml", "<office:document/>")  # an OpenDocument's own layout
    with pytest.raises(ValueError) as error:
        load_series(archive.getvalue())
    assert str(error.value) == ("This file is a zip archive (or a Word or LibreOffice text "
                                "document), not a spreadsheet (.xlsx, .xls, .ods) or a CSV; save "
                                "the table as .xlsx or CSV and use that file.")
    text = io.BytesIO()  # a LibreOffice text document says what it is as an .ods does
    with zipfile.ZipFile(text, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        z.writestr("content.xml", "<office:document/>")
    with pytest.raises(ValueError, match="^This file is a zip archive"):
        load_series(text.getvalue())
    broken = workbook({"s": [["a", "b"], [1, 2]]})[:300]
    with pytest.raises(ValueError, match=r"^The workbook could not be read \(it is cut short or "
                                         r"damaged\)"):
        load_series(broken)


def test_the_sheet_of_numbers_is_read_not_a_larger_notes_sheet_nor_a_hidden_one():
    book = openpyxl.Workbook()
    notes = book.active
    notes.title = "Notes"
    for i in range(199):
        notes.append([f"note {i}", None, None, None, "z"])
    data = book.create_sheet("Data")
    data.append(["date", "sales"])
    for d in range(60):
        data.append([dt.date(2024, 1, 1) + dt.timedelta(days=d), 10 + d % 7])
    hidden = book.create_sheet("Hidden")
    hidden.sheet_state = "hidden"
    for d in range(100):
        hidden.append([dt.date(2024, 1, 1) + dt.timedelta(days=d), d, d * 2])
    out = io.BytesIO()
    book.save(out)
    series = load_series(out.getvalue())
    assert series.value_col == "sales" and len(series.frame) == 60
    assert "sheet 'Data'" in series.notices[0] and "'Hidden'" not in series.notices[0]


def test_an_empty_workbook_is_said_to_be_empty():
    out = io.BytesIO()
    openpyxl.Workbook().save(out)
    for load in (load_series, load_labelled):
        with pytest.raises(ValueError, match="The file is empty"):
            load(out.getvalue())


def test_an_error_of_the_readers_own_is_said_in_the_workbooks_sentence(monkeypatch):
    """The reader raises ValueError for some damaged workbooks: it is not passed on as if it
    were a sentence of the app's; one that speaks of a password is the locked workbook's."""
    def broken(*args, **kwargs):
        raise ValueError("Max value is 14")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_filelike", broken)
    with pytest.raises(ValueError) as error:
        load_series(workbook({"s": [["a", "b"], [1, 2]]}))
    assert str(error.value).startswith("The workbook could not be read (Max value is 14)")

    def locked(*args, **kwargs):
        raise python_calamine.CalamineError("Workbook is password protected")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_filelike", locked)
    with pytest.raises(ValueError, match="^This workbook is locked with a password"):
        load_series(workbook({"s": [["a", "b"], [1, 2]]}))


def _with_xml(raw: bytes, change) -> bytes:
    """The workbook ``raw`` with its first sheet's XML passed through ``change``."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = change(data)
            target.writestr(item, data)
    return out.getvalue()


def _formulas() -> bytes:
    rows = [["month", "sales", "double"]]
    rows += [[dt.date(2023, 1, 1) + dt.timedelta(days=31 * i), 100 + i, f"=B{i + 2}*2"]
             for i in range(24)]
    return workbook({"数据": rows})


def test_formulas_never_calculated_are_said_with_what_to_do():
    series = load_series(io.BytesIO(_formulas()), name="book.xlsx")
    assert series.value_col == "sales"  # the formulas' column reads as blank
    assert ("24 cells of the sheet (such as 'C2', 'C3', 'C4' and 21 more) hold formulas whose "
            "results were never calculated (the workbook was written by a program and not "
            "opened in Excel since), so they read as blank. Open the workbook in Excel or "
            "LibreOffice, save it, and try again.") in series.notices


def test_labels_that_are_formulas_never_calculated_are_refused_saying_so():
    rows = [["review", "label"]] + [[f"a review of the hotel, number {i}", '=IF(1,"pos","neg")']
                                     for i in range(12)]
    with pytest.raises(ValueError) as error:
        load_labelled(workbook({"data": rows}), text_col="review", label_col="label")
    assert str(error.value).startswith("The label column 'label' holds no labels (each row's is "
                                       "blank)")
    assert any("12 cells of the sheet (such as 'B2', 'B3', 'B4' and 9 more) hold formulas" in n
               for n in error.value.notices)  # said beside it, by the page and the command


def test_a_shared_formula_never_calculated_is_counted_and_calculated_ones_are_not():
    def shared(xml: bytes) -> bytes:  # C3 shares C2's formula, as Excel writes a filled column
        xml = xml.replace(b'<c r="C2"><f>B2*2</f><v /></c>',
                          b'<c r="C2" s="0"><f t="shared" ref="C2:C3" si="0">B2*2</f></c>', 1)
        return xml.replace(b'<c r="C3"><f>B3*2</f><v /></c>',
                           b'<c r="C3"><f t="shared" si="0"/></c>', 1)

    def calculated(xml: bytes) -> bytes:  # as Excel saves them: each with its value
        return xml.replace(b"*2</f><v /></c>", b"*2</f><v>202</v></c>")

    notices: list[str] = []
    read_csv_table(io.BytesIO(_with_xml(_formulas(), shared)), "book.xlsx", notices)
    assert any(n.startswith("24 cells of the sheet (such as 'C2', 'C3', 'C4'") for n in notices)
    series = load_series(io.BytesIO(_with_xml(_formulas(), calculated)), name="book.xlsx",
                         value_col="double")
    assert series.frame["double"].eq(202).all()
    assert not any("formula" in n for n in series.notices)


def test_an_old_xls_reads_as_its_xlsx_does_its_hidden_sheet_aside():
    rows = [["月份", "销售额"]] + [[dt.date(2023, 1, 1) + dt.timedelta(days=31 * i), 100 + i]
                                   for i in range(24)]
    hidden = [[dt.date(2020, 1, 1) + dt.timedelta(days=d), d, d] for d in range(100)]
    old = load_series(old_workbook({"封面": COVER, "数据": rows, "旧": hidden}, hidden=("旧",)),
                      name="报表.xls")
    new = load_series(workbook({"封面": COVER, "数据": rows}), name="报表.xlsx")
    assert old.frame.equals(new.frame) and old.freq == new.freq == "MS"
    assert old.notices[0] == ("Read from the workbook's sheet '数据', the one holding the most "
                              "numbers and dates; its other sheets ('封面') were not read (to "
                              "read one of them, save it as a workbook of its own).")


def test_a_libreoffice_spreadsheet_reads_as_its_csv_does():
    rows = [["date", "sales"]] + [[dt.date(2024, 1, 1) + dt.timedelta(days=d), 10.5 + d % 7]
                                  for d in range(40)]
    from_ods = load_series(open_document("Data", rows), name="sales.ods")
    csv = "date,sales\n" + "".join(f"{d.isoformat()},{v}\n" for d, v in rows[1:])
    assert from_ods.frame.equals(load_series(csv.encode()).frame)
    assert from_ods.notices == ("Read from the workbook's sheet 'Data'.",)


def _unopened(monkeypatch):
    """The app's own opening of a workbook, made to fail the test if it is reached."""
    def opened(*args, **kwargs):
        raise AssertionError("the workbook was opened before its size was known")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_filelike", opened)


def repeated(rows: int, columns: int) -> str:
    """An .ods row of XML that the reader lays out as ``rows`` rows of ``columns`` cells of 7."""
    return (f'<table:table-row table:number-rows-repeated="{rows}"><table:table-cell '
            f'table:number-columns-repeated="{columns}" office:value-type="float" '
            'office:value="7"><text:p>7</text:p></table:table-cell></table:table-row>')


def test_workbooks_that_would_be_laid_out_as_gigabytes_are_refused_and_the_app_lives_on(
        monkeypatch):
    rows = [["date", "v"], [dt.date(2024, 1, 1), 1]]
    bomb = open_document("S", rows, repeated(200_000, 400))  # 1.4 KB; ~3 GB laid out
    book = openpyxl.Workbook()
    book.active.append(["date", "v"])
    book.active.append([dt.date(2024, 1, 1), 1])
    book.active["XFD1048576"] = 7  # one cell: a grid of 17 billion, 550 GB
    out = io.BytesIO()
    book.save(out)
    far = _with_xml(out.getvalue(), lambda xml: xml.replace(b'ref="A1:XFD1048576"',
                                                             b'ref="A1:B2"'))  # says it is small
    _unopened(monkeypatch)
    for raw, name in ((bomb, "bomb.ods"), (far, "far.xlsx")):
        with pytest.raises(ValueError) as error:  # before this, the far cell ended the process
            read_csv_table(raw, name, [])
        assert str(error.value) == (
            "This workbook would take more than 1,536 MB of memory to read: a cell far beyond "
            "its data, or one repeated very many times, makes a sheet reach much further than "
            "its data. Delete what is not needed, or save the data sheet as CSV and use "
            "that file."), name


def test_an_xls_whose_sheets_would_be_laid_out_as_gigabytes_is_refused_before_it_is_opened(
        monkeypatch):
    book = xlwt.Workbook()
    for title in ("a", "b", "c"):  # each within the limits; together too many, all read at once
        sheet = book.add_sheet(title)
        sheet.write(0, 0, "date")
        sheet.write(19_999, 99, 7)  # 20,000 rows of 100 columns from A1
    out = io.BytesIO()
    book.save(out)
    _unopened(monkeypatch)
    with pytest.raises(ValueError, match="^The sheet 'a' reaches 100 columns to the right"):
        read_csv_table(out.getvalue(), "wide.xls", [], max_columns=50)
    monkeypatch.setattr(spreadsheet, "ALL_SHEETS_CELLS", 3_000_000)
    with pytest.raises(ValueError, match="^The workbook's sheets span 6,000,000 cells together"):
        read_csv_table(out.getvalue(), "wide.xls", [])
    one = xlwt.Workbook()  # one cell at the format's far corner: 16.7 million cells
    one.add_sheet("far").write(65535, 255, 7)
    out = io.BytesIO()
    one.save(out)
    with pytest.raises(ValueError, match="^The sheet 'far' spans 65,536 rows and 256 columns"):
        read_csv_table(out.getvalue(), "far.xls", [])


def test_a_lone_cell_far_away_is_measured_from_a1(monkeypatch):
    def lone(cell: str) -> bytes:
        book = openpyxl.Workbook()
        book.active.title = "far"
        book.active[cell] = 7
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()

    # 27 columns and 3,000 rows from A1 (1 × 1 from the cell itself, as the reader counts)
    assert sheet_sizes.sheet_sizes(lone("AA3000")).sheets == {"far": (3000, 27)}
    with pytest.raises(ValueError, match="^The sheet 'far' reaches 27 columns to the right; at "
                                         "most 20 are read."):
        read_csv_table(lone("AA3000"), "far.xlsx", [], max_columns=20)
    _unread(monkeypatch)  # ZZ1000000 alone: 702 × 1,000,000 from A1, 22 GB; refused unread
    with pytest.raises(ValueError, match="^The sheet 'far' reaches 702 columns to the right"):
        read_csv_table(lone("ZZ1000000"), "far.xlsx", [])


def test_a_workbook_the_child_cannot_measure_is_refused_and_one_it_cannot_run_on_is_read(
        monkeypatch):
    raw = workbook({"data": [["date", "v"]] + [[dt.date(2024, 1, 1) + dt.timedelta(days=d), d]
                                               for d in range(30)]})
    sheet_sizes._answers.clear()
    monkeypatch.setattr(sheet_sizes, "SECONDS", 0.001)
    with pytest.raises(ValueError, match="^This workbook took more than 0.001 seconds to "
                                         "measure, so it is not read"):
        read_csv_table(raw, "slow.xlsx", [])
    monkeypatch.setattr(sheet_sizes, "SECONDS", 60)  # a busy moment is not remembered:
    assert len(read_csv_table(raw, "slow.xlsx", [])[0]) == 30  # measured again, and read
    sheet_sizes._answers.clear()
    with monkeypatch.context() as patched:  # no child can start: refused, not read unmeasured
        patched.setattr(sheet_sizes.sys, "executable", "/nowhere/python")
        with pytest.raises(ValueError, match="^The workbook could not be read safely"):
            read_csv_table(raw, "data.xlsx", [])
    with monkeypatch.context() as patched:  # a child that fails
        patched.setattr(sheet_sizes, "CHILD", "import sys; sys.exit(1)")
        with pytest.raises(ValueError, match="^The workbook could not be read safely"):
            read_csv_table(raw, "odd.xlsx", [])
    sheet_sizes._answers.clear()
    with monkeypatch.context() as patched:  # a child that finds no reader installed: read
        patched.setattr(sheet_sizes, "CHILD", "import sys; sys.exit(4)")  # as before
        assert len(read_csv_table(raw, "data.xlsx", [])[0]) == 30
    sheet_sizes._answers.clear()


def test_an_ods_too_large_for_the_app_is_refused_by_its_size_before_it_is_opened(monkeypatch):
    _unopened(monkeypatch)
    rows = [["date", "v"], [dt.date(2024, 1, 1), 1]]
    with pytest.raises(ValueError) as error:
        read_csv_table(open_document("S", rows, repeated(20_000, 300)), "large.ods", [])
    assert str(error.value) == ("The sheet 'S' spans 20,002 rows and 300 columns; at most "
                                "5,000,000 cells of a workbook are read. Delete what is not "
                                "needed, or save the sheet as CSV and use that file.")
    with pytest.raises(ValueError, match="^The sheet 'S' reaches 16,384 columns to the right"):
        read_csv_table(open_document("S", rows, repeated(1, 16_384)), "wide.ods", [])


def test_a_workbook_that_unpacks_to_more_than_the_app_reads_is_refused_unread(monkeypatch):
    raw = workbook({"data": [["date", "v"]] + [[dt.date(2024, 1, 1) + dt.timedelta(days=d), d]
                                               for d in range(100)]})
    unpacked = sum(member.file_size for member in zipfile.ZipFile(io.BytesIO(raw)).infolist())
    monkeypatch.setattr(spreadsheet, "MAX_UNPACKED", unpacked - 1)
    _unread(monkeypatch)
    with pytest.raises(ValueError) as error:
        read_csv_table(raw, "big.xlsx", [])
    assert str(error.value).endswith("MB the app reads; delete what is not needed, or save the "
                                     "data sheet as CSV and use that file.")


def test_durations_read_as_excel_shows_them():
    notices: list[str] = []
    table, _ = read_csv_table(workbook({"t": [["lap", "time"], [1, dt.timedelta(hours=1,
                                                                             minutes=2)]]}),
                              "laps.xlsx", notices)
    assert table.iloc[0].tolist() == ["1", "1:02:00"]


def _unread(monkeypatch):
    """The reader's loading of a whole sheet, made to fail the test if it is reached."""
    def loaded(*args, **kwargs):
        raise AssertionError("a sheet was loaded whole before its size was checked")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "get_sheet_by_name", loaded)


def test_a_stray_cell_far_to_the_right_is_refused_before_the_cells_are_read(monkeypatch):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "data"
    for d in range(2000):
        sheet.append([dt.date(2024, 1, 1) + dt.timedelta(days=d), d])
    sheet["XFD1"] = "x"  # Excel's last column: a grid of 32 million cells, were it read
    out = io.BytesIO()
    book.save(out)
    _unread(monkeypatch)
    with pytest.raises(ValueError) as error:
        read_csv_table(out.getvalue(), "wide.xlsx", [])
    assert str(error.value) == ("The sheet 'data' reaches 16,384 columns to the right; at most "
                                "500 are read. Delete the columns (or the stray cells far to the "
                                "right) that are not needed, save, and try again.")


def test_labelled_texts_are_read_from_the_sheet_of_texts_not_a_larger_sheet_of_numbers():
    stats = [["日期", "评论数", "好评率"]] + [[dt.date(2024, 1, 1) + dt.timedelta(days=d), d % 17,
                                         0.5 + d % 5 / 10] for d in range(365)]
    reviews = [["评论", "情感"]] + [[f"房间干净，服务很好，第{i}次入住" if i % 2 else
                                   f"早餐太差，隔音也不好，第{i}次", "好评" if i % 2 else "差评"]
                                  for i in range(300)]
    sales = [["date", "store", "sales"]] + [[dt.date(2024, 1, 1) + dt.timedelta(days=d // 4),
                                             f"Store North {d % 4}", 100 + d] for d in range(400)]
    raw = workbook({"统计": stats, "门店": sales, "评论": reviews,
                    "说明": [["这是说明文字"] for _ in range(50)]})
    texts = load_labelled(raw, name="reviews.xlsx")
    assert texts.text_col == "评论" and texts.label_col == "情感" and len(texts.texts) == 300
    assert texts.notices[0] == ("Read from the workbook's sheet '评论', the one holding the most "
                                "texts; its other sheets ('统计', '门店', '说明') were not read (to "
                                "read one of them, save it as a workbook of its own).")
    assert load_series(raw, name="reviews.xlsx").value_col == "好评率"  # a forecast: the numbers


def test_a_row_wider_than_the_first_ones_is_read_not_dropped():
    rows = [["date", "sales"]] + [[dt.date(2024, 1, 1) + dt.timedelta(days=d), d]
                                  for d in range(300)]
    rows[261] = rows[261] + [None, "a note far to the right"]
    notices: list[str] = []
    table, _ = read_csv_table(workbook({"data": rows}), "notes.xlsx", notices)
    assert len(table) == 300 and not any("skipped" in n for n in notices)


def test_a_formula_calculated_to_an_empty_text_is_not_said_uncalculated():
    def empty_text(xml: bytes) -> bytes:  # =IF(…,"",…) as Excel saves it: typed str, value ""
        return xml.replace(b'<c r="C2"><f>B2*2</f><v /></c>',
                           b'<c r="C2" t="str"><f>IF(B2&gt;0,"",1)</f><v></v></c>', 1)

    notices: list[str] = []
    read_csv_table(io.BytesIO(_with_xml(_formulas(), empty_text)), "book.xlsx", notices)
    assert any(n.startswith("23 cells of the sheet (such as 'C3', 'C4', 'C5'") for n in notices)


def test_the_data_on_a_hidden_sheet_is_read_when_the_visible_ones_are_empty():
    book = openpyxl.Workbook()
    book.active.title = "Sheet1"  # visible, empty
    data = book.create_sheet("data")
    data.sheet_state = "hidden"
    data.append(["date", "v"])
    for d in range(40):
        data.append([dt.date(2024, 1, 1) + dt.timedelta(days=d), d % 7])
    out = io.BytesIO()
    book.save(out)
    series = load_series(out.getvalue(), name="hidden.xlsx")
    assert len(series.frame) == 40 and series.notices[:2] == (
        "The workbook's visible sheets are empty, so its hidden sheets were read too.",
        "Read from the workbook's sheet 'data'.")


def test_cells_formatted_far_away_but_empty_do_not_make_a_sheet_too_large():
    from openpyxl.styles import Font

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "data"
    sheet.append(["date", "v"])
    for d in range(30):
        sheet.append([dt.date(2024, 1, 1) + dt.timedelta(days=d), d])
    sheet["XFD1"].font = Font(bold=True)  # its <dimension> says A1:XFD1048576
    sheet["B1048576"].font = Font(bold=True)
    out = io.BytesIO()
    book.save(out)
    series = load_series(out.getvalue(), name="styled.xlsx")
    assert len(series.frame) == 30 and series.value_col == "v"


def test_cells_showing_errors_are_said_by_cell_and_error():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "data"
    sheet.append(["date", "sales", "margin"])
    for d in range(30):
        sheet.append([dt.date(2024, 1, 1) + dt.timedelta(days=d), 100 + d, 0.2])
    for cell, error in (("B5", "#DIV/0!"), ("C9", "#N/A")):  # typed, as pasted values
        sheet[cell] = error
        sheet[cell].data_type = "e"
    out = io.BytesIO()
    book.save(out)

    def calculated_to_an_error(xml: bytes) -> bytes:  # a formula whose result is an error
        return xml.replace(b'<c r="B12" t="n"><v>110</v></c>',
                           b'<c r="B12" t="e"><f>B11/0</f><v>#DIV/0!</v></c>', 1)

    raw = _with_xml(out.getvalue(), calculated_to_an_error)
    assert b"<f>B11/0</f>" in zipfile.ZipFile(io.BytesIO(raw)).read("xl/worksheets/sheet1.xml")
    notices: list[str] = []
    table, _ = read_csv_table(raw, "errors.xlsx", notices)
    assert table["sales"].isna().sum() == 2 and table["margin"].isna().sum() == 1
    assert ("3 cells of the sheet (such as 'B5', 'C9', 'B12') show an error instead of a value "
            "('#DIV/0!', '#N/A'), so they read as blank. Mend their formulas (or type the values) "
            "in Excel or LibreOffice, save, and try again.") in notices
    clean: list[str] = []
    read_csv_table(_formulas(), "formulas.xlsx", clean)  # formulas, but no error among them
    assert len(clean) == 2 and not any("error instead" in n for n in clean)
