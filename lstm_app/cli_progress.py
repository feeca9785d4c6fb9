"""Training on the command line: a progress bar on one line of stderr, and Ctrl-C (the first
stops training and still scores the best weights so far; a second aborts)."""

from __future__ import annotations

import signal
import sys
import threading

from .i18n import tr
from .training.trainer import Callbacks, Progress


class ProgressBar:
    """One line on stderr, redrawn in place: epoch, a bar, losses and the time left."""

    def __init__(self, stream=sys.stderr, width: int = 24):
        self.stream, self.width = stream, width

    def __call__(self, p: Progress) -> None:
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
        self.stream.write(f"\r{line} ")
        self.stream.flush()

    def close(self) -> None:
        self.stream.write("\n")




def with_progress(quiet: bool, train):
    """Run ``train(callbacks)`` with a progress bar; the first Ctrl-C stops, a second aborts."""
    stop = threading.Event()
    bar = None if quiet else ProgressBar()

    asked = []  # not the event itself: a runner clears it once it has passed Stop on

    def on_sigint(signum, frame):
        if asked:
            raise KeyboardInterrupt
        asked.append(True)
        stop.set()
        print("\n" + tr("Stopping after this batch (press {keys} again to abort)…",
                        keys="Ctrl-C"), file=sys.stderr)

    previous = signal.signal(signal.SIGINT, on_sigint)
    try:
        return train(Callbacks(on_progress=bar, stop_event=stop,
                               on_stage=None if quiet else lambda text: print(f"{text}…",
                                                                              file=sys.stderr)))
    finally:
        signal.signal(signal.SIGINT, previous)
        if bar:
            bar.close()
