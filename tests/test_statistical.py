"""The statistical models on the scoreboard (statsforecast) and the choice among the methods:
the same windows as the LSTM, pinned against direct calls; nothing read after an origin; the
time limit; the long-season fallback; the recommended forecast chosen on validation only."""

import dataclasses
import json
import threading
import warnings

import numpy as np
import pandas as pd
import pytest
from statsforecast.models import AutoARIMA, AutoETS, AutoTheta

from lstm_app.runs.recording import record, start_run

from lstm_app.runs.reopening import reopen
from lstm_app.runs.store import RunStore
from lstm_app.series import scoreboard, statistical_saved
from lstm_app.series.loading import load_series
from lstm_app.series.metrics import Scores
from lstm_app.series.pipeline import fit_forecast, score_forecast
from lstm_app.series.report import to_report
from lstm_app.series.settings import ForecastConfig
from lstm_app.series.statistical import (STATISTICAL, StatisticalForecasts, model_for,
                                         statistical_forecasts)
from lstm_app.series.trained import TrainedForecaster
from lstm_app.training.checkpoint import WEIGHTS, weights_bytes
from lstm_app.training.trainer import Callbacks
from tests.conftest import SAMPLES

AIRLINE = pd.read_csv(SAMPLES / "airline_passengers.csv").iloc[:, -1].to_numpy(dtype=float)
H = 12
VAL = np.arange(100, 110)     # origins: the index of each window's first forecast value
TEST = np.arange(120, 133)


@pytest.fixture(scope="module")
def airline():
    return statistical_forecasts(AIRLINE, VAL, TEST, H, 12, seconds=60)


def test_each_model_is_fitted_before_a_span_and_applied_at_its_origins(airline):
    assert set(airline.test) == set(STATISTICAL) and not airline.notices
    direct = {"auto_ets": AutoETS(season_length=12), "auto_theta": AutoTheta(season_length=12),
              "auto_arima": AutoARIMA(season_length=12)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, model in direct.items():
            on_val = model.fit(AIRLINE[:VAL[0]])
            np.testing.assert_allclose(airline.val[name][3],
                                       on_val.forward(y=AIRLINE[:VAL[3]], h=H)["mean"])
            on_test = type(model)(season_length=12).fit(AIRLINE[:TEST[0]])
            np.testing.assert_allclose(airline.test[name][-1],
                                       on_test.forward(y=AIRLINE[:TEST[-1]], h=H)["mean"])
            on_all = type(model)(season_length=12).fit(AIRLINE)  # the forecast after the last
            np.testing.assert_allclose(airline.future[name], on_all.forward(y=AIRLINE, h=H)["mean"])
    assert airline.val["auto_ets"].shape == (len(VAL), H)
    assert airline.test["auto_ets"].shape == (len(TEST), H)


def test_nothing_after_an_origin_is_read(airline):
    changed = AIRLINE.copy()
    changed[TEST[5]:] *= 3  # the future of the sixth test origin
    again = statistical_forecasts(changed, VAL, TEST, H, 12, seconds=60)
    for name in STATISTICAL:
        np.testing.assert_allclose(again.val[name], airline.val[name])
        np.testing.assert_allclose(again.test[name][:6], airline.test[name][:6])
        assert not np.allclose(again.test[name][6:], airline.test[name][6:])


def test_a_model_over_its_time_limit_is_left_out_with_a_notice():
    out = statistical_forecasts(AIRLINE, VAL, TEST, H, 12, seconds=1e-9)
    assert not out.test and len(out.notices) == 3
    assert out.notices[0] == (
        "AutoETS was left out of the scoreboard: fitting and applying it at every origin took "
        "longer than its 1e-09-second limit (Time for each statistical model).")
    assert not statistical_forecasts(AIRLINE, VAL, TEST, H, 12, seconds=0).test  # 0: none


def test_a_long_season_is_fitted_less_its_season_and_a_model_that_fails_is_named():
    rng = np.random.default_rng(0)
    t = np.arange(320)
    weekly = 100 + 0.05 * t + 10 * np.sin(2 * np.pi * t / 52) + rng.normal(0, 1, len(t))
    out = statistical_forecasts(weekly, np.arange(260, 275), np.arange(290, 308), 13, 52, 60)
    assert out.labels == {"auto_ets": "AutoETS", "auto_theta": "AutoTheta",
                          "auto_arima": "AutoARIMA"}
    assert out.notices == [
        "AutoETS was fitted to the series less its 52-step season (MSTL), which is repeated.",
        "AutoARIMA was fitted to the series less its 52-step season (MSTL), which is repeated."]
    assert np.mean(np.abs(out.test["auto_ets"][:, 0] - weekly[290:308])) < 3  # it follows
    short = statistical_forecasts(np.array([1.0, 2.0, 1.0, 2.0, 1.0, 2.0]), np.array([3]),
                                  np.array([4]), 2, 2, 60)
    assert all("could not be fitted to this series" in n or n.startswith("AutoARIMA")
               for n in short.notices)


def scores(mae: float) -> Scores:
    return Scores(mae=mae, rmse=mae, mape=None, smape=0.0, mase=mae)


def test_the_recommended_forecast_is_chosen_on_validation_and_the_combination_is_a_mean():
    actual = np.zeros((4, 2))
    stat = StatisticalForecasts(
        val={"auto_ets": np.full((4, 2), 1.0), "auto_theta": np.full((4, 2), 3.0)},
        test={"auto_ets": np.full((5, 2), 9.0), "auto_theta": np.full((5, 2), 0.0)},
        future={"auto_ets": np.full(2, 1.0), "auto_theta": np.full(2, 3.0)},
        labels={"auto_ets": "AutoETS", "auto_theta": "AutoTheta"})
    found = scoreboard.methods(np.full((4, 2), 2.0), np.full((5, 2), 5.0), np.full(2, 5.0),
                               stat, actual)
    assert found.labels["combination"] == "mean of the LSTM and AutoETS"  # best on validation
    np.testing.assert_array_equal(found.val["combination"], 1.5)
    np.testing.assert_array_equal(found.test["combination"], 7.0)
    np.testing.assert_array_equal(found.future["combination"], 3.0)
    best, why = scoreboard.recommend(found, actual)
    assert best == "auto_ets"  # though AutoTheta is perfect on the test span
    assert why == ("Recommended: AutoETS, whose forecasts were closest to what happened on the "
                   "validation span (33% closer than the next, mean of the LSTM and AutoETS); "
                   "it was chosen before the test span was looked at.")
    tied = scoreboard.Methods(val={"lstm": np.full((4, 2), 2.0), "auto_ets": np.full((4, 2), 2.0)},
                              labels={"lstm": "LSTM", "auto_ets": "AutoETS"})
    assert scoreboard.recommend(tied, actual)[1] == (
        "Recommended: LSTM, whose forecasts were as close to what happened on the validation "
        "span as those of AutoETS (within 0.5%; either would do); it was chosen before the test "
        "span was looked at.")


def test_the_verdict_names_the_best_method_on_the_test_span_and_what_to_do():
    labels = {"lstm": "LSTM", "auto_ets": "AutoETS", "combination": "mean of the LSTM and AutoETS"}
    rules = {"naive": "repeating the last value"}
    verdict = lambda lstm, **rows: scoreboard.verdict(
        scores(lstm), {n: scores(v) for n, v in rows.items()}, labels, rules)
    assert verdict(10, naive=20, auto_ets=9.1, combination=9.5) == (
        "AutoETS was 9% better than the LSTM on the test span. To improve the LSTM, give it a "
        "longer lookback, more epochs or a smaller model; the forecast to use is chosen on the "
        "validation span, not on this one.")
    assert verdict(10, naive=20, auto_ets=12, combination=11) == (
        "The LSTM was the best method on the test span: its forecasts were 9% closer to what "
        "happened than those of the mean of the LSTM and AutoETS, the best of the 3 others.")
    assert verdict(10, naive=8, auto_ets=12).startswith(
        "Simply repeating the last value was 20% better than the LSTM on the test span.")
    assert verdict(10, naive=20, auto_ets=12, combination=9).startswith(
        "The mean of the LSTM and AutoETS was 10% better than the LSTM")
    assert verdict(10, naive=20, auto_ets=10.05) == (
        "On the test span the LSTM's forecasts were as close to what happened as those of "
        "AutoETS (within 1%), the best of the 2 other methods.")


def test_a_forecast_is_scored_against_the_statistical_models_and_recommends_on_validation():
    series = load_series((SAMPLES / "airline_passengers.csv").read_bytes())
    trained = fit_forecast(series, ForecastConfig(epochs=3, hidden_size=8))
    stages = []
    result = score_forecast(trained, series, on_stage=stages.append)
    assert stages == [f"Fitting {m} ({i} of 3) to score the LSTM against it"
                      for i, m in enumerate(STATISTICAL.values(), 1)]
    assert {"auto_ets", "auto_theta", "auto_arima", "combination"} <= set(result.baselines)
    assert set(result.futures) == {"lstm", "auto_ets", "auto_theta", "auto_arima", "combination"}
    assert result.forecast is result.futures[result.recommended]
    assert {"auto_ets", "combination"} <= set(result.backtest.columns)
    report = to_report(result)
    assert report["recommended"]["method"] == result.recommended
    assert set(report["baselines"]) >= {"auto_ets", "auto_theta", "auto_arima", "combination"}
    assert result.recommended_why in result.verdict
    # The test span is never read to choose: change it and the choice stays.
    frame = series.frame.copy()
    frame.iloc[result.split.test[0]:, 0] *= -5
    changed = score_forecast(trained, dataclasses.replace(series, frame=frame))
    assert changed.recommended == result.recommended
    assert changed.recommended_why == result.recommended_why
    assert changed.baselines["auto_ets"].mae != result.baselines["auto_ets"].mae


def test_a_forecaster_saved_before_the_statistical_models_is_scored_as_it_was():
    series = load_series((SAMPLES / "airline_passengers.csv").read_bytes())
    trained = fit_forecast(series, ForecastConfig(epochs=1, hidden_size=4))
    files = {**trained.files(), WEIGHTS: weights_bytes(trained.model, 1)}
    saved = json.loads(files["config.json"])
    assert saved["statistical_seconds"] == 60
    del saved["statistical_seconds"]  # as every run saved before this setting
    old = TrainedForecaster.from_files({**files, "config.json": json.dumps(saved).encode()},
                                       trained.training)
    assert old.config.statistical_seconds == 0
    result = score_forecast(old, series)
    assert set(result.futures) == {"lstm"} and "auto_ets" not in result.baselines


def test_a_run_reopens_with_its_scoreboard_and_inside_without_it(tmp_path):
    series = load_series((SAMPLES / "airline_passengers.csv").read_bytes())
    config = ForecastConfig(epochs=1, hidden_size=4)
    store = RunStore(tmp_path)
    run_id = start_run(store, "forecast", series, config, "airline", "airline.csv")
    recorded = record(tmp_path, run_id, "forecast", series, config)
    again = reopen(store, run_id)
    assert again.recommended == recorded.recommended and "auto_ets" in again.baselines
    assert again.baselines["auto_ets"] == recorded.baselines["auto_ets"]
    inside = reopen(store, run_id, scoreboard=False)
    assert set(inside.futures) == {"lstm"} and inside.test == recorded.test


def test_stop_while_scoring_leaves_out_the_models_not_yet_fitted(tmp_path):
    statistical_saved._kept.clear()  # forecasts fitted by an earlier test would be read
    stop = threading.Event()
    stop_at_theta = lambda text: stop.set() if "AutoTheta" in text else None
    out = statistical_forecasts(AIRLINE, VAL, TEST, H, 12, 60, stop_at_theta, stop)
    assert set(out.test) == {"auto_ets"}
    assert out.notices == ["AutoTheta and AutoARIMA were left out of the scoreboard: Stop was "
                           "pressed while the statistical models were being fitted."]
    # A run: a Stop that ended its training does not skip the scoring; a Stop during it does.
    series = load_series((SAMPLES / "airline_passengers.csv").read_bytes())
    config = ForecastConfig(epochs=50, hidden_size=4)
    store = RunStore(tmp_path)
    run_id = start_run(store, "forecast", series, config, "airline", "airline.csv")
    stop.clear()
    stop_at_epoch_2 = lambda p: stop.set() if p.record is not None and p.record.epoch == 2 else None
    result = record(tmp_path, run_id, "forecast", series, config,
                    Callbacks(on_progress=stop_at_epoch_2, stop_event=stop))
    assert result.training.stop_reason == "stopped" and store.get(run_id).status == "stopped"
    assert {"auto_ets", "auto_theta", "auto_arima"} <= set(result.baselines)
    run_id = start_run(store, "forecast", series, config, "airline", "airline.csv")
    statistical_saved._kept.clear()  # else the first run's forecasts are read, not fitted
    result = record(tmp_path, run_id, "forecast", series, dataclasses.replace(config, epochs=2),
                    Callbacks(stop_event=stop, on_stage=stop_at_theta))
    assert "auto_ets" in result.baselines and "auto_arima" not in result.baselines
    assert store.get(run_id).status == "stopped"


def test_a_reopened_run_reads_its_saved_statistical_forecasts_instead_of_fitting(
        tmp_path, monkeypatch):
    from lstm_app.series import statistical as statistical_module

    series = load_series((SAMPLES / "airline_passengers.csv").read_bytes())
    config = ForecastConfig(epochs=1, hidden_size=4)
    store = RunStore(tmp_path)
    run_id = start_run(store, "forecast", series, config, "airline", "airline.csv")
    recorded = record(tmp_path, run_id, "forecast", series, config)
    saved = store.run_dir(run_id) / statistical_saved.FILE
    assert saved.exists()
    statistical_saved._kept.clear()  # a server started afresh
    monkeypatch.setattr(statistical_module, "_one_model", lambda *a, **k: pytest.fail("fitted"))
    again = reopen(store, run_id)
    assert again.baselines["auto_arima"] == recorded.baselines["auto_arima"]
    assert again.recommended == recorded.recommended and again.notices == recorded.notices
    # A damaged or crafted file is not used: the models are fitted again.
    statistical_saved._kept.clear()
    saved.write_bytes(saved.read_bytes()[:200])
    monkeypatch.undo()
    assert reopen(store, run_id).baselines["auto_ets"] == recorded.baselines["auto_ets"]


def test_arima_searches_approximately_past_150_values_or_a_season_over_12():
    """R's auto.arima rule; an approximate search is what makes hourly panels affordable."""
    assert not model_for("auto_arima", 12, 144)[0].approximation  # the airline: exact
    assert not model_for("auto_arima", None, 150)[0].approximation
    assert model_for("auto_arima", 7, 151)[0].approximation        # a daily year and more
    assert model_for("auto_arima", 24, 100)[0].approximation       # hours: a season over 12
    long, how = model_for("auto_arima", 52, 100)                   # MSTL's trend model too
    assert how == ("mstl", 52) and long.trend_forecaster.approximation
