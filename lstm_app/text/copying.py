"""What a sample copied verbatim from the training text: the share of its n-character pieces
found there, the spans they cover, and the longest passage found there.

Searching the training text once for every piece of a sample took 17 s on a 50 MB text. Here
the pieces are hashed instead, and the training text is read once per length checked, a million
characters at a time, each of its windows hashed at once with numpy:

    hash(w) = w[0] + w[1]·B + w[2]·B² + …  (modulo 2⁶⁴; B odd)

From the prefix sums P[i] = Σ_{k<i} c[k]·Bᵏ of a piece of text, the window at i of length L is
(P[i+L] − P[i])·B⁻ⁱ: the same number wherever the window lies. The passage reported as the
longest is also checked by a plain search, so a collision of hashes never makes it; the share and
the highlighted spans rest on the hashes alone (two different pieces of 8 characters share a
64-bit hash with odds far below anything a reader would meet).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

NGRAM = 8  # the check's n-gram length, in characters
PIECE = 1 << 20  # characters of the training text hashed at once: bounds the memory (~50 MB)
_BASE = 0x9E3779B97F4A7C15  # odd, so that it has an inverse modulo 2**64
_INVERSE = pow(_BASE, -1, 1 << 64)
_SIEVE = 1 << 20  # slots of the sieve that lets through only windows that may be wanted


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
    hits = _copied_ngrams(sample, training_text, n)
    if not hits.any():
        return Memorization(n, 0.0)
    # run[i]: consecutive n-gram hits from i on. A copied passage of length L >= n needs a run
    # of L - n + 1 hits, so only those starts are checked, longest first by binary search.
    run = [0] * (len(hits) + 1)
    for i in reversed(range(len(hits))):
        run[i] = run[i + 1] + 1 if hits[i] else 0
    best_start, best_len = -1, 0
    low, high = n, max(run) + n - 1
    while low <= high:
        length = (low + high) // 2
        starts = [i for i in range(len(hits)) if run[i] >= length - n + 1]
        found = _first_found(sample, starts, length, training_text)
        if found >= 0:
            best_start, best_len, low = found, length, length + 1
        else:
            high = length - 1
    return Memorization(n, float(hits.mean()),
                        sample[best_start:best_start + best_len] if best_len else "",
                        best_start, best_len, tuple(_spans(hits, n)))


def copied_spans(sample: str, training_text: str, n: int = NGRAM) -> list[tuple[int, int]]:
    """The (start, end) character spans of ``sample`` covered by copied n-grams, merged, in order.

    Every character of a returned span lies inside some n-character piece that occurs verbatim
    in the training text, so a page can highlight exactly what was copied.
    """
    return _spans(_copied_ngrams(sample, training_text, n), n)


def _copied_ngrams(sample: str, training_text: str, n: int) -> np.ndarray:
    """For each n-character piece of ``sample`` in order: is it in ``training_text``?"""
    starts = np.arange(max(len(sample) - n + 1, 0))
    return _found(_window_hashes(_codes(sample), n)[starts], n, training_text)


def _first_found(sample: str, starts: list[int], length: int, training_text: str) -> int:
    """One of ``starts`` whose ``length`` characters occur in ``training_text`` (the first of
    those found in the first piece of the text that holds any), or -1. The text is read until
    one is found (a search step needs only one), then wholly where that was a collision."""
    wanted = _window_hashes(_codes(sample), length)[starts]
    for enough in (np.any, np.all):
        found = _found(wanted, length, training_text, enough)
        for start in np.asarray(starts)[found]:
            if sample[start:start + length] in training_text:  # never a collision of hashes
                return int(start)
    return -1


def _found(wanted: np.ndarray, length: int, training_text: str, enough=np.all) -> np.ndarray:
    """Which of the ``wanted`` hashes of ``length``-character windows occur in ``training_text``:
    one pass over it, a piece at a time (pieces overlap by ``length`` - 1 characters), ended
    early once ``enough`` of them are found (all, by default)."""
    found = np.zeros(len(wanted), dtype=bool)
    if not len(wanted):
        return found
    sieve = np.zeros(_SIEVE, dtype=bool)  # by the hashes' low bits: most windows fail here
    sieve[wanted & np.uint64(_SIEVE - 1)] = True
    for begin in range(0, max(len(training_text) - length + 1, 0), PIECE):
        hashes = _window_hashes(_codes(training_text[begin:begin + PIECE + length - 1]), length)
        found |= np.isin(wanted, hashes[sieve[hashes & np.uint64(_SIEVE - 1)]])
        if enough(found):
            break
    return found


def _codes(text: str) -> np.ndarray:
    """The text's code points (a lone surrogate kept as its own)."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4").astype(np.uint64)


def _window_hashes(codes: np.ndarray, length: int) -> np.ndarray:
    """The hash of every ``length``-code window of ``codes``, in order (see the module's top;
    numpy's uint64 arithmetic wraps modulo 2**64, which the hash relies on)."""
    count = len(codes) - length + 1
    if count <= 0 or length <= 0:
        return np.zeros(0, dtype=np.uint64)
    with np.errstate(over="ignore"):
        prefix = np.concatenate([np.zeros(1, np.uint64),
                                 np.cumsum(codes * _powers(_BASE, len(codes)))])
        return (prefix[length:] - prefix[:-length]) * _powers(_INVERSE, count)


def _powers(base: int, count: int) -> np.ndarray:
    """base⁰, base¹, … base^(count-1), modulo 2**64 (kept for the next piece of the text)."""
    known = _POWERS.get(base)
    if known is None or len(known) < count:
        steps = np.full(max(count, PIECE), base, dtype=np.uint64)
        steps[0] = 1
        known = _POWERS[base] = np.cumprod(steps)
    return known[:count]


_POWERS: dict[int, np.ndarray] = {}


def _spans(hits, n: int) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for i in np.flatnonzero(hits):
        if spans and i <= spans[-1][1]:
            spans[-1] = (spans[-1][0], int(i) + n)
        else:
            spans.append((int(i), int(i) + n))
    return spans
