"""What one reader's language must not change (issue 17): caches every session shares give
each reader their own language, and what is written for other programs (the runs CSV, a
forecast's method labels kept in results and runs, a default data name) stays English."""

from lstm_app.csv_table import read_csv_table
from lstm_app.i18n import set_language, speaking, tr
from lstm_app.runs.store import RunStore
from lstm_app.runs.table import runs_csv, shown_table
from lstm_app.series import statistical_saved
from lstm_app.series.scoreboard import COMBINED, method_label
from tests.test_i18n_series import MESSY


def test_speaking_sets_a_language_only_within(chinese):
    with speaking("en"):
        assert tr("Train") == "Train"
    assert tr("Train") == "训练"


def test_the_runs_csv_stays_english_while_the_page_reads_chinese(tmp_path, chinese):
    store = RunStore(tmp_path / "home")
    store.create("forecast", "sales", {"hidden_size": 8, "num_layers": 1, "lr": 0.003,
                                       "cell": "lstm", "lookback": 24, "horizon": 6},
                 data_name="air.csv", data_rows=144, data_hash="f00d")
    written = runs_csv(store.list())
    assert "LSTM 8×1, lr 0.003, lookback 24, horizon 6" in written and "学习率" not in written
    shown = shown_table(store.list())
    assert shown.iloc[0][tr("settings")].startswith("LSTM 8×1，学习率 0.003")


def test_a_combination_is_kept_in_english_and_shown_in_the_readers_language(chinese):
    label = COMBINED.format(model="AutoETS")
    assert label == "mean of the LSTM and AutoETS"
    assert method_label(label) == tr(COMBINED, model="AutoETS") != label
    assert "AutoETS" in method_label(label)
    assert method_label("AutoETS") == "AutoETS"
    set_language("en")
    assert method_label(label) == label


def test_kept_statistical_forecasts_are_per_language(chinese):
    chinese_key = statistical_saved.key("one series", 24, 12)
    with speaking("en"):
        assert statistical_saved.key("one series", 24, 12) != chinese_key


def test_data_without_a_name_is_named_in_english(chinese):
    assert read_csv_table(MESSY, None, [])[1] == "uploaded data"


def test_the_forecast_pages_notices_follow_each_readers_language(apps, app_store):
    """The loader's cache is shared by every session: an English reader first, then a Chinese
    one on the same file, each reads the notices in their own language."""
    def notices(language: str) -> list[str]:
        at = apps("pages/forecast.py")
        at.query_params["lang"] = language
        at.run()
        at.radio(key="fc_kind").set_value("My own CSV").run()
        at.file_uploader(key="fc_upload").upload("shop.csv", MESSY, "text/csv").run()
        assert not at.exception, [e.value for e in at.exception]
        return [c.value for c in at.caption]

    english, chinese = notices("en"), notices("zh")
    assert any("decimal comma" in n for n in english), english
    assert any("逗号作小数点" in n for n in chinese), chinese
    assert not any("decimal comma" in n for n in chinese)
