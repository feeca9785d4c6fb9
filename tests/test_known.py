"""Inputs known ahead: future rows in the file or in a second file, a known column missing
future values, the calendar and public holidays, saving and reopening, and the what-if that
moves the forecast on exactly the days edited."""

import dataclasses
import io
import json
import math

import numpy as np
import pandas as pd
import pytest
import torch

from lstm_app.runs.recording import record, start_run

from lstm_app.runs.reopening import reopen
from lstm_app.runs.store import RunStore
from lstm_app.series.ahead import what_if_of
from lstm_app.series.calendar import (calendar_cycles, calendar_features, calendar_left_out,
                                      calendar_names, holiday_counts, holiday_name)
from lstm_app.series.known import future_known, input_names, known_positions
from lstm_app.series.future_file import with_future
from lstm_app.series.loading import load_series
from lstm_app.series.pipeline import _windows, fit_forecast, resolve, score_forecast
from lstm_app.series.saving import series_files, series_from_files
from lstm_app.series.settings import ForecastConfig
from lstm_app.series.trained import TrainedForecaster
from lstm_app.training.checkpoint import WEIGHTS, weights_bytes

DAYS, AHEAD, H = 210, 7, 7


def promo_csv(days: int = DAYS, ahead: int = AHEAD, blank_future: tuple = ()) -> bytes:
    """Daily sales that jump by 40 on promotion days, with ``ahead`` planned rows after them."""
    rng = np.random.default_rng(3)
    dates = pd.date_range("2024-01-01", periods=days + ahead, freq="D")
    promo = (rng.random(days + ahead) < 0.25).astype(float)
    sales = 100 + 40 * promo + rng.normal(0, 2, days + ahead)
    table = pd.DataFrame({"date": dates.strftime("%Y-%m-%d"), "promo": promo, "sales": sales})
    table.loc[days:, "sales"] = np.nan
    for row in blank_future:
        table.loc[days + row, "promo"] = np.nan
    return table.to_csv(index=False).encode()


def promo_config(**changes) -> ForecastConfig:
    values = dict(known_covariates=("promo",), lookback=14, horizon=H, hidden_size=8,
                  epochs=40, patience=0, lr=1e-2, statistical_seconds=0, calendar=False)
    return ForecastConfig(**{**values, **changes})


@pytest.fixture(scope="module")
def promo_result():
    series = load_series(promo_csv(), covariates=["promo"])
    return score_forecast(fit_forecast(series, promo_config()), series)


def test_rows_after_the_last_value_are_the_planned_future():
    series = load_series(promo_csv(), covariates=["promo"])
    assert len(series.frame) == DAYS and series.frame.index[-1] == pd.Timestamp("2024-07-28")
    assert list(series.future.index) == list(pd.date_range("2024-07-29", periods=AHEAD))
    assert any("7 rows have no value in 'sales'" in n and "planned values of the inputs known ahead" in n
               for n in series.notices)
    table = future_known(series, promo_config(), H)
    assert table["promo"].tolist() == series.future["promo"].tolist()


def test_a_second_file_of_planned_values_wins_over_the_files_own_rows():
    series = load_series(promo_csv(), covariates=["promo"])
    second = b"date,promo\n2024-07-30,1\n2024-07-31,0\n2024-08-10,1\n"
    merged = with_future(second, series)
    table = future_known(merged, promo_config(), H)
    assert table.loc["2024-07-30", "promo"] == 1 and table.loc["2024-07-31", "promo"] == 0
    assert table.loc["2024-07-29", "promo"] == series.future.loc["2024-07-29", "promo"]
    only_second = with_future(second, load_series(promo_csv(ahead=0), covariates=["promo"]))
    with pytest.raises(ValueError, match=r"'promo' has no values for 2024-07-29, 2024-08-01, "
                                         r"2024-08-02, 2024-08-03 and 2024-08-04"):
        fit_forecast(only_second, promo_config())


def test_an_auto_horizon_reaches_no_further_than_the_plan():
    series = load_series(promo_csv(ahead=3), covariates=["promo"])
    config = promo_config(horizon="auto", epochs=1)
    assert resolve(series, config).horizon == 3  # the season's 7 would need 4 more planned days
    result = score_forecast(fit_forecast(series, config), series)
    assert ("Horizon 3 was chosen from the plan, which gives 'promo' for 3 steps after the last "
            "value.") in result.notices
    # no plan at all: the season's horizon, and its blanks asked for (by check_future)
    assert resolve(load_series(promo_csv(ahead=0), covariates=["promo"]), config).horizon == 7
    # a blank inside the plan is one to fill in, not the plan's end: the horizon reaches past
    # it and the blank is named before any training
    gap = load_series(promo_csv(ahead=3, blank_future=(1,)), covariates=["promo"])
    assert resolve(gap, config).horizon == 3
    with pytest.raises(ValueError, match="'promo' has no values for 2024-07-30"):
        fit_forecast(gap, config)
    assert resolve(series, promo_config(horizon=5)).horizon == 5  # typed: the user's own


def test_an_empty_row_in_a_file_without_dates_is_a_step_not_left_out():
    """Without dates a row is a step: an empty row inside the plan is a blank to ask for (the
    plan after it is not moved a step earlier), and one inside the history is filled and said;
    the empty rows after the last value are left out."""
    history = "".join(f"{10 + i % 7},{int(i % 3 == 0)}\n" for i in range(60))
    series = load_series(f"sales,promo\n{history},1\n,\n,1\n,\n,\n".encode(),
                         covariates=["promo"])
    assert series.future["promo"].tolist()[:1] == [1.0] and series.future["promo"].tolist()[2] == 1.0
    assert len(series.future) == 3 and math.isnan(series.future["promo"].iloc[1])
    with pytest.raises(ValueError, match="'promo' has no values for row 62,"):
        fit_forecast(series, promo_config(horizon="auto", epochs=1))
    inside = load_series(f"sales,promo\n{history[:60]},\n{history[60:]}".encode())
    assert len(inside.frame) == 61
    assert "1 missing value in 'sales' was filled with the previous value (never from the " \
           "future)." in inside.notices
    # a blank line is an empty row too (as a workbook's empty row is written), in a file of
    # one column as well; blank lines above the header are not rows
    lines = load_series(f"\n\nsales,promo\n{history},1\n\n,1\n\n".encode(), covariates=["promo"])
    assert len(lines.future) == 3 and math.isnan(lines.future["promo"].iloc[1])
    one = load_series(("sales\n" + "".join(f"{i}\n" for i in range(30)) + "\n" +
                       "".join(f"{i}\n" for i in range(30)) + "\n\n").encode())
    assert len(one.frame) == 61 and one.frame["sales"].iloc[30] == 29.0  # filled from the past
    dated = load_series(promo_csv(ahead=3)[:-1] + b"\n,,\n")  # with dates: no date, no step
    assert len(dated.frame) == len(load_series(promo_csv(ahead=3)).frame)


def test_a_column_named_as_the_holidays_input_is_refused():
    table = pd.read_csv(io.BytesIO(promo_csv())).rename(columns={"promo": "public holiday (DE)"})
    series = load_series(table.to_csv(index=False).encode(), covariates=["public holiday (DE)"])
    with pytest.raises(ValueError, match=r"The column 'public holiday \(DE\)' is named as the "
                                         r"public holidays input is"):
        resolve(series, promo_config(known_covariates=("public holiday (DE)",), holidays="DE"))
    resolve(series, promo_config(known_covariates=("public holiday (DE)",), holidays="CN"))


def test_a_known_column_missing_future_values_is_named_with_its_dates_before_training():
    series = load_series(promo_csv(blank_future=(2, 5)), covariates=["promo"])
    with pytest.raises(ValueError) as refused:
        fit_forecast(series, promo_config())
    message = str(refused.value)
    assert "'promo' has no values for 2024-07-31 and 2024-08-03" in message
    assert "--future on the command line" in message and "table on the page" in message
    # A column known only up to now needs no future values.
    fit_forecast(series, promo_config(known_covariates=(), covariates=("promo",), epochs=1))


def test_the_calendar_on_a_worked_example():
    # Wednesday 3 January 2024: weekday 2 of 7, day 3 of the year.
    row = calendar_features(pd.DatetimeIndex(["2024-01-03"]), "D")[0]
    assert calendar_names("D") == ["day of week (sine)", "day of year (sine)",
                                   "day of week (cosine)", "day of year (cosine)"]
    expected = [math.sin(2 * math.pi * 2 / 7), math.sin(2 * math.pi * 2 / 366),
                math.cos(2 * math.pi * 2 / 7), math.cos(2 * math.pi * 2 / 366)]
    assert row == pytest.approx(expected)
    assert calendar_names("MS") == ["month of year (sine)", "month of year (cosine)"]
    assert calendar_names("YS") == [] and calendar_names(None) == []


def test_the_calendar_reads_only_the_cycles_the_data_cover():
    # 38 weeks of days: the weekday is seen 38 times, the year not even once (the training span
    # would never see a spring), so only the weekday is read; two years hold the year too.
    days = pd.date_range("2023-09-04", periods=38 * 7, freq="D")
    assert calendar_cycles("D", days) == 1
    assert calendar_names("D", 1) == ["day of week (sine)", "day of week (cosine)"]
    assert calendar_features(days, "D", 1) == pytest.approx(calendar_features(days, "D")[:, [0, 2]])
    assert calendar_cycles("D", pd.date_range("2023-01-01", periods=730, freq="D")) == 2
    assert calendar_cycles("D", days[:9]) == 0  # not one and a half weeks
    assert calendar_cycles("D", days[:10]) == 1  # within half a day of it
    assert calendar_cycles("MS", pd.date_range("2020-01-01", periods=18, freq="MS")) == 1
    assert calendar_cycles("MS", pd.date_range("2020-01-01", periods=17, freq="MS")) == 0
    # Whichever months (and leap days) they hold: 18 months, six quarters.
    for start in ("2021-01-01", "2022-03-01", "2023-07-01"):
        assert calendar_cycles("MS", pd.date_range(start, periods=18, freq="MS")) == 1
        assert calendar_cycles("QS", pd.date_range(start, periods=6, freq="QS")) == 1
    assert calendar_cycles(None, pd.RangeIndex(100)) == 0
    series = load_series(b"date,sales\n" + b"".join(f"{d.date()},{i}\n".encode()
                                                   for i, d in enumerate(days)))
    assert input_names(series, ForecastConfig(calendar=True)) == (
        "sales", "day of week (sine)", "day of week (cosine)")
    # ... and the results say which cycle was left out, and why.
    assert calendar_left_out("D", 1) == ("The calendar inputs leave out the day of year: the "
                                         "data cover less than one and a half of its cycles, "
                                         "too little to learn it from.")
    assert calendar_left_out("D", 2) == "" and calendar_left_out(None, 0) == ""
    result = score_forecast(fit_forecast(series, ForecastConfig(
        calendar=True, lookback=14, horizon=7, hidden_size=4, epochs=1,
        statistical_seconds=0)), series)
    assert calendar_left_out("D", 1) in result.notices


def test_public_holidays_of_two_countries():
    days = pd.DatetimeIndex(["2024-02-10", "2024-10-03", "2024-12-25", "2024-12-27"])
    assert holiday_counts(days, "D", "DE").tolist() == [0, 1, 1, 0]  # Unity Day, Christmas
    assert holiday_counts(days, "D", "CN").tolist() == [1, 1, 0, 0]  # Spring Festival, National Day
    weeks = pd.date_range("2024-12-23", periods=3, freq="W-MON")
    assert holiday_counts(weeks, "W-MON", "DE").tolist() == [2, 1, 0]  # each week's count
    hours = pd.date_range("2024-12-24 23:00", periods=2, freq="h")
    assert holiday_counts(hours, "h", "DE").tolist() == [0, 1]
    with pytest.raises(ValueError, match="'XX' is not a country"):
        ForecastConfig(holidays="XX")
    with pytest.raises(ValueError, match="'ZZ' is not a region of DE"):
        ForecastConfig(holidays="DE-ZZ")
    with pytest.raises(ValueError, match="^The holidays calendar has no regions of CN: give CN "
                                         "alone.$"):
        ForecastConfig(holidays="CN-XX")
    # written in any case, as the package writes it
    assert [ForecastConfig(holidays=c).holidays for c in ("cn", "de-by", "be-flemish")] == [
        "CN", "DE-BY", "BE-Flemish"]
    assert holiday_counts(days, "D", "de").tolist() == [0, 1, 1, 0]


def test_the_dates_give_inputs_known_ahead_and_the_windows_read_them_over_the_horizon():
    series = load_series(promo_csv(), covariates=["promo"])
    config = dataclasses.replace(promo_config(calendar=True, holidays="DE"), seed=1)
    names = input_names(series, config)
    # 210 days: the weekday, not the day of the year (see the test above)
    assert names == ("sales", "promo", "day of week (sine)", "day of week (cosine)",
                     "public holiday (DE)")
    assert known_positions(names, config) == [1, 2, 3, 4]
    assert known_positions(names, dataclasses.replace(config, known_covariates=())) == [2, 3, 4]
    w, scaler = _windows(series, config, None, torch.device("cpu"), names)
    # Window i's horizon starts at row i + lookback: its future is those rows' known inputs.
    assert w.future.shape == (len(w.inputs), H, 4)
    assert torch.equal(w.future[5], w.values[5 + 14:5 + 14 + H, 1:])
    assert w.future._is_view()  # of one copy of the known columns, not a copy per window


def test_a_holiday_needs_dates():
    rows = b"sales\n" + b"".join(f"{v}\n".encode() for v in range(60))
    with pytest.raises(ValueError, match="Public holidays need dates"):
        fit_forecast(load_series(rows), ForecastConfig(holidays="DE", statistical_seconds=0))


def test_known_inputs_cut_the_error_on_promotion_days(promo_result):
    series = promo_result.series
    without = score_forecast(fit_forecast(series, promo_config(known_covariates=(),
                                                               covariates=("promo",))), series)
    assert promo_result.test.mae < 0.5 * without.test.mae


def test_a_recommended_forecast_that_does_not_read_the_plan_is_said(promo_result, monkeypatch):
    from lstm_app.series import scoreboard
    assert not any("Only the LSTM reads the plan" in n for n in promo_result.notices)
    assert scoreboard.plan_unfollowed(("promo",), "auto_ets", {"auto_ets": "AutoETS"}) == [
        "Only the LSTM reads the plan of 'promo'; the recommended forecast (AutoETS) does not, "
        "so it does not follow the planned days. Choose the LSTM as the forecast to use to "
        "follow the plan."]
    assert scoreboard.plan_unfollowed((), "auto_ets", {}) == []
    # the combination reads it through its LSTM half, named in the reader's language
    from lstm_app.i18n import speaking
    with speaking("zh"):
        said = scoreboard.plan_unfollowed(("promo",), "combination",
                                          {"combination": "mean of the LSTM and AutoARIMA"})
    assert "mean of" not in said[0] and "只通过其中 LSTM 的那一半读取它" in said[0]
    calls = []  # scoring asks it with the run's columns known ahead and the one recommended
    monkeypatch.setattr(scoreboard, "plan_unfollowed",
                        lambda known, picked, labels: calls.append((known, picked)) or ["said"])
    result = score_forecast(promo_result.trained, promo_result.series)
    assert calls == [(("promo",), "lstm")] and result.notices[-1] == "said"


def test_the_what_if_moves_exactly_the_days_edited(promo_result):
    base = promo_result.futures["lstm"]
    edited = promo_result.known.copy()
    flipped = [1, 4]
    edited.iloc[flipped, 0] = 1 - edited.iloc[flipped, 0]
    moved = what_if_of(promo_result).moved(edited)
    changed = ~np.isclose(moved["forecast"], base["forecast"], atol=1e-6)
    assert np.flatnonzero(changed).tolist() == flipped
    up = edited.iloc[flipped, 0].to_numpy() == 1  # a promotion added raises the forecast
    diff = (moved["forecast"] - base["forecast"]).to_numpy()[flipped]
    assert ((diff > 10) == up).all() and ((diff < -10) == ~up).all()
    assert np.allclose(moved["upper_80"] - moved["forecast"], base["upper_80"] - base["forecast"])
    change, total = what_if_of(promo_result).change(moved)  # over the horizon: the edits' sum
    assert change == pytest.approx(diff.sum()) and total == pytest.approx(base["forecast"].sum())
    from lstm_app.ui.known_view import _change_words
    assert _change_words(1234.5, 10_000.0, 7) == ("Over the 7 steps together, the what-if "
                                                 "forecast is +1,234 against the base forecast "
                                                 "(+12.3% of its total).")
    assert _change_words(-0.5, -3.0, 2).endswith("is -0.5 against the base forecast.")
    same = what_if_of(promo_result).moved(promo_result.known)
    assert np.allclose(same["forecast"], base["forecast"])
    with pytest.raises(ValueError, match="keep the columns and the dates"):
        what_if_of(promo_result).moved(edited.iloc[:3])
    huge = edited.copy()  # 1e300 overflowed the scaler into a forecast of blanks
    huge.iloc[2, 0] = 1e300
    with pytest.raises(ValueError, match=rf"^The planned values of 'promo' reach 1e\+300 on "
                       rf"{huge.index[2].date()}, too large to compute with \(the limit is "
                       r"1e\+30\); check them for overflowed cells\.$"):
        what_if_of(promo_result).moved(huge)
    huge.iloc[2, 0] = -1e300  # said with its sign
    with pytest.raises(ValueError, match=r"reach -1e\+300 on "):
        what_if_of(promo_result).moved(huge)
    # a value beyond any the column held in training is said to be a guess; edits within are not
    assert what_if_of(promo_result).beyond(edited) == []
    far = promo_result.known.copy()
    far.iloc[3, 0] = 112
    day = promo_result.known.index[3].date()
    assert what_if_of(promo_result).beyond(far) == [
        f"'promo' is set to 112 on {day}, beyond the 0 to 1 it held in training: the model never "
        f"read such values, so the what-if there is a guess, not something it learnt."]
    far.iloc[4, 0], far.iloc[5, 0] = -5, 112  # each value said with its own days
    days = promo_result.known.index.date
    assert what_if_of(promo_result).beyond(far) == [
        f"'promo' is set to 112 on {days[3]} and {days[5]}; -5 on {days[4]}, beyond the 0 to 1 it "
        f"held in training: the model never read such values, so the what-if there is a guess, "
        f"not something it learnt."]
    assert what_if_of(promo_result).beyond(promo_result.known, edited_only=False) == []
    assert what_if_of(dataclasses.replace(promo_result, known=far)).beyond(far,
                           edited_only=False)[0].startswith(
        f"The plan sets 'promo' to 112 on {days[3]} and {days[5]}; -5 on {days[4]}, beyond")
    # a value within a twentieth of the range past a bound is no guess (a price a little above
    # the highest one trained on)
    close = promo_result.known.copy()
    close.iloc[3, 0], close.iloc[4, 0] = 1.05, -0.05
    assert what_if_of(promo_result).beyond(close) == []
    # one just past that, which would round to 1.05, is written whole
    close.iloc[3, 0] = 1.0500001
    assert what_if_of(promo_result).beyond(close)[0].startswith(
        f"'promo' is set to 1.0500001 on {days[3]}, beyond the 0 to 1 it held")
    # a cell emptied in the what-if's table is said as that, not as a file without a plan
    edited.iloc[2, 0] = np.nan
    with pytest.raises(ValueError) as error:
        what_if_of(promo_result).moved(edited)
    day = promo_result.known.index[2].date()
    assert str(error.value) == (f"The what-if needs a value in every cell: "
                                f"'{edited.columns[0]}' is blank on {day}. Type a value there "
                                f"(0 for none).")


def test_a_run_with_known_inputs_saves_its_plan_and_reopens_the_same(tmp_path, promo_result):
    series = load_series(promo_csv(), covariates=["promo"])
    files = series_files(series)
    back = series_from_files(files)
    pd.testing.assert_frame_equal(back.future, series.future, check_freq=False)
    store = RunStore(tmp_path)
    config = promo_config(calendar=True, holidays="DE", epochs=3)
    run_id = start_run(store, "forecast", series, config, "promo.csv", "promo.csv")
    result = record(tmp_path, run_id, "forecast", series, config)
    again = reopen(store, run_id)
    assert again.trained.inputs == result.trained.inputs
    assert np.allclose(again.forecast["forecast"], result.forecast["forecast"])
    pd.testing.assert_frame_equal(again.known, result.known)
    # the holiday count, like any planned column, is a guess beyond the counts it trained on
    column = holiday_name("DE")
    more = result.known.copy()
    more.iloc[2, list(more.columns).index(column)] = 7
    assert what_if_of(result).beyond(more) == [
        f"'{column}' is set to 7 on {more.index[2].date()}, beyond the 0 to 1 it held in "
        f"training: the model never read such values, so the what-if there is a guess, not "
        f"something it learnt."]
    from lstm_app.i18n import speaking
    from lstm_app.series.calendar import holiday_label
    with speaking("zh"):  # named as the plan's table heads it
        assert what_if_of(result).beyond(more)[0].startswith(f"'{holiday_label('DE')}'")
        assert holiday_label("DE") != column
        more.iloc[1, list(more.columns).index(column)] = np.nan  # and a blank there the same
        with pytest.raises(ValueError) as refused:
            what_if_of(result).moved(more)
        assert f"'{holiday_label('DE')}'" in str(refused.value)
    from lstm_app.series.calendar import shown_column
    assert shown_column("public holiday (staff)") == "public holiday (staff)"  # a user's own


def test_the_command_line_reads_known_columns_a_plan_file_and_holidays(tmp_path, capsys):
    from lstm_app.cli import main

    data, plan = tmp_path / "sales.csv", tmp_path / "plan.csv"
    data.write_bytes(promo_csv(ahead=0))
    plan.write_text("date,promo\n" + "".join(f"2024-{d},1\n" for d in (
        "07-29", "07-30", "07-31", "08-01", "08-02", "08-03")) + "2024-08-04,5\n")
    out, report = tmp_path / "forecast.csv", tmp_path / "report.json"
    common = ["--horizon", "7", "--lookback", "14", "--epochs", "2", "--quiet",
              "--statistical-seconds", "0"]
    assert main(["forecast", str(data), "--known-covariates", "promo", *common]) == 2
    assert "'promo' has no values for 2024-07-29" in capsys.readouterr().err
    assert main(["forecast", str(data), "--known-covariates", "promo", "--future", str(plan),
                 "--holidays", "DE", "--out", str(out), "--report", str(report), *common]) == 0
    assert ("note: The plan sets 'promo' to 5 on 2024-08-04, beyond the 0 to 1 it held in "
            "training") in capsys.readouterr().err  # as the page says it
    forecast = pd.read_csv(out)
    assert len(forecast) == 7 and set(forecast["method"]) == {"LSTM"}
    # beside each step, the plan it read there
    assert forecast["planned_promo"].tolist() == [1, 1, 1, 1, 1, 1, 5]
    assert [c for c in forecast.columns if c.startswith("planned_")] == [
        "planned_promo", f"planned_{holiday_name('DE')}"]
    saved = json.loads(report.read_text())
    assert saved["config"]["known_covariates"] == ["promo"]
    assert saved["config"]["covariates"] == ["promo"] and saved["config"]["holidays"] == "DE"
    assert main(["forecast", str(data), "--holidays", "Atlantis", *common]) == 2
    assert "'Atlantis' is not a country" in capsys.readouterr().err
    # tune reads the plan as forecast does (it was refused as an unknown option, though the
    # sentence for a missing plan names it), and the command it suggests carries it
    tuned = ["tune", str(data), "--known-covariates", "promo", "--trials", "1", "--minutes",
             "0.2", "--hidden-size", "8", *common[:-2]]
    assert main(tuned) == 2
    assert "(--future on the command line)" in capsys.readouterr().err
    assert main([*tuned, "--future", str(plan)]) == 0
    assert "The trials are saved as runs" in capsys.readouterr().out
    import argparse
    from lstm_app.tuning.commands import train_command
    args = argparse.Namespace(task="forecast", data=str(data), future=plan, hidden_size="8")
    assert train_command("forecast", args, {"lr": 0.01}) == (
        f"python -m lstm_app forecast {data} --hidden-size 8 --future {plan} --lr 0.01")
    plan.write_text(plan.read_text().replace("2024-08-04,5", "2024-08-04,1e300"))
    assert main(["forecast", str(data), "--known-covariates", "promo", "--future", str(plan),
                 *common]) == 2  # before any training
    assert capsys.readouterr().err.endswith(
        "error: The planned values of 'promo' reach 1e+300 on 2024-08-04, too large to compute "
        "with (the limit is 1e+30); check them for overflowed cells.\n")
    assert main(["forecast", str(data), "--future", str(plan), *common]) == 2  # read for nothing
    assert ("A file of planned values (--future) holds the values of the columns known ahead: "
            "name them with --known-covariates") in capsys.readouterr().err


def test_a_plan_file_that_replaces_the_data_files_own_plan_says_so():
    series = load_series(promo_csv(), covariates=["promo"])
    first, second = series.future.index[:2]
    own = series.future["promo"]
    plan = (f"date,promo\n{first:%Y-%m-%d},{1 - own.iloc[0]:g}\n"
            f"{second:%Y-%m-%d},{own.iloc[1]:g}\n")  # one value changed, one the same
    planned = with_future(plan.encode(), series, name="plan.csv", known=["promo"])
    assert planned.future["promo"].iloc[0] == 1 - own.iloc[0]
    assert planned.notices[-1] == (
        f"The future file 'plan.csv' replaces 1 value the data file planned itself ('promo' on "
        f"{first.date()}: {own.iloc[0]:g} becomes {1 - own.iloc[0]:g}).")
    same = with_future(plan.replace(f",{1 - own.iloc[0]:g}\n", f",{own.iloc[0]:g}\n", 1)
                       .encode(), series, name="plan.csv", known=["promo"])
    assert not any("replaces" in n for n in same.notices)


def test_a_plan_file_is_read_onto_the_series_grid_and_says_what_it_left_out():
    series = load_series(promo_csv(ahead=0), covariates=["promo"])
    one_row = with_future(b"date,promo\n2024-07-29,1\n", series)
    # a cell of text among the plan's numbers is said (it was reported as a day with no value)
    worded = with_future(b"date,promo,staff\n2024-07-29,1,4\n2024-07-30,lots,x\n"
                         b"2024-07-31,0,4\n2024-08-01,1,4\n2024-08-02,1,4\n", series,
                         known=["promo"])
    assert ("1 cell in 'promo' held text instead of a number (for example 'lots') and was "
            "treated as missing.") in worded.notices
    assert not any("'staff'" in n for n in worded.notices)  # a column not read: not said
    assert one_row.future["promo"].to_dict() == {pd.Timestamp("2024-07-29"): 1.0}
    messy = with_future(b"date,promo,note\nsoon,1,x\n2024-07-30,0,w\n2024-07-30,1,z\n", series)
    assert messy.future["promo"].to_dict() == {pd.Timestamp("2024-07-30"): 1.0}
    said = " ".join(messy.notices)
    assert "1 row of the future file whose date could not be read was left out" in said
    assert "1 row of the future file fell on a date an earlier row gave" in said
    assert "'note' does not hold numbers ('note' holds 'x', 'w', 'z'), so it was not read" in said
    flags = with_future(b"date,promo\n2024-07-29,yes\n2024-07-30,no\n", series)  # as the data's
    assert flags.future["promo"].tolist() == [1.0, 0.0]
    with pytest.raises(ValueError, match=r"has no column of numbers \('promo' holds 'soon', 'x'\)"):
        with_future(b"date,promo\n2024-07-29,soon\n2024-07-30,x\n", series)
    # A plan for dates already observed, and for none of the columns known ahead, is said.
    last = series.frame.index[-1]
    stale = with_future(f"date,price\n{last - pd.Timedelta(days=1):%Y-%m-%d},1\n"
                        f"{last:%Y-%m-%d},2\n".encode(), series, name="plan.csv",
                        known=("promo",))
    said = " ".join(stale.notices)
    assert f"None of the dates of the future file 'plan.csv' comes after the series' last value " \
        f"({last.date()})" in said
    assert "The future file 'plan.csv' has no column 'promo', though it is known ahead" in said
    blank = with_future(b"date,promo,note\n2024-07-29,1,a\n2024-07-30,0,\n2024-07-31,0,b\n",
                        series)  # a blank cell is no cell that fails to read
    assert "('note' holds 'a', 'b')" in " ".join(blank.notices), blank.notices
    # dates with a time of day fall in their own day (13:00 went to the next day, unsaid)
    timed = with_future(b"date,promo\n2024-07-29 13:00,1\n2024-07-30 13:00,0\n"
                        b"2024-07-31 00:00,1\n", series)
    assert timed.future["promo"].to_dict() == {pd.Timestamp("2024-07-29"): 1.0,
                                               pd.Timestamp("2024-07-30"): 0.0,
                                               pd.Timestamp("2024-07-31"): 1.0}
    assert ("2 dates of the future file are not on the series' own grid (for example "
            "2024-07-29 13:00 was read as 2024-07-29); each was read as the step it falls "
            "in.") in timed.notices
    some = with_future(f"date,promo\n{last:%Y-%m-%d},1\n"
                       f"{last + pd.Timedelta(days=1):%Y-%m-%d},0\n".encode(), series)
    assert some.future["promo"].to_dict() == {last + pd.Timedelta(days=1): 0.0}
    assert "1 row of the future file 'uploaded data' is dated up to the series' last value" in \
        " ".join(some.notices), some.notices
    with pytest.raises(ValueError, match="cannot also be known ahead"):
        ForecastConfig(value_col="sales", known_covariates=("sales",))


def test_a_forecaster_saved_before_the_dates_were_read_reopens_as_it_was():
    series = load_series(promo_csv(), covariates=["promo"])
    config = promo_config(known_covariates=(), covariates=("promo",), epochs=1, calendar=False)
    trained = fit_forecast(series, config)
    files = trained.files()
    old_config = json.loads(files["config.json"])
    del old_config["calendar"], old_config["holidays"], old_config["known_covariates"]
    old_scaler = json.loads(files["scaler.json"])
    del old_scaler["dated"]
    old = {"config.json": json.dumps(old_config).encode(),
           "scaler.json": json.dumps(old_scaler).encode(),
           WEIGHTS: weights_bytes(trained.model, 1)}
    again = TrainedForecaster.from_files(old, trained.training)
    assert again.config.calendar is False and again.inputs == ("sales", "promo")
    assert score_forecast(again, series).test == score_forecast(trained, series).test


def test_a_forecaster_that_read_a_cycle_its_data_do_not_cover_still_reopens(monkeypatch):
    # Saved before the calendar left out the cycles the data do not cover: its saved inputs,
    # not today's rule, say what it reads.
    series = load_series(promo_csv(), covariates=["promo"])
    config = promo_config(known_covariates=(), covariates=("promo",), epochs=1, calendar=True)
    monkeypatch.setattr("lstm_app.series.calendar.WHOLE", 0.1)
    trained = fit_forecast(series, config)
    assert "day of year (sine)" in trained.inputs
    monkeypatch.undo()
    assert "day of year (sine)" not in input_names(series, config)
    files = {**trained.files(), WEIGHTS: weights_bytes(trained.model, 1)}
    again = TrainedForecaster.from_files(files, trained.training)
    assert again.inputs == trained.inputs
    assert score_forecast(again, series).test == score_forecast(trained, series).test


@pytest.mark.parametrize("seed", range(3))
def test_a_series_with_a_plan_saved_and_read_back_keeps_its_fingerprint(seed):
    """Numbers of 17 digits, saved with a run and read back (its data and its plan), are the
    numbers read from the file: else a reopened run's page reads other data and hides its
    results behind "not on the data above"."""
    from lstm_app.runs.recording import data_fingerprint
    from lstm_app.series.saving import data_with_plan
    from lstm_app.tasks import FORECAST

    rng = np.random.default_rng(seed)
    days = pd.date_range("2024-01-01", periods=205, freq="D").strftime("%Y-%m-%d")
    sales = [repr(float(v)) for v in rng.normal(100, 30, 200)] + [""] * 5
    promo = [repr(float(v)) for v in rng.random(205)]
    data = pd.DataFrame({"date": days, "sales": sales, "promo": promo}).to_csv(index=False)
    series = load_series(data.encode(), covariates=["promo"])
    again = load_series(data_with_plan(series_files(series)), covariates=["promo"])
    assert again.future.equals(series.future)
    assert data_fingerprint(FORECAST, again) == data_fingerprint(FORECAST, series)


def test_how_far_the_files_plan_reaches_is_counted_to_its_last_planned_step():
    from lstm_app.series.known import plan_reach

    rows = "".join(f"2024-01-{d:02d},{d % 2},{100 + d}\n" for d in range(1, 29))
    plan = "".join(f"2024-01-{d:02d},{d % 2},\n" for d in range(29, 32))  # three days planned
    series = load_series(("date,promo,sales\n" + rows + plan).encode(), covariates=["promo"])
    assert plan_reach(series, ForecastConfig(known_covariates=("promo",))) == 3
    assert plan_reach(series, ForecastConfig()) == 0  # promo not known ahead: no plan read
    unplanned = load_series(("date,promo,sales\n" + rows).encode(), covariates=["promo"])
    assert plan_reach(unplanned, ForecastConfig(known_covariates=("promo",))) == 0
