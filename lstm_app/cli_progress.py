"""Training on the command line: a progress bar on one line of stderr, and Ctrl-C (the first
stops training and still scores the best weights so far; a second aborts)."""

from __future__ import annotations

import _thread
import os
import signal
import sys
import threading

from .i18n import tr
from .training.trainer import Callbacks, Progress


class ProgressBar:
    """One line on stderr, redrawn in place: epoch, a bar, losses and the time left. Where
    stderr is not a terminal (a log file, a pipe), a line per epoch instead, at its end: a
    redrawn line there is hundreds of copies run together."""

    def __init__(self, stream=sys.stderr, width: int = 24):
        self.stream, self.width = stream, width
        self.in_place = hasattr(stream, "isatty") and stream.isatty()
        self.drawn = False  # a line redrawn in place, not yet ended

    def __call__(self, p: Progress) -> None:
        if not self.in_place and p.kind != "epoch":
            return
        done = p.fraction_done
        filled = int(self.width * min(done, 1.0))
        left = max(p.elapsed / done * (1 - done), 0.0) if done > 0 else 0.0  # never below 0
        bar = f"{'#' * filled}{'.' * (self.width - filled)}"
        if p.val_loss is None:
            line = tr("epoch {epoch}/{epochs} [{bar}] train {train:.4f}  {left:4.0f}s left",
                      epoch=p.epoch, epochs=p.epochs, bar=bar, train=p.train_loss, left=left)
        else:
            line = tr("epoch {epoch}/{epochs} [{bar}] train {train:.4f} val {val:.4f}  "
                      "{left:4.0f}s left", epoch=p.epoch, epochs=p.epochs, bar=bar,
                      train=p.train_loss, val=p.val_loss, left=left)
        self.stream.write(f"\r{line} " if self.in_place else line + "\n")
        self.stream.flush()
        self.drawn = self.in_place

    def close(self) -> None:
        """The line redrawn in place ended, so that what is written next starts its own."""
        if self.drawn:
            self.stream.write("\n")
            self.drawn = False




ABORT_SECONDS = 3.0  # after a second Ctrl-C, how long the work may take to notice it


def with_progress(quiet: bool, train):
    """Run ``train(callbacks)`` with a progress bar; the first Ctrl-C stops, a second aborts."""
    stop = threading.Event()
    bar = None if quiet else ProgressBar()
    presses = _Presses(stop)

    def on_sigint(signum, frame):  # (Python calls it once for presses made during one C call)
        if presses.count >= 2:
            raise KeyboardInterrupt

    def on_stage(text: str) -> None:  # a stage after training: scoring against the baselines
        presses.scoring = True
        if not quiet:
            bar.close()  # (it was written at the end of the bar's line)
            print(f"{text}…", file=sys.stderr)

    previous = signal.signal(signal.SIGINT, on_sigint)
    presses.start()
    try:
        return train(Callbacks(on_progress=bar, stop_event=stop, on_stage=on_stage))
    finally:
        presses.close()
        signal.signal(signal.SIGINT, previous)
        if bar:
            bar.close()


class _Presses:
    """Ctrl-C counted as the system delivers it, by a thread that reads the signal's wakeup
    pipe: Python runs its own handler only between the calls of the main thread, once for all
    the presses made during one (a batch's backward pass can take a minute), so the second
    press, meant to abort, was taken for the first. The first press stops the training and is
    answered at once; the second raises KeyboardInterrupt in the main thread, and where that
    thread is still inside a call ``ABORT_SECONDS`` later, ends the process (its run is left
    running, and marked interrupted when the store is next read)."""

    def __init__(self, stop: threading.Event):
        self.stop, self.count, self.ended = stop, 0, threading.Event()
        self.scoring = False  # training is over, its scores are being made
        self.read, self.write = os.pipe()
        os.set_blocking(self.write, False)
        self.thread = threading.Thread(target=self._watch, daemon=True)

    def start(self) -> None:
        self.previous = signal.set_wakeup_fd(self.write, warn_on_full_buffer=False)
        self.thread.start()

    def close(self) -> None:
        self.ended.set()
        signal.set_wakeup_fd(self.previous)
        os.close(self.write)  # the watcher's read ends
        self.thread.join(timeout=1)
        os.close(self.read)

    def _watch(self) -> None:
        while True:
            try:
                got = os.read(self.read, 64)
            except OSError:
                return
            if not got or self.ended.is_set():
                return
            for _ in range(got.count(signal.SIGINT)):
                self._pressed()

    def _pressed(self) -> None:
        self.count += 1
        if self.count == 1:  # not the event itself: a runner clears it once it has passed Stop on
            self.stop.set()
            print("\n" + (tr("Training is over; the scoring goes on, leaving out what it can "
                             "(press {keys} again to abort)…", keys="Ctrl-C") if self.scoring
                          else tr("Stopping after this batch (press {keys} again to abort)…",
                                  keys="Ctrl-C")), file=sys.stderr, flush=True)
        elif self.count == 2:
            _thread.interrupt_main(signal.SIGINT)  # on_sigint raises, once the main thread can
            if not self.ended.wait(ABORT_SECONDS):
                print("\n" + tr("Aborted."), file=sys.stderr, flush=True)
                os._exit(130)
