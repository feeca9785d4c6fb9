"""Scoring a language model honestly: a frequency-only baseline on the same tokens, and the verdict in words."""

from __future__ import annotations

import math

import torch

from ..i18n import sentences, tr

RECITING = 0.8  # a sample with more of its 8-character pieces copied than this recites the text
TOO_FEW_TO_SCORE = 50  # validation tokens below which a score on unseen text means little
SHORT_TEXT = 20_000    # training characters below which a verdict is fragile
HARDLY = 0.05  # a model less than this share better than the frequency guess has only begun


def unigram_loss(train_ids: torch.Tensor, scored_ids: torch.Tensor, vocab_size: int) -> float:
    """Nats per token of guessing every token by its frequency in the training span (add-one smoothed).

    ``scored_ids`` are the validation tokens the model's loss is averaged over, so the two compare.
    """
    counts = torch.bincount(train_ids.flatten().cpu(), minlength=vocab_size).double() + 1.0
    log_probs = (counts / counts.sum()).log()
    return float(-log_probs[scored_ids.flatten().cpu()].mean())


def verdict(val_loss: float, baseline_loss: float, scored_tokens: int, scored_chars: float,
            copied_share: float | None, level: str, train_chars: int | None = None,
            train_loss: float | None = None, stop_reason: str = "") -> str:
    """One or two plain sentences: how much better than frequency guessing, and whether it
    recites; a text of fewer than ``SHORT_TEXT`` training characters gets a caveat.
    ``train_loss`` is the kept weights' loss on the training text: far below the frequency
    guess while unseen text scores no better, the model learnt its text by heart.
    ``stop_reason`` (the training's): a model that got nowhere is told to train longer only
    where training did not end by early stopping or by blowing up."""
    bits = lambda nats: nats * scored_tokens / scored_chars / math.log(2)
    char = level == "char"
    values = dict(count=scored_tokens, bits=bits(val_loss), guess=bits(baseline_loss),
                  less=f"{1 - val_loss / baseline_loss:.0%}")
    head = _how_far(val_loss, baseline_loss, scored_tokens, char, train_chars, train_loss, values)
    if (scored_tokens >= TOO_FEW_TO_SCORE and val_loss >= baseline_loss * (1 - HARDLY)
            and not _by_heart(val_loss, baseline_loss, train_loss)):
        head = sentences(head, _what_next(train_chars, stop_reason))
    if copied_share is not None and copied_share > RECITING:
        head = sentences(head, tr("Its sample copies {share} of its 8-character pieces from the "
                                  "training text: it is reciting what it read more than writing "
                                  "anew.", share=f"{copied_share:.0%}"))
    if train_chars is not None and train_chars < SHORT_TEXT and scored_tokens >= TOO_FEW_TO_SCORE:
        head = sentences(head, tr("Your text is short ({count:,} characters to learn from), so "
                                  "this verdict is fragile: another stretch of the same text "
                                  "could score quite differently.", count=train_chars))
    return head


def _how_far(val_loss: float, baseline_loss: float, scored_tokens: int, char: bool,
             train_chars: int | None, train_loss: float | None, values: dict) -> str:
    """The verdict's first sentences: how far the model got beyond frequency guessing (and,
    for a text learnt by heart, what to do), by characters or by words."""
    if scored_tokens < TOO_FEW_TO_SCORE:
        head = (tr("The text is too short to score the model on text it never saw: its "
                   "validation span leaves only {count} characters to predict. Judge it by its "
                   "samples instead; on a text this small a model can only learn it by heart.",
                   **values) if char else
                tr("The text is too short to score the model on text it never saw: its "
                   "validation span leaves only {count} tokens to predict. Judge it by its "
                   "samples instead; on a text this small a model can only learn it by heart.",
                   **values))
    elif _by_heart(val_loss, baseline_loss, train_loss):
        head = (tr("The model needs {bits:.2f} bits per character on text it never saw, no "
                   "better than guessing each character by its frequency ({guess:.2f}), "
                   "although it predicts its training text almost perfectly: it learnt that "
                   "text by heart instead of how text goes on.", **values) if char else
                tr("The model needs {bits:.2f} bits per character on text it never saw, no "
                   "better than guessing each word by its frequency ({guess:.2f}), although it "
                   "predicts its training text almost perfectly: it learnt that text by heart "
                   "instead of how text goes on.", **values))
        head = sentences(head, tr("More text is the cure: a text this short can only be "
                                  "memorised.")
                         if train_chars is not None and train_chars < SHORT_TEXT else
                         tr("More dropout or fewer hidden units make it learn what carries "
                            "over."))
    elif val_loss >= baseline_loss:
        head = (tr("The model needs {bits:.2f} bits per character on text it never saw, no "
                   "better than guessing each character by its frequency ({guess:.2f}): it has "
                   "not learnt how the text goes on yet.", **values) if char else
                tr("The model needs {bits:.2f} bits per character on text it never saw, no "
                   "better than guessing each word by its frequency ({guess:.2f}): it has not "
                   "learnt how the text goes on yet.", **values))
    elif val_loss >= baseline_loss * (1 - HARDLY):
        head = (tr("The model needs {bits:.2f} bits per character on text it never saw, hardly "
                   "better than guessing each character by its frequency ({guess:.2f}): it has "
                   "only begun to learn how the text goes on.", **values) if char else
                tr("The model needs {bits:.2f} bits per character on text it never saw, hardly "
                   "better than guessing each word by its frequency ({guess:.2f}): it has only "
                   "begun to learn how the text goes on.", **values))
    else:
        head = (tr("The model needs {bits:.2f} bits per character on text it never saw, against "
                   "{guess:.2f} for guessing each character by its frequency alone: it has "
                   "learnt how the text goes on, with {less} less uncertainty.", **values)
                if char else
                tr("The model needs {bits:.2f} bits per character on text it never saw, against "
                   "{guess:.2f} for guessing each word by its frequency alone: it has learnt "
                   "how the text goes on, with {less} less uncertainty.", **values))
    return head


def _by_heart(val_loss: float, baseline_loss: float, train_loss: float | None) -> bool:
    """Unseen text no better than the frequency guess, the training text far better."""
    return val_loss >= baseline_loss and train_loss is not None and train_loss < baseline_loss / 2


def _what_next(train_chars: int | None, stop_reason: str) -> str:
    """What to do about a model that got no further than frequency guessing: train longer,
    unless training blew up or already stopped because validation no longer improved."""
    if stop_reason == "diverged":
        return tr("Its training blew up (the loss ran away): a smaller learning rate makes its "
                  "steps careful.")
    if stop_reason != "early_stopping":
        return tr("Train longer, or with a larger learning rate.")
    if train_chars is not None and train_chars < SHORT_TEXT:
        return tr("Training stopped because the validation loss no longer improved, so training "
                  "longer will not help: a text this short holds too little to learn from, and a "
                  "longer one (tens of thousands of characters) helps most.")
    return tr("Training stopped because the validation loss no longer improved, so training "
              "longer will not help: try other settings, such as another learning rate.")
