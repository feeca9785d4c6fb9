"""The text pipeline: a corpus and a TextConfig in, a trained language model, its scores and a sample out.

The last ``val_fraction`` of the text is the validation span; the vocabulary is fitted on the
training span only. Training runs over parallel streams with the hidden state carried from
chunk to chunk (truncated backpropagation through time), driven by the shared Trainer.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import asdict, dataclass, field, replace
from typing import Callable

import torch

from ..training.trainer import Progress, Trainer, TrainerConfig, TrainResult, pick_device
from .corpus import chars_per_token, make_vocab
from .generate import generate, memorization
from .model import LanguageModel, LanguageModelShape, detach_state
from .streams import chunks, to_streams

VAL_STREAMS = 32  # validation streams: each still thousands of characters long on big texts


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
    prompt: str = ""               # for the sample at the end ("" = start of a line)
    length: int = 300              # tokens to generate
    temperature: float = 0.8
    top_k: int = 0
    top_p: float = 1.0
    device: str = "auto"

    def trainer_config(self) -> TrainerConfig:
        return TrainerConfig(epochs=self.epochs, lr=self.lr, optimizer=self.optimizer,
                             grad_clip=self.grad_clip, lr_schedule=self.lr_schedule,
                             patience=self.patience, seed=self.seed,
                             max_seconds=60 * self.minutes, progress_every=5)


@dataclass
class TextResult:
    config: TextConfig
    vocab: object                   # CharVocab or WordVocab, fitted on the training span
    model: LanguageModel
    training: TrainResult
    notices: list[str]
    counts: dict                    # characters and tokens of each span
    val_loss: float                 # nats per token on the validation span
    perplexity: float
    bits_per_char: float
    tokens_per_second: float
    sample: dict = field(default_factory=dict)  # {"text": …, "memorization": {…}}
    seconds: float = 0.0



@torch.no_grad()
def validation_loss(model: LanguageModel, streams: torch.Tensor, seq_len: int) -> float:
    """Mean nats per token over every validation chunk, the state carried between chunks."""
    model.eval()
    state, total, count = None, 0.0, 0
    for x, y in chunks(streams, seq_len):
        _, loss, state = model(x, y, state)
        total += float(loss) * y.numel()
        count += y.numel()
    return total / count


def run_text(text: str, config: TextConfig,
             on_progress: Callable[[Progress], None] | None = None,
             stop_event: threading.Event | None = None,
             on_live: Callable[[dict], None] | None = None,
             resume: TextResult | None = None) -> TextResult:
    """Train a language model on ``text``; with ``resume``, continue from its weights and vocabulary."""
    started = time.perf_counter()
    split = int(len(text) * (1 - config.val_fraction))
    train_text, val_text = text[:split], text[split:]
    if resume is not None:
        vocab, notices = resume.vocab, []
    else:
        vocab, notices = make_vocab(train_text, config.level, config.max_vocab)
    config = replace(config, level=vocab.level)
    device = pick_device(config.device)
    train_ids = torch.tensor(vocab.encode(train_text), device=device)
    val_ids = torch.tensor(vocab.encode(val_text), device=device)
    # Each stream needs two tokens at least (one input, one target); tiny texts like the
    # classic one-sentence demo still train, with short chunks.
    if len(val_ids) < 2 or len(train_ids) < 2 * config.batch_size:
        raise ValueError(
            f"The text has {len(train_ids):,} training and {len(val_ids):,} validation tokens, "
            f"too few for {config.batch_size} parallel streams; use a longer text or a smaller "
            f"batch size (at least {2 * config.batch_size} training and 2 validation tokens).")
    val_streams = to_streams(val_ids, max(1, min(VAL_STREAMS, len(val_ids) // (2 * config.seq_len))))

    torch.manual_seed(config.seed)
    shape = LanguageModelShape(vocab_size=len(vocab), embedding_dim=config.embedding_dim,
                               hidden_size=config.hidden_size, num_layers=config.num_layers,
                               dropout=config.dropout, cell=config.cell)
    model = LanguageModel(shape).to(device)
    start_epoch, history = 0, []
    if resume is not None:
        model.load_state_dict(resume.model.state_dict())
        start_epoch = resume.training.history[-1]["epoch"] if resume.training.history else 0
        history = list(resume.training.history)

    carried = {"state": None, "tokens": 0}

    def train_batches(generator: torch.Generator):
        # A random offset each epoch, so that the streams do not always break at the same places.
        offset = int(torch.randint(0, config.seq_len, (1,), generator=generator))
        streams = to_streams(train_ids[offset:], config.batch_size)   # (streams, length)
        for i, (x, y) in enumerate(chunks(streams, config.seq_len)):
            yield x, y, i == 0

    def loss_fn(net: LanguageModel, batch) -> torch.Tensor:
        x, y, first = batch
        if first:
            carried["state"] = None  # a new epoch starts the streams afresh
        _, loss, state = net(x, y, carried["state"])
        carried["state"] = detach_state(state)
        carried["tokens"] += y.numel()
        return loss

    def val_loss(net: LanguageModel) -> float:
        loss = validation_loss(net, val_streams, config.seq_len)
        if on_live is not None:
            on_live({"sample": generate(net, vocab, config.prompt or "\n", 200,
                                        config.temperature, config.top_k, config.top_p,
                                        seed=config.seed),
                     "val_loss": loss})
        return loss

    trainer = Trainer(model, config.trainer_config(), on_progress, stop_event)
    training = trainer.fit(train_batches, val_loss, loss_fn=loss_fn, start_epoch=start_epoch)
    training.history = history + training.history

    val = validation_loss(model, val_streams, config.seq_len)
    scored_tokens = val_streams.shape[0] * (val_streams.shape[1] - 1)
    scored_chars = scored_tokens * chars_per_token(val_text, vocab)
    sample_text = generate(model, vocab, config.prompt, config.length, config.temperature,
                           config.top_k, config.top_p, seed=config.seed)
    return TextResult(
        config=config, vocab=vocab, model=model, training=training, notices=notices,
        counts={"train_chars": len(train_text), "val_chars": len(val_text),
                "train_tokens": len(train_ids), "val_tokens": len(val_ids),
                "vocab_size": len(vocab)},
        val_loss=val, perplexity=math.exp(min(val, 50)),
        bits_per_char=val * scored_tokens / (scored_chars * math.log(2)),
        tokens_per_second=carried["tokens"] / max(training.seconds, 1e-9),
        sample={"text": sample_text, "memorization": memorization(sample_text, train_text)},
        seconds=time.perf_counter() - started)


def to_report(result: TextResult) -> dict:
    """The JSON report of a text run."""
    return {
        "config": asdict(result.config),
        "vocab_size": result.counts["vocab_size"],
        "counts": result.counts,
        "notices": result.notices,
        "val_loss": result.val_loss,
        "perplexity": result.perplexity,
        "bits_per_char": result.bits_per_char,
        "training": {"best_epoch": result.training.best_epoch,
                     "stop_reason": result.training.stop_reason,
                     "message": result.training.message,
                     "seconds": round(result.training.seconds, 3)},
        "history": result.training.history,
        "tokens_per_second": result.tokens_per_second,
        "seconds": round(result.seconds, 3),
        "sample": result.sample,
    }
