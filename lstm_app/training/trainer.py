"""The task-agnostic Trainer: optimizer, schedule, early stopping, best weights, stop flag, progress.

The forecaster and the text model both train through it. A task hands over three things:

- the model, whose ``forward(*batch)`` returns ``(output, loss)`` (nanoGPT's convention),
- ``train_batches(generator)``: a callable returning an iterable of batches (tuples of tensors),
  shuffled with the generator it is given so that a seed reproduces the run,
- ``val_loss(model)``: a callable returning the validation loss as a float (lower is better),
  or ``(loss, scores)`` with a dict of the task's own validation scores (a classifier's accuracy
  and macro-F1), which the epoch's record keeps.

A task with state carried between batches (a stateful language model) passes ``loss_fn`` to
compute the loss of one batch itself.

Progress goes out through ``on_progress``: a small frozen record after every ``progress_every``
batches and after every epoch. The caller prints, plots or stores it; the trainer never does.

``Callbacks`` bundles what a task's ``fit`` reports through (progress, its live view, checkpoints
of the trained model, and the stop flag it obeys), so that the job queue, a worker process, the
run recorder and the command line all hand a training the same one value.
"""

from __future__ import annotations

import copy
import math
import threading
import time
from dataclasses import asdict, dataclass, field
from typing import Any, Callable, Iterable

import torch
from torch import nn

from ..i18n import tr
from .endings import blown_up_message, diverged_message, ending_message

OPTIMIZERS = ("adam", "adamw", "sgd", "rmsprop")
STOP_REASONS = ("completed", "early_stopping", "stopped", "diverged", "time_budget")
SCHEDULES = ("plateau", "cosine", "none")


@dataclass(frozen=True)
class TrainerConfig:
    epochs: int = 100
    lr: float = 1e-3
    optimizer: str = "adam"        # adam | adamw | sgd | rmsprop
    weight_decay: float = 0.0
    grad_clip: float = 1.0         # max gradient norm; 0 turns clipping off. LSTMs can explode.
    lr_schedule: str = "plateau"   # none | plateau (halve when validation stalls) | cosine
    patience: int = 10             # epochs without a better validation loss before stopping; 0 = never
    seed: int = 0
    progress_every: int = 10       # batches between two progress records
    max_seconds: float = 0.0       # wall-clock budget; 0 = none
    keep_best: bool = True         # end with the best validation epoch's weights, else the last


@dataclass(frozen=True)
class EpochRecord:
    """One finished epoch, as the curves, the coach, the run store and the reports read it."""

    epoch: int
    train_loss: float | None
    val_loss: float | None
    lr: float | None = None
    seconds: float | None = None  # since the training (or the run it continues) started
    scores: dict | None = None    # the task's own validation scores, {name: number}, if any

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, record: dict) -> "EpochRecord":
        return cls(int(record["epoch"]), record.get("train_loss"), record.get("val_loss"),
                   record.get("lr"), record.get("seconds"), valid_scores(record.get("scores")))


def valid_scores(scores) -> dict | None:
    """``scores`` if it is a dict of names to finite numbers (as a task writes it), else None."""
    if not isinstance(scores, dict) or len(scores) > 20:
        return None
    ok = all(isinstance(k, str) and len(k) <= 40 and isinstance(v, (int, float))
             and not isinstance(v, bool) and math.isfinite(v) for k, v in scores.items())
    return {k: float(v) for k, v in scores.items()} if ok else None


@dataclass(frozen=True)
class Progress:
    """What a page or a progress bar needs to know, small enough to copy under a lock."""

    kind: str                  # "batch" during an epoch, "epoch" at its end
    epoch: int                 # 1-based
    epochs: int
    step: int                  # batches done in this epoch
    steps_per_epoch: int
    train_loss: float          # running mean over this epoch so far
    val_loss: float | None     # only on "epoch" records
    best_val_loss: float | None
    lr: float
    elapsed: float             # seconds since fit() started
    samples_per_sec: float
    max_seconds: float = 0.0   # the wall-clock budget, 0 for none
    record: EpochRecord | None = None  # on "epoch" records: the epoch as the history keeps it
    start_epoch: int = 0       # the epochs of an earlier training this one goes on from

    @property
    def epochs_done(self) -> float:
        """Finished epochs including the finished part of this one, e.g. 2.4."""
        if self.kind == "epoch":
            return float(self.epoch)
        return self.epoch - 1 + self.step / max(self.steps_per_epoch, 1)

    @property
    def fraction_done(self) -> float:
        """This training's epochs done over its epochs (a Train more counts from its own start,
        as ``elapsed`` does), or the budget used if a time budget will end training sooner."""
        by_epochs = (self.epochs_done - self.start_epoch) / max(self.epochs - self.start_epoch, 1)
        return max(by_epochs, self.elapsed / self.max_seconds) if self.max_seconds else by_epochs


@dataclass(frozen=True)
class Callbacks:
    """What a task's ``fit`` reports through; every one is optional.

    ``on_progress(Progress)`` after every few batches and every epoch; ``on_live(view)`` with the
    task's own frozen live view (the validation forecast, the samples so far);
    ``on_checkpoint(trained, epoch)`` with the task's trained value each time its weights are the
    ones training would end with; ``stop_event`` is checked between two batches; ``on_stage(text)``
    says what scoring does after the training (fitting AutoETS, …).
    """

    on_progress: Callable[[Progress], None] | None = None
    on_live: Callable[[Any], None] | None = None
    on_checkpoint: Callable[[Any, int], None] | None = None
    stop_event: threading.Event | None = None
    on_stage: Callable[[str], None] | None = None

    def scoring_stop(self) -> threading.Event | None:
        """The stop event for the scoring after the training, cleared: a Stop that ended the
        training does not also skip the scoring's models; a Stop pressed during it does."""
        if self.stop_event is not None:
            self.stop_event.clear()
        return self.stop_event


@dataclass
class TrainResult:
    history: list[EpochRecord] = field(default_factory=list)  # one record per finished epoch
    best_epoch: int = 0                                  # 0 when no epoch finished
    best_val_loss: float = math.inf
    stop_reason: str = "completed"  # one of STOP_REASONS
    message: str = ""               # plain words for the user
    seconds: float = 0.0
    device: str = "cpu"             # where it trained: "cpu" or "cuda:0"
    kept_epoch: int = 0             # the epoch whose weights it ended with (0: untrained)


class SizedBatches:
    """A task's batches for one epoch, made lazily, with their number known in advance."""

    def __init__(self, batches: Iterable, count: int):
        self.batches, self.count = batches, count

    def __iter__(self):
        return iter(self.batches)

    def __len__(self) -> int:
        return self.count


def pick_device(name: str) -> torch.device:
    """"auto" is the GPU when there is one, else the CPU; "cpu" and "cuda" are taken as they are
    (a ValueError in plain words if this machine has no GPU to take)."""
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise ValueError(tr("This machine has no GPU that torch can use; choose the device "
                            "auto or cpu."))
    return torch.device(name)


def make_optimizer(name: str, params, lr: float, weight_decay: float) -> torch.optim.Optimizer:
    if name == "adam":
        return torch.optim.Adam(params, lr=lr, weight_decay=weight_decay)
    if name == "adamw":
        return torch.optim.AdamW(params, lr=lr, weight_decay=weight_decay)
    if name == "sgd":
        return torch.optim.SGD(params, lr=lr, momentum=0.9, weight_decay=weight_decay)
    if name == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr, weight_decay=weight_decay)
    raise ValueError(f"Unknown optimizer '{name}'; choose one of: {', '.join(OPTIMIZERS)}.")


def _default_loss(model: nn.Module, batch) -> torch.Tensor:
    return model(*batch)[1]


def _scheduled(scheduler, val: float) -> None:
    """The learning-rate schedule's step after an epoch (the plateau rule reads its loss)."""
    if isinstance(scheduler, torch.optim.lr_scheduler.ReduceLROnPlateau):
        scheduler.step(val)
    elif scheduler is not None:
        scheduler.step()


def _batch_size(batch) -> int:
    return int(batch[0].shape[0])


class Trainer:
    def __init__(self, model: nn.Module, config: TrainerConfig,
                 on_progress: Callable[[Progress], None] | None = None,
                 stop_event: threading.Event | None = None,
                 on_checkpoint: Callable[[nn.Module, int], None] | None = None):
        """``on_checkpoint(model, epoch)`` is called after each epoch whose weights are the ones
        training would now end with (a new best, or every epoch without ``keep_best``), so a
        caller can save them: a crash later still leaves a usable model."""
        if config.lr_schedule not in SCHEDULES:
            raise ValueError(f"Unknown learning-rate schedule '{config.lr_schedule}'; "
                             f"choose one of: {', '.join(SCHEDULES)}.")
        self.model = model
        self.config = config
        self.on_progress = on_progress or (lambda progress: None)
        self.stop_event = stop_event or threading.Event()
        self.on_checkpoint = on_checkpoint
        self.optimizer = make_optimizer(config.optimizer, model.parameters(), config.lr,
                                        config.weight_decay)

    def _scheduler(self):
        if self.config.lr_schedule == "plateau":
            wait = max(1, self.config.patience // 3) if self.config.patience else 3
            return torch.optim.lr_scheduler.ReduceLROnPlateau(self.optimizer, factor=0.5,
                                                              patience=wait)
        if self.config.lr_schedule == "cosine":
            return torch.optim.lr_scheduler.CosineAnnealingLR(self.optimizer,
                                                              T_max=max(1, self.config.epochs))
        return None

    def fit(self, train_batches: Callable[[torch.Generator], Iterable],
            val_loss: Callable[[nn.Module], float | tuple[float, dict]],
            loss_fn: Callable[[nn.Module, tuple], torch.Tensor] = _default_loss,
            earlier: TrainResult | None = None) -> TrainResult:
        """Train for ``config.epochs`` epochs and restore the best weights.

        With ``earlier`` (Train more: the model already holds the weights that training ended
        with), the epochs are numbered after its last one, its clock goes on, its history comes
        first in the result, and its best validation loss is the one to beat: the weights the
        model starts with are kept unless a new epoch does better (with ``keep_best``).
        """
        cfg, model = self.config, self.model
        earlier = earlier or TrainResult()
        start_epoch, clock, generator, result = self._resumed(earlier)
        scheduler = self._scheduler()
        # The starting weights are the earlier training's kept ones: beaten only by a better epoch.
        best_state = (copy.deepcopy(model.state_dict())
                      if cfg.keep_best and earlier.best_epoch else None)
        epochs_without_gain = steps_per_epoch = 0
        started = time.perf_counter()
        last_epoch = start_epoch + cfg.epochs

        for epoch in range(start_epoch + 1, last_epoch + 1):
            epoch_started = time.perf_counter()
            batches = train_batches(generator)
            # Known up front when the task says (SizedBatches), so that the first epoch's
            # progress is right; otherwise learnt from the first epoch.
            steps_per_epoch = max(steps_per_epoch, len(batches) if hasattr(batches, "__len__") else 0)
            loss_sum, seen, step = self._epoch(batches, loss_fn, (epoch, last_epoch),
                                               steps_per_epoch, result, (started, epoch_started))
            steps_per_epoch = max(steps_per_epoch, step)
            if result.stop_reason == "diverged" or seen == 0:
                break

            val, scores = self._validated(val_loss, epoch, result)
            if result.stop_reason == "diverged":
                break
            train_loss = loss_sum / seen
            improved = val < result.best_val_loss
            epochs_without_gain = 0 if improved else epochs_without_gain + 1
            if improved:
                result.best_val_loss, result.best_epoch = val, epoch
                if cfg.keep_best:
                    # A deep copy: state_dict() returns references the next step would overwrite.
                    best_state = copy.deepcopy(model.state_dict())
            result.history.append(EpochRecord(epoch, train_loss, val, self._lr(),
                                              round(clock + time.perf_counter() - started, 3),
                                              valid_scores(scores)))
            self._report("epoch", epoch, last_epoch, step, steps_per_epoch, train_loss, val,
                         result, started, seen, epoch_started, result.history[-1])
            if self.on_checkpoint is not None and (result.best_epoch == epoch or not cfg.keep_best):
                self.on_checkpoint(model, epoch)
            if result.stop_reason in ("stopped", "time_budget"):
                break
            if cfg.patience and epochs_without_gain >= cfg.patience:
                result.stop_reason = "early_stopping"
                break
            _scheduled(scheduler, val)

        return self._finished(result, best_state, started)

    def _resumed(self, earlier: TrainResult):
        """Where a training goes on from: the epoch and the clock the earlier one ended at, the
        batches' random generator and dropout masks seeded for that epoch, and a result that
        holds the earlier history and its best epoch."""
        start_epoch = earlier.history[-1].epoch if earlier.history else 0
        clock = (earlier.history[-1].seconds or 0.0) if earlier.history else 0.0
        generator = torch.Generator().manual_seed(self.config.seed + start_epoch)
        torch.manual_seed(self.config.seed + start_epoch)  # dropout masks
        return start_epoch, clock, generator, TrainResult(
            history=list(earlier.history), best_epoch=earlier.best_epoch,
            best_val_loss=earlier.best_val_loss)

    def _validated(self, val_loss, epoch: int, result: TrainResult) -> tuple[float, dict | None]:
        """The validation loss (and scores, when the task gives them) after ``epoch``; a loss
        that is not a number sets ``result``'s stop reason to "diverged", with its message."""
        measured = val_loss(self.model)
        val, scores = measured if isinstance(measured, tuple) else (measured, None)
        val = float(val)
        if not math.isfinite(val):
            result.stop_reason = "diverged"
            result.message = blown_up_message(epoch, val)
        return val, scores

    def _finished(self, result: TrainResult, best_state: dict | None,
                  started: float) -> TrainResult:
        """The model with the weights training ends with, in eval mode, and ``result`` with
        the kept epoch, the time, the device and its message."""
        model, keep_best = self.model, self.config.keep_best
        if best_state is not None:
            model.load_state_dict(best_state)
        result.kept_epoch = (result.best_epoch if keep_best
                             else (result.history[-1].epoch if result.history else 0))
        model.eval()
        result.seconds = time.perf_counter() - started
        result.device = str(next(model.parameters()).device)
        if not result.message:
            result.message = ending_message(result, keep_best)
        return result

    def _epoch(self, batches: Iterable, loss_fn, epochs: tuple[int, int], steps_per_epoch: int,
               result: TrainResult, clocks: tuple[float, float]) -> tuple[float, int, int]:
        """One pass over ``batches`` (``epochs``: this one and the last, ``clocks``: when
        training and this epoch started) -> the summed loss, the examples seen and the steps
        taken; sets ``result.stop_reason`` (and its message) when stopped, diverged or out of
        time."""
        cfg, model = self.config, self.model
        (epoch, last_epoch), (started, epoch_started) = epochs, clocks
        model.train()
        loss_sum, seen, step = 0.0, 0, 0
        for batch in batches:
            if self.stop_event.is_set():
                result.stop_reason = "stopped"
                break
            loss = loss_fn(model, batch)
            loss_value = loss.item()
            if not math.isfinite(loss_value):  # checked before the step: keep the weights finite
                result.stop_reason = "diverged"
                result.message = diverged_message(epoch, loss_value, self._lr())
                break
            self.optimizer.zero_grad(set_to_none=True)
            loss.backward()
            if cfg.grad_clip > 0:
                nn.utils.clip_grad_norm_(model.parameters(), cfg.grad_clip)
            self.optimizer.step()
            n = _batch_size(batch)
            loss_sum += loss_value * n
            seen += n
            step += 1
            if step % cfg.progress_every == 0:
                self._report("batch", epoch, last_epoch, step, steps_per_epoch,
                             loss_sum / seen, None, result, started, seen, epoch_started)
            if cfg.max_seconds and time.perf_counter() - started > cfg.max_seconds:
                result.stop_reason = "time_budget"
                break
        return loss_sum, seen, step

    def _lr(self) -> float:
        return float(self.optimizer.param_groups[0]["lr"])

    def _report(self, kind, epoch, last_epoch, step, steps_per_epoch, train_loss, val,
                result, started, seen, epoch_started, record=None):
        start_epoch = last_epoch - self.config.epochs
        now = time.perf_counter()
        best = result.best_val_loss if math.isfinite(result.best_val_loss) else None
        self.on_progress(Progress(
            kind=kind, epoch=epoch, epochs=last_epoch, step=step,
            steps_per_epoch=max(steps_per_epoch, step), train_loss=float(train_loss),
            val_loss=val, best_val_loss=best, lr=self._lr(), elapsed=now - started,
            samples_per_sec=seen / max(now - epoch_started, 1e-9),
            max_seconds=self.config.max_seconds, record=record, start_epoch=start_epoch))
