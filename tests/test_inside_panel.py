"""Inside a panel's global forecaster: series i is read exactly as the single series it is (its
own scaler, its own windows, the same network), and with a series embedding and calendar inputs
the explicit cells reproduce the panel's own forecasts."""

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
import torch

from lstm_app.inside.attribution import forecast_attribution
from lstm_app.inside.explain import forecast_labels, forecast_origins, forecast_trace
from lstm_app.inside.features import forecast_features
from lstm_app.inside.series_input import readable_series, series_input
from lstm_app.series.panel import load_panel
from lstm_app.series.panel_pipeline import fit_panel, score_panel
from lstm_app.series.panel_windows import network_inputs
from lstm_app.series.pipeline import score_forecast
from lstm_app.series.settings import ForecastConfig
from lstm_app.series.trained import TrainedForecaster
from lstm_app.series.windows import Scaler

DAYS = pd.date_range("2023-01-01", periods=120, freq="D")
FAST = ForecastConfig(statistical_seconds=0, calendar=False, lookback=14, horizon=7, epochs=2, hidden_size=8, batch_size=16,
                      patience=0)


def shops_csv() -> bytes:
    """Five shops, daily, weekly rhythm: shop 2 opens on day 60, shop 3 closes on day 90 (no
    test span), shop 4 has only its last 10 days (shorter than the lookback)."""
    rng = np.random.default_rng(0)
    rows = []
    for i, (a, b) in enumerate([(0, 120), (0, 120), (60, 120), (0, 90), (110, 120)]):
        level = 20.0 * (i + 1)
        for d in range(a, b):
            value = level + 0.3 * level * np.sin(2 * np.pi * d / 7) + rng.normal(0, 1)
            rows.append({"date": f"{DAYS[d]:%Y-%m-%d}", "shop": f"shop {i}",
                         "sales": round(value, 3)})
    return pd.DataFrame(rows).to_csv(index=False).encode()


@pytest.fixture(scope="module")
def panel():
    return load_panel(shops_csv(), id_cols=["shop"])


@pytest.fixture(scope="module")
def plain(panel):
    """A panel forecaster reading only the value: the single-series network."""
    return score_panel(fit_panel(panel, FAST), panel)


@pytest.fixture(scope="module")
def embedded(panel):
    """One with a series embedding and calendar inputs (day of week, day of year)."""
    config = replace(FAST, id_embedding=3, calendar=True, num_layers=2)
    return score_panel(fit_panel(panel, config), panel)


def single_series(result, i: int):
    """Series i through the single-series path: the same network and weights, with series i's
    own scaler as a forecast's Scaler, scored by score_forecast on that series alone."""
    trained = result.trained
    scaler = Scaler.from_dict({"mean": trained.mean[i], "std": trained.std[i]})
    forecaster = TrainedForecaster(trained.config, trained.model, scaler, trained.training)
    return score_forecast(forecaster, result.panel.series(i))


@pytest.mark.parametrize("i", [0, 2])
def test_a_panel_series_is_looked_into_as_the_single_series_it_is(plain, i):
    view, alone = series_input(plain, i), series_input(single_series(plain, i))
    torch.testing.assert_close(view.inputs, alone.inputs)
    assert forecast_labels(view) == forecast_labels(alone)
    # The panel's test span starts on the same date for every series (day 102).
    origins = forecast_origins(view)
    assert view.series.frame.index[origins[0]] == DAYS[102] and origins[-1] == len(view.inputs)
    for origin in (origins[0], origins[len(origins) // 2], origins[-1]):
        (layer,), times = forecast_trace(view, origin)
        (expected,), expected_times = forecast_trace(alone, origin)
        assert list(times) == list(expected_times) and len(times) == 14
        for name in ("f", "i", "g", "o"):
            torch.testing.assert_close(layer.gates[name], expected.gates[name])
        torch.testing.assert_close(layer.h, expected.h)
        torch.testing.assert_close(layer.c, expected.c)
        np.testing.assert_allclose(forecast_attribution(view, origin),
                                   forecast_attribution(alone, origin), atol=1e-6)
    pd.testing.assert_frame_equal(forecast_features(view), forecast_features(alone))


def test_the_cells_reproduce_the_panel_forecast_through_the_embedding(embedded):
    trained, panel = embedded.trained, embedded.panel
    for i in (1, 2):
        view = series_input(embedded, i)
        # What the network read in training and scoring: series i's rows of the whole panel.
        whole = network_inputs(panel, trained.mean, trained.std, trained.calendar, True,
                               torch.device("cpu"))
        torch.testing.assert_close(view.inputs, whole[panel.starts[i]:panel.starts[i + 1]])
        assert view.inputs.shape[1] == 1 + trained.calendar + 1 and view.observed == 1
        assert (view.inputs[:, -1] == i).all()  # the series' number, for its embedding
        # The last layer's state after the last window, through the head, is the forecast
        # the panel made for series i after its last value.
        origin = len(view.inputs)
        traces, _ = forecast_trace(view, origin)
        assert len(traces) == 2 and traces[0].inputs.shape[-1] == 1 + trained.calendar + 3
        # and the dates' inputs over the horizon, read beside that state
        assert view.future(origin).shape == (1, trained.config.horizon, trained.calendar)
        with torch.no_grad():
            state = traces[-1].h[0, -1]
            change = trained.model.head(state)
            steps = state[None, None, :].expand(1, trained.config.horizon, -1)
            change = change + trained.model.ahead(torch.cat([steps, view.future(origin)],
                                                            dim=-1))[0, :, 0]
        scaled = change.double().numpy() + float(view.inputs[-1, 0])  # anchored on the last value
        expected = embedded.forecast.loc[embedded.forecast["id"] == panel.ids[i], "forecast"]
        np.testing.assert_allclose(
            np.maximum(scaled * trained.std[i, 0] + trained.mean[i, 0], embedded.floor[i]),
            expected.to_numpy(), rtol=1e-4)
        # Another series' number through the same cells gives another forecast.
        other = view.inputs[-14:].clone()
        other[:, -1] = 0
        x, ids = trained.model.split_ids(other[None])
        with torch.no_grad():
            h, _ = trained.model.rnn(trained.model.rnn_inputs(x, ids))
        assert not torch.allclose(h[0, -1], traces[-1].h[0, -1])
        features = forecast_features(view)
        np.testing.assert_allclose(features.iloc[-1].to_numpy(), traces[-1].h[0, -1].numpy(),
                                   atol=1e-5)


def test_the_attribution_moves_only_past_values_never_the_calendar_or_the_series(embedded):
    view = series_input(embedded, 1)
    origin = forecast_origins(view)[0]
    scores = forecast_attribution(view, origin)
    assert scores.shape == (14,) and (scores >= 0).all() and scores.sum() > 0
    window = view.inputs[origin - 14:origin]
    model, future = embedded.trained.model, view.future(origin)
    with torch.no_grad():
        base = model(window[None], None, future)[0]
        for step in (0, 13):  # by hand: that step's value replaced by the window's mean value
            occluded = window.clone()
            occluded[step, 0] = window[:, 0].mean()
            moved = (model(occluded[None], None, future)[0] - base).abs().mean()
            assert scores[step] == pytest.approx(float(moved), abs=1e-6)


def test_series_shorter_than_the_lookback_are_not_offered(plain):
    assert list(readable_series(plain)) == [0, 1, 2, 3]  # shop 4 has 10 values
    view = series_input(plain, 3)  # closed before the test span: only its forecast is left
    assert forecast_origins(view) == [90]
