"""A text's two spans (training, then validation) and what they hold at a level, before training.

The last ``val_fraction`` of the text is the validation span; the vocabulary is fitted on the
training span only. ``summarize`` counts what training with a config would see, so the page and
the settings suggestions can size a model before anything trains.
"""

from __future__ import annotations

from dataclasses import dataclass

from .corpus import make_vocab
from ..i18n import tr


@dataclass(frozen=True)
class TextSummary:
    level: str                # the level used: "word" falls back to "char" for unspaced text
    vocab_size: int           # with the unknown token
    notices: tuple[str, ...]  # e.g. the fallback to characters
    characters: int
    lines: int
    train_chars: int
    val_chars: int
    train_tokens: int
    val_tokens: int


def split_text(text: str, val_fraction: float) -> tuple[str, str]:
    """The training span (the start) and the validation span (the last ``val_fraction``)."""
    split = int(len(text) * (1 - val_fraction))
    return text[:split], text[split:]


def summarize(text: str, level: str, max_vocab: int, val_fraction: float) -> TextSummary:
    """What training on ``text`` at ``level`` would see: the vocabulary and the token counts."""
    train_text, val_text = split_text(text, val_fraction)
    vocab, notices = make_vocab(train_text, level, max_vocab)
    return TextSummary(level=vocab.level, vocab_size=len(vocab), notices=tuple(notices),
                       characters=len(text), lines=len(text.splitlines()),
                       train_chars=len(train_text), val_chars=len(val_text),
                       train_tokens=vocab.count(train_text),
                       val_tokens=vocab.count(val_text))


def check_sizes(train_tokens: int, val_tokens: int, batch_size: int) -> None:
    """A ValueError in plain words if the spans are too short to train ``batch_size`` streams."""
    # Each stream needs two tokens at least (one input, one target); tiny texts like the
    # classic one-sentence demo still train, with short chunks.
    if (val_tokens < 2 or train_tokens < 2) and batch_size == 1:  # no smaller batch to offer
        raise ValueError(tr(
            "The text has {train:,} training and {val:,} validation tokens, too few to train "
            "on; use a longer text (at least 2 training and 2 validation tokens).",
            train=train_tokens, val=val_tokens))
    if val_tokens < 2 or train_tokens < 2 * batch_size:
        raise ValueError(tr(
            "The text has {train:,} training and {val:,} validation tokens, too few for a "
            "batch size of {batch}; use a longer text or a smaller batch size (at least "
            "{need:,} training and 2 validation tokens).", train=train_tokens, val=val_tokens,
            batch=batch_size, need=2 * batch_size))
