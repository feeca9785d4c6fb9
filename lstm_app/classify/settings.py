"""The classifier's settings: the ClassifyConfig dataclass and its table (bounds, choices, help).

Every way in (the command line, a saved run, the Python API, the page) makes a ClassifyConfig,
which checks itself against ``CLASSIFY_SETTINGS``: a bad value is refused with the same plain
sentence wherever it came from.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..csv_table import MAX_NAME
from ..i18n import N_, tr
from ..training.settings import TRAINING, Setting, check_config, table_of
from ..training.trainer import TrainerConfig
from .model import POOLINGS

CLASSIFY_SETTINGS = table_of([
    Setting("text_col", str, N_("Text column"), N_("The column that holds the texts."),
            optional=True, max_length=MAX_NAME, on_page=False),  # the page's column pickers
    Setting("label_col", str, N_("Label column"), N_("The column that holds each text's class."),
            optional=True, max_length=MAX_NAME, on_page=False),
    Setting("level", str, N_("Read the texts by"),
            N_("Characters suit Chinese, Japanese and other writing without spaces; words suit "
               "languages with spaces. Auto chooses from the texts."),
            choices=("auto", "char", "word")),
    Setting("max_length", int, N_("Longest text read (tokens)"),
            N_("A longer text is cut to its first this many characters or words."), low=4,
            high=5000),
    Setting("max_vocab", int, N_("Largest vocabulary"),
            N_("Only this many of the most frequent characters or words of the training texts are "
               "kept; the rest read as unknown."), low=10, high=200_000),
    Setting("embedding_dim", int, N_("Embedding size"),
            N_("How many numbers describe each character or word before the LSTM reads it."),
            low=1, high=1024),
    replace(TRAINING["hidden_size"], high=1024),
    replace(TRAINING["num_layers"], high=3),
    TRAINING["dropout"], TRAINING["cell"],
    Setting("bidirectional", bool, N_("Read both ways"),
            N_("A second LSTM reads each text from its end back to its start, so that every word "
               "is seen with what comes after it as well as before.")),
    Setting("pooling", str, N_("Pooling"),
            N_("How the LSTM's outputs over a text become one summary: the last state, each "
               "unit's largest or mean value, or a learnt weighting of the steps (attention)."),
            choices=POOLINGS),
    Setting("class_weights", bool, N_("Weigh rare classes up"),
            N_("Each class counts in the loss in inverse proportion to its texts, so that a rare "
               "class is not simply ignored.")),
    TRAINING["batch_size"], replace(TRAINING["lr"], presets=(3e-4, 1e-3, 2e-3, 3e-3, 5e-3, 1e-2)),
    TRAINING["epochs"],
    TRAINING["minutes"],
    TRAINING["patience"], TRAINING["seed"],
    Setting("val_size", float, N_("Validation share"),
            N_("The share of texts kept to choose the epoch and to measure progress while "
               "training."), low=0.02, high=0.5, step=0.02),
    Setting("test_size", float, N_("Test share"),
            N_("The share of texts kept unseen until the end, to score the classifier and the "
               "baselines."), low=0.02, high=0.5, step=0.02),
    TRAINING["optimizer"], TRAINING["grad_clip"], TRAINING["lr_schedule"],
    TRAINING["device"], TRAINING["suggested"],
])


@dataclass(frozen=True)
class ClassifyConfig:
    text_col: str | None = None     # None: proposed from the file
    label_col: str | None = None
    level: str = "auto"             # auto | char | word
    max_length: int = 200           # tokens read of each text (its start)
    max_vocab: int = 20_000
    embedding_dim: int = 64
    hidden_size: int = 64           # 128 overfit ChnSentiCorp by epoch 4 (0.873 against 0.885)
    num_layers: int = 1
    dropout: float = 0.5            # on the embeddings and the pooled summary
    cell: str = "lstm"              # lstm | gru
    bidirectional: bool = True
    # last | max | mean | attention; ChnSentiCorp, 3 seeds: attention 0.886, max 0.873
    pooling: str = "attention"
    class_weights: bool = False
    batch_size: int = 32
    lr: float = 3e-3
    epochs: int = 10
    minutes: float = 2.0            # wall-clock training budget; 0 = none
    patience: int = 3
    seed: int = 0
    val_size: float = 0.1           # of all texts
    test_size: float = 0.2          # of all texts (the ChnSentiCorp protocol's 20%)
    optimizer: str = "adam"
    grad_clip: float = 1.0
    lr_schedule: str = "plateau"
    device: str = "auto"
    suggested: tuple[str, ...] = ()

    def __post_init__(self):
        check_config(self, CLASSIFY_SETTINGS.values())
        if self.val_size + self.test_size >= 0.8:
            raise ValueError(tr("The validation and test shares together must leave at least "
                                "a fifth of the texts to train on."))

    def trainer_config(self) -> TrainerConfig:
        return TrainerConfig(epochs=self.epochs, lr=self.lr, optimizer=self.optimizer,
                             grad_clip=self.grad_clip, lr_schedule=self.lr_schedule,
                             patience=self.patience, seed=self.seed,
                             max_seconds=60 * self.minutes, progress_every=10)
