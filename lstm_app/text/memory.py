"""The memory a language model's training needs (see training/memory.py for the rule), and
the check that refuses settings this machine cannot hold."""

from __future__ import annotations

from dataclasses import replace

import torch

from ..i18n import N_
from ..training.memory import (FEWER, available_bytes, check_fits, halvings, machine,
                               recurrent_reading, recurrent_training, total_bytes)
from .model import build_language_model


def text_training_bytes(config, vocab_size: int, val_streams: int = 32) -> int:
    """Peak bytes to train the language model ``config`` describes for a vocabulary of
    ``vocab_size``, validating on ``val_streams`` parallel streams."""
    with torch.device("meta"):  # counted, not allocated
        weights = sum(p.numel() for p in build_language_model(config, vocab_size).parameters())
    tokens = config.batch_size * config.seq_len
    training = tokens * (2 * config.embedding_dim + 3 * vocab_size
                         + recurrent_training(config.hidden_size, config.num_layers))
    read = val_streams * config.seq_len
    validation = read * (config.embedding_dim + 2 * vocab_size
                         + recurrent_reading(config.hidden_size, config.num_layers))
    return total_bytes(weights, config.optimizer, max(training, validation))


def check_text_fits(config, vocab_size: int, val_streams: int, device: torch.device,
                    available: int | None = None) -> None:
    """Refuse, in one sentence, a language model's training that this machine cannot hold."""
    check_fits(text_training_bytes(config, vocab_size, val_streams),
               available_bytes(device) if available is None else available,
               {batch: text_training_bytes(replace(config, batch_size=batch), vocab_size,
                                           val_streams)
                for batch in halvings(config.batch_size)},
               FEWER + (N_("shorter chunks (sequence length)"),)
               + ((N_("fewer words in the vocabulary"),) if config.level == "word" else ()),
               machine(device))
