"""A trained forecaster as one value: its resolved settings, weights, scaler and how it trained;
and that value as files (a run's folder, a bundle) and back."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from ..training.checkpoint import WEIGHTS, json_bytes, load_weights, read_json
from ..training.settings import config_from_dict
from ..training.trainer import TrainResult
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

    def files(self) -> dict[str, bytes]:
        """The settings and the scaler as JSON files (the weights go with their epoch)."""
        return {"config.json": json_bytes(asdict(self.config)),
                "scaler.json": json_bytes(self.scaler.to_dict())}

    @classmethod
    def from_files(cls, files: dict[str, bytes], training: TrainResult) -> "TrainedForecaster":
        """The trained forecaster saved by ``files`` and its weights; a ValueError in plain
        words if they do not hold together."""
        values = read_json(files, "config.json")
        if isinstance(values, dict):  # saved before the statistical models: scored as it was
            values.setdefault("statistical_seconds", 0)
        config = config_from_dict(ForecastConfig, values, "The saved settings (config.json)")
        if "auto" in (config.lookback, config.horizon, config.season_anchor):
            raise ValueError("The saved settings leave the lookback or horizon on auto; a "
                             "trained forecaster has numbers for both.")
        features = 1 + len(config.covariates)
        try:
            scaler = Scaler.from_dict(read_json(files, "scaler.json"))
            shapes = (scaler.mean_.shape, scaler.std_.shape)
            usable = shapes == ((features,), (features,)) and np.isfinite(scaler.mean_).all() \
                and (np.isfinite(scaler.std_) & (scaler.std_ > 0)).all()
        except (KeyError, TypeError, ValueError, AttributeError):
            usable = False
        if not usable:
            raise ValueError(f"The saved scaler (scaler.json) does not hold a mean and a positive "
                             f"spread for each of the {features} input columns.")
        if WEIGHTS not in files:
            raise ValueError("The weights (weights.safetensors) are missing.")
        model = load_weights(lambda: build_forecaster(config), files[WEIGHTS])
        return cls(config, model, scaler, training)
