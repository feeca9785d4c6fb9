"""What the Forecast page shows for a file of many series while the one model trains and after:
curves and a few series live; the panel's verdict and scoreboard; every series' scores (worst
first, searchable, a row opens that series' charts); the downloads."""

from __future__ import annotations

import json
import zlib

import numpy as np
import pandas as pd
import streamlit as st

from ..i18n import N_, again, listing, sentences, tr, trn
from ..training.endings import said_again
from ..charts import forecast_chart, small_multiples
from ..loss_charts import loss_chart
from ..filenames import download_name, forecast_what
from ..quoting import no_bidi, readable_number, spreadsheet_csv
from ..series.evaluation import BASELINE_NAMES, rules
from ..series.statistical import STATISTICAL
from ..series.frequency import time_labels
from ..series.scoreboard import COMBINATION, method_label
from ..series.panel_detail import series_detail, series_what_if
from ..series.panel_live import PanelLive
from ..series.panel_future import stand_ins, stood_in_for
from ..series.panel_plan import plan_frame
from ..series.calendar import shown_column
from ..series.panel_pipeline import PanelResult
from ..series.panel_results import panel_download, panel_report
from ..series.panel_scores import lstm_better
from ..training.jobs import Snapshot
from .forecast_view import forecast_table, pick_method, render_live, test_span_chart
from .forecast_view import value_label as with_unit
from .keys import FORECAST as KEYS
from .known_view import show_what_if
from .live import loss_curves, scoring_took, training_took
from .markdown import plain, table_shown

METHODS = {"lstm": N_("LSTM (one model for all)"), **{k: v.capitalize()
                                                      for k, v in BASELINE_NAMES.items()},
           **{k: f"{v} (each series its own)" for k, v in STATISTICAL.items()},
           "combination": N_("LSTM and the statistical model best on validation, mean")}


def method_name(key: str, labels: dict | None = None) -> str:
    """A method's name on the panel's scoreboards, in the reader's language; the combination
    names its statistical half where the results' ``labels`` say it ("mean of the LSTM and
    AutoETS": "the best statistical" read as the test span's best, another model)."""
    if key == COMBINATION and labels and key in labels:
        return method_label(labels[key])
    if key in STATISTICAL:
        return tr("{method} (each series its own)", method=STATISTICAL[key])
    return tr(METHODS[key])  # the rules' names: forecast_view.RULE_NAMES
SEARCH_LIMIT = 1_000  # series the "Open a series" list offers at once (the search narrows it)


def live_view(many: bool, value_label: str):
    """The live view for the training running, which may be on other data than the page shows
    (one series or a panel): chosen by its snapshot, or by the page's data before the first."""
    def render(snap: Snapshot) -> None:
        if isinstance(snap.live, PanelLive) or (snap.live is None and many):
            render_panel_live(snap)
        else:
            render_live(snap, with_unit(value_label, None))  # cut for the chart
    return render


def render_panel_live(snap: Snapshot) -> None:
    """Loss curves, the validation forecast of the longest few series, every method's mean
    validation MASE."""
    left, right = st.columns(2)
    with left:
        loss_curves(snap.history, snap.batches, KEYS.live_loss)
    live = snap.live  # a PanelLive, after the first epoch
    with right:
        if live is None:
            st.caption(tr("The live forecast of a few series on the validation span appears "
                          "after the first epoch."))
            return
        lines = [(name, t, a, f) for name, t, a, f in zip(live.ids, live.times, live.actual,
                                                           live.forecast)]
        title = (trn("Live: {count} series on the validation span",
                     "Live: {count} series on the validation span", len(lines)) if live.alike
                 else tr("Live: the longest series on the validation span"))
        st.plotly_chart(small_multiples(lines, title,
                                        columns=1, height_each=110), key=KEYS.panel_live)
    board = pd.DataFrame({tr("model"): [method_name(k) for k in live.scoreboard],
                          tr("validation MASE (mean over the series)"):
                              [f"{v:.3f}" if np.isfinite(v) else "–"
                               for v in live.scoreboard.values()]})
    st.dataframe(board, hide_index=True, width="content")


def show_panel_result(result: PanelResult, unit: str | None = None,
                      run_id: str | None = None) -> None:
    summary = result.aggregate
    (st.success if lstm_better(summary) else st.warning)(again(result.verdict))
    st.caption(sentences(said_again(result.training), training_took(result.training.seconds),
                         scoring_took(result.seconds - result.training.seconds)))
    with st.expander(tr("How training went"), expanded=False):
        st.plotly_chart(loss_chart(result.training.history), key=KEYS.final_loss)

    st.subheader(tr("Scores on the test span, over every series"))
    st.dataframe(scoreboard(summary, result.labels), hide_index=True, width="content")
    st.caption(_mase_caption(summary))
    cov = result.coverage
    if cov.get("80") is not None:
        st.caption(tr("The intervals should hold 80% and 95% of what really happens; on the "
                      "test span {inner:.0%} and {outer:.0%} of the actual values of all series "
                      "fell inside them.", inner=cov["80"], outer=cov["95"]))

    st.subheader(tr("Every series"))
    method = pick_method(result)
    _series_table_and_detail(result, unit, method, run_id)

    st.subheader(tr("Downloads"))
    a, b, c = st.columns(3)
    name, files = result.panel.name, _download_files(result, run_id, method)
    a.download_button(tr("Download every forecast (CSV)"), files["forecast"],
                      file_name=download_name(name, run_id, forecast_what(method), "csv"),
                      mime="text/csv",
                      key=KEYS.forecast_csv)
    b.download_button(tr("Download every series' scores (CSV)"), files["scores"],
                      file_name=download_name(name, run_id, "scores", "csv"), mime="text/csv",
                      key=KEYS.scores_csv)
    c.download_button(tr("Download the report (JSON)"), files["report"],
                      file_name=download_name(name, run_id, "report", "json"),
                      mime="application/json", key=KEYS.report)
    with st.expander(tr("How the data was split and repaired")):
        _split_note(result)
        for notice in result.notices:
            st.markdown(f"- {plain(notice)}")


def _mase_caption(summary: dict) -> str:
    """What the panel's MASE means and how many series its mean covers (a series that never
    changed in training has none)."""
    scored = summary.get("scored", summary["series"])  # reports before 2026-12-06 lack it
    values = dict(series=summary["series"], scored=scored, left=summary["series"] - scored,
                  rule=tr(BASELINE_NAMES[summary["reference"]]))
    return (tr("MASE divides each series' average miss by its typical change from one season "
               "to the next in training, so series of any size compare; the mean is over the "
               "{count:,} series with a test span. Relative MASE is the typical ratio to "
               "{rule} (geometric mean, as the M4 competition scored): below 1 is better "
               "than that rule. Lower is better everywhere.", count=summary["series"],
               rule=values["rule"])
            if scored == summary["series"] else
            trn("MASE divides each series' average miss by its typical change from one "
                "season to the next in training, so series of any size compare; its mean is "
                "over the {scored:,} of the {series:,} series with a test span whose values "
                "change in training: {left:,} never changed there, so it has no MASE (its "
                "sMAPE is in the mean of sMAPE). Relative MASE is the typical ratio to "
                "{rule} (geometric mean, as the M4 competition scored): below 1 is better "
                "than that rule. Lower is better everywhere.",
                "MASE divides each series' average miss by its typical change from one "
                "season to the next in training, so series of any size compare; its mean is "
                "over the {scored:,} of the {series:,} series with a test span whose values "
                "change in training: {left:,} never changed there, so they have no MASE "
                "(their sMAPE is in the mean of sMAPE). Relative MASE is the typical ratio "
                "to {rule} (geometric mean, as the M4 competition scored): below 1 is better "
                "than that rule. Lower is better everywhere.", values["left"], **values))


def _download_files(result: PanelResult, run_id: str | None, method: str) -> dict[str, str]:
    """The downloads of the result shown, with ``method``'s forecasts, made once (10,000
    series' CSVs and report take over a second, and every click on the page reruns it)."""
    made = st.session_state.get(KEYS.panel_files)
    if made is None or made[0] is not result or made[1]["method"] != method:
        made = (result, {"method": method,
                         "forecast": spreadsheet_csv(panel_download(result, method)),
                         "scores": spreadsheet_csv(result.series),
                         "report": json.dumps(panel_report(result), indent=2, default=str,
                                              ensure_ascii=False)})
        st.session_state[KEYS.panel_files] = made
    return made[1]


def scoreboard(summary: dict, labels: dict | None = None) -> pd.DataFrame:
    """One row per method: mean MASE, relative MASE, sMAPE, and on how many series it beats
    the reference rule."""
    fmt = lambda v, digits=3: "–" if v is None else f"{v:.{digits}f}"
    reference = tr(BASELINE_NAMES[summary["reference"]])
    rows = [{tr("model"): method_name(name, labels), tr("mean MASE"): fmt(row["mase"]),
             tr("relative MASE"): fmt(row["relative_mase"]), tr("sMAPE %"): fmt(row["smape"], 1),
             tr("beats {rule} on", rule=reference): "–" if name == summary["reference"]
             else tr("{count:,} of {total:,}", count=row["beats_reference"],
                     total=summary["series"])}
            for name, row in summary.items() if isinstance(row, dict)]
    return pd.DataFrame(rows)


def per_series_table(result: PanelResult) -> pd.DataFrame:
    """Every series' scores as a person reads them, worst (highest LSTM MASE) first; series
    without a test span last."""
    table, reference = result.series, result.aggregate["reference"]
    shown = pd.DataFrame({
        "series": table["id"], "values": table["length"],
        "LSTM MASE": table["lstm_mase"], f"{BASELINE_NAMES[reference]} MASE":
            table[f"{reference}_mase"],
        "LSTM sMAPE %": table["lstm_smape"],
        "80% interval held": 100 * table["coverage_80"]})  # in percent: one decimal each
    shown["LSTM vs rule"] = table["lstm_mae"] / table[f"{reference}_mae"]
    return shown.sort_values("LSTM MASE", ascending=False, na_position="last", kind="stable")


def shown_columns(result: PanelResult) -> dict[str, str]:
    """per_series_table's columns as the reader sees them."""
    reference = result.aggregate["reference"]
    rule = f"{BASELINE_NAMES[reference]} MASE"
    return {"series": tr("series"), "values": tr("values"), "LSTM MASE": "LSTM MASE",
            rule: tr("{rule} MASE", rule=tr(BASELINE_NAMES[reference])),
            "LSTM sMAPE %": "LSTM sMAPE %", "80% interval held": tr("80% interval held"),
            "LSTM vs rule": tr("LSTM vs rule")}


def _series_table_and_detail(result: PanelResult, unit: str | None, method: str,
                             run_id: str | None) -> None:
    table = per_series_table(result)
    query = st.text_input(tr("Search the series"), key=KEYS.panel_search,
                          placeholder=tr("part of a series' name"),
                          help=tr("Shows only the series whose name contains this text."))
    if query:
        table = table[table["series"].str.contains(query, case=False, regex=False)]
    if table.empty:
        st.info(tr("No series' name contains that text."))
        return
    ids = table["series"].tolist()[:SEARCH_LIMIT]
    opened = st.session_state.get(KEYS.panel_series)
    if opened not in ids:  # the list offers the series opened from the table too
        ids = ids + [opened] if opened in set(table["series"]) else ids
        st.session_state[KEYS.panel_series] = opened if opened in ids else ids[0]
    # A tick opens its row's series and is then cleared (the table is drawn afresh under a new
    # key): a tick left standing would point at another series once the search or the list
    # below changes what is shown.
    fresh = zlib.crc32(f"{query}\n{st.session_state[KEYS.panel_series]}".encode())
    names = shown_columns(result)  # the table's own columns stay for the code below
    event = st.dataframe(
        table_shown(table.rename(columns=names)), hide_index=True, placeholder="–",
        height=min(300, 35 * (len(table) + 1) + 3),
        on_select="rerun", selection_mode="single-row", key=f"{KEYS.panel_table}_{fresh:08x}",
        column_config={names["LSTM MASE"]: st.column_config.NumberColumn(format="%.3f"),
                       names[table.columns[3]]: st.column_config.NumberColumn(format="%.3f"),
                       names["LSTM sMAPE %"]: st.column_config.NumberColumn(format="%.1f"),
                       names["80% interval held"]: st.column_config.NumberColumn(
                           format="%.1f%%"),
                       names["LSTM vs rule"]: st.column_config.NumberColumn(
                           format="%.2f", help=tr("The LSTM's average miss over the rule's: "
                                                  "below 1, the LSTM was closer on this "
                                                  "series."))})
    st.caption(sentences(
        tr("Worst first (highest LSTM MASE). Click a column to sort by it; tick a row to see "
           "that series' forecasts."),
        tr("A blank score: the series is too short to have a test span, or (MASE alone) its "
           "values never changed in training.") if table["LSTM MASE"].isna().any() else ""))
    picked = event.selection.rows if event is not None else []
    if picked and picked[0] < len(table):
        chosen = table["series"].iloc[picked[0]]
        if chosen != st.session_state[KEYS.panel_series]:
            st.session_state[KEYS.panel_series] = chosen
            st.rerun()
    opened = st.selectbox(tr("Series shown below"), ids, key=KEYS.panel_series, format_func=no_bidi,
                          help=tr("The worst series first; the search above narrows the list."))
    if len(table) > SEARCH_LIMIT:
        st.caption(tr("The list offers the first {shown:,} of {count:,} series; search to find "
                      "the others.", shown=SEARCH_LIMIT, count=len(table)))
    _one_series(result, result.panel.ids.index(opened), unit, method, run_id)


def _one_series(result: PanelResult, i: int, unit: str | None, method: str,
                run_id: str | None) -> None:
    detail = series_detail(result, i, method)
    series, row = detail.series, detail.scores
    value = result.panel.value_col if result.panel.layout == "long" else tr("value")
    label = with_unit(value, unit)
    reference = result.aggregate["reference"]
    lookback = result.config.lookback
    short = result.panel.lengths[i] < lookback  # a rule forecasts it: no plan is read
    if short:
        st.info(sentences(
            tr("**{series}** has {count:,} values, fewer than the lookback ({lookback}), so it is "
               "not scored and {rule} forecasts it in the LSTM's place; its forecast is below.",
               series=plain(row["id"]), count=int(result.panel.lengths[i]), lookback=lookback,
               rule=stand_ins(result.panel, lookback, "LSTM")[i]),
            tr("That reads no plan.") if result.trained.known else ""))
    elif detail.backtest is None:
        st.info(tr("**{series}** has no whole forecast in the test span (it ends early or is "
                   "short), so it is not scored; its forecast is below.",
                   series=plain(row["id"])))
    else:
        rule = rules(result.panel.season_length, result.panel.freq)[reference]
        values = dict(series=plain(row["id"]), mae=readable_number(row["lstm_mae"]), rule=rule,
                      rule_mae=readable_number(row[f"{reference}_mae"]), mase=row["lstm_mase"],
                      rule_mase=row[f"{reference}_mase"])
        if not np.isfinite(row[f"{reference}_mae"]):
            words = tr("**{series}**: on the test span the LSTM's forecasts were off by "
                       "**{mae}** on average; {rule} could not be scored on it (too little "
                       "history behind).", **values)
        elif np.isfinite([row["lstm_mase"], row[f"{reference}_mase"]]).all():
            words = tr("**{series}**: on the test span the LSTM's forecasts were off by "
                       "**{mae}** on average; {rule} was off by {rule_mae} (MASE {mase:.2f} "
                       "against {rule_mase:.2f}).", **values)
        else:
            words = tr("**{series}**: on the test span the LSTM's forecasts were off by "
                       "**{mae}** on average; {rule} was off by {rule_mae}.", **values)
        st.markdown(sentences(words, _picked_said(result, row, method)))
        st.plotly_chart(test_span_chart(detail.backtest, result.config.horizon, series, label,
                                        method, method_label(result.labels[method])),
                        key=KEYS.backtest)
    _forecast_and_plan(result, i, detail, label, method, short)
    show_what_if(series_what_if(result, i), label, f"{KEYS.what_if}_{run_id or result.token}_{i}",
                 download_name(series.name, run_id, "what-if", "csv"), result.config.holidays)


def _forecast_and_plan(result: PanelResult, i: int, detail, label: str, method: str,
                       short: bool) -> None:
    """Series ``i``'s forecast after its last value (``method``'s, or the rule's standing in
    for it): its chart, and its table with the plan the LSTM read beside each step."""
    series = detail.series
    history = series.frame[series.value_col]
    last, panel_last = series.frame.index[-1], result.panel.times.max()
    if series.freq is not None and last < panel_last:
        when = time_labels(pd.Index([last, panel_last]), series.freq)
        st.caption(tr("This series ends on {end}, before the file's last date ({last}): its "
                      "forecast starts after its own last value, so some of its dates are "
                      "already past for the other series.", end=when[0], last=when[1]))
    name = method_label(result.labels[method])  # or the rule that stands in for it here
    name = (stand_ins(result.panel, result.config.lookback, name) if method == "lstm" else
            stood_in_for(result.panel, result.stood_in.get(method, []), name))[i]
    st.plotly_chart(forecast_chart(history, detail.forecast, label, method=name),
                    key=KEYS.forecast)
    plan = plan_frame(result.panel, result.config, i) if result.trained.known and not short \
        else None
    plan = plan if plan is not None and plan.shape[1] else None  # (the calendar: not shown)
    if plan is not None:  # beside each step: what it read ahead
        st.caption(tr("Beside each step, the plan the LSTM read ahead for this series: {columns}.",
                      columns=listing(plain(shown_column(c)) for c in plan.columns)))
        plan = plan.rename(columns=shown_column)
    forecast_table(detail.forecast, series.freq, plan)


def _picked_said(result: PanelResult, row: pd.Series, method: str) -> str:
    """How far off the forecast picked (when not the LSTM's) was on this series' test span."""
    mae, mase = row.get(f"{method}_mae"), row.get(f"{method}_mase")
    if method == "lstm" or mae is None or not np.isfinite(mae):
        return ""
    name = method_label(result.labels[method])
    if mase is not None and np.isfinite(mase):
        return tr("The forecast picked, {method}, was off by **{mae}** (MASE {mase:.2f}).",
                  method=name, mae=readable_number(mae), mase=mase)
    return tr("The forecast picked, {method}, was off by **{mae}**.", method=name,
              mae=readable_number(mae))


def _split_note(result: PanelResult) -> None:
    """The cut-off dates every series shares, and that each was scaled on its own training."""
    panel, split = result.panel, result.split
    tested = np.flatnonzero((split.val < split.test) & (split.test < split.ends))
    if panel.freq is not None and len(tested):  # a series that has both spans shows the dates
        i = int(tested[0])
        val, test = (time_labels(pd.Index([panel.times[int(at[i])]]), panel.freq)[0]
                     for at in (split.val, split.test))
        st.markdown(tr("- Every series is cut on the same dates: **validation** from {validation}, "
                       "**test** from {test}; training is everything before.", validation=val,
                       test=test))
    elif panel.freq is None:
        st.markdown(tr("- Every series keeps its last rows for validation and test, in row "
                       "order."))
    st.markdown(tr("- Each series was scaled on **its own training span only**; one model learnt "
                   "from the training windows of all of them."))
