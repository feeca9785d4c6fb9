"""What a live page shows while a language model trains: samples from one fixed prompt, so that
the text visibly gets better (before training, at each epoch's end, and every few seconds)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Callable

from ..i18n import tr
from ..training.trainer import Progress
from .generate import generate

SAMPLE_EVERY_SECONDS = 10.0  # live samples: at least this often, and at an epoch's end
MIN_SAMPLE_GAP = 3.0  # ... unless the last one is more recent than this (short epochs)
TIMELINE_CHARS = 200  # about this many characters per live sample
MAX_TIMELINE = 60  # live samples kept; older ones are thinned


@dataclass(frozen=True)
class Sample:
    """One sample from the fixed prompt, taken while the model trained."""

    epoch: float              # epochs done when it was taken, e.g. 2.4; 0 before training
    seconds: float            # into the training (a Train more continues the clock)
    val_loss: float | None    # the validation loss at that moment, if an epoch just ended
    text: str                 # the prompt and what the model wrote after it

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "Sample":
        """A sample saved with ``to_dict``; a ValueError if ``d`` is not one (it may come from a
        user's bundle)."""
        number = lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)
        val_loss = d.get("val_loss")
        if not (isinstance(d.get("text"), str) and number(d.get("epoch"))
                and number(d.get("seconds")) and (val_loss is None or number(val_loss))):
            raise ValueError(tr("a sample has a text, an epoch, seconds and a validation loss"))
        return cls(float(d["epoch"]), float(d["seconds"]), val_loss, d["text"])


@dataclass(frozen=True)
class TextLive:
    """The live view the page draws: the prompt and the samples so far, oldest first."""

    prompt: str
    timeline: tuple[Sample, ...]


class LiveSamples:
    """Takes samples from ``prompt`` between batches and hands the timeline to ``on_live``.

    Without ``on_live`` it takes none. ``earlier`` is the timeline of the training this one
    continues, whose clock ended at ``earlier_seconds``.
    """

    def __init__(self, model, vocab, prompt: str, tokens: int, config,
                 on_live: Callable[[TextLive], None] | None,
                 earlier: tuple[Sample, ...] = (), earlier_seconds: float = 0.0):
        self.model, self.vocab, self.prompt, self.tokens = model, vocab, prompt, tokens
        self.config, self.on_live = config, on_live
        self.timeline = list(earlier)
        self.earlier_seconds = earlier_seconds
        self.last_taken = -SAMPLE_EVERY_SECONDS  # the trainer's elapsed seconds at the last one

    def start(self) -> None:
        """The untrained model's gibberish comes first."""
        if self.on_live is not None and not self.timeline:
            self._take(0.0, 0.0, None)
            self.last_taken = 0.0

    def progress(self, p: Progress) -> None:
        """Between two batches (or after validation): a sample, if one is due."""
        since = p.elapsed - self.last_taken
        due = since >= SAMPLE_EVERY_SECONDS or (p.kind == "epoch" and since >= MIN_SAMPLE_GAP)
        if self.on_live is not None and due:
            self.last_taken = p.elapsed
            self._take(p.epochs_done, p.elapsed, p.val_loss)

    def _take(self, epochs_done: float, seconds: float, val_loss: float | None) -> None:
        was_training = self.model.training
        c = self.config
        text = generate(self.model, self.vocab, self.prompt, self.tokens, c.temperature, c.top_k,
                        c.top_p, seed=c.seed)
        self.model.train(was_training)
        self.timeline.append(Sample(round(epochs_done, 2),
                                    round(self.earlier_seconds + seconds, 1), val_loss, text))
        if len(self.timeline) > MAX_TIMELINE:
            del self.timeline[1:-1:2]  # keep the first and the latest, thin the rest
        self.on_live(TextLive(self.prompt, tuple(self.timeline)))
