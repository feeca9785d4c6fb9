"""A report's totals in a file of many series: a 合计 column or a 合计 store that sums the others
is left out and said; one named so that sums nothing is kept and said; a totals row with a
blank date is said as a totals row (not as an unreadable date and a series without values)."""

import numpy as np
import pandas as pd
import pytest

from lstm_app.i18n import speaking
from lstm_app.series.panel import load_panel
from lstm_app.series.totals import is_total

DAYS = pd.date_range("2024-01-01", periods=30, freq="D").strftime("%Y-%m-%d")
RNG = np.random.default_rng(0)
STORES = {name: RNG.integers(10, 100, len(DAYS)) for name in ("北京", "上海", "广州")}
SUM = sum(STORES.values())


def wide(**more) -> bytes:
    return pd.DataFrame({"日期": DAYS, **STORES, **more}).to_csv(index=False).encode()


def long(table: dict) -> bytes:
    rows = [{"日期": day, "门店": name, "销量": value}
            for name, values in table.items() for day, value in zip(DAYS, values)]
    return pd.DataFrame(rows).to_csv(index=False).encode()


def test_the_words_a_total_goes_by():
    assert all(map(is_total, ["合计", " Total: ", "总计：", "本月合计", "销量合计", "Grand total",
                              "小計", "SUBTOTAL"]))
    assert not any(map(is_total, ["Total Gym", "北京", "totally", "", "计划", "2024-01-01"]))


def test_a_totals_column_that_sums_the_others_is_left_out_and_said():
    panel = load_panel(wide(合计=SUM), layout="wide")
    assert panel.ids == ("北京", "上海", "广州")
    assert ("The column '合计' is the sum of other columns on every row, so it is left out: "
            "a total is not a series of its own (to forecast the total, read the file as one "
            "series with it as the value).") in panel.notices
    # A report's rounding (a total of cents written to the yuan) is still its sum.
    cents = {k: v + 0.37 for k, v in STORES.items()}
    rounded = pd.DataFrame({"日期": DAYS, **cents, "Total": np.round(SUM + 3 * 0.37)})
    assert load_panel(rounded.to_csv(index=False).encode(), layout="wide").n_series == 3


def test_a_column_named_as_a_total_that_sums_nothing_is_kept_and_said():
    panel = load_panel(wide(Total=SUM + RNG.integers(1, 50, len(DAYS))), layout="wide")
    assert panel.ids == ("北京", "上海", "广州", "Total")
    assert ("The column 'Total' is named as a total but is not the sum of other columns, "
            "so it is read as a series of its own.") in panel.notices
    # Without a total named, nothing is said, even where one column sums the others.
    plain = load_panel(wide(全国=SUM), layout="wide")
    assert plain.n_series == 4 and not any("total" in n for n in plain.notices)


def test_a_totals_store_is_left_out_and_one_that_is_not_a_sum_is_kept():
    panel = load_panel(long({**STORES, "合计": SUM}), layout="long", id_cols=["门店"])
    assert panel.ids == ("北京", "上海", "广州")
    assert ("The series '合计' is the sum of other series at every time, so it is left out: "
            "a total is not a series of its own (rename it in the file to forecast it).") \
        in panel.notices
    alone = load_panel(long({"合计": SUM}), layout="long", id_cols=["门店"])
    assert alone.ids == ("合计",) and not any("total" in n for n in alone.notices)
    off = load_panel(long({**STORES, "合计": SUM * 2}), layout="long", id_cols=["门店"])
    assert off.ids[-1] == "合计" and off.n_series == 4
    assert ("The series '合计' is named as a total but is not the sum of other series, so it "
            "is read as a series of its own.") in off.notices


def test_subtotals_sum_their_own_group_of_the_other_id_column():
    rows = []
    regions = {"北方": ("北京", "天津"), "南方": ("广州", "深圳")}
    values = {store: RNG.integers(10, 100, len(DAYS))
              for pair in regions.values() for store in pair}
    for region, stores in regions.items():
        for store in stores:
            rows += [(day, region, store, v) for day, v in zip(DAYS, values[store])]
        rows += [(day, region, "小计", v) for day, v in
                 zip(DAYS, sum(values[s] for s in stores))]
    rows += [(day, "合计", "", v) for day, v in zip(DAYS, sum(values.values()))]
    table = pd.DataFrame(rows, columns=["日期", "区域", "门店", "销量"]).to_csv(index=False)
    panel = load_panel(table.encode(), layout="long", id_cols=["区域", "门店"])
    assert sorted(panel.ids) == sorted(["北方 · 北京", "北方 · 天津", "南方 · 广州", "南方 · 深圳"])
    said = [n for n in panel.notices if "is the sum" in n or "are the sums" in n]
    assert said == ["The series '北方 · 小计', '南方 · 小计', '合计 · (blank)' are the sums of "
                    "other series at every time, so they are left out: a total is not a series of "
                    "its own (rename them in the file to forecast them)."], panel.notices
    assert not any("(blank)'." in n for n in panel.notices)  # its blank store is not a series


def test_a_totals_row_without_a_date_is_said_as_one_not_as_a_series_without_values():
    text = long(STORES).decode() + f",合计,{SUM.sum()}\n"
    panel = load_panel(text.encode(), layout="long", id_cols=["门店"])
    assert panel.ids == ("北京", "上海", "广州")
    assert panel.notices == ("1 totals row ('合计') was dropped: it sums other rows, it is not a "
                             "value of the series.",)
    # An unreadable date elsewhere is still said as one.
    text = long(STORES).decode() + "soon,北京,3\n" + f",合计,{SUM.sum()}\n"
    notices = load_panel(text.encode(), layout="long", id_cols=["门店"]).notices
    assert "1 row whose date could not be read was dropped. Where the date should be: 'soon'." \
        in notices
    assert any(n.startswith("1 totals row ('合计')") for n in notices)


@pytest.mark.parametrize("layout", ["wide", "long"])
def test_the_totals_notices_in_chinese(layout):
    data = wide(合计=SUM) if layout == "wide" else long({**STORES, "合计": SUM})
    with speaking("zh"):
        panel = load_panel(data, layout=layout, id_cols=None if layout == "wide" else ["门店"])
    said = [n for n in panel.notices if "合计" in n]
    assert len(said) == 1 and "不是" in said[0] and "total" not in said[0], panel.notices


def test_a_total_off_by_an_amount_on_every_row_is_no_rounding_and_is_kept():
    """Rounding moves a total a little up or down; an amount on every row (an online channel
    not in the file) is no rounding, however many series the slack of rounding would allow."""
    stores = {f"店{i}": RNG.integers(0, 10, len(DAYS)) for i in range(100)}
    total = sum(stores.values())
    for extra, kept in ((0, False), (5, True), (40, True)):
        table = pd.DataFrame({"日期": DAYS, **stores, "合计": total + extra})
        panel = load_panel(table.to_csv(index=False).encode(), layout="wide")
        assert ("合计" in panel.ids) == kept, (extra, panel.notices)
        rows = [{"日期": d, "门店": name, "销量": v} for name, values in
                {**stores, "合计": total + extra}.items() for d, v in zip(DAYS, values)]
        long_panel = load_panel(pd.DataFrame(rows).to_csv(index=False).encode(), layout="long",
                                id_cols=["门店"])
        assert ("合计" in long_panel.ids) == kept, (extra, long_panel.notices)


def test_subtotal_columns_sum_the_stores_to_their_left():
    north = {"北京": RNG.integers(10, 99, len(DAYS)), "天津": RNG.integers(10, 99, len(DAYS))}
    south = {"广州": RNG.integers(10, 99, len(DAYS)), "深圳": RNG.integers(10, 99, len(DAYS))}
    table = pd.DataFrame({"日期": DAYS, **north, "北区小计": sum(north.values()), **south,
                          "南区小计": sum(south.values()),
                          "合计": sum(north.values()) + sum(south.values())})
    panel = load_panel(table.to_csv(index=False).encode(), layout="wide")
    assert panel.ids == ("北京", "天津", "广州", "深圳"), panel.notices
    # A column among the stores that the total does not sum keeps the total in, said so.
    table = pd.DataFrame({"日期": DAYS, **north, "气温": RNG.integers(0, 30, len(DAYS)),
                          "合计": sum(north.values())})
    panel = load_panel(table.to_csv(index=False).encode(), layout="wide")
    assert "合计" in panel.ids and any("is named as a total" in n for n in panel.notices)


def test_totals_in_row_order_files():
    """Without dates: a totals store is compared row by row, a totals row at the end of a file
    is dropped (never read as every series' last value)."""
    interleaved = "门店,销量\nA,1\nB,2\n合计,3\nA,4\nB,5\n合计,9\nA,1\nB,1\n合计,2\n".encode()
    panel = load_panel(interleaved, layout="long", id_cols=["门店"])
    assert panel.ids == ("A", "B") and any("合计" in n for n in panel.notices), panel.notices
    at_end = "门店,销量\nA,1\nB,2\nA,4\nB,5\nA,1\nB,1\n合计,14\n".encode()
    panel = load_panel(at_end, layout="long", id_cols=["门店"])
    assert panel.ids == ("A", "B")
    assert "1 totals row ('合计') was dropped: it sums other rows, it is not a value of the " \
        "series." in panel.notices
    wide_rows = "月份,A,B\n1月,1,2\n2月,3,4\n3月,5,5\n合计,9,11\n".encode()
    panel = load_panel(wide_rows, layout="wide")
    assert panel.values[:, 0].tolist() == [1, 3, 5, 2, 4, 5]
    assert "1 totals row ('合计') was dropped: it sums other rows, it is not a value of the " \
        "series." in panel.notices


def test_a_wide_column_of_text_is_said_not_read_as_a_series():
    panel = load_panel("date,A,B,备注\n2024-01-01,1,2,开业\n2024-01-02,3,5,\n2024-01-03,1,1,雨\n"
                       .encode(), layout="wide")
    assert panel.ids == ("A", "B")
    assert "The column '备注' holds text rather than numbers, so it is not read as a series." \
        in panel.notices


def test_a_wide_report_read_as_one_series_says_its_total_is_what_is_forecast():
    from lstm_app.series.loading import load_series

    data = load_series(wide(合计=SUM))
    assert data.value_col == "合计" and data.frame["合计"].tolist() == SUM.tolist()
    assert ("The column '合计' is the sum of other columns, the total of many series side by "
            "side: it is the series forecast here. To forecast each of them with one model, read "
            "the file as many series, one per column (--wide on the command line).") \
        in data.notices
    assert not any("sum of" in n for n in load_series(wide(合计=SUM), value_col="北京").notices)
    assert not any("sum of" in n for n in load_series(wide(合计=SUM + 7)).notices)


def test_a_store_sorted_last_named_total_is_a_series_not_totals_rows():
    """Without dates, only a total or two ending the file, each its own row, are totals rows;
    a whole store sorted last (Total after A and B) goes through the sum test like any."""
    rows = "".join(f"A,{i}\n" for i in range(10)) + "".join(f"B,{2 * i}\n" for i in range(10))
    sorted_last = ("store,sales\n" + rows + "".join(f"Total,{100 + i}\n" for i in range(10)))
    panel = load_panel(sorted_last.encode(), layout="long", id_cols=["store"])
    assert panel.ids == ("A", "B", "Total")
    assert any("is named as a total but is not the sum" in n for n in panel.notices)
    summed = "store,sales\n" + rows + "".join(f"Total,{3 * i}\n" for i in range(10))
    assert load_panel(summed.encode(), layout="long", id_cols=["store"]).ids == ("A", "B")
    # A remark in the last row is not a totals row (only the rows' label column is read).
    data = load_panel("label,A,B,note\nr1,1,2,\nr2,3,4,\nr3,5,6,本月合计\n".encode(),
                      layout="wide")
    assert data.values[:, 0].tolist() == [1, 3, 5, 2, 4, 6]


def test_an_excel_totals_row_with_a_blank_id_is_said_once():
    text = long(STORES).decode() + f"合计,,{SUM.sum()}\n"  # 合计 where the date goes
    panel = load_panel(text.encode(), layout="long", id_cols=["门店"])
    assert panel.ids == ("北京", "上海", "广州")
    assert panel.notices == ("1 totals row ('合计') was dropped: it sums other rows, it is not a "
                             "value of the series.",)
    # A total store's row with an unreadable date is said as that, not as a totals row.
    text = long({**STORES, "合计": SUM * 2}).decode() + "soon,合计,5\n"
    notices = load_panel(text.encode(), layout="long", id_cols=["门店"]).notices
    assert "1 row whose date could not be read was dropped. Where the date should be: 'soon'." \
        in notices and not any("totals row" in n for n in notices)


def test_the_rounding_is_each_series_own():
    """Stores in cents under a total in whole yuan (cut, not rounded), and amounts in 万 to two
    places (to the hundred), are sums as the report writes them."""
    days = DAYS[:12]
    cents = {s: RNG.integers(100, 999, len(days)) / 100 for s in "AB"}
    cut = np.floor(cents["A"] + cents["B"])
    rows = [{"date": d, "store": s, "sales": v} for s, values in {**cents, "合计": cut}.items()
            for d, v in zip(days, values)]
    panel = load_panel(pd.DataFrame(rows).to_csv(index=False).encode(), layout="long",
                       id_cols=["store"])
    assert panel.ids == ("A", "B"), panel.notices
    wan = ("date,A,B,合计\n2024-01-01,1.23万,2.34万,3.58万\n2024-01-02,1.11万,1.11万,2.22万\n"
           "2024-01-03,2.26万,3.36万,5.63万\n2024-01-04,1.00万,1.00万,2.00万\n")
    assert load_panel(wan.encode(), layout="wide").ids == ("A", "B")
    # A store of zeros tells nothing of the rounding: it does not widen what passes for a sum.
    zeros = pd.DataFrame({"日期": DAYS, **STORES, "空": 0, "合计": SUM + 3})
    assert "合计" in load_panel(zeros.to_csv(index=False).encode(), layout="wide").ids


def test_names_that_only_hold_a_totals_word_are_not_totals():
    assert not any(map(is_total, ["总计划", "小计算器", "年度总计划"]))
    assert all(map(is_total, ["合计金额", "合计(元)", "销量合计（万元）", "北区小计"]))


def test_an_average_under_the_total_ends_the_report_too():
    """合计 then 平均 at the end of a file without dates: both are the report's summary, not
    values (the average hid the total, and both were read as the last values)."""
    from lstm_app.series.loading import load_series

    text = "月份,北京,上海\n一月,1,2\n二月,3,4\n三月,5,6\n合计,9,12\n平均,3,4\n"
    panel = load_panel(text.encode(), layout="wide")
    assert panel.values[:, 0].tolist() == [1, 3, 5, 2, 4, 6]
    assert ("2 summary rows ('合计', '平均') were dropped: they sum or average other rows, they "
            "are not values of the series.") in panel.notices
    data = load_series(b"month,sales\nJan,1\nFeb,3\nMar,5\nTotal,9\nAverage,3\n")
    assert data.frame["sales"].tolist() == [1, 3, 5]
    # An average alone is a summary too; a month called "Max" in the middle is not looked at.
    data = load_series(b"month,sales\nJan,1\nMax,3\nMar,5\nmean,3\n")
    assert data.frame["sales"].tolist() == [1, 3, 5]


def test_subtotal_rows_between_quarters_are_dropped_without_dates():
    from lstm_app.series.loading import load_series

    text = "label,A,B\nr1,1,2\nr2,3,4\n小计,4,6\nr3,5,6\nr4,7,8\n合计,16,20\n"
    panel = load_panel(text.encode(), layout="wide")
    assert panel.values[:, 0].tolist() == [1, 3, 5, 7, 2, 4, 6, 8]
    assert ("2 totals rows ('小计', '合计') were dropped: they sum other rows, they are not "
            "values of the series.") in panel.notices
    data = load_series(text.encode(), value_col="A")
    assert data.frame["A"].tolist() == [1, 3, 5, 7]


def test_a_store_of_zeros_and_one_round_amount_does_not_pass_an_offset_total_as_the_sum():
    """A store with one 10,000 among zeros says nothing of a report's rounding: a total that
    also counts an online channel (a steady amount on every row) is still kept."""
    days = DAYS[:12]
    a = RNG.integers(1000, 2000, len(days))
    b = np.where(np.arange(len(days)) == 5, 10000, 0)
    online = RNG.integers(1900, 2100, len(days))
    table = pd.DataFrame({"日期": days, "A": a, "B": b, "合计": a + b + online})
    assert "合计" in load_panel(table.to_csv(index=False).encode(), layout="wide").ids
    rows = [{"日期": d, "门店": s, "销量": v} for s, values in
            {"A": a, "B": b, "合计": a + b + online}.items() for d, v in zip(days, values)]
    long_panel = load_panel(pd.DataFrame(rows).to_csv(index=False).encode(), layout="long",
                            id_cols=["门店"])
    assert "合计" in long_panel.ids
    table["合计"] = a + b  # the sum itself is still left out
    assert load_panel(table.to_csv(index=False).encode(), layout="wide").ids == ("A", "B")


def test_summary_labels_as_reports_write_them():
    from lstm_app.series.loading import load_series

    for label in ("合 计", "合\u3000计", "总 计"):
        assert is_total(label)
        text = f"月份,v\n1月,10\n2月,12\n3月,11\n{label},33\n".encode()
        assert load_series(text).frame["v"].tolist() == [10, 12, 11]
    text = "月份,v\n1月,10\n2月,12\n3月,11\n合计：,33\n平均值（元）,11\nAverage:,11\nMax,12\nMin,10\n"
    data = load_series(text.encode())
    assert data.frame["v"].tolist() == [10, 12, 11]
    said = [n for n in data.notices if "summary rows" in n]
    assert said and said[0].startswith("5 summary rows ('合计：', '平均值（元）', 'Average:', "
                                       "'Max', 'Min') were dropped"), data.notices
    # After a 序号 of numbers, the month column labels the rows.
    numbered = load_series("序号,月份,销量\n1,1月,10\n2,2月,12\n3,3月,11\n,合计,33\n".encode(),
                           value_col="销量")
    assert numbered.frame["销量"].tolist() == [10, 12, 11]


def test_subtotal_rows_of_a_long_file_without_dates_are_totals_rows():
    text = ("store,sales\n" + "".join(f"A,{i}\n" for i in range(1, 5)) + "A小计,10\n"
            + "".join(f"B,{i}\n" for i in range(5, 9)) + "B小计,26\n总计,36\n")
    panel = load_panel(text.encode(), layout="long", id_cols=["store"])
    assert panel.ids == ("A", "B") and panel.values[:, 0].tolist() == [1, 2, 3, 4, 5, 6, 7, 8]
    assert ("3 totals rows ('A小计', 'B小计', '总计') were dropped: they sum other rows, they are "
            "not values of the series.") in panel.notices


def test_a_store_written_twice_on_a_day_is_averaged_before_the_total_is_compared():
    rows = [{"日期": d, "门店": s, "销量": v} for s, values in
            {**STORES, "合计": SUM}.items() for d, v in zip(DAYS, values)]
    rows.append({"日期": DAYS[3], "门店": "北京", "销量": STORES["北京"][3]})  # the same again
    rows.append({"日期": DAYS[5], "门店": "上海", "销量": STORES["上海"][5] + 20})
    rows.append({"日期": DAYS[5], "门店": "上海", "销量": STORES["上海"][5] - 20})  # mean kept
    data = pd.DataFrame(rows).to_csv(index=False).encode()
    assert load_panel(data, layout="long", id_cols=["门店"]).ids == ("北京", "上海", "广州")


def test_a_total_row_without_a_label_under_a_series_without_dates_is_left_out():
    from lstm_app.series.loading import load_series

    values = [12.5, 14.0, 13.25, 15.0, 16.5, 14.75, 17.0, 18.25]
    rows = "\n".join(str(v) for v in values + [sum(values)])
    series = load_series(("sales\n" + rows + "\n").encode(), name="report.csv")
    assert series.frame["sales"].tolist() == values
    assert any(n.startswith("The last row (121.25) is the sum of the 8 values above it")
               for n in series.notices), series.notices
    # a series that doubles ends on the sum of its past as well: it is kept
    doubling = [1, 1, 2, 4, 8, 16, 32, 64]
    series = load_series(("n\n" + "\n".join(map(str, doubling)) + "\n").encode(), name="d.csv")
    assert series.frame["n"].tolist() == doubling
    # a last value near the sum but not it is a value
    near = values + [sum(values) + 1]
    series = load_series(("sales\n" + "\n".join(map(str, near)) + "\n").encode(), name="n.csv")
    assert len(series.frame) == len(near)
    # a few counts that happen to add up are values
    counts = [1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 5]
    series = load_series(("n\n" + "\n".join(map(str, counts)) + "\n").encode(), name="c.csv")
    assert series.frame["n"].tolist() == counts
    # a blank line before the total goes with it (no "last row has no value" besides)
    rows = "\n".join(str(v) for v in values) + "\n\n" + str(sum(values)) + "\n"
    series = load_series(("sales\n" + rows).encode(), name="gap.csv")
    assert series.frame["sales"].tolist() == values
    assert not any("no value" in n for n in series.notices), series.notices
    # a total-like value with a planned row after it is a value: the file goes on
    rows = "".join(f"{v},0\n" for v in values) + f"{sum(values)},1\n,1\n"
    series = load_series(("sales,promo\n" + rows).encode(), name="plan.csv",
                         covariates=["promo"])
    assert series.frame["sales"].tolist() == values + [sum(values)]
