"""Forecast metrics pinned against worked examples."""
import numpy as np
import pytest

from lstm_app.series.metrics import all_metrics, mae, mape, mase, mase_scale, mse, rmse, smape

Y = [1.0, 2.0, 3.0, 4.0]
P = [2.0, 2.0, 1.0, 6.0]  # errors y - ŷ: -1, 0, 2, -2


def test_mae_mse_rmse():
    assert mae(Y, P) == 1.25   # (1 + 0 + 2 + 2) / 4
    assert mse(Y, P) == 2.25   # (1 + 0 + 4 + 4) / 4
    assert rmse(Y, P) == 1.5   # sqrt(2.25)


def test_mape():
    # 100 · (1/1 + 0/2 + 2/3 + 2/4) / 4 = 100 · (13/6) / 4 = 54.1666…
    assert mape(Y, P) == pytest.approx(1300 / 24)


def test_mape_is_none_at_or_near_zero():
    assert mape([0.0, 1.0, 2.0], [1.0, 1.0, 1.0]) is None
    # mean |y| = 20.001 / 3 ≈ 6.667; 0.001 is below 1% of it (0.0667).
    assert mape([0.001, 10.0, 10.0], [1.0, 10.0, 10.0]) is None
    # 0.1 is above 1% of 6.7, so MAPE is defined: 100 · (0.1/0.1 + 0 + 0) / 3.
    assert mape([0.1, 10.0, 10.0], [0.2, 10.0, 10.0]) == pytest.approx(100 / 3)
    assert mape([0.0, 0.0], [1.0, 1.0]) is None


def test_smape():
    # 100 · (2·1/3 + 0/4 + 2·2/4 + 2·2/10) / 4 = 100 · (2/3 + 1 + 2/5) / 4 = 100 · 31/60
    assert smape(Y, P) == pytest.approx(3100 / 60)


def test_smape_counts_0_over_0_as_0():
    assert smape([0.0, 2.0], [0.0, 1.0]) == pytest.approx(100 / 3)  # 100 · (0 + 2·1/3) / 2
    assert smape([0.0], [0.0]) == 0.0


def test_mase_scale():
    train = [1.0, 3.0, 2.0, 7.0, 4.0, 8.0]
    assert mase_scale(train, None) == 3.0  # |2| + |-1| + |5| + |-3| + |4| = 15, / 5
    assert mase_scale(train, 2) == 2.0     # |2-1| + |7-3| + |4-2| + |8-7| = 8, / 4
    assert mase_scale(train, 6) == 3.0     # a season as long as the span falls back to naive
    # an exactly repeating season of large values leaves rounding noise, not a scale
    week = 1e9 * np.sin(2 * np.pi * np.arange(70) / 7) + 1e10
    assert 0 < np.mean(np.abs(week[7:] - week[:-7])) < 1e-3 and mase_scale(week, 7) == 0.0


def test_mase():
    assert mase(Y, P, scale=2.5) == 0.5    # 1.25 / 2.5
    assert mase(Y, P, scale=mase_scale([5.0, 5.0, 5.0], None)) is None  # a flat training span


def test_all_metrics_row():
    row = all_metrics(Y, P, scale=2.5)
    assert row.to_dict() == {"mae": 1.25, "rmse": 1.5, "mape": pytest.approx(1300 / 24),
                             "smape": pytest.approx(3100 / 60), "mase": 0.5}
