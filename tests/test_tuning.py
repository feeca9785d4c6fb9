"""Auto-tune: the search space, a study's trials as runs, pruning, Stop, the time budget, joining
a study, and the ``tune`` command."""

import json
import re
import threading
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from lstm_app.cli import main as cli_main
from lstm_app.runs.store import RunStore
from lstm_app.series.loading import load_series
from lstm_app.series.settings import ForecastConfig
from lstm_app.tasks import task_named
from lstm_app.training.trainer import Callbacks
from lstm_app.tuning import study as study_module
from lstm_app.tuning.limits import hidden_limits, lookback_limit
from lstm_app.tuning.space import Dimension, rounded, search_space, with_params
from lstm_app.tuning.storage import database_url, shown_url
from lstm_app.tuning.study import tune

FAST = dict(epochs=4, hidden_size=8, batch_size=16, statistical_seconds=0, patience=0)


@pytest.fixture
def series_csv(tmp_path):
    t = np.arange(150)
    values = 10 + np.sin(2 * np.pi * t / 12) * 3 + np.random.default_rng(0).normal(0, 0.3, 150)
    path = tmp_path / "sine.csv"
    pd.DataFrame({"month": pd.date_range("2000-01", periods=150, freq="MS"),
                  "sales": values}).to_csv(path, index=False)
    return path


@pytest.fixture
def series(series_csv):
    return load_series(series_csv)


def _tune(home, series, trials=3, **kwargs):
    config = ForecastConfig(**{**FAST, **kwargs.pop("config", {})})
    return tune(kwargs.pop("callbacks", Callbacks()), home=home, task_name="forecast",
                data=series, config=config, data_name="sine.csv", trials=trials,
                minutes=kwargs.pop("minutes", 5), **kwargs)


def test_the_space_holds_the_starting_settings_even_outside_its_usual_ranges(series):
    base = task_named("forecast").resolve(series, ForecastConfig(
        hidden_size=1024, dropout=0.12, cell="peephole", lr=0.5))
    space = {d.name: d for d in search_space("forecast", base, 40)}
    assert set(space) == {"lookback", "hidden_size", "num_layers", "dropout", "lr", "cell"}
    assert space["hidden_size"].high == 1024 and 0.5 in space["lr"].choices  # the presets +
    assert space["cell"].choices == ("lstm", "gru", "peephole")
    assert space["dropout"].step is None  # 0.12 is off the 0.05 grid
    assert space["lookback"].low <= base.lookback <= space["lookback"].high <= 40
    seasonal = task_named("forecast").resolve(series, ForecastConfig(lookback=48))
    assert search_space("forecast", seasonal, 96, season=24)[0].low == 48  # two seasons
    assert search_space("forecast", seasonal, 96, season=None)[0].low == 24
    short = task_named("forecast").resolve(series, ForecastConfig(lookback=30))
    assert search_space("forecast", short, 96, season=24)[0].low == 30  # the start's own
    classify = {d.name for d in search_space("classify", task_named("classify").config())}
    assert "bidirectional" in classify and "lookback" not in classify


def test_settings_are_rounded_for_people_and_applied_through_the_config():
    assert rounded({"lr": 0.0034269762466825095, "dropout": 0.35000000000000003,
                    "hidden_size": 94}) == {"lr": 0.00343, "dropout": 0.35, "hidden_size": 94}
    config = with_params(ForecastConfig(suggested=("hidden_size", "horizon")),
                         {"hidden_size": 64})
    assert config.hidden_size == 64 and config.suggested == ("horizon",)
    with pytest.raises(ValueError, match="Hidden units"):
        with_params(ForecastConfig(), {"hidden_size": 0})


def test_a_study_starts_from_the_given_settings_and_every_trial_is_a_linked_run(tmp_path,
                                                                                 series):
    lives = []
    result = _tune(tmp_path, series, trials=3, study_name="first",
                   callbacks=Callbacks(on_live=lives.append))
    assert [t.number for t in result.trials] == [0, 1, 2]
    start = result.trials[0]
    assert start.start and start.params["hidden_size"] == 8 and start.params["lr"] == 0.003
    assert result.start == start and result.best is not None
    assert result.best.value == min(t.value for t in result.trials if t.state == "done")
    runs = RunStore(tmp_path).trials_of("first")
    assert [r.trial for r in runs] == [0, 1, 2]
    assert {r.id for r in runs} == {t.run_id for t in result.trials}
    for run, row in zip(runs, result.trials):
        assert run.status == "finished" and run.metrics["val_loss"] == pytest.approx(row.value)
        assert run.config["hidden_size"] == row.params["hidden_size"]
        assert (tmp_path / "runs" / run.id / "weights.safetensors").exists()
    assert lives and lives[-1].trials[-1].state == "done"
    assert any(row.state == "running" for live in lives for row in live.trials)
    assert "validation" in result.verdict and "test span was never looked at" in \
        result.verdict or "No trial beat" in result.verdict
    best = result.best_config
    assert best.hidden_size == result.best.params["hidden_size"] and best.epochs == 4


def test_a_pruned_trial_ends_early_and_its_run_says_why(tmp_path, series, monkeypatch):
    import optuna

    monkeypatch.setattr(study_module, "PRUNE_AFTER_TRIALS", 0)
    monkeypatch.setattr(optuna.pruners, "MedianPruner",
                        lambda **kw: optuna.pruners.ThresholdPruner(
                            upper=1e-9, n_warmup_steps=kw["n_warmup_steps"]))
    result = _tune(tmp_path, series, trials=2, study_name="pruned")
    assert [t.state for t in result.trials] == ["pruned", "pruned"]
    assert all(t.epochs == 3 for t in result.trials)  # judged from the third epoch on
    assert result.best is None and "No trial finished" in result.verdict
    run = RunStore(tmp_path).get(result.trials[0].run_id)
    assert run.status == "stopped" and "pruned this trial after epoch 3" in run.message


def test_stop_ends_the_study_and_keeps_what_finished(tmp_path, series):
    stop = threading.Event()
    seen = []

    def on_live(live):
        seen.append(live)
        if any(t.state == "done" for t in live.trials) and any(
                t.state == "running" and t.epochs >= 1 for t in live.trials):
            stop.set()

    result = _tune(tmp_path, series, trials=8, study_name="stopped",
                   config=dict(epochs=300), callbacks=Callbacks(on_live=on_live,
                                                                stop_event=stop))
    states = [t.state for t in result.trials]
    # Stopped in the first trial seen running after one finished (a busy machine may finish
    # a trial between two live views): it ends "stopped", and no trial starts after it.
    assert result.stopped and 2 <= len(states) < 8
    assert states[-1] == "stopped" and set(states[:-1]) <= {"done", "pruned"}
    assert RunStore(tmp_path).get(result.trials[-1].run_id).status == "stopped"
    assert result.best is not None
    # the stopped trial's best validation loss so far is its score: it may be the best
    scored = [t for t in result.trials if t.state in ("done", "stopped") and t.value]
    assert result.best.value == min(t.value for t in scored)


def test_a_stopped_trial_that_beat_the_start_is_the_best_and_one_trial_is_no_comparison():
    from lstm_app.tuning.result import TrialRow, TuneResult
    row = lambda number, state, value, start=False: TrialRow(
        number, state, value, {"hidden_size": 8 + number}, 3, 1.0, None, start, "")
    rows = (row(0, "done", 0.4771, start=True), row(1, "stopped", 0.3046))
    result = TuneResult("s", "forecast", "sqlite://", rows, (), ForecastConfig(), rows[1],
                        rows[0], True, 1.0)
    assert result.verdict.startswith("Trial 1's settings reach a validation loss of 0.3046, "
                                     "36% lower than the starting settings' 0.4771")
    alone = TuneResult("s", "forecast", "sqlite://", rows[:1], (), ForecastConfig(), rows[0],
                       rows[0], False, 1.0)
    assert alone.verdict.startswith("Only the starting settings were scored (validation loss "
                                    "0.4771), so there is nothing to compare them with yet")
    assert result.verdict.endswith("Trials: 1 finished, 1 stopped (each scored on the epochs "
                                   "it trained), 0 pruned.")  # the stopped trial counted, as scored
    near = TuneResult("s", "forecast", "sqlite://", (rows[0], row(1, "done", 0.4751)), (),
                      ForecastConfig(), row(1, "done", 0.4751), rows[0], False, 1.0)
    assert not near.better and near.verdict.startswith(  # 0.4% lower: was "0% lower", a gain
        "Trial 1's settings reach a validation loss of 0.4751, within 1% of the starting "
        "settings' 0.4771: no clear gain, so keep the starting settings.")
    assert result.better
    from lstm_app.tuning.commands import trials_table
    assert trials_table(result).splitlines()[1].split()[:2] == ["1", "0.3046"]  # listed first
    text = TuneResult("s", "text", "sqlite://", rows, (), ForecastConfig(), rows[1], rows[0],
                      True, 1.0)
    assert "never looked at" not in text.verdict and "the span that chose them" in text.verdict


def test_the_time_budget_ends_the_trial_in_progress_as_done(tmp_path, series):
    result = _tune(tmp_path, series, trials=5, study_name="timed", minutes=0.05,
                   config=dict(epochs=5000))
    assert len(result.trials) == 1 and result.trials[0].state == "done"
    run = RunStore(tmp_path).get(result.trials[0].run_id)
    assert "time ran out" in run.message and run.best_epoch >= 1
    assert run.message.startswith("Training used up its time budget")  # not "by the user"


def test_a_study_is_joined_by_name_and_refuses_other_data(tmp_path, series, series_csv):
    _tune(tmp_path, series, trials=1, study_name="shared")
    again = _tune(tmp_path, series, trials=1, study_name="shared",
                  config=dict(hidden_size=100))  # the study's own starting settings win
    assert [t.number for t in again.trials] == [0, 1]
    assert sum(t.start for t in again.trials) == 1
    assert again.start_config.hidden_size == 8
    other = load_series(series_csv)
    other.frame.iloc[0, 0] += 1
    with pytest.raises(ValueError, match="other data"):
        _tune(tmp_path, other, trials=1, study_name="shared")


def test_two_studies_started_in_one_second_on_files_of_one_name_stay_apart(monkeypatch):
    from lstm_app.tuning import study

    class Frozen:
        @staticmethod
        def now():
            import datetime
            return datetime.datetime(2026, 12, 5, 10, 0, 0)
    monkeypatch.setattr(study, "datetime", Frozen)
    names = {study.default_study_name("airline passengers.csv", "forecast") for _ in range(20)}
    assert len(names) == 20
    assert all(re.fullmatch(r"airline_passengers-forecast-20261205-100000-[0-9a-f]{4}", n)
               for n in names), names


def test_storage_addresses(tmp_path):
    assert database_url(tmp_path).startswith("sqlite:///") and \
        database_url(tmp_path).endswith("runs.sqlite3")
    assert database_url(tmp_path, "postgresql://u:pw@h/db") == "postgresql+psycopg://u:pw@h/db"
    assert shown_url("postgresql+psycopg://u:secret@h/db") == "postgresql+psycopg://u:***@h/db"
    with pytest.raises(ValueError, match="PostgreSQL address"):
        database_url(tmp_path, "mysql://u@h/db")


def test_the_tune_command_prints_each_trial_the_best_settings_and_a_report(
        tmp_path, series_csv, capsys, monkeypatch):
    monkeypatch.setenv("LSTM_APP_HOME", str(tmp_path / "home"))
    report = tmp_path / "study.json"
    code = cli_main(["tune", str(series_csv), "--trials", "3", "--minutes", "5", "--study",
                     "cli", "--report", str(report), "--epochs", "4", "--hidden-size", "8",
                     "--statistical-seconds", "0", "--patience", "0"])
    out = capsys.readouterr().out
    assert code == 0
    assert out.count("trial ") >= 3 and "validation loss" in out
    assert "--hidden-size 8" in out.splitlines()[0]  # trial 0: the starting settings
    assert "* the starting settings" in out and "saved as runs" in out
    saved = json.loads(report.read_text())
    assert saved["study"] == "cli" and len(saved["trials"]) == 3
    assert saved["trials"][0]["start"] and saved["verdict"] in out
    # A worker joins the study without the data: read from the run store.
    code = cli_main(["tune", "--study", "cli", "--trials", "1", "--quiet"])
    assert code == 0
    assert len(RunStore(tmp_path / "home").trials_of("cli")) == 4


def test_the_tune_command_gives_a_command_that_trains_what_was_tuned(tmp_path, series_csv,
                                                                      capsys, monkeypatch):
    monkeypatch.setenv("LSTM_APP_HOME", str(tmp_path / "home"))
    data = tmp_path / "my sales.csv"
    data.write_bytes(series_csv.read_bytes())
    code = cli_main(["tune", str(data), "--trials", "3", "--minutes", "5", "--quiet",
                     "--epochs", "4", "--hidden-size", "8", "--statistical-seconds", "0",
                     "--patience", "0", "--no-calendar"])
    out = capsys.readouterr().out
    assert code == 0
    [line] = [x for x in out.splitlines() if x.startswith("Train with them: ")]
    command = line.removeprefix("Train with them: ")
    assert command.startswith(f"python -m lstm_app forecast '{data}' ")
    # the starting settings the trials kept (the tuned ones come from the best trial)
    assert "--epochs 4 " in command and "--statistical-seconds 0 " in command
    assert "--patience 0 " in command and "--no-calendar" in command
    best = next(x for x in out.splitlines() if x.startswith("Best settings: "))
    assert command.endswith(best.removeprefix("Best settings: "))
    assert command.count("--hidden-size") == 1  # tuned: the best trial's, not the start's


def test_settings_that_cannot_train_are_refused_before_any_trial(tmp_path, capsys,
                                                                 monkeypatch):
    monkeypatch.setenv("LSTM_APP_HOME", str(tmp_path / "home"))
    tiny = tmp_path / "tiny.csv"
    tiny.write_text("date,value\n2024-01-01,1\n2024-01-02,2\n2024-01-03,3\n")
    assert cli_main(["tune", str(tiny), "--trials", "2", "--minutes", "1",
                     "--study", "doomed"]) == 2
    err = capsys.readouterr().err
    assert "has 3 numeric values" in err and "add more values" in err
    assert "Traceback" not in err
    assert RunStore(tmp_path / "home").list() == []  # no trial ran, none was saved
    # and the name is free again: the study made for it was taken out
    series = load_series(tiny)
    with pytest.raises(ValueError, match="has 3 numeric values"):
        _tune(tmp_path / "home", series, trials=1, study_name="doomed")


def test_a_gpu_this_machine_lacks_and_a_report_with_no_folder_are_refused_before_any_trial(
        tmp_path, capsys, monkeypatch, series_csv):
    import torch
    monkeypatch.setenv("LSTM_APP_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert cli_main(["tune", str(series_csv), "--trials", "2", "--minutes", "1",
                     "--device", "cuda"]) == 2
    err = capsys.readouterr().err
    assert "no GPU that torch can use" in err and "Traceback" not in err
    assert cli_main(["tune", str(series_csv), "--trials", "2", "--minutes", "1",
                     "--report", str(tmp_path / "nowhere" / "r.json")]) == 2
    assert "There is no folder" in capsys.readouterr().err
    assert RunStore(tmp_path / "home").list() == []  # no trial ran, none was saved


def test_a_panels_lookback_may_grow_as_far_as_every_series_keeps_a_training_window():
    from lstm_app.series.panel import load_panel
    from tests.test_app_panel import shops_csv
    panel = load_panel(shops_csv(), name="shops.csv")
    base = task_named("panel").resolve(panel, ForecastConfig(**FAST))
    limit = lookback_limit("panel", panel, base)
    assert limit > base.lookback
    from lstm_app.series.panel_windows import split_panel
    split = split_panel(panel, base.val_size, base.test_size, int(base.horizon))
    trained = split.trainable(int(base.lookback), int(base.horizon))
    assert (split.trainable(limit, int(base.horizon)) == trained).all()
    assert not (split.trainable(limit + 1, int(base.horizon)) == trained).all()


def test_a_plan_with_a_blank_is_refused_before_any_trial(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("LSTM_APP_HOME", str(tmp_path / "home"))
    plan = tmp_path / "plan.csv"
    rows = "".join(f"2024-01-{d:02d},{d % 2},{100 + d % 7}\n" for d in range(1, 29))
    plan.write_text("date,promo,sales\n" + rows + "2024-01-29,1,\n2024-01-30,,\n")
    assert cli_main(["tune", str(plan), "--trials", "2", "--minutes", "1", "--horizon", "2",
                     "--lookback", "7", "--known-covariates", "promo"]) == 2
    err = capsys.readouterr().err
    assert "'promo' has no values for 2024-01-30" in err and "Traceback" not in err
    assert RunStore(tmp_path / "home").list() == []


@pytest.mark.parametrize("argv, words", [
    (["tune", "--trials", "0", "x.csv"], "--trials must be a whole number from 1"),
    (["tune", "--study", "nobody"], "There is no study 'nobody'"),
    (["tune", "DATA.csv", "--storage", "mysql://u@h/db"], "PostgreSQL address"),
    (["tune"], "Give the data file to tune"),
])
def test_the_tune_command_refuses_bad_input_in_one_sentence(tmp_path, monkeypatch, capsys,
                                                            argv, words):
    monkeypatch.setenv("LSTM_APP_HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "DATA.csv").write_text("a,b\n1,2\n")
    assert cli_main(argv) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err


def test_a_postgres_address_that_answers_nothing_is_one_sentence(tmp_path, series):
    with pytest.raises(ValueError, match="cannot be opened") as error:
        _tune(tmp_path, series, trials=1,
              storage="postgresql://someone:hunter2@127.0.0.1:9/nothing")
    assert "hunter2" not in str(error.value)


def test_stop_before_any_trial_runs_none(tmp_path, series):
    stop = threading.Event()
    stop.set()
    result = _tune(tmp_path, series, trials=3, study_name="none",
                   callbacks=Callbacks(stop_event=stop))
    # The starting settings were queued, not run.
    assert [t.state for t in result.trials] == ["queued"] and result.best is None
    assert replace(result, trials=()).verdict.startswith("No trial finished")


def test_nothing_imports_ray_optuna_or_psycopg_until_they_are_used():
    """The app's pages and the command line, imported, leave the optional engines out."""
    import subprocess
    import sys

    from tests.conftest import REPO

    code = ("import sys, lstm_app.cli, lstm_app.ui.tune_view, lstm_app.ui.runs_session, "
            "lstm_app.ui.cluster_view, lstm_app.runs.store\n"
            "from lstm_app.runs.store import RunStore\n"
            "import tempfile; RunStore(tempfile.mkdtemp()).list()\n"
            "print(sorted(m for m in ('ray', 'optuna', 'psycopg') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                          text=True, timeout=120,
                          env={**__import__("os").environ, "LSTM_APP_RAY_ADDRESS": "",
                               "LSTM_APP_DATABASE_URL": ""})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_a_training_waiting_for_a_cluster_keeps_its_run_alive(tmp_path, series, monkeypatch):
    """A runner whose task has not begun (a cluster task waiting for a free CPU) reads the
    stop flag meanwhile: the run's heartbeat goes on, so no server takes it as interrupted."""
    import time

    from lstm_app.runs import recording
    from lstm_app.runs.recording import record_fit, start_run

    monkeypatch.setattr(recording, "HEARTBEAT_SECONDS", 0.05)
    store = RunStore(tmp_path)
    run_id = start_run(store, "forecast", series, ForecastConfig(**FAST), "waiting", "sine.csv")
    store.claim(run_id)
    before = store.get(run_id).heartbeat

    beats = []

    def waiting_runner(work):
        def run(callbacks):
            beats.append(store.get(run_id).heartbeat)  # as the task was sent
            for _ in range(5):
                time.sleep(0.05)
                assert not callbacks.stop_event.is_set()
            beats.append(store.get(run_id).heartbeat)  # before the run ends
            raise ValueError("the cluster gave up")
        return run

    with pytest.raises(ValueError, match="gave up"):
        record_fit(store, run_id, task_named("forecast"), series, ForecastConfig(**FAST),
                   Callbacks(stop_event=threading.Event()), waiting_runner)
    assert beats[1] > beats[0] >= before


def test_tuning_labelled_texts_as_a_forecast_says_how_to_tune_a_classifier(tmp_path, capsys,
                                                                          monkeypatch):
    monkeypatch.setenv("LSTM_APP_HOME", str(tmp_path / "home"))
    texts = tmp_path / "reviews.csv"
    texts.write_text("review,label\n" + "".join(f"good room {i},pos\nbad food {i},neg\n"
                                                for i in range(20)), encoding="utf-8")
    assert cli_main(["tune", str(texts), "--trials", "2", "--minutes", "1"]) == 2
    err = capsys.readouterr().err
    assert "No column of numbers was found" in err
    assert "If the file holds labelled texts, tune a classifier with --task classify." in err


def test_tuning_texts_labelled_0_and_1_is_refused_before_any_trial(tmp_path, capsys,
                                                                   monkeypatch):
    monkeypatch.setenv("LSTM_APP_HOME", str(tmp_path / "home"))
    texts = tmp_path / "reviews.csv"
    texts.write_text("review,label\n" + "".join(f"a clean and quiet room {i},1\nthe food was "
                                                f"cold again {i},0\n" for i in range(40)),
                     encoding="utf-8")
    assert cli_main(["tune", str(texts), "--trials", "2", "--minutes", "1"]) == 2
    err = capsys.readouterr().err
    assert ("The column 'review' holds texts and 'label' only 2 different values. To tune a "
            "classifier, add --task classify; to forecast 'label' all the same, name it with "
            "--value-col.") in err
    assert not (tmp_path / "home").exists() or not list((tmp_path / "home").rglob("*.json"))


def test_the_hidden_units_searched_stay_within_what_the_page_calls_not_too_large(series):
    import optuna
    from lstm_app.series.sizing import count_weights, size_advice, training_windows
    from lstm_app.tuning.space import suggest
    base = task_named("forecast").resolve(series, ForecastConfig(**FAST))
    limits = hidden_limits("forecast", series, base)
    space = search_space("forecast", base, 40, hidden_limits=limits)
    hidden = {d.name: d for d in space}["hidden_size"]
    assert base.hidden_size <= hidden.high == limits[0] < 256
    assert limits[0] > limits[1] > limits[2] >= 8  # a deeper network has fewer units each
    windows = training_windows(series, base)
    advice = lambda units, layers: size_advice(count_weights(series, replace(
        base, hidden_size=units, num_layers=layers)), windows, layers)[0]
    for layers, high in zip((1, 2, 3), limits):
        assert hidden.high_for(layers) == high
        assert advice(high, layers) == "ok" and advice(high + 1, layers) == "too_big"
    # every trial the sampler asks for, whatever its layers, is one the page does not warn of
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    asked = [suggest(study.ask(), space) for _ in range(60)]
    assert {params["num_layers"] for params in asked} == {1, 2, 3}
    assert all(advice(params["hidden_size"], params["num_layers"]) == "ok" for params in asked)
    assert list(asked[0]) == [d.name for d in space]  # in the order the tables show them
    again = [Dimension.from_dict(json.loads(json.dumps(d.to_dict()))) for d in space]
    assert again == space  # a joining worker searches the same ranges


def test_a_start_above_the_limit_for_its_layers_stays_in_its_own_range(series):
    base = replace(task_named("forecast").resolve(series, ForecastConfig(**FAST)),
                   hidden_size=200, num_layers=2)
    limits = hidden_limits("forecast", series, base)
    hidden = {d.name: d for d in search_space("forecast", base, 40, hidden_limits=limits)}[
        "hidden_size"]
    assert limits[1] < 200 and hidden.high_for(2) == 200 == hidden.high
    assert hidden.high_for(1) == limits[0] and hidden.high_for(3) == limits[2]


def test_a_language_models_units_searched_stay_within_what_the_page_calls_fitting():
    import optuna
    from pathlib import Path
    from lstm_app.text.sizing import count_weights, size_advice, suggested_config
    from lstm_app.text.spans import summarize
    from lstm_app.tuning.space import suggest
    text = (Path(__file__).parent.parent / "sample_data" / "shakespeare_excerpt.txt").read_text(
        encoding="utf-8")[:20_000]
    base = suggested_config(text)
    limits = hidden_limits("text", text, base)
    space = search_space("text", base, hidden_limits=limits)
    assert limits[0] > limits[1] > limits[2] >= 32 and limits[0] < 512
    summary = summarize(text, base.level, base.max_vocab, base.val_fraction)
    advice = lambda params: size_advice(count_weights(replace(base, **params),
                                                      summary.vocab_size),
                                        summary.train_tokens, summary.level)[0]
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=1))
    asked = [suggest(study.ask(), space) for _ in range(40)]
    assert {params["num_layers"] for params in asked} == {1, 2, 3}
    assert all(advice(params) != "too_big" for params in asked)


@pytest.mark.parametrize("option, value, said", [
    ("--trials", "1e9", "--trials must be a whole number from 1 to 1,000."),
    ("--trials", "abc", "--trials must be a whole number from 1 to 1,000."),
    ("--trials", "0", "--trials must be a whole number from 1 to 1,000."),
    ("--minutes", "nan", "--minutes must be a number of minutes from 0.1 to 1,440."),
    ("--minutes", "abc", "--minutes must be a number of minutes from 0.1 to 1,440.")])
def test_a_bad_number_of_trials_or_minutes_is_one_sentence(option, value, said, capsys):
    assert cli_main(["tune", "sample_data/airline_passengers.csv", option, value]) == 2
    err = capsys.readouterr().err
    assert err.strip() == f"error: {said}" and "usage" not in err


def test_a_file_path_as_storage_gets_its_address_and_an_unopenable_file_no_server_advice(
        capsys, tmp_path):
    plain = tmp_path / "plain.db"
    assert cli_main(["tune", "sample_data/airline_passengers.csv", "--storage", str(plain)]) == 2
    assert (f"for the SQLite file '{plain}', write sqlite:///{plain} (for PostgreSQL"
            in capsys.readouterr().err)
    assert cli_main(["tune", "sample_data/airline_passengers.csv", "--storage",
                     f"sqlite:///{tmp_path}/no/such/folder/x.db", "--trials", "1"]) == 2
    err = capsys.readouterr().err
    assert "check that the file's folder is there" in err and "password" not in err


def test_data_too_small_to_rank_trials_on_is_refused_before_any_trial(tmp_path, capsys,
                                                                      monkeypatch):
    monkeypatch.setenv("LSTM_APP_HOME", str(tmp_path / "home"))
    texts = tmp_path / "tiny.csv"  # 3 trained on, 1 to compare trials on, 2 tested
    texts.write_text("text,label\ngood,pos\nbad,neg\nnice,pos\nawful,neg\ngreat,pos\n"
                     "terrible,neg\n", encoding="utf-8")
    assert cli_main(["tune", str(texts), "--task", "classify", "--trials", "2",
                     "--minutes", "1"]) == 2
    err = capsys.readouterr().err
    assert ("The validation part holds only 1 text (an auto-tune needs at least 20 to compare "
            "its trials on): the best trial would be chance.") in err
    assert RunStore(tmp_path / "home").list() == []  # no trial ran


def test_a_study_name_is_refused_blank_or_with_a_control_and_a_file_name_makes_a_clean_one():
    from lstm_app.tuning.storage import check_study_name
    from lstm_app.tuning.study import default_study_name

    for name in ("", "  ", "\u202eabc", "a\nb", "x" * 101, "a\u2028b", "a\x85b", "a\x9bb",
                 "a\u200fb", "a\u061cb"):
        with pytest.raises(ValueError, match="A study's name must be 1 to 100 characters"):
            check_study_name(name)
    made = default_study_name("\u202egnp\x1b[31m.csv", "forecast")
    assert check_study_name(made) == made and made.startswith("gnp_[31m-forecast-")


def test_the_trials_chart_shows_a_stopped_trial_and_never_a_negative_loss():
    from lstm_app.tune_charts import history_chart
    from lstm_app.tuning.result import TrialRow

    fig = history_chart([TrialRow(0, "done", 0.19, {}, 3, 1.0, "a", start=True),
                         TrialRow(1, "stopped", 0.27, {}, 1, 1.0, "b")])
    names = [t.name for t in fig.data]
    assert "stopped" in names and list(fig.data[names.index("stopped")].y) == [0.27]
    assert fig.layout.yaxis.rangemode == "nonnegative"
    assert fig.layout.title.yref == "container"  # under the toolbar's band, as every chart's
    ring = history_chart([TrialRow(0, "stopped", 0.3, {}, 1, 1.0, "a", start=True)])
    assert [t.name for t in ring.data if t.name in ("starting settings", "best so far")] == [
        "starting settings", "best so far"] and list(ring.data[-1].y) == [0.3]


def test_the_settings_chart_writes_the_loss_axis_in_three_digits():
    from types import SimpleNamespace

    from lstm_app.tune_charts import parallel_chart
    from lstm_app.tuning.result import TrialRow

    space = [SimpleNamespace(name="lookback", kind="int", log=False, low=41, high=82),
             SimpleNamespace(name="num_layers", kind="int", log=False, low=1, high=3)]
    fig = parallel_chart([TrialRow(0, "done", 0.59227, {"lookback": 64, "num_layers": 3}, 3,
                                   1.0, "a"),
                          TrialRow(1, "done", 0.11173, {"lookback": 41, "num_layers": 1}, 3,
                                   1.0, "b")],
                         space, {"lookback": "Lookback", "num_layers": "Layers"})
    assert list(fig.data[0].dimensions[1].tickvals) == [1, 2, 3]  # not 1.5, 2.5
    assert fig.data[0].dimensions[0].tickvals is None  # a wide range: plotly's own ticks
    loss = fig.data[0].dimensions[-1]
    # its range's ends were 0.59227 and 0.11173, the top one over the tick "0.5"
    assert loss.label == "validation loss" and loss.tickformat == ".3~g"
    assert list(loss.values) == [0.59227, 0.11173]
