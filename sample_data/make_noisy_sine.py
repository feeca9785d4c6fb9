"""Generate noisy_sine.csv: 1000 points of sin(x) for x in [0, 50] plus 0.1 x Gaussian noise.

Like the classic Keras LSTM tutorial's sine. No date column: row order is the time axis.
Run `python sample_data/make_noisy_sine.py` to rewrite the file (byte-identical, fixed seed).
"""
from pathlib import Path

import numpy as np
import pandas as pd

SEED = 42
OUT = Path(__file__).resolve().parent / "noisy_sine.csv"


def build() -> pd.DataFrame:
    rng = np.random.default_rng(SEED)
    x = np.linspace(0, 50, 1000)
    return pd.DataFrame({"value": np.sin(x) + 0.1 * rng.standard_normal(x.size)})


def make(path: Path = OUT) -> None:
    build().to_csv(path, index=False, float_format="%.4f")


if __name__ == "__main__":
    make()
