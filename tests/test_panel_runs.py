"""A panel as a run: its files and back, recorded and reopened to the same scores, a bundle,
Train more, and the live view of a few series while it trains."""

import io
import json

import numpy as np
import pandas as pd
import pytest
from safetensors.numpy import load, save

from lstm_app.runs.bundle import export_bundle, import_bundle
from lstm_app.runs.recording import data_fingerprint, record, start_run
from lstm_app.runs.reopening import reopen
from lstm_app.runs.store import RunStore
from lstm_app.series.time_column import NO_TIME_COLUMN
from lstm_app.series.panel import load_panel
from lstm_app.series.panel_live import SHOWN, PanelLive
from lstm_app.series.panel_pipeline import fit_panel, score_panel
from lstm_app.series.panel_saving import panel_files, panel_from_files
from lstm_app.series.panel_trained import TrainedPanel
from lstm_app.tasks import PANEL
from lstm_app.training.trainer import Callbacks
from tests.test_panel_pipeline import FAST, panel_csv


def shops(names=("Berlin", "Paris, FR", "北京", "=cmd|' /C calc'!A0")) -> bytes:
    days = pd.date_range("2024-01-01", periods=70, freq="D")
    rows = [{"date": f"{d:%Y-%m-%d}", "shop": shop, "sales": 30 + 10 * i + 5 * (d.day_of_week > 4)
             + (k % 3), "price": 2.0 + i}
            for i, shop in enumerate(names) for k, d in enumerate(days[5 * i:])]
    return pd.DataFrame(rows).to_csv(index=False).encode()


@pytest.fixture(scope="module")
def panel():
    return load_panel(shops(), id_cols=["shop"], covariates=["price"], name="shops.csv")


def test_a_panel_is_saved_as_files_and_read_back_the_same(panel):
    back = panel_from_files(panel_files(panel))
    assert back.ids == panel.ids and back.ids[1] == "Paris, FR" and back.ids[2] == "北京"
    np.testing.assert_array_equal(back.values, panel.values)
    np.testing.assert_array_equal(back.starts, panel.starts)
    assert list(back.times) == list(panel.times)
    for field in ("layout", "id_cols", "value_col", "covariates", "time_col", "freq",
                  "freq_label", "season_length", "notices", "numeric_columns", "name"):
        assert getattr(back, field) == getattr(panel, field), field
    in_rows = load_panel(panel_csv(), id_cols=["shop"], time_col=NO_TIME_COLUMN)
    again = panel_from_files(panel_files(in_rows))
    assert again.freq is None and list(again.times) == list(in_rows.times)


def _with(blob: bytes, name: str, value) -> bytes:
    """The saved arrays with ``name``'s first number set to ``value`` (None: dropped; a new name:
    added)."""
    arrays = {k: v.copy() for k, v in load(blob).items()}
    if value is None:
        arrays.pop(name)
    elif name in arrays:
        arrays[name].flat[0] = value
    else:
        arrays[name] = np.array([value])
    return save(arrays)


@pytest.mark.parametrize("damage", [
    lambda f: f.update({"panel.json": b"{"}),
    lambda f: f.update({"panel.json": json.dumps({"ids": ["a"], "layout": "tall"}).encode()}),
    lambda f: f.update({"panel.safetensors": f["panel.safetensors"][:-8]}),
    lambda f: f.update({"panel.safetensors": save({"lengths": np.array([1]), "values": np.array(
        [[np.nan, 1.0]]), "times": np.array([0])})}),
    lambda f: f.update({"panel.safetensors": _with(f["panel.safetensors"], "lengths", 9)}),
    lambda f: f.update({"panel.safetensors": _with(f["panel.safetensors"], "values", np.nan)}),
    lambda f: f.update({"panel.safetensors": _with(f["panel.safetensors"], "times", None)}),
    lambda f: f.update({"panel.safetensors": _with(f["panel.safetensors"], "extra", 1)}),
    lambda f: f.pop("panel.safetensors")])
def test_damaged_panel_files_are_refused_in_a_sentence(panel, damage):
    files = panel_files(panel)
    damage(files)
    with pytest.raises(ValueError, match=r"^(The saved panel|panel.json)") as error:
        panel_from_files(files)
    assert "Traceback" not in str(error.value) and len(str(error.value)) < 300


def test_a_trained_panel_is_saved_as_files_and_loaded_back(panel):
    trained = fit_panel(panel, FAST)
    files = {**trained.files(), "weights.safetensors": __import__(
        "lstm_app.training.checkpoint", fromlist=["weights_bytes"]).weights_bytes(trained.model, 2)}
    back = TrainedPanel.from_files(files, trained.training)
    assert back.ids == panel.ids and back.calendar == trained.calendar
    np.testing.assert_array_equal(back.mean, trained.mean)
    first, second = score_panel(trained, panel), score_panel(back, panel)
    assert first.aggregate == second.aggregate
    scalers = json.loads(files["scalers.json"])
    scalers["std"][0][0] = -1
    with pytest.raises(ValueError, match="positive spread"):
        TrainedPanel.from_files({**files, "scalers.json": json.dumps(scalers).encode()},
                                trained.training)


def test_a_panel_run_is_recorded_reopened_bundled_and_trained_more(tmp_path, panel):
    store = RunStore(tmp_path)
    run_id = start_run(store, "panel", panel, FAST, "shops", "shops.csv")
    result = record(store.home, run_id, "panel", panel, FAST)
    run = store.get(run_id)
    assert run.status == "finished" and run.task == "panel"
    assert run.data_rows == int(panel.starts[-1])
    assert run.metrics["test"]["mase"] == result.aggregate["lstm"]["mase"]
    assert run.metrics["series"] == 4 and "seasonal_naive" in run.metrics["baselines"]
    forecast = pd.read_csv(store.run_dir(run_id) / "forecast.csv")
    assert forecast.columns[0] == "id" and "'=cmd|' /C calc'!A0" in set(forecast["id"])
    report = json.loads((store.run_dir(run_id) / "report.json").read_text("utf-8"))
    assert len(report["series"]) == 4 and report["aggregate"]["series"] >= 1

    again = reopen(store, run_id)  # from the saved files: no training
    assert again.aggregate == result.aggregate
    pd.testing.assert_frame_equal(again.forecast, result.forecast)

    imported = import_bundle(RunStore(tmp_path / "other"), export_bundle(store, run_id))
    assert reopen(RunStore(tmp_path / "other"), imported).aggregate == result.aggregate

    more = start_run(store, "panel", panel, FAST, "shops more", "shops.csv", parent=run_id)
    longer = record(store.home, more, "panel", panel, FAST, start=result.trained)
    history = longer.trained.training.history
    assert [h.epoch for h in history] == [1, 2, 3, 4]
    assert [h.epoch for h in store.history(more)] == [1, 2, 3, 4]
    np.testing.assert_array_equal(longer.trained.mean, result.trained.mean)


def test_a_panel_trained_on_other_series_is_not_continued(panel):
    trained = fit_panel(panel, FAST)
    other = load_panel(shops(names=("a", "b", "c", "d")), id_cols=["shop"],
                       covariates=["price"])
    with pytest.raises(ValueError, match="other series"):
        fit_panel(other, FAST, start=trained)


def test_the_live_view_draws_the_longest_series_and_scores_every_method(panel):
    seen: list[PanelLive] = []
    fit_panel(panel, FAST, Callbacks(on_live=seen.append))
    assert len(seen) == FAST.epochs
    live = seen[-1]
    longest = [panel.ids[i] for i in np.argsort(-panel.lengths, kind="stable")[:SHOWN]]
    assert list(live.ids) == longest
    for times, actual, forecast in zip(live.times, live.actual, live.forecast):
        assert len(times) == len(actual) == len(forecast) > 0
        assert np.isfinite(forecast).all()
    assert set(live.scoreboard) == {"lstm", "naive", "seasonal_naive", "drift"}
    assert all(np.isfinite(v) for v in live.scoreboard.values())


def test_the_panel_task_reads_its_own_files_only():
    assert PANEL.file_names == {"panel.safetensors", "panel.json", "config.json", "scalers.json",
                                "report.json", "forecast.csv", "statistical.safetensors"}


def test_one_series_opened_from_a_panel_matches_its_row_of_the_table(panel):
    from lstm_app.series.panel_detail import series_detail
    result = score_panel(fit_panel(panel, FAST), panel)
    for i in range(panel.n_series):
        detail = series_detail(result, i)
        row = result.series.iloc[i]
        assert detail.scores["id"] == panel.ids[i] and len(detail.forecast) == FAST.horizon
        if not row["scored"]:
            assert detail.backtest is None
            continue
        bt = detail.backtest
        assert (bt["actual"] - bt["forecast"]).abs().mean() == pytest.approx(row["lstm_mae"])
        assert (bt["actual"] - bt["seasonal_naive"]).abs().mean() == pytest.approx(
            row["seasonal_naive_mae"])
        inside = (bt["actual"] >= bt["lower_80"]) & (bt["actual"] <= bt["upper_80"])
        assert inside.mean() == pytest.approx(row["coverage_80"])


def test_a_series_opened_draws_the_picked_methods_test_forecasts_with_its_intervals(panel):
    from dataclasses import replace
    from lstm_app.charts import backtest_chart
    from lstm_app.series.panel_detail import series_detail
    result = score_panel(fit_panel(panel, replace(FAST, statistical_seconds=30)), panel)
    assert {"auto_ets", "auto_theta", "combination"} <= set(result.test_forecasts)
    for method in ("auto_theta", "combination"):
        for i in np.flatnonzero(result.series["scored"].to_numpy()):
            bt = series_detail(result, int(i), method).backtest
            row = result.series.iloc[i]
            # the series' own scores of that method, computed apart from the chart's table
            assert (bt["actual"] - bt[method]).abs().mean() == pytest.approx(row[f"{method}_mae"])
            assert (bt[f"{method}_lower_80"] <= bt[method]).all()
            assert (bt[method] <= bt[f"{method}_upper_95"]).all()
            assert not np.allclose(bt[f"{method}_upper_80"] - bt[method],
                                   bt["upper_80"] - bt["forecast"])  # its own widths
            figure = backtest_chart(bt, result.panel.series(int(i)).frame[panel.value_col],
                                    "sales", method=method, method_name="X")
            drawn = {trace.name: trace for trace in figure.data}
            np.testing.assert_allclose(drawn["X forecast"].y,
                                       bt[bt["step"] == 1].sort_values("time")[method])
    assert "auto_theta" not in series_detail(result, 0, "lstm").backtest  # the LSTM's alone


def test_train_more_goes_on_from_the_trained_weights(panel):
    from dataclasses import replace
    trained = fit_panel(panel, FAST)
    start = {k: v.clone() for k, v in trained.model.state_dict().items()}
    slow = replace(FAST, epochs=1, lr=1e-5)
    more = fit_panel(panel, slow, start=trained)
    fresh = fit_panel(panel, replace(slow, seed=FAST.seed + 1))
    near = max((more.model.state_dict()[k] - v).abs().max().item() for k, v in start.items())
    far = max((fresh.model.state_dict()[k] - v).abs().max().item() for k, v in start.items())
    assert near < 0.01 < far, (near, far)


@pytest.mark.parametrize("id_cols", [["门店"], ["门店", "商品"]])
def test_a_saved_panel_is_written_back_under_its_own_id_columns(id_cols):
    """A panel run reopened on the Forecast page is its saved series as a CSV: the columns
    naming each series keep the file's own names, each column with its own cells (store and
    category stay two columns, so the page can read one series per store again), a blank cell
    blank; reading it back with those columns gives the same series, by the same names."""
    from lstm_app.series.panel_saving import panel_csv as saved_csv
    rows = [{"门店": shop, "商品": item, "日期": f"2024-01-{d:02d}", "销量": 10 * s + d}
            for s, (shop, item) in enumerate([("北京", "奶"), ("上海", "奶"), ("北京", "茶"),
                                              (None, "茶"), ("(blank)", "茶")])
            for d in range(1, 29)]
    panel = load_panel(pd.DataFrame(rows).to_csv(index=False).encode(), id_cols=id_cols)
    panel = panel_from_files(panel_files(panel))  # as a reopened run reads it
    data, saved_cols = saved_csv(panel)
    assert saved_cols == tuple(id_cols)
    table = pd.read_csv(io.BytesIO(data))
    assert list(table.columns[:len(id_cols)]) == id_cols
    assert set(table["门店"].dropna()) == {"北京", "上海", "(blank)"}
    again = load_panel(data, id_cols=list(saved_cols))
    assert list(again.ids) == list(panel.ids) and again.id_cells == panel.id_cells
    np.testing.assert_allclose(again.values, panel.values)
    assert data_fingerprint(PANEL, again) == data_fingerprint(PANEL, panel)


@pytest.mark.parametrize("id_cols", [["门店"], ["门店", "商品"]])
def test_a_panel_saved_without_its_id_cells_is_written_back_under_its_joined_ids(id_cols):
    """A run saved before the id cells were kept has only each series' id ("北京 · 奶"): it is
    written back as one column under the id columns' names joined as the ids are, as before,
    and reads back to the same series."""
    from lstm_app.series.panel_saving import panel_csv as saved_csv
    rows = [{"门店": shop, "商品": item, "日期": f"2024-01-{d:02d}", "销量": 10 * s + d}
            for s, (shop, item) in enumerate([("北京", "奶"), ("上海", "奶"), ("北京", "茶")])
            for d in range(1, 29)]
    panel = load_panel(pd.DataFrame(rows).to_csv(index=False).encode(), id_cols=id_cols)
    files = panel_files(panel)
    meta = json.loads(files["panel.json"])
    assert meta["id_cells"] == ([["北京", "奶"], ["上海", "奶"], ["北京", "茶"]]
                                if len(id_cols) == 2 else [["北京"], ["上海"]])
    del meta["id_cells"]
    old = panel_from_files({**files, "panel.json": json.dumps(meta).encode()})
    assert old.id_cells == () and old.ids == panel.ids
    data, saved_cols = saved_csv(old)
    assert saved_cols == (" · ".join(id_cols),)
    again = load_panel(data, id_cols=list(saved_cols))
    assert list(again.ids) == list(panel.ids)
    np.testing.assert_allclose(again.values, panel.values)
    meta["id_cells"] = [["北京"]]  # not a row per series (a crafted bundle): refused
    with pytest.raises(ValueError, match="does not describe a panel"):
        panel_from_files({**files, "panel.json": json.dumps(meta).encode()})


def test_a_saved_panel_reads_back_to_the_same_numbers_and_fingerprint():
    """Numbers of 17 digits read back bit for bit (pandas' to_numeric lands one unit in the last
    place away for some): else a panel run reopened with its saved data no longer matches its
    fingerprint, and the page hid its results behind "not on the data above"."""
    from lstm_app.runs.recording import data_fingerprint
    from lstm_app.series.panel_saving import panel_csv as saved_csv
    values = np.random.default_rng(0).normal(size=(3, 120)) * 37 + 100
    dates = pd.date_range("2023-01-01", periods=120, freq="D").strftime("%Y-%m-%d")
    rows = [{"store": store, "date": dates[d], "sales": repr(float(values[s, d]))}
            for s, store in enumerate(["A", "B", "C"]) for d in range(120)]
    panel = load_panel(pd.DataFrame(rows).to_csv(index=False).encode(), id_cols=["store"])
    assert panel.values[:, 0].tolist() == values.ravel().tolist()  # each exactly as written
    data, id_cols = saved_csv(panel)
    again = load_panel(data, id_cols=list(id_cols))
    assert again.values.tolist() == panel.values.tolist()
    assert data_fingerprint(PANEL, again) == data_fingerprint(PANEL, panel)
