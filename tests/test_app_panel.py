"""The Forecast page with a file of many series, driven with AppTest: the layout proposed and
changed, a panel trained, its series table worst first opening any series, the downloads, Train
more, and a panel run reopened from its address with its data."""

import io
import json

import numpy as np
import pandas as pd
import pytest

from lstm_app.runs.recording import record, start_run
from lstm_app.csv_table import MAX_COLUMNS
from lstm_app.series.panel import load_panel
from lstm_app.series.settings import ForecastConfig
from tests.conftest import poll, shown

FORECAST = "pages/forecast.py"
NAME = "shops.csv"
HOSTILE = "<b>Bold</b> [link](http://x.example)"


def shops_csv(hard: str = "Köln") -> bytes:
    """Five shops, daily, with a weekly rhythm; ``hard`` jumps to a new level in its last
    weeks (the worst series to forecast); one shop's name is markup."""
    days = pd.date_range("2024-01-01", periods=120, freq="D")
    rows = []
    for i, shop in enumerate(("Berlin", "Paris, FR", "北京", hard, HOSTILE)):
        for d, day in enumerate(days):
            value = 40 + 15 * i + 8 * (day.day_of_week >= 5) + (d * 7 % 5)
            if shop == hard and d >= 95:
                value += 60 * ((d // 3) % 2)  # its test span jumps up and down
            rows.append({"date": f"{day:%Y-%m-%d}", "shop": shop, "sales": value})
    return pd.DataFrame(rows).to_csv(index=False).encode()


@pytest.fixture
def app(app_store, apps):
    def make(run: str | None = None):
        at = apps(FORECAST)
        at.session_state["fc_epochs"] = 2
        at.session_state["fc_hidden_size"] = 8
        at.session_state["fc_num_layers"] = 1
        if run is not None:
            at.query_params["run"] = run
        return at
    return make


def ok(at):
    assert not at.exception, [e.value for e in at.exception]
    return at


def uploaded(at, data: bytes = None, name: str = NAME):
    ok(at.run())
    at.radio(key="fc_kind").set_value("My own file").run()
    at.file_uploader(key="fc_upload").upload(name, data or shops_csv(), "text/csv").run()
    return ok(at)


def summary(at) -> str:
    return next(m.value for m in at.markdown if m.value.startswith(f"**{NAME}**"))


def subheaders(at) -> list[str]:
    return [s.value for s in at.subheader]


def trained(at):
    at.button(key="fc_train").click().run()
    return poll(at, lambda a: "Every series" in subheaders(a), "the panel's results", 120)


def test_the_page_proposes_the_id_column_and_the_user_can_change_the_layout(app):
    at = uploaded(app())
    assert at.radio(key=f"fc_layout_{NAME}").value == "long"
    assert at.multiselect(key=f"fc_ids_{NAME}").value == ["shop"]
    assert "**5 series** (one per shop), daily, 120 values each" in summary(at)
    assert at.get("plotly_chart")  # the series drawn small
    at.multiselect(key=f"fc_ids_{NAME}").set_value([]).run()
    assert ok(at).info and "Choose the column or columns that name each series" in at.info[0].value
    at.radio(key=f"fc_layout_{NAME}").set_value("one").run()
    line = summary(ok(at))
    assert "120 rows" in line and any("This file holds 5 series" in c.value for c in at.caption)
    at.radio(key=f"fc_layout_{NAME}").set_value("wide").run()
    assert "**1 series** (one per numeric column)" in summary(ok(at))


def test_a_panel_trains_and_its_worst_series_opens_first(app):
    at = trained(uploaded(app()))
    job = at.session_state["fc_job"]
    result = job.result()
    assert result.panel.n_series == 5 and job.run_id
    verdicts = [a.value for a in [*at.success, *at.warning]]
    assert result.verdict in verdicts
    board = next(d.value for d in at.dataframe if "mean MASE" in d.value.columns)
    assert board["model"].iloc[0] == "LSTM (one model for all)"
    table = next(d.value for d in at.dataframe if "LSTM MASE" in d.value.columns)
    worst = result.series.sort_values("lstm_mase", ascending=False)["id"].iloc[0]
    assert worst == "Köln" and table["series"].iloc[0] == "Köln"
    assert at.selectbox(key="fc_panel_series").value == "Köln"
    assert any(m.value.startswith("**Köln**: on the test span") for m in at.markdown)
    # The markup in a series' name is shown as written.
    at.selectbox(key="fc_panel_series").set_value(HOSTILE).run()
    line = next(m.value for m in ok(at).markdown if "on the test span" in m.value)
    assert shown(line).startswith(f"**{HOSTILE}**: ")
    # The search narrows the table and the list.
    at.text_input(key="fc_panel_search").input("pari").run()
    table = next(d.value for d in ok(at).dataframe if "LSTM MASE" in d.value.columns)
    assert table["series"].tolist() == ["Paris, FR"]
    assert at.selectbox(key="fc_panel_series").options == ["Paris, FR"]
    at.text_input(key="fc_panel_search").input("nothing like it").run()
    assert any("No series' name contains that text" in i.value for i in ok(at).info)
    keys = sorted(d.key for d in at.get("download_button"))
    assert keys == ["fc_dl_csv", "fc_dl_json", "fc_dl_scores"]


def test_a_series_that_never_changes_is_said_to_have_no_mase(app):
    frame = pd.read_csv(io.BytesIO(shops_csv()))
    frame.loc[frame["shop"] == "Berlin", "sales"] = 5.0
    at = trained(uploaded(app(), frame.to_csv(index=False).encode()))
    summary = at.session_state["fc_job"].result().aggregate
    assert (summary["series"], summary["scored"]) == (5, 4)
    captions = " ".join(c.value for c in at.caption)
    assert "its mean is over the 4 of the 5 series with a test span whose values change in " \
        "training: 1 never changed there, so it has no MASE" in captions
    assert "A blank score: the series is too short to have a test span, or (MASE alone) its " \
        "values never changed in training." in captions


def test_a_panel_run_reopens_from_its_address_with_its_data_and_trains_more(app, app_store):
    panel = load_panel(shops_csv(), id_cols=["shop"], name=NAME)
    config = ForecastConfig(statistical_seconds=0, hidden_size=8, num_layers=1, epochs=1, id_col=("shop",))
    run_id = start_run(app_store, "panel", panel, config, NAME, NAME)
    result = record(app_store.home, run_id, "panel", panel, config)

    at = ok(app(run=run_id).run())
    assert not at.error, [shown(e.value) for e in at.error]
    assert "Every series" in subheaders(at)
    assert at.session_state["fc_job"].run_id == run_id
    assert at.radio(key="fc_kind").value == "My own file"
    assert at.radio(key=f"fc_layout_{NAME}").value == "long"
    assert at.multiselect(key=f"fc_ids_{NAME}").value == ["shop"]  # the file's own id column
    assert "**5 series**" in summary(at)
    shown_table = next(d.value for d in at.dataframe if "LSTM MASE" in d.value.columns)
    assert shown_table["LSTM MASE"].max() == pytest.approx(result.series["lstm_mase"].max())
    assert any(i.value.startswith("Viewing saved run") for i in at.info)

    at.number_input(key="fc_more").set_value(1).run()
    at.button(key="fc_train_more").click().run()
    at = poll(at, lambda a: a.session_state["fc_job"].run_id != run_id
              and "Every series" in subheaders(a), "the Train more results", 120)
    child = app_store.get(at.session_state["fc_job"].run_id)
    assert child.task == "panel" and child.parent == run_id
    assert [h.epoch for h in app_store.history(child.id)] == [1, 2]


def retail_csv(plan: bool = False) -> bytes:
    """A Chinese retailer's long file: a series per store and category (two id columns), with
    a promotion and a price beside the sales; with ``plan``, each series' promotions planned
    for the week after its last sale (the sales blank)."""
    days = pd.date_range("2024-01-01", periods=90 + 7 * plan, freq="D")
    rows = [{"日期": f"{day:%Y-%m-%d}", "门店": store, "品类": category,
             "销量": 50 + 20 * s + 7 * c + 9 * (day.day_of_week >= 5) + d % 4 if d < 90 else None,
             "促销": int(d % 10 == 0), "价格": 9.9 + c}
            for s, store in enumerate(("上海徐汇店", "北京朝阳店"))
            for c, category in enumerate(("日用品", "食品")) for d, day in enumerate(days)]
    return pd.DataFrame(rows).to_csv(index=False).encode()


def test_a_panel_run_reopens_with_each_of_its_id_columns(app, app_store):
    """A run on the user's own file of a series per store and category reopens with both id
    columns, each its own choice (not one column of the two joined), on the series trained;
    one of them can be taken away again to read one series per store."""
    panel = load_panel(retail_csv(), id_cols=["门店", "品类"], name=NAME)
    config = ForecastConfig(statistical_seconds=0, hidden_size=8, num_layers=1, epochs=1,
                            id_col=("门店", "品类"))
    run_id = start_run(app_store, "panel", panel, config, NAME, NAME)
    record(app_store.home, run_id, "panel", panel, config)

    at = ok(app(run=run_id).run())
    assert not at.error, [shown(e.value) for e in at.error]
    assert at.radio(key="fc_kind").value == "My own file"
    ids = at.multiselect(key=f"fc_ids_{NAME}")
    assert ids.value == ["门店", "品类"]
    assert {"门店", "品类", "销量"} <= set(ids.options)
    assert "**4 series**" in summary(at)
    assert "Every series" in subheaders(at)  # the series trained: its results are shown
    assert not any("not on the data above" in i.value for i in at.info)

    ids.set_value(["门店"]).run()
    assert "**2 series**" in shown(summary(ok(at)))


def test_the_downloads_of_series_named_by_two_columns_carry_each_column(app, app_store,
                                                                        downloads):
    """Every forecast, and a series' what-if, name each series by its id and by each of its id
    columns under the file's own names (store and category in cells of their own, which a
    spreadsheet filters and pivots by)."""
    panel = load_panel(retail_csv(plan=True), id_cols=["门店", "品类"], covariates=["促销"],
                       name=NAME)
    config = ForecastConfig(statistical_seconds=0, hidden_size=8, num_layers=1, epochs=1,
                            lookback=14, horizon=7, id_col=("门店", "品类"),
                            covariates=("促销",), known_covariates=("促销",))
    run_id = start_run(app_store, "panel", panel, config, NAME, NAME)
    record(app_store.home, run_id, "panel", panel, config)
    at = ok(app(run=run_id).run())
    assert "Every series" in subheaders(at)
    files = {name.split("-")[-1]: data for name, data in downloads.items() if run_id in name}
    forecast = pd.read_csv(io.BytesIO(files["forecast.csv"]))
    assert list(forecast.columns[:4]) == ["id", "门店", "品类", "time"]
    assert len(forecast) == 4 * 7
    pairs = set(zip(forecast["id"], forecast["门店"], forecast["品类"]))
    assert pairs == {(f"{store} · {category}", store, category) for store in
                     ("上海徐汇店", "北京朝阳店") for category in ("日用品", "食品")}
    # a what-if of the series opened (the promotion planned on its first day taken away)
    assert "What if?" in subheaders(at)
    series = at.selectbox(key="fc_panel_series").value
    first = str(pd.Timestamp("2024-03-31"))
    at.session_state[f"fc_what_if_{run_id}_{panel.ids.index(series)}_kept"] = {
        (first, "促销"): 0}
    ok(at.run())
    what_if = next(data for name, data in downloads.items() if name.endswith("what-if.csv"))
    table = pd.read_csv(io.BytesIO(what_if))
    assert list(table.columns[:4]) == ["id", "门店", "品类", "time"]
    store, category = series.split(" · ")
    assert (table["id"] == series).all() and (table["门店"] == store).all()
    assert (table["品类"] == category).all() and len(table) == 7


def test_a_reopened_panel_draws_the_forecast_picked_on_a_series_test_span(app, app_store):
    import json
    panel = load_panel(shops_csv(), id_cols=["shop"], name=NAME)
    config = ForecastConfig(statistical_seconds=30, hidden_size=8, num_layers=1, epochs=1,
                            id_col=("shop",))
    run_id = start_run(app_store, "panel", panel, config, NAME, NAME)
    record(app_store.home, run_id, "panel", panel, config)
    at = ok(app(run=run_id).run())
    names = lambda at: [{trace.get("name") for trace in json.loads(chart.proto.spec)["data"]}
                        for chart in at.get("plotly_chart")]
    at.radio(key="fc_method").set_value("auto_theta").run()
    drawn = names(ok(at))
    assert any({"AutoTheta forecast", "LSTM forecast", "actual"} <= d for d in drawn), drawn
    row = at.session_state["fc_job"].result().series.set_index("id").loc[
        at.selectbox(key="fc_panel_series").value]
    said = next(m.value for m in at.markdown if "on the test span" in m.value)
    assert said.endswith(f"The forecast picked, AutoTheta, was off by "
                         f"**{row['auto_theta_mae']:,.3g}** (MASE {row['auto_theta_mase']:.2f}).")


def test_the_downloads_hold_every_series_safe_for_a_spreadsheet(app, downloads):
    at = trained(uploaded(app(), shops_csv(hard="=1+2")))
    result = at.session_state["fc_job"].result()
    run_id = at.session_state["fc_job"].run_id
    files = {name.split("-")[-1]: data for name, data in downloads.items() if run_id in name}
    assert set(files) >= {"forecast.csv", "scores.csv", "report.json"}, list(downloads)
    forecast = pd.read_csv(io.BytesIO(files["forecast.csv"]))
    assert list(forecast.columns) == ["id", "time", "forecast", "lower_80", "upper_80",
                                      "lower_95", "upper_95", "method"]
    assert len(forecast) == 5 * result.config.horizon
    assert "'=1+2" in set(forecast["id"]) and "Paris, FR" in set(forecast["id"])
    assert forecast.groupby("id")["time"].min().eq("2024-04-30").all()  # the day after the last
    scores = pd.read_csv(io.BytesIO(files["scores.csv"]))
    assert len(scores) == 5 and "'=1+2" in set(scores["id"])
    assert np.isfinite(forecast["forecast"]).all()


def test_stop_ends_a_panel_training_with_its_best_weights_and_the_live_view_first(app, app_store):
    at = uploaded(app())
    at.session_state["fc_epochs"] = 5000
    at.session_state["fc_patience"] = 0
    at.button(key="fc_train").click().run()
    # the page must have drawn the live view: the job's snapshot can turn live after a rerun
    poll(at, lambda a: any("model" in d.value.columns for d in a.dataframe), "the live view")
    assert "Every series" not in subheaders(at)
    live = at.session_state["fc_job"].snapshot().live
    assert len(live.ids) == 3 and set(live.scoreboard) >= {"lstm", "seasonal_naive"}
    # every shop as long: none is "the longest"
    titles = [json.loads(c.proto.spec)["layout"].get("title", {}).get("text", "")
              for c in at.get("plotly_chart")]
    assert "Live: 3 series on the validation span" in titles, titles
    board = next(d.value for d in at.dataframe if "model" in d.value.columns)
    assert board["model"].tolist()[0] == "LSTM (one model for all)"
    at.button(key="fc_job_stop").click().run()
    poll(at, lambda a: "Every series" in subheaders(a), "the results after Stop", 120)
    result = at.session_state["fc_job"].result()
    assert result.training.stop_reason == "stopped" and len(result.training.history) < 5000
    assert app_store.get(at.session_state["fc_job"].run_id).status == "stopped"


def test_the_layout_and_results_stay_after_a_visit_to_another_page(app):
    at = uploaded(app())
    at.radio(key=f"fc_layout_{NAME}").set_value("wide").run()
    at = trained(ok(at))
    run_id = at.session_state["fc_job"].run_id
    at.switch_page("pages/inside.py").run()
    at.switch_page(FORECAST).run()
    ok(at)
    assert at.radio(key=f"fc_layout_{NAME}").value == "wide"
    assert "Every series" in subheaders(at) and at.session_state["fc_job"].run_id == run_id


def test_a_single_series_training_shows_live_while_the_page_holds_a_panel(app):
    at = ok(app().run())  # the airline sample: one series
    at.session_state["fc_epochs"] = 5000
    at.session_state["fc_patience"] = 0
    at.button(key="fc_train").click().run()
    poll(at, lambda a: a.session_state["fc_job"].snapshot().live is not None, "the live view")
    at.radio(key="fc_kind").set_value("My own file").run()
    at.file_uploader(key="fc_upload").upload(NAME, shops_csv(), "text/csv").run()
    ok(at)  # the running training is on other data: its own live view, no traceback
    assert any("The training running is on" in i.value for i in at.info)
    assert at.get("plotly_chart")
    at.session_state["fc_job"].stop()


def test_a_panel_in_row_order_is_not_offered_calendar_inputs(app):
    at = uploaded(app())
    assert any(t.key == "fc_calendar" for t in at.toggle)
    at.selectbox(key=f"fc_time_{NAME}").set_value("(none: use row order)").run()
    ok(at)
    assert "row order" in summary(at)
    assert not any(t.key == "fc_calendar" for t in at.toggle)
    assert any(n.key == "fc_id_embedding" for n in at.number_input)


def test_a_panel_reads_the_public_holidays_chosen(app):
    at = uploaded(app())
    at.selectbox(key="fc_holidays").set_value("DE").run()
    result = trained(ok(at)).session_state["fc_job"].result()
    assert result.config.holidays == "DE"
    # the calendar and the holidays, over the past window and over the horizon
    assert result.trained.known == result.trained.calendar + 1 == result.model.shape.known


def test_a_panel_reads_each_series_plan_of_a_column_known_ahead(app):
    from tests.test_panel_plan import PROMOTED, shops_csv as planned
    gap = {**PROMOTED, "北京": PROMOTED["北京"][:4]}
    at = uploaded(app(), planned(gap))
    at.session_state["fc_lookback"], at.session_state["fc_horizon"] = 14, 7
    at.multiselect(key="fc_known_covariates").set_value(["promo"]).run()
    said = [shown(w.value) for w in ok(at).warning]
    assert any("The known-ahead column 'promo' lacks planned values for 1 series ('北京'), "
               "which the forecast needs: '北京' lacks them on 2024-01-05, 2024-01-06 and "
               "2024-01-07." in w for w in said), said
    assert at.button(key="fc_train").disabled  # Train waits for the plan
    # each series' plan, step by step, the blank where the file has none
    # (headed by its dates, which every shop's plan shares)
    [plan] = [d.value for d in at.dataframe if "promo 2024-01-01" in d.value.columns]
    assert list(plan.columns) == ["series", *[f"promo 2024-01-0{d}" for d in range(1, 8)]]
    assert plan["series"].tolist() == list(PROMOTED)
    assert plan.iloc[0, 1:].tolist() == PROMOTED["Berlin"]
    assert plan.iloc[2, 1:5].tolist() == PROMOTED["北京"][:4] and plan.iloc[2, 5:].isna().all()
    # and a shop of 10 days: shorter than the lookback, a rule forecasts it
    short = "".join(f"2023-12-{d},Kurz,{100 + d},0\n" for d in range(22, 32))
    short += "".join(f"2024-01-0{d},Kurz,,1\n" for d in range(1, 8))
    at = uploaded(app(), planned() + short.encode())
    at.session_state["fc_lookback"], at.session_state["fc_horizon"] = 14, 7
    at.session_state["fc_statistical_seconds"] = 0  # the LSTM's forecast, a rule's for Kurz
    at.multiselect(key="fc_known_covariates").set_value(["promo"]).run()
    assert any(c.value == "1 series shorter than the lookback (14) is forecast by a simple rule, "
                          "which reads no plan, so it is not listed: 'Kurz'."
               for c in ok(at).caption), [c.value for c in at.caption]
    result = trained(at).session_state["fc_job"].result()
    assert ("1 of 4 series is too short to train on (a window needs 21 values before the "
            "validation span): 'Kurz'.") in result.notices  # (a rule forecasts it: said apart)
    assert result.config.known_covariates == ("promo",) and result.panel.covariates == ("promo",)
    assert result.trained.known == 1 + result.trained.dated
    assert "with promo as an input known ahead" in summary(at)
    # the series opened shows the plan it read beside each step of its forecast
    assert any(c.value.startswith("Beside each step, the plan the LSTM read ahead for this "
                                  "series: promo") for c in at.caption)
    shop = at.selectbox(key="fc_panel_series").value
    table = next(d.value for d in at.dataframe if "promo" in d.value.columns)
    assert table["promo"].tolist() == PROMOTED[shop]
    # and its what-if: the same plan, editable by date
    assert "What if?" in subheaders(at)
    grid = [d.value for d in at.dataframe if list(d.value.columns) == ["when", "promo"]]
    assert len(grid) == 1 and grid[0]["promo"].tolist() == PROMOTED[shop]
    assert grid[0]["when"].iloc[0] == "2024-01-01"
    assert any(c.value == "Edit a cell above to see a what-if." for c in at.caption)
    at.selectbox(key="fc_panel_series").set_value("Kurz").run()
    assert any(i.value == "**Kurz** has 10 values, fewer than the lookback (14), so it is not "
                          "scored and seasonal naive forecasts it in the LSTM's place; its "
                          "forecast is below. That reads no plan." for i in ok(at).info), \
        [i.value for i in at.info]
    assert "What if?" not in subheaders(at)
    assert not [d for d in at.dataframe if "promo" in d.value.columns]
    traces = {t.get("name") for c in at.get("plotly_chart")
              for t in json.loads(c.proto.spec)["data"]}
    assert "seasonal naive forecast" in traces and "LSTM forecast" not in traces, traces
    # another file whose plan has a blank: Train waits, and is not asked for
    at.file_uploader(key="fc_upload").upload("gap.csv", planned(gap), "text/csv").run()
    assert ok(at).button(key="fc_train").disabled
    said = [i.value for i in at.info if "not on the data above" in i.value]
    assert said and "Press Train" not in said[0], said
    at.file_uploader(key="fc_upload").upload("whole.csv", planned(), "text/csv").run()
    said = [i.value for i in ok(at).info if "not on the data above" in i.value]
    assert said and said[0].endswith("Press Train to train on this data."), said


def test_a_plan_table_of_columns_whose_names_are_alike_keeps_them_apart(app):
    """Two columns known ahead whose long names are cut alike, one a bidi override: the plan
    table before Train shows each as its own column, and no control character."""
    long = "planned promotion of the spring season in every shop, " * 2
    first, second = long + "A", long + "B\u202e"
    days = pd.date_range("2024-01-01", periods=60, freq="D")
    plan = pd.date_range("2024-03-01", periods=7, freq="D")
    rows = [[f"{d:%Y-%m-%d}", shop, float(100 + i % 7), i % 2, i % 3 == 0]
            for shop in ("a", "b") for i, d in enumerate(days)]
    rows += [[f"{d:%Y-%m-%d}", shop, None, 1, 0] for shop in ("a", "b") for d in plan]
    data = pd.DataFrame(rows, columns=["date", "shop", "sales", first, second])
    at = uploaded(app(), data.to_csv(index=False).encode())
    at.session_state["fc_lookback"], at.session_state["fc_horizon"] = 14, 7
    at.multiselect(key="fc_known_covariates").set_value([first, second]).run()
    [table] = [d.value for d in ok(at).dataframe if "2024-03-01" in " ".join(d.value.columns)]
    assert len(table.columns) == len(set(table.columns)) == 1 + 2 * 7
    assert not any("\u202e" in c for c in table.columns)


def test_a_file_with_one_column_of_numbers_is_not_asked_what_it_holds(app):
    at = ok(app().run())  # the airline sample: a month and a number
    assert not any(r.key and r.key.startswith("fc_layout_") for r in at.radio)


def test_a_file_of_more_columns_than_one_series_reads_is_proposed_as_one_series_per_column(app):
    days = pd.date_range("2024-01-01", periods=40, freq="D")
    meters = pd.DataFrame(np.random.default_rng(1).normal(100, 5, (40, MAX_COLUMNS)).round(2),
                          columns=[f"meter {i}" for i in range(MAX_COLUMNS)])
    meters.insert(0, "day", days.strftime("%Y-%m-%d"))
    at = uploaded(app(), meters.to_csv(index=False).encode())
    assert at.radio(key=f"fc_layout_{NAME}").value == "wide"
    assert not at.error and f"**{MAX_COLUMNS} series** (one per numeric column)" in summary(at)


@pytest.mark.parametrize("own", [False, True])
def test_a_panel_run_reopens_on_the_sample_only_where_it_holds_the_samples_series(app, app_store,
                                                                               own):
    """A run on the stores sample reopens on the sample; the user's own file that bears the
    sample's name reopens with its own series (it was taken for the sample, by name alone, and
    its results hidden as not on the data shown)."""
    from lstm_app.series.panel_pipeline import resolve_panel
    from tests.conftest import SAMPLES
    data = shops_csv() if own else (SAMPLES / "stores.csv").read_bytes()
    panel = load_panel(data, id_cols=["shop" if own else "store"], name="stores.csv")
    config = resolve_panel(panel, ForecastConfig(statistical_seconds=0, hidden_size=8,
                                                 num_layers=1, epochs=1))
    run_id = start_run(app_store, "panel", panel, config, "stores.csv", "stores.csv")
    record(app_store.home, run_id, "panel", panel, config)
    at = ok(app(run=run_id).run())
    assert not at.error, [shown(e.value) for e in at.error]
    assert at.radio(key="fc_kind").value == ("My own file" if own else "A sample")
    assert "Every series" in subheaders(at)
    assert not any("not on the data above" in i.value for i in at.info)
