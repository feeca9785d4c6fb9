"""Engine overhead: the Trainer with window views against a minimal hand-written PyTorch loop.

Both train the same model (LSTM 60 → LSTM 50 → linear, the classic Keras sine tutorial's) on the
noisy sine sample, lookback 50, horizon 1, batch 32, Adam 1e-3, 20 epochs, on exactly the same
shuffled batches, and both compute the validation loss after every epoch. The minimal loop gets
its windows as ready-made copies; the engine gathers each batch from strided views.

    python benchmarks/throughput.py [--epochs 20] [--repeats 3]

Prints seconds per epoch of each, their ratio (target: engine ≤ 1.05 × minimal) and both test MSEs.
"""

from __future__ import annotations

import argparse
import platform
import time

import numpy as np
import torch
from torch import nn

from lstm_app.samples import sample_path
from lstm_app.series.loading import load_series
from lstm_app.series.windows import Scaler, make_windows, split_rows, window_ids
from lstm_app.training.trainer import Trainer, TrainerConfig

LOOKBACK, HORIZON, BATCH, LR, SEED = 50, 1, 32, 1e-3, 0


class StackedLSTM(nn.Module):
    """LSTM(60) → LSTM(50) → Linear, returning (prediction, loss) as the engine expects."""

    def __init__(self):
        super().__init__()
        self.first = nn.LSTM(1, 60, batch_first=True)
        self.second = nn.LSTM(60, 50, batch_first=True)
        self.head = nn.Linear(50, HORIZON)

    def forward(self, x, targets=None):
        out, _ = self.first(x)                   # (batch, lookback, 60)
        out, _ = self.second(out)                # (batch, lookback, 50)
        pred = self.head(out[:, -1])             # (batch, horizon)
        loss = None if targets is None else nn.functional.mse_loss(pred, targets)
        return pred, loss


def data():
    series = load_series(sample_path("noisy_sine"))
    raw = series.frame.to_numpy(dtype=np.float64)
    split, _ = split_rows(len(raw), 0.15, 0.15, LOOKBACK, HORIZON)
    scaler = Scaler().fit(raw[split.train[0]:split.train[1]])
    values = torch.as_tensor(scaler.transform(raw), dtype=torch.float32)
    inputs, targets = make_windows(values, LOOKBACK, HORIZON)
    ids = {name: torch.as_tensor(window_ids(getattr(split, name), LOOKBACK, HORIZON))
           for name in ("train", "val", "test")}
    return inputs, targets, ids


@torch.no_grad()
def mse_on(model, x, y) -> float:
    model.eval()
    return float(nn.functional.mse_loss(model(x)[0], y))


def run_engine(epochs: int) -> tuple[float, float]:
    inputs, targets, ids = data()
    torch.manual_seed(SEED)
    model = StackedLSTM()
    config = TrainerConfig(epochs=epochs, lr=LR, grad_clip=0.0, lr_schedule="none",
                           patience=0, seed=SEED)

    def batches(generator):
        order = ids["train"][torch.randperm(len(ids["train"]), generator=generator)]
        for i in range(0, len(order), BATCH):
            yield inputs[order[i:i + BATCH]], targets[order[i:i + BATCH]]

    val = lambda m: mse_on(m, inputs[ids["val"]], targets[ids["val"]])
    started = time.perf_counter()
    Trainer(model, config).fit(batches, val)
    seconds = (time.perf_counter() - started) / epochs
    return seconds, mse_on(model, inputs[ids["test"]], targets[ids["test"]])


def run_minimal(epochs: int) -> tuple[float, float]:
    inputs, targets, ids = data()
    x_train, y_train = inputs[ids["train"]].clone(), targets[ids["train"]].clone()
    x_val, y_val = inputs[ids["val"]].clone(), targets[ids["val"]].clone()
    torch.manual_seed(SEED)
    model = StackedLSTM()
    optimizer = torch.optim.Adam(model.parameters(), lr=LR)
    generator = torch.Generator().manual_seed(SEED)
    torch.manual_seed(SEED)
    best, best_state = float("inf"), None
    started = time.perf_counter()
    for _ in range(epochs):
        model.train()
        order = torch.randperm(len(x_train), generator=generator)
        for i in range(0, len(order), BATCH):
            batch = order[i:i + BATCH]
            _, loss = model(x_train[batch], y_train[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        val = mse_on(model, x_val, y_val)
        if val < best:
            best, best_state = val, {k: v.clone() for k, v in model.state_dict().items()}
    seconds = (time.perf_counter() - started) / epochs
    model.load_state_dict(best_state)
    return seconds, mse_on(model, inputs[ids["test"]], targets[ids["test"]])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {torch.get_num_threads()} torch threads, torch {torch.__version__}")
    run_minimal(1), run_engine(1)  # warm-up: the first LSTM calls pay for kernel selection
    engine, minimal = [], []
    for _ in range(args.repeats):  # interleaved, so drift in machine speed hits both alike
        minimal.append(run_minimal(args.epochs))
        engine.append(run_engine(args.epochs))
    e_sec = min(s for s, _ in engine)
    m_sec = min(s for s, _ in minimal)
    print(f"{'':10}{'s/epoch (best of ' + str(args.repeats) + ')':>24}{'test MSE (scaled)':>20}")
    print(f"{'minimal':10}{m_sec:>24.3f}{minimal[-1][1]:>20.5f}")
    print(f"{'engine':10}{e_sec:>24.3f}{engine[-1][1]:>20.5f}")
    print(f"engine / minimal = {e_sec / m_sec:.3f}  (target ≤ 1.05)")


if __name__ == "__main__":
    main()
