"""What an auto-tune shows: each trial as a row of the trials table, the live view while the
study runs, and the study's result with its verdict in words (``study.py`` runs it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..i18n import N_, sentences, tr
from .space import Dimension, rounded, with_params

CLEAR_GAIN = 0.01  # a validation loss this much lower (a share) is a gain; less is noise
STATES = {"queued": N_("queued"), "running": N_("running"), "done": N_("done"),  # as shown
          "pruned": N_("pruned"), "stopped": N_("stopped"), "failed": N_("failed")}


@dataclass(frozen=True)
class TrialRow:
    """One trial as the trials table shows it."""

    number: int
    state: str                 # one of STATES
    value: float | None        # its best validation loss so far
    params: dict               # the tuned settings' values
    epochs: int                # epochs scored so far
    seconds: float | None
    run_id: str | None         # its run in the store of the worker that ran it
    start: bool = False        # the starting settings
    message: str = ""          # why it failed, in a sentence


@dataclass(frozen=True)
class TuneLive:
    """What the page draws while the study runs."""

    study: str
    task: str
    trials: tuple[TrialRow, ...]
    space: tuple[Dimension, ...]
    elapsed: float
    minutes: float
    planned: int               # trials this worker runs at most


@dataclass(frozen=True)
class TuneResult:
    study: str
    task: str
    storage: str               # where the study is kept, its password hidden
    trials: tuple[TrialRow, ...]
    space: tuple[Dimension, ...]
    start_config: Any          # the settings it started from, resolved
    best: TrialRow | None
    start: TrialRow | None     # the starting settings' trial, if it finished
    stopped: bool
    seconds: float

    @property
    def best_config(self) -> Any:
        return (None if self.best is None
                else with_params(self.start_config, rounded(self.best.params)))

    @property
    def improvement(self) -> float | None:
        """How much lower the best validation loss is than the starting settings', as a share."""
        if self.best is None or self.start is None or not self.start.value:
            return None
        return (self.start.value - self.best.value) / self.start.value

    @property
    def better(self) -> bool:
        """Whether a trial's settings did clearly better than the starting ones: a validation
        loss at least ``CLEAR_GAIN`` lower (less is within a training's own noise)."""
        return self.improvement is not None and self.improvement >= CLEAR_GAIN

    @property
    def verdict(self) -> str:
        done = sum(t.state == "done" for t in self.trials)
        pruned = sum(t.state == "pruned" for t in self.trials)
        stopped = sum(t.state == "stopped" and t.value is not None for t in self.trials)
        counts = (tr("Trials: {done} finished, {stopped} stopped (each scored on the epochs it "
                     "trained), {pruned} pruned.", done=done, stopped=stopped, pruned=pruned)
                  if stopped else
                  tr("Trials: {done} finished, {pruned} pruned.", done=done, pruned=pruned))
        if self.best is None:
            return tr("No trial finished, so there are no tuned settings yet; give the study "
                      "more time or more trials.")
        values = dict(trial=self.best.number, best=f"{self.best.value:.4g}")
        if self.start is None:
            return sentences(tr("Trial {trial}'s settings reach the lowest validation loss, {best}; the "
                      "starting settings did not finish, so there is nothing to compare them "
                      "with.", **values), counts)
        start = f"{self.start.value:.4g}"
        if not any(scored(t) and not t.start for t in self.trials):
            return sentences(tr("Only the starting settings were scored (validation loss "
                                "{start}), so there is nothing to compare them with yet; give "
                                "the study more trials or more time.", start=start), counts)
        if self.best.number == self.start.number or not self.improvement:
            return sentences(tr("No trial beat the starting settings (validation loss {start}): "
                                "keep them.", start=start), counts)
        values.update(share=self.improvement, start=start)
        if not self.better:
            return sentences(tr("Trial {trial}'s settings reach a validation loss of {best}, "
                                "within {gain:.0%} of the starting settings' {start}: no clear "
                                "gain, so keep the starting settings.", gain=CLEAR_GAIN,
                                **values), counts)
        if self.task == "text":  # a text has no test span: the settings are judged where chosen
            return sentences(tr("Trial {trial}'s settings reach a validation loss of {best}, "
                                "{share:.0%} lower than the starting settings' {start}. A text "
                                "has no test span, so this is the span that chose them: the "
                                "figure flatters them a little.", **values), counts)
        return sentences(tr("Trial {trial}'s settings reach a validation loss of {best}, "
                            "{share:.0%} lower than the starting settings' {start} (on the "
                            "validation span; the test span was never looked at).", **values),
                         counts)


def scored(row: TrialRow) -> bool:
    """Whether a trial's settings have a score to compare: it finished, or was stopped (by Stop
    or the study's time) after an epoch, its best validation loss so far being its score."""
    return row.state in ("done", "stopped") and row.value is not None
