"""Inside the LSTM in Chinese (issue 17) on every kind of network it opens: a single series with
an LSTM, a panel with calendar inputs and a series embedding, a two-layer GRU text model, and
a bidirectional peephole classifier. The user's own words (file, column and series names, run
ids, the text's own characters) may stay as they are."""

import pytest

from lstm_app.runs.recording import record, start_run
from tests.conftest import SAMPLES
from tests.test_i18n_pages import INSIDE, chinese, no_english


def saved(store, task: str, data, config, name: str, data_name: str) -> str:
    """The id of a run of ``data`` saved as ``name``, trained."""
    run_id = start_run(store, task, data, config, name, data_name)
    record(store.home, run_id, task, data, config)
    return run_id


def test_a_forecast_and_a_panel(apps, app_store):
    from lstm_app.series.loading import load_series
    from lstm_app.series.panel import load_panel
    from lstm_app.series.settings import ForecastConfig
    from tests.test_inside_panel import shops_csv

    series = load_series(SAMPLES / "airline_passengers.csv")
    run_id = saved(app_store, "forecast", series,
                   ForecastConfig(statistical_seconds=0, hidden_size=6, epochs=1), "airline",
                   series.name)
    own = ["airline", series.name, run_id, run_id[:6], "month", "passengers"]
    at = chinese(apps, INSIDE).run()
    no_english(at, own)
    assert [s.value for s in at.subheader] == ["它的输入", "逐步查看", "门和状态随时间的变化",
                                               "把隐藏状态当作特征"]

    panel = load_panel(shops_csv(), id_cols=["shop"], name="shops.csv")
    config = ForecastConfig(statistical_seconds=0, hidden_size=6, num_layers=2, epochs=1,
                            id_col=("shop",), id_embedding=3, calendar=True)
    run_id = saved(app_store, "panel", panel, config, "shops", "shops.csv")
    own += ["shops", "shops.csv", run_id, "date", "shop", "sales"]
    at = chinese(apps, INSIDE).run()
    at.selectbox(key="in_model").set_value(f"Saved run {run_id}").run()
    at.radio(key="in_layer").set_value(1).run()
    no_english(at, own)
    assert any("日历输入和序列编号保持不变" in c.value for c in at.caption)
    at.selectbox(key="in_series").set_value("shop 3").run()  # it ends before the test span
    no_english(at, own)
    assert any("测试集之前就结束了" in c.value for c in at.caption)


@pytest.mark.parametrize("cell", ["gru", "peephole"])
def test_a_text_model_and_a_bidirectional_classifier(apps, app_store, cell):
    from lstm_app.classify.labelled import load_labelled
    from lstm_app.classify.settings import ClassifyConfig
    from lstm_app.text.settings import TextConfig
    from tests.test_classify import csv_bytes, reviews

    data = load_labelled(csv_bytes(reviews(60)), "reviews.csv")
    config = ClassifyConfig(hidden_size=4, embedding_dim=4, epochs=1, max_length=30, cell=cell,
                            bidirectional=True, num_layers=2)
    run_id = saved(app_store, "classify", data, config, "reviews", data.name)
    own = ["reviews", data.name, run_id, run_id[:6], *data.classes]
    at = chinese(apps, INSIDE).run()
    no_english(at, own)
    assert at.radio(key="in_layer").options == ["第 1 层，正向", "第 1 层，反向（从末尾读起）",
                                                "第 2 层，正向", "第 2 层，反向（从末尾读起）"]
    at.radio(key="in_layer").set_value(3).run()
    no_english(at, own)
    assert any("反向 LSTM 从文本的最后一个词元" in c.value for c in at.caption)

    text = "中文的长短期记忆网络。" * 40
    config = TextConfig(hidden_size=8, embedding_dim=4, num_layers=2, cell=cell, epochs=1,
                        batch_size=4, length=10)
    run_id = saved(app_store, "text", text, config, "notes", "notes.txt")
    own += ["notes", "notes.txt", run_id]
    at = chinese(apps, INSIDE).run()
    at.selectbox(key="in_model").set_value(f"Saved run {run_id}").run()
    no_english(at, own)
    assert "追踪某种性质的单元" in [s.value for s in at.subheader]
    at.text_area(key="in_snippet").set_value("").run()
    assert [w.value for w in at.warning] == ["请输入一段要查看的文本。"]
