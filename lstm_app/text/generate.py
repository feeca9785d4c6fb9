"""Sampling text from a trained language model, token by token, and checking what it copied."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Iterator

import torch

from .corpus import UNSPACED_SCRIPTS

NGRAM = 8  # the memorization check's n-gram length, in characters
PROMPT_PIECE = 1000  # prompt tokens read at once: bounds the memory a long prompt takes


@torch.no_grad()
def generate_tokens(model, vocab, prompt: str, max_new_tokens: int, temperature: float = 1.0,
                    top_k: int = 0, top_p: float = 1.0, seed: int | None = None,
                    greedy: bool = False) -> Iterator[str]:
    """Yield the text of each new token, so that a page can stream it as it comes.

    Characters or words of the prompt that the vocabulary lacks become its unknown token, so any
    prompt works. The unknown token itself is never written. ``temperature`` 0 (or ``greedy``)
    always takes the most likely token. The same ``seed`` writes the same sample; without one,
    each call draws its own.
    """
    model.eval()
    device = next(model.parameters()).device
    generator = torch.Generator(device=device)
    if seed is not None:
        generator.manual_seed(seed)
    else:  # a new generator starts from one fixed seed: every Generate would write the same
        generator.seed()
    ids = vocab.encode(prompt) or [vocab.encode("\n")[0] if "\n" in vocab.stoi_ else 1]
    x = torch.tensor([ids], device=device)                       # (1, prompt tokens)
    # Read the prompt in pieces with the state carried from one to the next, projecting only
    # each piece's last step onto the vocabulary: the memory is one piece's however long the
    # prompt (logits for every token would cost 4 bytes x vocabulary each).
    state = None
    for piece in x.split(PROMPT_PIECE, dim=1):                    # (1, up to PROMPT_PIECE)
        logits, _, state = model(piece, state=state, last_only=True)  # (1, 1, vocab)
    logits = logits[0, -1]                                        # (vocab,)
    for _ in range(max_new_tokens):
        logits[0] = float("-inf")  # id 0 is the unknown token: it would print as "\ufffd"
        if greedy or temperature <= 0:
            token = int(torch.argmax(logits))
        else:
            probs = _filtered_probs(logits / temperature, top_k, top_p)
            token = int(torch.multinomial(probs, 1, generator=generator))
        yield vocab.decode([token])
        logits, _, state = model(torch.tensor([[token]], device=device), state=state)
        logits = logits[0, -1]


def _filtered_probs(logits: torch.Tensor, top_k: int, top_p: float) -> torch.Tensor:
    """Softmax over the ``top_k`` likeliest tokens and the smallest set holding ``top_p`` of the mass."""
    if 0 < top_k < logits.numel():
        cutoff = torch.topk(logits, top_k).values[-1]
        logits = logits.masked_fill(logits < cutoff, float("-inf"))
    probs = torch.softmax(logits, dim=-1)
    if top_p < 1.0:
        sorted_probs, order = torch.sort(probs, descending=True)
        # Keep a token if the mass before it is still below top_p: the first one always stays.
        keep = torch.cumsum(sorted_probs, 0) - sorted_probs < top_p
        probs = torch.zeros_like(probs).scatter(0, order[keep], sorted_probs[keep])
        probs = probs / probs.sum()
    return probs


def generate(model, vocab, prompt: str, max_new_tokens: int, temperature: float = 1.0,
             top_k: int = 0, top_p: float = 1.0, seed: int | None = None,
             greedy: bool = False) -> str:
    """The prompt followed by ``max_new_tokens`` generated tokens."""
    return prompt + "".join(generate_tokens(model, vocab, prompt, max_new_tokens, temperature,
                                            top_k, top_p, seed, greedy))


@dataclass(frozen=True)
class Memorization:
    """How much of a sample was copied verbatim from the training text."""

    ngram: int                    # the length of the pieces checked, in characters
    copied_ngram_share: float     # the share of the sample's pieces found in the training text
    longest_copied: str = ""      # the longest passage found there verbatim (n characters or more)
    longest_start: int = -1       # ... its position in the sample
    longest_chars: int = 0
    spans: tuple = ()             # the (start, end) spans of the sample covered by copied
                                  # pieces, merged: found once here, not on every redraw

    def to_dict(self) -> dict:
        return {**asdict(self), "spans": [list(span) for span in self.spans]}  # as JSON keeps it


def memorization(sample: str, training_text: str, n: int = NGRAM) -> Memorization:
    """How much of ``sample`` was copied verbatim from ``training_text`` (see ``Memorization``)."""
    starts = range(len(sample) - n + 1)
    hits = _copied_ngrams(sample, training_text, n)
    if not any(hits):
        return Memorization(n, 0.0)
    share = sum(hits) / len(hits)
    # run[i]: consecutive n-gram hits from i on. A copied passage of length L >= n needs a run
    # of L - n + 1 hits, so only those starts are checked, longest first by binary search.
    run = [0] * (len(hits) + 1)
    for i in reversed(range(len(hits))):
        run[i] = run[i + 1] + 1 if hits[i] else 0
    best_start, best_len = -1, 0
    low, high = n, max(run) + n - 1
    while low <= high:
        length = (low + high) // 2
        found = next((i for i in starts if run[i] >= length - n + 1
                      and sample[i:i + length] in training_text), -1)
        if found >= 0:
            best_start, best_len, low = found, length, length + 1
        else:
            high = length - 1
    return Memorization(n, share, sample[best_start:best_start + best_len] if best_len else "",
                        best_start, best_len, tuple(_spans(hits, n)))


def _copied_ngrams(sample: str, training_text: str, n: int) -> list[bool]:
    """For each n-character piece of ``sample`` in order: is it in ``training_text``?"""
    return [sample[i:i + n] in training_text for i in range(len(sample) - n + 1)]


def copied_spans(sample: str, training_text: str, n: int = NGRAM) -> list[tuple[int, int]]:
    """The (start, end) character spans of ``sample`` covered by copied n-grams, merged, in order.

    Every character of a returned span lies inside some n-character piece that occurs verbatim
    in the training text, so a page can highlight exactly what was copied.
    """
    return _spans(_copied_ngrams(sample, training_text, n), n)


def _spans(hits: list[bool], n: int) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for i, hit in enumerate(hits):
        if not hit:
            continue
        if spans and i <= spans[-1][1]:
            spans[-1] = (spans[-1][0], i + n)
        else:
            spans.append((i, i + n))
    return spans


LONG_PROMPT = 40   # characters: a default prompt longer than this is cut …
SHORT_PROMPT = 16  # … to the line's first characters


def default_prompt(text: str, words: int = 2, unspaced_chars: int = 4) -> str:
    """A prompt that starts like the text does: the first words of its first non-empty line.

    Samples from the same prompt, taken while a model trains, show how its text improves. A line
    in a script written without spaces (Chinese, Japanese) gives its first few characters instead,
    and so does a first "word" longer than a prompt should be (a line of DNA, base64 or emoji,
    which would make the whole line the prompt).
    """
    line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if UNSPACED_SCRIPTS.search(line[:unspaced_chars]):
        return line[:unspaced_chars]
    prompt = " ".join(line.split()[:words])
    return prompt if len(prompt) <= LONG_PROMPT else line[:SHORT_PROMPT]
