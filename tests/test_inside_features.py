"""Hidden states as features: the right state for each step, and a PCA that is what it says."""

import numpy as np
import pytest
import torch

from lstm_app.inside.explain import forecast_trace
from lstm_app.inside.features import forecast_features, pca_2d, text_features
from lstm_app.inside.series_input import series_input
from lstm_app.series.loading import load_series
from lstm_app.series.pipeline import run_forecast
from lstm_app.series.settings import ForecastConfig
from tests.conftest import SAMPLES


@pytest.fixture(scope="module")
def airline():
    series = load_series(SAMPLES / "airline_passengers.csv")
    return run_forecast(series, ForecastConfig(statistical_seconds=0, hidden_size=6, epochs=2))


def test_each_row_is_the_state_before_its_forecast(airline):
    features = forecast_features(series_input(airline))
    lookback, rows = airline.config.lookback, len(airline.series.frame)
    assert features.shape == (rows - lookback + 1, 6)
    assert features.index[-1] == "next" and features.index[0] == airline.series.frame.index[lookback]
    for origin in (lookback, rows // 2, rows):  # the window before row `origin`
        traces, _ = forecast_trace(series_input(airline), origin)
        expected = traces[-1].h[0, -1].numpy()
        np.testing.assert_allclose(features.iloc[origin - lookback].to_numpy(), expected, atol=1e-5)


def test_a_long_series_gets_evenly_spread_states_the_first_and_last_kept(airline, monkeypatch):
    from lstm_app.inside import features as module

    monkeypatch.setattr(module, "MAX_FEATURE_ROWS", 5)
    view = series_input(airline)
    features = forecast_features(view)
    lookback, frame = airline.config.lookback, airline.series.frame
    assert len(features) == 5 and features.index[0] == frame.index[lookback]
    assert features.index[-1] == "next"
    for label, row in features.iloc[:-1].iterrows():  # each the state before its own forecast
        traces, _ = forecast_trace(view, frame.index.get_loc(label))
        np.testing.assert_allclose(row.to_numpy(), traces[-1].h[0, -1].numpy(), atol=1e-5)


def test_text_features_are_the_trace_rows():
    from lstm_app.inside.cells import trace

    torch.manual_seed(0)
    rnn = torch.nn.LSTM(3, 4, batch_first=True)
    layer = trace(rnn, torch.randn(1, 5, 3))[0]
    features = text_features(layer, list("hello"))
    assert features.shape == (5, 4) and list(features.index.get_level_values("token")) == list("hello")
    np.testing.assert_allclose(features.to_numpy(), layer.h[0].numpy())


def test_pca_finds_the_main_direction():
    rng = np.random.default_rng(0)
    t = np.linspace(-1, 1, 50)
    x = np.stack([t, 2 * t, 0.01 * rng.standard_normal(50)], axis=1)  # almost a line
    import pandas as pd
    coords, (first, second) = pca_2d(pd.DataFrame(x))
    assert first > 0.99 and second < 0.01 and coords.shape == (50, 2)
    assert abs(coords[:, 0].mean()) < 1e-9
    assert pca_2d(pd.DataFrame(x[:1]))[0].shape == (1, 2)
