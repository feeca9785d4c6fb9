"""What the Forecast page shows while a model trains and after: curves, scoreboard, verdict, charts, downloads."""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from ..i18n import N_, again, sentences, tr, trn
from ..training.endings import said_again
from ..charts import AXIS_CHARS, backtest_chart, forecast_chart, validation_chart
from ..loss_charts import loss_chart
from ..series.score_table import metrics_table
from ..filenames import download_name, forecast_what
from ..quoting import cut, readable_number, spreadsheet_csv
from ..series.evaluation import BASELINE_NAMES, coverage_note, lstm_wins, rules, simple_rules
from ..series.ahead import what_if_of
from ..series.frequency import time_format, time_labels
from ..series.scoreboard import COMBINATION, LSTM, method_label, plan_unfollowed
from ..series.statistical import STATISTICAL
from ..series.loading import SeriesData
from ..series.pipeline import ForecastResult, with_method
from ..series.report import to_report
from ..training.jobs import Snapshot
from .keys import FORECAST as KEYS
from .known_view import show_what_if
from .live import loss_curves, scoring_took, training_took
from .language import translated
from .markdown import plain

SCOREBOARD_NAMES = {"lstm": N_("LSTM (now)"),
                    **{k: v.capitalize() for k, v in BASELINE_NAMES.items()}}
# The simple rules' names as the scoreboards show them (BASELINE_NAMES, capitalized or not).
RULE_NAMES = (N_("Naive (last value)"), N_("Seasonal naive"), N_("Drift"),
              N_("naive (last value)"), N_("seasonal naive"), N_("drift"))


def render_live(snap: Snapshot, value_label: str) -> None:
    """The live part: loss curves, the validation forecast and the scoreboard against the baselines."""
    left, right = st.columns(2)
    with left:
        loss_curves(snap.history, snap.batches, KEYS.live_loss)
    with right:
        live = snap.live  # a ForecastLive, after the first epoch
        if live is None:
            st.caption(tr("The live forecast on the validation span appears after the first "
                          "epoch."))
            return
        st.plotly_chart(validation_chart(live.times, live.actual, live.forecast, value_label),
                        key=KEYS.live_validation)
    board = pd.DataFrame({tr("model"): [tr(SCOREBOARD_NAMES[k]) for k in live.scoreboard],
                          tr("validation MAE ({column})", column=value_label):
                              [f"{v:,.4g}" for v in live.scoreboard.values()]})
    st.dataframe(board, hide_index=True, width="content")


def show_result(result: ForecastResult, unit: str | None = None, run_id: str | None = None) -> None:
    """Results first in plain words, then the charts and tables, then the downloads."""
    value = result.series.value_col
    label = value_label(value, unit)
    wins = lstm_wins(result.test, result.baselines)
    (st.success if wins and not result.fragile else st.info if wins else st.warning)(
        again(result.verdict))
    st.caption(sentences(said_again(result.training), training_took(result.training.seconds),
                         scoring_took(result.seconds - result.training.seconds)))

    with st.expander(tr("How training went"), expanded=False):
        st.plotly_chart(loss_chart(result.training.history), key=KEYS.final_loss)

    st.subheader(tr("Scores on the test span"))
    st.markdown(scores_in_words(result, unit))
    cov = result.interval_coverage
    st.caption(tr("The darker band around a forecast should hold 80% of what really happens and "
                  "the lighter one 95%; on the test span {inner:.0%} and {outer:.0%} of actual "
                  "values fell inside them.", inner=cov["80"], outer=cov["95"]))
    note = coverage_note(cov)
    if note:
        st.warning(note)
    if mase_note(result):
        st.caption(mase_note(result))
    with st.expander(tr("All the scores, explained")):
        st.dataframe(metrics_table(result.test, result.baselines, result.labels))
        st.markdown(tr(METRICS_EXPLAINED) + _mape_note(result))
    horizon = result.config.horizon
    history = result.series.frame[value]
    method = pick_method(result)
    st.plotly_chart(test_span_chart(result.backtest, horizon, result.series, label, method,
                                    method_label(result.labels[method])), key=KEYS.backtest)

    st.subheader(tr("Forecast: the next step") if horizon == 1 else
                 tr("Forecast: the next {count} steps", count=horizon))
    forecast = result.futures.get(method, result.forecast)
    st.plotly_chart(forecast_chart(history, forecast, label, method=method_label(result.labels[method])),
                    key=KEYS.forecast)
    forecast_table(forecast, result.series.freq)

    report = to_report(result)
    a, b = st.columns(2)
    a.download_button(tr("Download the forecast (CSV)"),
                      spreadsheet_csv(with_method(result, method)),
                      file_name=download_name(result.series.name, run_id,
                                              forecast_what(method), "csv"),
                      mime="text/csv", key=KEYS.forecast_csv)
    b.download_button(tr("Download the report (JSON)"), json.dumps(report, indent=2, default=str),
                      file_name=download_name(result.series.name, run_id, "report", "json"),
                      mime="application/json", key=KEYS.report)
    _show_split(result)
    show_what_if(what_if_of(result), label, f"{KEYS.what_if}_{run_id or result.token}",
                 download_name(result.series.name, run_id, "what-if", "csv"),
                 result.config.holidays)


def _show_split(result: ForecastResult) -> None:
    """The spans the data was split into, by step and by time, and what was repaired."""
    with st.expander(tr("How the data was split and repaired")):
        labels = time_labels(result.series.frame.index, result.series.freq)
        for (start, end), line in zip((result.split.train, result.split.val, result.split.test),
                                      SPLIT_LINES):
            st.markdown(tr(line, first=start + 1, last=end, start=labels[start],
                           end=labels[end - 1]))
        st.markdown(tr("- The scaler was fitted on the **training span only**."))
        for notice in result.notices:
            st.markdown(f"- {plain(notice)}")


SPLIT_LINES = (N_("- **Training**: rows {first:,} to {last:,} ({start} to {end})"),
               N_("- **Validation**: rows {first:,} to {last:,} ({start} to {end})"),
               N_("- **Test**: rows {first:,} to {last:,} ({start} to {end})"))


def value_label(value: str, unit: str | None) -> str:
    """The value's name on a chart's axis, with the sample's unit (a sentence of the catalog),
    cut to ``AXIS_CHARS``."""
    value = cut(value, AXIS_CHARS)
    return tr("{value} ({unit})", value=value, unit=tr(unit)) if unit else value


PICKED_FOLLOWS = N_("The recommended forecast had the smallest errors on the validation span, "
                    "which was chosen before the test span was looked at; the charts of the test "
                    "span and of the forecast, the table and the download follow your choice.")


def pick_method(result: ForecastResult, follows: str = PICKED_FOLLOWS) -> str:
    """Which method's forecast the charts, the table and the download show: the recommended one
    (chosen on the validation span), or another the user picks; ``follows`` (the radio's help)
    says what follows the choice."""
    if len(result.futures) < 2:
        return result.recommended
    # one order however the result was made (a reopened run's models come back in another)
    order = [LSTM, *STATISTICAL, COMBINATION]
    names = sorted(result.futures, key=lambda n: order.index(n) if n in order else len(order))
    # A new result starts from its own recommendation (the result itself is kept to tell: an
    # id() may be reused by the next result once the last one is gone).
    if (st.session_state.get(KEYS.method_of) is not result
            or st.session_state.get(KEYS.method) not in names):
        st.session_state[KEYS.method] = result.recommended
        st.session_state[KEYS.method_of] = result
    # The options' labels are made now: they are drawn later, maybe in another thread.
    shown = {name: method_label(result.labels[name]) for name in names}
    shown[result.recommended] = tr("{method} (recommended)", method=shown[result.recommended])
    label = shown.get
    method = st.radio(tr("Forecast to use"), names, key=translated(KEYS.method), horizontal=True,
                      format_func=label, help=tr(follows))
    for said in plan_unfollowed(tuple(result.config.known_covariates), method, result.labels,
                                in_use=True):  # (else only in the notices, folded away)
        st.warning(plain(said), icon=":material/event_busy:")
    return method


def test_span_chart(backtest: pd.DataFrame, horizon: int, series: SeriesData, label: str,
                    method: str = "lstm", method_name: str = "LSTM"):
    """With many forecasts on the test span, those made N steps ahead of each date (a slider
    picks N); with fewer forecasts than steps (a test span a few horizons long), whole
    forecasts, one at a time: a step-1 view of a single forecast would be a single point.
    ``method``'s forecasts are drawn (the one picked to use)."""
    history = series.frame[series.value_col]
    origins = list(dict.fromkeys(backtest["origin"]))
    picked = dict(method=method, method_name=method_name)
    if horizon == 1:
        return backtest_chart(backtest, history, label, **picked)
    if len(origins) >= horizon:
        step = st.slider(tr("Steps ahead"), 1, horizon, 1, key=KEYS.step,
                         help=tr("Show the forecasts made this many steps before each date."))
        _ends_early(backtest, history, step, horizon)
        return backtest_chart(backtest, history, label, step=step, **picked)
    names = dict(zip(origins, time_labels(pd.Index(origins), series.freq)
                     if series.time_col else [tr("row {number}", number=int(o) + 1)
                                              for o in origins]))
    origin = origins[0]
    if len(origins) > 1:
        origin = st.select_slider(tr("Forecast starting at"), origins, key=translated(KEYS.origin),
                                  format_func=names.get,
                                  help=tr("The test span holds this many whole forecasts of "
                                          "{steps} steps; pick one to see it against what "
                                          "happened.", steps=horizon))
    return backtest_chart(backtest, history, label, origin=origin, origin_label=names[origin],
                          **picked)


def _ends_early(backtest: pd.DataFrame, history: pd.Series, step: int, horizon: int) -> None:
    """Why the chart's lines stop before the data does (a café's test chart ended 7 weeks
    early, unexplained): the last forecast starts a horizon before the end."""
    last = backtest.loc[backtest["step"] == step, "time"].max()
    gap = int((history.index > last).sum()) if pd.notna(last) else 0
    if gap:
        st.caption(trn("The lines end {count} step before your data does: each forecast covers "
                       "{steps} steps, and the last one's first steps fall before the end. "
                       "Slide Steps ahead towards {steps} to see later dates.",
                       "The lines end {count} steps before your data does: each forecast "
                       "covers {steps} steps, and the last one's first steps fall before the "
                       "end. Slide Steps ahead towards {steps} to see later dates.", gap,
                       steps=horizon))


METRICS_EXPLAINED = N_("""
- **MASE**: the average miss divided by the typical change from one season to the next in the
  *training* data; below 1, closer than that repetition was there. It is measured against the
  training data so that series compare, not against the rules on the test span (the verdict
  above does that).
- **MAE**: how far off the forecasts were on average, in the data's own units.
- **RMSE**: like MAE, but big misses count more: a few large errors raise it a lot.
- **MAPE %**: the average miss as a percentage of the actual value.
- **sMAPE %**: the same, measured against the average of the forecast and the actual value,
  so that over- and under-forecasts count alike (0 to 200).

Lower is better everywhere.
""")


def scores_in_words(result: ForecastResult, unit: str | None) -> str:
    """How far off the forecasts were over the test span, next to the best simple rule."""
    series, split = result.series, result.split
    labels = time_labels(series.frame.index[split.test[0]:split.test[1]], series.freq)
    best = min(result.baselines, key=lambda name: result.baselines[name].mae)
    rule = rules(series.season_length, series.freq).get(best) or method_label(result.labels[best])
    values = dict(start=labels[0], end=labels[-1], count=len(labels),
                  mae=readable_number(result.test.mae), rule=rule,
                  rule_mae=readable_number(result.baselines[best].mae))
    if unit:
        return tr("Over the test span ({start} to {end}, {count:,} values the network never "
                  "trained on), the LSTM's forecasts were off by **{mae} {unit}** on average; "
                  "{rule} was off by {rule_mae} {unit}.", unit=tr(unit), **values)
    return tr("Over the test span ({start} to {end}, {count:,} values the network never trained "
              "on), the LSTM's forecasts were off by **{mae}** on average; {rule} was off by "
              "{rule_mae}.", **values)


READABLE_COLUMNS = {"time": N_("when"), "forecast": N_("forecast"), "lower_80": N_("80% from"),
                    "upper_80": N_("80% to"), "lower_95": N_("95% from"),
                    "upper_95": N_("95% to")}


def forecast_table(frame: pd.DataFrame, freq: str | None,
                   beside: pd.DataFrame | None = None) -> None:
    """The forecast as a person reads it: times as the frequency writes them, plain column
    names, numbers rounded to what a reader can take in, every number of a column with the
    same decimals (442.94, 411.60, 544.00: not 411.6 and 544). Dates stay dates, written as
    the frequency writes them, so that the column sorts by time (not "Apr" before "Jan").
    ``beside`` (a row per step) is shown to the right as it is: what the forecast read."""
    scale = frame.drop(columns="time").select_dtypes("number").abs().median().median()
    decimals = 2 if scale >= 10 else 4
    shown = frame.copy()
    times = pd.Index(shown["time"])
    written = time_format(times, freq)
    if written is None:  # rows without dates: "row 1", …
        shown["time"] = time_labels(times, freq)
    when = tr(READABLE_COLUMNS["time"])
    shown = shown.round(decimals).rename(
        columns={name: tr(label) for name, label in READABLE_COLUMNS.items()})
    if beside is not None:  # a column named as one of the forecast's is told apart
        beside = beside.rename(columns=lambda c: tr("{column} (planned)", column=c)
                               if c in shown.columns else c)
        shown = pd.concat([shown, beside.set_index(shown.index)], axis=1)
    number = st.column_config.NumberColumn(format=f"%.{decimals}f")
    config = {c: number for c in shown.columns if c != when and (beside is None or c not in
              beside.columns) and pd.api.types.is_numeric_dtype(shown[c])}
    if written is not None:
        config[when] = st.column_config.DatetimeColumn(format=written)
    st.dataframe(shown, hide_index=True, height=min(35 * (len(shown) + 1) + 3, 480),
                 column_config=config)


def _mape_note(result: ForecastResult) -> str:
    if result.test.mape is None:
        return "\n" + tr("MAPE is left out: some actual values are zero or nearly zero, where "
                         "a percentage of them explodes.")
    return ""


def mase_note(result: ForecastResult) -> str:
    """Why a MASE above 1 can sit beside a verdict that the LSTM won (empty otherwise)."""
    mase = result.test.mase
    if mase is None or mase <= 1 or not lstm_wins(result.test, simple_rules(result.baselines)):
        return ""
    return tr("The LSTM's MASE is {mase:.2f}, above 1, although it beat every simple rule: the "
              "test span changed more than the training data did, so every method missed more "
              "there. MASE compares with the training data; the verdict compares with the rules "
              "on the test span itself.", mase=mase)
