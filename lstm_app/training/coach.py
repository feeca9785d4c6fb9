"""The training coach: reads the loss curves (and the data's size) and says what to change.

Each diagnosis has a plain-language explanation and one concrete change of settings, which a
page can offer as a single click. The rules look only at the per-epoch history and a few facts,
so they apply to forecasts and text models alike:

- divergence: the loss turned NaN or infinite, or the validation loss blew up;
- overfitting: the validation loss rose for several epochs while the training loss kept falling;
- a model far too large for the data (weights per training example);
- underfitting: training ran out of epochs while both losses were still falling;
- a plateau: both losses stopped moving early, at a level well above where they started to fall;
- a forecast that does not beat the best simple rule (naive, seasonal naive, drift);
- data so small it can only be learnt by heart (a tiny text): said once, in place of
  overfitting and size, whose usual cures cannot help there;
- with nothing else to say, a validation loss several times the training loss even at its
  best: the held-out data is unlike the training data (no setting is the cure).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Sequence

from ..i18n import sentences, tr
from .trainer import EpochRecord

RISING_EPOCHS = 3        # validation above its best for this many epochs at the end: overfitting
OVERFIT_RISE = 0.05      # ... by this share at least at the end (noise on a flat curve is not),
OVERFIT_FALL = 0.05      # ... while the training loss fell by this share since the best epoch
STILL_FALLING = 0.01     # a loss that fell this share over the last epochs is still learning
FLAT = 0.002             # a loss that moved less than this share per epoch is flat
BLOW_UP = 3.0            # validation this many times its best: diverging
SPANS_APART = 3.0        # validation this many times training at the best epoch: data apart
MAX_DROPOUT = 0.5


@dataclass(frozen=True)
class Diagnosis:
    kind: str            # diverging | overfitting | too_big | underfitting | plateau | no_better
    title: str
    explanation: str
    changes: dict = field(default_factory=dict)  # setting -> new value
    change_label: str = ""                       # e.g. "dropout 0.1 → 0.3"


def diagnose(history: Sequence[EpochRecord], settings: dict, stop_reason: str = "completed",
             weights: int | None = None, examples: int | None = None,
             too_big_ratio: float | None = None, beats_simple_rules: bool | None = None,
             best_rule: str = "", ties_simple_rules: bool = False,
             season: int | None = None, tiny: str = "",
             best_statistical: str = "", later_span: bool = False) -> list[Diagnosis]:
    """What the curves say, most urgent first. ``settings`` holds the run's hidden_size,
    num_layers, dropout, lr, epochs (and lookback for a forecast); ``weights`` and ``examples``
    (training windows or tokens) with ``too_big_ratio`` judge the model's size. ``tiny`` names
    the data when it is too small to learn anything but by heart (e.g. "1,936 characters");
    ``best_statistical`` names the statistical model that beat the LSTM on the test span, if
    one did; ``beats_simple_rules`` False with ``ties_simple_rules`` is a tie with the best
    rule (the verdict's "as close as"), not a loss to it. ``later_span``: the validation data
    is a later span of the same series (a forecast's), where a loss several times training's
    is the data's doing rather than the model's."""
    best_rule = best_rule or tr("the best simple rule")
    found = []
    found += _diverging(history, settings, stop_reason)
    if not found:
        found += _overfitting(history, settings)
    found += _too_big(settings, weights, examples, too_big_ratio)
    if tiny:
        found = _by_heart(found, history, tiny)
    # Train longer, or take bigger steps, contradicts a network that memorises or blows up.
    if not any(d.kind in ("diverging", "overfitting", "too_big", "by_heart") for d in found):
        found += _underfitting(history, settings, stop_reason) or _plateau(history, settings)
    if beats_simple_rules is False:
        found += _no_better(settings, season, best_rule, tie=ties_simple_rules)
    elif best_statistical:
        found += _no_better(settings, season, best_rule, best_statistical)
    return one_change_each(found) or (_spans_apart(history) if later_span else [])


def _spans_apart(history) -> list[Diagnosis]:
    """The validation loss at its best epoch ``SPANS_APART`` times the training loss or more,
    where nothing else was found: the coach said "nothing to change" beside a validation curve
    at 7 and a training curve at 1."""
    scored = [h for h in history if h.val_loss is not None and h.train_loss is not None
              and math.isfinite(h.val_loss)]
    if len(scored) < 2:
        return []
    best = min(scored, key=lambda h: h.val_loss)
    if not 0 < best.train_loss * SPANS_APART <= best.val_loss:
        return []
    return [Diagnosis("apart", tr("The validation data is unlike the training data"), tr(
        "Even at its best epoch ({epoch}) the validation loss ({val:.3g}) was {times:.0f} times "
        "the training loss ({train:.3g}): the validation span holds something the training "
        "span does not show (a new level, a season or an event it never saw). No setting "
        "cures that; look at the series there, and judge the model by its scores on the test "
        "span.", epoch=best.epoch,
        val=best.val_loss, times=best.val_loss / best.train_loss, train=best.train_loss))]


def one_change_each(found: list[Diagnosis]) -> list[Diagnosis]:
    """The most urgent advice for each setting: two diagnoses never pull one setting two ways
    (or say the same change twice)."""
    kept, changed = [], set()
    for d in found:
        if not changed & set(d.changes):
            kept.append(d)
            changed |= set(d.changes)
    return kept


def _losses(history: Sequence[EpochRecord], key: str) -> list[float]:
    return [getattr(h, key) for h in history if getattr(h, key) is not None]


def _diverging(history, settings, stop_reason) -> list[Diagnosis]:
    val, train = _losses(history, "val_loss"), _losses(history, "train_loss")
    exploded = val and (not all(map(math.isfinite, val)) or
                        (len(val) >= 3 and val[-1] > BLOW_UP * min(val)
                         and not (_still_fell(train, val) and _overfitting(history, settings))))
    if stop_reason != "diverged" and not exploded:
        return []
    lr = settings["lr"]
    return [Diagnosis(
        "diverging", tr("Training is blowing up"),
        tr("The loss jumped to huge values (or to 'not a number'): the learning steps are so "
           "big that each one overshoots. A smaller learning rate makes them careful again."),
        {"lr": _round(lr / 3)}, tr("learning rate {old:g} → {new:g}", old=lr, new=_round(lr / 3)))]


def _still_fell(train: list[float], val: list[float]) -> bool:
    """Whether the training loss went on falling after the best validation epoch: a validation
    loss that rose meanwhile over epochs (overfitting's rule holds), however far, is
    overfitting, not a blow-up; a sudden leap still is one."""
    if len(train) != len(val) or not all(map(math.isfinite, train)):
        return False
    return train[-1] < train[val.index(min(val))] * (1 - OVERFIT_FALL)


def _overfitting(history, settings) -> list[Diagnosis]:
    val, train = _losses(history, "val_loss"), _losses(history, "train_loss")
    if len(val) < RISING_EPOCHS + 2 or len(train) != len(val):
        return []
    best = val.index(min(val))
    since = len(val) - 1 - best
    rose = (val[-1] >= val[best] * (1 + OVERFIT_RISE)
            and all(v > val[best] * (1 + OVERFIT_RISE / 2) for v in val[-RISING_EPOCHS:]))
    if since < RISING_EPOCHS or not rose or train[-1] > train[best] * (1 - OVERFIT_FALL):
        return []
    dropout = settings.get("dropout", 0.0)
    explanation = tr("From epoch {epoch} on, the validation loss rose by {rose} while the training "
                     "loss fell by {fell}: the network is memorising the training data instead "
                     "of learning what carries over to new data.", epoch=history[best].epoch,
                     rose=f"{val[-1] / val[best] - 1:.0%}",
                     fell=f"{1 - train[-1] / train[best]:.0%}")
    if dropout < MAX_DROPOUT:
        new = round(min(MAX_DROPOUT, dropout + 0.2), 2)
        return [Diagnosis("overfitting", tr("The model is overfitting"),
                          sentences(explanation, tr(
                              "More dropout switches off more of it at random while it trains, "
                              "so it cannot lean on memorised details.")),
                          {"dropout": new}, tr("dropout {old:g} → {new:g}", old=dropout, new=new))]
    return [_halve("overfitting", tr("The model is overfitting"),
                   sentences(explanation, tr("Dropout is already high; a smaller network has "
                                             "less room to memorise.")), settings)]


def _too_big(settings, weights, examples, ratio) -> list[Diagnosis]:
    if not weights or not examples or ratio is None or weights <= ratio * examples:
        return []
    return [_halve("too_big", tr("The model is far too large for this data"),
                   tr("It has {weights:,} weights for {examples:,} training examples: enough to "
                      "memorise them one by one. Fewer hidden units make it learn patterns "
                      "instead.", weights=weights, examples=examples), settings)]


def _by_heart(found: list[Diagnosis], history, tiny: str) -> list[Diagnosis]:
    """On tiny data, overfitting and a large model are what happens, not a setting to change:
    one sentence that says so (with the epoch it was best on unseen data) replaces both."""
    if not any(d.kind in ("overfitting", "too_big") for d in found):
        return found
    scored = [h for h in history if h.val_loss is not None]
    best = min(scored, key=lambda h: h.val_loss) if scored else None
    when = (tr("Its score on the held-out part was best at epoch {epoch} ({best:.3f}) and "
               "worsened as it memorised ({last:.3f} at the end).", epoch=best.epoch,
               best=best.val_loss, last=scored[-1].val_loss)
            if best is not None and scored[-1].val_loss > best.val_loss * 1.05 else "")
    return [d for d in found if d.kind not in ("overfitting", "too_big")] + [Diagnosis(
        "by_heart", tr("Your data is too small to learn more than by heart"),
        sentences(tr("With only {data} to learn from, any network memorises them: that is what "
                     "this demo shows, and no setting changes it.", data=tiny), when,
                  tr("To learn patterns that carry over to new data, give it more: for a text, "
                     "a few thousand characters at least, better tens of thousands.")))]


def _underfitting(history, settings, stop_reason) -> list[Diagnosis]:
    val, train = _losses(history, "val_loss"), _losses(history, "train_loss")
    epochs = settings["epochs"]
    if len(val) == 1 and len(history) == 1 and epochs == 1 and stop_reason == "completed":
        more = 10
        return [Diagnosis(
            "underfitting", tr("It trained for one epoch only"),
            tr("One epoch draws no curve to read, and a network has rarely learnt much from one "
               "pass over the data: more epochs let it go on (early stopping ends it when it "
               "stops improving)."), {"epochs": more},
            tr("epochs {old} → {new}", old=1, new=more))]
    if stop_reason not in ("completed", "time_budget", "stopped") or len(val) < 2:
        return []
    recent = max(1, len(val) // 5)
    falling = lambda losses: losses[-1] < losses[-1 - recent] * (1 - STILL_FALLING)
    if not (falling(val) and falling(train)):
        return []
    if stop_reason == "stopped":  # the settings did not end it: going on is Train more's
        return [Diagnosis(
            "underfitting", tr("It was still learning when you stopped it"),
            tr("Both losses were still falling when training was stopped: the network has not "
               "learnt all it can yet. Train more (below) goes on from these weights."))]
    change, label = more_training(settings, stop_reason)
    if "minutes" in change:
        return [Diagnosis(
            "underfitting", tr("It was still learning when its time ran out"),
            tr("Both losses were still falling when the time budget ended training: the network "
               "has not learnt all it can yet. More time lets it go on (early stopping ends it "
               "when it stops improving)."), change, label)]
    return [Diagnosis(
        "underfitting", tr("It was still learning when training ended"),
        tr("Both losses were still falling at the last epoch: the network has not learnt all it "
           "can yet. More epochs let it go on (early stopping ends it when it stops improving)."),
        change, label)]


def more_training(settings: dict, stop_reason: str) -> tuple[dict, str]:
    """The change that lets training go on, and its button label: twice the time budget where
    the budget ended it, else twice the epochs (``settings`` holds epochs and minutes: the
    epochs the network was trained in all, Train more's included)."""
    minutes = settings.get("minutes") or 0
    if stop_reason == "time_budget" and minutes:
        more = _round(minutes * 2)
        return {"minutes": more}, tr("time budget {old:g} → {new:g} minutes", old=minutes,
                                     new=more)
    epochs = settings["epochs"]
    return {"epochs": epochs * 2}, tr("epochs {old} → {new}", old=epochs, new=epochs * 2)


def _plateau(history, settings) -> list[Diagnosis]:
    """Both losses flat over the last epochs (neither still drifting down), and flat since
    halfway, at a level not far below the first epoch's."""
    val, train = _losses(history, "val_loss"), _losses(history, "train_loss")
    if len(val) < 6 or len(train) != len(val):
        return []
    fell = (val[0] - min(val)) / max(abs(val[0]), 1e-12)
    if fell > 0.5 or not all(_flat(losses[-4:]) for losses in (val, train)):
        return []  # still moving, or it has already come a long way down
    halfway = val[len(val) // 2]
    if abs(halfway - val[-1]) / max(abs(val[-1]), 1e-12) > FLAT * (len(val) - len(val) // 2):
        return []  # it was still falling in the second half: slow, not stuck
    lr = settings["lr"]
    return [Diagnosis(
        "plateau", tr("Training got stuck on a plateau"),
        tr("The validation loss stopped moving early, not far below where it started: the steps "
           "may be too small to get anywhere. A larger learning rate takes bigger steps."),
        {"lr": _round(lr * 3)}, tr("learning rate {old:g} → {new:g}", old=lr, new=_round(lr * 3)))]


def _flat(tail: list[float]) -> bool:
    """Moved less than FLAT a share per epoch, up and down or in one direction."""
    return (max(tail) - min(tail)) / max(abs(tail[-1]), 1e-12) / len(tail) <= FLAT


def _no_better(settings, season, rule: str, statistical: str = "",
               tie: bool = False) -> list[Diagnosis]:
    lookback = settings.get("lookback")
    title = tr("A simple rule forecasts better than the LSTM")
    explanation = tr("On the test span the LSTM did worse than simply {rule}, so that rule is the "
                     "better forecast for now.", rule=rule)
    if tie:
        title = tr("The LSTM forecasts no better than a simple rule")
        explanation = tr("On the test span the LSTM did as well as simply {rule}, no better: it "
                         "adds nothing over that rule yet.", rule=rule)
    if statistical:
        title = tr("{model} forecasts better than the LSTM", model=statistical)
        explanation = sentences(
            tr("On the test span the LSTM beat the simple rules but not {model}, a statistical "
               "model fitted in seconds.", model=statistical),
            tr("The recommended forecast already takes whichever did best on the validation "
               "span."))
    if season and isinstance(lookback, int) and lookback < 2 * season:
        return [Diagnosis("no_better", title,
                          sentences(explanation, tr(
                              "Its window is shorter than two seasons, so it cannot see a whole "
                              "season repeat; a longer lookback can.")),
                          {"lookback": 2 * season},
                          tr("lookback {old} → {new}", old=lookback, new=2 * season))]
    return [_halve("no_better", title, sentences(explanation, tr(
        "A smaller network often forecasts short series better.")), settings)]


def _halve(kind: str, title: str, explanation: str, settings: dict) -> Diagnosis:
    hidden = settings["hidden_size"]
    new = max(1, hidden // 2)
    return Diagnosis(kind, title, explanation, {"hidden_size": new},
                     tr("hidden units {old} → {new}", old=hidden, new=new))


def _round(value: float) -> float:
    """Two significant digits, as a person would type a learning rate."""
    return float(f"{value:.2g}")
