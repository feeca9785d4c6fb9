"""The Forecast page's settings: widgets with a one-sentence help each, turned into a ForecastConfig."""

from __future__ import annotations

import streamlit as st

from ..series.loading import SeriesData
from ..series.model import Forecaster, ForecasterShape, count_parameters
from ..series.pipeline import ForecastConfig, resolve_window
from ..series.windows import split_rows, window_ids

DEFAULTS = ForecastConfig()
LEARNING_RATES = [1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2]
TOO_BIG = 200  # weights per training window above which the model can simply memorise


def _number(container, label, key, help, **kwargs):
    return container.number_input(label, key=key, help=help, persist_state="session", **kwargs)


def forecast_settings(series: SeriesData) -> ForecastConfig:
    """Render the settings and return the config they describe (lookback/horizon may be "auto")."""
    auto_lookback, auto_horizon, _ = resolve_window(series, DEFAULTS)
    n = len(series.frame)
    a, b, c, d = st.columns(4)
    lookback = _number(a, "Lookback (window size)", "fc_lookback", min_value=1, max_value=n,
                       value=None, placeholder=f"auto: {auto_lookback}",
                       help="How many past values the network reads to make one forecast; "
                            "leave empty for the suggestion (two seasons).")
    horizon = _number(b, "Horizon", "fc_horizon", min_value=1, max_value=max(1, n // 4),
                      value=None, placeholder=f"auto: {auto_horizon}",
                      help="How many steps ahead to forecast at once; leave empty for one season.")
    hidden_size = _number(c, "Hidden units", "fc_hidden", min_value=1, max_value=1024,
                          value=DEFAULTS.hidden_size,
                          help="The size of the network's memory: more units can learn more "
                               "patterns but need more data.")
    num_layers = _number(d, "Layers", "fc_layers", min_value=1, max_value=6,
                         value=DEFAULTS.num_layers,
                         help="How many LSTM layers are stacked; one is enough for most series.")
    a, b, c, d = st.columns(4)
    dropout = _number(a, "Dropout", "fc_dropout", min_value=0.0, max_value=0.9, step=0.05,
                      value=DEFAULTS.dropout,
                      help="The share of the network switched off at random while training, "
                           "which stops it from memorising the data.")
    epochs = _number(b, "Epochs", "fc_epochs", min_value=1, max_value=5000, value=DEFAULTS.epochs,
                     help="How many times training goes through all the data (it may stop "
                          "earlier when it stops improving).")
    batch_size = _number(c, "Batch size", "fc_batch", min_value=1, max_value=4096,
                         value=DEFAULTS.batch_size,
                         help="How many windows the network looks at before each small update.")
    patience = _number(d, "Early-stopping patience", "fc_patience", min_value=0, max_value=1000,
                       value=DEFAULTS.patience,
                       help="Stop after this many epochs without a better validation score "
                            "(0 never stops early).")
    a, b = st.columns(2)
    cell = a.segmented_control("Cell type", ["lstm", "gru"], default=DEFAULTS.cell, key="fc_cell",
                               persist_state="session", format_func=str.upper, required=True,
                               help="LSTM is the classic; GRU is a slightly smaller cousin that "
                                    "often learns as well.")
    lr = b.select_slider("Learning rate", LEARNING_RATES, value=DEFAULTS.lr, key="fc_lr",
                         persist_state="session", format_func=lambda v: f"{v:g}",
                         help="How big each learning step is: too small learns slowly, too big "
                              "jumps around or blows up.")
    with st.expander("Advanced"):
        advanced = _advanced(series)
    return ForecastConfig(
        lookback=int(lookback) if lookback else "auto", horizon=int(horizon) if horizon else "auto",
        hidden_size=int(hidden_size), num_layers=int(num_layers), dropout=float(dropout),
        cell=cell or DEFAULTS.cell, epochs=int(epochs), batch_size=int(batch_size), lr=float(lr),
        patience=int(patience), value_col=series.value_col, time_col=series.time_col,
        **advanced)


def _advanced(series: SeriesData) -> dict:
    others = [c for c in series.numeric_columns if c != series.value_col]
    covariates = st.multiselect(
        "Extra input columns (covariates)", others, key="fc_covariates", persist_state="session",
        help="Other columns the network may read alongside the past values, such as a "
             "promotion flag or the temperature.")
    a, b, c = st.columns(3)
    optimizer = a.selectbox("Optimizer", ["adam", "adamw", "sgd", "rmsprop"], key="fc_optimizer",
                            persist_state="session",
                            help="The rule that turns errors into weight updates; Adam is the "
                                 "safe choice.")
    schedule = b.selectbox("Learning-rate schedule", ["plateau", "cosine", "none"],
                           key="fc_schedule", persist_state="session",
                           help="Plateau halves the learning rate when progress stalls; cosine "
                                "lowers it smoothly.")
    grad_clip = _number(c, "Gradient clipping", "fc_clip", min_value=0.0, max_value=100.0,
                        value=DEFAULTS.grad_clip, step=0.5,
                        help="Caps the size of each update so that a rare huge error cannot "
                             "wreck the network (0 turns it off).")
    a, b, c, d = st.columns(4)
    val_size = _number(a, "Validation share", "fc_val", min_value=0.05, max_value=0.4,
                       value=DEFAULTS.val_size, step=0.05,
                       help="The part of the series after training used to pick the best epoch "
                            "and size the intervals.")
    test_size = _number(b, "Test share", "fc_test", min_value=0.05, max_value=0.4,
                        value=DEFAULTS.test_size, step=0.05,
                        help="The last part of the series, kept unseen until the final score.")
    stride = _number(c, "Backtest stride", "fc_stride", min_value=1, max_value=1000,
                     value=DEFAULTS.stride,
                     help="Rows between two forecast origins in the test backtest (1 scores "
                          "every origin).")
    seed = _number(d, "Seed", "fc_seed", min_value=0, max_value=2**31 - 1, value=DEFAULTS.seed,
                   help="Fixes the random start so that the same settings give the same result.")
    return dict(covariates=tuple(covariates), optimizer=optimizer, lr_schedule=schedule,
                grad_clip=float(grad_clip), val_size=float(val_size), test_size=float(test_size),
                stride=int(stride), seed=int(seed))


def model_size_note(series: SeriesData, config: ForecastConfig) -> None:
    """The number of weights against the number of training windows, with a warning when far too big."""
    try:
        lookback, horizon, _ = resolve_window(series, config)
        split, _ = split_rows(len(series.frame), config.val_size, config.test_size, lookback,
                              horizon, column=series.value_col)
    except ValueError as error:
        st.warning(str(error))  # the same sentence Train would give, before pressing it
        return
    windows = len(window_ids(split.train, lookback, horizon))
    shape = ForecasterShape(n_features=1 + len(config.covariates), horizon=horizon,
                            hidden_size=config.hidden_size, num_layers=config.num_layers,
                            dropout=config.dropout, cell=config.cell)
    weights = count_parameters(Forecaster(shape))
    text = f"The network has **{weights:,}** weights to learn from **{windows:,}** training windows."
    if windows and weights > TOO_BIG * windows:
        st.warning(text + " That is far too large for this data: it can memorise instead of "
                          "learn. Try fewer hidden units or a single layer.")
    else:
        st.caption(text)
