"""Every page in Chinese after a training shows no English (issue 17): the Forecast page with
one series and with a panel, Text, Classify, Inside the LSTM on each kind of run, and Runs
with a run selected. The user's own words (column names, file names, series ids) may stay as
they are; names such as LSTM, CSV and MASE are allowed (tests/chinese.py)."""

import pytest

from tests.chinese import english_left, visible_text
from tests.conftest import SAMPLES, poll

FORECAST, TEXT, CLASSIFY = "pages/forecast.py", "pages/text.py", "pages/classify.py"
INSIDE, RUNS = "pages/inside.py", "pages/runs.py"


def chinese(apps, page: str):
    at = apps(page)
    at.query_params["lang"] = "zh"
    return at


def no_english(at, allowed=()) -> None:
    assert not at.exception, [e.value for e in at.exception]
    texts = [t for t in visible_text(at) if english_left([t], allowed)]
    assert texts == [], "English left on the page:\n" + "\n".join(
        f"  {t[:160]!r}" for t in dict.fromkeys(texts))
    # Streamlit writes a multiselect's "Select all" in English only: not offered here
    assert [m.label for m in at.multiselect if m.proto.select_all] == []


def small(at, prefix: str, **values) -> None:
    for name, value in values.items():
        at.session_state[f"{prefix}_{name}"] = value


def subheaders(at) -> list[str]:
    return [s.value for s in at.subheader]


def inside_and_runs(at, store, allowed=()) -> None:
    """Inside the LSTM on the run just trained, then the Runs page with it selected. The runs'
    ids (and their first six, as labels show them) are allowed: a random one may be all
    letters, like "fbcafd"."""
    allowed = [*allowed, *(i for run in store.list() for i in (run.id, run.id[:6]))]
    at.switch_page(INSIDE).run()
    no_english(at, allowed)
    at.switch_page(RUNS).run()
    no_english(at, allowed)
    grid = next(d for d in at.dataframe if d.key and str(d.key).startswith("runs_table_"))
    at.session_state[grid.key] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    no_english(at, allowed)


def test_the_forecast_page_with_one_series(apps, app_store):
    at = chinese(apps, FORECAST)
    small(at, "fc", epochs=2, hidden_size=8, num_layers=1)
    at.run()
    own = ["airline_passengers", "month", "passengers"]  # the sample's file and columns
    no_english(at, own)
    at.button(key="fc_train").click().run()
    at = poll(at, lambda a: a.session_state["fc_job"].snapshot().done
              and "测试集上的得分" in subheaders(a), "the forecast's results", 120)
    no_english(at, own)
    inside_and_runs(at, app_store, own)


def test_the_forecast_page_with_a_panel(apps, app_store):
    from tests.test_app_panel import NAME, shops_csv
    at = chinese(apps, FORECAST)
    small(at, "fc", epochs=2, hidden_size=8, num_layers=1)
    at.run()
    at.radio(key="fc_kind").set_value("My own file").run()
    at.file_uploader(key="fc_upload").upload(NAME, shops_csv(), "text/csv").run()
    own = ["shops", "csv", "date", "shop", "sales", "Berlin", "Paris, FR", "Köln",
           "<b>Bold</b> [link](http://x.example)"]
    no_english(at, own)
    at.button(key="fc_train").click().run()
    at = poll(at, lambda a: a.session_state["fc_job"].snapshot().done and len(a.dataframe) > 1,
              "the panel's results", 120)
    no_english(at, own)
    inside_and_runs(at, app_store, own)


def test_the_text_page(apps, app_store):
    at = chinese(apps, TEXT)
    at.run()
    at.selectbox(key="tx_sample").set_value("lstm_zh").run()
    small(at, "tx", hidden_size=16, embedding_dim=8, num_layers=1, epochs=1)
    at.run()
    # The sample's file name, and the one letter of its text (of "LSTM") not among the names
    # allowed: Inside labels each step with its token, e.g. "20:L".
    own = ["lstm_zh.txt", "L"]
    no_english(at, own)
    at.button(key="tx_train").click().run()
    at = poll(at, lambda a: a.session_state["tx_job"].snapshot().done and a.metric,
              "the text's results", 120)
    no_english(at, own)
    inside_and_runs(at, app_store, own)


def test_the_classify_page(apps, app_store):
    own = ["hotel_reviews_zh.csv", "review", "label", "positive", "negative"]  # the sample's
    at = chinese(apps, CLASSIFY)
    small(at, "cl", hidden_size=8, embedding_dim=8, epochs=1, max_length=40, minutes=0.0,
          patience=0)
    at.run()
    no_english(at, own)
    at.button(key="cl_train").click().run()
    at = poll(at, lambda a: a.session_state["cl_job"].snapshot().done and
              "各个类别" in subheaders(a), "the classifier's results", 120)
    no_english(at, own)
    inside_and_runs(at, app_store, own)


@pytest.mark.parametrize("page", [INSIDE, RUNS])
def test_a_page_without_any_run(apps, app_store, page):
    at = chinese(apps, page)
    at.run()
    no_english(at)


def test_a_run_trained_in_english_says_how_it_ended_in_chinese(apps, app_store):
    from lstm_app.i18n import speaking
    from lstm_app.training.endings import ending_message
    from lstm_app.training.trainer import TrainResult
    from tests.test_app_runs import stored_run

    run_id = stored_run(app_store, "mine")
    with speaking("en"):
        message = ending_message(TrainResult(best_epoch=3, best_val_loss=0.4))
    app_store.finish(run_id, "finished", message, best_epoch=3, best_val_loss=0.4)
    at = chinese(apps, RUNS)
    at.run()
    grid = next(d for d in at.dataframe if d.key and str(d.key).startswith("runs_table_"))
    at.session_state[grid.key] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    about = next(m.value for m in at.markdown if run_id in m.value)
    assert "训练跑完了所有轮" in about and "（0.4）" in about and "Training" not in about
    no_english(at, ["mine", run_id, run_id[:6], "airline_passengers", "airline", "passengers"])


@pytest.mark.parametrize("page,prefix,settings,own", [
    (FORECAST, "fc", dict(epochs=2, hidden_size=8, num_layers=1),
     ["airline_passengers", "month", "passengers"]),
    (TEXT, "tx", dict(hidden_size=16, embedding_dim=8, num_layers=1, epochs=1),
     ["shakespeare_excerpt.txt", "shakespeare_excerpt", "First", "Citizen"]),  # its prompt
    (CLASSIFY, "cl", dict(hidden_size=8, embedding_dim=8, epochs=1, max_length=40, minutes=0.0,
                          patience=0),
     ["hotel_reviews_zh.csv", "review", "label", "positive", "negative"])])
def test_results_trained_in_english_are_read_in_chinese_after_a_switch(apps, app_store, page,
                                                                         prefix, settings, own):
    """The verdict and the notices scoring wrote in English (in the worker) are said again in
    the language the reader switches to; the run is not trained again."""
    at = apps(page)
    at.query_params["lang"] = "en"
    small(at, prefix, **settings)
    at.run()
    at.button(key=f"{prefix}_train").click().run()
    at = poll(at, lambda a: a.session_state[f"{prefix}_job"].snapshot().done and (
        a.success or a.warning or a.info) and len(subheaders(a)) > 2, "the results", 120)
    job = at.session_state[f"{prefix}_job"]
    at.query_params["lang"] = "zh"
    at.run()
    assert at.session_state[f"{prefix}_job"] is job
    no_english(at, own)


def test_a_run_uploaded_in_english_shows_its_repairs_in_chinese_when_reopened(apps, app_store):
    """What the loader repaired at the first upload (series.json's notices, kept with how they
    were said) is shown in the language of the reader who reopens the run."""
    from lstm_app.i18n import speaking
    from lstm_app.runs.recording import record, start_run
    from lstm_app.series.loading import load_series
    from lstm_app.series.settings import ForecastConfig
    rows = "".join(f"2024-{1 + d // 30:02d}-{1 + d % 30:02d},${100 + d % 7}\n" for d in range(60))
    with speaking("en"):
        series = load_series(("date,visitors\n" + rows).encode(), name="visitors.csv")
        config = ForecastConfig(statistical_seconds=0, hidden_size=8, num_layers=1, epochs=1)
        run_id = start_run(app_store, "forecast", series, config, "visitors.csv", series.name)
        record(app_store.home, run_id, "forecast", series, config)
    assert any("Currency signs" in n for n in series.notices)
    at = chinese(apps, FORECAST)
    at.query_params["run"] = run_id
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    captions = " ".join(c.value for c in at.caption)
    assert "这个文件第一次上传时" in captions and "Currency signs" not in captions, captions


def test_a_text_run_that_learnt_is_judged_in_chinese_when_reopened_after_a_switch(apps,
                                                                                  app_store):
    """A newcomer saw the Shakespeare demo's verdict ("…with 54% less uncertainty") stay in
    English after switching to Chinese."""
    from lstm_app.i18n import speaking
    from lstm_app.runs.recording import record, start_run
    from lstm_app.text.settings import TextConfig
    text = (SAMPLES / "shakespeare_excerpt.txt").read_text(encoding="utf-8")[:30000]
    config = TextConfig(hidden_size=64, embedding_dim=16, num_layers=1, epochs=3,
                        batch_size=16, seq_len=50, patience=0, lr=0.01)
    with speaking("en"):
        run_id = start_run(app_store, "text", text, config, "bard", "bard.txt")
        record(app_store.home, run_id, "text", text, config)
    at = apps(TEXT)
    at.query_params["lang"] = "en"
    at.query_params["run"] = run_id
    at.run()
    said = [s.value for s in [*at.success, *at.info, *at.warning]]
    assert any("less uncertainty" in s for s in said), said
    at.query_params["lang"] = "zh"
    at.run()
    no_english(at, ["bard.txt", "bard", "First", "Citizen"])


def test_a_text_run_trained_in_another_tab_in_english_opens_in_chinese(apps, app_store):
    """The run is still in this server's memory (trained in another tab, in English): its
    address, opened in Chinese, says its verdict in Chinese."""
    first = apps(TEXT)
    first.query_params["lang"] = "en"
    small(first, "tx", hidden_size=64, embedding_dim=16, num_layers=1, epochs=3, lr=0.01)
    first.run()
    first.button(key="tx_train").click().run()
    first = poll(first, lambda a: a.session_state["tx_job"].snapshot().done and a.metric,
                 "the text's results", 180)
    run_id = first.session_state["tx_job"].run_id
    verdict = str(first.session_state["tx_job"].result().verdict)
    assert "less uncertainty" in verdict, verdict
    at = chinese(apps, TEXT)
    at.query_params["run"] = run_id
    at.run()
    no_english(at, ["shakespeare_excerpt.txt", "shakespeare_excerpt", "First", "Citizen"])
