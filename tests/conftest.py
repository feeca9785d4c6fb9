"""Shared test set-up: quiet, CPU, few threads, and paths to the repo's and the shared data."""

from pathlib import Path

import pytest
import torch

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "datasets"
SAMPLES = REPO / "sample_data"

torch.set_num_threads(1)  # small models train faster single-threaded, and tests run side by side


@pytest.fixture
def shared_data() -> Path:
    if not (SHARED_DATA / "airline_passengers.csv").exists():
        pytest.skip(f"the shared datasets are not beside the repo ({SHARED_DATA})")
    return SHARED_DATA
