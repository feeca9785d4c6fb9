"""The memory a forecaster's training needs (see training/memory.py for the rule), and the
check that refuses settings this machine cannot hold."""

from __future__ import annotations

from dataclasses import replace

import torch

from ..training.memory import (FEWER, available_bytes, check_fits, halvings, machine,
                               recurrent_reading, recurrent_training, total_bytes)
from ..i18n import N_
from .model import build_forecaster, count_parameters


def forecast_training_bytes(config, val_windows: int = 0) -> int:
    """Peak bytes to train the forecaster a resolved ``config`` describes (lookback and horizon
    numbers; its inputs are the target and its covariates), validating on ``val_windows``."""
    with torch.device("meta"):
        weights = count_parameters(build_forecaster(config))
    features = 1 + len(config.covariates)
    steps = config.batch_size * config.lookback
    training = steps * (3 * features + recurrent_training(config.hidden_size, config.num_layers))
    validation = val_windows * (config.lookback * (2 * features + recurrent_reading(
        config.hidden_size, config.num_layers)) + config.horizon)
    return total_bytes(weights, config.optimizer, max(training, validation))


def check_forecast_fits(config, val_windows: int, device: torch.device,
                        available: int | None = None) -> None:
    """Refuse, in one sentence, a forecaster's training that this machine cannot hold."""
    check_fits(forecast_training_bytes(config, val_windows),
               available_bytes(device) if available is None else available,
               {batch: forecast_training_bytes(replace(config, batch_size=batch), val_windows)
                for batch in halvings(config.batch_size)},
               FEWER + (N_("a shorter lookback"),), machine(device))  # tr'd by check_fits
