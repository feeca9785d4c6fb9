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
    assert ("The column '合计' is the sum of the other columns on every row, so it is left out: "
            "a total is not a series of its own (rename it in the file to forecast it).") \
        in panel.notices
    # A report's rounding (a total of cents written to the yuan) is still its sum.
    cents = {k: v + 0.37 for k, v in STORES.items()}
    rounded = pd.DataFrame({"日期": DAYS, **cents, "Total": np.round(SUM + 3 * 0.37)})
    assert load_panel(rounded.to_csv(index=False).encode(), layout="wide").n_series == 3


def test_a_column_named_as_a_total_that_sums_nothing_is_kept_and_said():
    panel = load_panel(wide(Total=SUM + RNG.integers(1, 50, len(DAYS))), layout="wide")
    assert panel.ids == ("北京", "上海", "广州", "Total")
    assert ("The column 'Total' is named as a total but is not the sum of the other columns, "
            "so it is read as a series of its own.") in panel.notices
    # Without a total named, nothing is said, even where one column sums the others.
    plain = load_panel(wide(全国=SUM), layout="wide")
    assert plain.n_series == 4 and not any("total" in n for n in plain.notices)


def test_a_totals_store_is_left_out_and_one_that_is_not_a_sum_is_kept():
    panel = load_panel(long({**STORES, "合计": SUM}), layout="long", id_cols=["门店"])
    assert panel.ids == ("北京", "上海", "广州")
    assert ("The series '合计' is the sum of the other series date by date, so it is left out: "
            "a total is not a series of its own (rename it in the file to forecast it).") \
        in panel.notices
    off = load_panel(long({**STORES, "合计": SUM * 2}), layout="long", id_cols=["门店"])
    assert off.ids[-1] == "合计" and off.n_series == 4
    assert ("The series '合计' is named as a total but is not the sum of the other series, so it "
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
    assert said == ["The series '北方 · 小计', '南方 · 小计', '合计 · (blank)' are the sums of the "
                    "other series date by date, so they are left out: a total is not a series of "
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
