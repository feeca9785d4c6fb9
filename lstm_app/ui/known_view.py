"""The Forecast page's known-ahead values: the plan a forecast reads over its horizon (before
training), and the what-if (after): the same table edited, the forecast redrawn beside the
base one without retraining."""

from __future__ import annotations

import hashlib
from dataclasses import replace

import numpy as np
import pandas as pd
import streamlit as st

from ..i18n import N_, tr, trn
from ..charts import forecast_chart
from ..quoting import cut, listed, readable_number, spreadsheet_csv
from ..series.ahead import WhatIf
from ..series.calendar import holiday_label, holiday_name, shown_column
from ..series.frequency import time_labels
from ..series.scoreboard import method_label
from ..series.known import check_future, future_known, plan_reach, with_plan
from ..series.loading import SeriesData
from ..series.panel import PanelData
from ..series.panel_pipeline import resolve_panel
from ..series.panel_plan import plan_table
from ..series.panel_future import panel_plan_reach
from ..series.window_choice import resolve_window
from ..series.settings import ForecastConfig
from .forecast_settings import longest_horizon
from .keys import FORECAST as KEYS
from .markdown import plain, table_shown

WHEN = N_("when")  # the table's first column: the dates, not editable


def _editor(table: pd.DataFrame, freq: str | None, key: str, help_text: str,
            holidays: str = "", kept: str | None = None) -> pd.DataFrame:
    """``table`` (one row per step of the horizon) in an editable grid; its values as edited,
    on the table's own index and columns. The holiday column of the country ``holidays`` is
    headed in the reader's language; the file's own columns as they are. With ``kept`` (a
    session key), each cell edited is kept by its date and column, and shown again in any
    grid of that key: a grid made afresh (a longer horizon, another column, holidays added,
    another language) keeps what was typed."""
    edits = st.session_state.setdefault(kept, {}) if kept else {}
    seeded = _with_edits(table, edits)
    edited = _grid(seeded, freq, key, help_text, holidays)
    if kept:
        _keep_edits(table, edited, edits)
    return edited


def _cell_key(when, column: str) -> tuple[str, str]:
    return str(when), str(column)


def _places(table: pd.DataFrame, keys: list) -> tuple[np.ndarray, np.ndarray]:
    """The rows and columns of ``table`` the cells ``keys`` name (-1 where it has none)."""
    if not keys:
        return np.zeros(0, dtype=int), np.zeros(0, dtype=int)
    rows = pd.Index(table.index.map(str)).get_indexer([when for when, _ in keys])
    columns = pd.Index(table.columns.map(str)).get_indexer([column for _, column in keys])
    return rows, columns


def _with_edits(table: pd.DataFrame, edits: dict) -> pd.DataFrame:
    """``table`` with the kept ``edits`` of its cells in place (a pass over what was typed,
    not over the table)."""
    seeded = table.copy()
    keys = list(edits)
    for (row, column), key in zip(zip(*_places(table, keys)), keys):
        if row >= 0 and column >= 0:
            seeded.iat[row, column] = edits[key]
    return seeded


def _keep_edits(table: pd.DataFrame, edited: pd.DataFrame, edits: dict) -> None:
    """Keep each cell of ``edited`` that differs from ``table`` (the plan as read) in ``edits``;
    forget those of this grid set back or cleared (the cells of other grids stay kept)."""
    changed = (edited.notna() & edited.ne(table)).to_numpy()
    keys = list(edits)
    for (row, column), key in zip(zip(*_places(table, keys)), keys):
        if row >= 0 and column >= 0 and not changed[row, column]:
            del edits[key]
    rows, columns = np.nonzero(changed)
    for row, column in zip(rows, columns):
        edits[_cell_key(table.index[row], table.columns[column])] = float(edited.iat[row, column])


def _grid(table: pd.DataFrame, freq: str | None, key: str, help_text: str,
          holidays: str) -> pd.DataFrame:
    when = tr(WHEN)
    heads = {holiday_name(holidays): holiday_label(holidays)} if holidays else {}
    shown = table.rename(columns=heads)
    while when in shown.columns:  # a column of the user's own named so: the dates' apart
        when += " "
    shown.insert(0, when, time_labels(table.index, freq) if freq else
                 [tr("row {number}", number=int(i) + 1) for i in table.index])
    config = {when: st.column_config.TextColumn(when, disabled=True)}
    # The grid draws its headers as text, not markdown: the names go in as they are, cut.
    config.update({name: st.column_config.NumberColumn(cut(name), help=help_text)
                   for name in shown.columns[1:]})
    for name in heads.values():  # a count of public holidays: a whole number, never below 0
        config[name] = st.column_config.NumberColumn(cut(name), help=help_text, min_value=0,
                                                     step=1)
    edited = st.data_editor(shown.reset_index(drop=True), key=key, hide_index=True,
                            column_config=config, num_rows="fixed", width="stretch",
                            placeholder="")  # a blank to fill in, not "None"
    return (edited.drop(columns=when).set_axis(table.index).set_axis(table.columns, axis=1)
            .astype("float64"))


def planned_series(series: SeriesData, config: ForecastConfig,
                   fingerprint: str) -> SeriesData | None:
    """The series (its data's ``fingerprint`` names it) with the plan its forecast will read
    over the horizon, as the user sees and edits it; None (and what is missing, named) while a
    planned value is blank."""
    if not config.known_covariates and not config.holidays:
        return series
    horizon = resolve_window(series, config)[1]
    table = future_known(series, config, horizon)
    blank = bool(table.isna().to_numpy().any())
    _plan_beyond(plan_reach(series, config), horizon, series)
    with st.expander(trn("Known ahead: the plan the next training reads ({count} step)",
                         "Known ahead: the plan the next training reads ({count} steps)",
                         horizon), expanded=blank):
        st.caption(tr("The values of the known-ahead inputs over the forecast horizon, from the "
                      "rows after the last value of your file. Fill in or change any of them "
                      "before Train; the holiday column counts the public holidays of each "
                      "step. To try other values on a trained model, use What if? below its "
                      "forecast."))
        # A grid for each horizon and set of columns of this data's plan; what was typed in any
        # is kept by date and column, and shown again in the others.
        columns = hashlib.sha256("\n".join(table.columns).encode()).hexdigest()[:12]
        key = f"{KEYS.plan}_{fingerprint[:16]}_{horizon}_{columns}"
        edited = _editor(table, series.freq, key, tr("A value planned for this date."),
                         config.holidays, kept=f"{KEYS.plan}_kept_{fingerprint[:16]}")
    try:
        check_future(edited, series.value_col, on_page=True)
    except ValueError as error:
        st.warning(plain(error))
        return None
    return replace(series, future=edited)


def _plan_beyond(reach: int, horizon: int, data: SeriesData | PanelData) -> None:
    """Said where the file plans further than the horizon reads (an 8-week plan, "auto" 6),
    with a button that sets the horizon to the plan's length where the page allows it."""
    if reach <= horizon:
        return
    st.caption(tr("Your file plans {count} steps ahead, but the horizon is {horizon}, so the "
                  "steps after it are not read. Set the horizon to {count} to forecast the "
                  "whole plan.", count=reach, horizon=horizon))
    if reach <= longest_horizon(data):
        st.button(tr("Set the horizon to {count}", count=reach), key=KEYS.horizon_to_plan,
                  on_click=_set_horizon, args=(reach,))


def _set_horizon(steps: int) -> None:
    st.session_state[KEYS.setting("horizon")] = steps


def show_panel_plan(panel: PanelData, config: ForecastConfig) -> None:
    """Each series' plan the next training reads, step by step, to look at (a panel's plan
    comes from its file: a blank there is named above, and Train waits)."""
    if not config.known_covariates:
        return
    try:
        resolved = resolve_panel(panel, config)
    except ValueError:  # (said where the settings are checked)
        return
    table = plan_table(panel, resolved)
    steps = table.columns[2:]
    blank = bool(table[steps].isna().to_numpy().any())
    _plan_beyond(panel_plan_reach(panel, tuple(config.known_covariates), resolved.lookback),
                 resolved.horizon, panel)
    with st.expander(trn("Known ahead: each series' plan the next training reads ({count} step)",
                         "Known ahead: each series' plan the next training reads ({count} steps)",
                         resolved.horizon), expanded=blank):
        st.caption(tr("The values of the known-ahead inputs over the forecast horizon, from the "
                      "rows after each series' last value in your file, step by step from the "
                      "date shown. To change them, change the file and load it again; after "
                      "training, What if? under a series' forecast tries other values."))
        starts = pd.Index(table["from"])
        heads = {k: str(k) for k in range(1, resolved.horizon + 1)}  # steps, or the dates
        if panel.freq is not None and starts.nunique() == 1:  # every plan from the same date
            days = pd.date_range(starts[0], periods=resolved.horizon, freq=panel.freq)
            heads = dict(zip(heads, time_labels(days, panel.freq)))
            table = table.drop(columns="from")
        else:
            table = table.assign(**{"from": time_labels(starts, panel.freq)})
        names = {"id": tr("series"), "from": tr("from"),
                 **{step: f"{cut(shown_column(step[0]))} {heads[step[1]]}" for step in steps}}
        st.dataframe(table_shown(table.set_axis([names[c] for c in table.columns], axis=1)),
                     hide_index=True, placeholder="", height=min(300, 35 * (len(table) + 1) + 3))
        short = [name for name, n in zip(panel.ids, panel.lengths) if n < resolved.lookback]
        if short:
            st.caption(trn("{count:,} series shorter than the lookback ({lookback}) is forecast "
                           "by a simple rule, which reads no plan, so it is not listed: {names}.",
                           "{count:,} series shorter than the lookback ({lookback}) are forecast "
                           "by a simple rule, which reads no plan, so they are not listed: "
                           "{names}.", len(short), lookback=resolved.lookback,
                           names=plain(listed(short))))


def show_what_if(what: WhatIf | None, label: str, key: str, file_name: str,
                 holidays: str = "") -> None:
    """The what-if of a forecast (one series', or one series' of a panel): the plan as its LSTM
    forecast read it, editable (cells kept under ``key``); when changed, that forecast reading
    the edits, drawn over the base forecast, and both as a download named ``file_name`` (a
    panel's series named on each row, by its id and each of several id columns)."""
    if what is None or what.plan.shape[1] == 0:
        return
    st.subheader(tr("What if?"))
    st.caption(tr("The plan this model's forecast read. Change it (a promotion on other days, a "
                  "price 10% lower, a holiday added) and the LSTM's forecast is redrawn at once, "
                  "without retraining, beside the base forecast. A what-if shows what the model "
                  "learnt from the past about these inputs, not a promise of what the change "
                  "will cause."))
    if what.recommended == "combination":
        st.caption(tr("The what-if redraws the LSTM's forecast; the recommended mean of the LSTM "
                      "and a statistical model reads these inputs only through its LSTM half."))
    elif what.recommended != "lstm":
        st.caption(tr("The what-if redraws the LSTM's forecast; the recommended {method} does "
                      "not read these inputs.",
                      method=plain(method_label(what.labels[what.recommended]))))
    for sentence in what.beyond(what.plan, edited_only=False):
        st.warning(plain(sentence), icon=":material/warning:")
    edited = _editor(what.plan, what.series.freq, key, tr("Change it to see the forecast move."),
                     holidays, kept=f"{key}_kept")
    if edited.equals(what.plan):
        st.caption(tr("Edit a cell above to see a what-if."))
        return
    try:
        moved = what.moved(edited)
    except ValueError as error:
        st.warning(plain(error))
        return
    for sentence in what.beyond(edited):
        st.warning(plain(sentence), icon=":material/warning:")
    history = what.series.frame[what.series.value_col]
    horizon = len(what.plan)
    chart = forecast_chart(history, moved, label, tail=max(3 * horizon, 14),
                           method=tr("What-if"), base=what.base)
    chart.update_layout(title_text=tr("What if: the next {steps} steps, against the base "
                                      "forecast", steps=horizon))
    st.plotly_chart(chart, key=KEYS.what_if_chart)
    st.markdown(_change_words(*what.change(moved), horizon))
    both = what.base.rename(columns=lambda c: c if c == "time" else f"base_{c}")
    both = both.join(moved.drop(columns="time").add_prefix("what_if_"))
    both = with_plan(with_plan(both, edited), what.plan, "base_planned_")  # (which days moved)
    named = {c: v for c, v in what.names.items() if c not in both.columns}
    both = pd.concat([pd.DataFrame(named, index=both.index), both], axis=1)  # a panel's series
    st.download_button(tr("Download the what-if and the base forecast (CSV)"),
                       spreadsheet_csv(both), file_name=file_name, mime="text/csv",
                       key=KEYS.what_if_csv)


def _change_words(change: float, base: float, steps: int) -> str:
    """What the edits change over the horizon, as one sentence (with its share of the base's
    total where that total is positive: a share of a negative total says nothing)."""
    signed = ("+" if change > 0 else "") + readable_number(change)
    if base > 0:
        return tr("Over the {steps} steps together, the what-if forecast is {change} against the "
                  "base forecast ({share:+.1%} of its total).", steps=steps, change=signed,
                  share=change / base)
    return tr("Over the {steps} steps together, the what-if forecast is {change} against the "
              "base forecast.", steps=steps, change=signed)
