"""Choosing a file of many series on the Forecast page: the id columns (or every column a
series), the time and value columns, and what the loader found, with a few series drawn small."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from ..i18n import tr
from ..charts import small_multiples
from ..runs.recording import data_fingerprint
from ..series.frequency import time_labels
from ..series.loading import NO_TIME_COLUMN
from ..series.panel import PanelData, Proposal, load_panel, propose_layout
from ..series.settings import FORECAST_SETTINGS
from ..tasks import PANEL
from .keys import FORECAST as KEYS
from .markdown import plain
from .source_picker import Chosen, show_notices

DRAWN = 6  # series drawn small in the summary


@st.cache_data(show_spinner=False, max_entries=32)
def proposal_cached(_data: bytes, digest: str, name: str) -> Proposal:
    return propose_layout(_data, name)


@st.cache_data(show_spinner="Reading every series…", max_entries=16)
def panel_cached(_data: bytes, digest: str, name: str, layout: str, id_cols: tuple[str, ...],
                 time_col: str | None, value_col: str | None,
                 covariates: tuple[str, ...]) -> PanelData:
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
        picked = st.multiselect(tr(rows["id_col"].label), options, key=key,
                                help=tr(rows["id_col"].help), persist_state="session")
        if not picked:
            st.info("Choose the column or columns that name each series (for example store, "
                    "or store and product), or read every numeric column as its own series.")
            return None
        id_cols = tuple(picked)
    left, right = st.columns(2)
    time_options = ([proposal.time_col] if proposal.time_col else []) + [NO_TIME_COLUMN]
    time_col = left.selectbox(tr(rows["time_col"].label), time_options, key=KEYS.time_col(name),
                              help=tr(rows["time_col"].help), persist_state="session")
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
                                        key=KEYS.value_col(name), help=tr(rows["value_col"].help),
                                        persist_state="session")
            covariates = tuple(c for c in st.session_state.get(KEYS.setting("covariates")) or ()
                               if c in choices and c != value_col)
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


def is_panel(data) -> bool:
    """Whether the page's data is a file of many series."""
    return isinstance(data, PanelData)


def show_panel(chosen: Chosen) -> None:
    """What the app understood: how many series, how long, how often, every repair, a few
    series drawn small and a table of all of them."""
    panel: PanelData = chosen.data
    lengths = panel.lengths
    by = (f"one per {' and '.join(map(plain, panel.id_cols))}" if panel.layout == "long"
          else "one per numeric column")
    what = (f"forecasting **{plain(panel.value_col)}**" if panel.layout == "long"
            else "forecasting each column")
    extra = (f" with {', '.join(map(plain, panel.covariates))} as extra inputs"
             if panel.covariates else "")
    st.markdown(f"**{plain(panel.name)}**: **{panel.n_series:,} series** ({by}), "
                f"{panel.freq_label}, {int(lengths.min()):,} to {int(lengths.max()):,} values "
                f"each (typically {int(np.median(lengths)):,})"
                + (f", a season of {panel.season_length} steps" if panel.season_length else "")
                + f"; {what}" + (f" ({plain(chosen.unit)})" if chosen.unit else "") + extra)
    show_notices(panel.notices, chosen)
    drawn = _spread(panel)
    st.plotly_chart(small_multiples(
        [(panel.ids[i], *_values(panel, i), None) for i in drawn],
        f"{len(drawn)} of the {panel.n_series:,} series, from the largest to the smallest"
        if panel.n_series > len(drawn) else "Every series"), key=KEYS.panel_overview)
    with st.expander("Every series"):
        st.dataframe(series_table(panel), hide_index=True, height=280)


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
