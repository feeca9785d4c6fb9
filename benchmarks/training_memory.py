"""Training memory: the estimate ``lstm_app.training.memory`` refuses settings by, against measurement.

Each case trains for one epoch (``fit_text`` or ``fit_forecast``, on the CPU) in a fresh
process, which reports how far its resident memory rose above where it stood just before
training (Linux: the peak is reset through /proc/self/clear_refs, then read as VmHWM). The
estimate should be at or above the measurement, and well within a factor of two.

    python -m benchmarks.training_memory [--case N]

Prints one row per case: the settings, the estimate, the measured peak and their ratio.
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from lstm_app.samples import sample_path
from lstm_app.series.loading import load_series
from lstm_app.series.pipeline import fit_forecast, resolve
from lstm_app.series.settings import ForecastConfig
from lstm_app.series.windows import split_rows, window_ids
from lstm_app.text.corpus import make_vocab, read_text
from lstm_app.text.pipeline import fit_text, validation_streams
from lstm_app.text.settings import TextConfig
from lstm_app.text.spans import split_text
from lstm_app.series.memory import forecast_training_bytes
from lstm_app.text.memory import text_training_bytes

ROOT = Path(__file__).resolve().parents[1]
COMMON = dict(epochs=1, device="cpu")
CASES = [
    ("text", "char, 256 units x 2 layers, batch 32, seq 100",
     dict(hidden_size=256, num_layers=2, batch_size=32, seq_len=100)),
    ("text", "char, 512 units x 2 layers, batch 64, seq 200",
     dict(hidden_size=512, num_layers=2, batch_size=64, seq_len=200)),
    ("text", "word, 256 units x 1 layer, batch 32, seq 100",
     dict(level="word", hidden_size=256, num_layers=1, batch_size=32, seq_len=100)),
    ("forecast", "lookback 336, 256 units x 2 layers, batch 64",
     dict(lookback=336, horizon=24, hidden_size=256, num_layers=2, batch_size=64)),
    ("forecast", "lookback 200, 8 inputs, 512 units x 3 layers, batch 128",
     dict(lookback=200, horizon=24, hidden_size=512, num_layers=3, batch_size=128,
          covariates=tuple(f"x{i}" for i in range(7)))),
]


def _status(field: str) -> int:
    """A field of /proc/self/status in bytes (VmRSS: now, VmHWM: the peak)."""
    status = Path("/proc/self/status").read_text()
    return int(re.search(rf"{field}:\s+(\d+)", status).group(1)) * 1024


def _series(covariates: tuple[str, ...]):
    """1,200 hourly values of a daily sine with noise, and the covariates as noise columns."""
    rng = np.random.default_rng(0)
    t = np.arange(1200)
    frame = pd.DataFrame({"time": pd.date_range("2024-01-01", periods=len(t), freq="h")})
    for name in covariates:
        frame[name] = rng.normal(size=len(t))
    frame["value"] = 10 + np.sin(2 * math.pi * t / 24) + rng.normal(0, 0.1, len(t))
    return load_series(frame.to_csv(index=False).encode(), value_col="value",
                       covariates=covariates, name="sine.csv")


def measure(index: int) -> dict:
    """Train case ``index`` for one epoch in this process: its estimate and measured peak."""
    task, _, settings = CASES[index]
    torch.set_num_threads(2)
    if task == "text":
        text, _ = read_text(sample_path("shakespeare_excerpt"))
        config = TextConfig(**settings, **COMMON)
        train_text, val_text = split_text(text, config.val_fraction)
        vocab, _ = make_vocab(train_text, config.level, config.max_vocab)
        streams = validation_streams(vocab.ids(val_text), config.seq_len).shape[0]
        estimate = text_training_bytes(config, len(vocab), streams)
        train = lambda: fit_text(text, config)
        extra = f"vocabulary {len(vocab):,}"
    else:
        series = _series(settings.get("covariates", ()))
        config = resolve(series, ForecastConfig(**settings, **COMMON))
        split, _ = split_rows(len(series.frame), config.val_size, config.test_size,
                              config.lookback, config.horizon)
        val_windows = len(window_ids(split.val, config.lookback, config.horizon))
        estimate = forecast_training_bytes(config, val_windows)
        train = lambda: fit_forecast(series, config)
        extra = f"{val_windows:,} validation windows"
    before = _status("VmRSS")
    Path("/proc/self/clear_refs").write_text("5")  # the peak starts again from now
    train()
    return {"estimate": estimate, "measured": _status("VmHWM") - before, "extra": extra}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", type=int, help="measure this case only (in this process)")
    args = parser.parse_args()
    if args.case is not None:
        print(json.dumps(measure(args.case)))
        return
    print(f"torch {torch.__version__}, {platform.processor() or platform.machine()}, "
          f"one epoch each on the CPU, each in a fresh process")
    print(f"{'task':9} {'settings':82} {'estimate':>9} {'measured':>9} {'ratio':>6}")
    for index, (task, label, _) in enumerate(CASES):
        done = subprocess.run([sys.executable, "-m", "benchmarks.training_memory", "--case",
                               str(index)], cwd=ROOT, capture_output=True, text=True, check=True)
        row = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"{task:9} {label + ' (' + row['extra'] + ')':82} "
              f"{row['estimate'] / 2**20:7.0f} MB {row['measured'] / 2**20:6.0f} MB "
              f"{row['estimate'] / row['measured']:6.2f}")


if __name__ == "__main__":
    main()
