"""A trained forecaster as one value: its resolved settings, weights, scaler and how it trained;
and that value as files (a run's folder, a bundle) and back."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

import numpy as np

from ..i18n import tr
from ..training.checkpoint import WEIGHTS, json_bytes, load_weights, read_json
from ..training.settings import config_from_dict
from ..training.trainer import TrainResult
from .calendar import CALENDAR_NAMES, holiday_name
from .known import known_positions
from .model import Forecaster, build_forecaster
from .settings import ForecastConfig
from .windows import Scaler

FILES = ("config.json", "scaler.json")  # what ``files`` writes; the weights go on their own


@dataclass
class TrainedForecaster:
    config: ForecastConfig    # lookback and horizon as numbers, the columns it was trained on
    model: Forecaster
    scaler: Scaler            # fitted on the training span only
    training: TrainResult     # the history and the kept epoch
    inputs: tuple[str, ...] = ()  # every column the network reads (see known.py); () as saved
                                  # before the dates were read: the value and the covariates

    def __post_init__(self):
        if not self.inputs:
            self.inputs = (self.config.value_col, *self.config.covariates)

    def files(self) -> dict[str, bytes]:
        """The settings and the scaler as JSON files (the weights go with their epoch)."""
        return {"config.json": json_bytes(asdict(self.config)),
                "scaler.json": json_bytes({**self.scaler.to_dict(), "dated": list(self.dated)})}

    @property
    def dated(self) -> tuple[str, ...]:
        """The inputs the dates give (calendar, holidays), after the columns."""
        return self.inputs[1 + len(self.config.covariates):]

    @classmethod
    def from_files(cls, files: dict[str, bytes], training: TrainResult) -> "TrainedForecaster":
        """The trained forecaster saved by ``files`` and its weights; a ValueError in plain
        words if they do not hold together."""
        values = read_json(files, "config.json")
        if isinstance(values, dict):  # saved before the statistical models: scored as it was
            values.setdefault("statistical_seconds", 0)
            values.setdefault("calendar", False)  # saved before the calendar existed
        config = config_from_dict(ForecastConfig, values, "The saved settings (config.json)")
        if "auto" in (config.lookback, config.horizon, config.season_anchor):
            raise ValueError(tr("The saved settings leave the lookback or horizon on auto; a "
                                "trained forecaster has numbers for both."))
        columns = (config.value_col, *config.covariates)
        inputs = columns
        try:
            saved = read_json(files, "scaler.json")
            scaler = Scaler.from_dict(saved)
            if "dated" not in saved:  # saved before the dates were read: it reads none
                config = replace(config, calendar=False, holidays="")
            dated = saved.get("dated", [])
            inputs = columns + tuple(dated)
            shapes = (scaler.mean_.shape, scaler.std_.shape)
            usable = (_dated_names_fit(dated, config)
                      and shapes == ((len(inputs),), (len(inputs),))
                      and np.isfinite(scaler.mean_).all()
                      and (np.isfinite(scaler.std_) & (scaler.std_ > 0)).all())
        except (KeyError, TypeError, ValueError, AttributeError):
            usable = False
        if not usable:
            raise ValueError(tr("The saved scaler ({file}) does not hold a mean and a positive "
                                "spread for each of the {count} input columns.",
                                file="scaler.json", count=len(inputs)))
        if WEIGHTS not in files:
            raise ValueError(tr("The weights ({file}) are missing.", file=WEIGHTS))
        model = load_weights(lambda: build_single(config, inputs), files[WEIGHTS])
        return cls(config, model, scaler, training, inputs)


def _dated_names_fit(dated, config: ForecastConfig) -> bool:
    """Whether saved names are of inputs the dates give under these settings, each once."""
    if not isinstance(dated, list) or not all(isinstance(name, str) for name in dated):
        return False
    allowed = set(CALENDAR_NAMES) if config.calendar else set()
    allowed |= {holiday_name(config.holidays)} if config.holidays else set()
    return set(dated) <= allowed and len(set(dated)) == len(dated)


def build_single(config: ForecastConfig, inputs: tuple[str, ...]) -> Forecaster:
    """The network of one series that reads ``inputs`` (see known.py)."""
    dated = len(inputs) - 1 - len(config.covariates)
    return build_forecaster(config, calendar=dated, known=len(known_positions(inputs, config)))
