"""Sampling text from a trained language model, token by token (what a sample copied from the
training text is checked in copying.py)."""

from __future__ import annotations

from typing import Iterator

import numpy as np
import torch

from ..scripts import UNSPACED

PROMPT_PIECE = 1000  # prompt tokens read at once: bounds the memory a long prompt takes
LOOP_TAIL = 60      # the fewest characters at a sample's end that must repeat to call it a loop
LONGEST_LOOP = 100  # the longest repeating piece looked for


def loop_at_end(written: str) -> str:
    """The piece the end of ``written`` repeats over and over (the shortest, as written), or ""
    where it does not end in a loop. The end read is its last third, and at least LOOP_TAIL
    characters, each equal to the one a piece's length before it (the piece twice at least:
    a line of 43 characters six times over ends a sample of 300)."""
    tail = written[-max(LOOP_TAIL, len(written) // 3):]
    if len(tail) < LOOP_TAIL:
        return ""
    codes = np.frombuffer(tail.encode("utf-32-le"), dtype="<u4")
    for length in range(1, min(LONGEST_LOOP, len(tail) // 2) + 1):
        if np.array_equal(codes[length:], codes[:-length]):
            return tail[-length:]
    return ""


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
    if UNSPACED.search(line[:unspaced_chars]):
        return line[:unspaced_chars]
    prompt = " ".join(line.split()[:words])
    return prompt if len(prompt) <= LONG_PROMPT else line[:SHORT_PROMPT]
