"""Opening a saved run again: its trained model and data read back from its files (``load_run``)
and scored again (``reopen``), never retrained; why a run has no weights or cannot be opened;
its message in the reader's language.
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from typing import Any

from ..i18n import LANGUAGES, N_, again, said_from, sentences, speaking, tr
from ..series import statistical_saved
from ..tasks import Task, task_named
from ..training.checkpoint import WEIGHTS, read_json, weights_epoch
from ..training.endings import said_again
from ..training.trainer import STOP_REASONS, EpochRecord, TrainResult
from ..user_json import parse_json
from .row import Run
from .store import RunStore

log = logging.getLogger(__name__)


def has_weights(store: RunStore, run: Run) -> bool:
    return (store.run_dir(run.id) / WEIGHTS).exists()


def no_weights(store: RunStore, run: Run) -> str:
    """Why ``run`` has no saved weights, in a sentence that says what to do."""
    if run.status == "failed" and run.message:  # it never trained: why is its message
        return tr("Run {run_id} has no saved weights: it failed ({reason}).", run_id=run.id,
                  reason=run_message(run))
    if run.status == "running":
        return tr("Run {run_id} has no saved weights yet: it is still in its first epoch. Open "
                  "it again once an epoch has finished.", run_id=run.id)
    if run.status in ("finished", "stopped") and store.history(run.id):  # the file went
        return tr("Run {run_id} trained, but its weights file is missing from its folder (moved "
                  "or deleted outside the app), so it cannot be opened or exported. Delete the "
                  "run and train it again.", run_id=run.id)
    return tr("Run {run_id} has no saved weights: it stopped before its first epoch finished.",
              run_id=run.id)


def load_run(store: RunStore, run_id: str) -> tuple[Task, Any, Any]:
    """The run's task, its trained model (the weights on disk, the history up to now) and data."""
    run = store.get(run_id)
    if run is None:
        raise ValueError(tr("There is no run {run_id}.", run_id=run_id))
    folder = store.run_dir(run_id)
    if not (folder / WEIGHTS).exists():
        raise ValueError(no_weights(store, run))
    if run.status != "running":  # a training's own half-written files are not leftovers
        store.clean_temporary(run_id)
    task = task_named(run.task)
    files = {name: (folder / name).read_bytes() for name in task.file_names | {WEIGHTS}
             if (folder / name).exists()}
    if statistical_saved.FILE in files:  # scored again without fitting those models again
        statistical_saved.remember(files[statistical_saved.FILE])
    # The epoch the weights are from: the history may end with a later one whose checkpoint a
    # kill cut short.
    history = store.history(run_id)
    kept = weights_epoch(files[WEIGHTS]) or run.best_epoch or _best(history)
    # A run cut short has no report: its training was stopped, if not by the user.
    stop_reason, device = how_it_ended(files, "stopped")
    training = kept_training(history, kept, run.config.get("keep_best", True) is not False,
                             stop_reason, run_message(run), run.seconds or 0.0, device)
    try:
        trained = task.trained.from_files(files, training)
        data = task.data_from_files(files)
    except ValueError as error:
        raise _unopenable(run_id, error) from None
    except Exception:
        raise _damaged(run_id) from None
    return task, trained, data


def _unopenable(run_id: str, error: ValueError) -> ValueError:
    """Why the run's saved files do not open, and what to do about it."""
    return ValueError(sentences(tr("Run {run_id} cannot be opened: {reason}", run_id=run_id,
                                   reason=str(error)),
                                tr("Delete it, or import its bundle again.")))


def _damaged(run_id: str) -> ValueError:
    """One sentence for the page; the details (which may quote file contents) go to the log."""
    log.exception("run %s could not be opened", run_id)
    return ValueError(tr("Run {run_id} cannot be opened: its saved files are damaged or were "
                         "written by an incompatible version. Delete it, or import its bundle "
                         "again.", run_id=run_id))


IMPORTED = N_("Imported from a bundle.")  # an imported run's message, in its importer's language


def run_message(run) -> str:
    """The run's message in the reader's language where it is the sentence training ended with
    (``training.endings.ending_message``) or ``IMPORTED``, which are stored in the language the
    run was trained or imported in; any other message (a crash, a blow-up) as it was stored."""
    for code in LANGUAGES:
        with speaking(code):
            imported = tr(IMPORTED) == run.message
        if imported:
            return tr(IMPORTED)
    if run.said:  # a sentence of the app (a failure's reason): said again in this language
        try:
            return again(said_from(run.message, parse_json(run.said)))
        except ValueError:  # a form a hand edit broke: the message as it was stored
            return run.message
    ended = TrainResult(best_epoch=run.best_epoch or 0, best_val_loss=(
        run.best_val_loss if run.best_val_loss is not None else float("inf")),
        message=run.message)
    return said_again(ended, STOP_REASONS)


def kept_training(history: list[EpochRecord], kept_epoch: int, keep_best: bool,
                  stop_reason: str, message: str, seconds: float, device: str) -> TrainResult:
    """How a saved model trained, from its history and the epoch its weights are from: with
    ``keep_best`` those weights are the best epoch's; without, the best is the history's."""
    best = kept_epoch if keep_best else _best(history)
    losses = {h.epoch: h.val_loss for h in history}
    return TrainResult(history=history, best_epoch=best,
                       best_val_loss=losses.get(best) if losses.get(best) is not None
                       else float("inf"), stop_reason=stop_reason, message=message,
                       seconds=seconds, device=device, kept_epoch=kept_epoch)


def how_it_ended(files: dict[str, bytes], otherwise: str) -> tuple[str, str]:
    """The stop reason and device that a saved report gives, where they are ones this app writes
    (the report may come from a user's bundle); ``otherwise`` and "cpu" when it says none."""
    try:
        training = read_json(files, "report.json").get("training", {})
    except (ValueError, AttributeError):
        training = {}
    training = training if isinstance(training, dict) else {}
    reason = training.get("stop_reason")
    device = training.get("device")
    return (reason if reason in STOP_REASONS else otherwise,
            device if isinstance(device, str) and re.fullmatch(r"cpu|cuda(:\d{1,2})?", device)
            else "cpu")


def reopen(store: RunStore, run_id: str, scoreboard: bool = True):
    """The run's result, scored again from its saved weights: no training. Without
    ``scoreboard``, a forecaster is scored without the statistical models (for a page that only
    looks inside the network: they may take minutes). Whatever is wrong with its files is one
    ValueError sentence about this run only."""
    task, trained, data = load_run(store, run_id)
    if not scoreboard and getattr(trained.config, "statistical_seconds", 0):
        trained.config = replace(trained.config, statistical_seconds=0)
    try:
        return task.score(trained, data)
    except ValueError as error:
        raise _unopenable(run_id, error) from None
    except Exception:
        raise _damaged(run_id) from None


def _best(history: list[EpochRecord]) -> int:
    scored = [h for h in history if h.val_loss is not None]
    return min(scored, key=lambda h: h.val_loss).epoch if scored else 0
