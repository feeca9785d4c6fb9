"""A classifier as a saved run: recorded with its validation scores per epoch, reopened with the
same scores, exported and imported as a bundle, and saved from the command line."""

import json

import pandas as pd
import pytest

from lstm_app.classify.labelled import load_labelled
from lstm_app.classify.settings import ClassifyConfig
from lstm_app.cli import main as cli_main
from lstm_app.runs.bundle import export_bundle, import_bundle
from lstm_app.runs.recording import record, start_run
from lstm_app.runs.reopening import reopen
from lstm_app.runs.store import RunStore
from lstm_app.runs.table import runs_table
from lstm_app.training.checkpoint import WEIGHTS
from tests.test_classify import csv_bytes, reviews

TINY = ClassifyConfig(embedding_dim=8, hidden_size=8, epochs=3, batch_size=16, lr=1e-2,
                      patience=0, minutes=0, max_length=30, seed=1)


@pytest.fixture(scope="module")
def recorded(tmp_path_factory):
    store = RunStore(tmp_path_factory.mktemp("classify") / "home")
    data = load_labelled(csv_bytes(reviews(90)), "reviews.csv")
    run_id = start_run(store, "classify", data, TINY, "reviews", data.name)
    return store, run_id, data, record(store.home, run_id, "classify", data, TINY)


def test_a_classifier_run_holds_its_data_model_scores_and_history(recorded):
    store, run_id, data, result = recorded
    run = store.get(run_id)
    assert run.status == "finished" and run.task == "classify" and run.data_rows == 90
    assert {p.name for p in store.run_dir(run_id).iterdir()} == {
        "texts.csv", "labelled.json", "config.json", "vocab.json", WEIGHTS, "report.json",
        "mistakes.csv"}
    assert run.metrics["test"] == result.test.to_dict()
    assert set(run.metrics["baselines"]) == {"majority", "tfidf_logreg"}
    history = store.history(run_id)
    assert [h.epoch for h in history] == [1, 2, 3]
    assert all(set(h.scores) == {"accuracy", "macro_f1"} for h in history)
    assert [h.scores for h in history] == [h.scores for h in result.training.history]
    report = json.loads((store.run_dir(run_id) / "report.json").read_text("utf-8"))
    assert report["accuracy"] == result.test.accuracy and report["confusion"] == result.confusion
    mistakes = pd.read_csv(store.run_dir(run_id) / "mistakes.csv")
    assert list(mistakes.columns) == ["text", "label", "predicted", "confidence"]
    assert len(mistakes) == len(result.mistakes)
    row = runs_table(store.list()).iloc[0]
    assert row["test accuracy"] == result.test.accuracy and "attention pooling" in row["settings"]


def test_reopening_a_classifier_run_gives_the_same_scores(recorded):
    store, run_id, data, result = recorded
    again = reopen(store, run_id)
    assert again.test == result.test and again.confusion == result.confusion
    assert again.data.texts == data.texts and again.data.classes == data.classes
    assert again.mistakes == result.mistakes


def test_a_classifier_bundle_imports_and_opens_with_the_same_scores(recorded, tmp_path):
    store, run_id, _, result = recorded
    target = RunStore(tmp_path / "elsewhere")
    new_id = import_bundle(target, export_bundle(store, run_id))
    assert target.get(new_id).task == "classify"
    assert reopen(target, new_id).test == result.test
    assert [h.scores for h in target.history(new_id)] == [h.scores for h in store.history(run_id)]


def test_the_command_line_saves_a_classifier_run(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("LSTM_APP_HOME", str(tmp_path / "home"))
    path = tmp_path / "reviews.csv"
    path.write_bytes(csv_bytes(reviews(60)))
    assert cli_main(["classify", str(path), "--hidden-size", "8", "--embedding-dim", "8",
                     "--epochs", "2", "--max-length", "30", "--quiet", "--save-run"]) == 0
    out = capsys.readouterr().out
    run_id = out.split("Saved as run ")[1].split()[0]
    assert cli_main(["runs", "show", run_id]) == 0
    shown = capsys.readouterr().out
    assert "classify on reviews.csv (60 texts), finished" in shown
    assert "accuracy" in shown.split("epoch    2")[1]


def test_a_split_that_leaves_no_texts_is_refused_before_a_run_is_saved(tmp_path, monkeypatch,
                                                                        capsys):
    monkeypatch.setenv("LSTM_APP_HOME", str(tmp_path / "home"))
    path = tmp_path / "dups.csv"
    path.write_bytes(csv_bytes([(f"same {i % 2}", "好评" if i % 2 else "差评") for i in range(100)]))
    assert cli_main(["classify", str(path), "--epochs", "1", "--save-run"]) == 2
    assert "no validation texts are left" in capsys.readouterr().err
    assert RunStore(tmp_path / "home").list() == []  # no failed run left behind
