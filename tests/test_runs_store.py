"""The run store on its own: rows in, rows out, atomic artifacts, interrupted runs, the runs table.

No training here (see test_runs_recording.py for that): every run is written by hand, so each
test knows exactly what the store must give back.
"""

import csv
import io
import os
import socket
import sqlite3
import subprocess
import sys
import time

import pytest

from lstm_app.runs import store as store_module
from lstm_app.runs.database import DB_NAME
from lstm_app.runs.store import STATUSES, RunStore
from tests.services import fresh_database
from lstm_app.runs.table import (runs_csv, runs_table, scores_side_by_side, settings_side_by_side,
                                settings_summary)
from lstm_app.tasks import TASKS
from lstm_app.training.trainer import EpochRecord

CONFIG = {"hidden_size": 8, "num_layers": 1, "lr": 0.003, "cell": "lstm", "lookback": "auto",
          "horizon": "auto", "covariates": ["promo"], "epochs": 3}
EPOCHS = [EpochRecord(1, 0.9, 0.7, 0.003, 0.5), EpochRecord(2, 0.6, 0.4, 0.003, 1.0),
          EpochRecord(3, 0.5, 0.45, 0.0015, 1.5)]


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    """A fresh store in SQLite (the default) and in a PostgreSQL database of its own: every
    test of the store holds for both."""
    if request.param == "sqlite":
        yield RunStore(tmp_path / "home")
        return
    store = RunStore(tmp_path / "home", url=fresh_database(request.getfixturevalue(
        "postgres_url")))
    yield store
    store.database.close()


def new_run(store: RunStore, name: str = "first", config: dict | None = None,
            task: str = "forecast") -> str:
    return store.create(task, name, dict(CONFIG if config is None else config),
                        data_name="air.csv", data_rows=144, data_hash="f00d")


def sql(store: RunStore, statement: str, *params):
    with store._db() as db:
        return [tuple(row.values()) for row in db.execute(statement, params).fetchall()]


def hidden_files(store: RunStore, run_id: str) -> list[str]:
    return sorted(p.name for p in store.run_dir(run_id).iterdir() if p.name.startswith("."))


# --- rows ----------------------------------------------------------------------------------

def test_a_run_round_trips_with_its_history_and_scores(store):
    before = time.time()
    run_id = new_run(store)
    assert run_id.isalnum() and store.run_dir(run_id).is_dir()
    fresh = store.get(run_id)
    assert fresh.status == "running" and fresh.finished is None and fresh.best_epoch is None
    assert fresh.metrics == {} and fresh.config == CONFIG and fresh.note == ""
    for record in EPOCHS:
        store.add_epoch(run_id, record)
    resolved = dict(CONFIG, lookback=24, horizon=12, covariates=["promo"])
    metrics = {"test": {"mae": 12.5, "mase": 0.8}, "verdict": "The LSTM wins.",
               "baselines": {"naive": {"mae": 20.0}}}
    store.finish(run_id, "finished", "Training ran all its epochs.", metrics=metrics,
                 best_epoch=2, best_val_loss=0.4, seconds=1.5, config=resolved)

    run = store.get(run_id)
    assert run.id == run_id and run.task == "forecast" and run.name == "first"
    assert (run.data_name, run.data_rows, run.data_hash) == ("air.csv", 144, "f00d")
    assert run.config == resolved  # the JSON columns come back decoded
    assert run.metrics == metrics
    assert run.status == "finished" and run.message == "Training ran all its epochs."
    assert (run.best_epoch, run.best_val_loss, run.seconds) == (2, 0.4, 1.5)
    assert run.pid == os.getpid() and run.host == socket.gethostname()
    assert before <= run.created <= run.finished <= time.time()
    assert run.parent is None
    assert store.history(run_id) == EPOCHS
    assert store.list() == [run]


def test_a_record_without_some_values_keeps_them_empty(store):
    run_id = new_run(store)
    store.add_epoch(run_id, EpochRecord(1, 0.5, None))
    assert store.history(run_id) == [EpochRecord(1, 0.5, None, None, None)]


def test_runs_are_listed_newest_first_and_histories_stay_apart(store):
    older = new_run(store, "older")
    time.sleep(0.01)
    newer = store.create("text", "newer", {"level": "char"}, "poem.txt", 1000, "beef",
                         parent=older)
    store.add_epoch(older, EPOCHS[0])
    store.add_epoch(newer, EPOCHS[1])
    assert [r.id for r in store.list()] == [newer, older]
    assert store.get(newer).parent == older and store.get(newer).task == "text"
    assert store.history(older) == [EPOCHS[0]] and store.history(newer) == [EPOCHS[1]]
    assert store.get("0123456789ab") is None and store.history("0123456789ab") == []


def test_finish_refuses_an_unknown_status_and_writes_nothing(store):
    run_id = new_run(store)
    with pytest.raises(ValueError, match="done"):
        store.finish(run_id, "done", metrics={"x": 1})
    run = store.get(run_id)
    assert run.status == "running" and run.metrics == {} and run.finished is None
    for status in STATUSES:  # every known one is accepted
        store.finish(run_id, status)
        assert store.get(run_id).status == status


def test_rename_annotate_and_delete(store):
    run_id, other = new_run(store, "first"), new_run(store, "second")
    store.add_epoch(run_id, EPOCHS[0])
    store.add_epoch(other, EPOCHS[0])
    store.write_bytes(run_id, "weights.safetensors", b"w")
    store.write_bytes(other, "weights.safetensors", b"w")

    store.rename(run_id, "  airline, small  ")
    assert store.get(run_id).name == "airline, small"
    store.rename(run_id, "   ")  # a blank name falls back to the id
    assert store.get(run_id).name == run_id
    store.rename(run_id, "  \u200b\u202e\ufeff\ufe0f\u3164\u2800  ")  # nothing of it is seen
    assert store.get(run_id).name == run_id
    store.rename(run_id, "\U0001f468\u200d\U0001f469 shop")  # a joiner among what is seen: kept
    assert store.get(run_id).name == "\U0001f468\u200d\U0001f469 shop"
    store.annotate(run_id, "lr too high?\nTry 0.001.")
    assert store.get(run_id).note == "lr too high?\nTry 0.001."
    assert store.get(other).name == "second" and store.get(other).note == ""

    folder = store.run_dir(run_id)
    store.delete(run_id)
    assert store.get(run_id) is None and store.history(run_id) == []
    assert sql(store, "SELECT COUNT(*) FROM epochs WHERE run_id = ?", run_id) == [(0,)]
    assert not folder.exists()
    assert [r.id for r in store.list()] == [other]  # the other run is untouched
    assert store.history(other) == [EPOCHS[0]]
    assert (store.run_dir(other) / "weights.safetensors").read_bytes() == b"w"


def test_names_and_notes_are_capped_in_the_store(store):
    # A name or note from a file or a bundle made elsewhere is cut to the caps on creation...
    run_id = store.create("text", "n" * 300, {}, data_name="d" * 300, data_rows=1,
                          data_hash="f00d", note="x" * 20_000)
    run = store.get(run_id)
    assert (run.name, run.data_name, run.note) == ("n" * 200, "d" * 200, "x" * 10_000)
    # ... while someone renaming or annotating is told the limit, and nothing changes.
    with pytest.raises(ValueError) as error:
        store.rename(run_id, "m" * 201)
    assert str(error.value) == ("A run's name can be at most 200 characters long; this one has "
                                "201. Shorten it and try again.")
    with pytest.raises(ValueError) as error:
        store.annotate(run_id, "y" * 10_001)
    assert str(error.value) == ("A run's note can be at most 10,000 characters long; this one "
                                "has 10,001. Shorten it and try again.")
    assert (store.get(run_id).name, store.get(run_id).note) == ("n" * 200, "x" * 10_000)
    store.rename(run_id, f"  {'m' * 200}  ")  # the spaces around a name do not count
    store.annotate(run_id, "y" * 10_000)
    assert (store.get(run_id).name, store.get(run_id).note) == ("m" * 200, "y" * 10_000)


def test_control_characters_in_names_and_notes_are_spaces(store):
    # A bundle made elsewhere may carry a line break, a terminal's escape or a bidi override.
    run_id = store.create("text", "# Heading\n\x1b[31m red\u202e", {},
                          data_name="a\rb.txt", data_rows=1, data_hash="f00d",
                          note="line one\nline\ttwo\x07")
    run = store.get(run_id)
    assert (run.name, run.data_name, run.note) == ("# Heading  [31m red", "a b.txt",
                                                   "line one\nline\ttwo ")
    store.rename(run_id, "\x00\n ")  # nothing but controls: blank, so the run's id
    assert store.get(run_id).name == run_id
    store.rename(run_id, "new\x1bname")
    store.annotate(run_id, "kept\nlines\x1b")
    assert (store.get(run_id).name, store.get(run_id).note) == ("new name", "kept\nlines ")
    assert store.get(store.create("text", " \n ", {}, "d", 1, "f00d")).name  # never blank


# --- artifacts -----------------------------------------------------------------------------

@pytest.mark.parametrize("bad", ["../x", "..", "", "a/b", "abc.def", "abc def", "/etc"])
def test_run_dir_refuses_what_is_not_a_run_id(store, bad):
    with pytest.raises(ValueError):
        store.run_dir(bad)
    with pytest.raises(ValueError):
        store.write_bytes(bad, "weights.safetensors", b"x")


def test_delete_never_reaches_outside_the_store(store, tmp_path):
    outside = tmp_path / "home" / "x"
    outside.mkdir()
    (outside / "keep.txt").write_text("mine")
    with pytest.raises(ValueError):
        store.delete("../x")
    assert (outside / "keep.txt").read_text() == "mine"


def test_artifacts_are_written_whole_and_leave_no_temporary_files(store):
    run_id = new_run(store)
    path = store.write_bytes(run_id, "weights.safetensors", b"old")
    assert path == store.run_dir(run_id) / "weights.safetensors" and path.read_bytes() == b"old"
    store.write_bytes(run_id, "weights.safetensors", b"new")
    assert path.read_bytes() == b"new"
    store.write_json(run_id, "config.json", {"a": [1, 2], "b": "ü"})
    assert store.read_json(run_id, "config.json") == {"a": [1, 2], "b": "ü"}
    assert hidden_files(store, run_id) == []
    assert sorted(p.name for p in store.run_dir(run_id).iterdir()) == ["config.json",
                                                                      "weights.safetensors"]


@pytest.mark.parametrize("failing", ["replace", "fsync"])
def test_a_failed_write_keeps_the_old_artifact(store, monkeypatch, failing):
    run_id = new_run(store)
    path = store.write_bytes(run_id, "weights.safetensors", b"old")

    def boom(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store_module.os, failing, boom)
    with pytest.raises(OSError):
        store.write_bytes(run_id, "weights.safetensors", b"new, but never finished")
    with pytest.raises(OSError):
        store.write_json(run_id, "config.json", {"never": "written"})
    monkeypatch.undo()
    assert path.read_bytes() == b"old"
    assert not (store.run_dir(run_id) / "config.json").exists()
    assert hidden_files(store, run_id) == []
    assert sorted(p.name for p in store.run_dir(run_id).iterdir()) == ["weights.safetensors"]


# --- interrupted runs ----------------------------------------------------------------------

def dead_pid() -> int:
    """The pid of a process that has ended (and been reaped)."""
    done = subprocess.Popen([sys.executable, "-c", "pass"])
    done.wait(30)
    return done.pid


def test_a_run_whose_process_died_on_this_host_is_marked_interrupted(store):
    dead, alive = new_run(store, "dead"), new_run(store, "alive")
    finished = new_run(store, "finished")
    store.finish(finished, "finished", "All done.")
    pid = dead_pid()
    sql(store, "UPDATE runs SET pid = ? WHERE id IN (?, ?)", pid, dead, finished)
    assert store.get(alive).pid == os.getpid()

    assert store.mark_interrupted() == [dead]
    run = store.get(dead)
    assert run.status == "interrupted" and "interrupted" in run.message
    assert run.finished is not None
    assert store.get(alive).status == "running"  # its process (this one) still lives
    assert store.get(finished).status == "finished"  # only running runs are ever marked
    assert store.get(finished).message == "All done."
    assert store.mark_interrupted() == []  # and only once


def test_a_run_from_another_host_is_judged_by_its_heartbeat(store):
    now = time.time()
    stale, fresh, recent = (new_run(store, name) for name in ("stale", "fresh", "recent"))
    pid = dead_pid()  # on the other host a pid means nothing here: only heartbeats count
    sql(store, "UPDATE runs SET host = 'elsewhere', pid = ?", pid)
    sql(store, "UPDATE runs SET heartbeat = ? WHERE id = ?", now - 120, stale)
    sql(store, "UPDATE runs SET heartbeat = ? WHERE id = ?", now, fresh)
    sql(store, "UPDATE runs SET heartbeat = ? WHERE id = ?", now - 30, recent)

    assert store.mark_interrupted(stale_after=60) == [stale]
    assert store.get(stale).status == "interrupted"
    assert store.get(fresh).status == "running" and store.get(recent).status == "running"
    assert store.mark_interrupted(stale_after=10) == [recent]
    assert store.get(fresh).status == "running"


def test_a_heartbeat_or_an_epoch_keeps_a_remote_run_alive(store):
    run_id = new_run(store)
    sql(store, "UPDATE runs SET host = 'elsewhere', heartbeat = ?", time.time() - 120)
    store.heartbeat(run_id)
    assert store.mark_interrupted(stale_after=60) == []
    sql(store, "UPDATE runs SET heartbeat = ?", time.time() - 120)
    store.add_epoch(run_id, EPOCHS[0])
    assert store.mark_interrupted(stale_after=60) == []
    sql(store, "UPDATE runs SET heartbeat = ?", time.time() - 120)
    assert store.mark_interrupted(stale_after=60) == [run_id]


def test_claim_hands_a_run_to_the_process_that_trains_it(store):
    run_id = new_run(store)
    pid = dead_pid()
    sql(store, "UPDATE runs SET pid = ?, host = 'elsewhere'", pid)  # created by another process
    store.claim(run_id)
    run = store.get(run_id)
    assert run.pid == os.getpid() and run.host == socket.gethostname()
    assert store.mark_interrupted() == []


# --- the runs table ------------------------------------------------------------------------

def finished_run(store, name, config, history, best_epoch, metrics, task="forecast"):
    run_id = new_run(store, name, config, task)
    for record in history:
        store.add_epoch(run_id, record)
    best = min(history, key=lambda h: h.val_loss)
    assert best.epoch == best_epoch
    store.finish(run_id, "finished", metrics=metrics, best_epoch=best_epoch,
                 best_val_loss=best.val_loss, seconds=12.345)
    return run_id


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_the_runs_csv_never_hands_a_spreadsheet_a_formula(store, start):
    formula = f'{start}HYPERLINK("http://evil.example","open")'
    run_id = new_run(store, name=formula)
    store.annotate(run_id, f"{start}1+1")
    text = runs_csv(store.list())
    assert text.startswith("\ufeff")  # Excel reads UTF-8 as UTF-8 only after one
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    # (the store makes a leading tab or carriage return in a name a space, then strips it)
    run = store.get(run_id)
    for column, stored in (("name", run.name), ("note", run.note)):
        assert rows[0][column] == ("'" + stored if stored[:1] in "=+-@\t\r" else stored)
        assert not rows[0][column].startswith(("=", "+", "-", "@", "\t", "\r"))
    assert rows[0]["note"] == f"'{start}1+1" or start == "\r"
    assert rows[0]["id"] == run_id  # what is not a formula is left as it is


def test_settings_a_run_lacks_are_left_out_of_its_summary():
    assert settings_summary({}) == "LSTM ?×?"
    assert settings_summary({"hidden_size": 8, "num_layers": 1, "lr": "fast"}) == "LSTM 8×1"
    assert settings_summary({"cell": "peephole", "hidden_size": 8, "num_layers": 1}) == (
        "Peephole LSTM 8×1")  # a word, translated: it read "PEEPHOLE 8×1" in Chinese too
    assert settings_summary(["not", "a", "dict"]) == "LSTM ?×?"


def test_the_runs_table_shows_the_best_validation_loss_not_the_last(store):
    forecast = finished_run(store, "air", CONFIG, EPOCHS, 2,
                            {"test": {"mae": 12.5, "mase": 0.8}, "verdict": "ok"})
    time.sleep(0.01)
    text_config = {"level": "char", "seq_len": 100, "hidden_size": 64, "num_layers": 2,
                   "lr": 0.002, "cell": "gru"}
    text = finished_run(store, "poem", text_config,
                        [EpochRecord(1, 3.0, 2.5), EpochRecord(2, 2.0, 2.9)], 1,
                        # kept the last epoch's weights: its final loss is not the best
                        {"val_loss": 2.9, "bits_per_char": 3.6, "verdict": "meh"}, task="text")
    time.sleep(0.01)
    classify_config = {"level": "char", "max_length": 200, "pooling": "max",
                       "bidirectional": True, "hidden_size": 64, "num_layers": 1, "lr": 0.003,
                       "cell": "lstm"}
    classifier = finished_run(store, "reviews", classify_config,
                              [EpochRecord(1, 0.6, 0.5, scores={"accuracy": 0.8})], 1,
                              {"test": {"accuracy": 0.875, "macro_f1": 0.85}}, task="classify")
    running = new_run(store, "still going")
    store.add_epoch(running, EPOCHS[0])

    table = runs_table(store.list())
    assert list(table.columns) == ["id", "best val loss", "test MASE", "bits per char",
                                   "test accuracy", "name", "task", "data", "status", "created",
                                   "settings", "best epoch", "test MAE", "test macro-F1",
                                   "seconds", "note"]
    assert list(table["id"]) == [running, classifier, text, forecast]  # newest first
    rows = table.set_index("id")
    assert rows.loc[forecast, "best val loss"] == 0.4  # epoch 2's, not the last epoch's 0.45
    assert str(rows.loc[forecast, "best epoch"]) == "2"  # a whole number in the CSV, not 2.0
    assert rows.loc[text, "best val loss"] == 2.5 and rows.loc[text, "best epoch"] == 1
    assert rows.loc[forecast, "test MAE"] == 12.5 and rows.loc[forecast, "test MASE"] == 0.8
    assert rows.loc[text, "bits per char"] == 3.6
    assert rows.loc[forecast, "seconds"] == 12.3
    assert rows.loc[forecast, "status"] == "finished" and rows.loc[running, "status"] == "running"
    assert rows.loc[forecast, "settings"] == "LSTM 8×1, lr 0.003, lookback auto, horizon auto"
    assert rows.loc[text, "settings"] == "GRU 64×2, lr 0.002, char level, seq 100"
    assert (rows.loc[text, "task"], rows.loc[text, "name"]) == ("text", "poem")
    assert (rows.loc[classifier, "test accuracy"], rows.loc[classifier, "test macro-F1"]) == (
        0.875, 0.85)
    assert rows.loc[classifier, "settings"] == ("LSTM 64×1, lr 0.003, char level, max pooling, "
                                                "up to 200 tokens, both ways")
    assert store.history(classifier)[0].scores == {"accuracy": 0.8}
    assert runs_table([]).empty and list(runs_table([]).columns) == list(table.columns)


def test_settings_side_by_side_says_exactly_which_settings_differ(store):
    small = new_run(store, "small")
    big = new_run(store, "big", dict(CONFIG, hidden_size=32))
    other = new_run(store, "other", dict(CONFIG, hidden_size=32, patience=5, suggested=["lr"]))
    runs = [store.get(small), store.get(big), store.get(other)]
    label = {k: s.label for k, s in TASKS["forecast"].settings.items()}

    two = settings_side_by_side(runs[:2])
    # Named as the page names them, in the page's order (not code names in alphabetical order).
    assert two.index.name == "setting"
    assert list(two.index) == [label[k] for k in label if k in CONFIG]
    assert list(two.columns) == [f"small ({small[:6]})", f"big ({big[:6]})", "differs"]
    assert two["differs"].to_dict() == {label[k]: k == "hidden_size" for k in CONFIG}
    assert two.loc["Hidden units", f"big ({big[:6]})"] == "32"
    assert settings_side_by_side([store.get(new_run(store, "tuned", dict(
        CONFIG, lr=0.1 + 0.2)))]).loc[label["lr"]].iloc[0] == "0.3"  # not 0.30000000000000004
    assert two.loc["Extra input columns (covariates)", f"small ({small[:6]})"] == "promo"

    three = settings_side_by_side(runs)
    # which settings were suggested is not a setting: left out
    assert set(three.index) == {label[k] for k in [*CONFIG, "patience"]}
    # a setting only one run has differs; equal lists and strings do not
    assert three["differs"].to_dict() == {label[k]: k in ("hidden_size", "patience")
                                          for k in [*CONFIG, "patience"]}
    assert three.loc["Early-stopping patience", f"small ({small[:6]})"] == "–"

    alone = settings_side_by_side(runs[:1])
    assert not alone["differs"].any()


def test_scores_side_by_side_never_mixes_a_forecasts_loss_with_a_text_models(store):
    forecast = new_run(store, "sales")
    text = store.create("text", "poem", {"hidden_size": 64, "level": "char"}, "poem.txt", 900,
                        "beef")
    store.finish(forecast, "finished", metrics={"test": {"mae": 12.5, "mase": None}})
    store.finish(text, "finished", metrics={"bits_per_char": 2.25})
    tables = dict(scores_side_by_side([store.get(forecast), store.get(text)]))
    assert list(tables) == ["forecast", "text"]
    assert list(tables["forecast"].index) == [f"sales ({forecast[:6]})"]
    assert "test MAE (the data's units)" in tables["forecast"].columns
    assert tables["forecast"].loc[f"sales ({forecast[:6]})", "test MAE (the data's units)"] == "12.5"
    assert "bits per character" not in tables["forecast"].columns
    assert tables["text"].loc[f"poem ({text[:6]})", "bits per character"] == "2.25"
    # No "None" in a cell: a score a run lacks is a dash.
    assert "None" not in tables["forecast"].to_string() + tables["text"].to_string()
    # accuracy a percentage, as in the runs table above it (it read 0.2703 under 27.03%)
    classifier = store.create("classify", "reviews", {"hidden_size": 8}, "r.csv", 90, "cafe")
    store.finish(classifier, "finished", metrics={"test": {"accuracy": 0.27027, "macro_f1": 0.213}})
    [(task, scores)] = scores_side_by_side([store.get(classifier)])
    assert scores.iloc[0].tolist()[-2:] == ["27.03%", "0.213"], scores


def test_the_finished_runs_on_one_data_are_found_without_listing_every_run(store):
    old = store.create("forecast", "old", CONFIG, "air.csv", 144, "f00d")
    store.finish(old, "finished")
    new = store.create("forecast", "new", CONFIG, "air.csv", 144, "f00d")
    store.finish(new, "finished")
    running = store.create("forecast", "running", CONFIG, "air.csv", 144, "f00d")
    other_data = store.create("forecast", "other", CONFIG, "b.csv", 9, "beef")
    store.finish(other_data, "finished")
    child = store.create("forecast", "more", CONFIG, "air.csv", 144, "f00d", parent=new)
    store.finish(child, "finished")
    text = store.create("text", "poem", {}, "air.csv", 144, "f00d")
    store.finish(text, "finished")
    assert [r.id for r in store.trained_on("forecast", "f00d")] == [new, old]
    assert store.get(running).status == "running"
    assert [r.id for r in store.trained_on("forecast", "f00d", ("finished", "running"))] == \
        [running, new, old]


def test_a_run_this_process_holds_no_job_for_is_interrupted_after_a_grace(store, monkeypatch):
    import lstm_app.runs.store as store_module

    orphan = store.create("forecast", "orphan", CONFIG, "air.csv", 144, "f00d")
    queued = store.create("forecast", "queued", CONFIG, "air.csv", 144, "f00d")
    fresh = store.create("forecast", "just made", CONFIG, "air.csv", 144, "f00d")
    jobs = {queued}
    # Without knowing this process's jobs, a run of a live process is left alone.
    assert store.mark_interrupted() == []
    with store._db() as db:  # the first two were made a while ago
        db.execute("UPDATE runs SET heartbeat = ? WHERE id IN (?, ?)",
                   (time.time() - store_module.ORPHAN_GRACE - 5, orphan, queued))
    assert store.mark_interrupted(known=lambda run_id: run_id in jobs) == [orphan]
    assert store.get(orphan).status == "interrupted"
    assert store.get(queued).status == "running" and store.get(fresh).status == "running"


def test_a_store_made_before_epochs_kept_scores_gains_the_column(tmp_path):
    """An earlier version's epochs table (no scores column) is extended in place: its epochs
    read back without scores, new ones keep theirs."""
    db = sqlite3.connect(tmp_path / DB_NAME)
    with db:
        db.executescript("CREATE TABLE epochs (run_id TEXT NOT NULL, epoch INTEGER NOT NULL, "
                         "train_loss REAL, val_loss REAL, lr REAL, seconds REAL, "
                         "PRIMARY KEY (run_id, epoch));")
    db.close()
    store = RunStore(tmp_path)
    run_id = new_run(store)
    sql(store, "INSERT INTO epochs (run_id, epoch, train_loss, val_loss, lr, seconds) "
               "VALUES (?, 1, 0.5, 0.4, 0.001, 1.0)", run_id)
    store.add_epoch(run_id, EpochRecord(2, 0.3, 0.2, 0.001, 2.0, {"accuracy": 0.9}))
    sql(store, "INSERT INTO epochs VALUES (?, 3, 0.3, 0.2, 0.001, 3.0, 'not json')", run_id)
    assert [h.scores for h in store.history(run_id)] == [None, {"accuracy": 0.9}, None]


def test_a_column_a_newer_version_added_does_not_stop_this_one_reading_runs(store):
    run_id = new_run(store, "kept")
    with store._db() as db:
        db.execute("ALTER TABLE runs ADD COLUMN from_the_future TEXT")
    assert store.get(run_id).name == "kept" and [r.id for r in store.list()] == [run_id]


def test_a_blank_home_is_the_default_folder_not_the_current_one(monkeypatch):
    from pathlib import Path

    from lstm_app.file_checks import default_home

    for blank in ("", "  "):
        monkeypatch.setenv("LSTM_APP_HOME", blank)
        assert default_home() == Path("lstm_runs")
    monkeypatch.setenv("LSTM_APP_HOME", "/srv/runs")
    assert default_home() == Path("/srv/runs")


def test_a_home_that_cannot_be_made_is_said_with_its_path_and_what_to_do(tmp_path):
    from lstm_app.runs.database import StoreError

    (tmp_path / "a file").write_text("x")
    with pytest.raises(StoreError) as error:
        RunStore(tmp_path / "a file" / "runs")
    assert str(error.value) == (f"The run store's folder '{tmp_path / 'a file' / 'runs'}' cannot "
                                "be made or used (Not a directory): set LSTM_APP_HOME to a "
                                "folder you can write to.")


def test_scores_a_damaged_run_holds_in_the_wrong_shape_are_blank_not_a_crash():
    from types import SimpleNamespace

    def run(metrics):
        return SimpleNamespace(id="a" * 12, name="x", task="forecast", data_name="d",
                               status="finished", created=0.0, config={}, best_val_loss=None,
                               best_epoch=None, metrics=metrics, seconds=None, note="")

    runs = [run({"test": "x"}), run({"test": {"mase": "abc", "mae": [1]}}), run([1]),
            run({"test": {"mase": 1.5}, "bits_per_char": "?"})]
    table = runs_table(runs)
    assert table["test MASE"].tolist()[3] == 1.5 and table["test MASE"].isna().tolist()[:3] == [
        True] * 3
    assert table["test MAE"].isna().all() and table["bits per char"].isna().all()
    written = runs_csv(runs)
    assert "abc" not in written and "[1]" not in written


def test_a_holiday_calendar_is_named_by_its_country_among_the_settings():
    from types import SimpleNamespace

    from lstm_app.i18n import speaking
    from lstm_app.runs.table import settings_side_by_side

    run = SimpleNamespace(id="abc123def456", name="shops", task="forecast",
                          config={"holidays": "CN", "hidden_size": 8})
    assert settings_side_by_side([run]).loc["Public holidays"].iloc[0] == "China (CN)"
    with speaking("zh"):
        assert settings_side_by_side([run]).loc["公共节假日"].iloc[0] == "中国（CN）"
    run.config["holidays"] = "XX"  # an imported run's unknown code: as it is
    assert settings_side_by_side([run]).loc["Public holidays"].iloc[0] == "XX"
