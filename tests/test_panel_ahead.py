"""A panel's inputs from the dates (calendar, public holidays) read over the horizon as well."""

import json
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
import torch

from lstm_app.series.model import build_forecaster
from lstm_app.series.panel import load_panel
from lstm_app.series.panel_future import ahead_rows, dated_rows, future_times, network_rows
from lstm_app.series.panel_pipeline import fit_panel, resolve_panel, score_panel
from lstm_app.series.panel_trained import TrainedPanel
from lstm_app.series.panel_windows import trained_inputs
from lstm_app.series.settings import ForecastConfig
from lstm_app.series.windows import make_windows
from lstm_app.training.checkpoint import WEIGHTS, json_bytes, weights_bytes
from lstm_app.training.trainer import TrainResult

DAYS = pd.date_range("2022-01-03", "2024-12-22", freq="D")  # ends on the Sunday before Christmas


def shops_csv(closed_on=("DE",)) -> bytes:
    """Three shops' daily sales with a weekly rhythm, near nothing on Germany's public
    holidays."""
    import holidays
    german = holidays.country_holidays("DE", years=range(2022, 2026))
    closed = np.array([d in german for d in DAYS.date]) if closed_on else np.zeros(len(DAYS), bool)
    rng = np.random.default_rng(3)
    frames = []
    for i, level in enumerate((100.0, 250.0, 40.0)):
        week = 1 + 0.3 * np.sin(2 * np.pi * DAYS.dayofweek / 7)
        sales = level * week * np.where(closed, 0.05, 1.0) * rng.lognormal(0, 0.03, len(DAYS))
        frames.append(pd.DataFrame({"date": DAYS.strftime("%Y-%m-%d"), "shop": f"shop {i}",
                                    "sales": sales.round(2)}))
    return pd.concat(frames).to_csv(index=False).encode()


@pytest.fixture(scope="module")
def shops():
    return load_panel(shops_csv(), id_cols=["shop"])


SETTINGS = ForecastConfig(statistical_seconds=0, lookback=14, horizon=7, hidden_size=16,
                          epochs=40, patience=0, batch_size=64, season_anchor=0, seed=0)


def test_the_holidays_of_two_countries_are_read_from_each_row_s_date(shops):
    times = pd.DatetimeIndex(["2024-05-01", "2024-10-01", "2024-10-03", "2024-12-25",
                              "2024-12-27"])
    assert dated_rows(times, "D", 0, "DE")[:, 0].tolist() == [1, 0, 1, 1, 0]
    assert dated_rows(times, "D", 0, "CN")[:, 0].tolist() == [1, 1, 1, 0, 0]
    # In the rows the network reads: after the value (and the calendar), before nothing else.
    mean, std = np.zeros((3, 1)), np.ones((3, 1))
    rows = network_rows(shops, mean, std, 2, False, holidays="DE")
    assert rows.shape == (len(shops.values), 1 + 2 + 1)
    christmas = np.flatnonzero(pd.DatetimeIndex(shops.times) == "2023-12-25")
    assert len(christmas) == 3 and (rows[christmas, -1] == 1).all()
    assert rows[:, -1].sum() == 3 * dated_rows(DAYS, "D", 0, "DE").sum()


def test_a_row_order_panel_is_told_that_holidays_need_dates():
    rows = pd.DataFrame({"shop": ["a"] * 60 + ["b"] * 60, "sales": np.arange(120.0)})
    panel = load_panel(rows.to_csv(index=False).encode(), id_cols=["shop"])
    with pytest.raises(ValueError, match="Public holidays need dates"):
        resolve_panel(panel, ForecastConfig(holidays="DE"))


def test_each_window_reads_the_dates_of_its_own_horizon(shops):
    config = resolve_panel(shops, ForecastConfig(lookback=14, horizon=7, holidays="DE"))
    model = build_forecaster(config, 3, 3, 3)
    trained = TrainedPanel(config, model, np.zeros((3, 1)), np.ones((3, 1)), shops.ids, 2,
                           TrainResult(), known=3)
    values, future = trained_inputs(trained, shops, torch.device("cpu"))
    inputs, targets = make_windows(values, 14, 7)
    assert future.shape == (len(inputs), 7, 3)
    for window in (0, 500, len(inputs) - 1):
        torch.testing.assert_close(future[window], values[window + 14:window + 21, 1:4])
    # After each series' last value: the next seven days, Christmas among them.
    after = ahead_rows(shops, 7, 2, "DE", 3)
    assert after.shape == (3, 7, 3)
    days = pd.DatetimeIndex(future_times(shops, 7)[:7])
    assert list(days.strftime("%m-%d")) == [f"12-{d}" for d in range(23, 30)]
    assert after[:, :, -1].tolist() == [[0, 0, 1, 1, 0, 0, 0]] * 3  # 25 and 26 December


@pytest.fixture(scope="module")
def scored(shops):
    with_holidays = score_panel(fit_panel(shops, replace(SETTINGS, holidays="DE")), shops)
    without = score_panel(fit_panel(shops, SETTINGS), shops)
    return with_holidays, without


def test_a_panel_that_reads_the_holidays_forecasts_the_closed_days_ahead(scored):
    with_holidays, without = scored
    assert with_holidays.trained.known == with_holidays.trained.dated > 0
    for result, drops in ((with_holidays, True), (without, False)):
        forecast = result.forecast.pivot(index="id", columns="time", values="forecast")
        christmas = forecast.iloc[:, 2:4].to_numpy()   # 25 and 26 December
        others = forecast.iloc[:, [0, 1, 4, 5, 6]].to_numpy().mean(axis=1, keepdims=True)
        if drops:
            assert (christmas < 0.5 * others).all(), forecast
        else:
            assert (christmas > 0.7 * others).all(), forecast
    # Its test span holds no holiday, so both score alike there; the report names the country.
    assert with_holidays.config.holidays == "DE" and without.config.holidays == ""


def test_a_trained_panel_keeps_what_it_reads_ahead_and_an_older_one_reads_nothing(scored,
                                                                                   shops):
    result, _ = scored
    trained = result.trained
    files = {**trained.files(), WEIGHTS: _weights(trained.model)}
    again = TrainedPanel.from_files(files, trained.training)
    assert again.known == trained.known and again.model.shape == trained.model.shape
    pd.testing.assert_frame_equal(score_panel(again, shops).forecast, result.forecast)
    # A panel saved before it read the dates ahead: no "known", a network without that head.
    config = replace(trained.config, holidays="")
    old = TrainedPanel(config, build_forecaster(config, 3, trained.calendar, 0), trained.mean,
                       trained.std, trained.ids, trained.calendar, trained.training)
    files = {**old.files(), WEIGHTS: _weights(old.model)}
    scalers = json.loads(files["scalers.json"])
    del scalers["known"]
    files["scalers.json"] = json_bytes(scalers)
    reopened = TrainedPanel.from_files(files, old.training)
    assert reopened.known == 0 and reopened.model.ahead is None
    assert len(score_panel(reopened, shops).forecast) == 3 * 7
    # A "known" that is neither none nor every input from the dates is refused in words.
    scalers["known"] = 1
    files["scalers.json"] = json_bytes(scalers)
    with pytest.raises(ValueError, match="inputs it reads from the dates"):
        TrainedPanel.from_files(files, old.training)


def _weights(model) -> bytes:
    return weights_bytes(model, 1)

