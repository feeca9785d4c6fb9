"""Choosing a file of many series on the Forecast page: the id columns (or every column a
series), the time and value columns, and what the loader found, with a few series drawn small."""

from __future__ import annotations

from typing import Callable

import numpy as np
import pandas as pd
import streamlit as st

from ..i18n import N_, joined, language, listing, tr, translator, trn
from .language import choices_placeholder, select_all, translated
from ..charts import small_multiples
from ..runs.recording import data_fingerprint
from ..series.frequency import frequency_words, time_labels
from ..series.time_column import NO_TIME_COLUMN
from ..series.panel import PanelData, Proposal, load_panel, propose_layout
from ..series.settings import FORECAST_SETTINGS
from ..quoting import no_bidi
from ..tasks import PANEL
from .keys import FORECAST as KEYS
from .markdown import plain, table_shown
from .source_picker import Chosen, show_notices

DRAWN = 6  # series drawn small in the summary
NO_TIME_LABEL = N_("(none: use row order)")  # the loader's NO_TIME_COLUMN, as the reader sees it
TABLE_COLUMNS = {"series": N_("series"), "values": N_("values"), "from": N_("from"),
                 "to": N_("to"), "average": N_("average")}  # series_table's, shown


def proposal_cached(_data: bytes, digest: str, name: str) -> Proposal:
    return _proposal_cached(_data, digest, name, language())


@st.cache_data(show_spinner=False, max_entries=32)
def _proposal_cached(_data: bytes, digest: str, name: str, lang: str) -> Proposal:
    return propose_layout(_data, name)  # its notices are in the reader's language (``lang``)


def panel_cached(_data: bytes, digest: str, name: str, layout: str, id_cols: tuple[str, ...],
                 time_col: str | None, value_col: str | None,
                 covariates: tuple[str, ...]) -> PanelData:
    """The panel, read once per data (its ``digest``) and columns, with a spinner the first
    time (in the reader's language)."""
    with st.spinner(tr("Reading every series…")):
        return _panel_cached(_data, digest, name, layout, id_cols, time_col, value_col,
                             covariates, language())


@st.cache_data(show_spinner=False, max_entries=16)
def _panel_cached(_data: bytes, digest: str, name: str, layout: str, id_cols: tuple[str, ...],
                  time_col: str | None, value_col: str | None,
                  covariates: tuple[str, ...], lang: str) -> PanelData:
    return load_panel(_data, layout=layout, id_cols=id_cols or None, time_col=time_col,
                      value_col=value_col, covariates=covariates, name=name)


@st.cache_data(show_spinner=False, max_entries=16)
def panel_fingerprint(_panel: PanelData, digest: str, columns: tuple) -> str:
    """The run store's fingerprint of the panel read from the data ``digest`` names with these
    ``columns`` (the panel itself is not hashed)."""
    return data_fingerprint(PANEL, _panel)


def choose_panel(source: dict, proposal: Proposal, layout: str) -> Chosen | None:
    """The id columns (long) and the time and value columns, then the panel loaded with them."""
    name, rows = source["name"], FORECAST_SETTINGS
    id_cols: tuple[str, ...] = ()
    if layout == "long":
        options = [c for c in proposal.columns if c != proposal.time_col]
        key = KEYS.id_cols(name)
        if key not in st.session_state:  # first seen: the columns the loader proposes
            st.session_state[key] = [c for c in proposal.ids if c in options]
        st.session_state[key] = [c for c in st.session_state[key] if c in options]
        picked = st.multiselect(tr(rows["id_col"].label), options, key=key, format_func=no_bidi,
                                placeholder=choices_placeholder(options), disabled=not options,
                                help=tr(rows["id_col"].help), persist_state="session",
                                select_all=select_all())
        if not picked:
            st.info(tr("Choose the column or columns that name each series (for example store, "
                       "or store and product), or read every numeric column as its own series."))
            return None
        id_cols = tuple(picked)
    left, right = st.columns(2)
    time_options = ([proposal.time_col] if proposal.time_col else []) + [NO_TIME_COLUMN]
    time_col = left.selectbox(tr(rows["time_col"].label), time_options,
                              key=translated(KEYS.time_col(name)),
                              format_func=time_column_label(), help=tr(rows["time_col"].help),
                              persist_state="session")
    value_col, covariates = None, ()
    try:
        detected = panel_cached(source["data"], source["digest"], name, layout, id_cols,
                                time_col, None, ())
        if layout == "long":
            choices = [c for c in detected.numeric_columns if c not in id_cols]
            if st.session_state.get(KEYS.value_col(name)) not in choices:  # an id column now
                st.session_state.pop(KEYS.value_col(name), None)
            value_col = right.selectbox(tr(rows["value_col"].label), choices,
                                        index=choices.index(detected.value_col),
                                        format_func=no_bidi,
                                        key=KEYS.value_col(name), help=tr(rows["value_col"].help),
                                        persist_state="session")
            read = [*(st.session_state.get(KEYS.setting("covariates")) or ()),
                    *(st.session_state.get(KEYS.setting("known_covariates")) or ())]
            covariates = tuple(c for c in dict.fromkeys(read) if c in choices and c != value_col)
        columns = (layout, id_cols, time_col, value_col, covariates)
        same = value_col in (None, detected.value_col) and not covariates
        panel = detected if same else panel_cached(source["data"], source["digest"], name,
                                                   *columns)
        fingerprint = panel_fingerprint(panel, source["digest"], columns)
    except ValueError as error:
        st.error(plain(error))
        return None
    return Chosen(panel, name, fingerprint, unit=source.get("unit", ""),
                  repaired=tuple(source.get("repaired", ())))


def time_column_label() -> Callable[[str], str]:
    """The time column's format_func: the loader's "(none: use row order)" in the reader's
    language; the file's own columns as they are."""
    t = translator()
    return lambda column: t(NO_TIME_LABEL) if column == NO_TIME_COLUMN else no_bidi(column)


def is_panel(data) -> bool:
    """Whether the page's data is a file of many series."""
    return isinstance(data, PanelData)


def show_panel(chosen: Chosen) -> None:
    """What the app understood: how many series, how long, how often, every repair, a few
    series drawn small and a table of all of them."""
    panel: PanelData = chosen.data
    lengths = panel.lengths
    long = panel.layout == "long"
    known = st.session_state.get(KEYS.setting("known_covariates")) or ()
    by = (tr("one per {columns}", columns=joined(plain(c) for c in panel.id_cols))
          if long else tr("one per numeric column"))
    values = dict(name=plain(panel.name), count=panel.n_series, by=by,
                  frequency=frequency_words(panel.freq_label), low=int(lengths.min()),
                  high=int(lengths.max()), typical=int(np.median(lengths)))
    st.markdown((tr("**{name}**: **{count:,} series** ({by}), {frequency}, {low:,} to {high:,} "
                    "values each (typically {typical:,})", **values)
                 if values["low"] < values["high"] else
                 tr("**{name}**: **{count:,} series** ({by}), {frequency}, {high:,} values each",
                    **values))
                + season_clause(panel.season_length)
                + target_clause(plain(panel.value_col) if long else None, chosen.unit)
                + inputs_clause([c for c in panel.covariates if c not in known],
                                [c for c in panel.covariates if c in known]))
    show_notices(panel.notices, chosen)
    drawn = _spread(panel)
    st.plotly_chart(small_multiples(
        [(panel.ids[i], *_values(panel, i), None) for i in drawn],
        tr("{drawn} of the {count:,} series, from the largest to the smallest", drawn=len(drawn),
           count=panel.n_series)
        if panel.n_series > len(drawn) else tr("Every series")), key=KEYS.panel_overview)
    with st.expander(tr("Every series")):
        st.dataframe(table_shown(series_table(panel).rename(
            columns=lambda c: tr(TABLE_COLUMNS[c]))), hide_index=True, height=280)


def _spread(panel: PanelData) -> list[int]:
    """``DRAWN`` series from the largest average to the smallest, evenly apart."""
    code = np.repeat(np.arange(panel.n_series), panel.lengths)
    means = np.bincount(code, weights=panel.values[:, 0]) / panel.lengths
    order = np.argsort(-means, kind="stable")
    picks = np.unique(np.linspace(0, len(order) - 1, min(DRAWN, len(order))).round().astype(int))
    return [int(order[p]) for p in picks]


def _values(panel: PanelData, i: int) -> tuple[pd.Index, np.ndarray]:
    rows = slice(int(panel.starts[i]), int(panel.starts[i + 1]))
    return panel.times[rows], panel.values[rows, 0]


def series_table(panel: PanelData) -> pd.DataFrame:
    """One row per series: its name, length, first and last time and average value."""
    first, last = panel.starts[:-1], panel.starts[1:] - 1
    code = np.repeat(np.arange(panel.n_series), panel.lengths)
    labels = (time_labels(pd.Index(panel.times[first]), panel.freq),
              time_labels(pd.Index(panel.times[last]), panel.freq)) if panel.freq else (
        [1] * panel.n_series, list(panel.lengths))
    return pd.DataFrame({"series": panel.ids, "values": panel.lengths, "from": labels[0],
                         "to": labels[1],
                         "average": np.bincount(code, weights=panel.values[:, 0]) / panel.lengths})


# The summary of the data is a list of facts; each optional fact is a clause in the reader's
# language, its separator with it (English ", …", Chinese "，…").

def season_clause(steps: int | None) -> str:
    return tr(", a season of {steps} steps", steps=steps) if steps else ""


def target_clause(column: str | None, unit: str | None) -> str:
    """What is forecast: ``column`` (already escaped; None: each column of a wide file), with
    the sample's ``unit`` (a sentence of the catalog)."""
    if column is None:
        return (tr("; forecasting each column ({unit})", unit=plain(tr(unit))) if unit
                else tr("; forecasting each column"))
    return (tr("; forecasting **{column}** ({unit})", column=column, unit=plain(tr(unit)))
            if unit else tr("; forecasting **{column}**", column=column))


def inputs_clause(past: list[str], ahead: list[str] | tuple = ()) -> str:
    """The columns read besides the value: as extra inputs, and as inputs known ahead."""
    clauses = []
    if past:
        clauses.append(trn(" with {columns} as an extra input", " with {columns} as extra inputs",
                           len(past), columns=listing(plain(c) for c in past)))
    if ahead:
        clauses.append(trn(" with {columns} as an input known ahead",
                           " with {columns} as inputs known ahead", len(ahead),
                           columns=listing(plain(c) for c in ahead)))
    return "".join(clauses)
