"""A run store in PostgreSQL shared by several app servers (LSTM_APP_DATABASE_URL and one
artifacts folder): a run one of them records, another lists and opens; a bad address is one
sentence."""

import os
import subprocess
import sys

import pytest

from lstm_app.runs.reopening import reopen
from lstm_app.runs.database import StoreError
from lstm_app.runs.store import RunStore
from tests.conftest import REPO, SAMPLES
from tests.services import fresh_database


def test_a_run_recorded_by_one_server_is_listed_and_opened_by_another(
        postgres_url, tmp_path, monkeypatch, apps):
    from lstm_app.ui.runs_session import run_store

    url, shared = fresh_database(postgres_url), tmp_path / "shared"
    env = {**os.environ, "LSTM_APP_HOME": str(shared), "LSTM_APP_DATABASE_URL": url}
    trained = subprocess.run(
        [sys.executable, "-m", "lstm_app", "forecast", str(SAMPLES / "airline_passengers.csv"),
         "--epochs", "2", "--hidden-size", "8", "--statistical-seconds", "0", "--save-run",
         "--quiet"], cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert trained.returncode == 0, trained.stderr
    assert not (shared / "runs.sqlite3").exists()  # the rows went to PostgreSQL
    monkeypatch.setenv("LSTM_APP_HOME", str(shared))
    monkeypatch.setenv("LSTM_APP_DATABASE_URL", url)
    store = RunStore()
    [run] = store.list()
    assert run.status == "finished" and run.data_name == "airline_passengers.csv"
    assert len(store.history(run.id)) == 2
    assert reopen(store, run.id).test.mase is not None  # its files, from the shared folder
    run_store.clear()
    try:
        at = apps("pages/runs.py")
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        tables = [d.value for d in at.dataframe]
        assert any(run.id in table.to_csv() or "airline_passengers" in table.to_csv()
                   for table in tables)
    finally:
        run_store.clear()


def test_a_store_whose_server_cannot_be_reached_is_one_sentence(tmp_path):
    with pytest.raises(StoreError) as raised:
        RunStore(tmp_path, url="postgresql://someone:hunter2@127.0.0.1:9/runs")
    said = str(raised.value)
    assert "cannot be used" in said and "LSTM_APP_DATABASE_URL" in said
    assert "hunter2" not in said and "\n" not in said


def test_the_command_line_names_a_bad_database_address(tmp_path):
    env = {**os.environ, "LSTM_APP_HOME": str(tmp_path),
           "LSTM_APP_DATABASE_URL": "mysql://u@h/db"}
    done = subprocess.run([sys.executable, "-m", "lstm_app", "runs", "list"], cwd=REPO,
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "PostgreSQL address" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_app_says_why_its_run_store_cannot_be_used(apps, tmp_path, monkeypatch):
    from lstm_app.ui.runs_session import run_store

    monkeypatch.setenv("LSTM_APP_HOME", str(tmp_path))
    monkeypatch.setenv("LSTM_APP_DATABASE_URL", "postgresql://someone:hunter2@127.0.0.1:9/x")
    run_store.clear()
    try:
        at = apps(None)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        [error] = [e.value for e in at.error]
        assert "cannot be used" in error and "hunter2" not in error
    finally:
        run_store.clear()
