"""The copy check ("what it copied") on a large training text: seconds per sample, against the
plain search it replaced (the training text searched once for each piece of the sample).

Training texts: tiny Shakespeare (1.1 MB) and the same 45 times over (50 MB, the upload limit).
Samples of 800 characters: half copied and half random letters; 25 short copied pieces strung
together (as an LSTM's sample reads: every 8 characters seen, few long passages); all random.

    python -m benchmarks.copy_check [--repeats 3]
"""

from __future__ import annotations

import argparse
import platform
import random
import time
from pathlib import Path

from lstm_app.text.copying import NGRAM, memorization

SHAKESPEARE = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "tinyshakespeare.txt"


def plain_search(sample: str, training_text: str, n: int = NGRAM) -> tuple[float, int]:
    """The share of copied pieces and the longest copied passage, one search per piece (as the
    check did before 2026-12-05): for comparison only."""
    hits = [sample[i:i + n] in training_text for i in range(len(sample) - n + 1)]
    longest, run = 0, 0
    for i, hit in enumerate(hits):
        run = run + 1 if hit else 0
        while run and sample[i - run + 1:i + n] not in training_text:
            run -= 1
        longest = max(longest, run + n - 1 if run else 0)
    return sum(hits) / max(len(hits), 1), longest


def samples(text: str, rng: random.Random) -> dict[str, str]:
    noise = lambda k: "".join(rng.choice("abcdefgh ") for _ in range(k))
    start = rng.randrange(len(text) - 1000)
    pieces = "".join(text[p:p + rng.randint(10, 60)]
                     for p in (rng.randrange(len(text) - 100) for _ in range(25)))
    return {"half copied": text[start:start + 400] + noise(400), "short pieces": pieces[:800],
            "random": noise(800)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    shakespeare = SHAKESPEARE.read_text(encoding="utf-8")
    print(f"{platform.node()} · {platform.processor() or platform.machine()} · "
          f"{time.strftime('%Y-%m-%d')}")
    print(f"{'training text':>14} {'sample':>13} {'check s':>8} {'plain s':>8}  same answer")
    for times in (1, 45):
        text = shakespeare * times
        for name, sample in samples(shakespeare, random.Random(0)).items():
            best, plain_best = float("inf"), float("inf")
            for _ in range(args.repeats):  # side by side in one run: the machine is shared
                began = time.perf_counter()
                found = memorization(sample, text)
                best = min(best, time.perf_counter() - began)
                began = time.perf_counter()
                share, longest = plain_search(sample, text)
                plain_best = min(plain_best, time.perf_counter() - began)
            same = abs(found.copied_ngram_share - share) < 1e-12 and found.longest_chars == longest
            print(f"{len(text) / 1e6:>11.1f} MB {name:>13} {best:>8.2f} {plain_best:>8.2f}  "
                  f"{'yes' if same else 'NO'}")


if __name__ == "__main__":
    main()
