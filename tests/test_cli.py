"""The command line end to end on the sample data, in a subprocess as a user runs it."""

import json
import subprocess
import sys

import pandas as pd

from tests.conftest import REPO, SAMPLES

FAST = ["--hidden-size", "8", "--num-layers", "1", "--epochs", "2", "--quiet"]


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "lstm_app", *args], cwd=REPO,
                          capture_output=True, text=True, timeout=120)


def test_forecast_writes_the_csv_and_the_report(tmp_path):
    out, report = tmp_path / "forecast.csv", tmp_path / "report.json"
    done = run_cli("forecast", str(SAMPLES / "airline_passengers.csv"), *FAST,
                   "--out", str(out), "--report", str(report))
    assert done.returncode == 0, done.stderr
    assert "seasonal naive" in done.stdout and "LSTM" in done.stdout
    forecast = pd.read_csv(out)
    assert list(forecast.columns) == ["time", "forecast", "lower_80", "upper_80", "lower_95",
                                      "upper_95"]
    assert forecast["time"].iloc[0] == "1961-01-01" and len(forecast) == 12
    data = json.loads(report.read_text())
    assert set(data["baselines"]) == {"naive", "seasonal_naive", "drift"}
    for row in [data["test"], *data["baselines"].values()]:
        assert set(row) >= {"mae", "rmse", "mape", "smape", "mase"}
    assert set(data["test_scaled"]) == {"mse", "mae"}
    assert set(data["interval_coverage"]) == {"80", "95"}
    assert data["config"]["hidden_size"] == 8
    assert data["split"]["scaler_fit"]["span"] == "train"


def test_covariates_and_fixed_window_on_daily_sales(tmp_path):
    report = tmp_path / "report.json"
    done = run_cli("forecast", str(SAMPLES / "daily_sales.csv"), *FAST, "--value-col", "sales",
                   "--covariates", "promo", "--lookback", "14", "--horizon", "7",
                   "--report", str(report))
    assert done.returncode == 0, done.stderr
    data = json.loads(report.read_text())
    assert data["config"]["covariates"] == ["promo"]
    assert data["config"]["lookback"] == 14 and data["config"]["horizon"] == 7


def test_bad_input_exits_with_a_plain_message(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    done = run_cli("forecast", str(empty), *FAST)
    assert done.returncode == 2
    assert done.stderr.startswith("error: ") and "Traceback" not in done.stderr
    missing = run_cli("forecast", str(tmp_path / "nope.csv"), *FAST)
    assert missing.returncode == 2 and "could not be opened" in missing.stderr


def test_too_long_lookback_is_refused(tmp_path):
    done = run_cli("forecast", str(SAMPLES / "airline_passengers.csv"), *FAST,
                   "--lookback", "120", "--horizon", "12")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "lookback 120" in done.stderr
