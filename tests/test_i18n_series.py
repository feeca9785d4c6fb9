"""The series core in 简体中文 (issue 17): what the loader repaired, its refusals, the verdicts,
the size advice and the coach's advice are whole Chinese sentences with no English left, while
the English stays what it was."""

import numpy as np
import pandas as pd
import pytest

from lstm_app.i18n import set_language
from lstm_app.series import evaluation, panel_scores, scoreboard
from lstm_app.series.frequency import frequency_words, infer_frequency, time_labels
from lstm_app.series.loading import load_series
from lstm_app.series.metrics import Scores
from lstm_app.series.panel import load_panel
from lstm_app.series.sizing import size_advice
from lstm_app.training.coach import diagnose
from lstm_app.training.trainer import EpochRecord
from tests.chinese import english_left

MESSY = (b"date;sales (\xe2\x82\xac);promo\n"
         b"2020-01-03;12,5;0\n"
         b"2020-01-01;10,0;1\n"
         b"2020-01-02;11,0;0\n"
         b"2020-01-02;13,0;0\n"          # a duplicate date
         b"2020-01-06;oops;1\n"          # a gap of two days, and text for a number
         b"2020-01-07;1.234,5;0\n"       # a thousands separator
         + b"".join(f"2020-01-{d:02d};{d},25;0\n".encode() for d in range(8, 31)))
OWN = ["sales", "'promo'", "'oops'", "'1.234,5'"]  # the file's own words, as quoted


def scores(mae: float, mase: float | None = 1.0) -> Scores:
    return Scores(mae=mae, rmse=mae, mape=None, smape=1.0, mase=mase)


def history(train, val):
    return [EpochRecord(i + 1, t, v) for i, (t, v) in enumerate(zip(train, val))]


def test_the_repairs_of_a_messy_file_are_said_in_chinese(chinese):
    series = load_series(MESSY, name="shop.csv")
    notes = list(series.notices)
    assert len(notes) >= 5, notes
    assert any("逗号作小数点" in n for n in notes)
    assert any("重复的时间戳" in n for n in notes)
    assert any("已按日期排序" in n for n in notes)
    assert any("每日时间网格" in n and "已补上" in n for n in notes)
    assert any("千位分隔符" in n for n in notes)
    assert english_left(notes, allowed=OWN) == [], notes
    assert frequency_words(series.freq_label) == "每日" and series.freq_label == "daily"


def test_the_same_file_in_english_is_said_as_before():
    notes = load_series(MESSY, name="shop.csv").notices
    assert "Numbers use a decimal comma (for example '12,5' is read as 12.5)." in notes
    assert "1 duplicate timestamp was found; rows with the same time were averaged into one." \
        in notes
    assert "2 dates were missing from the daily grid and were added." in notes


def test_a_bad_file_is_refused_in_chinese(chinese):
    for data, words in ((b"", "文件是空的"), (b"date,sales\n2020-01-01,5\n", "只有一行数据"),
                        (b"PK\x03\x04rest", "无法读取这个工作簿"),
                        (b"\xd0\xcf\x11\xe0" + "EncryptionInfo".encode("utf-16-le"),
                         "这个工作簿设了密码")):
        with pytest.raises(ValueError) as refused:
            load_series(data)
        assert words in str(refused.value)
        assert english_left([str(refused.value)]) == []
    with pytest.raises(ValueError) as refused:
        load_series(MESSY, value_col="price")
    assert "不是这个文件中的数值列" in str(refused.value)
    assert english_left([str(refused.value)], allowed=["'price'", *OWN]) == []


def test_a_panel_says_its_repairs_in_chinese(chinese):
    rows = ["store,date,sales"]
    for store in ("north", "south"):
        for day in range(1, 29):
            if not (store == "south" and day in (5, 6)):  # a gap
                rows.append(f"{store},2021-03-{day:02d},{day * 2}")
    rows.append("north,2021-03-03,7")  # a duplicate
    panel = load_panel("\n".join(rows).encode(), name="stores.csv")
    notes = list(panel.notices)
    assert any("重复的时间戳" in n for n in notes) and any("已补上" in n for n in notes)
    assert english_left(notes, allowed=["'store'", "'sales'", "'north'", "'south'"]) == [], notes


def test_the_verdicts_are_chinese(chinese):
    rules = {"naive": scores(10.0), "seasonal_naive": scores(12.0), "drift": scores(11.0)}
    said = [evaluation.verdict(scores(8.0), rules, 12, "MS"),
            evaluation.verdict(scores(10.05), rules, 12, "MS"),
            evaluation.verdict(scores(13.0), rules, 7, "D")]
    assert "三条简单规则" in said[0] and "比重复最后一个值接近实际情况 20%" in said[0]
    labels = {"auto_ets": "AutoETS", "combination": "LSTM 与 AutoETS 的平均"}
    rows = {**rules, "auto_ets": scores(9.0), "combination": scores(8.5)}
    said += [scoreboard.verdict(scores(7.0), rows, labels, evaluation.rules(12, "MS")),
             scoreboard.verdict(scores(12.0), rows, labels, evaluation.rules(12, "MS")),
             evaluation.coverage_note({"80": 0.5, "95": 0.6})]
    summary = {"reference": "seasonal_naive", "series": 40,
               "lstm": {"mase": 0.91, "beats_reference": 31},
               "seasonal_naive": {"mase": 1.19, "beats_reference": 0},
               "auto_ets": {"mase": 0.95, "beats_reference": 25}}
    said.append(panel_scores.verdict(summary, {"auto_ets": "AutoETS"}, "推荐：AutoETS。"))
    assert "季节性朴素法" in said[-1] and " " not in said[-1].split("。")[1][:2]
    assert english_left(said) == [], said


def test_the_size_advice_in_both_languages(chinese):
    kind, words = size_advice(621 * 200, 65, num_layers=2)
    assert kind == "too_big" and words.startswith("网络有 **124,200** 个权重")
    assert "隐藏单元" in words and english_left([words]) == []
    set_language("en")
    assert size_advice(621, 65, 1) == ("ok", "The network has **621** weights to learn from "
                                             "**65** training windows.")


def test_the_coach_advises_in_chinese(chinese):
    settings = {"hidden_size": 64, "num_layers": 1, "dropout": 0.1, "lr": 0.003, "epochs": 20,
                "lookback": 12}
    train = [1.0, 0.7, 0.5, 0.4, 0.3, 0.25, 0.2, 0.15, 0.1]
    val = [1.1, 0.8, 0.6, 0.55, 0.57, 0.6, 0.64, 0.7, 0.75]
    found = diagnose(history(train, val), settings, weights=50_000, examples=100,
                     too_big_ratio=200, beats_simple_rules=False, season=12,
                     best_rule=evaluation.rules(12, "MS")["seasonal_naive"])
    assert {d.kind for d in found} >= {"overfitting", "no_better"}
    overfitting = next(d for d in found if d.kind == "overfitting")
    assert overfitting.title == "模型过拟合了" and overfitting.change_label == "丢弃率 0.1 → 0.3"
    assert "第 4 轮" in overfitting.explanation
    words = [text for d in found for text in (d.title, d.explanation, d.change_label)]
    assert english_left(words) == [], words


def test_time_labels_and_frequencies_in_chinese(chinese):
    months = pd.date_range("1960-11-01", periods=2, freq="MS")
    assert time_labels(months, "MS") == ["1960年11月", "1960年12月"]
    assert time_labels(pd.RangeIndex(2), None) == ["第 1 行", "第 2 行"]
    days = pd.date_range("2023-05-13", periods=2, freq="D")  # as the charts write them
    assert time_labels(days, "D") == ["2023年5月13日", "2023年5月14日"]
    assert time_labels(days + pd.Timedelta(hours=9), "D") == ["2023年5月13日 09:00",
                                                              "2023年5月14日 09:00"]
    weekly = pd.date_range("2024-01-01", periods=5, freq="W-MON")
    assert frequency_words(infer_frequency(weekly)[1]) == "每周（周一）"
    assert frequency_words("every 15 minutes") == "每 15 分钟"
    set_language("en")
    assert time_labels(months, "MS") == ["Nov 1960", "Dec 1960"]
    assert frequency_words("every 15 minutes") == "every 15 minutes"
    assert np.array_equal(time_labels(pd.RangeIndex(1), None), ["row 1"])
