"""The pages' Auto-tune, driven with AppTest: a study runs live, its trials are runs, Stop ends
it, and the best settings go into the form with one click."""

import pytest

from lstm_app.runs.store import RunStore
from lstm_app.ui.source_picker import source_of
from tests.conftest import SAMPLES, poll

FORECAST = "pages/forecast.py"
CLASSIFY = "pages/classify.py"


def study_done(prefix: str):
    def done(at) -> bool:
        key = f"{prefix}_tune_job"
        return key in at.session_state and at.session_state[key].snapshot().done
    return done


def trials_table(at):
    return next(d.value for d in at.dataframe if "Trial" in d.value.columns)


def start_study(at, prefix: str, trials: int, minutes: int):
    at.number_input(key=f"{prefix}_tune_trials").set_value(trials)
    at.number_input(key=f"{prefix}_tune_minutes").set_value(minutes)
    at.button(key=f"{prefix}_tune_start").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert f"{prefix}_tune_job" in at.session_state, "Start auto-tune started no study"
    return at


def slow_trials(apps):
    """The Forecast page with trials of 200 epochs that never stop early: a study runs on."""
    at = apps(FORECAST)
    at.session_state["fc_epochs"] = 200
    at.session_state["fc_patience"] = 0
    at.session_state["fc_hidden_size"] = 8
    at.session_state["fc_statistical_seconds"] = 0
    return at.run()


def test_a_study_on_the_forecast_page_runs_and_its_best_settings_fill_the_form(apps,
                                                                               app_store):
    at = apps(FORECAST)
    # Poor starting settings (a learning rate too small for 3 epochs) that a trial will beat.
    at.session_state["fc_epochs"] = 3
    at.session_state["fc_hidden_size"] = 8
    at.session_state["fc_lr"] = 0.0001
    at.session_state["fc_statistical_seconds"] = 0
    at.run()
    assert any(e.label == "Auto-tune" for e in at.expander)
    poll(start_study(at, "fc", trials=4, minutes=3), study_done("fc"), "the study", 180).run()
    assert not at.error, [e.value for e in at.error]
    result = at.session_state["fc_tune_job"].result()
    assert [t.number for t in result.trials] == [0, 1, 2, 3]
    verdict = [s.value for s in at.success if "validation loss" in s.value]
    assert verdict and "lower than the starting settings'" in verdict[0]
    table = trials_table(at)
    assert list(table["Trial"]) == [0, 1, 2, 3]
    assert {"Lookback (window size)", "Hidden units", "Learning rate", "Cell type"} <= \
        set(table.columns)
    runs = app_store.trials_of(result.study)
    assert len(runs) == 4 and runs[0].config["lr"] == 0.0001
    best = result.best
    at.button(key="fc_tune_apply").click().run()
    assert not at.exception
    assert at.session_state["fc_hidden_size"] == best.params["hidden_size"]
    assert at.session_state["fc_lookback"] == best.params["lookback"]
    assert at.session_state["fc_lr"] == pytest.approx(float(f"{best.params['lr']:.3g}"))
    assert at.session_state["fc_cell"] == best.params["cell"]
    assert any("now hold trial" in s.value for s in at.success)
    assert at.button(key="fc_tune_apply").disabled


def test_stop_ends_a_study_and_keeps_the_trials_that_finished(apps, app_store):
    at = slow_trials(apps)
    start_study(at, "fc", trials=20, minutes=5)

    def second_trial_running(at) -> bool:
        live = at.session_state["fc_tune_job"].snapshot().live
        return live is not None and any(t.number == 1 and t.state == "running"
                                        for t in live.trials)

    poll(at, second_trial_running, "the second trial", 180)
    at.session_state["fc_tune_job"].stop()
    poll(at, study_done("fc"), "the study's end", 60).run()  # the page as it ended
    result = at.session_state["fc_tune_job"].result()
    assert result.stopped and [t.state for t in result.trials] == ["done", "stopped"]
    assert any("was stopped" in c.value for c in at.caption), [c.value for c in at.caption]
    # One trial finished: no caption promises a chart of two that will never come.
    assert not any("once two have finished" in c.value for c in at.caption)
    assert RunStore(app_store.home).get(result.trials[1].run_id).status == "stopped"


def test_a_page_reloaded_mid_study_finds_its_study_again(apps, app_store):
    """A reload is a new session: the study still running on this data, left by the tab that
    started it, comes back with its progress and Stop (before, a fresh form hid it)."""
    at = slow_trials(apps)
    job = start_study(at, "fc", trials=20, minutes=5).session_state["fc_tune_job"]
    job._watcher = lambda: True  # its tab is open: another session does not take it
    other = apps(FORECAST)
    other.run()
    assert "fc_tune_job" not in other.session_state
    job._watcher = lambda: False  # that tab reloaded
    again = apps(FORECAST)
    again.run()
    assert not again.exception, [e.value for e in again.exception]
    assert again.session_state["fc_tune_job"] is job and not job.snapshot().done
    assert any(b.key == "fc_tune_stop" for b in again.button)
    job.stop()
    assert job.wait(60)


def own_file(at, name: str = "noisy_sine.csv"):
    """The page on one of the user's own files (a sample's bytes under another name)."""
    at.radio(key="fc_kind").set_value("My own file")
    at.session_state["fc_uploaded"] = source_of(f"my_{name}", (SAMPLES / name).read_bytes())
    return at.run()


def tune_expander(at):
    return next(e for e in at.expander if e.label == "Auto-tune")


def other_data_box(at) -> bool:
    return any("other data is still running" in i.value for i in tune_expander(at).info)


def test_a_page_reloaded_mid_study_of_its_own_file_finds_the_study_and_stops_it(apps,
                                                                                app_store):
    """A reload forgets the uploaded file: the page comes back on a sample. The study of the
    file, still running, is found all the same (before, only the same file uploaded again
    found it): said, with its progress and a Stop that ends it and gives the form back."""
    at = own_file(slow_trials(apps))
    job = start_study(at, "fc", trials=20, minutes=5).session_state["fc_tune_job"]
    job._watcher = lambda: False  # its tab reloaded
    stranger = apps(FORECAST)  # another visitor, not signed in either, on a sample
    stranger.run()
    assert "fc_tune_job" not in stranger.session_state and not other_data_box(stranger)
    assert any(b.key == "fc_tune_start" for b in stranger.button)
    again = apps(FORECAST)
    again.query_params["tune"] = at.query_params["tune"]  # the reloaded tab's own address
    again.run()
    assert not again.exception, [e.value for e in again.exception]
    assert again.session_state["fc_tune_job"] is job and not job.snapshot().done
    assert other_data_box(again)
    assert tune_expander(again).proto.expanded and again.progress, "no progress shown"
    assert not any(b.key == "fc_tune_start" for b in again.button)
    again.button(key="fc_tune_stop").click().run()  # ends the study, and the page says so
    assert not again.exception, [e.value for e in again.exception]
    assert job.snapshot().done and job.result().stopped
    assert not other_data_box(again)
    assert any(b.key == "fc_tune_start" for b in again.button)


def test_stop_in_the_other_data_box_redraws_the_page_with_the_start_form(apps, app_store):
    """Stop in "An auto-tune of other data is still running" stopped the study, but the page
    stayed as it was drawn: the box and its Stop, as if nothing had happened."""
    at = slow_trials(apps)
    job = start_study(at, "fc", trials=20, minutes=5).session_state["fc_tune_job"]
    own_file(at)
    assert not at.exception, [e.value for e in at.exception]
    assert other_data_box(at)
    at.button(key="fc_tune_stop").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert job.snapshot().done
    assert not other_data_box(at), "the box and its Stop stay after Stop"
    assert not at.button(key="fc_tune_start").disabled


def test_the_classify_page_tunes_reading_both_ways_too(apps, app_store):
    at = apps(CLASSIFY)
    at.session_state["cl_epochs"] = 1
    at.session_state["cl_hidden_size"] = 8
    at.session_state["cl_minutes"] = 0.2
    at.run()
    poll(start_study(at, "cl", trials=2, minutes=2), study_done("cl"), "the study", 180).run()
    assert not at.error, [e.value for e in at.error]
    result = at.session_state["cl_tune_job"].result()
    assert len(result.trials) == 2 and "bidirectional" in result.trials[1].params
    assert "Read both ways" in trials_table(at).columns


def test_a_study_reads_in_chinese(apps, app_store):
    from tests.chinese import english_left, visible_text

    at = apps(FORECAST)
    at.query_params["lang"] = "zh"
    at.session_state["fc_epochs"] = 3
    at.session_state["fc_hidden_size"] = 8
    at.session_state["fc_lr"] = 0.0001
    at.session_state["fc_statistical_seconds"] = 0
    at.run()
    poll(start_study(at, "fc", trials=3, minutes=3), study_done("fc"), "the study", 180).run()
    at.button(key="fc_tune_apply").click().run()
    own = ["airline_passengers", "month", "passengers"]  # the sample's file and columns
    texts = [t for t in visible_text(at) if english_left([t], own)]
    assert texts == [], "English left on the page:\n" + "\n".join(
        f"  {t[:160]!r}" for t in dict.fromkeys(texts))
    assert any("试验" in s.value for s in at.success)


def test_settings_that_cannot_train_hold_the_start_back_and_say_why(apps, app_store):
    at = apps(FORECAST)
    at.session_state["fc_lookback"] = 130  # 144 months cannot hold 130 and three horizons
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.button(key="fc_tune_start").disabled
    said = [w.value for w in at.warning if "numeric values" in w.value]
    assert len(said) == 1 and "Choose a lookback of at most 88 or a shorter horizon" in said[0]
    assert any("cannot train on this data yet" in c.value for c in at.caption)
    assert app_store.list() == []


def test_data_too_small_to_rank_trials_on_holds_the_start_back_and_says_why(apps, app_store):
    at = apps(FORECAST)
    at.run()
    at.radio(key="fc_kind").set_value("My own file")
    days = "".join(f"2024-01-{d:02d},{d % 3}\n" for d in range(1, 13))
    at.session_state["fc_uploaded"] = source_of("short.csv", ("date,v\n" + days).encode())
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.button(key="fc_tune_start").disabled
    said = [c.value for c in at.caption if "The validation part holds only" in c.value]
    assert len(said) == 1 and "an auto-tune needs at least 5" in said[0], said


@pytest.mark.parametrize("page, kept", [
    ("pages/text.py", "The tokens (characters or words), the validation share"),
    ("pages/classify.py", "The columns, the tokens, the embedding size"),
    ("pages/forecast.py", "The horizon, the columns, the validation and test spans")])
def test_each_page_says_what_its_own_search_leaves_as_it_is(apps, page, kept):
    at = apps(page).run()
    said = [c.value for c in at.caption if "stay as they are in every trial" in c.value]
    assert len(said) == 1 and kept in said[0], said
