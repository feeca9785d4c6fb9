"""The language model's settings: the TextConfig dataclass and its table (bounds, choices, help).

Every way in (the Text page, the command line, a saved run, a bundle, the Python API) makes a
TextConfig, which checks itself against ``TEXT_SETTINGS``: a bad value is refused with the same
plain sentence wherever it came from. The values suggested for a text's size are in ``sizing``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..i18n import N_
from ..training.settings import TRAINING, Setting, check_config, table_of
from ..training.trainer import TrainerConfig

TEXT_SETTINGS = table_of([
    Setting("level", str, N_("Level"),
            N_("Learn the text one character at a time (any language, can invent words) or one "
               "word at a time (real words only, needs more text)."), choices=("char", "word")),
    Setting("max_vocab", int, N_("Largest word vocabulary"),
            N_("At word level, only this many of the most frequent words are kept; the rest become "
               "an unknown token."), low=10, high=200_000),
    Setting("seq_len", int, N_("Sequence length"),
            N_("How many steps the network is trained to look back through at once "
               "(backpropagation through time); its memory is carried further between chunks."),
            low=2, high=2000),
    Setting("embedding_dim", int, N_("Embedding size"),
            N_("How many numbers describe each character or word before the LSTM reads it."),
            low=1, high=1024),
    replace(TRAINING["hidden_size"], help=N_("The size of the network's memory: more units learn "
                                             "more of the text but train more slowly.")),
    replace(TRAINING["num_layers"], help=N_("How many LSTM layers are stacked; one trains fastest, "
                                            "two can learn more.")),
    replace(TRAINING["dropout"], help=N_("The share of the network switched off at random while "
                                         "training, which stops it from learning the text by "
                                         "heart.")),
    replace(TRAINING["cell"], help=N_(
        "LSTM is the classic; GRU is a slightly smaller cousin that often learns as well; a "
        "peephole LSTM's gates also read its memory cell, and it trains 3 to 7 times slower (it "
        "cannot use the fast built-in LSTM). There is no two-way (bidirectional) reading here: "
        "the next character or word may not be read before it is guessed.")),
    replace(TRAINING["batch_size"], label=N_("Batch size (streams)"),
            help=N_("The text is cut into this many parallel streams that train side by side.")),
    replace(TRAINING["lr"], presets=(3e-4, 1e-3, 2e-3, 4e-3, 1e-2, 3e-2)),
    replace(TRAINING["epochs"], help=N_("How many times training reads the whole text (it may stop "
                                        "earlier when the validation loss stops improving).")),
    TRAINING["minutes"],
    replace(TRAINING["patience"], help=N_("Stop after this many epochs without a better validation "
                                          "loss (0 never stops early: right for tiny texts learnt "
                                          "by heart).")),
    replace(TRAINING["seed"], help=N_("Fixes the random start and the samples, so that the same "
                                      "settings give the same result.")),
    Setting("val_fraction", float, N_("Validation share"),
            N_("The end of the text kept unseen, to score how well the model writes text it has "
               "not read."), low=0.02, high=0.5, step=0.02),
    TRAINING["optimizer"], TRAINING["grad_clip"], TRAINING["lr_schedule"],
    Setting("prompt", str, N_("Live sample prompt"),
            N_("The samples shown while training all start with this text (empty: the text's "
               "first words)."), max_length=2000),
    Setting("length", int, N_("Sample length"),
            N_("How many tokens the sample at the end of training writes."), low=0, high=10_000,
            on_page=False),
    Setting("temperature", float, N_("Temperature"),
            N_("Low: safe and repetitive text; high: surprising, with more mistakes (0 always "
               "takes the likeliest next token)."), low=0.0, high=5.0, on_page=False),
    Setting("top_k", int, N_("Top-k"),
            N_("Only the k likeliest next tokens may be drawn (0 = off)."), low=0, high=200_000,
            on_page=False),
    Setting("top_p", float, N_("Top-p"),
            N_("Only the likeliest tokens that together hold this share of the probability may be "
               "drawn (1 = all)."), low=0.01, high=1.0, on_page=False),
    Setting("keep_best", bool, N_("Keep the best epoch"),
            N_("On: training ends with the weights that scored best on the validation span. Off: "
               "it ends with the last epoch's weights, which is right for a tiny text learnt by "
               "heart, whose few validation words say little.")),
    TRAINING["device"], TRAINING["suggested"],
])


@dataclass(frozen=True)
class TextConfig:
    level: str = "char"            # char | word
    max_vocab: int = 10000         # word level: the most frequent words kept, the rest unknown
    seq_len: int = 100             # steps of backpropagation through time per chunk
    embedding_dim: int = 64
    hidden_size: int = 256
    num_layers: int = 2
    dropout: float = 0.1
    cell: str = "lstm"             # lstm | gru
    batch_size: int = 32           # parallel streams
    lr: float = 2e-3
    epochs: int = 20
    minutes: float = 0.0           # wall-clock training budget; 0 = none
    patience: int = 3
    seed: int = 0
    val_fraction: float = 0.1
    optimizer: str = "adam"
    grad_clip: float = 1.0
    lr_schedule: str = "plateau"
    prompt: str = ""               # the samples start with it ("" = the text's first words)
    length: int = 300              # tokens to generate
    temperature: float = 0.8
    top_k: int = 0
    top_p: float = 1.0
    keep_best: bool = True         # end with the best validation epoch's weights (else the last)
    device: str = "auto"
    suggested: tuple[str, ...] = ()  # settings whose values were chosen for the text's size

    def __post_init__(self):
        check_config(self, TEXT_SETTINGS.values())

    def trainer_config(self) -> TrainerConfig:
        return TrainerConfig(epochs=self.epochs, lr=self.lr, optimizer=self.optimizer,
                             grad_clip=self.grad_clip, lr_schedule=self.lr_schedule,
                             patience=self.patience, seed=self.seed,
                             max_seconds=60 * self.minutes, progress_every=5,
                             keep_best=self.keep_best)
