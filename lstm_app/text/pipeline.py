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

from ..training.trainer import (Progress, SizedBatches, Trainer, TrainerConfig, TrainResult,
                                pick_device)
from .corpus import chars_per_token, make_vocab
from .generate import default_prompt, generate, memorization
from .model import LanguageModel, LanguageModelShape, detach_state
from .scoring import unigram_loss, verdict
from .streams import chunks, n_chunks, to_streams

VAL_STREAMS = 32  # validation streams: each still thousands of characters long on big texts
SAMPLE_EVERY_SECONDS = 10.0  # live samples: at least this often, and at an epoch's end
MIN_SAMPLE_GAP = 3.0  # ... unless the last one is more recent than this (short epochs)
TIMELINE_CHARS = 200  # about this many characters per live sample
MAX_TIMELINE = 60  # live samples kept; older ones are thinned


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

    def trainer_config(self) -> TrainerConfig:
        return TrainerConfig(epochs=self.epochs, lr=self.lr, optimizer=self.optimizer,
                             grad_clip=self.grad_clip, lr_schedule=self.lr_schedule,
                             patience=self.patience, seed=self.seed,
                             max_seconds=60 * self.minutes, progress_every=5,
                             keep_best=self.keep_best)


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
    sample: dict = field(default_factory=dict)  # {"text": prompt + …, "memorization": {…} of …}
    seconds: float = 0.0
    prompt: str = ""                # the fixed prompt of the live samples
    timeline: list[dict] = field(default_factory=list)  # the live samples, oldest first
    baseline_loss: float = math.inf  # nats per token of guessing by frequency, same tokens
    verdict: str = ""
    text: str = ""                  # the whole text: Train more and the memorization check need it

    @property
    def train_text(self) -> str:
        return split_text(self.text, self.config.val_fraction)[0]



def split_text(text: str, val_fraction: float) -> tuple[str, str]:
    """The training span (the start) and the validation span (the last ``val_fraction``)."""
    split = int(len(text) * (1 - val_fraction))
    return text[:split], text[split:]


def check_sizes(train_tokens: int, val_tokens: int, batch_size: int) -> None:
    """A ValueError in plain words if the spans are too short to train ``batch_size`` streams."""
    # Each stream needs two tokens at least (one input, one target); tiny texts like the
    # classic one-sentence demo still train, with short chunks.
    if val_tokens < 2 or train_tokens < 2 * batch_size:
        raise ValueError(
            f"The text has {train_tokens:,} training and {val_tokens:,} validation tokens, "
            f"too few for {batch_size} parallel streams; use a longer text or a smaller "
            f"batch size (at least {2 * batch_size} training and 2 validation tokens).")


def summarize(text: str, config: TextConfig) -> dict:
    """What training on ``text`` with ``config`` would see: the level used, vocabulary and token counts."""
    train_text, val_text = split_text(text, config.val_fraction)
    vocab, notices = make_vocab(train_text, config.level, config.max_vocab)
    return {"level": vocab.level, "vocab_size": len(vocab), "notices": notices,
            "characters": len(text), "lines": len(text.splitlines()),
            "train_chars": len(train_text), "val_chars": len(val_text),
            "train_tokens": len(vocab.ids(train_text)), "val_tokens": len(vocab.ids(val_text))}


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
             resume: TextResult | None = None,
             on_checkpoint: Callable[[torch.nn.Module, int], None] | None = None) -> TextResult:
    """Train a language model on ``text``; with ``resume``, continue from its weights and vocabulary."""
    started = time.perf_counter()
    train_text, val_text = split_text(text, config.val_fraction)
    if resume is not None:
        vocab, notices = resume.vocab, []
    else:
        vocab, notices = make_vocab(train_text, config.level, config.max_vocab)
    config = replace(config, level=vocab.level)
    device = pick_device(config.device)
    train_ids = vocab.ids(train_text).to(device)
    val_ids = vocab.ids(val_text).to(device)
    check_sizes(len(train_ids), len(val_ids), config.batch_size)
    val_streams = to_streams(val_ids, max(1, min(VAL_STREAMS, len(val_ids) // (2 * config.seq_len))))

    torch.manual_seed(config.seed)
    shape = LanguageModelShape(vocab_size=len(vocab), embedding_dim=config.embedding_dim,
                               hidden_size=config.hidden_size, num_layers=config.num_layers,
                               dropout=config.dropout, cell=config.cell)
    model = LanguageModel(shape).to(device)
    start_epoch, history, earlier_seconds = 0, [], 0.0
    if resume is not None:
        model.load_state_dict(resume.model.state_dict())
        history = list(resume.training.history)
        if history:
            start_epoch, earlier_seconds = history[-1]["epoch"], history[-1]["seconds"]

    carried = {"state": None, "tokens": 0}

    def train_batches(generator: torch.Generator) -> SizedBatches:
        # A random offset each epoch, so that the streams do not always break at the same places;
        # never so large that a stream is left without an input and a target.
        most = min(config.seq_len, len(train_ids) - 2 * config.batch_size + 1)
        offset = int(torch.randint(0, most, (1,), generator=generator))
        streams = to_streams(train_ids[offset:], config.batch_size)   # (streams, length)
        batches = ((x, y, i == 0) for i, (x, y) in enumerate(chunks(streams, config.seq_len)))
        return SizedBatches(batches, n_chunks(streams, config.seq_len))

    def loss_fn(net: LanguageModel, batch) -> torch.Tensor:
        x, y, first = batch
        if first:
            carried["state"] = None  # a new epoch starts the streams afresh
        _, loss, state = net(x, y, carried["state"])
        carried["state"] = detach_state(state)
        carried["tokens"] += y.numel()
        return loss

    def val_loss(net: LanguageModel) -> float:
        return validation_loss(net, val_streams, config.seq_len)

    prompt = config.prompt or default_prompt(train_text)
    timeline = list(resume.timeline) if resume is not None else []
    sample_tokens = max(10, round(TIMELINE_CHARS / chars_per_token(train_text[:20000], vocab)))
    last_sample = [-SAMPLE_EVERY_SECONDS]  # the trainer's elapsed seconds at the last sample

    def take_sample(epochs_done: float, seconds: float, val: float | None) -> None:
        was_training = model.training
        text = generate(model, vocab, prompt, sample_tokens, config.temperature, config.top_k,
                        config.top_p, seed=config.seed)
        model.train(was_training)
        timeline.append({"epoch": round(epochs_done, 2),
                         "seconds": round(earlier_seconds + seconds, 1),
                         "val_loss": val, "text": text})
        if len(timeline) > MAX_TIMELINE:
            del timeline[1:-1:2]  # keep the first and the latest, thin the rest
        on_live({"prompt": prompt, "timeline": list(timeline)})

    def progress(p: Progress) -> None:
        # Between two batches (or after validation): a sample from the fixed prompt, so that the
        # page can show the text getting better.
        since = p.elapsed - last_sample[0]
        due = since >= SAMPLE_EVERY_SECONDS or (p.kind == "epoch" and since >= MIN_SAMPLE_GAP)
        if on_live is not None and due:
            last_sample[0] = p.elapsed
            take_sample(p.epochs_done, p.elapsed, p.val_loss)
        if on_progress is not None:
            on_progress(p)

    if on_live is not None and not timeline:
        take_sample(0.0, 0.0, None)  # the untrained model's gibberish comes first
        last_sample[0] = 0.0
    trainer = Trainer(model, config.trainer_config(), progress, stop_event, on_checkpoint)
    training = trainer.fit(train_batches, val_loss, loss_fn=loss_fn, start_epoch=start_epoch)
    # Train more continues the clock: its epochs' seconds count from the earlier run's end.
    training.history = history + [{**h, "seconds": round(earlier_seconds + h["seconds"], 3)}
                                  for h in training.history]
    if resume is not None and config.epochs == 0:  # reopened without training: as it ended
        training = replace(resume.training, history=history)
    elif resume is not None and training.best_epoch == 0:
        training.best_epoch, training.best_val_loss = (resume.training.best_epoch,
                                                       resume.training.best_val_loss)

    val = validation_loss(model, val_streams, config.seq_len)
    scored_tokens = val_streams.shape[0] * (val_streams.shape[1] - 1)
    scored_chars = scored_tokens * chars_per_token(val_text, vocab)
    sample_text = generate(model, vocab, prompt, config.length, config.temperature,
                           config.top_k, config.top_p, seed=config.seed)
    copied = memorization(sample_text[len(prompt):], train_text)  # what the model wrote itself
    baseline = unigram_loss(train_ids, val_streams[:, 1:], len(vocab))
    return TextResult(
        # On the CPU: the page generates from it in the web server, which need not touch a GPU.
        config=config, vocab=vocab, model=model.cpu(), training=training, notices=notices,
        counts={"train_chars": len(train_text), "val_chars": len(val_text),
                "train_tokens": len(train_ids), "val_tokens": len(val_ids),
                "scored_tokens": scored_tokens, "vocab_size": len(vocab)},
        val_loss=val, perplexity=math.exp(min(val, 50)),
        bits_per_char=val * scored_tokens / (scored_chars * math.log(2)),
        tokens_per_second=carried["tokens"] / max(training.seconds, 1e-9),
        sample={"text": sample_text, "memorization": copied},
        seconds=time.perf_counter() - started, prompt=prompt, timeline=timeline,
        baseline_loss=baseline, text=text,
        verdict=verdict(val, baseline, scored_tokens, scored_chars,
                        copied["copied_ngram_share"], vocab.level))


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
        "baseline_val_loss": result.baseline_loss,
        "verdict": result.verdict,
        "training": {"best_epoch": result.training.best_epoch,
                     "stop_reason": result.training.stop_reason,
                     "message": result.training.message,
                     "seconds": round(result.training.seconds, 3),
                     "device": result.training.device},
        "history": result.training.history,
        "tokens_per_second": result.tokens_per_second,
        "seconds": round(result.seconds, 3),
        "sample": result.sample,
    }
