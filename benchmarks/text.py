"""Character-level tiny Shakespeare: validation nats per character after a wall-clock budget, and FLOP/s.

Split as nanoGPT does: the first 90% of ../shared/datasets/tinyshakespeare.txt trains, the last
10% validates. Prints the validation loss (nats per character), the training FLOP/s of the
LSTM (forward and backward matrix multiplies counted) and the machine's measured fp32
matrix-multiply rate. Targets on 2 CPU cores: ≤ 1.60 after 75 s, ≤ 1.50 within 10 minutes,
≥ 70% of the matrix-multiply rate.

    python -m benchmarks.text --hidden-size 512 --num-layers 1 --batch-size 32 --lr 0.004 [--minutes 1.25]
"""

from __future__ import annotations

import argparse
import platform
import time
from pathlib import Path

import torch

from lstm_app.text.corpus import read_text
from lstm_app.text.pipeline import run_text
from lstm_app.text.settings import TextConfig

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "datasets" / "tinyshakespeare.txt"


def matmul_rate(sizes=(512, 1024, 2048), seconds: float = 2.0) -> float:
    """The best measured fp32 FLOP/s of square matrix multiplies, with torch's threads."""
    best = 0.0
    for size in sizes:
        a, b = torch.randn(size, size), torch.randn(size, size)
        torch.mm(a, b)  # warm-up
        count, started = 0, time.perf_counter()
        while time.perf_counter() - started < seconds:
            torch.mm(a, b)
            count += 1
        best = max(best, 2 * size ** 3 * count / (time.perf_counter() - started))
    return best


def flops_per_token(config: TextConfig, vocab_size: int) -> float:
    """Multiply-adds ×2 of the gates and the output layer, ×3 for forward plus backward."""
    gates = 4 if config.cell == "lstm" else 3
    forward, inputs = 0, config.embedding_dim
    for _ in range(config.num_layers):
        forward += 2 * gates * config.hidden_size * (inputs + config.hidden_size)
        inputs = config.hidden_size
    forward += 2 * config.hidden_size * vocab_size
    return 3 * forward


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=1.25)
    defaults = TextConfig()
    for name in ("hidden_size", "num_layers", "embedding_dim", "seq_len", "batch_size", "seed"):
        parser.add_argument("--" + name.replace("_", "-"), type=int, default=getattr(defaults, name))
    for name in ("lr", "dropout"):
        parser.add_argument("--" + name, type=float, default=getattr(defaults, name))
    parser.add_argument("--cell", default=defaults.cell)
    args = parser.parse_args()
    text, _ = read_text(DATA)
    settings = {k: v for k, v in vars(args).items()}
    config = TextConfig(level="char", epochs=1000, patience=0, length=200, prompt="ROMEO:",
                        **settings)
    rate = matmul_rate()
    print(f"tiny Shakespeare, {time.strftime('%Y-%m-%d')}, {platform.machine()}, "
          f"{torch.get_num_threads()} threads, torch {torch.__version__}")
    print(f"settings: {settings}")
    result = run_text(text, config)
    flops = flops_per_token(config, result.counts.vocab_size) * result.tokens_per_second
    print(f"epochs {len(result.training.history)}, training {result.training.seconds:.0f} s, "
          f"{result.tokens_per_second:,.0f} characters/s")
    print(f"validation loss {result.val_loss:.4f} nats per character "
          f"({result.bits_per_char:.3f} bits)")
    print(f"training {flops / 1e9:.1f} GFLOP/s against a measured matrix-multiply rate of "
          f"{rate / 1e9:.1f} GFLOP/s: {flops / rate:.0%}")
    print("sample:", result.sample[:200].replace("\n", " / "))


if __name__ == "__main__":
    main()
