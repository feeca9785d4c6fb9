"""A panel's trained global forecaster as one value: its resolved settings, weights, every
series' scaler and how it trained; and that value as files (a run's folder, a bundle) and back."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from ..i18n import tr
from ..training.checkpoint import WEIGHTS, json_bytes, load_weights, read_json
from ..training.settings import config_from_dict
from ..training.trainer import TrainResult
from .model import Forecaster, build_forecaster
from .panel_future import known_columns
from .panel_layout import MAX_SERIES
from .settings import ForecastConfig

FILES = ("config.json", "scalers.json")  # what ``files`` writes; the weights go on their own
MAX_CALENDAR = 8  # calendar columns calendar_features can give


@dataclass
class TrainedPanel:
    config: ForecastConfig  # lookback and horizon as numbers
    model: Forecaster
    mean: np.ndarray  # (series, columns): each series' scaler, from its training span
    std: np.ndarray
    ids: tuple[str, ...]
    calendar: int  # the calendar columns the network reads (0: none)
    training: TrainResult
    # The inputs it also reads over the horizon: the covariates marked known ahead and the
    # inputs from the dates (calendar, holidays), all of them (a network trained before
    # 2026-12-07 reads none ahead).
    known: int = 0

    @property
    def dated(self) -> int:
        """The inputs the network reads from the dates: the calendar's, then the holidays."""
        return self.calendar + bool(self.config.holidays)

    @property
    def ahead_columns(self) -> list[int]:
        """The columns of the rows it reads (panel_future.network_rows) it reads ahead."""
        config = self.config
        return known_columns(config.covariates, config.known_covariates, self.dated, self.known)

    def files(self) -> dict[str, bytes]:
        return {"config.json": json_bytes(asdict(self.config)),
                "scalers.json": json_bytes({"ids": list(self.ids), "calendar": self.calendar,
                                            "known": self.known, "mean": self.mean.tolist(),
                                            "std": self.std.tolist()})}

    @classmethod
    def from_files(cls, files: dict[str, bytes], training: TrainResult) -> "TrainedPanel":
        """The trained panel saved by ``files`` and its weights; a ValueError in plain words if
        they do not hold together."""
        config = config_from_dict(ForecastConfig, read_json(files, "config.json"),
                                  "The saved settings (config.json)")
        if "auto" in (config.lookback, config.horizon, config.season_anchor):
            raise ValueError(tr("The saved settings leave the lookback or horizon on auto; a "
                                "trained forecaster has numbers for both."))
        saved = read_json(files, "scalers.json")
        columns = 1 + len(config.covariates)
        try:
            ids = tuple(saved["ids"])
            mean = np.asarray(saved["mean"], dtype=np.float64)
            std = np.asarray(saved["std"], dtype=np.float64)
            calendar, known = saved["calendar"], saved.get("known", 0)
            usable = (1 <= len(ids) <= MAX_SERIES and all(isinstance(i, str) for i in ids)
                      and mean.shape == std.shape == (len(ids), columns)
                      and np.isfinite(mean).all() and (np.isfinite(std) & (std > 0)).all()
                      and isinstance(calendar, int) and 0 <= calendar <= MAX_CALENDAR
                      and isinstance(known, int) and known in (0, len(config.known_covariates)
                                                               + calendar + bool(config.holidays)))
        except (KeyError, TypeError, ValueError):
            usable = False
        if not usable:
            raise ValueError(tr("The saved scalers ({file}) do not hold the series' names, and a "
                                "mean and a positive spread for each series and each of its "
                                "{count} columns, and the inputs it reads from the dates.",
                                file="scalers.json", count=columns))
        if WEIGHTS not in files:
            raise ValueError(tr("The weights ({file}) are missing.", file=WEIGHTS))
        dated = calendar + bool(config.holidays)
        model = load_weights(lambda: build_forecaster(config, len(ids), dated, known),
                             files[WEIGHTS])
        return cls(config, model, mean, std, ids, calendar, training, known)
