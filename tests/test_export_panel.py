"""ONNX export of a panel's global forecaster (issue 16 for issue 13's runs; one that reads
fast windows in their own units, as panels are suggested to): checked against
PyTorch, forecasting every series as the app does (ids with commas, Chinese and formulas, a
series shorter than the lookback by rule), ``predict`` without PyTorch, series the model never
learnt left out in a note, a run and its bundle carrying the export."""

import io
import json
import zipfile
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch

from lstm_app.export.onnx_export import export_trained, write_export
from lstm_app.export.predict import ExportedModel, forecast_panel, panel_for
from lstm_app.series.panel import load_panel
from lstm_app.series.panel_pipeline import fit_panel, score_panel
from lstm_app.series.panel_results import panel_download, panel_forecast
from tests import documented_export as documented
from tests.test_export import predict_without_torch, recording
from tests.test_panel_pipeline import FAST
from tests.test_panel_runs import shops

# Its calendar and Germany's public holidays read over the horizon too.
SETTINGS = replace(FAST, id_embedding=3, calendar=True, window_scale=True, holidays="DE")
SHOPS = ("Berlin", "Paris, FR", "北京", "=cmd|' /C calc'!A0")


def with_tiny_shop(csv: bytes) -> bytes:
    """The shops and one more with 10 days only: shorter than the lookback (14)."""
    days = pd.date_range("2024-03-01", periods=10, freq="D")
    tiny = pd.DataFrame({"date": [f"{d:%Y-%m-%d}" for d in days], "shop": "Tiny",
                         "sales": np.arange(10) + 40.0, "price": 3.0})
    return csv + tiny.to_csv(index=False, header=False).encode()


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    torch.manual_seed(0)
    csv = with_tiny_shop(shops(SHOPS))
    panel = load_panel(csv, id_cols=["shop"], covariates=["price"], name="shops.csv")
    trained = fit_panel(panel, SETTINGS)
    done = export_trained("panel", trained, panel, int8=True, run_id="run-panel")
    folder = tmp_path_factory.mktemp("panel")
    write_export(done, folder)
    return csv, panel, trained, done, folder


def test_the_panel_export_forecasts_every_series_as_the_app_does(exported):
    csv, panel, trained, done, folder = exported
    manifest = json.loads((folder / "export.json").read_text(encoding="utf-8"))
    assert manifest["task"] == "panel" and manifest["ids"] == [*SHOPS, "Tiny"]
    assert manifest["check"]["largest_difference"] <= 1e-4 and manifest["check"]["batches"] >= 1
    assert manifest["calendar"] > 0 and manifest["id_embedding"] is True
    assert manifest["known"] == manifest["calendar"] + 1  # and the holidays
    assert [i["name"] for i in manifest["inputs"]] == ["window", "future"]
    torch_row, fp32, int8 = manifest["table"]
    assert fp32["mean test MASE"] == pytest.approx(torch_row["mean test MASE"], rel=1e-4)
    assert int8["mean test MASE"] == pytest.approx(torch_row["mean test MASE"], rel=0.05)
    model = ExportedModel.open(folder)
    got, notices = forecast_panel(model, panel_for(model, csv))
    want = panel_download(score_panel(trained, panel), "lstm")  # with its holidays read
    assert list(got.columns) == list(want.columns)
    assert list(got["id"]) == list(want["id"]) and (got["time"] == want["time"]).all()
    for column in ("forecast", "lower_80", "upper_95"):
        assert np.allclose(got[column], want[column], rtol=1e-5), column
    assert notices == ["1 series shorter than the lookback (14) is forecast by seasonal naive "
                       "(repeating its last season of 7 steps)."]
    # the app's download names what forecast each series: the rule for the tiny shop; so does
    # the export's
    assert set(want.loc[want["id"] == "Tiny", "method"]) == {"seasonal naive"}
    assert set(want.loc[want["id"] != "Tiny", "method"]) == {"LSTM"}
    assert list(got["method"]) == list(want["method"])


def test_the_panels_documented_columns_give_the_windows_predict_feeds(exported):
    """A program that reads the file with pandas and follows export.json's keys alone (the
    columns, each series' scaler, the date inputs' formulas) feeds the network what predict
    does."""
    csv, _, _, _, folder = exported
    m = json.loads((folder / "export.json").read_text(encoding="utf-8"))
    read = m["panel"]
    assert m["window_columns"] == [read["value_col"], *read["covariates"],
                                   *(r["name"] for r in m["date_inputs"]), "series number"]
    assert m["future_columns"] == [r["name"] for r in m["date_inputs"]]
    assert m["date_inputs"][-1]["name"] == "public holiday (DE)"
    model = ExportedModel.open(folder)
    calls = recording(model)
    forecast_panel(model, panel_for(model, csv))
    (windows, future), = calls
    table = pd.read_csv(io.BytesIO(csv))
    table[read["time_col"]] = pd.to_datetime(table[read["time_col"]])
    own = [read["value_col"], *read["covariates"]]
    rows = 0
    for s, name in enumerate(m["ids"]):
        series = table[table[read["id_cols"][0]] == name].sort_values(read["time_col"])
        if len(series) < m["lookback"]:
            continue  # forecast by a rule, without the network
        last = series.iloc[-m["lookback"]:]
        times = pd.DatetimeIndex(last[read["time_col"]])
        scaled = (last[own].to_numpy(float) - np.asarray(m["mean"][s])) / m["std"][s]
        window = np.concatenate([scaled, documented.date_columns(m["date_inputs"], times,
                                                                 m["freq"]),
                                 np.full((len(last), 1), float(s))], axis=1)
        ahead = pd.date_range(times[-1], periods=m["horizon"] + 1, freq=m["freq"])[1:]
        assert np.allclose(windows[rows], window, atol=1e-5), name
        assert np.allclose(future[rows], documented.date_columns(m["date_inputs"], ahead,
                                                                 m["freq"]), atol=1e-6), name
        rows += 1
    assert rows == len(windows) == len(m["ids"]) - 1


def test_predict_forecasts_a_panel_without_pytorch(exported, tmp_path):
    csv, _, _, _, folder = exported
    table = pd.read_csv(io.BytesIO(csv))
    oslo = table[table["shop"] == "Berlin"].assign(shop="Oslo")
    given = tmp_path / "shops.csv"
    pd.concat([table[table["shop"] != "Tiny"], oslo]).to_csv(given, index=False)
    out = tmp_path / "forecast.csv"
    done = predict_without_torch("predict", str(folder), str(given), "--out", str(out), "--int8")
    assert done.returncode == 0, done.stderr
    assert "1 series this model did not learn from is left out: 'Oslo'" in done.stderr
    forecast = pd.read_csv(out)
    assert list(forecast.columns) == ["id", "time", "forecast", "lower_80", "upper_80",
                                      "lower_95", "upper_95", "method",
                                      "planned_public holiday (DE)"]  # the holidays it read
    assert list(dict.fromkeys(forecast["id"])) == ["Berlin", "Paris, FR", "北京",
                                                   "'=cmd|' /C calc'!A0"]  # never a formula
    assert len(forecast) == 4 * 7 and (forecast["method"] == "LSTM").all()
    assert (forecast["lower_95"] <= forecast["forecast"]).all()

    (tmp_path / "others.csv").write_bytes(oslo.to_csv(index=False).encode())
    done = predict_without_torch("predict", str(folder), str(tmp_path / "others.csv"))
    assert done.returncode == 2 and "None of the file's series is one this model learnt" \
        in done.stderr and "Traceback" not in done.stderr
    hourly = table.assign(date=pd.date_range("2024-01-01", periods=len(table), freq="h")
                          .strftime("%Y-%m-%d %H:%M"))
    hourly.to_csv(tmp_path / "hourly.csv", index=False)
    done = predict_without_torch("predict", str(folder), str(tmp_path / "hourly.csv"))
    assert done.returncode == 2 and "same spacing" in done.stderr, done.stderr
    done = predict_without_torch("predict", str(folder), str(given), "--future", str(given))
    assert done.returncode == 2 and "reads its plan from the input file itself" in done.stderr


def test_each_series_is_forecast_by_its_own_name_in_any_file(exported, tmp_path):
    """Series in another order, one left out: each still gets its own scaler, embedding and
    widths; a file holding only the short series forecasts it with the run's season (7), not
    one guessed from its 10 values."""
    csv, panel, trained, _, folder = exported
    full = panel_forecast(score_panel(trained, panel), "lstm").set_index(["id", "time"])
    table = pd.read_csv(io.BytesIO(csv))
    order = ["北京", "Tiny", "=cmd|' /C calc'!A0", "Berlin"]  # Paris, FR left out
    shuffled = pd.concat([table[table["shop"] == shop] for shop in order])
    model = ExportedModel.open(folder)
    for given in (shuffled, table[table["shop"] == "Tiny"]):
        got, notices = forecast_panel(model, panel_for(model, given.to_csv(index=False).encode()))
        assert list(dict.fromkeys(got["id"])) == list(dict.fromkeys(given["shop"]))
        want = full.loc[list(zip(got["id"], got["time"]))]
        assert np.allclose(got["forecast"], want["forecast"], rtol=1e-5)
        assert np.allclose(got["upper_80"], want["upper_80"], rtol=1e-5)
        assert any("seasonal naive" in n for n in notices)


def tampered(folder, tmp_path, change) -> Path:
    manifest = json.loads((folder / "export.json").read_text(encoding="utf-8"))
    change(manifest)
    (tmp_path / "export.json").write_text(json.dumps(manifest), encoding="utf-8")
    (tmp_path / "model.onnx").write_bytes((folder / "model.onnx").read_bytes())
    return tmp_path


@pytest.mark.parametrize("change, field", [
    (lambda m: m["std"][1].__setitem__(0, 0.0), "std"),
    (lambda m: m["mean"][1].__setitem__(0, float("nan")), "mean"),
    (lambda m: m["widths"]["95"].pop(), "widths"),
    (lambda m: m["widths"]["80"][0].__setitem__(0, -1.0), "widths"),
    (lambda m: m["panel"].update(layout="diagonal"), "panel"),
    (lambda m: m["panel"].update(layout="wide"), "panel"),  # with its covariate
    (lambda m: m.update(ids=["a", "a", "b", "c", "d"]), "ids"),
    (lambda m: m.update(lookback=10), "window"),
    (lambda m: m.update(calendar=m["calendar"] + 2), "window"),
    (lambda m: m.update(id_embedding=False), "window"),
    (lambda m: m.update(horizon=5), "widths")])
def test_a_damaged_panel_export_is_refused_in_a_sentence(exported, tmp_path, change, field):
    _, _, _, _, folder = exported
    with pytest.raises(ValueError, match=f"is damaged \\(its {field} is not"):
        ExportedModel.open(tampered(folder, tmp_path, change))


def test_an_export_json_of_another_network_is_refused_on_the_command_line(exported, tmp_path):
    """export.json edited to agree with itself, but not with the ONNX file beside it."""
    csv, _, _, _, folder = exported
    table = pd.read_csv(io.BytesIO(csv))
    with_oslo = pd.concat([table, table[table["shop"] == "Berlin"].assign(shop="Oslo")])
    with_oslo.to_csv(tmp_path / "shops.csv", index=False)

    def more_calendar(m):
        m["calendar"] += 2
        m["inputs"][0]["shape"][2] += 2
        if m["known"]:  # read over the horizon as well
            m["known"] += 2
            m["inputs"][1]["shape"][2] += 2

    def another_series(m):  # Oslo named, but the network's embedding has no row for it
        m["ids"].append("Oslo")
        for name in ("mean", "std"):
            m[name].append(m[name][0])
        m["floor"].append(None)
        for widths in m["widths"].values():
            widths.append(widths[0])

    for change, said in ((more_calendar, "do not belong together"),
                         (another_series, "could not read what export.json says it reads")):
        (tmp_path / change.__name__).mkdir()
        damaged = tampered(folder, tmp_path / change.__name__, change)
        done = predict_without_torch("predict", str(damaged), str(tmp_path / "shops.csv"))
        assert done.returncode == 2 and said in done.stderr, done.stderr
        assert "Traceback" not in done.stderr


def test_a_panel_run_keeps_its_export_and_its_bundle_carries_it(tmp_path):
    from lstm_app.runs.bundle import export_bundle, import_bundle
    from lstm_app.runs.onnx import export_run
    from lstm_app.runs.recording import record, start_run
    from lstm_app.runs.store import RunStore

    store = RunStore(tmp_path / "home")
    panel = load_panel(shops(SHOPS), id_cols=["shop"], covariates=["price"], name="shops.csv")
    run_id = start_run(store, "panel", panel, FAST, "shops", "shops.csv")
    record(store.home, run_id, "panel", panel, FAST)
    exported = export_run(store, run_id)
    assert exported.manifest["task"] == "panel" and exported.manifest["run"] == run_id
    bundle = export_bundle(store, run_id)
    with zipfile.ZipFile(io.BytesIO(bundle)) as archive:
        assert {"model.onnx", "export.json"} <= set(archive.namelist())
    new_id = import_bundle(store, bundle)
    assert (store.run_dir(new_id) / "model.onnx").read_bytes() == \
        (store.run_dir(run_id) / "model.onnx").read_bytes()
