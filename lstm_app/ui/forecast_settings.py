"""The Forecast page's settings: the forecaster's settings table laid out for this series, and the
weights-to-windows note."""

from __future__ import annotations

import streamlit as st

from ..i18n import N_, tr
from ..series.calendar import holiday_choices
from ..series.loading import SeriesData
from ..series.panel import PanelData
from ..series.panel_future import planned_steps
from ..series.window_choice import resolve_window
from ..series.settings import ForecastConfig
from ..series.sizing import count_weights, size_advice, suggested_config, training_windows
from ..tasks import FORECAST as TASK
from .keys import FORECAST as KEYS
from .markdown import plain
from .settings_form import config_from_settings, init_settings, settings_form, suggest
from .source_picker import Chosen

BASIC = ["lookback", "horizon", "hidden_size", "epochs"]
MORE = {N_("The network"): [["num_layers", "dropout", "cell"],
                             ["season_anchor", "anchor_last", "window_scale"]],
        N_("Training"): [["batch_size", "lr", "patience"],
                         ["optimizer", "lr_schedule", "grad_clip"], ["minutes"]],
        N_("The data"): [["covariates", "known_covariates"], ["calendar", "holidays"],
                     ["val_size", "test_size", "stride", "seed"]],
        N_("The scoreboard"): [["statistical_seconds"]]}
# A file of one series per column has no columns besides its series
WIDE_HIDES = ("known_covariates",)
DATED_ONLY = ("calendar", "holidays")  # inputs the dates give
MANY = {N_("Many series"): [["id_embedding"]]}
BASIS = ("lookback", "horizon", "num_layers", "val_size", "test_size", "covariates",
         "known_covariates")


@st.cache_data(show_spinner=False, max_entries=32)
def suggestion_cached(fingerprint: str, given: dict, _series: SeriesData | PanelData) -> dict:
    """The settings suggested for the series (``fingerprint`` names it) and the ``given`` ones."""
    config = suggested_config(_series, given)
    return {name: getattr(config, name) for name in config.suggested}


def longest_horizon(data: SeriesData | PanelData) -> int:
    """The longest horizon the page offers: a quarter of the (typical) series."""
    typical = data.series(data.typical()) if isinstance(data, PanelData) else data
    return max(1, len(typical.frame) // 4)


def forecast_settings(chosen: Chosen) -> ForecastConfig | None:
    """Render the settings, suggested for this series (or panel) where the user has not chosen,
    and return the config they describe (lookback/horizon may be "auto"), or None, with the
    reason shown, if they do not make one."""
    data = chosen.data
    panel = isinstance(data, PanelData)
    typical = data.series(data.typical()) if panel else data  # what "auto" is judged on
    init_settings(TASK, KEYS)
    state = st.session_state
    basis = {name: state[KEYS.setting(name)] for name in BASIS}
    # One series with a season anchor keeps learning changes from its last value.
    read = BASIS if panel else (*BASIS, "season_anchor")
    given = lambda: {name: ("auto" if value is None else tuple(value)
                            if isinstance(value, list) else value)
                     for name, value in ((n, state.get(KEYS.setting(n))) for n in read)}
    suggest(TASK, KEYS, chosen.fingerprint, basis,
            lambda: suggestion_cached(chosen.fingerprint, given(), data))
    # what "auto" will choose, the plan of the columns marked known ahead included
    known = tuple(state.get(KEYS.setting("known_covariates")) or ())
    auto_lookback, auto_horizon = resolve_window(typical, ForecastConfig(known_covariates=known))
    if panel and known:
        auto_horizon = planned_steps(data, known, auto_horizon, auto_lookback)
    n = len(typical.frame)
    # the season anchor "auto" takes, as resolve does: the season, where the lookback holds it
    season = typical.season_length or 0
    lookback = state.get(KEYS.setting("lookback")) or auto_lookback
    auto_anchor = season if 1 < season <= lookback else 0
    wide = panel and data.layout == "wide"
    columns = [] if wide else [c for c in data.numeric_columns if c != data.value_col]
    limits = {
        "lookback": dict(max_value=n, placeholder=tr("auto: {steps}", steps=auto_lookback)),
        "horizon": dict(max_value=longest_horizon(data),
                        placeholder=tr("auto: {steps}", steps=auto_horizon)),
        "covariates": dict(options=columns),
        "known_covariates": dict(options=columns),
        "holidays": dict(options=holiday_choices()),
        "season_anchor": dict(max_value=n,  # 0: not anchored, said as "off"
                              placeholder=tr("auto: {steps}", steps=auto_anchor) if auto_anchor
                              else tr("auto: off")),
    }
    dated = data.freq is not None  # the calendar and holidays need dates
    hidden = (WIDE_HIDES if wide else ()) + (() if dated else DATED_ONLY)
    settings_form(TASK, KEYS, BASIC, _without({**MORE, **MANY} if panel else MORE, hidden),
                  limits)
    fixed = dict(value_col=data.value_col, time_col=data.time_col)
    fixed.update(dict(id_col=data.id_cols, wide=wide, **dict.fromkeys(WIDE_HIDES, ()) if wide
                      else {}) if panel
                 else dict(id_col=(), wide=False, id_embedding=0))
    if not dated:
        fixed.update(calendar=False, holidays="")
    try:
        return config_from_settings(TASK, KEYS, fixed=fixed,
                                    suggestion=state.get(KEYS.suggestion))
    except ValueError as error:
        st.error(plain(error))
        return None


def _without(groups: dict, names: tuple) -> dict:
    """The groups of settings less ``names`` (and less any row or group left empty)."""
    kept = {title: [[n for n in row if n not in names] for row in rows]
            for title, rows in groups.items()}
    return {title: [row for row in rows if row] for title, rows in kept.items()
            if any(rows)}


def model_size_note(series: SeriesData | PanelData, config: ForecastConfig) -> bool:
    """The number of weights against the number of training windows, with a warning when far
    too big; whether the data can train with ``config`` at all (if not, the sentence Train would
    give is shown instead, and Train is not offered: it would only save a failed run)."""
    try:
        windows = training_windows(series, config)
    except ValueError as error:
        st.warning(plain(error))
        return False
    level, sentence = size_advice(count_weights(series, config), windows, config.num_layers)
    (st.caption if level == "ok" else st.warning)(sentence)
    return True
