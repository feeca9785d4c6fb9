"""The statistical models on a panel's scoreboard: each series fitted on its own exactly as one
series is (pinned against the one-series path), the rule standing in where a model cannot be
fitted, the time limit projected from the first series, and the recommended forecast."""

import io
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from lstm_app.series import panel_statistical as ps
from lstm_app.series.panel import load_panel
from lstm_app.series import statistical_saved
from lstm_app.series.panel_pipeline import fit_panel, score_panel
from lstm_app.series.panel_results import panel_forecast, panel_report
from lstm_app.series.panel_windows import span_windows, split_panel
from lstm_app.series.settings import ForecastConfig
from lstm_app.series.statistical import STATISTICAL, statistical_forecasts
from tests.test_inside_panel import shops_csv

CONFIG = ForecastConfig(statistical_seconds=60, calendar=False, lookback=14, horizon=7,
                        epochs=2, hidden_size=8, batch_size=16, seed=0)


@pytest.fixture(scope="module")
def panel():
    return load_panel(shops_csv(), id_cols=["shop"])


@pytest.fixture(scope="module")
def result(panel):
    return score_panel(fit_panel(panel, CONFIG), panel)


def windows(panel, span):
    split = split_panel(panel, CONFIG.val_size, CONFIG.test_size, 7)
    trainable, scorable = split.trainable(14, 7), split.scorable(14, 7)
    if span == "val":
        ids, series = span_windows(split, split.val, split.test, 14, 7, trainable)
    else:
        ids, series = span_windows(split, split.test, split.ends, 14, 7, scorable)
    return split, ids + 14, series


def test_each_series_is_fitted_as_one_series_is(panel):
    split, val_origins, val_series = windows(panel, "val")
    _, test_origins, test_series = windows(panel, "test")
    y = panel.values[:, 0]
    fallback = (np.zeros((len(val_origins), 7)), np.zeros((len(test_origins), 7)),
                np.zeros((panel.n_series, 7)))
    stat = ps.panel_statistical(y, split.starts, split.ends, (val_origins, val_series),
                                (test_origins, test_series), fallback, 7, 7, 60)
    assert set(stat.test) == set(STATISTICAL) and not stat.notices
    for s in (0, 2):  # a whole series, and one that opens late
        first, last = split.starts[s], split.ends[s]
        v, t = val_series == s, test_series == s
        alone = statistical_forecasts(y[first:last], val_origins[v] - first,
                                      test_origins[t] - first, 7, 7, 60)
        for name in STATISTICAL:
            np.testing.assert_allclose(stat.val[name][v], alone.val[name])
            np.testing.assert_allclose(stat.test[name][t], alone.test[name])
            np.testing.assert_allclose(stat.future[name][s], alone.future[name])


def test_the_rule_stands_in_where_a_model_cannot_be_fitted(panel, monkeypatch):
    split, val_origins, val_series = windows(panel, "val")
    _, test_origins, test_series = windows(panel, "test")
    real = ps._one_model

    def refuses_series_0(name, y, *args):
        if len(y) == 120 and y[0] == panel.values[0, 0]:
            raise ValueError("too short")
        return real(name, y, *args)

    monkeypatch.setattr(ps, "_one_model", refuses_series_0)
    rule = (np.full((len(val_origins), 7), -1.0), np.full((len(test_origins), 7), -2.0),
            np.full((panel.n_series, 7), -3.0))
    stat = ps.panel_statistical(panel.values[:, 0], split.starts, split.ends,
                                (val_origins, val_series), (test_origins, test_series), rule,
                                7, 7, 60)
    assert (stat.test["auto_ets"][test_series == 0] == -2).all()
    assert (stat.future["auto_ets"][0] == -3).all() and (stat.future["auto_ets"][1] != -3).all()
    # every shop is fitted, those without windows (3, 4) for their forecast after the last value
    assert "AutoETS could not be fitted to 1 of 5 series; the simple rule stands in for it " \
           "there." in stat.notices
    assert (stat.future["auto_ets"][4] != -3).all()  # shop 4: ten values, fitted all the same
    assert stat.stood_in == {name: [0] for name in STATISTICAL}


def test_a_download_names_the_rule_where_it_forecast_a_series_in_a_models_place():
    rows = pd.read_csv(io.BytesIO(shops_csv()))  # shop 4 cut to its last two values: too few
    rows = rows.drop(rows.index[rows["shop"] == "shop 4"][:-2])  # to fit a model to
    short = load_panel(rows.to_csv(index=False).encode(), id_cols=["shop"])
    assert short.lengths.tolist()[-1] == 2
    result = score_panel(fit_panel(short, CONFIG), short)
    assert result.stood_in["auto_ets"] == [4]
    forecast = panel_forecast(result, "auto_ets")
    named = forecast.groupby("id")["method"].unique()
    assert named["shop 4"].tolist() == ["naive (last value)"]
    assert all(named[f"shop {i}"].tolist() == ["AutoETS"] for i in range(4))
    saved = statistical_saved.file_bytes(result.statistical_key)
    statistical_saved._kept.clear()
    statistical_saved.remember(saved)  # a run reopened: the stand-ins come back with it
    assert statistical_saved.recall(result.statistical_key).stood_in["auto_ets"] == [4]


def test_a_model_that_would_run_over_its_limit_is_left_out_from_its_first_series(monkeypatch):
    # The first series takes 10 s (compiling the model's code), every next one 1 s: the time of
    # all 50 is projected from the third on, the first set aside: 10 + 49 × 1 s.
    clock = iter([0.0, *np.arange(10.0, 1000.0)])  # the start, then the end of each series
    monkeypatch.setattr(ps, "perf_counter", lambda: next(clock))
    monkeypatch.setattr(ps, "_one_model", lambda name, y, v, t, h, *a: (
        np.zeros((len(v), h)), np.zeros((len(t), h)), np.zeros(h), ""))
    n = 50
    starts, ends = np.arange(n) * 10, np.arange(n) * 10 + 10
    origins, series = starts + 8, np.arange(n)
    stat = ps.panel_statistical(np.ones(500), starts, ends, (origins, series),
                                (origins + 1, series), (np.zeros((n, 1)),) * 2 + (np.zeros((n, 1)),),
                                1, None, seconds=30)
    assert not stat.test
    assert stat.notices[0] == ("AutoETS was left out of the scoreboard: fitting it to each of "
                               "the 50 series would have taken about 59 seconds, over its "
                               "30-second limit for all of them together (the setting Time for "
                               "each statistical model).")
    # rounded up: 5.4 s over a 5-second limit is not "about 5 seconds"
    assert ps._duration(5.4) == "6 seconds" and ps._duration(121) == "3 minutes"


def test_a_few_slow_series_first_do_not_leave_a_model_out_that_fits_its_limit(monkeypatch):
    # 400 series: the first takes 10 s, the next two 20 s each, every other one 1 s: 447 s in
    # all, within the hour. Projected from the third series alone that would be 10 + 40 × 399 / 2
    # s, over the hour; the projection waits until a twentieth of the hour (180 s) is spent.
    ends_at = np.cumsum([10.0, 20.0, 20.0, *[1.0] * 397])
    clock = iter([0.0, *ends_at])
    monkeypatch.setattr(ps, "perf_counter", lambda: next(clock, ends_at[-1]))
    monkeypatch.setattr(ps, "_one_model", lambda name, y, v, t, h, *a: (
        np.zeros((len(v), h)), np.zeros((len(t), h)), np.zeros(h), ""))
    monkeypatch.setattr(ps, "STATISTICAL", {"auto_arima": "AutoARIMA"})
    n = 400
    starts, ends = np.arange(n) * 10, np.arange(n) * 10 + 10
    origins, series = starts + 8, np.arange(n)
    stat = ps.panel_statistical(np.ones(10 * n), starts, ends, (origins, series),
                                (origins + 1, series), (np.zeros((n, 1)),) * 3,
                                1, None, seconds=3600)
    assert not stat.notices
    assert set(stat.test) == {"auto_arima"} and stat.future["auto_arima"].shape == (n, 1)


def test_the_panel_scoreboard_recommends_on_validation_and_forecasts_with_it(result):
    assert {"auto_ets", "auto_theta", "auto_arima", "combination"} <= set(result.aggregate)
    assert result.recommended in result.futures
    chosen = result.futures[result.recommended]
    np.testing.assert_allclose(result.forecast["forecast"].to_numpy(), chosen.ravel())
    assert "Of the statistical models fitted to each series" in result.verdict
    assert result.recommended_why in result.verdict
    report = panel_report(result)
    assert report["recommended"]["method"] == result.recommended
    assert set(report["methods"]) == set(result.labels)
    assert {"auto_ets_mase", "combination_mase"} <= set(result.series.columns)


def test_without_time_for_them_the_panel_is_scored_as_before(panel):
    plain = score_panel(fit_panel(panel, replace(CONFIG, statistical_seconds=0)), panel)
    assert plain.recommended == "lstm" and set(plain.labels) == {"lstm"}
    assert "statistical" not in plain.verdict


def test_a_saved_file_with_crafted_stand_ins_is_not_used():
    import json

    from safetensors.numpy import save

    arrays = {f"{span}/auto_ets": np.zeros((2, 3)) for span in statistical_saved.SPANS}
    for crafted in ([1e30], ["1"], [True], [-1], "0"):
        meta = {"key": "a" * 64, "labels": {"auto_ets": "AutoETS"}, "seconds": {"auto_ets": 1.0},
                "notices": [], "stood_in": {"auto_ets": crafted}}
        statistical_saved._kept.clear()
        statistical_saved.remember(save(arrays, metadata={"meta": json.dumps(meta)}))
        assert statistical_saved.recall("a" * 64) is None, crafted  # fitted again instead
    meta["stood_in"] = {"auto_ets": [0, 3]}  # as this version writes them: used
    statistical_saved.remember(save(arrays, metadata={"meta": json.dumps(meta)}))
    assert statistical_saved.recall("a" * 64).stood_in == {"auto_ets": [0, 3]}
    statistical_saved._kept.clear()


def test_the_panel_scoreboard_names_the_combinations_statistical_half():
    from lstm_app.ui.panel_view import scoreboard

    summary = {"reference": "seasonal_naive", "series": 6,
               "lstm": {"mase": 0.9, "relative_mase": 0.8, "smape": 10.0, "beats_reference": 5},
               "seasonal_naive": {"mase": 1.1, "relative_mase": 1.0, "smape": 12.0,
                                  "beats_reference": 0},
               "combination": {"mase": 0.85, "relative_mase": 0.77, "smape": 9.5,
                               "beats_reference": 6}}
    labels = {"lstm": "LSTM", "combination": "mean of the LSTM and AutoETS"}
    # AutoTheta did best on the test span, the combination holds AutoETS (best on validation):
    # "the best statistical" read as AutoTheta.
    assert scoreboard(summary, labels)["model"].tolist()[-1] == "mean of the LSTM and AutoETS"
    assert scoreboard(summary)["model"].tolist()[-1] == \
        "LSTM and the statistical model best on validation, mean"
