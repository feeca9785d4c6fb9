"""Columns known ahead in a file of many series: each series' plan read from the rows after its
last value, read over the horizon, refused where blank, saved with a run, and exported."""

import io
import json
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from lstm_app.series.panel import load_panel
from lstm_app.series.panel_future import check_plan, planned
from lstm_app.series.panel_pipeline import fit_panel, resolve_panel, score_panel
from lstm_app.series.panel_results import panel_download
from lstm_app.series.panel_saving import panel_csv, panel_files, panel_from_files
from lstm_app.series.panel_trained import TrainedPanel
from lstm_app.series.settings import ForecastConfig
from lstm_app.series.sizing import training_windows
from lstm_app.training.checkpoint import WEIGHTS, weights_bytes

DAYS = pd.date_range("2023-01-02", periods=364, freq="D")
PLAN = pd.date_range(DAYS[-1] + pd.Timedelta(days=1), periods=7, freq="D")
PROMOTED = {"Berlin": [1, 0, 0, 1, 0, 0, 0], "Paris, FR": [0, 1, 0, 0, 0, 1, 0],
            "北京": [0, 0, 1, 0, 0, 0, 1]}  # each shop's planned promotion days


def shops_csv(plan=PROMOTED) -> bytes:
    """Three shops' daily sales, lifted 80% on promotion days (about one in four), with each
    shop's plan of promotions for the week after its last sale (the sales blank)."""
    rng = np.random.default_rng(5)
    frames = []
    for i, shop in enumerate(PROMOTED):
        promo = (rng.random(len(DAYS)) < 0.25).astype(int)
        week = 1 + 0.2 * np.sin(2 * np.pi * DAYS.dayofweek / 7)
        sales = 100 * (i + 1) * week * np.where(promo == 1, 1.8, 1.0) * rng.lognormal(
            0, 0.03, len(DAYS))
        frames.append(pd.DataFrame({"date": DAYS.strftime("%Y-%m-%d"), "shop": shop,
                                    "sales": sales.round(2), "promo": promo}))
        if plan is not None and shop in plan:
            dates = PLAN[:len(plan[shop])]  # a plan may end early
            frames.append(pd.DataFrame({"date": dates.strftime("%Y-%m-%d"), "shop": shop,
                                        "sales": np.nan, "promo": plan[shop]}))
    return pd.concat(frames).to_csv(index=False).encode()


SETTINGS = ForecastConfig(statistical_seconds=0, lookback=14, horizon=7, hidden_size=16,
                          epochs=40, patience=0, batch_size=64, season_anchor=0, seed=0,
                          covariates=("promo",), known_covariates=("promo",))


@pytest.fixture(scope="module")
def shops():
    return load_panel(shops_csv(), id_cols=["shop"], covariates=["promo"])


@pytest.fixture(scope="module")
def scored(shops):
    known = score_panel(fit_panel(shops, SETTINGS), shops)
    past_only = score_panel(fit_panel(shops, replace(SETTINGS, known_covariates=())), shops)
    return known, past_only


def test_each_series_plan_is_read_step_by_step(shops):
    values = planned(shops, 7, ("promo",))[..., 0]
    assert values.tolist() == list(PROMOTED.values())
    assert np.isnan(planned(shops, 9, ("promo",))[:, 7:]).all()  # past the plan: blank


def test_the_forecast_reads_each_series_plan_over_the_horizon(scored):
    known, past_only = scored
    assert known.trained.known == 1 + known.trained.dated
    for result, follows in ((known, True), (past_only, False)):
        forecast = result.forecast.pivot(index="id", columns="time", values="forecast")
        for shop, days in PROMOTED.items():
            days = np.array(days, bool)
            lift = forecast.loc[shop].to_numpy()[days].mean() / forecast.loc[shop].to_numpy()[
                ~days].mean()
            assert (lift > 1.4) if follows else (lift < 1.2), (shop, lift)
    # the test span's promotions are read too: the plan's reader scores far better there
    assert known.aggregate["lstm"]["mase"] < 0.7 * past_only.aggregate["lstm"]["mase"]


def test_a_blank_in_a_plan_is_named_before_training():
    gap = {**PROMOTED, "北京": [0, 0, np.nan, 0, 0, 0, 1]}
    panel = load_panel(shops_csv(gap), id_cols=["shop"], covariates=["promo"])
    said = ("The known-ahead column 'promo' lacks planned values for 1 series ('北京'), which the "
            "forecast needs: '北京' lacks them on 2024-01-03. In your file, fill in 'promo' in the "
            "rows after each series' last value ('sales' blank there) for the next 7 steps, "
            "adding the rows where there are none, and load it again.")
    with pytest.raises(ValueError) as error:
        training_windows(panel, SETTINGS)  # the page shows it, and offers no Train
    assert str(error.value) == said
    with pytest.raises(ValueError, match="lacks planned values for 1 series"):
        fit_panel(panel, SETTINGS)
    unplanned = load_panel(shops_csv({"Berlin": PROMOTED["Berlin"]}), id_cols=["shop"],
                           covariates=["promo"])
    with pytest.raises(ValueError, match=r"lacks planned values for 2 series \('Paris, FR', "
                                         r"'北京'\), which the forecast needs: 'Paris, FR' lacks "
                                         r"them on 2024-01-01, 2024-01-02, .* and 2 more\."):
        check_plan(unplanned, ("promo",), 7, 14)
    check_plan(unplanned, ("promo",), 7, 400)  # none is forecast by the network: no plan needed
    # a plan shorter than the horizon (the last two days of one shop unplanned): the horizon
    # every plan reaches is offered too; a blank inside a plan (above) offers none
    short = {**PROMOTED, "北京": [0, 0, 1, 0, 0, np.nan, np.nan]}
    with pytest.raises(ValueError, match=r"load it again\. Or shorten the horizon to the 5 "
                                         r"steps that every series' plan holds\.$"):
        check_plan(load_panel(shops_csv(short), id_cols=["shop"], covariates=["promo"]),
                   ("promo",), 7, 14)
    # a file of one series per column has no column to plan
    wide = pd.DataFrame({"date": DAYS.strftime("%Y-%m-%d"), "a": np.arange(364.0),
                         "b": np.arange(364.0)})
    panel = load_panel(wide.to_csv(index=False).encode(), layout="wide")
    with pytest.raises(ValueError, match="A file of one series per column has no columns known"):
        fit_panel(panel, replace(SETTINGS, covariates=(), known_covariates=("a",)))


def test_the_plan_is_saved_with_the_run_and_written_back_into_its_csv(shops, scored):
    again = panel_from_files(panel_files(shops))
    pd.testing.assert_frame_equal(again.plan, shops.plan)
    data, (id_col,) = panel_csv(shops)
    table = pd.read_csv(io.BytesIO(data))
    berlin = table[table[id_col] == "Berlin"]
    assert berlin["sales"].isna().sum() == 7 and berlin["sales"].iloc[-7:].isna().all()
    assert list(berlin["date"].iloc[-7:].str[:10]) == list(PLAN.strftime("%Y-%m-%d"))
    read = load_panel(data, id_cols=[id_col], covariates=["promo"])
    pd.testing.assert_frame_equal(read.plan, shops.plan)
    # a plan numbering a series that does not exist is refused
    files = panel_files(shops)
    from safetensors.numpy import load, save
    arrays = load(files["panel.safetensors"])
    arrays["plan_series"] = arrays["plan_series"] + 5
    files["panel.safetensors"] = save(arrays, metadata={"time_unit": "s"})
    with pytest.raises(ValueError, match="do not match the series it names"):
        panel_from_files(files)
    # the trained network reopens reading the plan as it did
    trained = scored[0].trained
    reopened = TrainedPanel.from_files({**trained.files(), WEIGHTS: weights_bytes(trained.model, 1)},
                                       trained.training)
    assert reopened.known == trained.known == 1 + trained.dated
    pd.testing.assert_frame_equal(score_panel(reopened, shops).forecast, scored[0].forecast)


def test_the_export_forecasts_from_the_plan_in_the_file(shops, scored, tmp_path):
    from lstm_app.export.onnx_export import export_trained, write_export
    from lstm_app.export.predict import ExportedModel, forecast_panel, panel_for
    trained = scored[0].trained
    write_export(export_trained("panel", trained, shops, int8=False, run_id="run-plan"),
                 tmp_path)
    manifest = json.loads((tmp_path / "export.json").read_text(encoding="utf-8"))
    assert manifest["known"] == trained.known and manifest["inputs"][1]["shape"][2] == \
        trained.known
    model = ExportedModel.open(tmp_path)
    got, _ = forecast_panel(model, panel_for(model, shops_csv()))
    assert np.allclose(got["forecast"], scored[0].forecast["forecast"], rtol=1e-4)
    want = panel_download(scored[0], "lstm")  # the plan beside each step, as `--out` writes
    assert list(got.columns) == list(want.columns)
    assert (got["planned_promo"] == want["planned_promo"]).all()
    gap = {**PROMOTED, "Berlin": PROMOTED["Berlin"][:3]}
    with pytest.raises(ValueError, match="lacks planned values for 1 series"):
        forecast_panel(model, panel_for(model, shops_csv(gap)))


def test_an_auto_horizon_reaches_no_further_than_the_shortest_plan():
    short = load_panel(shops_csv({**PROMOTED, "Berlin": PROMOTED["Berlin"][:3]}),
                       id_cols=["shop"], covariates=["promo"])
    auto = replace(SETTINGS, horizon="auto", epochs=1)
    assert resolve_panel(short, auto).horizon == 3  # the season's 7 would need Berlin's plan
    result = score_panel(fit_panel(short, auto), short)
    assert ("Horizon 3 was chosen from the plans: each series forecast has 'promo' planned for "
            "at least 3 steps after its last value.") in result.notices
    # a blank inside a plan is one to fill in, not the plan's end: it is named before training
    gap = load_panel(shops_csv({**PROMOTED, "Berlin": [1, None, 0]}), id_cols=["shop"],
                     covariates=["promo"])
    assert resolve_panel(gap, auto).horizon == 3
    with pytest.raises(ValueError, match="lacks planned values for 1 series .'Berlin'.+ on "
                                         "2024-01-02"):
        fit_panel(gap, auto)
    # a series planning nothing is not followed: its blanks are asked for instead
    bare = load_panel(shops_csv({**PROMOTED, "Berlin": []}), id_cols=["shop"],
                      covariates=["promo"])
    assert resolve_panel(bare, auto).horizon == 7
    assert not any("chosen from the plans" in n for n in score_panel(
        fit_panel(short, replace(auto, horizon=3)), short).notices)  # typed: the user's own


def test_the_download_holds_each_series_plan_beside_its_forecast(scored):
    known, past_only = scored
    got = panel_download(known, "lstm")
    assert list(got.columns) == [*known.forecast.columns, "planned_promo"]
    for shop, days in PROMOTED.items():
        assert got.loc[got["id"] == shop, "planned_promo"].tolist() == days
    assert list(panel_download(past_only, "lstm").columns) == list(past_only.forecast.columns)


def test_inside_reads_a_series_plan_as_the_forecast_did(scored):
    import torch
    from lstm_app.inside.series_input import series_input
    result = scored[0]
    trained = result.trained
    view = series_input(result, 1)
    origin = len(view.inputs)
    future = view.future(origin)
    assert future.shape == (1, 7, trained.known)
    scaled_plan = (np.array(PROMOTED["Paris, FR"]) - trained.mean[1, 1]) / trained.std[1, 1]
    np.testing.assert_allclose(future[0, :, 0].numpy(), scaled_plan, rtol=1e-5)
    with torch.no_grad():
        pred = trained.model(view.inputs[origin - 14:][None], None, future)[0][0].double().numpy()
    expected = result.forecast.loc[result.forecast["id"] == "Paris, FR", "forecast"].to_numpy()
    np.testing.assert_allclose(np.maximum(pred * trained.std[1, 0] + trained.mean[1, 0],
                                          result.floor[1]), expected, rtol=1e-4)


def test_a_plan_unread_beyond_training_or_not_followed_is_said(shops, scored):
    from lstm_app.series.panel_plan import plan_notices
    known, past_only = scored
    assert ("The file plans 'promo' after each series' last value, but no column is marked "
            "known ahead, so the plan is not read: mark it known ahead to read it over the "
            "horizon.") in past_only.notices
    assert not any("beyond the range" in n or "Only the LSTM" in n for n in known.notices)
    said = plan_notices(shops, known.config, known.split.val, "auto_ets",
                        {"auto_ets": "AutoETS"})
    assert said == ["Only the LSTM reads the plan of 'promo'; the recommended forecast (AutoETS) "
                    "does not, so it does not follow the planned days. Choose the LSTM as the "
                    "forecast to use to follow the plan."]
    # a promotion planned at 5 (training held 0 and 1), and one far past float32
    far = load_panel(shops_csv({**PROMOTED, "Paris, FR": [0, 5, 0, 0, 0, 1, 0],
                                "北京": [0, 0, 1e30, 0, 0, 0, 1]}),
                     id_cols=["shop"], covariates=["promo"])
    result = score_panel(known.trained, far)
    assert ("The plan sets 'promo' beyond the range it held in training for 2 series ('Paris, "
            "FR', '北京'; 'Paris, FR' is planned 5 on 2024-01-02, where training held 0 to "
            "1): the network never read such values, so its forecast there is a guess, not "
            "something it learnt.") in result.notices
    assert np.isfinite(result.forecast["forecast"]).all()
    # one series: named once
    one = load_panel(shops_csv({**PROMOTED, "Paris, FR": [0, 5, 0, 0, 0, 1, 0]}),
                     id_cols=["shop"], covariates=["promo"])
    assert ("The plan sets 'promo' beyond the range it held in training for series 'Paris, FR' "
            "(planned 5 on 2024-01-02, where training held 0 to 1): the network never read "
            "such values, so its forecast there is a guess, not something it learnt."
            ) in score_panel(known.trained, one).notices


def test_two_known_columns_planned_beyond_training_are_each_said():
    from lstm_app.series.panel_plan import beyond_training
    rows = ["date,shop,sales,price,promo"]
    for shop in ("a", "b"):
        rows += [f"2024-01-{d:02d},{shop},{100 + d},{5 + d % 3},{d % 2}" for d in range(1, 31)]
        rows += [f"2024-01-31,{shop},,50,3", f"2024-02-01,{shop},,6,0"]
    panel = load_panel("\n".join(rows).encode(), id_cols=["shop"], covariates=["price", "promo"])
    said = beyond_training(panel, ("price", "promo"), 2, 5, panel.starts[:-1] + 20)
    assert [s[:60] for s in said] == [
        "The plan sets 'price' beyond the range it held in training f",
        "The plan sets 'promo' beyond the range it held in training f"]
    assert said[0].startswith("The plan sets 'price' beyond the range it held in training for 2 "
                              "series ('a', 'b'; 'a' is planned 50 on 2024-01-31, where training "
                              "held 5 to 7)")


def test_a_plan_written_twice_an_input_only_planned_and_no_column_left_are_said():
    table = pd.read_csv(io.BytesIO(shops_csv()))
    twice = pd.concat([table, table[table["sales"].isna()].head(2).assign(promo=1 - 0)])
    panel = load_panel(twice.to_csv(index=False).encode(), id_cols=["shop"],
                       covariates=["promo"])
    assert any(n.startswith("2 planned rows repeat a series and time planned already")
               for n in panel.notices)
    # promotions written in the plan only: no series has the input's past
    only_planned = table.assign(promo=table["promo"].where(table["sales"].isna()))
    with pytest.raises(ValueError, match=r"No series has a value in each column read \('sales' "
                                         r"and 'promo'\) up to its last value"):
        load_panel(only_planned.to_csv(index=False).encode(), id_cols=["shop"],
                   covariates=["promo"])
    # the column to forecast named as an input, and every column with it: none left
    with pytest.raises(ValueError, match="Every column of numbers is chosen as an input"):
        load_panel(shops_csv(), id_cols=["shop"], covariates=["sales", "promo"])


def test_a_series_what_if_moves_its_forecast_on_exactly_the_days_edited(scored):
    from lstm_app.series.panel_detail import series_what_if
    known, past_only = scored
    i = known.panel.ids.index("Berlin")
    what = series_what_if(known, i)
    assert what.plan["promo"].tolist() == PROMOTED["Berlin"]
    assert list(what.plan.index) == list(PLAN)
    # the plan as read gives the forecast the panel made, to float32's precision
    assert np.allclose(what.base["forecast"], known.futures["lstm"][i])
    assert np.allclose(what.moved(what.plan)["forecast"], what.base["forecast"], atol=1e-3)
    edited = what.plan.copy()
    edited.iloc[[1, 2], 0] = 1.0  # two more promotion days
    moved = what.moved(edited)
    change = moved["forecast"].to_numpy() / what.base["forecast"].to_numpy()
    assert (change[[1, 2]] > 1.3).all()
    others = np.delete(np.arange(7), [1, 2])
    assert np.allclose(change[others], 1.0, atol=1e-4)
    assert (moved["upper_80"] > moved["forecast"]).all()
    assert what.beyond(edited) == []
    edited.iloc[4, 0] = 5.0
    assert what.beyond(edited)[0].startswith("'promo' is set to 5 on 2024-01-05")
    edited.iloc[4, 0] = np.nan
    with pytest.raises(ValueError, match="'promo' is blank on 2024-01-05"):
        what.moved(edited)
    with pytest.raises(ValueError, match="must keep the columns and the dates"):
        what.moved(edited.iloc[:3])
    # no what-if where the network reads no plan, or does not forecast the series
    assert series_what_if(past_only, i) is None
    longer = replace(known.trained.config, lookback=400)
    assert series_what_if(replace(known, trained=replace(known.trained, config=longer)), i) is None


def test_a_series_what_if_of_a_series_shorter_than_a_whole_window_redraws_it():
    """A series at least a lookback long but shorter than a lookback and a horizon: the
    network forecasts it (from its last window) and its what-if redraws that forecast."""
    from lstm_app.series.panel_detail import series_what_if
    extra = "".join(f"2023-12-{d},Kurz,{100 + d},{d % 2}\n" for d in range(14, 32))  # 18 days
    extra += "".join(f"2024-01-0{d},Kurz,,{d % 2}\n" for d in range(1, 8))
    panel = load_panel(shops_csv() + extra.encode(), id_cols=["shop"], covariates=["promo"])
    result = score_panel(fit_panel(panel, replace(SETTINGS, epochs=1)), panel)
    assert ("1 of 4 series is too short to train on (a window needs 21 values before the "
            "validation span): 'Kurz'. The model still forecasts it if it can read 14 values of "
            "it.") in result.notices
    i = panel.ids.index("Kurz")
    what = series_what_if(result, i)
    assert np.allclose(what.moved(what.plan)["forecast"], result.futures["lstm"][i], atol=1e-3)
    edited = what.plan.copy()
    edited.iloc[0, 0] = 1 - edited.iloc[0, 0]
    assert not np.allclose(what.moved(edited)["forecast"][0], what.base["forecast"][0])


def test_a_series_what_if_with_public_holidays_moves_on_the_day_added(shops):
    from lstm_app.series.panel_detail import series_what_if
    result = score_panel(fit_panel(shops, replace(SETTINGS, holidays="DE", epochs=2)), shops)
    what = series_what_if(result, 1)
    assert list(what.plan.columns) == ["promo", "public holiday (DE)"]
    assert what.plan["public holiday (DE)"].tolist() == [1, 0, 0, 0, 0, 0, 0]  # New Year's Day
    assert np.allclose(what.moved(what.plan)["forecast"], what.base["forecast"], atol=1e-3)
    edited = what.plan.copy()
    edited.iloc[3, 1] = 1.0
    moved = what.moved(edited)["forecast"].to_numpy()
    assert not np.isclose(moved[3], what.base["forecast"][3], rtol=1e-5)
    assert np.allclose(np.delete(moved, 3), np.delete(what.base["forecast"].to_numpy(), 3))


def test_the_plan_table_lists_each_forecast_series_plan_column_by_column_step_by_step():
    from lstm_app.series.panel_plan import plan_table
    panel = load_panel(shops_csv({**PROMOTED, "北京": PROMOTED["北京"][:4]}), id_cols=["shop"],
                       covariates=["promo"])
    table = plan_table(panel, replace(SETTINGS, holidays="DE"))
    holiday = "public holiday (DE)"
    assert list(table.columns) == ["id", "from", *[("promo", k) for k in range(1, 8)],
                                   *[(holiday, k) for k in range(1, 8)]]
    assert table["id"].tolist() == list(PROMOTED) and (table["from"] == PLAN[0]).all()
    assert table.loc[1, [("promo", k) for k in range(1, 8)]].tolist() == PROMOTED["Paris, FR"]
    assert np.isnan(table.loc[2, [("promo", k) for k in range(5, 8)]].to_numpy(float)).all()
    assert table.loc[0, [(holiday, k) for k in range(1, 8)]].tolist() == [1, 0, 0, 0, 0, 0, 0]
    # a series shorter than the lookback is forecast by a rule, which reads no plan: not listed
    assert plan_table(panel, replace(SETTINGS, lookback=400)).empty


def test_how_far_every_series_plan_reaches_is_the_shortest_plan(shops):
    from lstm_app.series.panel_future import panel_plan_reach

    assert panel_plan_reach(shops, ("promo",), lookback=14) == 7
    assert panel_plan_reach(shops, (), lookback=14) == 0  # nothing known ahead: no plan read
    assert panel_plan_reach(shops, ("promo",), lookback=400) == 0  # no series long enough
    short = {**PROMOTED, "北京": [0, 0, 1, 0]}  # one shop plans four days only
    panel = load_panel(shops_csv(short), id_cols=["shop"], covariates=["promo"])
    assert panel_plan_reach(panel, ("promo",), lookback=14) == 4
    unplanned = load_panel(shops_csv(None), id_cols=["shop"], covariates=["promo"])
    assert panel_plan_reach(unplanned, ("promo",), lookback=14) == 0
