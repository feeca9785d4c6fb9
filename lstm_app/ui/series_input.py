"""Choosing the data on the Forecast page: a sample or an upload, the columns, and what the loader repaired."""

from __future__ import annotations

import streamlit as st

from ..i18n import N_, language, tr, translator
from ..charts import series_chart
from ..series.frequency import frequency_words, time_format
from ..series.loading import SeriesData, load_series
from ..series.time_column import NO_TIME_COLUMN
from ..runs.recording import data_fingerprint
from ..series.settings import FORECAST_SETTINGS
from ..quoting import no_bidi
from ..tasks import FORECAST
from .keys import FORECAST as KEYS
from .language import translated
from .markdown import plain, table_shown
from .panel_input import (choose_panel, inputs_clause, proposal_cached, season_clause,
                          target_clause, time_column_label)
from .source_picker import Chosen, show_notices, SourceWidgets, choose_source

LAYOUTS = {"one": N_("One series"), "long": N_("Many series, one per id"),
           "wide": N_("Many series, one per column")}


def load_cached(_data: bytes, digest: str, name: str, time_col: str | None,
                value_col: str | None, covariates: tuple[str, ...]) -> SeriesData:
    """The series, loaded once per data (its ``digest``: the bytes are not hashed), columns and
    language (its notices are in the reader's)."""
    return _load_cached(_data, digest, name, time_col, value_col, covariates, language())


@st.cache_data(show_spinner=False, max_entries=32)
def _load_cached(_data: bytes, digest: str, name: str, time_col: str | None,
                 value_col: str | None, covariates: tuple[str, ...], lang: str) -> SeriesData:
    return load_series(_data, time_col=time_col, value_col=value_col, covariates=covariates,
                       name=name)


@st.cache_data(show_spinner=False, max_entries=32)
def fingerprint_cached(_data: bytes, digest: str, name: str, time_col: str | None,
                       value_col: str | None, covariates: tuple[str, ...]) -> str:
    return data_fingerprint(FORECAST, load_cached(_data, digest, name, time_col, value_col,
                                                  covariates))


TABLE_ROWS = 5_000  # rows of "The data as loaded" sent to the browser

SOURCE = SourceWidgets(
    keys=KEYS, kind="series", label=N_("Data"), own_choice=N_("My own file"),
    radio_help=N_("Try a sample first, or upload a CSV or Excel file with a column of numbers "
                    "over time."),
    upload_label=N_("Upload a CSV or Excel time series"),
    upload_types=("csv", "tsv", "txt", "xlsx", "xls", "xlsb", "ods"),
    upload_help=N_("A table with a date column (optional) and at least one column of numbers. "
                   "Commas, semicolons or tabs; decimal commas and currency signs are fine. Excel "
                   "workbooks (.xlsx, .xls) and LibreOffice spreadsheets (.ods) are read too: "
                   "their sheet of numbers and dates."),
    empty_hint=N_("Upload a CSV or Excel file to start, or pick a sample above."))


def choose_series() -> Chosen | None:
    """A sample or an upload, loaded with the columns the user picks; None (and why) otherwise."""
    source = choose_source(SOURCE)
    return None if source is None else choose_columns(source)


def choose_columns(source: dict) -> Chosen | None:
    """What the file holds (one series, or many: the layout the loader proposes, which the user
    may change), then its columns; errors are shown, not raised."""
    try:
        proposal = proposal_cached(source["data"], source["digest"], source["name"])
    except ValueError as error:
        st.error(plain(error))
        return None
    others = [c for c in proposal.columns if c != proposal.time_col]
    if not proposal.ids and len(others) < 2:
        return _one_series(source)  # one column of numbers: one series, nothing to ask
    key = KEYS.layout(source["name"])
    if key not in st.session_state:  # first seen: the layout the loader proposes
        st.session_state[key] = proposal.layout
    t = translator()
    layout = st.radio(
        tr("What the file holds"), list(LAYOUTS), format_func=lambda name: t(LAYOUTS[name]),
        horizontal=True, key=translated(key), persist_state="session",  # kept on other pages
        help=tr("One series; or many series, one per store or product (named in id columns, a "
                "row per series and date), or one per numeric column. For many series one LSTM "
                "learns from all of them and forecasts each."))
    if layout != "one":
        return choose_panel(source, proposal, layout)
    return _one_series(source)


def _one_series(source: dict) -> Chosen | None:
    """Detect the columns of one series, let the user override them, and load."""
    try:
        detected = load_cached(source["data"], source["digest"], source["name"], None, None, ())
    except ValueError as error:
        st.error(plain(error))
        return None
    left, right = st.columns(2)
    time_options = ([detected.time_col] if detected.time_col else []) + [NO_TIME_COLUMN]
    rows = FORECAST_SETTINGS  # the columns are picked here, for this file's own columns
    time_col = left.selectbox(
        tr(rows["time_col"].label), time_options, key=translated(KEYS.time_col(source["name"])),
        format_func=time_column_label(), help=tr(rows["time_col"].help),
        persist_state="session")
    if st.session_state.get(KEYS.value_col(source["name"])) not in detected.numeric_columns:
        st.session_state.pop(KEYS.value_col(source["name"]), None)
    value_col = right.selectbox(
        tr(rows["value_col"].label), detected.numeric_columns,
        index=detected.numeric_columns.index(detected.value_col), format_func=no_bidi,
        key=KEYS.value_col(source["name"]), help=tr(rows["value_col"].help),
        persist_state="session")
    _apply_sample_settings(source)
    chosen = [*(st.session_state.get(KEYS.setting("covariates")) or ()),
              *(st.session_state.get(KEYS.setting("known_covariates")) or ())]
    covariates = tuple(c for c in dict.fromkeys(chosen)  # a column known ahead is read too
                       if c in detected.numeric_columns and c != value_col)
    # row order where no time column was found: looked for again, so the reason is said
    read_time = None if time_col == NO_TIME_COLUMN and not detected.time_col else time_col
    args = (source["data"], source["digest"], source["name"], read_time, value_col, covariates)
    try:
        return Chosen(load_cached(*args), source["name"], fingerprint_cached(*args),
                      unit=source.get("unit", ""), repaired=tuple(source.get("repaired", ())))
    except ValueError as error:
        st.error(plain(error))
        return None


def _apply_sample_settings(source: dict) -> None:
    """A sample made for some settings (the promotions known ahead) starts with them, once
    per sample: what the user changes afterwards stays."""
    if source.get("settings") and st.session_state.get(KEYS.sample_set) != source["digest"]:
        for name, value in source["settings"].items():
            st.session_state[KEYS.setting(name)] = list(value) if isinstance(value, list) else value
        st.session_state[KEYS.sample_set] = source["digest"]


def show_series(chosen: Chosen) -> None:
    """What the app understood: frequency, size, every repair, a chart and the first rows."""
    series = chosen.data
    known = st.session_state.get(KEYS.setting("known_covariates")) or ()
    past = [c for c in series.covariates if c not in known]
    ahead = [c for c in series.covariates if c in known]
    st.markdown(tr("**{name}**: {rows:,} rows, {frequency}", name=plain(series.name),
                   rows=len(series.frame), frequency=frequency_words(series.freq_label))
                + season_clause(series.season_length)
                + target_clause(plain(series.value_col), chosen.unit)
                + inputs_clause(past, ahead))
    show_notices(series.notices, chosen)
    st.plotly_chart(series_chart(series.frame, series.value_col, series.covariates),
                    key=KEYS.series_chart)
    with st.expander(tr("The data as loaded")):
        written = time_format(series.frame.index, series.freq)  # dates as the page writes them
        st.dataframe(table_shown(series.frame.head(TABLE_ROWS)), height=240, column_config=None
                     if written is None else {"_index": st.column_config.DatetimeColumn(
                         format=written)})
        if len(series.frame) > TABLE_ROWS:  # the browser is sent what it can show, not all
            st.caption(tr("The first {shown:,} of {rows:,} rows.", shown=TABLE_ROWS,
                          rows=len(series.frame)))
