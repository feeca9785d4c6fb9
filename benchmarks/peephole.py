"""The peephole LSTM's price: one training batch (forward, backward, Adam step) with the cell
"lstm" (torch's fused kernel) and "peephole" (training/peephole.py, a Python loop over the
steps), at each task's default sizes, on random data. The settings' help quotes the factor.

    python -m benchmarks.peephole [--batches 20] [--threads 2]
"""

from __future__ import annotations

import argparse
import datetime
import platform
import statistics
import time

import torch

from lstm_app.training.rnn import make_rnn

# (what, input size, hidden units, layers, bidirectional, batch, steps)
SHAPES = [("forecast (airline defaults)", 1, 64, 1, False, 32, 24),
          ("text (characters)", 64, 256, 2, False, 32, 100),
          ("classify (reviews)", 64, 64, 1, True, 32, 150)]


def per_batch(cell: str, size, hidden, layers, both, batch, steps, batches: int) -> float:
    torch.manual_seed(0)
    rnn = make_rnn(cell, size, hidden, layers, 0.0, both)
    optimizer = torch.optim.Adam(rnn.parameters())
    x = torch.randn(batch, steps, size)
    target = torch.rand(batch, steps, hidden * (2 if both else 1)) - 0.5  # not towards 0: denormals
    times = []
    for k in range(batches + 2):
        started = time.perf_counter()
        out, _ = rnn(x)
        (out - target).square().mean().backward()
        optimizer.step()
        optimizer.zero_grad()
        if k >= 2:  # the first two warm up
            times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=20)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    print(f"peephole, {datetime.date.today()}, {platform.machine()}, {args.threads} threads, "
          f"torch {torch.__version__}")
    for what, *shape in SHAPES:
        lstm = per_batch("lstm", *shape, args.batches)
        peephole = per_batch("peephole", *shape, args.batches)
        print(f"{what:30} lstm {lstm * 1000:7.1f} ms  peephole {peephole * 1000:7.1f} ms  "
              f"× {peephole / lstm:.1f}", flush=True)


if __name__ == "__main__":
    main()
