"""A trained classifier as one value: its settings (the level and columns resolved), weights,
vocabulary, classes and how it trained; and that value as files (a run's folder) and back."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from ..i18n import tr
from ..training.checkpoint import WEIGHTS, json_bytes, load_weights, read_json
from ..training.settings import config_from_dict
from ..training.trainer import TrainResult
from .model import Classifier, build_classifier
from .settings import ClassifyConfig
from .tokens import TokenVocabulary

FILES = ("config.json", "vocab.json")  # what ``files`` writes; the weights go on their own


@dataclass
class TrainedClassifier:
    config: ClassifyConfig       # as trained: its level "char" or "word", its columns named
    model: Classifier
    vocab: TokenVocabulary       # fitted on the training texts
    classes: tuple[str, ...]
    training: TrainResult

    def files(self) -> dict[str, bytes]:
        return {"config.json": json_bytes(asdict(self.config)),
                "vocab.json": json_bytes({"level": self.vocab.level,
                                          "tokens": list(self.vocab.tokens),
                                          "classes": list(self.classes)})}

    @classmethod
    def from_files(cls, files: dict[str, bytes], training: TrainResult) -> "TrainedClassifier":
        """The classifier saved by ``files``; a ValueError in plain words if they do not hold
        together."""
        config = config_from_dict(ClassifyConfig, read_json(files, "config.json"),
                                  "The saved settings (config.json)")
        saved = read_json(files, "vocab.json")
        try:
            tokens, classes, level = saved["tokens"], saved["classes"], saved["level"]
            usable = (level in ("char", "word") and level == config.level
                      and all(isinstance(t, str) for t in tokens + classes)
                      and len(classes) >= 2 and len(set(tokens)) == len(tokens))
        except (KeyError, TypeError):
            usable = False
        if not usable:
            raise ValueError(tr("The saved vocabulary (vocab.json) does not hold the tokens, the "
                                "level and at least two classes."))
        vocab = TokenVocabulary(level, tuple(tokens))
        if WEIGHTS not in files:
            raise ValueError(tr("The weights (weights.safetensors) are missing."))
        model = load_weights(lambda: build_classifier(config, len(vocab), len(classes)),
                             files[WEIGHTS])
        return cls(config, model, vocab, tuple(classes), training)
