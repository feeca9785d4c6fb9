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
        at.radio(key="fc_kind").set_value("My own file").run()
        at.file_uploader(key="fc_upload").upload("shop.csv", MESSY, "text/csv").run()
        assert not at.exception, [e.value for e in at.exception]
        return [c.value for c in at.caption]

    english, chinese = notices("en"), notices("zh")
    assert any("decimal comma" in n for n in english), english
    assert any("逗号作小数点" in n for n in chinese), chinese
    assert not any("decimal comma" in n for n in chinese)


def test_a_sentence_made_in_english_is_said_again_in_chinese(chinese):
    from lstm_app.i18n import again, capitalized, listing, sentences, trn
    with speaking("en"):
        made = sentences(
            trn("{count:,} row with a blank text was left out.",
                "{count:,} rows with a blank text were left out.", 3),
            tr("{model} was left out of the scoreboard: its forecasts were not all numbers on "
               "this series.", model=capitalized(tr("simply {rule}", rule=listing(
                   [tr("Drift"), "my column"])))))
    assert made.startswith("3 rows with a blank text were left out. Simply ")
    said = again(made)
    assert said == (tr("{count:,} row with a blank text was left out.", count=3)
                    + tr("{model} was left out of the scoreboard: its forecasts were not all "
                         "numbers on this series.", model=tr("simply {rule}", rule=tr(
                             "Drift") + "、my column")))
    assert "漂移法" in said and "my column" in said
    assert again("a plain str") == "a plain str"
    with speaking("en"):
        assert again(said) == made  # and back


def test_a_saved_runs_notices_are_said_again_and_a_forged_form_is_read_as_text(chinese):
    import json
    from lstm_app.i18n import again, said_all, said_form
    from lstm_app.series.loading import load_series
    from lstm_app.series.saving import series_files, series_from_files
    with speaking("en"):
        files = series_files(load_series(MESSY, name="messy.csv"))
        english = json.loads(files["series.json"])["notices"]
    assert english and all(n.isascii() or "€" in n for n in english)
    reopened = series_from_files(files).notices
    assert list(reopened) == english  # as saved, until shown
    assert [again(n) for n in reopened] == list(load_series(MESSY, name="messy.csv").notices)
    assert not any(again(n).isascii() for n in reopened)
    # A bundle's own forms: sentences the app does not have, placeholders that reach into
    # objects, values of the wrong kind, nesting without end: read as the text saved.
    forged = [["en", "tr", "{x.__class__.__mro__}", {"x": 1}], ["en", "tr", "Drift", "x"],
              ["en", "trn", "{count:,} row with a blank text was left out.", "p", "3", {}],
              ["en", "tr", "{count:,} row with a blank text was left out.", {"count": "many"}],
              ["xx", "tr", "Drift", {}], ["en", "nonsense"], "text", None, 7, []]
    deep = ["en", "capitalized", "x"]
    for _ in range(50):
        deep = ["en", "capitalized", {"said": deep, "text": "x"}]
    for form in forged:
        (text,) = said_all(["as saved"], [form])
        assert again(text) == "as saved", form
    (text,) = said_all(["as saved"], [deep])  # read to a depth of 8, the rest as its text
    assert again(text) == "X"
    (text,) = said_all(["as saved"], [["en", "tr", "Drift", {}]])  # a form that is right
    assert again(text) == tr("Drift") != "as saved"
    assert said_form("plain") is None


def test_forged_forms_that_reach_into_objects_or_overflow_are_read_as_text(chinese):
    from lstm_app.i18n import again, said_all
    singular = "{count:,} row with a blank text was left out."
    forged = [
        # a counted sentence of the catalog with a plural of the file's own
        ["en", "trn", singular, "{x.__class__.__mro__}", 2, {"x": 1}],
        ["en", "trn", singular, "{count:>20000000}", 2, {}],
        # a sentence of the catalog, a number too large for its format
        ["en", "tr", "first direction ({share:.0%} of the variation)", {"share": 10 ** 400}],
        [["en"], "tr", "Drift", {}], [{"a": 1}, "tr", "Drift", {}],  # a language not a name
        ["en", "call", "os.system", ["true"]], ["en", "call", "builtins.eval", ["1"]]]
    for form in forged:
        (text,) = said_all(["as saved"], [form])
        assert again(text) == "as saved", form


def test_sentences_made_by_rules_of_their_own_are_said_again_in_either_direction(chinese):
    from lstm_app.i18n import again
    from lstm_app.series.calendar import calendar_left_out
    from lstm_app.series.loading import load_series
    quarter_hours = ("time,v\n" + "".join(
        f"2024-01-01 {h:02d}:{m:02d},{h + m}\n" for h in range(24) for m in (0, 15, 30, 45)
        if (h, m) != (5, 30)) + "\n").encode()
    with speaking("en"):
        english = load_series(quarter_hours).notices
        left_out = calendar_left_out("15min", 0)
    chinese_ = load_series(quarter_hours).notices
    assert any("15-minute grid" in n for n in english), english
    assert [again(n) for n in english] == list(chinese_)
    assert again(left_out) == calendar_left_out("15min", 0) != left_out
    with speaking("en"):
        assert [again(n) for n in chinese_] == list(english)  # not "every 15 minutes grid"
        assert again(calendar_left_out("15min", 0)) == left_out


def test_a_saved_panels_notices_are_said_again_in_the_readers_language(chinese):
    from lstm_app.i18n import again
    from lstm_app.series.panel import load_panel
    from lstm_app.series.panel_saving import panel_files, panel_from_files
    data = ("date,store,sales\n" + "".join(f"2024-01-{d:02d},{s},${10 + d + s}\n"
                                           for d in range(1, 29) for s in (1, 2, 3))).encode()
    with speaking("en"):
        panel = load_panel(data, name="stores.csv")
        files = panel_files(panel)
    assert any("Currency signs" in n for n in panel.notices), panel.notices
    reopened = panel_from_files(files).notices
    assert list(reopened) == list(panel.notices)
    assert [again(n) for n in reopened] == list(load_panel(data, name="stores.csv").notices)
