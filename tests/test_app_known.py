"""The Forecast page with inputs known ahead (AppTest): the promotion sample starts with its
promotions known ahead and Germany's holidays, shows the plan the forecast will read, trains
and offers the what-if; a blank planned value is named before Train."""

from __future__ import annotations

import json
import pandas as pd
import pytest

from tests.conftest import poll, shown

FORECAST = "pages/forecast.py"


@pytest.fixture
def at(apps):
    at = apps(FORECAST)
    at.session_state["fc_epochs"] = 3
    at.session_state["fc_hidden_size"] = 8
    at.session_state["fc_statistical_seconds"] = 0
    at.run()
    at.selectbox(key="fc_sample").set_value("promo_sales").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def frames(at) -> list[pd.DataFrame]:
    return [d.value for d in at.dataframe]


def test_the_promotion_sample_reads_its_plan_and_offers_a_what_if(at):
    assert at.multiselect(key="fc_known_covariates").value == ["promo"]
    assert at.selectbox(key="fc_holidays").value == "DE"
    line = next(m.value for m in at.markdown if " rows, " in m.value)
    assert "with promo as an input known ahead" in line and "extra input" not in line
    [plan] = [f for f in frames(at) if "public holiday (DE)" in f.columns]
    assert list(plan.columns) == ["when", "promo", "public holiday (DE)"]
    assert len(plan) == 7 and plan["when"].iloc[0] == "2024-12-30"  # the horizon: one week
    assert plan["promo"].tolist() == [1, 0, 0, 0, 1, 1, 0]  # the file's plan
    assert plan["public holiday (DE)"].tolist() == [0, 0, 1, 0, 0, 0, 0]  # New Year's Day
    # The file plans four weeks: the three after the horizon are said to be unread.
    assert "Your file plans 28 steps ahead, but the horizon is 7, so the steps after it are " \
        "not read. Set the horizon to 28 to forecast the whole plan." in \
        [shown(c.value) for c in at.caption]
    [grid] = [d for d in at.dataframe if "public holiday (DE)" in d.value.columns]
    holiday = json.loads(grid.proto.columns)["public holiday (DE)"]
    assert holiday["type_config"]["min_value"] == 0 and holiday["type_config"]["step"] == 1
    at.button(key="fc_train").click().run()
    poll(at, lambda a: any(s.value == "What if?" for s in a.subheader), "the what-if")
    job = at.session_state["fc_job"]
    result = job.result()
    assert result.trained.inputs[:2] == ("sales", "promo")
    assert list(result.known.columns) == ["promo", "public holiday (DE)"]
    assert result.known["promo"].tolist() == [1, 0, 0, 0, 1, 1, 0]
    # the plan for the next training above, the what-if of this one below
    plan, what_if = [f for f in frames(at) if "public holiday (DE)" in f.columns]
    assert what_if["promo"].tolist() == [1, 0, 0, 0, 1, 1, 0]
    assert any("not a promise of what the change will cause" in c.value for c in at.caption)


def test_a_button_sets_the_horizon_to_the_whole_plan(at):
    assert at.number_input(key="fc_horizon").value is None  # auto: a week
    at.button(key="fc_horizon_to_plan").click().run()
    assert not at.exception and at.number_input(key="fc_horizon").value == 28
    assert not any("Your file plans" in shown(c.value) for c in at.caption)
    assert not [b for b in at.button if b.key == "fc_horizon_to_plan"]
    [plan] = [f for f in frames(at) if "public holiday (DE)" in f.columns]
    assert len(plan) == 28 and plan["promo"].tolist()[:7] == [1, 0, 0, 0, 1, 1, 0]


def test_the_horizon_box_says_how_far_the_plan_lets_auto_reach(apps):
    at = apps(FORECAST)
    at.run()
    at.radio(key="fc_kind").set_value("My own file").run()
    days = pd.date_range("2024-01-01", periods=90, freq="D")
    rows = "".join(f"{d:%Y-%m-%d},{i % 2},{100 + i % 7}\n" for i, d in enumerate(days))
    at.file_uploader(key="fc_upload").upload("plan.csv", ("date,promo,sales\n" + rows +
                                             "2024-03-31,1,\n2024-04-01,0,\n").encode(),
                                             "text/csv").run()
    assert at.number_input(key="fc_horizon").proto.placeholder == "auto: 7"  # the season's
    at.multiselect(key="fc_known_covariates").set_value(["promo"]).run()
    assert at.number_input(key="fc_horizon").proto.placeholder == "auto: 2"  # the plan's
    assert not at.exception and not at.button(key="fc_train").disabled


def test_a_blank_planned_value_is_named_before_training(apps):
    at = apps(FORECAST)
    at.run()
    at.radio(key="fc_kind").set_value("My own file").run()
    rows = "".join(f"2024-01-{d:02d},{d % 2},{100 + d}\n" for d in range(1, 29))
    plan = "2024-01-29,1,\n2024-01-30,,\n"
    at.file_uploader(key="fc_upload").upload("plan.csv", ("date,promo,sales\n" + rows + plan)
                                            .encode(), "text/csv").run()
    at.multiselect(key="fc_known_covariates").set_value(["promo"]).run()
    at.number_input(key="fc_horizon").set_value(2).run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("'promo' has no values for 2024-01-30" in w.value and "plan's table above" in
               w.value and "command line" not in w.value for w in at.warning), \
        [w.value for w in at.warning]
    assert at.button(key="fc_train").disabled  # not a failed run in Runs: the blank first


def test_inside_the_lstm_opens_a_model_that_reads_the_plan(apps, app_store):
    from lstm_app.runs.recording import record, start_run
    from lstm_app.series.loading import load_series
    from lstm_app.series.settings import ForecastConfig
    from tests.conftest import SAMPLES

    series = load_series(SAMPLES / "promo_sales.csv", covariates=["promo"])
    config = ForecastConfig(known_covariates=("promo",), holidays="DE", hidden_size=6,
                            epochs=2, statistical_seconds=0)
    run_id = start_run(app_store, "forecast", series, config, "plan", series.name)
    record(app_store.home, run_id, "forecast", series, config)
    at = apps("pages/inside.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert [s.value for s in at.subheader][:2] == ["Its input", "Step through"]


def test_what_was_typed_in_a_plan_is_kept_by_date_and_column_when_the_grid_is_made_afresh():
    from lstm_app.ui.known_view import _keep_edits, _with_edits

    days = pd.date_range("2024-05-11", periods=3, freq="D")
    plan = pd.DataFrame({"promo": [0.0, 1.0, 0.0], "price": [None, None, 10.0]}, index=days)
    typed = plan.assign(price=[9.0, 9.0, 10.0])  # the two blanks filled in
    kept: dict = {}
    _keep_edits(plan, typed, kept)
    assert kept == {(str(days[0]), "price"): 9.0, (str(days[1]), "price"): 9.0}
    # holidays added and the horizon made longer: a new grid, what was typed in it again
    longer = pd.date_range("2024-05-11", periods=4, freq="D")
    afresh = pd.DataFrame({"promo": [0.0, 1.0, 0.0, 1.0], "price": [None, None, 10.0, None],
                           "public holiday (DE)": [0.0] * 4}, index=longer)
    seeded = _with_edits(afresh, kept)
    assert seeded["price"].tolist()[:3] == [9.0, 9.0, 10.0] and pd.isna(seeded["price"].iloc[3])
    back = seeded.copy()
    back.iloc[0, 1] = None  # one typed value cleared: forgotten, the other kept
    _keep_edits(afresh, back, kept)
    assert kept == {(str(days[1]), "price"): 9.0}


def test_a_time_column_whose_dates_are_not_read_is_named_on_the_page(apps):
    """The page falls back to row order where no column holds dates it reads; a column named
    like time is then named, with a cell it could not read (as the command line says it)."""
    at = apps(FORECAST)
    at.run()
    at.radio(key="fc_kind").set_value("My own file").run()
    rows = "".join(f"wk {d} / 24,{100 + d % 5}\n" for d in range(1, 40))
    at.file_uploader(key="fc_upload").upload("weeks.csv", ("Week,sales\n" + rows).encode(),
                                            "text/csv").run()
    assert not at.exception, [e.value for e in at.exception]
    said = [c.value.replace("\\", "") for c in at.caption]  # (markdown's escapes)
    assert any("The column 'Week' is named like a time column, but its cells (such as 'wk 1 / "
               "24') could not be read as dates" in c for c in said), \
        [c.value for c in at.caption]


def test_a_column_known_ahead_named_as_the_plan_tables_dates_is_shown_beside_them(apps):
    at = apps(FORECAST)
    at.run()
    at.radio(key="fc_kind").set_value("My own file").run()
    rows = "".join(f"2024-01-{d:02d},{d % 2},{100 + d}\n" for d in range(1, 29))
    at.file_uploader(key="fc_upload").upload("plan.csv", ("date,when,sales\n" + rows +
                                             "2024-01-29,1,\n").encode(), "text/csv").run()
    at.multiselect(key="fc_known_covariates").set_value(["when"]).run()
    assert not at.exception, [e.value for e in at.exception]
    [plan] = [d.value for d in at.dataframe if "when " in d.value.columns]
    assert list(plan.columns) == ["when ", "when"] and plan["when"].tolist() == [1]


def test_the_season_anchor_box_says_what_auto_takes_under_this_lookback(apps):
    at = apps(FORECAST)
    at.run()  # the airline sample: monthly, a season of 12, an auto lookback of 24
    assert at.number_input(key="fc_season_anchor").proto.placeholder == "auto: 12"
    at.number_input(key="fc_lookback").set_value(6).run()  # a season the window cannot hold
    assert at.number_input(key="fc_season_anchor").proto.placeholder == "auto: off"
    assert not at.exception, [e.value for e in at.exception]


def test_a_forecast_in_use_that_does_not_read_the_plan_is_said_beside_the_choice(apps):
    """The plan moves only the LSTM: picking a statistical model (or the mean with one) says so
    where it is picked, not only among the notices folded away."""
    at = apps(FORECAST)
    at.session_state["fc_epochs"] = 2
    at.session_state["fc_hidden_size"] = 8
    at.run()
    at.selectbox(key="fc_sample").set_value("promo_sales").run()
    at.button(key="fc_train").click().run()
    at = poll(at, lambda a: any(s.value == "What if?" for s in a.subheader), "the results", 180)

    def said():
        return [shown(w.value) for w in at.warning if "Only the LSTM reads the plan" in w.value]
    at.radio(key="fc_method").set_value("lstm").run()
    assert said() == []
    at.radio(key="fc_method").set_value("auto_ets").run()
    assert len(said()) == 1 and "the forecast in use (AutoETS) does not" in said()[0]
    at.radio(key="fc_method").set_value("combination").run()
    assert len(said()) == 1 and "through its LSTM half only" in said()[0]
