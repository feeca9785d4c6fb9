"""Occlusion puts a forecast's weight where the model really looks."""

import numpy as np
import torch

from lstm_app.inside.attribution import forecast_attribution, occlusion
from lstm_app.inside.series_input import series_input
from lstm_app.series.loading import load_series
from lstm_app.series.pipeline import run_forecast
from lstm_app.series.settings import ForecastConfig
from tests.conftest import SAMPLES


def test_a_model_that_only_uses_the_last_value_is_attributed_to_the_last_step():
    last_only = lambda x: x[:, -1, :1].repeat(1, 3)  # (batch, horizon 3) = the last value
    window = torch.randn(12, 2)
    scores = occlusion(last_only, window)
    assert scores.shape == (12,)
    assert scores[-1] > 0 and np.allclose(scores[:-1], 0)


def test_a_model_of_the_first_and_third_steps_sees_exactly_those():
    model = lambda x: (2 * x[:, 0, 0] - x[:, 2, 0])[:, None]
    window = torch.tensor([[1.0], [5.0], [-3.0], [0.0]])
    scores = occlusion(model, window)
    mean = window.mean()
    np.testing.assert_allclose(scores, [2 * abs(1 - mean), 0, abs(-3 - mean), 0], atol=1e-6)


def test_inputs_known_without_the_data_are_never_occluded():
    # Column 0 is the value, column 1 a calendar input of a panel's network: a model that
    # reads only the calendar at the first step has no past value that moved it.
    by_calendar = lambda x: 5 * x[:, 0, 1:2]
    window = torch.tensor([[1.0, 0.5], [4.0, -0.5], [-2.0, 0.0]])
    assert np.allclose(occlusion(by_calendar, window, observed=1), 0)
    assert occlusion(by_calendar, window)[0] > 0  # occluding every column moves it
    by_value = lambda x: x[:, :, :1].sum(dim=1) * (1 + x[:, 0, 1:2])  # the calendar scales it
    scores = occlusion(by_value, window, observed=1)
    np.testing.assert_allclose(scores, 1.5 * np.abs(window[:, 0].numpy() - 1.0), atol=1e-6)


def test_a_trained_forecaster_gets_one_score_per_step_of_its_window():
    series = load_series(SAMPLES / "airline_passengers.csv")
    result = run_forecast(series, ForecastConfig(statistical_seconds=0, hidden_size=6, epochs=2))
    scores = forecast_attribution(series_input(result), len(series.frame))
    assert scores.shape == (result.config.lookback,) and (scores >= 0).all() and scores.sum() > 0
