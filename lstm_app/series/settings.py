"""The forecaster's settings: the ForecastConfig dataclass and its table (bounds, choices, help).

Every way in (the Forecast page, the command line, a saved run, a bundle, the Python API) makes
a ForecastConfig, which checks itself against ``FORECAST_SETTINGS``: a bad value is refused with
the same plain sentence wherever it came from.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..csv_table import MAX_NAME
from ..i18n import N_, tr
from ..training.settings import TRAINING, Setting, check_config, table_of
from ..training.trainer import TrainerConfig
from ..quoting import quoted
from .calendar import check_holidays

FORECAST_SETTINGS = table_of([
    Setting("time_col", str, N_("Time column"),
            N_("The column with dates; without one, the rows are taken in file order."),
            optional=True, max_length=MAX_NAME, on_page=False),
    Setting("value_col", str, N_("Column to forecast"),
            N_("The numbers you want the LSTM to predict (at first the column a plan at the "
               "file's end leaves blank, or one named like sales, orders or a total, not a price "
               "or a promotion; else the right-most numeric column)."),
            optional=True, max_length=MAX_NAME, on_page=False),
    Setting("id_col", tuple, N_("Series id columns"),
            N_("For a file of many series (every store or product): the column or columns that "
               "name each series; one LSTM then learns from all of them."), on_page=False),
    Setting("wide", bool, N_("Every column a series"),
            N_("For a file of many series side by side: forecast every numeric column, each its "
               "own series, with one LSTM for all."), on_page=False),
    Setting("id_embedding", int, N_("Series embedding size"),
            N_("For a file of many series: the network learns this many numbers for each series, "
               "so one model can tell the series apart (0 turns it off)."), low=0, high=64),
    Setting("calendar", bool, N_("Calendar inputs"),
            N_("With dates, the network also reads where each step falls in the day, week and "
               "year, over the past and over the forecast horizon (known for any date).")),
    Setting("holidays", str, N_("Public holidays"),
            N_("A country code (DE, CN, US, GB …, a region after a hyphen: US-CA) whose public "
               "holidays the network reads, over the past and over the forecast horizon; empty "
               "for none."), max_length=40),
    Setting("covariates", tuple, N_("Extra input columns (covariates)"),
            N_("Other columns the network may read alongside the past values, such as a promotion "
               "flag or the temperature.")),
    Setting("known_covariates", tuple, N_("Known ahead"),
            N_("Extra input columns whose future values you know (planned promotions, prices, "
               "opening hours): the network reads them over the forecast horizon too. Give their "
               "future values in rows after the last value, with the value blank.")),
    Setting("lookback", int, N_("Lookback (window size)"),
            N_("How many past values the network reads to make one forecast; auto takes two "
               "seasons."), low=1, high=100_000, auto=True),
    Setting("horizon", int, N_("Horizon"),
            N_("How many steps ahead to forecast at once; auto takes one season."), low=1,
            high=100_000, auto=True),
    TRAINING["hidden_size"], TRAINING["num_layers"], TRAINING["dropout"],
    replace(TRAINING["cell"], help=N_(
        "LSTM is the classic; GRU is a slightly smaller cousin that often learns as well; a "
        "peephole LSTM's gates also read its memory cell, and it trains 3 to 7 times slower (it "
        "cannot use the fast built-in LSTM). There is no two-way (bidirectional) reading here: "
        "a forecast may not look at the future it forecasts.")),
    TRAINING["epochs"], TRAINING["minutes"],
    replace(TRAINING["batch_size"], help=N_("How many windows the network looks at before each "
                                            "small update.")),
    replace(TRAINING["lr"], presets=(1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2)),
    TRAINING["patience"], TRAINING["seed"],
    Setting("val_size", float, N_("Validation share"),
            N_("The part of the series after training used to pick the best epoch and size the "
               "intervals: a share below 1 (0.15 is 15%) or a number of rows."), low=0.0,
            high=100_000, fraction_or_count=True, step=0.05),
    Setting("test_size", float, N_("Test share"),
            N_("The last part of the series, kept unseen until the final score: a share below 1 "
               "or a number of rows."), low=0.0, high=100_000, fraction_or_count=True, step=0.05),
    Setting("stride", int, N_("Backtest stride"),
            N_("Rows between two forecast origins in the test backtest (1 scores every origin)."),
            low=1, high=10_000),
    Setting("statistical_seconds", int, N_("Time for each statistical model"),
            N_("Seconds that each of AutoETS, AutoTheta and AutoARIMA may take in all, fitted "
               "and applied at every origin (for a file of many series, for all of them "
               "together), to score the LSTM against them and to offer their forecasts; a model "
               "that takes longer is left out with a note (0 leaves them all out)."),
            low=0, high=3600),
    TRAINING["optimizer"],
    Setting("weight_decay", float, N_("Weight decay"),
            N_("Pulls every weight a little towards zero at each step, a gentle brake on "
               "memorising (0 turns it off)."), low=0.0, high=1.0, step=0.0001,
            on_page=False),
    TRAINING["grad_clip"], TRAINING["lr_schedule"],
    Setting("season_anchor", int, N_("Learn changes from one season back"),
            N_("The network predicts the change from the values one season earlier (a season of "
               "this many steps; auto takes the detected season, 0 turns it off), so it starts "
               "from the seasonal-naive forecast and learns what that rule misses."), low=0,
            high=100_000, auto=True),
    Setting("anchor_last", bool, N_("Learn changes from the last value"),
            N_("The network predicts the change from the window's last value, so a level that "
               "drifts beyond the training range does not saturate it. Suggested off for one "
               "series whose level holds steady (its seasons' means barely move), where the last "
               "value's noise would be carried into every step of the forecast.")),
    Setting("window_scale", bool, N_("Read fast stretches in their own units"),
            N_("A window whose values move more from step to step (or from one season back, with "
               "a season anchor) than the unit its series is scaled by (for many series, their "
               "typical change in training; for one series, its spread) is read shrunk to that "
               "unit, and its forecast is scaled back up: a steep climb then looks familiar "
               "instead of saturating the network. Suggested for many series.")),
    TRAINING["device"], TRAINING["suggested"],
])


@dataclass(frozen=True)
class ForecastConfig:
    time_col: str | None = None          # None: detected
    value_col: str | None = None         # None: chosen by choose_columns (column_choice.py)
    id_col: tuple[str, ...] = ()         # a panel's series id columns (long layout)
    wide: bool = False                   # a panel with one series per numeric column
    id_embedding: int = 0                # a panel's learned numbers per series (0: none)
    calendar: bool = True                # calendar inputs where the dates have them
    holidays: str = ""                   # a country (and region) whose public holidays are read
    covariates: tuple[str, ...] = ()     # extra input columns
    known_covariates: tuple[str, ...] = ()  # of those, the ones known over the horizon too
    lookback: int | str = "auto"         # past values the network reads; "auto": from the season
    horizon: int | str = "auto"          # future values it predicts at once; "auto": one season
    hidden_size: int = 32                # small by default: most business series are short
    num_layers: int = 1
    dropout: float = 0.1
    cell: str = "lstm"                   # lstm | gru
    epochs: int = 100
    minutes: float = 0.0                 # wall-clock training budget; 0 = none
    batch_size: int = 32
    lr: float = 3e-3
    patience: int = 10                   # early stopping; 0 = off
    seed: int = 0
    val_size: float = 0.15               # a fraction below 1, or a number of rows
    test_size: float = 0.15
    stride: int = 1                      # rows between two backtest origins
    statistical_seconds: int = 60        # per statistical model on the scoreboard; 0: none
    optimizer: str = "adam"
    weight_decay: float = 0.0
    grad_clip: float = 1.0
    lr_schedule: str = "plateau"
    season_anchor: int | str = 0         # learn changes from one season back; "auto": the season
    anchor_last: bool = True             # learn changes from the last value
    window_scale: bool = False           # read a fast-moving window in its own units
    device: str = "auto"                 # auto | cpu | cuda
    suggested: tuple[str, ...] = ()      # settings whose values were chosen for the data

    def __post_init__(self):
        check_config(self, FORECAST_SETTINGS.values())
        for name in ("covariates", "known_covariates"):  # a column named twice: once
            object.__setattr__(self, name, tuple(dict.fromkeys(getattr(self, name))))
        if self.holidays:
            object.__setattr__(self, "holidays", check_holidays(self.holidays))
        if self.value_col is not None and self.value_col in self.known_covariates:
            raise ValueError(tr("{column} is the column being forecast, so it cannot also be "
                                "known ahead; mark other columns as known.",
                                column=quoted(self.value_col)))
        extra = tuple(c for c in self.known_covariates if c not in self.covariates)
        if extra:  # a column known ahead is read over the past as well
            object.__setattr__(self, "covariates", self.covariates + extra)
        if self.wide and self.id_col:
            raise ValueError(tr("Choose either id columns (one row per series and time) or "
                                "every column a series (wide), not both."))

    @property
    def panel(self) -> bool:
        """Whether the data is a panel of many series (id columns, or wide)."""
        return bool(self.id_col) or self.wide

    def trainer_config(self) -> TrainerConfig:
        return TrainerConfig(epochs=self.epochs, lr=self.lr, optimizer=self.optimizer,
                             weight_decay=self.weight_decay, grad_clip=self.grad_clip,
                             lr_schedule=self.lr_schedule, patience=self.patience,
                             seed=self.seed, max_seconds=60 * self.minutes)
