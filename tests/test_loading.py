"""load_series pinned against worked examples of what users really upload."""

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lstm_app.csv_table import BINARY_FILE, EMPTY_FILE, NO_ROWS, read_csv_table
from lstm_app.spreadsheet import LOCKED
from lstm_app.series.dates import parse_dates
from lstm_app.series.loading import ONE_ROW, load_series
from lstm_app.series.time_column import NO_TIME_COLUMN

DATASETS = Path("/work/shared/datasets")


def values(data) -> list[float]:
    return data.frame[data.value_col].tolist()


def dates(data) -> list[str]:
    return [f"{t:%Y-%m-%d}" for t in data.frame.index]


def assert_contract(data) -> None:
    frame = data.frame
    assert list(frame.columns) == [data.value_col, *data.covariates]
    assert all(dtype == np.float64 for dtype in frame.dtypes)
    assert not frame.isna().any().any()
    if data.time_col is None:
        assert isinstance(frame.index, pd.RangeIndex) and frame.index.name == "step"
    else:
        assert isinstance(frame.index, pd.DatetimeIndex) and frame.index.name == data.time_col
        assert frame.index.freqstr == data.freq
        assert frame.index.is_monotonic_increasing


# ---- separators and number formats ----------------------------------------------------------


@pytest.mark.parametrize("sep", [",", ";", "\t", "|"])
def test_each_separator(sep):
    text = sep.join(["date", "sales"]) + "\n" + "\n".join(f"2020-01-0{d}{sep}{d * 10}" for d in range(1, 6))
    data = load_series(text.encode())
    assert values(data) == [10, 20, 30, 40, 50]
    assert data.freq == "D" and data.value_col == "sales"
    assert_contract(data)


def test_excel_separator_line_is_obeyed():
    data = load_series(b"sep=;\ndate;sales\n2020-01-01;1,5\n2020-01-02;2\n")
    assert data.time_col == "date" and values(data) == [1.5, 2]


def test_rows_with_extra_cells_are_skipped_with_notice():
    data = load_series(b"date,sales\n2020-01-01,1\n2020-01-02,2,3,4\n2020-01-03,3\n2020-01-04,4\n")
    assert values(data) == [1, 1, 3, 4]
    assert ("1 row had more cells than the header row (row 3 as a spreadsheet shows the file): "
            "it was cut to the header's 2 cells or left out. A cell that holds the separator ',' "
            "(a decimal comma, a text with commas) needs quotes around it.") in data.notices


def test_decimal_commas_in_a_comma_separated_file_are_not_cut_without_a_word():
    data = load_series(b"date,sales\n2020-01-01,1,5\n2020-01-02,2,5\n2020-01-03,3,5\n")
    assert any(n.startswith("3 rows had more cells than the header row (rows 2, 3, 4 as a "
                            "spreadsheet shows the file): each was cut") for n in data.notices)


def test_rows_with_extra_cells_are_said_in_a_file_with_quotes_by_their_lines():
    """Quoted cells may span lines: the rows skipped are those the reader says it skipped,
    numbered as a spreadsheet numbers them (a cell of two lines is one row, Excel's "sep=" line
    is not shown)."""
    raw = ('sep=,\nreview,label\nnice room,pos\nwe booked "Fog Hotel", awful,neg\n'
           '"two\nlines, quoted",pos\n' + "".join(f"ok {i},pos\n" for i in range(8))
           + "a,b,c\n").encode()
    notices: list[str] = []
    table, _ = read_csv_table(raw, "reviews.csv", notices)
    assert len(table) == 10 and table["review"].iloc[1] == "two\nlines, quoted"
    assert ("2 rows had more cells than the header row (rows 3, 13 as a spreadsheet shows the "
            "file): each was cut to the header's 2 cells or left out. A cell that holds the "
            "separator ',' (a decimal comma, a text with commas) needs quotes around it."
            ) in notices


def test_decimal_comma_with_semicolons():
    data = load_series(b"date;temp\n2020-01-01;12,5\n2020-01-02;-3,25\n2020-01-03;7,0\n")
    assert values(data) == [12.5, -3.25, 7.0]
    assert any("decimal comma" in n for n in data.notices)


def test_european_thousands_and_decimal_comma():
    data = load_series(b"date;sales\n01.01.2020;1.234.567,89\n02.01.2020;2.000,5\n03.01.2020;999,25\n")
    assert values(data) == [1234567.89, 2000.5, 999.25]
    assert dates(data) == ["2020-01-01", "2020-01-02", "2020-01-03"]


def test_quoted_thousands_in_comma_csv():
    data = load_series(b'date,sales\n2020-01-01,"1,234,567"\n2020-01-02,"2,345.5"\n2020-01-03,12\n')
    assert values(data) == [1234567, 2345.5, 12]
    assert any("Thousands separators in 'sales'" in n for n in data.notices)


def test_space_and_narrow_space_thousands():
    text = "date;sales\n2020-01-01;1 234\n2020-01-02;2\u202f345\n2020-01-03;3\u00a0000,5\n"
    assert values(load_series(text.encode())) == [1234, 2345, 3000.5]


def test_currency_symbols_and_codes():
    text = ('date,price\n2020-01-01,$1.50\n2020-01-02,€2.00\n2020-01-03,"£1,000"\n'
            '2020-01-04,USD 4\n2020-01-05,5 EUR\n')
    data = load_series(text.encode())
    assert values(data) == [1.5, 2.0, 1000, 4, 5]
    assert any(n.startswith("Currency signs in 'price' were removed") for n in data.notices)
    millions = load_series('date,sales\n2020-01-01,"¥12,207,351"\n2020-01-02,"¥9,000,000"\n'
                           '2020-01-03,"¥10,000,001"\n'.encode())
    assert ("Currency signs in 'sales' were removed (for example '¥12,207,351' is read as "
            "12207351).") in millions.notices  # not 1.22074e+07


def test_a_date_column_of_excel_day_numbers_is_read_as_dates():
    """A date column saved without its date format holds Excel's day numbers: it was left out
    without a word, and the series read in row order."""
    data = load_series(("日期,销量\n" + "".join(f"{44931 + d},{100 + d % 7}\n"
                                             for d in range(30))).encode())
    assert data.time_col == "日期" and data.freq == "D"
    assert data.frame.index[0] == pd.Timestamp("2023-01-05")
    assert ("The dates are written as Excel's day numbers (for example '44931' is 2023-01-05), "
            "as a date column saved without its date format holds them; they were read as "
            "dates.") in data.notices
    hours = load_series(b"date,load\n" + b"".join(f"{45000 + h / 24:.6f},{h}\n".encode()
                                                  for h in range(48)))
    assert hours.freq == "h" and hours.frame.index[1] == pd.Timestamp("2023-03-15 01:00")
    plain = load_series(("amount,sales\n" + "".join(f"{44931 + d},{d}\n" for d in range(30)))
                        .encode())  # not named as dates: numbers, as before
    assert plain.time_col is None
    # A totals row (合计) among them is a date that cannot be read, and named; a stray number
    # far out of time is one too (it failed the whole file in pandas' words)
    rows = "".join(f"{44931 + d},{100 + d}\n" for d in range(30))
    totals = load_series(("日期,销量\n" + rows + "合计,3435\n").encode())
    assert totals.time_col == "日期" and len(totals.frame) == 30
    assert ("1 totals row ('合计') was dropped: it sums other rows, it is not a value of the "
            "series.") in totals.notices
    stray = load_series(("日期,销量\n" + rows + "99999999,1\n").encode())
    assert stray.time_col == "日期" and len(stray.frame) == 30


@pytest.mark.parametrize("text", [
    # a value column named with a time word, beside the real dates
    "as_of,sales per day\n" + "".join(f"2023-01-{d:02d},{20000 + (d * 7919) % 50000}\n"
                                     for d in range(1, 29)),
    # postcodes in a column named like a date, beside the real dates
    "date code,Datum,sales\n" + "".join(f"{[40213, 70173, 20095, 50667][d % 4]},2023-01-{d:02d},{d}\n"
                                       for d in range(1, 29)),
    # year-and-quarter codes (20151 …): out of Excel's span of days
    "period,sales\n" + "".join(f"{2015 + q // 4}{q % 4 + 1},{q}\n" for q in range(20))])
def test_numbers_that_are_no_time_axis_are_never_read_as_excel_days(text):
    data = load_series(text.encode())
    assert not any("Excel's day numbers" in n for n in data.notices)
    assert data.time_col in (None, "as_of", "Datum")


def test_percent_signs_stay_in_percent_units():
    data = load_series(b"date,rate\n2020-01-01,12.5%\n2020-01-02,13%\n2020-01-03,-0.5%\n")
    assert values(data) == [12.5, 13, -0.5]
    assert ("Percent signs in 'rate' were removed and the values stay in percent units "
            "(for example '12.5%' is read as 12.5).") in data.notices


def test_an_amount_in_units_too_large_for_a_float_is_refused_as_too_large():
    with pytest.raises(ValueError, match=r"^The column 'v' holds numbers as large as 1\.8e\+308, "
                       "too large to compute with"):
        load_series("d,v\n2024-01-01,5\n2024-01-02,1e305亿\n2024-01-03,3\n".encode())
    # ... as is a number written past a float's range (it was "text, treated as missing"),
    # while the word inf is no number anyone wrote, and is read as missing
    for written in ("1e999", "-2.5E+400", " 1e999 "):
        with pytest.raises(ValueError, match=r"^The column 'v' holds numbers as large as "
                                             r"1\.8e\+308, too large to compute with"):
            load_series(f"d,v\n2024-01-01,5\n2024-01-02,{written}\n2024-01-03,3\n"
                        f"2024-01-04,4\n2024-01-05,5\n2024-01-06,6\n".encode())
    data = load_series(b"d,v\n2024-01-01,5\n2024-01-02,inf\n2024-01-03,3\n2024-01-04,4\n"
                       b"2024-01-05,5\n2024-01-06,6\n")
    assert any("held text instead of a number (for example 'inf')" in n for n in data.notices)


def test_amounts_in_chinese_counting_units_are_read_in_full():
    data = load_series("日期,销售额\n2023-01-01,122.07万\n2023-01-02,98.5 万\n2023-01-03,1.2亿\n"
                       "2023-01-04,3500\n2023-01-05,￥12.5万元\n2023-01-06,(2万)\n"
                       "2023-01-07,1.5萬\n2023-01-08,0.3万亿\n".encode())
    assert values(data) == [1_220_700, 985_000, 120_000_000, 3500, 125_000, -20_000, 15_000,
                            3e11]  # exactly: 2.3亿 is 230000000, not 229999999.99999997
    exact = load_series("日期,销售额\n2023-01-01,2.3亿\n2023-01-02,4.35亿\n2023-01-03,0.07万\n"
                        .encode())
    assert values(exact) == [230_000_000, 435_000_000, 700]
    assert ("Amounts in '销售额' written with 万 or 亿 were read in full (for example '122.07万' is "
            "read as 1220700).") in data.notices
    words = load_series("日期,备注,销量\n2023-01-01,万一,5\n2023-01-02,一万,6\n".encode())
    assert "备注" not in words.frame.columns  # a word with 万 in it is no amount
    # A percent with a unit is no amount either (not 300,000 said as percent units).
    mixed = load_series("日期,v\n2023-01-01,5\n2023-01-02,30%万\n2023-01-03,12万\n".encode())
    assert values(mixed) == [5, 5, 120_000]
    assert "1 cell in 'v' held text instead of a number (for example '30%万') and was treated " \
        "as missing." in mixed.notices and not any("Percent" in n for n in mixed.notices)


def test_a_flag_column_of_yes_and_no_words_is_read_as_one_and_zero():
    """A Chinese export's 促销 written 是 / 否 was no number column at all: not offered as an
    input, and not said why."""
    rows = "".join(f"2024-01-{d:02d},{'是' if d % 3 == 0 else '否'},{100 + d}\n"
                   for d in range(1, 29))
    data = load_series(("日期,促销,销量\n" + rows).encode(), covariates=["促销"])
    assert data.value_col == "销量"  # a flag is an input, never the target
    assert data.frame["促销"].tolist() == [float(d % 3 == 0) for d in range(1, 29)]
    assert ("Yes and no in '促销' were read as 1 and 0 (for example '否' is "
            "read as 0).") in data.notices
    english = load_series(b"date,promo,sales\n" + "".join(
        f"2024-01-{d:02d},{('Yes', 'no', 'N', 'y', 'TRUE', 'false')[d % 6]},{d}\n"
        for d in range(1, 13)).encode(), covariates=["promo"])
    assert english.frame["promo"].tolist() == [float(d % 6 in (0, 3, 4)) for d in range(1, 13)]
    # among amounts, "n" is no zero: a cell of text, filled as before
    amounts = load_series(b"date,sales\n" + "".join(
        f"2024-01-{d:02d},{'n' if d == 5 else 100 + d}\n" for d in range(1, 13)).encode())
    assert amounts.frame["sales"].iloc[4] == 104.0
    assert "1 cell in 'sales' held text instead of a number (for example 'n') and was treated " \
        "as missing." in amounts.notices
    # a column of words that are mostly not yes or no stays text
    words = load_series("日期,备注,销量\n2024-01-01,有货,5\n2024-01-02,否,6\n2024-01-03,缺货,7\n"
                        .encode())
    assert "备注" not in words.frame.columns


def test_a_value_a_million_times_the_others_is_said_with_its_date():
    rows = "".join(f"2024-01-{d:02d},{'1e25' if d == 9 else 100 + d}\n" for d in range(1, 29))
    data = load_series(("date,sales\n" + rows).encode())
    assert data.notices == ("'sales' holds 1e+25 at 2024-01-09, more than a million times its "
                            "typical size (115.5); check that cell (a slip of the keyboard, or a "
                            "total), as one value so far out bends the whole forecast.",)
    ordinary = "".join(f"2024-01-{d:02d},{10 ** (d % 5)}\n" for d in range(1, 29))
    assert load_series(("date,sales\n" + ordinary).encode()).notices == ()  # 1 to 10,000


def test_a_column_mostly_filled_in_is_said_to_be_so():
    rows = "".join(f"2024-01-{d:02d},{100 + d}\n" for d in range(1, 29) if d % 5 in (1, 2))
    data = load_series(("date,sales\n" + rows).encode())  # two days in five
    assert "That is 56% of 'sales': the network would learn mostly from filled-in values. Check " \
        "the file's dates and blanks before trusting this forecast." in data.notices
    few = "".join(f"2024-01-{d:02d},{100 + d}\n" for d in range(1, 29) if d % 9)
    assert not any("That is" in n for n in load_series(("date,sales\n" + few).encode()).notices)


def test_negative_numbers_in_parentheses():
    data = load_series(b'date,profit\n2020-01-01,"(1,234)"\n2020-01-02,500\n2020-01-03,(7)\n')
    assert values(data) == [-1234, 500, -7]


def test_text_cells_in_a_number_column_become_missing_and_filled():
    data = load_series(b"date,sales\n2020-01-01,1\n2020-01-02,oops\n2020-01-03,3\n2020-01-04,4\n2020-01-05,5\n")
    assert values(data) == [1, 1, 3, 4, 5]
    assert any("held text instead of a number (for example 'oops')" in n for n in data.notices)


# ---- encodings -------------------------------------------------------------------------------


def test_utf8_bom_is_ignored():
    data = load_series("\ufeffdate,sales\n2020-01-01,1\n2020-01-02,2\n".encode("utf-8"))
    assert data.time_col == "date" and values(data) == [1, 2]
    assert not [n for n in data.notices if "UTF" in n or "BOM" in n]


def test_cp1252_falls_back_with_notice():
    data = load_series("date;prix €\n2020-01-01;1,5\n2020-01-02;2,5\n".encode("cp1252"))
    assert data.value_col == "prix €" and values(data) == [1.5, 2.5]
    assert any("Windows-1252" in n for n in data.notices)


def test_utf16_export_is_converted():
    data = load_series("date\tsales\n2020-01-01\t1\n2020-01-02\t2\n".encode("utf-16"))
    assert values(data) == [1, 2] and "The file was saved as UTF-16 text and was converted." in data.notices


def test_numbers_in_the_first_row_are_data_not_names():
    data = load_series(b"1.5\n2.5\n3.5\n")
    assert data.value_col == "value" and values(data) == [1.5, 2.5, 3.5]


# ---- dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cells, expected",
    [
        (["2021-03-01", "2021-03-02", "2021-03-03"], ["2021-03-01", "2021-03-02", "2021-03-03"]),
        (["31/12/2020", "01/01/2021", "02/01/2021"], ["2020-12-31", "2021-01-01", "2021-01-02"]),
        (["30.12.2020", "31.12.2020", "01.01.2021"], ["2020-12-30", "2020-12-31", "2021-01-01"]),
        (["12/30/2020", "12/31/2020", "01/01/2021"], ["2020-12-30", "2020-12-31", "2021-01-01"]),
        (["2020/12/30", "2020/12/31", "2021/01/01"], ["2020-12-30", "2020-12-31", "2021-01-01"]),
        (["20201230", "20201231", "20210101"], ["2020-12-30", "2020-12-31", "2021-01-01"]),
    ],
)
def test_daily_date_formats(cells, expected):
    text = "day,sales\n" + "\n".join(f"{cell},{i}" for i, cell in enumerate(cells))
    data = load_series(text.encode())
    assert data.time_col == "day" and dates(data) == expected and data.freq == "D"


@pytest.mark.parametrize(
    "cells",
    [
        ["Jan 2020", "Feb 2020", "Mar 2020"],
        ["January 2020", "February 2020", "March 2020"],
        ["2020-Jan", "2020-Feb", "2020-Mar"],
        ["2020-01", "2020-02", "2020-03"],
        ["jan-20", "feb-20", "mar-20"],
    ],
)
def test_monthly_date_formats(cells):
    text = "when,sales\n" + "\n".join(f"{cell},{i}" for i, cell in enumerate(cells))
    data = load_series(text.encode())
    assert data.time_col == "when"
    assert dates(data) == ["2020-01-01", "2020-02-01", "2020-03-01"]
    # Three months cannot show a yearly season: none is used, and a notice says so.
    assert (data.freq, data.freq_label, data.season_length) == ("MS", "monthly", None)
    assert ("A monthly series usually repeats every 12 steps, but its 3 values do not hold "
            "that twice, so no season is used (more data would let the forecast learn it)."
            in data.notices)


def test_datetimes_with_time_of_day_are_hourly():
    text = "timestamp,load\n" + "\n".join(f"2020-01-0{1 + h // 24} {h % 24:02d}:00:00,{h}"
                                           for h in range(48))
    data = load_series(text.encode())
    assert (data.freq, data.freq_label, data.season_length) == ("h", "hourly", 24)
    assert data.frame.index[5] == pd.Timestamp("2020-01-01 05:00")


def test_ambiguous_slash_dates_are_month_first_with_notice():
    data = load_series(b"date,sales\n01/02/2020,1\n01/03/2020,2\n01/04/2020,3\n")
    assert dates(data) == ["2020-01-02", "2020-01-03", "2020-01-04"]
    assert any("could be day-first or month-first" in n for n in data.notices)


def test_year_only_column_is_yearly():
    data = load_series(b"year,population\n2001,10\n2002,11\n2003,12.5\n2004,13\n")
    assert (data.time_col, data.freq, data.freq_label, data.season_length) == ("year", "YS-JAN", "yearly", None)
    assert dates(data)[0] == "2001-01-01" and data.numeric_columns == ("population",)


def test_quarters():
    data = load_series(b"quarter,gdp\n2020Q1,1\n2020Q2,2\n2020Q3,3\n2020Q4,4\n2021Q1,5\n")
    assert data.freq == "QS-JAN" and dates(data)[-1] == "2021-01-01"


def test_chinese_dates_mixed_with_iso_ones_or_written_full_width_lose_no_row():
    days = [f"2023年1月{d}日" if d % 2 else f"2023-01-{d:02d}" for d in range(1, 29)]
    series = load_series(("日期,销售额\n" + "".join(f"{day},{i}\n" for i, day in
                                                    enumerate(days))).encode())
    assert series.freq == "D" and len(series.frame) == 28
    assert not any("could not be read" in n for n in series.notices)
    wide = "".join(f"２０２３年１月{chr(0xFF10 + d)}日,{d}\n" for d in range(1, 10))
    assert load_series(("日期,销售额\n" + wide).encode()).freq == "D"


def test_a_gbk_file_whose_chinese_follows_digits_is_read_as_chinese():
    raw = ("日期,销售额\n" + "".join(f"{1960 + i}年,{i * 1.5 + 3:.2f}\n" for i in range(60))
           ).encode("gbk")
    series = load_series(raw)
    assert series.value_col == "销售额" and series.freq == "YS-JAN"


@pytest.mark.parametrize("cells,freq,last", [
    (["2023年1月5日", "2023年1月6日", "2023年1月7日", "2023年1月8日"], "D", "2023-01-08"),
    (["2023年01月05日", "2023年01月12日", "2023年01月19日", "2023年01月26日"], "W-THU",
     "2023-01-26"),
    (["2023年1月5日星期四", "2023年1月6日星期五", "2023年1月7日星期六", "2023年1月8日星期日"], "D",
     "2023-01-08"),
    (["2023年1月", "2023年2月", "2023年3月", "2023年4月"], "MS", "2023-04-01"),
    (["2023年1月5日(木)", "2023年1月6日(金)", "2023年1月7日（星期六）", "2023年1月8日（周日）"], "D",
     "2023-01-08"),
    (["2020年", "2021年", "2022年", "2023年"], "YS-JAN", "2023-01-01"),
    (["2022年第4季度", "2023年第1季度", "2023年二季度", "2023年三季度"], "QS-JAN", "2023-07-01"),
    (["2023年1月5日 08:00", "2023年1月5日 09:00", "2023年1月5日 10:00", "2023年1月5日 11:00"],
     "h", "2023-01-05 11:00:00"),
])
def test_dates_written_the_chinese_way_are_read(cells, freq, last):
    text = "日期,销量\n" + "".join(f"{cell},{i + 1}\n" for i, cell in enumerate(cells))
    data = load_series(text.encode("gb18030"))
    assert data.time_col == "日期" and data.freq == freq
    assert str(data.frame.index[-1]) in (last, f"{last} 00:00:00")


def test_a_many_series_file_with_chinese_dates_is_said_to_hold_many_series():
    rows = [f"{shop},2015年1月{d}日,{d + 10 * s}" for s, shop in enumerate(("W1", "W2"))
            for d in range(1, 29)]
    data = load_series(("店铺,日期,销量\n" + "\n".join(rows)).encode())
    assert data.time_col == "日期" and data.freq == "D"
    assert data.notices[0].startswith("This file holds 2 series, one per '店铺'")


def test_named_time_column_is_preferred_over_an_earlier_date_column():
    text = "created,Order Date,sales\n2019-05-05,2020-01-01,1\n2019-05-05,2020-01-02,2\n2019-05-06,2020-01-03,3\n"
    assert load_series(text.encode()).time_col == "Order Date"


def test_no_date_column_uses_row_order():
    data = load_series(b"temperature,humidity\n1,50\n2,51\n3,52\n")
    assert data.time_col is None and data.freq is None
    assert data.freq_label == "row order (no time column)"
    assert data.value_col == "humidity" and data.numeric_columns == ("temperature", "humidity")
    assert "No date column was found, so row order is used as the time axis." in data.notices
    assert_contract(data)


def test_iso_weeks_are_read_as_the_mondays_of_their_weeks():
    weeks = pd.date_range("2020-12-28", periods=60, freq="W-MON")
    written = [f"{d.isocalendar()[0]}-W{d.isocalendar()[1]:02d}" for d in weeks]
    written[3] = written[3].replace("-W", "W")  # "2021W03": the dash may be left out
    csv = "Week,sales\n" + "".join(f"{w},{i}\n" for i, w in enumerate(written))
    data = load_series(csv.encode())
    assert data.time_col == "Week" and data.freq == "W-MON"
    assert list(data.frame.index) == list(weeks)  # 2020-W53 is the Monday 2020-12-28
    cells = pd.Series(["2024-W05-3", "2021-W53", "2024-W54"])  # a day; weeks the year lacks
    assert parse_dates(cells, named_like_time=True, first=True, notices=[],
                       min_share=0.1).tolist()[:1] == [pd.Timestamp("2024-01-31")]
    assert parse_dates(cells, named_like_time=True, first=True, notices=[],
                       min_share=0.1).isna().tolist() == [False, True, True]


def test_a_column_named_like_time_but_unread_is_named_with_a_cell():
    csv = "Week,sales\n" + "".join(f"week {i} of 2024,{i}\n" for i in range(1, 30))
    data = load_series(csv.encode())
    assert data.time_col is None
    assert ("The column 'Week' is named like a time column, but its cells (such as 'week 1 of "
            "2024') could not be read as dates, so row order is used as the time axis. Write its "
            "dates as 2024-01-31, 31/01/2024, 2024-01, 2024Q1 or 2024-W05 to forecast by "
            "date.") in data.notices
    # the example is a cell that was not read, not the first one
    days = pd.date_range("2024-01-01", periods=10).strftime("%Y-%m-%d").tolist()
    csv = "Week,sales\n" + "".join(f"{d},{i}\n" for i, d in enumerate(days + ["soon"] * 20))
    assert any("(such as 'soon')" in n for n in load_series(csv.encode()).notices)


def test_no_time_column_constant_forces_row_order():
    data = load_series(b"date,sales\n2020-01-01,1\n2020-01-02,2\n", time_col=NO_TIME_COLUMN)
    assert data.time_col is None and list(data.frame.index) == [0, 1]


def test_unreadable_dates_are_dropped_with_count():
    data = load_series(b"date,sales\n2020-01-01,1\nsoon,2\n2020-01-02,3\n2020-01-03,4\n2020-01-04,5\n")
    assert values(data) == [1, 3, 4, 5]
    assert ("1 row whose date could not be read was dropped. Where the date should be: "
            "'soon'.") in data.notices  # (a totals row says 合计 there)
    blank = load_series(b"date,sales\n2020-01-01,1\n,2\n2020-01-02,3\n2020-01-03,4\n")
    assert "1 row whose date could not be read was dropped." in blank.notices  # nothing to show
    totals = load_series("日期,销量\n2020-01-01,1\n2020-01-02,3\n2020-01-03,4\n合计,8\n".encode())
    assert ("1 totals row ('合计') was dropped: it sums other rows, it is not a value of the "
            "series.") in totals.notices
    assert values(totals) == [1, 3, 4]


# ---- order, duplicates, gaps, blanks ---------------------------------------------------------


def test_a_totals_row_under_rows_without_dates_is_dropped_and_said():
    data = load_series(("item,sales\n" + "".join(f"i{k},{k}\n" for k in range(1, 30))
                        + "Total,435\n").encode())
    assert values(data)[-1] == 29 and len(data.frame) == 29
    assert ("1 totals row ('Total') was dropped: it sums other rows, it is not a value of the "
            "series.") in data.notices
    months = load_series(("月份,销售额\n" + "".join(f"{k}月,{k}万\n" for k in range(1, 13))
                          + "合计,78万\n").encode())
    assert len(months.frame) == 12 and values(months)[-1] == 120_000


def test_unsorted_rows_are_sorted():
    data = load_series(b"date,sales\n2020-01-03,3\n2020-01-01,1\n2020-01-02,2\n")
    assert values(data) == [1, 2, 3]
    assert "The rows were not in time order, so they were sorted by date." in data.notices


def test_duplicate_timestamps_are_averaged():
    data = load_series(b"date,sales\n2020-01-01,1\n2020-01-02,2\n2020-01-02,4\n2020-01-02,9\n2020-01-03,5\n")
    assert values(data) == [1, 5, 5]
    assert "2 duplicate timestamps were found; rows with the same time were averaged into one." in data.notices


def test_gaps_on_a_daily_grid_are_filled_from_the_past_only():
    data = load_series(b"date,sales\n2020-01-01,1\n2020-01-02,2\n2020-01-05,50\n2020-01-06,NA\n2020-01-07,7\n")
    assert dates(data) == [f"2020-01-0{d}" for d in range(1, 8)]
    # The two added dates and the NA take the value before them (2 and 50), never the next one.
    assert values(data) == [1, 2, 2, 2, 50, 50, 7]
    assert "2 dates were missing from the daily grid and were added." in data.notices
    assert "3 missing values in 'sales' were filled with the previous value (never from the future)." in data.notices
    assert_contract(data)


@pytest.mark.parametrize("blank", ["", "NA", "n/a", "-", "?", "null"])
def test_missing_value_tokens(blank):
    data = load_series(f"date,sales\n2020-01-01,1\n2020-01-02,{blank}\n2020-01-03,3\n".encode())
    assert values(data) == [1, 1, 3]


def test_leading_missing_values_are_dropped():
    data = load_series(b"date,sales,price\n2020-01-01,,1\n2020-01-02,,2\n2020-01-03,5,3\n2020-01-04,6,\n",
                       value_col="sales", covariates=["price"])
    assert dates(data) == ["2020-01-03", "2020-01-04"]
    assert data.frame["price"].tolist() == [3, 3]
    assert "The first 2 rows were dropped because 'sales' had no earlier value to fill them with." in data.notices


def test_business_days_keep_weekends_out():
    days = pd.bdate_range("2020-01-06", periods=15)
    text = "date,close\n" + "\n".join(f"{d:%Y-%m-%d},{i}" for i, d in enumerate(days))
    data = load_series(text.encode())
    assert (data.freq, data.freq_label, data.season_length) == ("B", "business-day", 5)
    assert len(data.frame) == 15 and not any("missing" in n for n in data.notices)


# ---- columns ---------------------------------------------------------------------------------


def test_default_value_column_is_the_rightmost_numeric():
    data = load_series(b"date,north,region,south\n2020-01-01,1,a,10\n2020-01-02,2,b,20\n")
    assert data.value_col == "south" and data.covariates == ()
    assert data.numeric_columns == ("north", "south")


@pytest.mark.parametrize("header, target", [
    ("Week Ending,Net Sales ($),Avg Price", "Net Sales ($)"),  # a café's export: not the price
    ("date,sales,region,price", "sales"),
    ("日期,销售额,单价", "销售额"),
    ("date,visitors,temperature", "visitors"),
    ("date,temperature,rainfall", "rainfall"),  # every column an input: the right-most rule
    ("date,orders,revenue", "revenue"),  # both named as forecast: the right-most of them
    ("date,load,price", "price"),  # no name says forecast: the right-most, as before
    ("date,Humidity,Temperature", "Temperature"),  # a weather file's own target, as before
    ("date,Volume,Close", "Close"),  # a stock's volume is not its sales
    ("Date,Weekly_Sales,Temperature,Fuel_Price,CPI", "Weekly_Sales"),  # names split into words
    ("date,SalesVolume,UnitPrice", "SalesVolume"),
])
def test_default_value_column_is_the_one_its_name_says_a_business_forecasts(header, target):
    rows = "".join(f"2020-01-{d:02d},{100 + d},{'n' if 'region' in header else 3 + d % 4}\n"
                   for d in range(1, 21))
    if "region" in header:
        rows = "".join(f"2020-01-{d:02d},{100 + d},r,{9 + d % 4}\n" for d in range(1, 21))
    assert load_series((header + "\n" + rows).encode()).value_col == target


def test_default_value_column_passes_over_a_0_1_flag():
    data = load_series(b"date,sales,promo\n2020-01-01,10.5,0\n2020-01-02,12,1\n2020-01-03,9,0\n")
    assert data.value_col == "sales" and data.numeric_columns == ("sales", "promo")


def test_default_value_column_is_the_one_a_plan_at_the_end_leaves_blank():
    rows = "".join(f"2020-01-{d:02d},{100 + d},{d % 2},{9.5 + d / 10}\n" for d in range(1, 21))
    plan = "2020-01-21,,1,9.9\n2020-01-22,,0,9.8\n"
    data = load_series(("date,sales,promo,price\n" + rows + plan).encode())
    assert data.value_col == "sales"  # not price, the right-most: the plan fills it
    assert data.future is not None and len(data.future) == 2
    assert load_series(("date,sales,promo,price\n" + rows).encode()).value_col == "sales"
    assert load_series(("date,a,promo,b\n" + rows).encode()).value_col == "b"  # no plan: right-most
    assert load_series(("date,a,promo,b\n" + rows + plan).encode()).value_col == "a"
    # a last value missing is not a plan: the right-most column stays the one forecast
    weather = "".join(f"2020-01-{d:02d},{20 + d % 5},{100 + d}\n" for d in range(1, 21))
    data = load_series(("date,temperature,sales\n" + weather + "2020-01-21,,130\n").encode())
    assert data.value_col == "sales"
    # the plan's target made an input: read as asked, and said (it may be an input whose last
    # values are not in yet, read as it was before)
    data = load_series(("date,sales,promo,price\n" + rows + plan).encode(),
                       covariates=["sales", "promo"])
    assert data.value_col == "price"
    assert data.notices[0].startswith("'sales' is blank in the file's last rows, where a plan "
                                      "of future values usually follows the column being "
                                      "forecast; it is read as an input here")
    data = load_series(("date,sales,promo,price\n" + rows + plan).encode(), value_col="price",
                       covariates=["sales"])  # chosen by name: as asked
    assert data.value_col == "price"
    # a totals row under the plan, and a file newest first, still show the plan (price was
    # proposed for both: the plan was looked for in the file's last rows as written)
    totals = load_series(("date,sales,promo,price\n" + rows + plan + "合计,2310,,\n").encode())
    assert totals.value_col == "sales" and len(totals.future) == 2
    lines = (rows + plan).splitlines(keepends=True)
    newest_first = load_series(("date,sales,promo,price\n" + "".join(lines[::-1])).encode())
    assert newest_first.value_col == "sales" and len(newest_first.future) == 2


def test_a_file_of_many_series_each_with_its_plan_proposes_the_planned_column():
    from lstm_app.series.panel import load_panel
    rows = "".join(f"{store},2020-01-{d:02d},{100 + d if d <= 20 else ''},{d % 2},{9 + d / 10}\n"
                   for store in ("north", "south") for d in range(1, 23))
    panel = load_panel(("store,date,sales,promo,price\n" + rows).encode(), id_cols=["store"])
    assert panel.value_col == "sales"  # price before: each store's plan sat in the file's middle


def test_chosen_value_and_covariates_in_order():
    data = load_series(b"date,a,b,c\n2020-01-01,1,2,3\n2020-01-02,4,5,6\n", value_col="b", covariates=["c", "a"])
    assert list(data.frame.columns) == ["b", "c", "a"] and data.covariates == ("c", "a")


def test_unknown_column_lists_the_numeric_ones():
    with pytest.raises(ValueError) as error:
        load_series(b"date,sales,region\n2020-01-01,1,x\n2020-01-02,2,y\n", value_col="region")
    assert str(error.value) == "The column 'region' is not a numeric column of this file; choose one of: 'sales'."
    # an input asked of a file whose one column of numbers is forecast: not "choose one of: none"
    with pytest.raises(ValueError) as error:
        load_series(b"date,sales\n2020-01-01,1\n2020-01-02,2\n", covariates=["nope"])
    assert str(error.value) == ("The column 'nope' is not a numeric column of this file, and the "
                                "file has no other column of numbers to read as an input: leave "
                                "the inputs out.")
    with pytest.raises(ValueError, match="^The column 'nope' is not a numeric column of this "
                                         "file; choose one of: none.$"):  # not an input: as was
        load_series(b"date,sales\n2020-01-01,\n2020-01-02,\n", value_col="nope")


def test_source_types_and_names(tmp_path):
    raw = b"date,sales\n2020-01-01,1\n2020-01-02,2\n"
    path = tmp_path / "shop.csv"
    path.write_bytes(raw)
    upload = io.BytesIO(raw)
    upload.name = "upload.csv"
    assert load_series(path).name == "shop.csv" and load_series(str(path)).name == "shop.csv"
    assert load_series(upload).name == "upload.csv"
    assert load_series(upload).frame.equals(load_series(raw, name="x").frame)  # read twice: rewound
    assert load_series(raw, name="mine").name == "mine"


# ---- refusals --------------------------------------------------------------------------------


def test_what_columns_hold_instead_of_numbers_is_said_again_in_the_readers_language():
    from lstm_app.i18n import again, said_all, said_forms, speaking
    from lstm_app.series.numbers import not_numbers

    said = not_numbers(pd.DataFrame({"name": ["ann", "bob"], "city": ["paris", "rome"]}))
    assert said == "'name' holds 'ann', 'bob'; 'city' holds 'paris', 'rome'"
    kept = said_all([said], said_forms([said]))[0]  # as a saved run keeps a notice holding it
    with speaking("zh"):
        assert again(kept) == "'name' 中有 'ann'、'bob'；'city' 中有 'paris'、'rome'"


@pytest.mark.parametrize(
    "raw, message",
    [
        (b"", EMPTY_FILE),
        (b"  \n\t\r\n", EMPTY_FILE),
        (b"PK\x03\x04\x14\x00\x06\x00rest-of-xlsx",
         "The workbook could not be read (it is cut short or damaged); open it in Excel or "
         "LibreOffice, save it again (or as CSV), and use that file."),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old-xls",
         "The workbook could not be read (it is cut short or damaged); open it in Excel or "
         "LibreOffice, save it again (or as CSV), and use that file."),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptionInfo".encode("utf-16-le") + bytes(64),
         LOCKED),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", BINARY_FILE),
        (bytes(range(256)) * 4, BINARY_FILE),
        (b"date,sales\n", NO_ROWS),
        (b"date,sales\n,\n\n", NO_ROWS),
        (b"date,sales\n2020-01-01,5\n", ONE_ROW),
        (b"date,sales\n2020-01-01,\n2020-01-02,\n2020-01-03,\n",
         "The column 'sales' has no values (every cell is blank); choose another column or fill it in."),
        (b"name,city\nann,paris\nbob,rome\n",
         "No column of numbers was found (columns seen: 'name', 'city'); the file needs at least one column of "
         "numeric values (for example sales or temperature). Instead, 'name' holds 'ann', 'bob'; "
         "'city' holds 'paris', 'rome'."),
        ("日期,销售额\n2023-01-01,约122万\n2023-01-02,九十八万\n".encode(),  # what it holds: why
         "No column of numbers was found (columns seen: '销售额'); the file needs at least one column "
         "of numeric values (for example sales or temperature). Instead, '销售额' holds '约122万', "
         "'九十八万'."),
    ],
)
def test_refusals_have_one_plain_sentence(raw, message):
    with pytest.raises(ValueError) as error:
        load_series(raw)
    assert str(error.value) == message


def test_column_refusals():
    raw = b"date,sales\n2020-01-01,1\n2020-01-02,2\n"
    with pytest.raises(ValueError, match=r"^The column 'when' is not in this file; choose one of: 'date', 'sales'\.$"):
        load_series(raw, time_col="when")
    with pytest.raises(ValueError) as error:
        load_series(b"code,sales\nab,1\ncd,2\n", time_col="code")
    assert str(error.value) == ("The column 'code' does not hold dates that could be read; choose another time "
                                "column or row order.")
    with pytest.raises(ValueError) as error:
        load_series(b"date,sales\n2020-01-01,1\n2020-01-02,2\n2220-01-03,3\n")
    assert str(error.value) == ("The dates in 'date' run from 2020-01-01 to 2220-01-03, far longer than 3 daily "
                                "rows can cover; check the date column for mistyped dates.")


def test_exact_refusal_texts():
    assert EMPTY_FILE == ("The file is empty; choose a CSV file that has a header row and rows of "
                          "data below it.")
    assert BINARY_FILE == ("This file is not a text CSV (it looks binary); export your data as CSV "
                           "(comma-separated values) and use that file.")
    assert LOCKED == ("This workbook is locked with a password, which the app cannot open; open "
                      "it in Excel or LibreOffice, save it without a password (or as CSV), and "
                      "use that file.")
    assert ONE_ROW == "The file has only one row of data; a forecast needs a series of many values over time."


@pytest.mark.parametrize("raw", [b'"a,b\n1,2\n', b"a,b\n\"1\n2,3\n4", b"\x1b[0m\x1b[1m" * 50, b",,,\n,,,\n"])
def test_garbage_becomes_a_clear_value_error(raw):
    with pytest.raises(ValueError) as error:
        load_series(raw)
    assert str(error.value).count(";") >= 1 and "Traceback" not in str(error.value)


# ---- the bundled datasets --------------------------------------------------------------------


def test_airline_passengers():
    data = load_series(DATASETS / "airline_passengers.csv")
    assert (data.value_col, data.time_col, data.freq, data.season_length) == ("passengers", "month", "MS", 12)
    assert len(data.frame) == 144 and values(data)[:3] == [112, 118, 132]
    assert data.notices == ()
    assert_contract(data)


def test_etth1():
    data = load_series(DATASETS / "ETTh1.csv")
    assert (data.value_col, data.freq, data.freq_label, data.season_length) == ("OT", "h", "hourly", 24)
    assert len(data.frame) == 17420 and data.numeric_columns[0] == "HUFL" and len(data.numeric_columns) == 7
    assert values(data)[0] == pytest.approx(30.5310001373291)
    assert_contract(data)


@pytest.mark.parametrize("cell, value", [("￥1，２３４．５０", 1234.5), ("1234元", 1234.0),
                                         ("RMB 1,234", 1234.0), ("人民币1234", 1234.0),
                                         ("１２％", 12.0)])
def test_chinese_export_amounts_are_read_as_numbers(cell, value):
    # Full-width yen, digits and commas, and 元 / RMB / 人民币, as Chinese Excel exports them.
    rows = "".join(f"2024-{m:02d}-01,\"{cell if m == 1 else m}\"\n" for m in range(1, 13))
    data = load_series(f"日期,销售额\n{rows}".encode(), name="sales.csv")
    assert data.frame["销售额"].iloc[0] == value
    assert any("were removed" in notice for notice in data.notices)


def test_six_daily_values_get_no_weekly_season():
    # Before: "6 rows, daily, a season of 7 steps" for data that never shows a week twice.
    rows = "".join(f"2024-01-0{d},{10 + d}\n" for d in range(1, 7))
    data = load_series(f"date,sales\n{rows}".encode(), name="six.csv")
    assert data.freq_label == "daily" and data.season_length is None
    assert any("usually repeats every 7 steps" in n for n in data.notices)
    fortnight = "".join(f"2024-01-{d:02d},{10 + d % 7}\n" for d in range(1, 15))
    assert load_series(f"date,sales\n{fortnight}".encode()).season_length == 7


def test_an_upload_with_too_many_columns_or_rows_is_refused_in_a_sentence(monkeypatch):
    import lstm_app.csv_table as csv_table

    wide = ",".join(f"c{i}" for i in range(600)) + "\n" + ",".join("1" for _ in range(600))
    with pytest.raises(ValueError, match=r"^The file has 600 columns; at most 500 are read\."):
        load_series(wide.encode(), name="wide.csv")
    monkeypatch.setattr(csv_table, "MAX_ROWS", 50)  # the same check, on a file small to make
    rows = "".join(f"2024-01-{1 + d % 28:02d} {d // 28:02d}:00,{d}\n" for d in range(60))
    with pytest.raises(ValueError, match=r"^The file has 60 rows; at most 50 are read"):
        load_series(f"time,load\n{rows}".encode(), name="long.csv")


# --- a wide file: every column read as it would be alone ------------------------------------

KINDS = [  # how a column's cells are written, row by row
    lambda r: str(100 + r),
    lambda r: f"${1000 + r:,}",
    lambda r: f"{r % 7}%",
    lambda r: "n/a" if r % 5 == 0 else f"{r}.5",
    lambda r: "oops" if r == 3 else str(r * 2),
    lambda r: f"({r})" if r % 2 else str(r),
    lambda r: f"1 2{r:02d}",
    lambda r: "" if r < 2 else str(r),
    lambda r: ["north", "south"][r % 2],  # words: not a numeric column
]


def test_a_wide_file_reads_each_column_as_it_would_alone():
    """The loader reads all columns' cells at once: each column's numbers and repair notices
    must be those it gets in a file of its own."""
    rows, width = 30, 270
    days = pd.date_range("2024-01-01", periods=rows, freq="D")
    columns = {f"c{i}": [KINDS[i % len(KINDS)](r) for r in range(rows)] for i in range(width)}
    wide = pd.DataFrame({"date": days.strftime("%Y-%m-%d"), **columns}).to_csv(index=False)
    numeric = [c for i, c in enumerate(columns) if i % len(KINDS) != len(KINDS) - 1]
    every = load_series(wide.encode(), value_col=numeric[0], covariates=numeric[1:])
    assert list(every.numeric_columns) == numeric
    said = " ".join(every.notices)
    for repair in ("Currency signs in 'c1'", "Percent signs in 'c2'", "Thousands separators in 'c6'",
                   "1 cell in 'c4' held text instead of a number (for example 'oops')",
                   "missing values in 'c3' were filled"):
        assert repair in said
    for i, column in enumerate(numeric[:len(KINDS) - 1] + numeric[-3:]):
        alone = load_series(pd.DataFrame({"date": days.strftime("%Y-%m-%d"),
                                          column: columns[column]}).to_csv(index=False).encode())
        about = lambda notices: [n for n in notices if f" in '{column}'" in n]  # its repairs
        assert about(every.notices) == about(alone.notices), column
        # the wide file drops the first rows, which a column of it cannot fill from the past
        same = alone.frame[column].loc[every.frame.index]
        assert every.frame[column].tolist() == same.tolist(), column


def test_numbers_too_large_to_compute_with_are_refused_by_name():
    data = b"date,sales,tiny\n2024-01-01,1e308,1\n2024-01-02,-1e300,2\n2024-01-03,3,3\n"
    with pytest.raises(ValueError, match=r"^The column 'sales' holds numbers as large as 1e\+308, "
                                         r"too large to compute with \(the limit is 1e\+30\)"):
        load_series(data, value_col="sales")
    assert values(load_series(data, value_col="tiny")) == [1.0, 2.0, 3.0]  # the file is fine
    assert values(load_series(b"date,gdp\n2024-01-01,2.1e16\n2024-01-02,2.2e16\n")) == [2.1e16,
                                                                                         2.2e16]


def test_a_title_above_the_header_is_skipped_and_said():
    raw = ("Passagiere Bericht;;\r\n;;\r\nMonat;Passagiere;Bemerkung\r\n"
           + "".join(f"{d:02d}.01.1949;{100 + d},5;\r\n" for d in range(1, 11))).encode("cp1252")
    series = load_series(raw)
    assert series.value_col == "Passagiere" and series.time_col == "Monat"
    assert values(series)[:2] == [101.5, 102.5]
    assert "The first 2 lines ('Passagiere Bericht') are a title above the table, so the table " \
           "was read from line 3, its header." in series.notices
    assert not any("Unnamed" in n for n in series.notices)


@pytest.mark.parametrize("raw,columns", [
    (b"date,\n2020-01-01,5\n2020-01-02,6\n", ["date", "column 2"]),
    # pandas' Series.to_csv(): a blank index name, then small numbers it writes with exponents
    (b",0\n2024-01-01,1.5e-05\n2024-01-02,2.5e-05\n", ["column 1", "0"]),
    (b"date,\n2024-01-01,$1.00\n2024-01-02,$2.00\n", ["date", "column 2"]),
    (b"date,\n2024-01-01,NA\n2024-01-02,.5\n", ["date", "column 2"]),
    (b"text,\ngreat film 0,neg\ngreat film 1,pos\n", ["text", "column 2"]),
    (b"Sales;;\n2023;5;6\n2024;7;8\n", ["Sales", "column 2", "column 3"]),  # years as data
    (b"name,,\nAlice,2023,2024\nBob,2019,2021\n", ["name", "column 2", "column 3"]),
    # a blank name over a row of words is no header over two lines (no cell merged down)
    (b"name,score,\nAlice,good,x\nBob,5,2\n", ["name", "score", "column 3"]),
    (b",sales\nAmsterdam,\nBerlin,5\n", ["column 1", "sales"]),
    (b",text,label\nr1,great hotel,positive\nr2,bad,1\n", ["column 1", "text", "label"]),
    (b"store,sales,\nA,,closed\nB,5,\nC,7,\n", ["store", "sales", "column 3"]),  # A: data
    ("日期,销量,\n期初,,备注\n2024-01-01,5,\n2024-01-02,6,\n".encode(), ["日期", "销量", "column 3"]),
    (b"name,score,comment,\nAlice,,great,extra\nBob,3,ok,\n",
     ["name", "score", "comment", "column 4"]),  # a group of one column: Alice is data
])
def test_a_header_with_one_blank_name_is_not_taken_for_a_title(raw, columns):
    from lstm_app.csv_table import read_csv_table

    notices = []
    table, _ = read_csv_table(raw, None, notices)
    assert list(table.columns) == columns and not any("title" in n for n in notices)
    assert any("no name in the header row" in n for n in notices)
    assert not any("two lines" in n for n in notices)


@pytest.mark.parametrize("raw,columns", [
    ("日期,销售数据,\n,销量,金额\n2024-01-01,5,100\n2024-01-02,6,120\n".encode(),
     ["日期", "销售数据 销量", "销售数据 金额"]),
    ("门店;2023年;;2024年;\n;销量;金额;销量;金额\nA;5;100;6;110\nB;1;2;3;4\n".encode(),
     ["门店", "2023年 销量", "2023年 金额", "2024年 销量", "2024年 金额"]),
    (b"Report,,\n\ndate,sales,\n,units,revenue\n2024-01-01,5,100\n2024-01-02,6,120",
     ["date", "sales units", "sales revenue"]),  # under a title; no line break at the end
])
def test_a_header_over_two_lines_of_merged_cells_is_one_line_of_names(raw, columns):
    from lstm_app.csv_table import read_csv_table

    notices = []
    table, _ = read_csv_table(raw, None, notices)
    assert list(table.columns) == columns and len(table) == 2
    assert any(n.startswith("The header takes two lines (merged cells)") for n in notices)


@pytest.mark.parametrize("raw,columns", [
    (b"Sales 2024;;\nMonth;2023;2024\n2024-01;1;2\n", ["Month", "2023", "2024"]),
    (b'"Report; March";;\n\ndate;sales;note\n2024-01-01;3;x\n', ["date", "sales", "note"]),
    ("2024年销售报表,,\n单位：万元,,\n日期,销量,备注\n2024-01-01,5,a\n2024-01-02,6,\n".encode(),
     ["日期", "销量", "备注"]),  # a title, then a line of units
    (b'"Bericht, M\xc3\xa4rz",,\n\n"Datum","Umsatz, \xe2\x82\xac","Notiz"\n01.03.2024,"3,5",\n',
     ["Datum", "Umsatz, \u20ac", "Notiz"]),
    (b"Sales\ndate,value\n2024-01-01,5\n2024-01-02,6\n", ["date", "value"]),  # no separators
    (b"Hotel reviews export 2024\nreview,label\n" + b"".join(
        b"a rather long hotel review %d,%s\n" % (i, (b"pos", b"neg")[i % 2]) for i in range(20)),
     ["review", "label"]),
])
def test_a_title_with_the_separator_in_quotes_or_over_a_header_of_years_is_skipped(raw,
                                                                                    columns):
    from lstm_app.csv_table import read_csv_table

    notices = []
    table, _ = read_csv_table(raw, None, notices)
    assert list(table.columns) == columns
    assert any("a title above the table" in n for n in notices)


def test_a_column_without_a_name_is_called_by_its_place_and_empty_ones_are_dropped():
    from lstm_app.csv_table import read_csv_table

    notices = []
    table, _ = read_csv_table(b"date,,sales,,\n2024-01-01,,3,x,\n2024-01-02,,4,y,\n", None,
                              notices)
    assert list(table.columns) == ["date", "sales", "column 4"]  # by its place in the file
    assert notices == ["Column 4 has no name in the header row, so it is called 'column 4'."]
    notices = []
    table, _ = read_csv_table(b",,sales\na,b,3\n", None, notices)
    assert list(table.columns) == ["column 1", "column 2", "sales"]
    assert notices == ["Columns 1, 2 have no name in the header row, so they are called "
                       "'column 1', 'column 2'."]


def test_a_title_is_counted_from_the_files_own_first_line():
    from lstm_app.csv_table import read_csv_table

    notices = []
    table, _ = read_csv_table(b"sep=;\nSales;;\ndate;sales;cost\n2024-01-01;1;2\n", None,
                              notices)
    assert list(table.columns) == ["date", "sales", "cost"] and len(table) == 1
    assert notices == ["The first line ('Sales') is a title above the table, so the table was "
                       "read from line 3, its header."]


@pytest.mark.parametrize("load", ["series", "labelled"])
def test_a_column_name_too_long_for_a_setting_is_read_cut_short_and_said(load):
    from lstm_app.classify.labelled import load_labelled

    question = "How did you find " + "p" * 3000
    if load == "series":
        raw = f"date,{question}\n" + "".join(f"2024-01-{d:02d},{d}\n" for d in range(1, 20))
        data = load_series(raw.encode())
        name, notices = data.value_col, data.notices
    else:
        raw = f"text,label,{question}\n" + "".join(
            f"review {d},{'good' if d % 2 else 'bad'},x\n" for d in range(20))
        data = load_labelled(raw.encode())
        name, notices = data.columns[2], data.notices
        assert (data.text_col, data.label_col) == ("text", "label")
    assert name == question[:190] + "…"
    from lstm_app.csv_table import MAX_NAME
    from lstm_app.training.settings import COLUMN_NAME_CHARS
    assert MAX_NAME == COLUMN_NAME_CHARS  # every name read fits a setting's list of columns
    said = next(n for n in notices if "longer than 200" in n)
    assert said.startswith("1 column name is longer than 200 characters, so it is read cut "
                           "short, ending in “…”: 'How did you find ppp") and len(said) < 300


def test_a_refusal_quotes_a_long_column_name_cut():
    header = "v" * 100_000
    data = f"date,{header}\n2024-01-01,x\n2024-01-02,y\n".encode()
    with pytest.raises(ValueError) as error:
        load_series(data)
    assert len(str(error.value)) < 300 and "vvv…'" in str(error.value)


def test_a_file_of_many_series_says_so_instead_of_averaging_silently():
    rows = [f"2024-01-{d:02d},{shop},{product},{d + 10 * s}"
            for d in range(1, 29) for s, shop in enumerate(("Berlin", "北京"))
            for product in ("Milk", "Bread")]
    data = load_series(("date,shop,product,sales\n" + "\n".join(rows)).encode())
    assert (
        "This file holds 4 series, one per 'shop' and 'product'; read as one series their values "
        "are averaged date by date. To forecast each of them with one model, read the file as "
        "many series, one per id (--id-col on the command line).") in data.notices
    # A totals store among them is left out before the average, and said.
    total = [f"2024-01-{d:02d},合计,,{4 * d + 20}" for d in range(1, 29)]
    data = load_series(("date,shop,product,sales\n" + "\n".join(rows + total)).encode())
    assert data.frame["sales"].tolist() == [d + 5 for d in range(1, 29)]
    assert "This file holds 4 series" in " ".join(data.notices)
    assert "The series '合计 · (blank)' is the sum of other series at every time, so it is left " \
        "out: a total is not a series of its own (rename it in the file to forecast it)." \
        in data.notices
    single = "".join(f"2024-01-{d:02d},{['Mon', 'Tue'][d % 2]},{d}\n" for d in range(1, 29))
    assert not any("series, one per" in n for n in
                   load_series(f"date,weekday,sales\n{single}".encode()).notices)


def test_a_column_chosen_as_an_extra_input_is_never_taken_as_the_value():
    data = b"date,sales,price\n2024-01-01,3,2\n2024-01-02,4,2\n2024-01-03,5,2\n"
    series = load_series(data, covariates=["price"])
    assert series.value_col == "sales" and series.covariates == ("price",)


def test_an_unknown_input_is_offered_the_columns_besides_the_one_forecast():
    csv = b"date,sales,promo\n" + b"".join(b"2024-01-%02d,%d,%d\n" % (d, 100 + d, d % 2)
                                             for d in range(1, 21))
    with pytest.raises(ValueError) as error:
        load_series(csv, covariates=["Promo"])
    assert str(error.value).endswith("choose one of: 'promo'.")
    with pytest.raises(ValueError) as error:
        load_series(csv, value_col="Sales")
    assert str(error.value).endswith("choose one of: 'sales', 'promo'.")  # the column forecast too


@pytest.mark.parametrize("header", ["日期,A店销售额,B店销售额,合计", "日期,合计,A店,B店"])
def test_a_total_of_the_stores_is_the_column_forecast_wherever_it_stands(header):
    stores = lambda d: (100 + d, 200 + d)
    rows = "".join(f"2024-01-{d:02d},{','.join(map(str, stores(d) + (sum(stores(d)),)))}\n"
                   if header.endswith("合计") else
                   f"2024-01-{d:02d},{sum(stores(d))},{stores(d)[0]},{stores(d)[1]}\n"
                   for d in range(1, 29))
    data = load_series((header + "\n" + rows).encode())
    assert data.value_col == "合计"
    # said once, as the total of the stores (not also as a column among unread others)
    assert len(data.notices) == 1 and "is the sum of other columns" in data.notices[0]


def test_other_columns_like_the_one_forecast_are_said_to_be_unread():
    rows = "".join(f"2024-01-{d:02d},{100 + d},{90 + d % 5},{120 - d}\n" for d in range(1, 29))
    data = load_series(("date,north,south,east\n" + rows).encode())
    assert data.value_col == "east"
    assert data.notices == ("'east' is forecast from its own past; the 2 other columns of "
                            "numbers ('north', 'south') are not read. Choose them as inputs to "
                            "read them, or read the file as many series, one per column (--wide "
                            "on the command line), to forecast each.",)
    # a price and a promotion beside sales are inputs, not series: nothing said
    cafe = "".join(f"2024-01-{d:02d},{100 + d},{4 + d % 3 / 10},{d % 2}\n" for d in range(1, 29))
    assert load_series(("date,sales,price,promo\n" + cafe).encode()).notices == ()
    # named unlike the one forecast, or as part of the calendar: not series, nothing said
    walmart = "".join(f"2024-01-{d:02d},{9000 + d},{211 + d / 10},{8 - d / 100}\n"
                      for d in range(1, 29))
    assert load_series(("Date,Weekly_Sales,CPI,Unemployment\n" + walmart).encode()).notices == ()
    calendar = "".join(f"2024-01-{d:02d},2024,1,{d % 7 + 1},{100 + d}\n" for d in range(1, 29))
    assert load_series(("date,year,month,DayOfWeek,count\n" + calendar).encode()).notices == ()
    # chosen by name (as the page passes the column it proposed): said too; with inputs: not
    assert load_series(("date,north,south,east\n" + rows).encode(),
                       value_col="north").notices[0].startswith("'north' is forecast from its own")
    assert load_series(("date,north,south,east\n" + rows).encode(),
                       covariates=["south"]).notices == ()


@pytest.mark.parametrize("raw, columns", [
    # a repeat named after a column the file has already: the next free number
    (b"date,sales,sales,sales (2)\n2024-01-01,1,2,3\n", ["date", "sales", "sales (3)", "sales (2)"]),
    # a space before a repeat (the reader drops it): named as any repeat, not pandas' "sales.1"
    (b"date,sales, sales\n2024-01-01,1,2\n", ["date", "sales", "sales (2)"]),
    # ... after blank lines, and after a byte-order mark with the first name quoted
    (b"\n   \ndate,sales,sales\n2024-01-01,1,2\n", ["date", "sales", "sales (2)"]),
    ('\ufeff"date",sales,sales\n2024-01-01,1,2\n'.encode(), ["date", "sales", "sales (2)"]),
    # pandas' own index saved twice: a blank name and a name that is "Unnamed: 0"
    (b",Unnamed: 0,date,sales\n0,0,2024-01-01,1\n", ["column 1", "Unnamed: 0", "date", "sales"]),
])
def test_repeated_and_blank_header_names_are_read_as_the_file_writes_them(raw, columns):
    table, _ = read_csv_table(raw, "x.csv", [])
    assert list(table.columns) == columns


def test_a_tables_empty_rows_are_dropped_kept_inside_or_kept_up_to_the_last_value():
    raw = b'text\n""\nx\n\n""\ny\n\n""\n'  # blank first, between, and after the last value
    read = lambda how: read_csv_table(raw, "t.csv", [], empty_rows=how)[0]["text"].tolist()
    assert read("dropped") == ["x", "y"]
    assert read("inner") == ["x", np.nan, np.nan, "y"]
    assert read("until_last") == [np.nan, "x", np.nan, np.nan, "y"]  # rows matched by place
    with pytest.raises(ValueError, match="empty_rows must be one of"):
        read("inners")


def test_a_file_of_one_column_keeps_the_commas_of_its_texts():
    """A header of one name and reviews with commas: each review was cut at its first comma
    (read as a separator the header never had)."""
    raw = b"review\nGreat hotel, nice room, friendly staff\nAwful\nDirty room, rude staff\n"
    table, _ = read_csv_table(raw, "r.csv", [], holding="texts")
    assert table["review"].tolist() == ["Great hotel, nice room, friendly staff", "Awful",
                                        "Dirty room, rude staff"]
    # a title line without separators above a table still finds the table's separator
    notices = []
    titled = b"Sales report 2024\ndate;sales\n2024-01-01;5\n2024-01-02;6\n2024-01-03;7\n"
    table, _ = read_csv_table(titled, "s.csv", notices)
    assert list(table.columns) == ["date", "sales"] and "title" in notices[0]


def test_rows_matched_by_place_keep_a_long_row_cut_and_a_row_of_separators():
    """predict's texts: a row with a cell too many, or of separators alone, was left out, and
    every later label sat a row too early."""
    raw = b"text,id\ngreat hotel,1\nnice room,2,extra\n,,\nawful staff,4\n"
    table, _ = read_csv_table(raw, "t.csv", [], holding="texts", empty_rows="until_last")
    assert table["text"].tolist()[:2] == ["great hotel", "nice room"]
    assert table["id"].tolist() == ["1", "2", np.nan, "4"]


def test_too_many_rows_of_texts_are_not_told_to_be_aggregated_hourly():
    raw = b"text\n" + b"a review\n" * 5
    with pytest.raises(ValueError, match="Aggregate it"):
        read_csv_table(raw, "n.csv", [], max_rows=3)
    with pytest.raises(ValueError, match=r"at most 3 are read\. Split it into files of fewer"):
        read_csv_table(raw, "t.csv", [], max_rows=3, holding="texts")


def test_a_title_is_found_above_a_header_that_ends_with_a_separator():
    """A header written "text,id," (a spreadsheet's trailing blank column) kept its title line
    from being seen: the header was read as a row of data, and labelled."""
    notices = []
    raw = b"Report title,,\ntext,id,\n,,\ngreat,2,\nawful,3,\n"
    table, _ = read_csv_table(raw, "r.csv", notices, holding="texts")
    assert list(table.columns) == ["text", "id"] and table["text"].tolist() == ["great", "awful"]
    assert "title above the table" in notices[0]
