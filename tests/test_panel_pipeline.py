"""One global LSTM for a panel: its split, windows, scalers, scores and the leak test."""

import numpy as np
import pandas as pd
import pytest
import torch

from lstm_app.series import intervals
from lstm_app.series.time_column import NO_TIME_COLUMN
from lstm_app.series.panel import load_panel
from lstm_app.series.panel_pipeline import fit_panel, score_panel
from lstm_app.series.panel_scores import aggregate, mase_scales, per_series, verdict
from lstm_app.series.panel_windows import fit_scalers, span_windows, split_panel
from lstm_app.series.settings import ForecastConfig

DAYS = pd.date_range("2023-01-01", periods=120, freq="D")
FAST = ForecastConfig(statistical_seconds=0, lookback=14, horizon=7, epochs=2, hidden_size=8, batch_size=16,
                      patience=0)


def panel_csv(starts=(0, 0, 60, 0), ends=(120, 120, 120, 90), seed=0) -> bytes:
    rng = np.random.default_rng(seed)
    rows = []
    for i, (a, b) in enumerate(zip(starts, ends)):
        level = 20.0 * (i + 1)
        for d in range(a, b):
            value = level + 0.3 * level * np.sin(2 * np.pi * d / 7) + rng.normal(0, 1)
            rows.append({"date": f"{DAYS[d]:%Y-%m-%d}", "shop": f"shop {i}", "sales": round(value, 3)})
    return pd.DataFrame(rows).to_csv(index=False).encode()


@pytest.fixture(scope="module")
def panel():
    return load_panel(panel_csv(), id_cols=["shop"])


def test_validation_and_test_start_on_the_same_date_for_every_series(panel):
    split = split_panel(panel, 0.15, 0.15, 7)
    assert {panel.times[v] for v in split.val[:3]} == {DAYS[84]}   # 120 - 18 - 18
    assert {panel.times[t] for t in split.test[:3]} == {DAYS[102]}
    assert split.test[3] == split.ends[3]  # shop 3 stopped on day 90: no test span
    assert list(split.scorable(14, 7)) == [True, True, True, False]
    assert list(split.trainable(14, 7)) == [True, True, True, True]


def test_windows_never_cross_from_one_series_into_the_next(panel):
    split = split_panel(panel, 0.15, 0.15, 7)
    ids, series = span_windows(split, split.starts, split.val, 14, 7, np.ones(4, bool))
    first, last = ids, ids + 14 + 7 - 1  # every row a window reads or predicts
    assert (first >= split.starts[series]).all() and (last < split.val[series]).all()
    assert np.bincount(series).tolist() == [(84 - 21 + 1), (84 - 21 + 1), (24 - 21 + 1),
                                            (84 - 21 + 1)]


def test_each_series_is_scaled_on_its_own_training_span_only(panel):
    split = split_panel(panel, 0.15, 0.15, 7)
    mean, std = fit_scalers(panel.values, split, season=7)
    shop2 = panel.values[split.starts[2]:split.val[2], 0]
    assert mean[2, 0] == pytest.approx(shop2.mean())
    # The spread is the typical change from one season back: MASE's own scale.
    assert std[2, 0] == pytest.approx(np.mean(np.abs(shop2[7:] - shop2[:-7])))
    flat = panel.values.copy()
    flat[split.starts[2]:split.val[2], 0] = np.tile(shop2[:7], 4)[:len(shop2)]  # repeats exactly
    assert fit_scalers(flat, split, season=7)[1][2, 0] == pytest.approx(
        np.tile(shop2[:7], 4)[:len(shop2)].std())  # no change at all: the standard deviation


def test_changing_one_series_test_span_changes_nothing_the_model_learnt_from(panel):
    """The panel leak test: the test span of one series is made wild; every scaler, every
    training and validation window, and so the trained weights, stay exactly the same."""
    split = split_panel(panel, FAST.val_size, FAST.test_size, FAST.horizon)
    wild = panel.values.copy()
    wild[split.test[1]:split.ends[1], 0] *= 100
    other = type(panel)(**{**panel.__dict__, "values": wild})
    a, b = fit_panel(panel, FAST), fit_panel(other, FAST)
    assert np.array_equal(a.mean, b.mean) and np.array_equal(a.std, b.std)
    for key, value in a.model.state_dict().items():
        assert torch.equal(value, b.model.state_dict()[key]), key
    result = score_panel(b, other)
    assert result.series.loc[1, "lstm_mae"] > 10 * result.series.loc[0, "lstm_mae"]


def test_a_panel_is_scored_per_series_and_as_a_whole(panel):
    result = score_panel(fit_panel(panel, FAST), panel)
    table = result.series
    assert list(table["id"]) == list(panel.ids)
    assert table.loc[3, "lstm_mae"] != table.loc[3, "lstm_mae"]  # NaN: shop 3 is not scored
    assert set(result.aggregate) >= {"reference", "series", "lstm", "naive", "seasonal_naive",
                                     "drift"}
    assert result.aggregate["series"] == 3 and result.aggregate["reference"] == "seasonal_naive"
    assert "of 3 series" in result.verdict
    [unscored] = [n for n in result.notices if "1 series has no whole horizon" in n]
    assert unscored.endswith(f"so it is not scored: '{panel.ids[3]}'.")  # named
    forecast = result.forecast
    assert list(forecast.columns) == ["id", "time", "forecast", "lower_80", "upper_80",
                                      "lower_95", "upper_95", "method"]
    assert len(forecast) == 4 * 7 and forecast["id"].tolist()[:8] == ["shop 0"] * 7 + ["shop 1"]
    assert set(forecast["method"]) == {result.labels[result.recommended]}
    assert forecast["time"].iloc[0] == DAYS[119] + pd.Timedelta(days=1)
    assert forecast.loc[forecast.id == "shop 3", "time"].iloc[0] == DAYS[90]  # after its own end
    assert (forecast["lower_95"] <= forecast["lower_80"]).all()
    assert (forecast["lower_80"] <= forecast["forecast"]).all()
    assert 0 <= result.coverage["80"] <= result.coverage["95"] <= 1


def test_panel_aggregates_on_a_worked_example():
    """Two series: the LSTM halves the reference's MASE on one and doubles it on the other."""
    make = lambda mae, mase: pd.DataFrame({"mae": mae, "rmse": mae, "smape": [10.0, 20.0],
                                           "mase": mase})
    methods = {"lstm": make([1.0, 4.0], [0.5, 2.0]),
               "seasonal_naive": make([2.0, 2.0], [1.0, 1.0])}
    summary = aggregate(methods)
    assert summary["lstm"] == {"mase": 1.25, "relative_mase": 1.0, "smape": 15.0,
                               "beats_reference": 1}
    assert verdict(summary) == ("The LSTM beats seasonal naive on 1 of 2 series; panel MASE "
                                "1.25 against 1.00 (lower is better): one model for the whole "
                                "panel is no better than that rule.")
    # A win the verdict's own two decimals cannot show is not called one.
    close = aggregate({"lstm": make([1.0, 1.0], [4.850, 4.850]),
                       "seasonal_naive": make([1.0, 1.0], [4.852, 4.852])})
    assert "4.85 against 4.85" in verdict(close) and "is no better" in verdict(close)
    assert summary["series"] == summary["scored"] == 2


def test_a_series_that_never_changed_in_training_is_counted_apart_from_the_mean_mase():
    make = lambda mae, mase: pd.DataFrame({"mae": mae, "rmse": mae, "smape": [10.0, 20.0, 30.0],
                                           "mase": mase})
    summary = aggregate({"lstm": make([1.0, 4.0, 0.5], [0.5, 2.0, np.nan]),
                         "seasonal_naive": make([2.0, 2.0, 0.0], [1.0, 1.0, np.nan])})
    assert (summary["series"], summary["scored"]) == (3, 2)
    assert summary["lstm"]["mase"] == 1.25 and summary["lstm"]["smape"] == 20.0


def test_scores_per_series_and_mase_scales_on_a_worked_example():
    y = np.array([1.0, 2.0, 4.0, 7.0, 10.0, 10.0, 10.0, 11.0])  # two series of four
    scale = mase_scales(y, np.array([0, 4]), np.array([4, 8]), season=None)
    assert scale.tolist() == [2.0, pytest.approx(1 / 3)]  # mean |diff|: (1+2+3)/3, (0+0+1)/3
    week = 1e9 * np.sin(2 * np.pi * np.arange(70) / 7) + 1e10  # repeats to rounding noise
    both = mase_scales(np.concatenate([week, week + np.arange(70)]), np.array([0, 70]),
                       np.array([70, 140]), 7)
    assert np.isnan(both[0]) and both[1] == pytest.approx(7.0)  # a trend of 1 a step: a scale
    actual = np.array([[2.0, 4.0], [10.0, 10.0], [10.0, 11.0]])
    pred = np.array([[3.0, 4.0], [10.0, 12.0], [10.0, 10.0]])
    table = per_series(actual, pred, np.array([0, 1, 1]), 2, scale)
    assert table["mae"].tolist() == [0.5, 0.75]
    assert table["mase"].tolist() == [0.25, pytest.approx(2.25)]


def test_each_series_has_its_own_interval_when_its_validation_windows_are_enough():
    errors = np.concatenate([np.linspace(0, 1, 40), np.linspace(0, 10, 3)])[:, None]
    group = np.array([0] * 40 + [1] * 3)
    pooled = {80: np.array([5.0]), 95: np.array([7.0])}
    widths = intervals.grouped_widths(errors, group, 2, pooled)
    assert widths[80][0, 0] == pytest.approx(np.sort(errors[:40, 0])[32])  # ⌈41·0.8⌉ = 33rd
    assert widths[80][1, 0] == 5.0 and widths[95][1, 0] == 7.0  # 3 windows: the pooled width


def test_calendar_inputs_follow_the_cycles_the_step_can_see():
    from lstm_app.series.calendar import calendar_count, calendar_features

    hours = pd.date_range("2024-01-01", periods=48, freq="h")
    grid = calendar_features(hours, "h")
    assert grid.shape == (48, 6) and calendar_count("h") == 6  # time of day, weekday, day of year
    assert grid[0, 0] == pytest.approx(0.0) and grid[6, 0] == pytest.approx(1.0)  # 06:00: a quarter
    assert grid[0, 3] == pytest.approx(1.0)  # cos of midnight
    assert np.allclose(grid[0, [0, 3]], grid[24, [0, 3]])  # the same hour a day later
    assert calendar_count("D") == 4 and calendar_count("MS") == 2 and calendar_count(None) == 0


def test_a_series_embedding_and_calendar_inputs_train_and_score(panel):
    config = ForecastConfig(**{**FAST.__dict__, "id_embedding": 4, "calendar": True})
    trained = fit_panel(panel, config)
    assert trained.model.shape.id_dim == 4 and trained.model.shape.id_count == 4
    # The value and the weekday as 2 calendar columns: the panel's days span less than a year
    # and a half, so the day of the year is left out.
    assert trained.model.shape.n_features == 1 + 2 and trained.calendar == 2
    assert trained.model.ids.weight.shape == (4, 4)
    result = score_panel(trained, panel)
    assert np.isfinite(result.forecast["forecast"]).all()
    # In row order there is no calendar to read: the setting (on by default) does nothing.
    rows = load_panel(panel_csv(), id_cols=["shop"], time_col=NO_TIME_COLUMN)
    assert fit_panel(rows, config).model.shape.n_features == 1


def test_the_season_anchor_is_resolved_from_the_season_and_fits_in_the_lookback(panel):
    from lstm_app.series.panel_pipeline import resolve_panel

    assert resolve_panel(panel, ForecastConfig(statistical_seconds=0, lookback=14, horizon=7,
                                               season_anchor="auto")).season_anchor == 7
    assert resolve_panel(panel, ForecastConfig(statistical_seconds=0, lookback=5, horizon=7,
                                               season_anchor="auto")).season_anchor == 0
    with pytest.raises(ValueError, match=r"^The season anchor \(7 steps\) reaches further back "
                                         r"than the lookback \(5\)"):
        resolve_panel(panel, ForecastConfig(statistical_seconds=0, lookback=5, horizon=7, season_anchor=7))


def test_a_series_that_starts_after_the_validation_cut_is_scaled_by_its_own_rows():
    late = load_panel(panel_csv(starts=(0, 0, 100, 0), ends=(120, 120, 120, 120)),
                      id_cols=["shop"])
    split = split_panel(late, 0.15, 0.15, 7)
    assert split.val[2] == split.starts[2]  # no training rows of its own
    mean, std = fit_scalers(late.values, split, season=7)
    rows = late.values[split.starts[2]:split.ends[2], 0]
    assert mean[2, 0] == pytest.approx(rows.mean())
    assert std[2, 0] == pytest.approx(np.mean(np.abs(rows[7:] - rows[:-7])))


def test_seasonal_naive_is_left_out_only_for_the_series_without_a_season_behind():
    from lstm_app.series.panel_scores import panel_baselines
    y = np.arange(40, dtype=float)
    starts = np.array([0, 0, 20, 20])       # two series: rows 0-19 and 20-39
    origins = np.array([10, 15, 24, 30])     # the third window has 4 values behind it
    out = panel_baselines(y, origins, starts, 2, season=7)
    assert np.isnan(out["seasonal_naive"][2]).all()
    np.testing.assert_array_equal(out["seasonal_naive"][0], [y[3], y[4]])
    np.testing.assert_array_equal(out["seasonal_naive"][3], [y[23], y[24]])
    series = np.array([0, 0, 1, 1])
    actual = y[origins[:, None] + np.arange(2)]
    table = per_series(actual, out["seasonal_naive"], series, 2, np.ones(2))
    assert table.loc[0].notna().all() and table.loc[1].isna().all()


def test_the_95_band_never_falls_inside_the_80_band_of_a_series():
    # 16 windows: enough for a series' own 80% width, not for its own 95% one, and this
    # series misses far more than the pooled 95% width.
    errors = np.concatenate([np.linspace(5, 20, 16), np.linspace(0, 1, 40)])[:, None]
    group = np.array([0] * 16 + [1] * 40)
    pooled = {80: np.array([1.0]), 95: np.array([1.5])}
    widths = intervals.grouped_widths(errors, group, 2, pooled)
    assert widths[80][0, 0] > pooled[95][0]  # its own 80% width, wide
    assert widths[95][0, 0] == pytest.approx(widths[80][0, 0] * 1.5)
    assert (widths[95] >= widths[80]).all()


def test_a_series_that_starts_during_validation_is_forecast_but_never_scored():
    # Shop 2 starts on day 100, after the validation cut (day 84): no training rows, so its
    # scaler is fitted on all its rows, its test span among them; it must not be scored, and a
    # series with no training rows gets no floor at zero (it is negative here).
    rows = []
    for i, (start, level) in enumerate(((0, 50.0), (0, 80.0), (100, -52.0))):
        for d in range(start, 120):
            rows.append({"date": f"{DAYS[d]:%Y-%m-%d}", "shop": f"shop {i}",
                         "sales": level + 5 * np.sin(2 * np.pi * d / 7) + (d % 3)})
    panel = load_panel(pd.DataFrame(rows).to_csv(index=False).encode(), id_cols=["shop"])
    config = ForecastConfig(statistical_seconds=0, lookback=7, horizon=3, epochs=1, hidden_size=8, batch_size=16,
                            patience=0)
    result = score_panel(fit_panel(panel, config), panel)
    assert list(result.series["scored"]) == [True, True, False]
    assert result.aggregate["series"] == 2 and np.isnan(result.series.loc[2, "lstm_mae"])
    assert any("starts late" in n for n in result.notices)
    late = result.forecast[result.forecast["id"] == "shop 2"]
    assert (late["forecast"] < 0).all() and (late["lower_80"] < late["forecast"]).all()


def test_a_panel_with_one_series_that_never_changes_still_trains_the_others():
    import pandas as pd

    from lstm_app.series.panel import load_panel
    from lstm_app.series.panel_pipeline import resolve_panel
    from lstm_app.series.settings import ForecastConfig
    from lstm_app.series.sizing import training_windows

    days = pd.date_range("2024-01-01", periods=60, freq="D")
    rows = [(store, day, value) for store, values in
            [("A", range(60)), ("B", [0] * 60), ("C", [v % 7 for v in range(60)])]
            for day, value in zip(days, values)]
    text = "store,date,sales\n" + "".join(f"{s},{d.date()},{v}\n" for s, d, v in rows)
    panel = load_panel(text.encode(), layout="long", id_cols=("store",))
    assert panel.ids[panel.typical()] == "B"  # the median series is the constant one
    config = resolve_panel(panel, ForecastConfig())
    assert training_windows(panel, config) > 0


def test_a_time_budget_ends_the_training_of_one_series_and_of_many():
    """Forecast had no time budget (Text and Classify had one): --minutes, as on the page."""
    from dataclasses import replace

    from lstm_app.samples import sample_path
    from lstm_app.series.loading import load_series
    from lstm_app.series.pipeline import fit_forecast
    from tests.test_panel_runs import shops

    budget = replace(FAST, epochs=10_000, patience=0, minutes=0.002)  # 0.12 s
    assert budget.trainer_config().max_seconds == pytest.approx(0.12)
    one = fit_forecast(load_series(sample_path("airline_passengers")), budget)
    panel = load_panel(shops(), id_cols=["shop"], name="shops.csv")
    many = fit_panel(panel, budget)
    for trained in (one, many):
        assert trained.training.stop_reason == "time_budget"
        assert len(trained.training.history) < 10_000
