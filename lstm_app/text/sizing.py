"""Fitting the model to the text: suggested settings for a text's size, and the weights-to-data advice.

Rules of thumb from character-level LSTM practice: the number of weights should be of the order
of the number of training tokens. Far more and the model memorises the text (its samples copy
it); far fewer and it cannot take in what the text holds.
"""

from __future__ import annotations

import torch

from ..i18n import sentences, tr
from .model import build_language_model
from .settings import TextConfig
from .spans import TextSummary, summarize

TINY_TOKENS = 2_000      # below this, a text can only be learnt by heart: a demo, not a corpus
LARGE_TOKENS = 300_000   # above this, a bigger model pays off (tiny Shakespeare has 1.0 M characters)
TOO_BIG = 20             # weights per training token above which samples will copy the text
TOO_SMALL = 0.05         # weights per training token below which the model is starved of capacity
SUGGESTED = ("seq_len", "batch_size", "embedding_dim", "hidden_size", "num_layers", "dropout",
             "lr", "epochs", "minutes", "patience", "keep_best", "lr_schedule", "level")


def suggest_settings(train_tokens: int, vocab_size: int) -> dict:
    """TextConfig fields that train well on a text of ``train_tokens`` tokens on two CPU cores.

    Measured on the samples: tiny texts need short chunks and few streams to train at all, and
    they keep the last weights with patience and the plateau schedule off, since their
    validation span is a few words the model cannot know (its best epoch would be the first,
    untrained one, and the schedule would stall the learning rate). Larger texts get the most
    hidden units (up to 256, or 512 for a text the size of tiny Shakespeare) whose weights the
    text can still fill (see ``size_advice``): the 100 k-character Shakespeare excerpt reaches
    1.53 nats per character in about 40 s with 256 units; the full tiny Shakespeare wants 512
    units and a time budget.
    """
    if train_tokens < TINY_TOKENS:
        seq_len = max(4, min(32, train_tokens // 8))
        return dict(seq_len=seq_len, batch_size=max(1, min(8, train_tokens // (2 * seq_len))),
                    embedding_dim=32, hidden_size=128, num_layers=1, dropout=0.0, lr=1e-2,
                    epochs=300, minutes=1.0, patience=0, keep_best=False, lr_schedule="none")
    largest = 512 if train_tokens >= LARGE_TOKENS else 256
    fits = [h for h in (64, 128, 256, 512) if h <= largest and
            count_weights(TextConfig(embedding_dim=64, hidden_size=h, num_layers=1), vocab_size)
            <= TOO_BIG * train_tokens]
    return dict(seq_len=100, batch_size=32, embedding_dim=64, hidden_size=max(fits, default=64),
                num_layers=1, dropout=0.0, lr=4e-3, epochs=30,
                minutes=5.0 if train_tokens >= LARGE_TOKENS else 0.0, patience=3,
                keep_best=True, lr_schedule="plateau")


def suggested_config(text: str, given: dict | None = None) -> TextConfig:
    """The config for ``text``: every setting ``given`` leaves out takes the value suggested for
    the text's size (``suggest_settings``) or else its default; ``suggested`` names the settings
    whose values came from the suggestion. The page and the command line both start from it."""
    given = dict(given or {})
    defaults = TextConfig()
    summary = summarize(text, given.get("level", defaults.level),
                        given.get("max_vocab", defaults.max_vocab),
                        given.get("val_fraction", defaults.val_fraction))
    suggestion = suggestion_for(summary)
    chosen = [name for name in suggestion if name not in given]
    return TextConfig(**{**suggestion, **given, "suggested": tuple(chosen)})


def suggestion_for(summary: TextSummary) -> dict:
    """The suggested TextConfig values for a text with this summary (its level included)."""
    return {**suggest_settings(summary.train_tokens, summary.vocab_size), "level": summary.level}


def count_weights(config: TextConfig, vocab_size: int) -> int:
    """The number of weights of the language model ``config`` describes for a vocabulary of
    ``vocab_size`` (built on the meta device: counted, not allocated)."""
    with torch.device("meta"):
        return sum(p.numel() for p in build_language_model(config, vocab_size).parameters())


def size_advice(weights: int, train_tokens: int, level: str = "char") -> tuple[str, str]:
    """("ok" | "too_big" | "too_small", one plain sentence) on the weights against the training text."""
    ratio = weights / max(train_tokens, 1)
    values = dict(weights=weights, count=train_tokens)
    head = (tr("The network has {weights:,} weights to learn from {count:,} training "
               "characters.", **values) if level == "char" else
            tr("The network has {weights:,} weights to learn from {count:,} training tokens.",
               **values))
    if ratio > TOO_BIG and train_tokens < TINY_TOKENS:
        return "too_big", sentences(head, tr(
            "A text this short can only be learnt by heart, and the settings suggested for it "
            "do just that: its samples will copy whole passages, and training keeps the last "
            "epoch's weights, since a validation span this short cannot judge them. To write "
            "new text in its style, give it a longer text (tens of thousands of characters)."))
    if ratio > TOO_BIG:
        return "too_big", sentences(head, tr(
            "That is far more than the text can fill: it will learn the text by heart, and its "
            "samples will copy whole passages. Fewer hidden units or more dropout make it "
            "generalise; for a demo, that is fine."))
    if ratio < TOO_SMALL:
        return "too_small", sentences(head, tr(
            "That is small for this much text: more hidden units could learn more of it, if "
            "you can give training the time."))
    return "ok", head
