"""The command line end to end on the sample data, in a subprocess as a user runs it."""

import json
import os
import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from tests.conftest import REPO, SAMPLES

FAST = ["--hidden-size", "8", "--num-layers", "1", "--epochs", "2", "--quiet",
        "--statistical-seconds", "0"]


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "lstm_app", *args], cwd=REPO,
                          capture_output=True, text=True, timeout=120)


def test_forecast_scores_against_the_statistical_models_and_writes_the_recommended(tmp_path):
    out, report = tmp_path / "forecast.csv", tmp_path / "report.json"
    done = run_cli("forecast", str(SAMPLES / "airline_passengers.csv"), "--epochs", "2",
                   "--hidden-size", "8", "--out", str(out), "--report", str(report))
    assert done.returncode == 0, done.stderr
    for name in ("AutoETS", "AutoTheta", "AutoARIMA", "combination"):
        assert re.search(rf"^{name}\s+\d", done.stdout, re.M), done.stdout
    assert "Fitting AutoARIMA (3 of 3) to score the LSTM against it…" in done.stderr
    data = json.loads(report.read_text())
    assert {"auto_ets", "auto_theta", "auto_arima", "combination"} <= set(data["baselines"])
    recommended = data["recommended"]
    assert recommended["method"] in data["methods"] and recommended["why"] in data["verdict"]
    assert recommended["why"].startswith(f"Recommended: {recommended['name']}, whose")
    assert len(pd.read_csv(out)) == 12
    rows = [line for line in done.stdout.splitlines()
            if re.match(r"(LSTM|AutoETS|AutoTheta|AutoARIMA|combination)\s+(\d|-|n/a)", line)]
    assert len(rows) == 5 and all(len(line.split()) == 6 for line in rows), rows  # cells apart


def test_an_output_path_ending_in_a_slash_is_refused_before_any_work(tmp_path):
    for option in ("--out", "--report"):
        done = run_cli("forecast", str(SAMPLES / "airline_passengers.csv"), *FAST,
                       option, f"{tmp_path}/newdir/")
        assert done.returncode == 2 and done.stderr.endswith(
            f"error: argument {option}: '{tmp_path}/newdir/' ends in a slash, as a folder's "
            "name does; give the path of a file, its name after the slash.\n"), done.stderr
        assert not (tmp_path / "newdir").exists()  # a CSV of that name was written
    # '-', the screen elsewhere, was written as a file named '-' in the folder run from
    done = run_cli("forecast", str(SAMPLES / "airline_passengers.csv"), *FAST, "--out", "-")
    assert done.returncode == 2 and done.stderr.endswith(
        "error: argument --out: '-' is not taken as a file's name: to print to the screen, give "
        "/dev/stdout (or leave the option out where the command prints by itself).\n")


def test_forecast_writes_the_csv_and_the_report(tmp_path):
    out, report = tmp_path / "forecast.csv", tmp_path / "report.json"
    done = run_cli("forecast", str(SAMPLES / "airline_passengers.csv"), *FAST,
                   "--out", str(out), "--report", str(report))
    assert done.returncode == 0, done.stderr
    assert "seasonal naive" in done.stdout and "LSTM" in done.stdout
    # what scoring found is said on the terminal too, not only in the report
    assert "note: The validation span has only 11 windows, too few for a guaranteed 95% " \
        "interval" in done.stderr
    forecast = pd.read_csv(out)
    assert list(forecast.columns) == ["time", "forecast", "lower_80", "upper_80", "lower_95",
                                      "upper_95", "method"]
    assert forecast["time"].iloc[0] == "1961-01-01" and len(forecast) == 12
    assert set(forecast["method"]) == {"LSTM"}  # the recommended: no statistical model here
    data = json.loads(report.read_text())
    assert set(data["baselines"]) == {"naive", "seasonal_naive", "drift"}
    for row in [data["test"], *data["baselines"].values()]:
        assert set(row) >= {"mae", "rmse", "mape", "smape", "mase"}
    assert set(data["test_scaled"]) == {"mse", "mae"}
    assert set(data["interval_coverage"]) == {"80", "95"}
    assert data["config"]["hidden_size"] == 8
    assert data["split"]["scaler_fit"]["span"] == "train"


def test_the_settings_suggested_for_one_series_are_named(tmp_path):
    """The steady sine reads levels (anchor_last off), and the command line says so, as the
    page shows it; the airline's suggestion leaves the setting alone."""
    report = tmp_path / "report.json"
    done = run_cli("forecast", str(SAMPLES / "noisy_sine.csv"), "--epochs", "1", "--quiet",
                   "--statistical-seconds", "0", "--report", str(report))
    assert done.returncode == 0, done.stderr
    assert "note: suggested for this series: hidden_size 32, anchor_last False" in done.stderr
    assert json.loads(report.read_text())["config"]["anchor_last"] is False
    done = run_cli("forecast", str(SAMPLES / "airline_passengers.csv"), "--epochs", "1",
                   "--quiet", "--statistical-seconds", "0", "--anchor-last")
    assert done.returncode == 0, done.stderr
    assert "note: suggested for this series: hidden_size 32\n" in done.stderr


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


def test_a_horizon_past_the_last_countable_date_is_refused_in_a_sentence(tmp_path):
    done = run_cli("forecast", str(SAMPLES / "airline_passengers.csv"), *FAST,
                   "--horizon", "100000")  # its dates would run to the year 10294
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "with lookback 2 and horizon 100000 at least 300002 are needed" in done.stderr
    days = pd.DataFrame({"date": pd.date_range("2254-01-01", periods=3000, freq="D"),
                         "v": np.arange(3000.0)})
    late = tmp_path / "late.csv"
    days.to_csv(late, index=False)
    done = run_cli("forecast", str(late), *FAST, "--horizon", "900", "--lookback", "7")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert ("A horizon of 900 steps after 2262-03-19 reaches past 2262-04-11, the latest date "
            "the app can count to; choose a shorter horizon.") in done.stderr


def test_a_bad_setting_exits_with_the_sentence_every_other_way_in_gives():
    from lstm_app.series.settings import ForecastConfig

    done = run_cli("forecast", str(SAMPLES / "airline_passengers.csv"), *FAST, "--dropout", "1.5")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    try:
        ForecastConfig(statistical_seconds=0, dropout=1.5)
    except ValueError as error:
        assert done.stderr == f"error: {error}\n"
    done = run_cli("forecast", str(SAMPLES / "airline_passengers.csv"), *FAST,
                   "--epochs", "many")
    assert done.returncode == 2
    assert done.stderr == "error: Epochs must be a whole number from 1 to 10,000.\n"
    done = run_cli("text", str(SAMPLES / "lstm_zh.txt"), "--cell", "rnn", "--quiet")
    assert done.returncode == 2
    assert done.stderr == "error: Cell type (cell) must be one of: lstm, gru, peephole.\n"


def test_text_settings_left_out_are_the_ones_the_page_suggests(tmp_path):
    from lstm_app.text.corpus import read_text
    from lstm_app.text.sizing import suggested_config

    report = tmp_path / "report.json"
    corpus = SAMPLES / "shakespeare_excerpt.txt"
    done = run_cli("text", str(corpus), "--epochs", "1", "--minutes", "0.02", "--seq-len", "50",
                   "--length", "20", "--quiet", "--report", str(report))
    assert done.returncode == 0, done.stderr
    data = json.loads(report.read_text())
    page = suggested_config(read_text(corpus)[0])  # what the Text page puts in its widgets
    for name in ("hidden_size", "num_layers", "embedding_dim", "lr", "batch_size", "dropout"):
        assert data["config"][name] == getattr(page, name), name
        assert name in data["suggested"]
    assert data["config"]["hidden_size"] == 256  # not the dataclass's 256 × 2 layers
    assert data["config"]["num_layers"] == 1
    for given in ("epochs", "minutes", "seq_len", "length"):
        assert given not in data["suggested"], given
    assert data["config"]["seq_len"] == 50 and data["config"]["epochs"] == 1
    assert "suggested for this text's size" in done.stderr


def test_a_tiny_text_with_terminal_codes_is_not_scored_and_prints_no_codes(tmp_path):
    corpus = tmp_path / "ansi.txt"
    corpus.write_text("\x1b[31mRED\x1b]0;pwned\x07 \u202egpj.exe the end of a line\n"
                      + "First Citizen: before we proceed any further, hear me speak.\n" * 6,
                      encoding="utf-8")
    done = run_cli("text", str(corpus), "--epochs", "2", "--hidden-size", "8",
                   "--embedding-dim", "4", "--length", "40", "--quiet")
    assert done.returncode == 0, done.stderr
    assert "\x1b" not in done.stdout and "\x07" not in done.stdout
    assert "\u202e" not in done.stdout
    assert "The text is too short to score the model on text it never saw" in done.stdout
    assert "nats per" not in done.stdout  # a score on a few characters means nothing


def test_the_options_come_from_the_settings_tables():
    done = run_cli("text", "--help")
    assert done.returncode == 0
    for option in ("--seq-len", "--embedding-dim", "--keep-best", "--no-keep-best", "--top-p",
                   "--device"):
        assert option in done.stdout, option
    assert "suggested for the data" in done.stdout
    done = run_cli("forecast", "--help")
    for option in ("--lookback", "--weight-decay", "--lr-schedule", "--grad-clip",
                   "--anchor-last", "--no-anchor-last"):
        assert option in done.stdout, option
    assert "--suggested" not in done.stdout


def test_a_gpu_asked_for_where_there_is_none_is_one_sentence():
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU: --device cuda trains there")
    done = run_cli("forecast", str(SAMPLES / "airline_passengers.csv"), *FAST, "--device", "cuda")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr == ("error: This machine has no GPU that torch can use; choose the device "
                           "auto or cpu.\n")


def shops_csv(path, products=("Milk", "Bread"), days=90):
    """A long file written for the test: three shops (one named with a comma, one in Chinese)
    by two products, daily, with a weekly rhythm."""
    rows = []
    dates = pd.date_range("2024-01-01", periods=days, freq="D")
    for s, shop in enumerate(("Berlin", "Paris, FR", "北京")):
        for p, product in enumerate(products):
            for d, date in enumerate(dates):
                rows.append({"date": f"{date:%Y-%m-%d}", "shop": shop, "product": product,
                             "sales": 50 + 20 * s + 5 * p + 10 * (d % 7 in (5, 6)) + d % 3})
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def test_a_panel_on_the_command_line_forecasts_every_series(tmp_path):
    data = shops_csv(tmp_path / "umsatz.csv")
    out, report = tmp_path / "forecast.csv", tmp_path / "report.json"
    done = run_cli("forecast", str(data), "--id-col", "shop,product", *FAST, "--horizon", "7",
                   "--lookback", "14", "--out", str(out), "--report", str(report))
    assert done.returncode == 0, done.stderr
    assert "6 series, daily, 90 values each." in done.stdout
    assert "beats seasonal naive on" in done.stdout and "Worst series (LSTM MASE)" in done.stdout
    forecast = pd.read_csv(out)
    assert list(forecast.columns) == ["id", "shop", "product", "time", "forecast", "lower_80",
                                      "upper_80", "lower_95", "upper_95", "method"]
    assert len(forecast) == 6 * 7 and forecast["id"].iloc[7] == "Berlin · Bread"
    assert forecast[["shop", "product"]].iloc[7].tolist() == ["Berlin", "Bread"]  # each its own
    assert forecast.loc[forecast.id == "Paris, FR · Milk", "time"].iloc[0] == "2024-03-31"
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["aggregate"]["series"] == 6 and data["data"]["layout"] == "long"
    assert {row["id"] for row in data["series"]} >= {"北京 · Milk", "Paris, FR · Bread"}
    assert data["config"]["id_col"] == ["shop", "product"]


def test_a_panel_reads_holidays_and_each_series_plan_on_the_command_line(tmp_path):
    data = shops_csv(tmp_path / "umsatz.csv")  # ends on 30 March 2024: Easter is ahead
    report = tmp_path / "report.json"
    done = run_cli("forecast", str(data), "--id-col", "shop,product", *FAST, "--horizon", "7",
                   "--lookback", "14", "--holidays", "de", "--report", str(report))
    assert done.returncode == 0, done.stderr
    assert json.loads(report.read_text(encoding="utf-8"))["config"]["holidays"] == "DE"
    # a column known ahead needs each series' plan in the file, and says so where it is not
    priced = tmp_path / "priced.csv"
    pd.read_csv(data).assign(price=2.5).to_csv(priced, index=False)
    done = run_cli("forecast", str(priced), "--id-col", "shop,product", *FAST, "--horizon", "7",
                   "--lookback", "14", "--covariates", "price", "--known-covariates", "price")
    assert done.returncode == 2 and "error: The known-ahead column 'price' lacks planned " \
        "values for 6 series" in done.stderr and "Traceback" not in done.stderr
    from tests.test_panel_plan import shops_csv as planned_shops
    (tmp_path / "plan.csv").write_bytes(planned_shops())
    out = tmp_path / "forecast.csv"
    done = run_cli("forecast", str(tmp_path / "plan.csv"), "--id-col", "shop", *FAST,
                   "--horizon", "7", "--lookback", "14", "--known-covariates", "promo",
                   "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "21 rows after the last value of their series have no value in 'sales'" in done.stderr
    written = pd.read_csv(out)  # beside each step, the plan the forecast read there
    assert len(written) == 3 * 7 and written["planned_promo"].isin([0, 1]).all()
    done = run_cli("forecast", str(tmp_path / "plan.csv"), "--id-col", "shop", *FAST,
                   "--known-covariates", "promo", "--future", str(tmp_path / "plan.csv"))
    assert done.returncode == 2 and "write the plan into it as rows after each series' last " \
        "value" in done.stderr


def test_a_wide_panel_and_panel_mistakes_on_the_command_line(tmp_path):
    dates = pd.date_range("2024-01-01", periods=80, freq="D")
    wide = tmp_path / "wide.csv"
    pd.DataFrame({"date": dates.strftime("%Y-%m-%d"), **{f"meter {i}": (i + 1) * (dates.day_of_week
                  + 1.0) for i in range(3)}}).to_csv(wide, index=False)
    done = run_cli("forecast", str(wide), "--wide", *FAST, "--horizon", "7", "--lookback", "14")
    assert done.returncode == 0, done.stderr
    assert "3 series, daily, 80 values each." in done.stdout
    long = shops_csv(tmp_path / "long.csv")
    for args, sentence in (
            (("--id-col", "store"), "error: The id column 'store' is not in this file; choose "
                                    "from: 'date', 'shop', 'product', 'sales'.\n"),
            (("--id-col", "shop", "--wide"), "error: Choose either id columns (one row per series "
                                             "and time) or every column a series (wide), not "
                                             "both.\n")):
        done = run_cli("forecast", str(long), *args, *FAST)
        assert done.returncode == 2 and done.stderr == sentence, done.stderr


def test_a_panel_is_saved_as_a_run_that_the_runs_commands_show(tmp_path):
    long = shops_csv(tmp_path / "long.csv")
    env = {**os.environ, "LSTM_APP_HOME": str(tmp_path / "home")}
    done = subprocess.run([sys.executable, "-m", "lstm_app", "forecast", str(long), "--id-col",
                           "shop,product", *FAST, "--horizon", "7", "--lookback", "14",
                           "--save-run"], cwd=REPO, capture_output=True, text=True, timeout=120,
                          env=env)
    assert done.returncode == 0, done.stderr
    run_id = re.search(r"Saved as run ([0-9a-f]+)", done.stdout).group(1)
    shown = subprocess.run([sys.executable, "-m", "lstm_app", "runs", "show", run_id], cwd=REPO,
                           capture_output=True, text=True, timeout=60, env=env)
    assert shown.returncode == 0 and "panel on long.csv" in shown.stdout, shown.stderr


def test_a_panels_forecast_csv_is_safe_to_open_in_a_spreadsheet(tmp_path):
    rows = "".join(f"2024-01-{d:02d},{shop},{d % 7 + 10 * s}\n" for d in range(1, 29)
                   for s, shop in enumerate(("=HYPERLINK(\"http://evil.example\")", "plain")))
    data = tmp_path / "shops.csv"
    data.write_text("date,shop,sales\n" + rows, encoding="utf-8")
    out = tmp_path / "forecast.csv"
    done = run_cli("forecast", str(data), "--id-col", "shop", *FAST, "--horizon", "2",
                   "--lookback", "4", "--out", str(out))
    assert done.returncode == 0, done.stderr
    ids = pd.read_csv(out)["id"].unique().tolist()
    assert ids == ["'=HYPERLINK(\"http://evil.example\")", "plain"]
