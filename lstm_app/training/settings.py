"""Settings tables: each setting of a task with its type, bounds, choices and one sentence of help.

A task's table is the one description of its settings. The config dataclass checks itself
against it when it is made (so the Python API refuses a bad config), the command line builds its
arguments from it, bundle import and saved runs are read through the config, and the page builds
its widgets from it; all of them refuse a bad value with the same sentence (``Setting.check``).

The rows both tasks share are here (``TRAINING``); a task takes them, changes what differs
(``dataclasses.replace``, e.g. its own help text) and adds its own.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import Any, Iterable

from ..i18n import N_, tr
from ..quoting import listed
from .rnn import CELLS
from .trainer import OPTIMIZERS, SCHEDULES

AUTO = "auto"
COLUMN_NAME_CHARS = 200  # a column name in a list of columns, at most (csv_table.MAX_NAME cuts
#                          a file's longer names to fit)


@dataclass(frozen=True)
class Setting:
    name: str                    # the config field
    kind: type                   # int, float, bool, str, or tuple (a list of column names)
    label: str                   # what the page calls it
    help: str                    # one sentence for someone who does not code
    low: float | None = None     # inclusive bounds of a number
    high: float | None = None
    choices: tuple = ()          # the only values a str setting may take
    presets: tuple = ()          # the values a page's slider offers (the learning rate)
    auto: bool = False           # "auto" is allowed: chosen from the data
    optional: bool = False       # None is allowed (e.g. a column that is detected)
    fraction_or_count: bool = False  # below 1 a share of the rows, from 1 on a whole count
    max_length: int = 0          # the longest text a str setting takes (0: no text allowed)
    on_page: bool = True         # the page has a widget for it
    on_cli: bool = True          # the command line has an option for it
    step: float | None = None    # the page's step for a number

    def check(self, value: Any) -> Any:
        """``value`` as this setting's type, or a ValueError with the one sentence for it."""
        if self.auto and value == AUTO or self.optional and value is None:
            return value
        if self.kind in (int, float):
            return self._number(value)
        if self.kind is bool:
            if not isinstance(value, bool):
                raise ValueError(tr("{setting} must be true or false.",
                                    setting=self._subject()))
            return value
        if self.kind is tuple:
            if isinstance(value, (list, tuple)) and all(isinstance(v, str) and
                                                        len(v) <= COLUMN_NAME_CHARS for v in value):
                return tuple(value)
            raise ValueError(tr("{setting} must be a list of column names.",
                                setting=self._subject()))
        if self.choices:
            if value not in self.choices:
                raise ValueError(tr("{setting} must be one of: {choices}.",
                                    setting=self._subject(), choices=", ".join(self.choices)))
            return value
        if not isinstance(value, str) or len(value) > self.max_length:
            raise ValueError(tr("{setting} must be a text of at most {limit:,} characters.",
                                setting=self._subject(), limit=self.max_length))
        return value

    def parse(self, text: str) -> Any:
        """A command-line word as this setting's value (``check``-ed)."""
        if self.kind is tuple:
            return self.check(tuple(c.strip() for c in text.split(",") if c.strip()))
        if self.kind in (int, float) and text != AUTO:
            try:
                return self.check(float(text))
            except ValueError:
                raise ValueError(self._number_sentence()) from None
        if self.kind is bool:
            return self.check({"true": True, "false": False}.get(text.lower(), text))
        return self.check(text)

    def _number(self, value: Any) -> int | float:
        ok = (isinstance(value, (int, float)) and not isinstance(value, bool)
              and math.isfinite(value) and self.low <= value <= self.high)
        if ok and self.kind is int and not float(value).is_integer():
            ok = False
        if ok and self.fraction_or_count and value >= 1 and not float(value).is_integer():
            ok = False
        if not ok or (self.fraction_or_count and value <= 0):
            raise ValueError(self._number_sentence())
        return int(value) if self.kind is int else float(value)

    def _number_sentence(self) -> str:
        values = dict(setting=self._subject(), low=plain_number(self.low),
                      high=plain_number(self.high))
        if self.fraction_or_count:  # (no such setting takes auto)
            return tr("{setting} must be a share between 0 and 1 (such as 0.15) or a whole "
                      "number of rows from 1 to {high}.", **values)
        if self.kind is int:
            return (tr("{setting} must be a whole number from {low} to {high}, or auto.", **values)
                    if self.auto else
                    tr("{setting} must be a whole number from {low} to {high}.", **values))
        return (tr("{setting} must be a number from {low} to {high}, or auto.", **values)
                if self.auto else tr("{setting} must be a number from {low} to {high}.", **values))

    def _subject(self) -> str:
        """The setting as a sentence names it: its label, and its field where that differs."""
        words, label = self.name.replace("_", " "), tr(self.label)
        if self.label.lower() == words or self.label.lower().endswith(f"({words})"):
            return label  # "Time budget (minutes)" names its field already
        if label.endswith((")", "）")):  # "Batch size (streams; batch_size)", no second pair
            return f"{label[:-1]}; {self.name}{label[-1]}"
        return tr("{label} ({name})", label=label, name=self.name)


def plain_number(value: float) -> str:
    """1e-05 as 0.00001, 2147483647 as 2,147,483,647: the way a person types a bound."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:.10f}".rstrip("0")


def check_config(config: Any, table: Iterable[Setting]) -> None:
    """Check every field of a frozen config dataclass against its table, normalising the types
    (a JSON 8.0 becomes 8, a list of columns a tuple). Called from the config's __post_init__."""
    rows = {s.name: s for s in table}
    for f in fields(config):
        value = rows[f.name].check(getattr(config, f.name))
        object.__setattr__(config, f.name, value)
    suggested = getattr(config, "suggested", ())
    unknown = [name for name in suggested if name not in rows]
    if unknown:
        raise ValueError(f"'suggested' names settings that do not exist: {listed(unknown)}.")


CHOICE_LABELS = {  # a choice as pages and tables show it (names stay; words are translated)
    "lstm": "LSTM", "gru": "GRU", "peephole": N_("Peephole LSTM"), "char": N_("Characters"),
    "word": N_("Words"), "auto": N_("Auto"), "last": N_("Last step"), "max": N_("Max"),
    "mean": N_("Mean"), "attention": N_("Attention"), "plateau": N_("On a plateau"),
    "cosine": N_("Cosine"), "none": N_("None"), "adam": "Adam", "adamw": "AdamW", "sgd": "SGD",
    "rmsprop": "RMSprop", "cpu": "CPU", "cuda": "CUDA"}


SAVED_SETTINGS = N_("The saved settings (config.json)")  # the name the runs' loaders pass


def config_from_dict(cls: type, values: Any, what: str = N_("The settings")) -> Any:
    """A config dataclass from a plain dict (a saved run's or a bundle's config.json), refusing
    settings it does not have; every value is checked by the config itself. ``what`` names
    the settings in the refusal (an ``N_`` sentence, translated here)."""
    if not isinstance(values, dict):
        raise ValueError(tr("{what} are not a set of named settings.", what=tr(what)))
    known = {f.name for f in fields(cls)}
    extra = sorted(set(values) - known)
    if extra:
        raise ValueError(tr("{what} hold settings this task does not have: {names}.",
                            what=tr(what), names=listed(extra)))
    return cls(**values)


def table_of(rows: Iterable[Setting]) -> dict[str, Setting]:
    return {s.name: s for s in rows}


# --- the rows both tasks share -----------------------------------------------------------------

TRAINING = table_of([
    Setting("hidden_size", int, N_("Hidden units"),
            N_("The size of the network's memory: more units can learn more patterns but need more "
               "data."), low=1, high=2048),
    Setting("num_layers", int, N_("Layers"),
            N_("How many LSTM layers are stacked; one is enough for most data."), low=1, high=6),
    Setting("dropout", float, N_("Dropout"),
            N_("The share of the network switched off at random while training, which stops it "
               "from memorising the data."), low=0.0, high=0.9, step=0.05),
    Setting("cell", str, N_("Cell type"),
            N_("LSTM is the classic; GRU is a slightly smaller cousin that often learns as well; "
               "a peephole LSTM's gates also read its memory cell, and it trains 3 to 7 times "
               "slower (it cannot use the fast built-in LSTM)."), choices=CELLS),
    Setting("epochs", int, N_("Epochs"),
            N_("How many times training goes through all the data (it may stop earlier when it "
               "stops improving)."), low=1, high=10_000),
    Setting("batch_size", int, N_("Batch size"),
            N_("How many examples the network looks at before each small update."), low=1,
            high=4096),
    Setting("lr", float, N_("Learning rate"),
            N_("How big each learning step is: too small learns slowly, too big jumps around or "
               "blows up."), low=0.00001, high=1.0),
    Setting("minutes", float, N_("Time budget (minutes)"),
            N_("Stop after this many minutes of training whatever the epoch (0 for no limit)."),
            low=0.0, high=600.0, step=0.5),
    Setting("patience", int, N_("Early-stopping patience"),
            N_("Stop after this many epochs without a better validation score (0 never stops "
               "early)."), low=0, high=1000),
    Setting("seed", int, N_("Seed"),
            N_("Fixes the random start so that the same settings give the same result."), low=0,
            high=2**31 - 1),
    Setting("optimizer", str, N_("Optimizer"),
            N_("The rule that turns errors into weight updates; Adam is the safe choice."),
            choices=OPTIMIZERS),
    Setting("lr_schedule", str, N_("Learning-rate schedule"),
            N_("Plateau halves the learning rate when progress stalls; cosine lowers it smoothly."),
            choices=SCHEDULES),
    Setting("grad_clip", float, N_("Gradient clipping"),
            N_("Caps the size of each update so that a rare huge error cannot wreck the network (0 "
               "turns it off)."), low=0.0, high=100.0, step=0.5),
    Setting("device", str, N_("Device"),
            N_("Where to train: auto takes the GPU when there is one."),
            choices=("auto", "cpu", "cuda"), on_page=False),
    Setting("suggested", tuple, N_("Suggested settings"),
            N_("The settings whose values were suggested for the data rather than chosen."),
            on_page=False, on_cli=False),
])
