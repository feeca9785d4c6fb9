"""Scoring a language model honestly: a frequency-only baseline on the same tokens, and the verdict in words."""

from __future__ import annotations

import math

import torch

RECITING = 0.8  # a sample with more of its 8-character pieces copied than this recites the text
TOO_FEW_TO_SCORE = 50  # validation tokens below which a score on unseen text means little
SHORT_TEXT = 20_000    # training characters below which a verdict is fragile


def unigram_loss(train_ids: torch.Tensor, scored_ids: torch.Tensor, vocab_size: int) -> float:
    """Nats per token of guessing every token by its frequency in the training span (add-one smoothed).

    ``scored_ids`` are the validation tokens the model's loss is averaged over, so the two compare.
    """
    counts = torch.bincount(train_ids.flatten().cpu(), minlength=vocab_size).double() + 1.0
    log_probs = (counts / counts.sum()).log()
    return float(-log_probs[scored_ids.flatten().cpu()].mean())


def verdict(val_loss: float, baseline_loss: float, scored_tokens: int, scored_chars: float,
            copied_share: float | None, level: str, train_chars: int | None = None,
            train_loss: float | None = None) -> str:
    """One or two plain sentences: how much better than frequency guessing, and whether it
    recites; a text of fewer than ``SHORT_TEXT`` training characters gets a caveat.
    ``train_loss`` is the kept weights' loss on the training text: far below the frequency
    guess while unseen text scores no better, the model learnt its text by heart."""
    bits = lambda nats: nats * scored_tokens / scored_chars / math.log(2)
    what = "character" if level == "char" else "word"
    unit = "characters" if level == "char" else "tokens"
    if scored_tokens < TOO_FEW_TO_SCORE:
        head = (f"The text is too short to score the model on text it never saw: its validation "
                f"span leaves only {scored_tokens} {unit} to predict. Judge it by its samples "
                f"instead; on a "
                f"text this small a model can only learn it by heart.")
    elif val_loss >= baseline_loss and train_loss is not None and train_loss < baseline_loss / 2:
        head = (f"The model needs {bits(val_loss):.2f} bits per character on text it never saw, "
                f"no better than guessing each {what} by its frequency "
                f"({bits(baseline_loss):.2f}), although it predicts its training text almost "
                f"perfectly: it learnt that text by heart instead of how text goes on. "
                + ("More text is the cure: a text this short can only be memorised."
                   if train_chars is not None and train_chars < SHORT_TEXT else
                   "More dropout or fewer hidden units make it learn what carries over."))
    elif val_loss >= baseline_loss:
        head = (f"The model needs {bits(val_loss):.2f} bits per character on text it never saw, "
                f"no better than guessing each {what} by its frequency "
                f"({bits(baseline_loss):.2f}): it has not learnt how the text goes on yet. Train "
                f"longer, or with a larger learning rate.")
    else:
        head = (f"The model needs {bits(val_loss):.2f} bits per character on text it never saw, "
                f"against {bits(baseline_loss):.2f} for guessing each {what} by its frequency "
                f"alone: it has learnt how the text goes on, with "
                f"{1 - val_loss / baseline_loss:.0%} less uncertainty.")
    if copied_share is not None and copied_share > RECITING:
        head += (f" Its sample copies {copied_share:.0%} of its 8-character pieces from the "
                 f"training text: it is reciting what it read more than writing anew.")
    if train_chars is not None and train_chars < SHORT_TEXT and scored_tokens >= TOO_FEW_TO_SCORE:
        head += (f" Your text is short ({train_chars:,} characters to learn from), so this "
                 f"verdict is fragile: another stretch of the same text could score quite "
                 f"differently.")
    return head
