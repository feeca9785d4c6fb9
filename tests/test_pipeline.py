"""The forecasting pipeline end to end on small series: splits, scores, intervals, forecast, report."""

import json
import re
import threading

import numpy as np
import pandas as pd
import pytest

from lstm_app.series.loading import SeriesData, load_series
from lstm_app.series.pipeline import fit_forecast, resolve, run_forecast, score_forecast
from lstm_app.series.window_choice import resolve_window
from lstm_app.series.report import to_report
from lstm_app.series.settings import ForecastConfig
from lstm_app.training.trainer import Callbacks
from tests.conftest import SAMPLES

FAST = dict(hidden_size=8, num_layers=1, epochs=2, batch_size=16, patience=0)


def monthly(values, covariate=None) -> SeriesData:
    index = pd.date_range("2000-01-01", periods=len(values), freq="MS", name="month")
    frame = pd.DataFrame({"y": np.asarray(values, dtype=float)}, index=index)
    covariates = ()
    if covariate is not None:
        frame["x"] = np.asarray(covariate, dtype=float)
        covariates = ("x",)
    return SeriesData(frame=frame, value_col="y", covariates=covariates, time_col="month",
                      freq="MS", freq_label="monthly", season_length=12, notices=(),
                      numeric_columns=tuple(frame.columns), name="test")


def seasonal(n=120, seed=0):
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    return 100 + 0.5 * t + 10 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 1, n)


def test_auto_window_follows_the_season():
    series = monthly(seasonal(144))
    assert resolve_window(series, ForecastConfig(statistical_seconds=0)) == (24, 12)
    resolved = resolve(series, ForecastConfig(statistical_seconds=0, lookback=12))
    assert (resolved.lookback, resolved.horizon, resolved.suggested) == (12, 12, ("horizon",))
    result = run_forecast(series, ForecastConfig(statistical_seconds=0, **FAST))
    assert result.config.suggested == ("lookback", "horizon")
    assert "Lookback 24 and horizon 12 were chosen from the detected season of 12 steps." \
        in result.notices
    # a horizon the user typed is not said to be chosen for them; the lookback still is
    typed = run_forecast(series, ForecastConfig(statistical_seconds=0, horizon=6, **FAST))
    assert [n for n in typed.notices if "chosen" in n] == [
        "Lookback 24 was chosen from the detected season of 12 steps."]
    # nine years: a season longer than a tenth of the data leaves the horizon to its length,
    # and the sentence says so (it named the season for both)
    short = run_forecast(monthly(seasonal(108)), ForecastConfig(statistical_seconds=0, **FAST))
    assert [n for n in short.notices if "chosen" in n] == [
        "Lookback 24 was chosen from the detected season of 12 steps.",
        "Horizon 5 was chosen from the length of the data."]


def test_a_series_of_tiny_values_forecasts_as_the_same_series_in_ordinary_units():
    """Values near 1e-20 were taken for a constant series (a scale floor of 1e-12): its
    forecast came out near 0.05, 10**18 times its values, and nothing said so."""
    values = seasonal()
    config = ForecastConfig(statistical_seconds=0, lookback=24, horizon=6, **FAST)
    ordinary, tiny = run_forecast(monthly(values), config), run_forecast(monthly(values * 1e-20),
                                                                        config)
    assert tiny.test.mase == pytest.approx(ordinary.test.mase, rel=1e-4)
    np.testing.assert_allclose(tiny.forecast["forecast"] * 1e20, ordinary.forecast["forecast"],
                               rtol=1e-4)
    # a rule beat this barely trained LSTM, with no statistical model fitted: the verdict says
    # the forecast offered is still the LSTM's (it said "trust that rule" beside it alone)
    assert ordinary.verdict.startswith("Simply repeating last year's value beat the LSTM")
    assert ordinary.verdict.endswith("The forecast offered here is still the LSTM's: only a "
                                     "statistical model, fitted when they are given time, can "
                                     "be recommended in its place.")
    assert ordinary.recommended == "lstm"


def test_run_forecast_scores_the_same_windows_for_everyone():
    result = run_forecast(monthly(seasonal()), ForecastConfig(statistical_seconds=0, lookback=24, horizon=6, **FAST))
    assert result.split.train == (0, 84) and result.split.val == (84, 102)
    assert result.split.test == (102, 120)
    origins = result.backtest["origin"].unique()
    assert len(origins) == 18 - 6 + 1  # every test origin whose horizon fits in the span
    assert set(result.baselines) == {"naive", "seasonal_naive", "drift"}
    for row in [result.test, *result.baselines.values()]:
        assert set(row.to_dict()) == {"mae", "rmse", "mape", "smape", "mase"}
    # The naive column of the backtest repeats the value just before each origin.
    first = result.backtest[result.backtest["origin"] == origins[0]]
    y = result.series.frame["y"]
    assert np.allclose(first["naive"], y[y.index < origins[0]].iloc[-1])
    assert "closer to what happened" in result.verdict


def test_future_forecast_has_real_timestamps_and_nested_intervals():
    result = run_forecast(monthly(seasonal()), ForecastConfig(statistical_seconds=0, lookback=24, horizon=6, **FAST))
    f = result.forecast
    assert list(f.columns) == ["time", "forecast", "lower_80", "upper_80", "lower_95", "upper_95"]
    assert list(f["time"]) == list(pd.date_range("2010-01-01", periods=6, freq="MS"))
    assert (f["lower_95"] <= f["lower_80"]).all() and (f["upper_80"] <= f["upper_95"]).all()
    assert 0 <= result.interval_coverage["80"] <= result.interval_coverage["95"] <= 1


def test_scaler_sees_only_the_training_span():
    values = seasonal()
    base = run_forecast(monthly(values), ForecastConfig(statistical_seconds=0, lookback=24, horizon=6, **FAST))
    shifted = values.copy()
    shifted[base.split.test[0]:] += 1000
    moved = run_forecast(monthly(shifted), ForecastConfig(statistical_seconds=0, lookback=24, horizon=6, **FAST))
    assert np.array_equal(base.scaler.mean_, moved.scaler.mean_)
    assert np.array_equal(base.scaler.std_, moved.scaler.std_)


def test_covariates_are_extra_inputs():
    values = seasonal()
    result = run_forecast(monthly(values, covariate=np.arange(120) % 7),
                          ForecastConfig(statistical_seconds=0, lookback=12, horizon=3, **FAST))
    # the value, the covariate, then the month of the year (a sine and a cosine): the
    # covariate is read over the past only, the month over the horizon too
    assert result.model.shape.n_features == 4 and result.model.shape.known == 2
    assert result.scaler.mean_.shape == (4,)
    assert result.scaler.mean_[2:].tolist() == [0, 0] and result.scaler.std_[2:].tolist() == [1, 1]


def test_same_seed_same_forecast():
    config = ForecastConfig(statistical_seconds=0, lookback=12, horizon=3, **FAST)
    a, b = (run_forecast(monthly(seasonal()), config) for _ in range(2))
    assert np.array_equal(a.forecast["forecast"], b.forecast["forecast"])


def test_stop_before_training_still_gives_a_result():
    stop = threading.Event()
    stop.set()
    result = run_forecast(monthly(seasonal()), ForecastConfig(statistical_seconds=0, lookback=12, horizon=3, **FAST),
                          Callbacks(stop_event=stop))
    assert result.training.stop_reason == "stopped"
    assert any("untrained" in notice for notice in result.notices)


def test_train_more_continues_the_epochs():
    series, config = monthly(seasonal()), ForecastConfig(statistical_seconds=0, lookback=12, horizon=3, **FAST)
    first = fit_forecast(series, config)
    more = fit_forecast(series, config, start=first)
    assert [h.epoch for h in more.training.history] == [1, 2, 3, 4]
    assert more.training.history[:2] == first.training.history
    assert more.scaler is first.scaler  # the same training span, the same scaler


def test_score_is_fit_then_score_and_scores_again_the_same():
    series, config = monthly(seasonal()), ForecastConfig(statistical_seconds=0, lookback=12, horizon=3, **FAST)
    trained = fit_forecast(series, config)
    once, twice = score_forecast(trained, series), score_forecast(trained, series)
    assert once.trained is trained and once.config.lookback == 12
    assert once.test == twice.test and once.baselines == twice.baselines
    pd.testing.assert_frame_equal(once.forecast, twice.forecast)
    assert once.test == run_forecast(series, config).test  # same seed: the same model


def test_a_forecaster_is_scored_only_on_the_columns_it_was_trained_on():
    trained = fit_forecast(monthly(seasonal(), covariate=np.arange(120) % 7),
                           ForecastConfig(statistical_seconds=0, lookback=12, horizon=3, **FAST))
    with pytest.raises(ValueError, match="trained on the column 'y' with x; choose the same"):
        score_forecast(trained, monthly(seasonal()))


def test_a_bad_config_is_refused_by_the_python_api_in_plain_words():
    with pytest.raises(ValueError, match=r"^Dropout must be a number from 0 to 0\.9\.$"):
        ForecastConfig(statistical_seconds=0, dropout=1.5)
    with pytest.raises(ValueError, match=r"^Hidden units \(hidden_size\) must be a whole number "
                                         r"from 1 to 2,048\.$"):
        ForecastConfig(statistical_seconds=0, hidden_size=2.5)
    with pytest.raises(ValueError, match="Cell type .cell. must be one of: lstm, gru, peephole."):
        ForecastConfig(statistical_seconds=0, cell="rnn")
    with pytest.raises(ValueError, match="whole number from 1 to 100,000, or auto"):
        ForecastConfig(statistical_seconds=0, lookback="soon")
    with pytest.raises(ValueError, match="a share between 0 and 1 .such as 0.15. or a whole number of rows"):
        ForecastConfig(statistical_seconds=0, val_size=2.5)
    assert ForecastConfig(statistical_seconds=0, epochs=8.0).epochs == 8 and isinstance(ForecastConfig(statistical_seconds=0, epochs=8.0).epochs, int)
    assert ForecastConfig(statistical_seconds=0, covariates=["a"]).covariates == ("a",)


def test_too_short_series_is_refused_in_plain_words():
    with pytest.raises(ValueError) as error:
        run_forecast(monthly(seasonal(50)), ForecastConfig(statistical_seconds=0, lookback=24, horizon=12, **FAST))
    assert str(error.value) == ("The column 'y' has 50 numeric values; with lookback 24 and "
                                "horizon 12 at least 60 are needed. Choose a horizon of at most "
                                "8 or a shorter lookback, or add more values.")


def test_the_horizon_advised_with_an_auto_lookback_trains_at_once():
    """A shorter horizon gives "auto" room for a longer lookback: the horizon advised must
    train with the lookback it then gets (49 values: 47 was advised, then 39, 38, 37...)."""
    series = monthly(seasonal(49))
    with pytest.raises(ValueError, match="Choose a horizon of at most (\\d+) ") as error:
        fit_forecast(series, ForecastConfig(statistical_seconds=0, horizon=1000, **FAST))
    most = int(re.search(r"at most (\d+) ", str(error.value)).group(1))
    trained = fit_forecast(series, ForecastConfig(statistical_seconds=0, horizon=most, **FAST))
    assert trained.config.horizon == most
    with pytest.raises(ValueError, match=f"Choose a horizon of at most {most} "):
        fit_forecast(series, ForecastConfig(statistical_seconds=0, horizon=most + 1, **FAST))


def test_report_is_json_with_the_promised_keys():
    result = run_forecast(load_series(SAMPLES / "airline_passengers.csv"),
                          ForecastConfig(statistical_seconds=0, **FAST))
    report = json.loads(json.dumps(to_report(result), default=str))
    for key in ("config", "split", "notices", "test", "baselines", "test_scaled",
                "interval_coverage", "verdict", "history", "seconds"):
        assert key in report
    assert report["split"]["scaler_fit"]["rows"] == report["split"]["train"]["rows"]
    assert report["split"]["train"]["first"].startswith("1949-01-01")
    assert report["config"]["lookback"] == 24 and report["config"]["horizon"] == 12
    assert report["suggested"] == ["lookback", "horizon"]
    assert len(report["history"]) == 2 and report["history"][0]["epoch"] == 1


def test_live_validation_forecast_and_scoreboard():
    seen = []
    series = monthly(seasonal())
    run_forecast(series, ForecastConfig(statistical_seconds=0, lookback=24, horizon=6, **FAST),
                 Callbacks(on_live=seen.append))
    assert len(seen) == 2  # one per epoch
    live = seen[-1]
    assert len(live.times) == len(live.forecast) == 18 - 6 + 1
    assert live.times[0] == series.frame.index[84]  # the first validation origin
    assert set(live.scoreboard) == {"lstm", "naive", "seasonal_naive", "drift"}
    assert live.actual[0] == series.frame["y"].iloc[84]


def test_a_series_never_negative_is_not_forecast_below_zero():
    rng = np.random.default_rng(1)
    t = np.arange(120)
    counts = np.abs(30 * np.sin(2 * np.pi * t / 12)) + rng.exponential(2.0, 120)  # near zero often
    result = run_forecast(monthly(counts), ForecastConfig(statistical_seconds=0, lookback=24, horizon=6, **FAST))
    for frame in (result.backtest, result.forecast):
        for column in ("forecast", "lower_80", "lower_95"):
            assert (frame[column] >= 0).all(), column
    assert (result.forecast["upper_95"] >= result.forecast["upper_80"]).all()
    assert "raised to zero" in " ".join(result.notices)
    shifted = run_forecast(monthly(counts - 20), ForecastConfig(statistical_seconds=0, lookback=24, horizon=6, **FAST))
    assert (shifted.backtest["lower_95"] < 0).any()  # a series that does go below zero may
    assert "raised to zero" not in " ".join(shifted.notices)


def test_a_short_series_verdict_says_it_is_fragile():
    short = run_forecast(monthly(seasonal(40)), ForecastConfig(statistical_seconds=0, lookback=6, horizon=3, **FAST))
    assert short.verdict.endswith("Your data is short (40 values, 6 of them in the test span), "
                                  "so this verdict is fragile: a few unusual values could "
                                  "change it.")
    long = run_forecast(monthly(seasonal(120)), ForecastConfig(statistical_seconds=0, lookback=12, horizon=3, **FAST))
    assert "fragile" not in long.verdict


def test_forecasts_read_in_chunks_are_the_forecasts_read_at_once(monkeypatch):
    import numpy as np
    import torch

    import lstm_app.series.pipeline as pipeline
    from lstm_app.series.model import Forecaster, ForecasterShape

    torch.manual_seed(0)
    model = Forecaster(ForecasterShape(n_features=2, horizon=3, hidden_size=8, num_layers=2,
                                       dropout=0.0))
    inputs = torch.randn(50, 12, 2)
    ids = np.arange(50)
    whole = pipeline.predict(model, inputs, ids, chunk=4096)
    monkeypatch.setattr(pipeline, "PREDICT_FLOATS", 12 * 10 * 20)  # 20 windows a chunk
    assert np.allclose(pipeline.predict(model, inputs, ids), whole, atol=1e-6)
