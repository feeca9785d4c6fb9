"""What an auto-tune searches: the settings that matter for each task, and their ranges.

The ranges are judged from the settings the study starts from (the form's settings, resolved
for the data: "auto" lookback as a number): the lookback from half to twice the starting one,
at most what the data can train on and, for seasonal data, not under two seasons (which the
coach would advise against) where the starting one is not; hidden units, layers and dropout over the ranges that work for
small LSTMs, a forecaster's hidden units no more than the page calls fitting for the data's
training windows with the trial's number of layers (the layers are chosen first); the learning rate among the presets the page's slider offers (so that the best
settings fit the form); the cell between LSTM and GRU (the peephole cell trains
3 to 7 times slower, which a search of many trials cannot afford; a study that starts from one
keeps it as a choice). Every range holds the starting value, so the first trial can be
exactly the starting settings: the one every other trial is measured against.

A space is plain data (``Dimension`` rows), stored with the study so that a worker joining it
from another machine searches exactly the same ranges.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

from ..i18n import N_

TUNED = {  # the settings each task's search changes, in the order the tables show them
    "forecast": ("lookback", "hidden_size", "num_layers", "dropout", "lr", "cell"),
    "panel": ("lookback", "hidden_size", "num_layers", "dropout", "lr", "cell"),
    "text": ("seq_len", "hidden_size", "num_layers", "dropout", "lr", "cell"),
    "classify": ("hidden_size", "num_layers", "dropout", "lr", "cell", "bidirectional"),
}
FORECAST_KEPT = N_("The horizon, the columns, the validation and test spans, the epochs, the "
                   "batch size and the seed stay as they are in every trial, so that every "
                   "trial is scored on the same validation data.")
NOT_TUNED = {  # what each task's search leaves as it is, said beside the start button
    "forecast": FORECAST_KEPT, "panel": FORECAST_KEPT,
    "text": N_("The tokens (characters or words), the validation share, the embedding size, "
               "the epochs, the batch size and the seed stay as they are in every trial, so "
               "that every trial is scored on the same validation text."),
    "classify": N_("The columns, the tokens, the embedding size, the longest text read, the "
                   "pooling, the validation and test splits, the epochs, the batch size and "
                   "the seed stay as they are in every trial, so that every trial is scored on "
                   "the same validation texts."),
}


@dataclass(frozen=True)
class Dimension:
    """One setting's range: numbers from ``low`` to ``high`` (on a log scale with ``log``, in
    steps of ``step`` where given), or one of ``choices``."""

    name: str
    kind: str                    # "int" | "float" | "choice"
    low: float = 0.0
    high: float = 0.0
    log: bool = False
    step: float | None = None
    choices: tuple = ()
    highs: tuple = ()            # the highest for 1, 2, 3 … layers, where the data limits it

    def to_dict(self) -> dict:
        return {**asdict(self), "choices": list(self.choices), "highs": list(self.highs)}

    @classmethod
    def from_dict(cls, row: dict) -> "Dimension":
        return cls(**{**row, "choices": tuple(row.get("choices", ())),
                      "highs": tuple(row.get("highs", ()))})

    def high_for(self, layers: int | None) -> float:
        """The highest value with ``layers`` layers (``high`` where layers do not limit it)."""
        if not self.highs or layers is None:
            return self.high
        return max(self.low, min(self.high, self.highs[min(int(layers), len(self.highs)) - 1]))


def hidden_range(task: str) -> tuple[int, int]:
    """The hidden units searched before the data limits them."""
    return (32, 512) if task == "text" else (8, 256)


def _ranges(task: str, base: Any, data_limit: int | None, season: int | None,
            hidden_limits: tuple[int, ...] = ()) -> list[Dimension]:
    from ..tasks import task_named

    hidden = hidden_range(task)
    if hidden_limits:
        hidden = (hidden[0], max(hidden[0], min(hidden[1], max(hidden_limits))))
    presets = task_named(task).settings["lr"].presets
    rows = []
    for name in TUNED[task]:
        if name == "lookback":
            start = int(base.lookback)
            high = max(start, min(2 * start, data_limit or 2 * start))
            # not under two seasons where the start sees them: the coach would undo it
            whole = min(start, 2 * season) if season and season > 1 else 0
            rows.append(Dimension(name, "int", max(2, start // 2, whole), high))
        elif name == "seq_len":
            start = int(base.seq_len)
            rows.append(Dimension(name, "int", max(8, start // 2), max(16, 2 * start)))
        elif name == "hidden_size":
            rows.append(Dimension(name, "int", *hidden, log=True, highs=tuple(
                max(hidden[0], min(hidden[1], limit)) for limit in hidden_limits)))
        elif name == "num_layers":
            rows.append(Dimension(name, "int", 1, 3))
        elif name == "dropout":
            rows.append(Dimension(name, "float", 0.0, 0.7 if task == "classify" else 0.5,
                                  step=0.05))
        elif name == "lr" and presets:  # the page offers a few: the search takes those
            rows.append(Dimension(name, "choice", choices=tuple(presets)))
        elif name == "lr":
            rows.append(Dimension(name, "float", 3e-4, 3e-2, log=True))
        elif name == "cell":
            rows.append(Dimension(name, "choice", choices=("lstm", "gru")))
        elif name == "bidirectional":
            rows.append(Dimension(name, "choice", choices=(True, False)))
    return rows


def search_space(task: str, base: Any, data_limit: int | None = None,
                 season: int | None = None,
                 hidden_limits: tuple[int, ...] = ()) -> list[Dimension]:
    """The ranges for ``task`` around the resolved starting config ``base``, each widened to hold
    the starting value (an off-grid dropout drops the grid). ``data_limit`` caps the lookback
    (the longest the data can train on); with a ``season``, the lookback stays at two seasons
    or more where the starting one does; ``hidden_limits`` caps the hidden units for 1, 2, 3 …
    layers (the most the data's training windows can fill)."""
    rows = []
    for row in _ranges(task, base, data_limit, season, hidden_limits):
        value = getattr(base, row.name)
        if row.kind == "choice":
            rows.append(row if value in row.choices else replace(row, choices=row.choices
                                                                  + (value,)))
            continue
        if row.highs:  # the start's own number of layers holds its units
            at = min(int(base.num_layers), len(row.highs)) - 1
            row = replace(row, highs=row.highs[:at] + (max(row.highs[at], value),)
                          + row.highs[at + 1:])
        row = replace(row, low=min(row.low, value), high=max(row.high, value))
        if row.step and abs((value - row.low) / row.step - round((value - row.low) / row.step)) \
                > 1e-9:
            row = replace(row, step=None)
        rows.append(row)
    return rows


def suggest(trial, space: list[Dimension]) -> dict:
    """One trial's settings, asked of Optuna's sampler (``trial`` is an ``optuna.Trial``); a
    range that the number of layers limits is asked after the layers."""
    params = {}
    for d in sorted(space, key=lambda d: bool(d.highs)):
        if d.kind == "choice":
            params[d.name] = trial.suggest_categorical(d.name, list(d.choices))
        elif d.kind == "int":
            high = int(d.high_for(params.get("num_layers")))
            params[d.name] = trial.suggest_int(d.name, int(d.low), high, log=d.log)
        else:
            params[d.name] = trial.suggest_float(d.name, d.low, d.high, log=d.log, step=d.step)
    return {d.name: params[d.name] for d in space}


def starting_params(base: Any, space: list[Dimension]) -> dict:
    """The starting config's values of the tuned settings (the first trial's)."""
    return {d.name: getattr(base, d.name) for d in space}


def with_params(base: Any, params: dict) -> Any:
    """The starting config with a trial's settings (checked by the config, as any settings are);
    what it no longer holds (was suggested for the data) is no longer named as suggested."""
    suggested = tuple(name for name in getattr(base, "suggested", ()) if name not in params)
    return replace(base, **params, suggested=suggested)


def rounded(params: dict) -> dict:
    """A trial's settings as they are shown and applied: a learning rate to three significant
    digits (0.00342, not 0.0034269762466825095), a dropout to two decimals."""
    return {name: (float(f"{value:.3g}") if isinstance(value, float) and name != "dropout"
                   else round(value, 2) if isinstance(value, float) else value)
            for name, value in params.items()}
