"""The Text page's wiring, driven with AppTest: samples, Home's demo, training, generation, uploads, Stop.

Each test runs the whole app (app.py with its navigation), drives widgets by key and polls with
``at.run()`` until the background training shows its result. Models are tiny (16 hidden units,
8-number embeddings, one layer, 2 epochs) so that every training takes a few seconds on a CPU.
The tiny settings are set *after* the page's first run: ``suggest_for`` overwrites the settings
once for each newly chosen text.
"""


import math
import pytest
from streamlit.testing.v1 import AppTest

from lstm_app.text import corpus
from lstm_app.text.generate import loop_at_end
from lstm_app.tasks import TEXT as TEXT_TASK
from lstm_app.ui.source_picker import source_of
from lstm_app.ui.text_view import looping
from tests.conftest import SAMPLES, assert_widgets_follow_the_table, poll, shown

TEXT = "pages/text.py"
JOB = "tx_job"
RESULTS = "The sample at the end of training"  # the subheader show_result ends with
METRICS = ["Validation loss", "Perplexity", "Bits per character", "Copied in its sample"]
TINY_METRICS = ["Training loss", "Copied in its sample"]  # a text too short to score


@pytest.fixture
def app(apps):
    """Fresh AppTests on the Text page (page=None: Home); their jobs are stopped afterwards."""
    def make(page: str | None = TEXT):
        return apps(page)
    return make


def tiny_model(at: AppTest, epochs: int = 2, **more) -> None:
    """Tiny, fast settings; call it after the page's first run on the chosen text."""
    settings = {"tx_hidden_size": 16, "tx_embedding_dim": 8, "tx_num_layers": 1, "tx_epochs": epochs,
                "tx_minutes": 0.0, **more}
    for key, value in settings.items():
        at.session_state[key] = value


def has_results(at: AppTest) -> bool:
    return any(s.value == RESULTS for s in at.subheader)


def job_done(at: AppTest) -> bool:
    return JOB in at.session_state and at.session_state[JOB].snapshot().done


def summary(at: AppTest) -> str:
    """The text summary line show_text writes: "**name**: N characters on M lines; …"."""
    lines = [shown(m.value) for m in at.markdown if " characters on " in m.value]
    assert len(lines) == 1, [m.value for m in at.markdown]
    return lines[0]


def choose(at: AppTest, sample: str) -> AppTest:
    at.run()
    at.selectbox(key="tx_sample").set_value(sample).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def train(at: AppTest) -> AppTest:
    at.button(key="tx_train").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert JOB in at.session_state, "clicking Train started no job"
    return poll(at, lambda a: job_done(a) and has_results(a), "the results")


def upload(at: AppTest, name: str, data: bytes) -> AppTest:
    """Choose "My own text" and upload ``data`` through the page's file uploader."""
    at.run()
    at.radio(key="tx_kind").set_value("My own text").run()
    at.file_uploader(key="tx_upload").upload(name, data, "text/plain").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def kept_upload(at: AppTest, name: str, data: bytes) -> AppTest:
    """An upload as the page keeps it between page switches, then "My own text" chosen."""
    at.session_state["tx_uploaded"] = source_of(name, data)
    at.run()
    at.radio(key="tx_kind").set_value("My own text").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


# --- The page with its samples ----------------------------------------------------------------

def test_the_settings_widgets_are_built_from_the_settings_table(app):
    at = app()
    at.run()
    assert not at.exception
    assert_widgets_follow_the_table(at, TEXT_TASK, "tx")


def test_the_page_renders_the_shakespeare_sample_by_default(app):
    at = app()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert [t.value for t in at.title] == ["Text"]
    assert at.radio(key="tx_kind").value == "A sample"
    assert at.selectbox(key="tx_sample").value == "shakespeare_excerpt"
    line = summary(at)
    assert line.startswith("**shakespeare_excerpt.txt**: 99,843 characters on "), line
    assert "a vocabulary of **61** distinct characters" in line  # in the training span
    captions = [c.value for c in at.caption]
    assert "Suggested for this text's size; change them freely." in captions
    weights = [c.value for c in [*at.caption, *at.info] if c.value.startswith("The network has ")]
    assert len(weights) == 1 and "training characters" in weights[0], weights
    assert at.session_state["tx_level"] == "char"
    assert at.session_state["tx_hidden_size"] == 256  # the suggestion for a 90 k-character text
    assert not at.button(key="tx_train").disabled
    assert not at.error and not at.warning
    assert JOB not in at.session_state  # nothing trains before Train is pressed


def test_settings_the_user_chose_are_kept_and_named_for_the_next_text(app):
    at = app()
    at.run()
    at.number_input(key="tx_hidden_size").set_value(24).run()
    at.selectbox(key="tx_sample").set_value("lstm_zh").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["tx_hidden_size"] == 24  # the user's, not the new suggestion
    assert ("Suggested for this text's size, except what you chose yourself: Hidden units."
            in [c.value for c in at.caption])


@pytest.mark.parametrize("sample", ["shakespeare_excerpt", "keras_toy_sentence", "lstm_zh"])
def test_each_text_sample_renders(app, sample):
    at = choose(app(), sample)
    assert summary(at).startswith(f"**{sample}.txt**: ")
    assert any(c.value.startswith("The network has ") for c in [*at.caption, *at.info])
    assert not at.error and not at.warning
    assert JOB not in at.session_state


def test_the_keras_sample_switches_to_words_with_tiny_text_suggestions(app):
    at = choose(app(), "keras_toy_sentence")
    assert at.session_state["tx_level"] == "word"  # from its samples.json settings
    assert at.get("button_group")[0].key == "tx_level"
    line = summary(at)
    assert line.startswith("**keras_toy_sentence.txt**: 123 characters on one line;"), line
    assert "distinct words, punctuation marks and spaces" in line
    assert "**41** training and 4 validation tokens" in line
    # suggest_settings for a text below TINY_TOKENS: learn it by heart, keep the last weights
    assert at.session_state["tx_patience"] == 0
    assert at.session_state["tx_keep_best"] is False
    assert at.session_state["tx_lr_schedule"] == "none"
    assert at.session_state["tx_epochs"] == 300
    # back to Shakespeare: its own suggestions, and the level back to characters
    at.selectbox(key="tx_sample").set_value("shakespeare_excerpt").run()
    assert not at.exception
    assert at.session_state["tx_level"] == "char"
    assert at.session_state["tx_patience"] == 3


def test_the_chinese_sample_at_word_level_shows_the_no_spaces_notice(app):
    at = choose(app(), "lstm_zh")
    assert at.session_state["tx_level"] == "char"
    assert corpus.NO_SPACES_NOTICE not in [shown(i.value) for i in at.info]
    at.session_state["tx_level"] = "word"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert corpus.NO_SPACES_NOTICE in [shown(i.value) for i in at.info]
    assert "distinct characters" in summary(at)  # read character by character after all
    assert not at.error


def test_another_level_re_suggests_what_the_user_left_alone_as_the_command_line_would(app):
    from lstm_app.text.sizing import suggested_config

    at = choose(app(), "shakespeare_excerpt")
    assert at.session_state["tx_hidden_size"] == 256
    at.session_state["tx_epochs"] = 7  # the user's own choice
    at.run()
    at.session_state["tx_level"] = "word"
    at.run()
    assert not at.exception
    text = (SAMPLES / "shakespeare_excerpt.txt").read_text(encoding="utf-8")
    command_line = suggested_config(text, {"level": "word"})
    assert command_line.hidden_size == 128  # a word vocabulary fills weights faster
    for name in ("hidden_size", "embedding_dim", "num_layers", "lr", "batch_size", "seq_len"):
        assert at.session_state[f"tx_{name}"] == getattr(command_line, name), name
    assert at.session_state["tx_epochs"] == 7  # kept: the user had changed it


def test_apply_and_train_on_settings_that_cannot_train_says_so(app):
    at = choose(app(), "keras_toy_sentence")
    tiny_model(at, tx_batch_size=4096)  # more streams than the tiny text has characters
    at.run()
    assert at.warning, "the page says nothing of a batch that cannot train"
    at.session_state["tx_autostart"] = True  # as the coach's Apply and train leaves it
    at.run()
    assert any(w.value.startswith("Train was pressed for you, but these settings cannot train")
               for w in at.warning), [w.value for w in at.warning]
    assert "tx_job" not in at.session_state


def test_settings_survive_a_page_switch(app):
    at = choose(app(), "keras_toy_sentence")
    tiny_model(at, epochs=3, tx_seq_len=3)
    at.run()
    at.switch_page("pages/home.py").run()
    assert not at.exception and [t.value for t in at.title] == ["LSTM Studio"]
    at.switch_page(TEXT).run()
    assert not at.exception
    assert at.selectbox(key="tx_sample").value == "keras_toy_sentence"
    assert at.session_state["tx_level"] == "word"
    assert at.number_input(key="tx_hidden_size").value == 16  # not suggested afresh for the same text
    assert at.number_input(key="tx_seq_len").value == 3
    assert at.number_input(key="tx_epochs").value == 3


# --- Home's demo ----------------------------------------------------------------------------

def test_the_shakespeare_demo_switches_to_text_and_trains(app):
    at = app(page=None)
    at.run()
    assert at.button(key="demo_shakespeare_excerpt").label == "Generate Shakespeare-like text"
    at.button(key="demo_shakespeare_excerpt").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert [t.value for t in at.title] == ["Text"]
    assert at.radio(key="tx_kind").value == "A sample"
    assert at.selectbox(key="tx_sample").value == "shakespeare_excerpt"
    assert JOB in at.session_state, "the demo did not autostart a training"
    assert "tx_autostart" not in at.session_state  # consumed, so a rerun does not train again
    job = at.session_state[JOB]
    job.stop()  # a full Shakespeare training takes minutes: stopping it is enough here
    assert job.wait(30)
    assert job.label == "shakespeare_excerpt.txt"


def test_the_demo_offers_a_finished_run_of_the_same_settings(app, app_store):
    at = app(page=None)
    at.run()
    at.button(key="demo_shakespeare_excerpt").click().run()
    job = at.session_state[JOB]
    job.stop()  # a full Shakespeare training takes minutes: stopped, then marked finished below
    assert job.wait(30)
    app_store.finish(job.run_id, "finished")

    again = app(page=None)  # another session
    again.run()
    again.button(key="demo_shakespeare_excerpt").click().run()
    assert not again.exception, [e.value for e in again.exception]
    assert JOB not in again.session_state, "the demo trained the same run again"
    assert again.session_state["tx_offer"] == job.run_id
    assert any("You have trained this before" in i.value and job.run_id in i.value
               for i in again.info)


def test_the_demo_does_not_orphan_a_running_training(app):
    at = app()
    at.run()
    tiny_model(at, epochs=5000, tx_patience=0, tx_seq_len=20)  # runs far longer than this test
    at.run()
    at.button(key="tx_train").click().run()
    first = at.session_state[JOB]
    try:
        assert not first.snapshot().done
        at.switch_page("pages/home.py").run()
        assert "A text model is training in the background." in [i.value for i in at.info]
        at.button(key="demo_shakespeare_excerpt").click().run()
        assert not at.exception, [e.value for e in at.exception]
        # Either the page keeps showing the running training, or it stopped it first.
        assert at.session_state[JOB] is first or first.wait(10), \
            "the earlier training still runs, out of the session's reach"
    finally:
        first.stop()
        assert first.wait(30)


# --- Training, generating, Train more -------------------------------------------------------

def test_the_keras_sample_trains_generates_explores_and_trains_more(app):
    at = choose(app(), "keras_toy_sentence")
    tiny_model(at, epochs=2)
    at.run()
    train(at)
    job = at.session_state[JOB]
    result = job.result()
    assert result.config.level == "word"
    assert (result.config.hidden_size, result.config.embedding_dim) == (16, 8)
    assert [h.epoch for h in result.training.history] == [1, 2]

    # too short to score: the verdict says so in an st.info
    assert result.verdict.startswith("The text is too short to score the model")
    assert result.verdict in [i.value for i in at.info]
    # ... so no validation scores, only how well it learnt the text and what it copied
    assert [m.label for m in at.metric] == TINY_METRICS
    assert at.metric[0].value == f"{result.training.history[-1].train_loss:.3f}"
    assert [d.key for d in at.get("download_button")] == ["tx_dl_samples", "tx_dl_json"]
    assert any(s.value == "Generate" for s in at.subheader)
    assert not at.error

    # Generate: a new sample continuing the prompt
    assert "tx_generated" not in at.session_state
    prompt = at.text_area(key="tx_gen_prompt").value
    assert prompt == result.prompt and prompt
    at.slider(key="tx_gen_length").set_value(20)
    at.button(key="tx_generate").click().run()
    assert not at.exception, [e.value for e in at.exception]
    generated = at.session_state["tx_generated"]
    assert len(generated) == 1
    assert generated[0].prompt == prompt and generated[0].text.startswith(prompt)
    assert len(generated[0].text) > len(prompt) and generated[0].memorization is not None
    for _ in range(2):  # each press writes a sample of its own (they were all the same)
        at.button(key="tx_generate").click().run()
    generated = at.session_state["tx_generated"]
    assert len(generated) == 3 and len({s.text for s in generated}) > 1
    # at temperature 0, a sample that ends going round the same characters says why
    at.slider(key="tx_gen_temperature").set_value(0.0)
    at.slider(key="tx_gen_length").set_value(300)
    at.button(key="tx_generate").click().run()
    latest = at.session_state["tx_generated"][-1]
    assert latest.temperature == 0.0
    said = [c.value for c in at.caption if "over and over" in c.value]
    loop = loop_at_end(latest.text[len(latest.prompt):])
    assert loop and said == [looping(loop, 0.0)], latest.text  # (this tiny model goes round)
    at.slider(key="tx_gen_length").set_value(20)
    # what was typed to generate with, and the epochs to train more, outlive a page switch
    at.text_area(key="tx_gen_prompt").set_value("LSTM can")
    at.slider(key="tx_gen_temperature").set_value(1.5)
    at.number_input(key="tx_more").set_value(7)
    at.run()
    at.switch_page("pages/home.py").run()
    at.switch_page(TEXT).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.text_area(key="tx_gen_prompt").value == "LSTM can"
    assert at.slider(key="tx_gen_temperature").value == 1.5
    assert at.number_input(key="tx_more").value == 7
    at.text_area(key="tx_gen_prompt").set_value(prompt).run()

    # The temperature explorer: four samples, each continuing the prompt
    at.button(key="tx_explore").click().run()
    assert not at.exception, [e.value for e in at.exception]
    explored = at.session_state["tx_explored"]
    assert explored.prompt == prompt
    assert len(explored.texts) == 4
    assert all(s.startswith(prompt) for s in explored.texts)
    assert any(m.value == "**Temperature 1.5**" for m in at.markdown)
    at.text_area(key="tx_gen_prompt").set_value("").run()  # from nothing: no empty quotes
    at.button(key="tx_explore").click().run()
    assert not at.exception and at.session_state["tx_explored"].prompt == ""
    assert "Each starts from nothing, with the same random draws, so only the temperature " \
        "differs." in [c.value for c in at.caption]
    # A right-to-left override in the prompt turns no sample around: code boxes leave it out
    at.text_area(key="tx_gen_prompt").set_value("\u202eLSTM").run()
    at.button(key="tx_explore").click().run()
    for _ in range(2):  # the first of them moves to "Earlier samples"
        at.button(key="tx_generate").click().run()
    codes = [c.value for c in at.code]
    assert not at.exception and len(codes) >= 5 and "LSTM" in codes[-1]
    assert not any("\u202e" in c for c in codes), codes
    at.text_area(key="tx_gen_prompt").set_value(prompt).run()

    # Train more: a new job continuing from the first one's weights
    at.number_input(key="tx_more").set_value(2)
    at.button(key="tx_train_more").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state[JOB] is not job, "Train more started no new job"
    assert "tx_generated" not in at.session_state  # the old model's samples are forgotten
    poll(at, lambda a: job_done(a) and has_results(a), "the results after Train more")
    more = at.session_state[JOB].result()
    assert len(more.training.history) > len(result.training.history)
    assert [h.epoch for h in more.training.history] == [1, 2, 3, 4]
    assert more.config.epochs == 2


# --- Uploads --------------------------------------------------------------------------------

NOTES = ("Café au lait, s'il vous plaît.\nLes élèves écrivent des notes en français.\n" * 20)


@pytest.mark.parametrize("how", ["kept", "uploader"])
def test_a_utf16_upload_with_a_bom_renders_its_summary(app, how):
    data = NOTES.encode("utf-16")
    assert data.startswith((b"\xff\xfe", b"\xfe\xff"))
    if how == "kept":  # uploaded earlier, e.g. before a page switch
        at = kept_upload(app(), "notes.txt", data)
        assert any(c.value == "Using **notes.txt**, uploaded earlier." for c in at.caption)
    else:
        at = upload(app(), "notes.txt", data)
        kept = dict(at.session_state["tx_uploaded"])
        assert kept.pop("file_id") and kept == source_of("notes.txt", data)
    assert not at.error, [shown(e.value) for e in at.error]
    line = summary(at)
    assert line.startswith(f"**notes.txt**: {len(NOTES):,} characters on 40 lines"), line
    vocab = len(set(NOTES[:int(len(NOTES) * 0.9)]))  # the training span's distinct characters
    assert f"a vocabulary of **{vocab}** distinct characters" in line, line
    assert any(s.value == "Settings" for s in at.subheader)
    assert JOB not in at.session_state


def test_a_windows_1252_upload_is_read_with_a_notice(app):
    text = "Crème brûlée à la carte, déjà vu.\n" * 30
    at = upload(app(), "menu.txt", text.encode("cp1252"))
    assert not at.error, [shown(e.value) for e in at.error]
    assert f"ℹ️ {corpus.CP1252_NOTICE}" in [shown(c.value) for c in at.caption]
    assert summary(at).startswith(f"**menu.txt**: {len(text):,} characters on 30 lines")
    assert "Crème brûlée" in at.expander[0].text[0].value  # "The text as read", decoded right


def test_any_file_name_is_taken_and_its_bytes_decide(app):
    at = upload(app(), "server.log", b"GET /index.html 200\n" * 30)  # plain text, not .txt
    assert list(at.file_uploader(key="tx_upload").proto.type) == []
    assert not at.error and summary(at).startswith("**server.log**: 600 characters on 30 lines")
    at = upload(app(), "photo.txt", bytes(range(256)) * 4)  # any name: binary is still refused
    assert corpus.BINARY in [shown(e.value) for e in at.error]


@pytest.mark.parametrize("data, message", [
    (b"", corpus.EMPTY),
    (bytes(range(256)) * 4, corpus.BINARY),
    (b"hello\x00world\x00" * 10, corpus.BINARY),
    (b"  \n\t\n   ", corpus.WHITESPACE_ONLY),
], ids=["empty", "binary", "nuls", "whitespace"])
def test_a_bad_upload_shows_the_readers_message(app, data, message):
    at = upload(app(), "bad.txt", data)
    assert [shown(e.value) for e in at.error] == [message]
    assert not any(s.value == "Settings" for s in at.subheader)  # the page stopped at the error
    assert JOB not in at.session_state


def test_a_text_of_one_character_is_summed_up_by_its_size_and_refused_train(app):
    """No "1 characters … a vocabulary of 0 … 0 training": its size, then why it cannot train."""
    at = kept_upload(app(), "one.txt", b"a")
    said = [shown(m.value) for m in at.markdown if m.value.startswith("**one")]
    assert said == ["**one.txt**: 1 character."], said
    assert at.button(key="tx_train").disabled


# --- Settings that cannot train -------------------------------------------------------------

def test_too_many_streams_for_the_text_disable_train(app):
    at = choose(app(), "keras_toy_sentence")
    at.session_state["tx_batch_size"] = 64
    at.run()
    assert not at.exception
    warnings = [shown(w.value) for w in at.warning]
    assert warnings == ["The text has 41 training and 4 validation tokens, too few for a batch "
                        "size of 64; use a longer text or a smaller batch size (at least 128 "
                        "training and 2 validation tokens)."]
    assert at.button(key="tx_train").disabled
    assert JOB not in at.session_state
    at.session_state["tx_batch_size"] = 4  # the suggestion again: it can train
    at.run()
    assert not at.warning and not at.button(key="tx_train").disabled


# --- Stop -----------------------------------------------------------------------------------

def test_stop_shows_the_result_of_a_stopped_training(app):
    at = app()
    at.run()  # Shakespeare, the default
    tiny_model(at, epochs=50, tx_patience=0, tx_seq_len=20)
    at.run()
    at.button(key="tx_train").click().run()
    assert not at.exception, [e.value for e in at.exception]
    poll(at, lambda a: a.session_state[JOB].snapshot().history, "the first epoch")
    assert not has_results(at)
    assert at.button(key="tx_train").disabled  # no second training while one runs
    # The Stop button lives in the live view's fragment; AppTest reaches it (a click reruns
    # the whole page, fragment included), so the real button is pressed, not job.stop().
    at.button(key="tx_job_stop").click().run()
    poll(at, lambda a: job_done(a) and has_results(a), "the results after Stop")
    job = at.session_state[JOB]
    assert job.snapshot().state == "stopped"
    result = job.result()
    assert result.training.stop_reason == "stopped"
    assert 1 <= len(result.training.history) < 50
    assert any("stopped by the user" in c.value for c in at.caption), [c.value for c in at.caption]
    assert [m.label for m in at.metric] == METRICS
    # The perplexity against guessing by frequency, as a share of that guess's
    guess = math.exp(result.baseline_loss)
    assert at.metric[1].delta == f"{result.perplexity / guess - 1:+.0%} vs. the frequency guess"


# --- The coach ----------------------------------------------------------------------------------

def test_the_coach_reads_a_text_run_and_its_advice_changes_the_settings(app):
    at = choose(app(), "lstm_zh")
    tiny_model(at, epochs=2)
    at.session_state["tx_lr_schedule"] = "plateau"
    at.run()
    train(at)
    assert "Coach" in [s.value for s in at.subheader]
    advice = [b for b in at.button if b.label.startswith("Apply: ")]
    texts = [c.value for c in at.caption if c.value.startswith("The coach read the curves")]
    assert advice or texts, "the coach said nothing at all"
    if advice:  # e.g. "Apply: epochs 2 → 4": one click puts it in the settings
        setting, new = advice[0].label.removeprefix("Apply: ").rsplit(" ", 1)
        key = {"hidden units": "tx_hidden_size", "epochs": "tx_epochs", "dropout": "tx_dropout",
               "learning rate": "tx_lr"}[setting.rsplit(" ", 2)[0]]
        advice[0].click().run()
        assert not at.exception
        assert at.session_state[key] == pytest.approx(float(new))


@pytest.mark.parametrize("copied, normal, said", [
    (0.03, 0.41, "This sample copies less than that: more of it is its own."),  # was "about as much"
    (0.40, 0.41, "This sample copies about as much as that."),
    (0.60, 0.41, "This sample copies more than that."),
    (0.90, 0.41, "This sample copies far more than that."),
    (0.10, 0.02, "This sample copies far more than that."),  # five times as much: was "alike"
    (0.05, 0.00, "This sample copies far more than that."),
    (0.04, 0.02, "This sample copies about as much as that."),  # two points: noise
    (0.02, 0.10, "This sample copies less than that: more of it is its own."),
    (0.44, 0.41, "This sample copies about as much as that."),
    (0.95, 0.80, "This sample copies far more than that."),  # its own: 5% against 20%
    (0.80, 0.95, "This sample copies less than that: more of it is its own."),
])
def test_the_samples_copying_is_compared_in_words_that_match_the_shares(copied, normal, said):
    from lstm_app.text.copying import Memorization
    from lstm_app.ui.text_view import _normal

    sentence = _normal(normal, Memorization(8, copied))
    share = f"{normal:.0%}"
    assert sentence.startswith(f"For comparison, {share} of the pieces") and sentence.endswith(said)
