"""The text pipeline in two steps: ``fit_text`` trains a language model, ``score_text`` scores it.

``fit_text(text, config, callbacks) -> TrainedLanguageModel`` (config, weights, vocabulary,
history and the samples taken while it trained); ``score_text(trained, text) -> TextResult``
(validation loss against frequency guessing, bits per character, a final sample and what it
copied). Reopening a saved run, importing a bundle and the Inside page load a trained model and
score it; nothing is retrained to rebuild a result.

The last ``val_fraction`` of the text is the validation span; the vocabulary is fitted on the
training span only. Training runs over parallel streams with the hidden state carried from
chunk to chunk (truncated backpropagation through time), driven by the shared Trainer.
"""

from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass, replace

import torch

from .memory import check_text_fits
from ..i18n import N_, tr
from ..training.trainer import Callbacks, SizedBatches, Trainer, TrainResult, pick_device
from .corpus import chars_per_token, make_vocab
from .copying import Memorization, memorization
from .generate import default_prompt, generate
from .live import TIMELINE_CHARS, LiveSamples
from .model import LanguageModel, detach_state
from .scoring import unigram_loss, verdict
from .settings import TextConfig
from .spans import check_sizes, split_text
from .streams import chunks, n_chunks, to_streams
from .trained import TrainedLanguageModel

VAL_STREAMS = 32  # validation streams: each still thousands of characters long on big texts
# Tokens of the validation span scored at each epoch and at the end, from its start: a 50 MB
# text's whole tenth took minutes a pass, past the time budget and Stop (checked between batches).
MAX_VAL_TOKENS = 200_000


@dataclass(frozen=True)
class TextCounts:
    """The sizes behind the scores."""

    train_chars: int
    val_chars: int
    train_tokens: int
    val_tokens: int
    scored_tokens: int      # the validation tokens the loss is averaged over
    vocab_size: int


@dataclass
class TextResult:
    trained: TrainedLanguageModel
    text: str                       # the whole text: Train more and the memorization check need it
    notices: list[str]
    counts: TextCounts
    val_loss: float                 # nats per token on the validation span
    perplexity: float
    bits_per_char: float
    baseline_loss: float            # nats per token of guessing by frequency, same tokens
    verdict: str
    prompt: str                     # the fixed prompt of the samples
    sample: str                     # the final sample: the prompt and what the model wrote
    memorization: Memorization      # ... what of it after the prompt was copied
    unseen_copied: float = 0.0      # the share of the validation text's pieces found in the
    #                                 training text: how much new text of the same hand shares
    seconds: float = 0.0            # scoring, and training when it just trained

    # What the pages read of the trained model, by the names they always had.
    config = property(lambda self: self.trained.config)
    model = property(lambda self: self.trained.model)
    vocab = property(lambda self: self.trained.vocab)
    training = property(lambda self: self.trained.training)
    timeline = property(lambda self: self.trained.timeline)

    @property
    def train_text(self) -> str:
        return split_text(self.text, self.config.val_fraction)[0]

    @property
    def tokens_per_second(self) -> float:
        """Training speed; 0 for a model loaded from a run (it trained nothing now)."""
        return self.trained.tokens_seen / max(self.training.seconds, 1e-9)


class _StreamTraining:
    """One epoch's batches over the parallel training streams, and the state carried between them."""

    def __init__(self, ids: torch.Tensor, config: TextConfig):
        self.ids, self.config = ids, config
        self.state = None
        self.tokens_seen = 0

    def batches(self, generator: torch.Generator) -> SizedBatches:
        # A random offset each epoch, so that the streams do not always break at the same places;
        # never so large that a stream is left without an input and a target.
        c = self.config
        most = min(c.seq_len, len(self.ids) - 2 * c.batch_size + 1)
        offset = int(torch.randint(0, most, (1,), generator=generator))
        streams = to_streams(self.ids[offset:], c.batch_size)       # (streams, length)
        batches = ((x, y, i == 0) for i, (x, y) in enumerate(chunks(streams, c.seq_len)))
        return SizedBatches(batches, n_chunks(streams, c.seq_len))

    def loss(self, net: LanguageModel, batch) -> torch.Tensor:
        x, y, first = batch
        if first:
            self.state = None  # a new epoch starts the streams afresh
        _, loss, state = net(x, y, self.state)
        self.state = detach_state(state)
        self.tokens_seen += y.numel()
        return loss


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


def validation_streams(val_ids: torch.Tensor, seq_len: int) -> torch.Tensor:
    """The validation span's first ``MAX_VAL_TOKENS`` tokens as parallel streams."""
    val_ids = val_ids[:MAX_VAL_TOKENS]
    return to_streams(val_ids, max(1, min(VAL_STREAMS, len(val_ids) // (2 * seq_len))))


SCORED_PART = (N_("The validation span holds {total:,} characters; its first {scored:,} are "
                  "scored, which keeps each epoch's check to seconds."),
               N_("The validation span holds {total:,} words; its first {scored:,} are scored, "
                  "which keeps each epoch's check to seconds."))


def scored_part(val_tokens: int, level: str) -> list[str]:
    """[the notice] where the validation span is longer than is scored."""
    if val_tokens <= MAX_VAL_TOKENS:
        return []
    return [tr(SCORED_PART[level != "char"], total=val_tokens, scored=MAX_VAL_TOKENS)]


def _scored_part_said(notice) -> bool:
    """Whether ``notice`` is scored_part's, in whichever language it was said."""
    how = getattr(notice, "how", ())
    return len(how) > 1 and how[0] == "tr" and how[1] in SCORED_PART


def fit_text(text: str, config: TextConfig, callbacks: Callbacks = Callbacks(),
             start: TrainedLanguageModel | None = None) -> TrainedLanguageModel:
    """Train a language model on ``text``; with ``start``, go on from its weights, vocabulary,
    history and samples (Train more)."""
    train_text, val_text = split_text(text, config.val_fraction)
    if start is not None:
        vocab, notices = start.vocab, list(start.notices)
    else:
        vocab, notices = make_vocab(train_text, config.level, config.max_vocab)
    config = replace(config, level=vocab.level)
    device = pick_device(config.device)
    train_ids, val_ids = vocab.ids(train_text).to(device), vocab.ids(val_text).to(device)
    check_sizes(len(train_ids), len(val_ids), config.batch_size)
    val = validation_streams(val_ids, config.seq_len)
    notices = [n for n in notices if not _scored_part_said(n)] + \
        scored_part(len(val_ids), vocab.level)  # once, on Train more too (in any language)
    check_text_fits(config, len(vocab), val.shape[0], device)  # before the network is made

    torch.manual_seed(config.seed)
    trained = TrainedLanguageModel.new(config, vocab, notices, start)
    model = trained.model.to(device)
    streams = _StreamTraining(train_ids, config)
    earlier = start.training if start is not None else TrainResult()
    tokens = max(10, round(TIMELINE_CHARS / chars_per_token(train_text[:20000], vocab)))
    live = LiveSamples(model, vocab, config.prompt or default_prompt(train_text), tokens, config,
                       callbacks.on_live, trained.timeline,
                       earlier.history[-1].seconds if earlier.history else 0.0)

    def progress(p) -> None:
        live.progress(p)
        if callbacks.on_progress is not None:
            callbacks.on_progress(p)

    live.start()
    checkpoint = (None if callbacks.on_checkpoint is None
                  else lambda net, epoch: callbacks.on_checkpoint(trained, epoch))
    trainer = Trainer(model, config.trainer_config(), progress, callbacks.stop_event, checkpoint)
    trained.training = trainer.fit(streams.batches,
                                   lambda net: validation_loss(net, val, config.seq_len),
                                   loss_fn=streams.loss, earlier=earlier)
    trained.timeline, trained.tokens_seen = tuple(live.timeline), streams.tokens_seen
    # The kept weights' validation loss, where an epoch of this training measured it: scoring
    # then need not read the validation span a second time.
    measured = [h.val_loss for h in trained.training.history[len(earlier.history):]
                if h.epoch == trained.training.kept_epoch and h.val_loss is not None]
    trained.kept_val_loss = measured[-1] if measured else None
    trained.model = model.cpu()  # the page generates from it in the web server: no GPU there
    return trained


def score_text(trained: TrainedLanguageModel, text: str) -> TextResult:
    """Score a trained language model on the validation span of ``text`` and write a sample."""
    started = time.perf_counter()
    config, vocab, model = trained.config, trained.vocab, trained.model
    train_text, val_text = split_text(text, config.val_fraction)
    train_ids, val_ids = vocab.ids(train_text), vocab.ids(val_text)
    check_sizes(len(train_ids), len(val_ids), config.batch_size)
    val_streams = validation_streams(val_ids, config.seq_len)
    val = (trained.kept_val_loss if trained.kept_val_loss is not None
           else validation_loss(model, val_streams, config.seq_len))
    scored_tokens = val_streams.shape[0] * (val_streams.shape[1] - 1)
    scored_chars = scored_tokens * chars_per_token(val_text, vocab)
    prompt = config.prompt or default_prompt(train_text)
    sample = generate(model, vocab, prompt, config.length, config.temperature, config.top_k,
                      config.top_p, seed=config.seed)
    copied = memorization(sample[len(prompt):], train_text)  # what the model wrote itself
    baseline = unigram_loss(train_ids, val_streams[:, 1:], len(vocab))
    return TextResult(
        trained=trained, text=text, notices=list(trained.notices),
        counts=TextCounts(len(train_text), len(val_text), len(train_ids), len(val_ids),
                          scored_tokens, len(vocab)),
        val_loss=val, perplexity=math.exp(min(val, 50)),
        bits_per_char=val * scored_tokens / (scored_chars * math.log(2)), baseline_loss=baseline,
        verdict=verdict(val, baseline, scored_tokens, scored_chars, copied.copied_ngram_share,
                        vocab.level, len(train_text), kept_train_loss(trained.training),
                        trained.training.stop_reason),
        unseen_copied=memorization(val_text[:max(len(sample) - len(prompt), 50)],
                                   train_text).copied_ngram_share,
        prompt=prompt, sample=sample, memorization=copied,
        seconds=time.perf_counter() - started + trained.training.seconds)


def kept_train_loss(training) -> float | None:
    """The training loss of the epoch whose weights were kept (None before any epoch)."""
    kept = [h.train_loss for h in training.history if h.epoch == training.kept_epoch]
    return kept[-1] if kept else None


def run_text(text: str, config: TextConfig, callbacks: Callbacks = Callbacks(),
             start: TrainedLanguageModel | None = None) -> TextResult:
    """``fit_text`` then ``score_text``: the short way for Python code that wants both."""
    return score_text(fit_text(text, config, callbacks, start), text)


def to_report(result: TextResult) -> dict:
    """The JSON report of a text run."""
    training = result.training
    return {
        "config": asdict(result.config),
        "suggested": list(result.config.suggested),
        "vocab_size": result.counts.vocab_size,
        "counts": asdict(result.counts),
        "notices": result.notices,
        "val_loss": result.val_loss,
        "perplexity": result.perplexity,
        "bits_per_char": result.bits_per_char,
        "baseline_val_loss": result.baseline_loss,
        "verdict": result.verdict,
        "training": {"best_epoch": training.best_epoch, "stop_reason": training.stop_reason,
                     "message": training.message, "seconds": round(training.seconds, 3),
                     "device": training.device},
        "history": [h.to_dict() for h in training.history],
        "tokens_per_second": result.tokens_per_second,
        "seconds": round(result.seconds, 3),
        "sample": {"text": result.sample, "memorization": result.memorization.to_dict()},
        "unseen_copied_share": result.unseen_copied,
    }
