"""How a training ended, in one sentence for the person who trained it: why it stopped, where
its best validation loss was, and which weights are kept; or why it blew up (the training
loss or the validation loss not a number).

The trainer stores the sentence with the run in the language it was trained in; the run store
says it again in the reader's language (``runs.reopening.run_message``) by matching it against
these forms.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import TYPE_CHECKING

from ..i18n import LANGUAGES, speaking, tr

if TYPE_CHECKING:
    from .trainer import TrainResult


def diverged_message(epoch: int, loss_value: float, lr: float) -> str:
    """Why training stopped when the training loss became NaN or infinite."""
    if math.isnan(loss_value):
        return tr("Training stopped at epoch {epoch}: the loss became NaN (not a number), "
                  "which usually means the learning rate ({lr:g}) is too high; try a "
                  "value 10 times smaller.", epoch=epoch, lr=lr)
    return tr("Training stopped at epoch {epoch}: the loss became infinite, which "
              "usually means the learning rate ({lr:g}) is too high; try a value 10 "
              "times smaller.", epoch=epoch, lr=lr)


def blown_up_message(epoch: int, val_loss: float) -> str:
    """Why training stopped when the validation loss was not a number."""
    return tr("Training stopped at epoch {epoch}: the validation loss became {value}, so the "
              "model's outputs blew up; try a smaller learning rate or fewer hidden units.",
              epoch=epoch, value=val_loss)


def ending_message(result: "TrainResult", keep_best: bool = True) -> str:
    """How training ended, in one sentence: why it stopped, its best validation loss and epoch,
    and which weights are kept (a saved run shows it again in the reader's language)."""
    if result.best_epoch == 0:
        return tr("Training stopped before the first epoch finished, so the model is "
                  "untrained.")
    values = dict(loss=f"{result.best_val_loss:.4g}", epoch=result.best_epoch)
    if keep_best:
        return {
            "completed": tr("Training ran all its epochs; the best validation loss ({loss}) "
                            "was at epoch {epoch}, and those weights are kept.", **values),
            "early_stopping": tr("Training stopped early because the validation loss "
                                 "stopped improving; the best validation loss ({loss}) was "
                                 "at epoch {epoch}, and those weights are kept.", **values),
            "stopped": tr("Training was stopped by the user; the best validation loss "
                          "({loss}) was at epoch {epoch}, and those weights are kept.",
                          **values),
            "time_budget": tr("Training used up its time budget; the best validation loss "
                              "({loss}) was at epoch {epoch}, and those weights are kept.",
                              **values),
        }.get(result.stop_reason) or tr("The best validation loss ({loss}) was at epoch "
                                        "{epoch}, and those weights are kept.", **values)
    return {
        "completed": tr("Training ran all its epochs; the best validation loss ({loss}) was "
                        "at epoch {epoch}, and the last epoch's weights are kept.", **values),
        "early_stopping": tr("Training stopped early because the validation loss stopped "
                             "improving; the best validation loss ({loss}) was at epoch "
                             "{epoch}, and the last epoch's weights are kept.", **values),
        "stopped": tr("Training was stopped by the user; the best validation loss ({loss}) "
                      "was at epoch {epoch}, and the last epoch's weights are kept.",
                      **values),
        "time_budget": tr("Training used up its time budget; the best validation loss "
                          "({loss}) was at epoch {epoch}, and the last epoch's weights are "
                          "kept.", **values),
    }.get(result.stop_reason) or tr("The best validation loss ({loss}) was at epoch {epoch}, "
                                    "and the last epoch's weights are kept.", **values)


def said_again(result: "TrainResult", stop_reasons=None) -> str:
    """``result``'s message in the reader's language where it is one of ``ending_message``'s
    sentences in either language (a run trained in English, read in Chinese, or the language
    switched while it trained; ``stop_reasons``: those to try besides its own); any other
    message (a blow-up, a crash) as it was stored."""
    endings = [(replace(result, stop_reason=reason), keep_best)
               for reason in dict.fromkeys([result.stop_reason, *(stop_reasons or ())])
               for keep_best in (True, False)]
    for code in LANGUAGES:
        with speaking(code):
            found = next((e for e in endings if ending_message(*e) == result.message), None)
        if found is not None:
            return ending_message(*found)  # in the reader's language, outside ``speaking``
    return result.message
