"""The scoreboard beyond the simple rules: the statistical models and the combination beside the
LSTM, the forecast recommended on the validation span only, and the verdict that names the best
method on the test span and says what to do.

Every method here has forecasts on the same validation and test windows and after the last
value: the LSTM, each statistical model that could be fitted in its time limit, and the
combination (the mean of the LSTM and the statistical model with the lowest validation error).
The recommended forecast is the one of those with the lowest validation error; nothing from the
test span is read to choose it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..i18n import N_, capitalized, sentences, tr
from ..quoting import listed
from . import evaluation
from .metrics import Scores, mae
from .statistical import STATISTICAL, StatisticalForecasts

LSTM = "lstm"
COMBINATION = "combination"
COMBINED = N_("mean of the LSTM and {model}")  # the combination's label (English, as saved)


def method_label(label: str) -> str:
    """A method's label as results and saved runs keep it (English: "AutoETS", "mean of the
    LSTM and AutoETS") in the reader's language."""
    before = COMBINED.split("{model}")[0]
    if label.startswith(before):
        return tr(COMBINED, model=label[len(before):])
    return tr(label)
NEAR = 0.01  # two errors within 1% of each other are "as close"


@dataclass
class Methods:
    """Forecasts of every method that may be recommended, keyed "lstm", "auto_ets", …,
    "combination": ``(origins, horizon)`` on validation and test, ``(horizon,)`` after the
    last value, and each method's name for people."""

    val: dict[str, np.ndarray] = field(default_factory=dict)
    test: dict[str, np.ndarray] = field(default_factory=dict)
    future: dict[str, np.ndarray] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)


def methods(lstm_val: np.ndarray, lstm_test: np.ndarray, lstm_future: np.ndarray,
            statistical: StatisticalForecasts, val_actual: np.ndarray) -> Methods:
    """The LSTM, the statistical models, and their combination when there is one to make."""
    out = Methods({LSTM: lstm_val}, {LSTM: lstm_test}, {LSTM: lstm_future}, {LSTM: "LSTM"})
    for name in statistical.val:
        out.val[name], out.test[name] = statistical.val[name], statistical.test[name]
        out.future[name], out.labels[name] = statistical.future[name], statistical.labels[name]
    if statistical.val:
        best = min(statistical.val, key=lambda n: mae(val_actual, statistical.val[n]))
        for span in ("val", "test", "future"):
            forecasts = getattr(out, span)
            forecasts[COMBINATION] = (forecasts[LSTM] + forecasts[best]) / 2
        out.labels[COMBINATION] = COMBINED.format(model=STATISTICAL[best])
    return out


def recommend(found: Methods, val_actual: np.ndarray) -> tuple[str, str]:
    """The method with the lowest validation error, and why in one sentence."""
    errors = {name: mae(val_actual, pred) for name, pred in found.val.items()}
    best = min(errors, key=errors.get)
    if len(errors) == 1:
        return best, tr("The forecast is the LSTM's: no statistical model was fitted to compare "
                        "it with.")
    runner = min((n for n in errors if n != best), key=errors.get)
    gap = (errors[runner] - errors[best]) / errors[runner] if errors[runner] > 0 else 0.0
    if gap < 0.005:  # "0% closer" says nothing: a tie is said as one
        return best, tr("Recommended: {method}, whose forecasts were as close to what happened "
                        "on the validation span as those of {runner} (within 0.5%; either would "
                        "do); it was chosen before the test span was looked at.",
                        method=method_label(found.labels[best]),
                        runner=method_label(found.labels[runner]))
    return best, tr("Recommended: {method}, whose forecasts were closest to what happened on "
                    "the validation span ({gap:.0%} closer than the next, {runner}); it was "
                    "chosen before the test span was looked at.", method=method_label(found.labels[best]),
                    gap=gap, runner=method_label(found.labels[runner]))


def verdict(lstm: Scores, rows: dict[str, Scores], labels: dict[str, str],
            rules: dict[str, str]) -> str:
    """The best method on the test span in one sentence, and what to do when it is not the
    LSTM. ``rows`` holds every other method's test scores; ``labels`` names the statistical
    models and the combination, ``rules`` says what each simple rule does."""
    name = lambda n: (tr("the {method}", method=method_label(labels[n])) if n == COMBINATION
                      else STATISTICAL.get(n) or tr("simply {rule}", rule=rules[n]))
    best = min(rows, key=lambda n: rows[n].mae)
    best_mae, lstm_mae = rows[best].mae, lstm.mae
    others = len(rows)
    if abs(lstm_mae - best_mae) <= NEAR * max(lstm_mae, best_mae):
        return tr("On the test span the LSTM's forecasts were as close to what happened as "
                  "those of {method} (within 1%), the best of the {others} other methods.",
                  method=name(best), others=others)
    if lstm_mae < best_mae:
        gain = (best_mae - lstm_mae) / best_mae
        return tr("The LSTM was the best method on the test span: its forecasts were {gain:.0%} "
                  "closer to what happened than those of {method}, the best of the {others} "
                  "others.", gain=gain, method=name(best), others=others)
    gap = (lstm_mae - best_mae) / lstm_mae if lstm_mae > 0 else 0.0
    first = capitalized(name(best))
    return sentences(
        tr("{method} was {gap:.0%} better than the LSTM on the test span.", method=first,
           gap=gap),
        tr("To improve the LSTM, give it a longer lookback, more epochs or a smaller model; the "
           "forecast to use is chosen on the validation span, not on this one."))


def forecast_verdict(series, test_row, baseline_rows: dict, labels: dict | None,
                     why: str) -> str:
    """The verdict on the test span: against the statistical models and the combination too
    when they were fitted (``labels`` names them; None when none was), with why the
    recommended forecast was chosen; else against the simple rules."""
    if labels is None:
        said = evaluation.verdict(test_row, baseline_rows, series.season_length, series.freq)
        if evaluation.lstm_wins(test_row, baseline_rows) or evaluation.lstm_ties(test_row,
                                                                                 baseline_rows):
            return said
        return sentences(said, tr(  # (the forecast written and drawn is still the LSTM's)
            "The forecast offered here is still the LSTM's: only a statistical model, fitted "
            "when they are given time, can be recommended in its place."))
    return sentences(verdict(test_row, baseline_rows, labels,
                             evaluation.rules(series.season_length, series.freq)), why)


def plan_unfollowed(known: tuple, recommended: str, labels: dict,
                    in_use: bool = False) -> list[str]:
    """The sentence for a recommended forecast (``recommended``, named in ``labels``; with
    ``in_use``, the one the reader picked to use) that does not read the plan of the columns
    ``known`` ahead: only the LSTM reads it."""
    if not known or recommended == LSTM:
        return []
    name = method_label(labels.get(recommended, recommended))
    if in_use:
        return [tr("Only the LSTM reads the plan of {columns}; the forecast in use ({name}) "
                   "reads it through its LSTM half only, so the planned days move half as much "
                   "there. Choose the LSTM to follow the plan fully.", columns=listed(known),
                   name=name) if recommended == COMBINATION else
                tr("Only the LSTM reads the plan of {columns}; the forecast in use ({name}) "
                   "does not, so it does not follow the planned days. Choose the LSTM to follow "
                   "the plan.", columns=listed(known), name=name)]
    if recommended == COMBINATION:  # half of it is the LSTM's
        return [tr("Only the LSTM reads the plan of {columns}; the recommended forecast ({name}) "
                   "reads it through its LSTM half only, so the planned days move half as much "
                   "there. Choose the LSTM as the forecast to use to follow the plan fully.",
                   columns=listed(known), name=name)]
    return [tr("Only the LSTM reads the plan of {columns}; the recommended forecast ({name}) "
               "does not, so it does not follow the planned days. Choose the LSTM as the "
               "forecast to use to follow the plan.", columns=listed(known), name=name)]
