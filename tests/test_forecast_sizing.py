"""The forecaster sized to the series: the suggestion the page and the command line share, and
the advice that never warns against it."""

import numpy as np
import pandas as pd
import pytest

from lstm_app.series.loading import load_series
from lstm_app.series.sizing import (TOO_BIG, count_weights, size_advice, suggested_config,
                                    training_windows)
from tests.conftest import SAMPLES


def monthly_csv(n: int) -> bytes:
    """Rows of a monthly series (no header line)."""
    t = np.arange(n)
    values = 100 + t + 10 * np.sin(2 * np.pi * t / 12)
    dates = pd.date_range("2020-01-01", periods=n, freq="MS")
    return "\n".join(f"{d:%Y-%m-%d},{v:.1f}" for d, v in zip(dates, values)).encode()


@pytest.fixture
def short_series():
    return load_series(b"month,visitors\n" + monthly_csv(36), name="short.csv")


def test_a_short_series_gets_a_network_its_windows_can_fill(short_series):
    config = suggested_config(short_series)
    windows = training_windows(short_series, config)
    assert config.hidden_size < 32 and config.suggested == ("hidden_size",)
    assert count_weights(short_series, config) <= TOO_BIG * windows
    level, _ = size_advice(count_weights(short_series, config), windows, config.num_layers)
    assert level == "ok"  # the page never warns against its own settings


def test_the_airline_sample_keeps_the_measured_default():
    assert suggested_config(load_series(SAMPLES / "airline_passengers.csv")).hidden_size == 32


def test_a_hidden_size_given_is_kept(short_series):
    config = suggested_config(short_series, {"hidden_size": 64})
    assert config.hidden_size == 64 and config.suggested == ()


def test_the_advice_only_names_a_single_layer_when_there_are_several():
    _, one = size_advice(50_000, 10, num_layers=1)
    _, two = size_advice(50_000, 10, num_layers=2)
    assert one.endswith("Try fewer hidden units.")
    assert two.endswith("Try fewer hidden units or a single layer.")
    assert size_advice(1_000, 10, 1) == ("ok", "The network has **1,000** weights to learn "
                                               "from **10** training windows.")


def test_a_panel_is_suggested_to_read_fast_windows_in_their_own_units():
    """Many series: window_scale on (named as suggested) unless the user chose; one series: off."""
    from lstm_app.series.panel import load_panel
    from tests.test_panel_pipeline import panel_csv
    panel = load_panel(panel_csv(), id_cols=["shop"], name="shops.csv")
    config = suggested_config(panel)
    assert config.window_scale and "window_scale" in config.suggested
    chosen = suggested_config(panel, {"window_scale": False})
    assert not chosen.window_scale and "window_scale" not in chosen.suggested
    single = suggested_config(load_series(SAMPLES / "airline_passengers.csv"))
    assert not single.window_scale and "window_scale" not in single.suggested


def steady_csv(trend: float) -> bytes:
    """Ten years of a monthly season with noise, and ``trend`` added each month."""
    t = np.arange(120)
    noise = np.random.default_rng(0).normal(0, 1, t.size)
    values = 100 + trend * t + 10 * np.sin(2 * np.pi * t / 12) + noise
    dates = pd.date_range("2015-01-01", periods=t.size, freq="MS")
    return b"month,sales\n" + "\n".join(f"{d:%Y-%m-%d},{v:.2f}"
                                        for d, v in zip(dates, values)).encode()


def test_one_series_whose_level_holds_steady_reads_levels_not_changes():
    """Season means that barely move (under a tenth of the series' spread): anchor_last off,
    named as suggested; a level that grows, a choice of the user's, or a season anchor keep
    it as given."""
    steady = load_series(steady_csv(trend=0.0), name="steady.csv")
    config = suggested_config(steady)
    assert not config.anchor_last and "anchor_last" in config.suggested
    assert config.hidden_size == suggested_config(steady, {"anchor_last": True}).hidden_size
    growing = suggested_config(load_series(steady_csv(trend=0.5), name="growing.csv"))
    assert growing.anchor_last and "anchor_last" not in growing.suggested
    chosen = suggested_config(steady, {"anchor_last": True})
    assert chosen.anchor_last and "anchor_last" not in chosen.suggested
    seasonal = suggested_config(steady, {"season_anchor": "auto"})
    assert seasonal.anchor_last and "anchor_last" not in seasonal.suggested
    sine = suggested_config(load_series(SAMPLES / "noisy_sine.csv"))
    airline = suggested_config(load_series(SAMPLES / "airline_passengers.csv"))
    assert (sine.anchor_last, airline.anchor_last) == (False, True)


def test_a_series_without_a_season_keeps_learning_changes_from_the_last_value():
    values = np.random.default_rng(1).normal(0, 1, 200)
    series = load_series(b"value\n" + "\n".join(f"{v:.3f}" for v in values).encode(),
                         name="noise.csv")
    assert not series.season_length
    assert suggested_config(series).anchor_last
