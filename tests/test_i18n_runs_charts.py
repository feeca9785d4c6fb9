"""The Runs page and every chart in 简体中文 (issue 17): no English left but the user's own names
and the runs' ids, while what is stored (the runs' task and status, the CSV, the widgets'
values) stays English."""

import json

import numpy as np
import pandas as pd
import pytest

from lstm_app import charts, inside_charts, loss_charts
from lstm_app.i18n import set_language
from lstm_app.runs.table import runs_csv, settings_summary
from lstm_app.training.trainer import EpochRecord
from tests.chinese import _chart_words, english_left
from tests.test_app_runs import stored_run
from tests.test_i18n_pages import no_english

DATES = pd.date_range("2020-01-01", periods=12, freq="MS", name="month")
HISTORY = [EpochRecord(1, 1.0, 0.9, 0.003, 1.0), EpochRecord(2, 0.8, 0.7, 0.003, 2.0)]


@pytest.fixture
def chinese():
    set_language("zh")
    yield
    set_language("en")


def words(fig) -> list[str]:
    return _chart_words(json.loads(fig.to_json()))


def every_chart() -> list:
    frame = pd.DataFrame({"passengers": np.arange(12.0) + 100, "price": np.linspace(1, 2, 12)},
                         index=DATES)
    forecast = np.array([112.0, 113.0])
    future = pd.DataFrame({"time": pd.date_range("2021-01-01", periods=2, freq="MS"),
                           "forecast": forecast, "lower_80": forecast - 1,
                           "upper_80": forecast + 1, "lower_95": forecast - 2,
                           "upper_95": forecast + 2})
    backtest = pd.DataFrame({
        "origin": [DATES[7], DATES[7], DATES[8], DATES[8]], "step": [1, 2, 1, 2],
        "time": [DATES[8], DATES[9], DATES[9], DATES[10]], "actual": [108.0, 109, 109, 110],
        "forecast": [108.5, 109.5, 109.2, 110.4], "lower_80": [107.5, 108.5, 108.2, 109.4],
        "upper_80": [109.5, 110.5, 110.2, 111.4], "lower_95": [106.5, 107.5, 107.2, 108.4],
        "upper_95": [110.5, 111.5, 111.2, 112.4], "seasonal_naive": [106.0, 106.5, 106.5, 107]})
    steps = pd.Series(np.arange(20.0), index=pd.RangeIndex(20, name="step"))  # row order
    history = frame["passengers"]
    return [
        charts.series_chart(frame, "passengers", ["price"],
                            spans={"train": (0, 8), "validation": (8, 10), "test": (10, 12)}),
        charts.series_chart(steps.to_frame("load"), "load"),
        loss_charts.loss_chart(HISTORY),
        loss_charts.loss_chart(HISTORY, perplexity=True, log_y=True),
        charts.validation_chart(DATES[:3], [1, 2, 3], [1, 2, 3], "passengers"),
        charts.backtest_chart(backtest, history, "passengers"),
        charts.backtest_chart(backtest, history, "passengers", origin=DATES[8],
                              origin_label="2020-09"),
        charts.forecast_chart(history, future, "passengers"),
        charts.forecast_chart(history, future.iloc[:1], "passengers", method="seasonal naive"),
        charts.forecast_chart(history, future, "passengers", base=future),
        charts.small_multiples([("a", DATES, np.arange(12.0), np.arange(12.0))], "标题"),
        loss_charts.runs_loss_chart([("mine (abc123)", HISTORY)]),
        inside_charts.state_heatmap(np.ones((2, 3)), [1, 2, 3], "遗忘门", gate=True),
        inside_charts.pca_chart(np.ones((3, 2)), ["x", "y", "z"], (0.5, 0.2), "隐藏状态"),
        inside_charts.attribution_chart(DATES[:2], [1.0, 2.0], [0.1, 0.2], "passengers"),
    ]


def test_every_chart_in_chinese_has_no_english_words(chinese):
    own = ["passengers", "price", "load", "month", "mine", "abc123", "a"]
    for fig in every_chart():
        texts = words(fig)
        assert texts and english_left(texts, own) == [], (fig.layout.title.text, texts)
        # numbers written whole (18,000,000), not with the English 18M
        assert fig.layout.yaxis.exponentformat == "none" and fig.layout.yaxis.separatethousands
        assert all(t.colorbar.exponentformat == "none" for t in fig.data if "colorbar" in t)


def test_the_charts_in_english_are_as_they_were():
    figures = every_chart()
    assert [t.name for t in figures[2].data] == ["train", "validation", "best"]
    assert figures[7].layout.title.text == "Forecast: the next 2 steps"
    assert figures[11].data[0].name == "mine (abc123): validation"
    assert figures[12].data[0].hovertemplate == "%{y}, step %{x}: %{z:.3f}<extra></extra>"
    assert figures[12].data[0].y == ("unit 0", "unit 1")
    assert figures[13].layout.xaxis.title.text == "first direction (50% of the variation)"
    assert figures[7].layout.yaxis.exponentformat is None  # Plotly's own k and M in English


def test_a_runs_settings_in_chinese(chinese):
    assert settings_summary({"cell": "lstm", "hidden_size": 16, "num_layers": 1, "lr": 0.01,
                             "level": "char", "seq_len": 32}) == \
        "LSTM 16×1，学习率 0.01，按字符，序列长度 32"
    assert settings_summary({"hidden_size": 8, "num_layers": 2, "lookback": 12,
                             "horizon": 6}) == "LSTM 8×2，回看窗口 12，预测步长 6"
    # while a training has not yet chosen them
    assert settings_summary({"hidden_size": 8, "num_layers": 2, "lookback": "auto",
                             "horizon": "auto"}) == "LSTM 8×2，回看窗口 自动，预测步长 自动"


def test_the_runs_page_in_chinese_compares_runs_of_two_tasks(apps, app_store):
    text = {"hidden_size": 16, "num_layers": 1, "cell": "lstm", "lr": 0.01, "level": "word",
            "seq_len": 5, "bidirectional": False}
    ids = [stored_run(app_store, "first try"), stored_run(app_store, "words", task="text",
                                                           data="keras.txt", config=text),
           stored_run(app_store, "still going", status="running")]
    own = ["first try", "words", "still going", "airline_passengers.csv", "keras.txt",
           "first try is finished.", "words is finished.",  # the runs' stored messages
           *ids, *(i[:6] for i in ids)]
    at = apps("pages/runs.py")
    at.query_params["lang"] = "zh"
    at.run()
    no_english(at, own)
    assert at.multiselect(key="runs_task").options == ["预测", "多序列预测", "文本", "分类"]
    at.multiselect(key="runs_status").select("running").run()  # the value stays English
    assert at.session_state["runs_status"] == ["running"]
    [grid] = [d for d in at.dataframe if str(d.key or "").startswith("runs_table_")]
    assert list(grid.value["状态"]) == ["训练中"] and list(grid.value["名称"]) == ["still going"]
    at.multiselect(key="runs_status").unselect("running").run()
    [grid] = [d for d in at.dataframe if str(d.key or "").startswith("runs_table_")]
    at.session_state[grid.key] = {"selection": {"rows": [0, 1, 2], "columns": [], "cells": []}}
    at.run()
    no_english(at, own)
    at.toggle(key="runs_every_setting").set_value(True).run()
    no_english(at, own)
    at.session_state[grid.key] = {"selection": {"rows": [2], "columns": [], "cells": []}}
    at.run()
    no_english(at, own)
    with_language = runs_csv(app_store.list())  # the CSV is data: English, whatever is shown
    assert with_language.splitlines()[0].startswith('\ufeff"id","best val loss","test MASE"')
    assert '"forecast"' in with_language and '"finished"' in with_language


def test_the_onnx_export_in_chinese(apps, app_store):
    """The export's caption, table and download in Chinese (without INT8: the sentence comparing
    the two forms comes from export/onnx_export.py)."""
    from tests.test_app_runs import recorded_text
    run_id, _ = recorded_text(app_store, epochs=1)
    own = ["keras_toy_sentence.txt", run_id, run_id[:6]]
    at = apps("pages/runs.py")
    at.query_params["lang"] = "zh"
    at.run()
    [grid] = [d for d in at.dataframe if str(d.key or "").startswith("runs_table_")]
    at.session_state[grid.key] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    at.checkbox(key="runs_onnx_int8").uncheck().run()
    at.button(key="runs_onnx").click().run(timeout=300)
    no_english(at, own + [app_store.get(run_id).message])
    [frame] = [d.value for d in at.dataframe if "形式" in d.value.columns]
    assert list(frame.columns) == ["形式", "大小（KB）", "批大小为 1 时的延迟（ms）",
                                   "验证集上每个词元的奈特数"]
    assert list(frame["形式"]) == ["PyTorch", "ONNX fp32"]
