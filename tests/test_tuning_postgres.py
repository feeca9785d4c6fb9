"""Auto-tune with its study in a real PostgreSQL server (started on 127.0.0.1 by the test
session): two tuning workers in two processes share one study."""

import os
import subprocess
import sys

import numpy as np
import pandas as pd

from lstm_app.runs.store import RunStore
from lstm_app.tuning.storage import database_url, open_storage
from tests.conftest import REPO


def _csv(path):
    t = np.arange(150)
    pd.DataFrame({"month": pd.date_range("2000-01", periods=150, freq="MS"),
                  "sales": 10 + 3 * np.sin(2 * np.pi * t / 12)}).to_csv(path, index=False)
    return path


def test_two_workers_in_two_processes_share_one_study(postgres_url, tmp_path):
    import optuna

    data = _csv(tmp_path / "sine.csv")
    homes = [tmp_path / "first", tmp_path / "second"]
    workers = [subprocess.Popen(
        [sys.executable, "-m", "lstm_app", "tune", str(data), "--study", "shared", "--storage",
         postgres_url, "--trials", "2", "--minutes", "3", "--quiet", "--epochs", "3",
         "--hidden-size", "8", "--statistical-seconds", "0"],
        cwd=REPO, env={**os.environ, "LSTM_APP_HOME": str(home)}, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True) for home in homes]
    for worker in workers:
        out, err = worker.communicate(timeout=300)
        assert worker.returncode == 0, err
        assert "Traceback" not in err
    study = optuna.load_study(study_name="shared",
                              storage=open_storage(database_url(tmp_path, postgres_url)))
    trials = study.get_trials()
    assert sorted(t.number for t in trials) == [0, 1, 2, 3]
    assert sum(bool(t.user_attrs.get("start")) for t in trials) == 1  # made by one worker
    assert all(t.state.name in ("COMPLETE", "PRUNED") for t in trials)
    # Each worker recorded its own trials as runs in its own store, linked to the study.
    recorded = [RunStore(home).trials_of("shared") for home in homes]
    assert [len(runs) for runs in recorded] == [2, 2]
    assert {r.id for runs in recorded for r in runs} == {t.user_attrs["run_id"] for t in trials}
    # A third worker joining with other data is refused in one sentence.
    other = tmp_path / "other.csv"
    pd.read_csv(data).assign(sales=lambda f: f.sales * 2).to_csv(other, index=False)
    refused = subprocess.run(
        [sys.executable, "-m", "lstm_app", "tune", str(other), "--study", "shared",
         "--storage", postgres_url, "--trials", "1"], cwd=REPO, capture_output=True, text=True,
        env={**os.environ, "LSTM_APP_HOME": str(tmp_path / "third")}, timeout=120)
    assert refused.returncode == 2 and "other data" in refused.stderr
