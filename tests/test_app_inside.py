"""The Inside the LSTM page, driven with AppTest: a saved forecast run and a saved text run."""

import re

import pytest
import torch

from lstm_app.inside.explain import forecast_trace
from lstm_app.inside.series_input import series_input
from lstm_app.runs.recording import record, start_run
from lstm_app.series.calendar import calendar_features
from lstm_app.series.known import network_table
from lstm_app.series.loading import load_series
from lstm_app.series.settings import ForecastConfig
from lstm_app.text.settings import TextConfig
from tests.conftest import SAMPLES, shown

INSIDE = "pages/inside.py"


@pytest.fixture
def store(app_store):
    return app_store



def test_without_any_model_the_page_says_where_to_train(apps, store):
    at = apps(INSIDE).run()
    assert not at.exception
    assert any("Train a model first" in i.value for i in at.info)


def test_a_run_that_failed_before_saving_weights_is_not_offered(apps, store):
    series = load_series(SAMPLES / "airline_passengers.csv")
    config = ForecastConfig(statistical_seconds=0, lookback=120, horizon=12, epochs=1)
    run_id = start_run(store, "forecast", series, config, "too long a lookback", series.name)
    with pytest.raises(ValueError):
        record(store.home, run_id, "forecast", series, config)
    assert store.get(run_id).status == "failed"
    at = apps(INSIDE).run()
    assert not at.exception and not at.warning
    assert any("Train a model first" in i.value for i in at.info)


def test_a_saved_forecast_run_shows_its_own_numbers(apps, store):
    series = load_series(SAMPLES / "airline_passengers.csv")
    config = ForecastConfig(statistical_seconds=0, hidden_size=6, epochs=2)
    run_id = start_run(store, "forecast", series, config, "airline", series.name)
    result = record(store.home, run_id, "forecast", series, config)
    at = apps(INSIDE).run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.latex) == 6 + 6  # the equations, then unit 0's with its numbers
    # each "= …" of C_t and h_t on a line of its own: on a phone one line hid their results
    c_t = at.latex[6 + 3].value
    assert r"\begin{aligned} C_t &= f_t" in c_t and c_t.count(r"\\ &= ") == 2
    assert [s.value for s in at.subheader] == ["Its input", "Step through",
                                               "Gates and states over time",
                                               "Hidden states as features"]
    # The last step of the window before the future: the network's own h, from torch's kernel.
    # It reads the value, then the month of the year as a sine and a cosine, left unscaled.
    assert result.trained.inputs == ("passengers", "month of year (sine)",
                                     "month of year (cosine)")
    assert any(c.value.endswith("Only values read from the data are replaced: the calendar "
                                "inputs stay.") for c in at.caption)  # one series: no number
    store.rename(run_id, "airline \u202eevil")  # a right-to-left override in its name
    shown = apps(INSIDE).run().selectbox[0].options
    assert not any("\u202e" in option for option in shown), shown  # never turns the id around
    table = network_table(series, result.config, result.trained.inputs)[-result.config.lookback:]
    lookback = result.config.lookback
    assert table[:, 1:] == pytest.approx(calendar_features(series.frame.index, "MS")[-lookback:])
    window = torch.as_tensor(result.scaler.transform(table), dtype=torch.float32)[None]
    with torch.no_grad():
        out, _ = result.model.rnn(result.model.rnn_inputs(window))
    [numbers] = [d.value for d in at.dataframe if "h(t)" in d.value.columns]
    assert list(numbers.index) == [0, 1, 2]
    assert numbers.loc[0, "h(t)"] == pytest.approx(float(out[0, -1, 0]), abs=1e-4)
    assert len(at.get("plotly_chart")) == 1 + 5 + 1  # attribution; f, i, o, C, h; the PCA
    traces, _ = forecast_trace(series_input(result), len(series.frame))
    assert traces[0].h.shape == (1, result.config.lookback, 6)


def test_a_run_whose_weights_vanish_is_opened_again_not_shown_from_memory(apps, store):
    series = load_series(SAMPLES / "airline_passengers.csv")
    config = ForecastConfig(statistical_seconds=0, hidden_size=4, epochs=1)
    run_id = start_run(store, "forecast", series, config, "airline", series.name)
    record(store.home, run_id, "forecast", series, config)
    at = apps(INSIDE).run()
    assert not at.exception and not at.warning
    assert len(at.latex) > 0
    [weights] = store.run_dir(run_id).glob("*.safetensors")
    weights.unlink()  # behind the app's back
    at.run()
    assert not at.exception
    assert any(run_id in w.value and "cannot be opened" in w.value for w in at.warning), \
        [w.value for w in at.warning]
    assert len(at.latex) == 0


def saved_forecasts(store, *names: str):
    """Tiny airline forecasts saved as runs, in the order named (the last the newest), and the
    series and settings they were trained with."""
    series = load_series(SAMPLES / "airline_passengers.csv")
    config = ForecastConfig(statistical_seconds=0, hidden_size=4, epochs=1)
    run_ids = [start_run(store, "forecast", series, config, name, series.name) for name in names]
    for run_id in run_ids:
        record(store.home, run_id, "forecast", series, config)
    return run_ids, series, config


def test_the_address_names_the_run_looked_into_and_runs_without_a_network_are_left_out(
        apps, store):
    (older, newer), series, config = saved_forecasts(store, "older", "newer")
    ended = start_run(store, "forecast", series, config, "ended early", series.name)
    store.finish(ended, "interrupted")  # before its first epoch: no weights
    at = apps(INSIDE)
    at.query_params["run"] = older
    at.run()
    assert not at.exception and older in at.selectbox(key="in_model").value
    assert not any(ended in option for option in at.selectbox(key="in_model").options)
    at.selectbox(key="in_model").set_value(f"Saved run {newer}").run()
    assert "run" not in at.query_params  # the address no longer names a run not shown
    at.query_params["run"] = older  # Back: the address names the run shown before
    assert older in at.run().selectbox(key="in_model").value and at.query_params["run"] == older
    for address, said in (("nope", "The address names a run that is not saved here"),
                          (ended, "has no saved weights")):  # named: why it cannot be opened
        fresh = apps(INSIDE)
        fresh.query_params["run"] = address
        fresh.run()
        assert not fresh.exception and any(said in w.value for w in fresh.warning), \
            [w.value for w in fresh.warning]


def test_a_run_renamed_elsewhere_stays_the_one_looked_into(apps, store):
    (first, second), _, _ = saved_forecasts(store, "first", "second")
    at = apps(INSIDE)
    at.query_params["run"] = first
    at.run()  # the older run: not the list's first
    assert first in at.selectbox(key="in_model").value
    store.rename(first, "renamed in another tab")
    at.run()  # (the rename came from another tab; this one reruns on its next click)
    assert not at.exception and first in at.selectbox(key="in_model").value
    assert at.query_params["run"] == first
    assert "renamed in another tab" in at.selectbox(key="in_model").format_func(
        at.selectbox(key="in_model").value)


def test_a_saved_text_run_reads_a_snippet(apps, store):
    text = (SAMPLES / "shakespeare_excerpt.txt").read_text(encoding="utf-8")[:4000]
    config = TextConfig(hidden_size=8, embedding_dim=4, num_layers=2, cell="gru", epochs=1,
                        batch_size=4, length=10)
    run_id = start_run(store, "text", text, config, "bard", "bard.txt")
    record(store.home, run_id, "text", text, config)
    at = apps(INSIDE).run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.latex) == 4 + 4  # the GRU's equations, then with numbers
    at.text_area(key="in_snippet").set_value("ROMEO: hi").run()
    at.switch_page("pages/home.py").run()
    at.switch_page(INSIDE).run()
    assert at.text_area(key="in_snippet").value == "ROMEO: hi"  # typed: kept through a switch
    at.radio(key="in_layer").set_value(1).run()
    assert not at.exception
    assert len(at.get("plotly_chart")) == 3 + 1  # r, z, h, and the PCA
    assert "Units that track something" in [s.value for s in at.subheader]
    [units] = [d.value for d in at.dataframe if "property" in d.value.columns]
    assert set(units["property"]) <= {"inside quotes", "position in the line",
                                      "start of a word", "uppercase"} and len(units) > 0
    at.selectbox(key="in_colour_unit").set_value(3).run()
    assert not at.exception
    at.text_area(key="in_snippet").set_value(text[:1000]).run()  # more than the charts hold
    assert "The network reads the first 400 characters of the 1,000 here: more steps would " \
        "not fit the charts." in [c.value for c in at.caption]
    at.text_area(key="in_snippet").set_value("").run()
    assert [shown(w.value) for w in at.warning] == ["Type a text to look at."]


def test_each_model_opens_on_its_own_text_not_the_last_ones_snippet(apps, store):
    text = (SAMPLES / "shakespeare_excerpt.txt").read_text(encoding="utf-8")[:3000]
    config = TextConfig(hidden_size=8, embedding_dim=4, num_layers=1, epochs=1, batch_size=4,
                        length=10)
    models = []
    for name in ("first", "second"):
        run_id = start_run(store, "text", text, config, name, f"{name}.txt")
        record(store.home, run_id, "text", text, config)
        models.append(f"Saved run {run_id}")
    at = apps(INSIDE).run()
    default = at.text_area(key="in_snippet").value
    at.text_area(key="in_snippet").set_value("").run()  # emptied on one model
    other = next(m for m in models if m != at.selectbox(key="in_model").value)
    at.selectbox(key="in_model").set_value(other).run()
    # shown with the day and time each was made (two runs of one file told apart)
    assert all(re.search(r"^Saved run: (first|second) \(text, 20\d\d-\d\d-\d\d \d\d:\d\d, "
                         r"[0-9a-f]{12}\)$", o) for o in at.selectbox(key="in_model").options)
    assert not at.exception and not at.warning, [w.value for w in at.warning]
    assert at.text_area(key="in_snippet").value == default  # the other model's own text


def test_the_step_and_the_heatmaps_follow_the_input(apps, store):
    import json

    series = load_series(SAMPLES / "airline_passengers.csv")
    config = ForecastConfig(statistical_seconds=0, hidden_size=6, epochs=1, lookback=12, horizon=3)
    run_id = start_run(store, "forecast", series, config, "airline", series.name)
    record(store.home, run_id, "forecast", series, config)
    at = apps(INSIDE).run()
    steps = [s for s in at.select_slider if s.label == "Time step"]
    assert steps[0].value == 11  # the last step of the window before the future
    at.select_slider(key="in_origin").set_value(130).run()  # a forecast made inside the test span
    assert not at.exception
    [step] = [s for s in at.select_slider if s.label == "Time step"]
    assert step.value == 11 and step.key != steps[0].key  # a fresh slider for the new window
    window_end = series.frame.index[129]
    assert any(f"at step {window_end:%b %Y}" in m.value for m in at.markdown), \
        "the equations' step is not the slider's"
    # The gate heatmaps: one column per step, labelled as the page labels dates.
    heatmaps = [json.loads(c.proto.spec) for c in at.get("plotly_chart")
                if '"type":"heatmap"' in c.proto.spec.replace(" ", "")]
    assert heatmaps and len(heatmaps[0]["data"][0]["x"]) == 12


def test_repeated_characters_stay_apart_in_the_heatmaps(apps, store):
    import json

    text = (SAMPLES / "shakespeare_excerpt.txt").read_text(encoding="utf-8")[:4000]
    config = TextConfig(hidden_size=8, embedding_dim=4, num_layers=1, epochs=1, batch_size=4,
                        length=10)
    run_id = start_run(store, "text", text, config, "bard", "bard.txt")
    record(store.home, run_id, "text", text, config)
    at = apps(INSIDE).run()
    snippet = "aaaa bbbb\naaaa"
    at.text_area(key="in_snippet").set_value(snippet).run()
    assert not at.exception
    heatmaps = [json.loads(c.proto.spec) for c in at.get("plotly_chart")
                if '"type":"heatmap"' in c.proto.spec.replace(" ", "")]
    columns = heatmaps[0]["data"][0]["x"]
    assert len(columns) == len(set(columns)) == len(snippet)
    assert columns[:6] == ["1:a", "2:a", "3:a", "4:a", "5:␣", "6:b"] and columns[9] == "10:↵"


def heatmap_specs(at) -> list[dict]:
    import json

    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    return [spec for spec in specs if spec["data"][0]["type"] == "heatmap"]


def step_h(at) -> float:
    [numbers] = [d.value for d in at.dataframe if "h(t)" in d.value.columns]
    return numbers.loc[0, "h(t)"]


def window_h(result, i: int, origin: int) -> float:
    """Unit 0's h at the window's last step, from torch's own LSTM on what the panel's network
    read for series i."""
    from lstm_app.series.panel_windows import network_inputs

    trained, panel = result.trained, result.panel
    rows = network_inputs(panel, trained.mean, trained.std, trained.calendar,
                          trained.config.id_embedding > 0, torch.device("cpu"))
    start = int(panel.starts[i])
    window = rows[start + origin - result.config.lookback:start + origin][None]
    with torch.no_grad():
        out, _ = result.model.rnn(result.model.rnn_inputs(*result.model.split_ids(window)))
    return float(out[0, -1, 0])


def test_a_panel_trained_on_the_forecast_page_is_looked_into_series_by_series(apps, store):
    from tests.conftest import poll
    from tests.test_inside_panel import DAYS, shops_csv

    at = apps("pages/forecast.py")
    for name, value in (("epochs", 2), ("hidden_size", 8), ("num_layers", 1)):
        at.session_state[f"fc_{name}"] = value
    at.run()
    at.radio(key="fc_kind").set_value("My own file").run()
    at.file_uploader(key="fc_upload").upload("shops.csv", shops_csv(), "text/csv").run()
    assert at.radio(key="fc_layout_shops.csv").value == "long"
    assert at.multiselect(key="fc_ids_shops.csv").value == ["shop"]
    at.button(key="fc_train").click().run()
    at = poll(at, lambda a: "Every series" in [s.value for s in a.subheader], "the panel", 120)
    at.selectbox(key="fc_panel_series").set_value("shop 2").run()
    result = at.session_state["fc_job"].result()

    at.switch_page(INSIDE)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="in_model").value == "The panel forecaster on the Forecast page"
    series = at.selectbox(key="in_series")
    assert series.value == "shop 2"  # the series the Forecast page showed
    assert series.options == ["shop 0", "shop 1", "shop 2", "shop 3"]  # shop 4: 10 values
    assert "1 series shorter than the lookback (14) is not listed: the network never reads it." \
        in [c.value for c in at.caption]
    assert step_h(at) == pytest.approx(window_h(result, 2, 60), abs=1e-4)  # before the future

    series.set_value("shop 0").run()
    origin = at.select_slider(key="in_origin")
    assert origin.options[0] == f"{DAYS[102]:%Y-%m-%d}"  # the test span starts on day 102
    origin.set_value(110).run()
    assert not at.exception, [e.value for e in at.exception]
    window_end = f"{DAYS[109]:%Y-%m-%d}"  # the window's last day, before the forecast of day 110
    assert any(f"at step {window_end}" in m.value for m in at.markdown)
    assert step_h(at) == pytest.approx(window_h(result, 0, 110), abs=1e-4)
    assert at.get("plotly_chart")[0].key == "in_attribution"
    heatmaps = heatmap_specs(at)
    assert len(heatmaps) == 5 and len(heatmaps[0]["data"][0]["x"]) == result.config.lookback
    assert heatmaps[0]["data"][0]["x"][-1] == window_end
    assert at.get("plotly_chart")[-1].key == "in_pca"


def test_a_panel_run_opened_from_the_runs_page_is_looked_into_with_its_embedding(apps, store):
    from lstm_app.series.panel import load_panel
    from tests.test_inside_panel import shops_csv

    panel = load_panel(shops_csv(), id_cols=["shop"], name="shops.csv")
    config = ForecastConfig(statistical_seconds=0, hidden_size=8, num_layers=2, epochs=1, id_col=("shop",),
                            id_embedding=3, calendar=True)
    run_id = start_run(store, "panel", panel, config, "shops", "shops.csv")
    result = record(store.home, run_id, "panel", panel, config)
    # The Runs page's "Open it" opens the Forecast page at the run's address.
    at = apps("pages/forecast.py")
    at.query_params["run"] = run_id
    at.run()
    assert not at.exception and at.session_state["fc_job"].run_id == run_id
    shown_series = at.selectbox(key="fc_panel_series").value

    at.switch_page(INSIDE)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="in_series").value == shown_series
    i = panel.ids.index(shown_series)
    assert any("the calendar inputs and the series' number stay" in c.value for c in at.caption)
    at.radio(key="in_layer").set_value(1).run()  # the top layer, whose h torch's LSTM returns
    assert step_h(at) == pytest.approx(window_h(result, i, int(panel.lengths[i])), abs=1e-4)
    assert len(heatmap_specs(at)) == 5
    # The same run, listed as saved, opens too.
    saved = f"Saved run {run_id}"
    at.selectbox(key="in_model").set_value(saved).run()
    assert not at.exception, [e.value for e in at.exception]
    at.selectbox(key="in_series").set_value("shop 3").run()  # closed before the test span
    assert not at.exception, [e.value for e in at.exception]
    assert not [s for s in at.select_slider if s.key == "in_origin"]
    assert any("ends before the test span" in c.value for c in at.caption)
    assert len(heatmap_specs(at)) == 5


@pytest.mark.parametrize("cell", ["lstm", "peephole"])
def test_a_saved_bidirectional_classifier_shows_both_directions(apps, store, cell):
    from lstm_app.classify.labelled import load_labelled
    from lstm_app.classify.settings import ClassifyConfig
    from tests.test_classify import csv_bytes, reviews

    data = load_labelled(csv_bytes(reviews(60)), "reviews.csv")
    config = ClassifyConfig(hidden_size=4, embedding_dim=4, epochs=1, max_length=30,
                            cell=cell, bidirectional=True, num_layers=2)
    run_id = start_run(store, "classify", data, config, "reviews", data.name)
    result = record(store.home, run_id, "classify", data, config)
    at = apps(INSIDE).run()
    assert not at.exception, [e.value for e in at.exception]
    snippet = at.text_area(key="in_snippet").value
    assert snippet == data.texts[int(result.split.test[0])][:120]
    assert any("with probability" in m.value for m in at.markdown)  # what it says of the text
    label = data.classes[data.y[int(result.split.test[0])]]
    assert f"From a test text (never learnt from), labelled “{label}” in the file." in [
        c.value for c in at.caption]  # the reader can tell whether it got it right
    layers = at.radio(key="in_layer")
    assert list(layers.options) == [
        "layer 1, forward", "layer 1, backward (from the end)", "layer 2, forward",
        "layer 2, backward (from the end)"]
    # the top backward cell's h at its last step read (the text's first character) is what
    # torch's own kernel gives there
    ids = torch.tensor(result.trained.vocab.ids(snippet)[:30])[None]
    with torch.no_grad():
        out, _ = result.model.rnn(result.model.embedding(ids))
    layers.set_value(3).run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("reads the text from its last token" in c.value for c in at.caption)
    [numbers] = [d.value for d in at.dataframe if "h(t)" in d.value.columns]
    assert numbers.loc[0, "h(t)"] == pytest.approx(float(out[0, 0, 4]), abs=1e-4)
    if cell == "peephole":
        assert any("peephole" in c.value for c in at.caption)
    from lstm_app.inside.explain import classify_trace
    from lstm_app.inside.features import classify_features

    traces, tokens = classify_trace(result, snippet)
    features = classify_features(traces, tokens)  # the top layer's output in text order
    assert list(features.columns) == [f"h_{u}" for u in range(4)] + [f"h_back_{u}"
                                                                     for u in range(4)]
    assert features.to_numpy() == pytest.approx(out[0].numpy(), abs=1e-5)


def test_a_default_text_for_a_model_of_words_ends_on_a_whole_word():
    from lstm_app.ui.inside_view import whole_words

    assert whole_words("What, will you go", 8, True) == "What,"  # "wi" would be no word
    assert whole_words("What, will you go", 8, False) == "What, wi"  # characters: as cut
    assert whole_words("What, will you", 10, True) == "What, will"  # cut at a space: whole
    assert whole_words("Whatwillyou", 5, True) == "Whatw"  # one word: nothing else to keep
    assert whole_words("one two three four", 8, True) == "one two"  # cut just after a word
