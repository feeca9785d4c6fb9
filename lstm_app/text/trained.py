"""A trained language model as one value: its settings, weights, vocabulary, how it trained and the
samples it wrote while training; and that value as files (a run's folder, a bundle) and back."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from ..training.checkpoint import WEIGHTS, json_bytes, load_weights, read_json
from ..i18n import said_all, said_forms, tr
from ..training.settings import config_from_dict
from ..training.trainer import TrainResult
from .corpus import CharVocab, WordVocab, vocab_from_dict
from .live import Sample
from .model import LanguageModel, build_language_model
from .settings import TextConfig

FILES = ("config.json", "vocab.json")  # what ``files`` writes; the weights go on their own


@dataclass
class TrainedLanguageModel:
    config: TextConfig                 # as trained: the level it fell back to, if it did
    model: LanguageModel
    vocab: CharVocab | WordVocab       # fitted on the training span
    training: TrainResult              # the history and the kept epoch
    timeline: tuple[Sample, ...] = ()  # the samples from the fixed prompt while it trained
    notices: tuple[str, ...] = ()      # what fitting the vocabulary said (e.g. no spaces)
    tokens_seen: int = 0               # tokens it trained on here (0 when loaded from files)
    kept_val_loss: float | None = None  # the kept weights' validation loss, measured here

    @classmethod
    def new(cls, config: TextConfig, vocab, notices, start: "TrainedLanguageModel | None"):
        """The value a training starts from: a fresh network, or ``start``'s weights (Train more)."""
        model = build_language_model(config, len(vocab))
        if start is not None:
            model.load_state_dict(start.model.state_dict())
        return cls(config, model, vocab, TrainResult(), start.timeline if start else (),
                   tuple(notices))

    def files(self) -> dict[str, bytes]:
        """The settings and the vocabulary as JSON files (the weights go with their epoch)."""
        return {"config.json": json_bytes(asdict(self.config)),
                "vocab.json": json_bytes({**self.vocab.to_dict(), "notices": list(self.notices),
                                          "notices_said": said_forms(self.notices)})}

    @classmethod
    def from_files(cls, files: dict[str, bytes], training: TrainResult) -> "TrainedLanguageModel":
        """The trained model saved by ``files`` and its weights (and, when there, the samples it
        wrote while training); a ValueError in plain words if they do not hold together."""
        config = config_from_dict(TextConfig, read_json(files, "config.json"),
                                  "The saved settings (config.json)")
        saved = read_json(files, "vocab.json")
        try:
            vocab = vocab_from_dict(saved)
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise ValueError(tr("The saved vocabulary (vocab.json) is not one ({reason}).",
                                reason=str(error)[:60])) from None
        notices = saved.get("notices", [])  # what fitting it said, e.g. read as characters
        if not isinstance(notices, list) or not all(isinstance(n, str) for n in notices):
            raise ValueError(tr("The saved vocabulary's notices (vocab.json) are not sentences."))
        if WEIGHTS not in files:
            raise ValueError(tr("The weights (weights.safetensors) are missing."))
        model = load_weights(lambda: build_language_model(config, len(vocab)), files[WEIGHTS])
        return cls(config, model, vocab, training, _timeline(files),
                   tuple(said_all([n[:500] for n in notices[:10]], saved.get("notices_said"))))


def _timeline(files: dict[str, bytes]) -> tuple[Sample, ...]:
    """The samples taken while it trained, from ``samples.json`` when it is there."""
    if "samples.json" not in files:
        return ()
    samples = read_json(files, "samples.json")
    entries = samples.get("timeline", []) if isinstance(samples, dict) else None
    try:
        return tuple(Sample.from_dict(e) for e in entries)
    except (KeyError, TypeError, ValueError, AttributeError):
        raise ValueError(tr("The samples (samples.json) are not a list of samples.")) from None

