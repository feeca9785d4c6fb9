"""The training memory estimate and the check that refuses settings the machine cannot hold.

The machine's free memory is always given (or monkeypatched), so that every test gives the same
answer anywhere; the estimate against measured memory is a benchmark
(benchmarks/training_memory.py), not a test.
"""

import pytest

from lstm_app.series.loading import load_series
from lstm_app.series.pipeline import fit_forecast
from lstm_app.series.settings import ForecastConfig
from lstm_app.text.pipeline import fit_text
from lstm_app.text.settings import TextConfig
from lstm_app.series.memory import check_forecast_fits, forecast_training_bytes
from lstm_app.text.memory import check_text_fits, text_training_bytes
from lstm_app.training import memory
from lstm_app.training.memory import check_fits
from tests.conftest import SAMPLES

GB = 2**30
CPU = None  # the device argument: anything but a CUDA device reads the machine's memory
ABSURD = TextConfig(hidden_size=2048, num_layers=4, batch_size=1024, seq_len=1000)


@pytest.fixture(autouse=True)
def two_at_once(monkeypatch):
    """The server's default: two trainings may run at once, so each may take 35%."""
    monkeypatch.delenv(memory.TRAININGS_AT_ONCE, raising=False)


def test_settings_the_page_allows_but_no_machine_holds_are_refused_in_one_sentence():
    with pytest.raises(ValueError) as error:
        check_text_fits(ABSURD, 65, 32, CPU, available=20 * GB)
    assert str(error.value) == (
        "These settings need about 426 GB of memory to train; this machine has about 20 GB "
        "free, and a training may take 35% of it (2 may run at once). A smaller batch, fewer "
        "hidden units, fewer layers or shorter chunks (sequence length) need less: batch 8, for "
        "example, needs about 6.0 GB.")


def test_the_batch_suggested_is_the_largest_halving_that_fits():
    config = TextConfig(hidden_size=1024, num_layers=2, batch_size=512, seq_len=200)
    with pytest.raises(ValueError, match="batch 32, for example, needs about 1.1 GB"):
        check_text_fits(config, 65, 32, CPU, available=4 * GB)
    fits = text_training_bytes(TextConfig(hidden_size=1024, num_layers=2, batch_size=32,
                                          seq_len=200), 65, 32)
    too_big = text_training_bytes(TextConfig(hidden_size=1024, num_layers=2, batch_size=64,
                                             seq_len=200), 65, 32)
    assert fits <= 0.35 * 4 * GB < too_big


def test_when_no_batch_fits_the_sentence_names_the_other_settings():
    # A word vocabulary of 200,000: the logits alone are too many whatever the batch.
    config = TextConfig(level="word", max_vocab=200_000, seq_len=2000, batch_size=8)
    with pytest.raises(ValueError) as error:
        check_text_fits(config, 200_001, 32, CPU, available=20 * GB)
    assert str(error.value).endswith(
        "Choose fewer hidden units, fewer layers, shorter chunks (sequence length) or fewer "
        "words in the vocabulary: a smaller batch alone is not enough.")
    forecast = ForecastConfig(statistical_seconds=0, lookback=336, horizon=24, hidden_size=512, num_layers=2)
    with pytest.raises(ValueError) as error:  # 20,000 validation windows are read at once
        check_forecast_fits(forecast, 20_000, CPU, available=8 * GB)
    assert str(error.value) == (
        "These settings need about 51 GB of memory to train; this machine has about 8.0 GB "
        "free, and a training may take 35% of it (2 may run at once). Choose fewer hidden "
        "units, fewer layers or a shorter lookback: a smaller batch alone is not enough.")


def test_the_default_settings_fit_in_a_small_machine():
    check_text_fits(TextConfig(), 65, 32, CPU, available=1 * GB)
    check_text_fits(TextConfig(level="word"), 10_001, 32, CPU, available=2 * GB)
    check_forecast_fits(ForecastConfig(statistical_seconds=0, lookback=336, horizon=24), 500, CPU, available=1 * GB)
    assert text_training_bytes(TextConfig(), 65) < 300 * 2**20


def test_the_trainings_that_may_run_at_once_share_seventy_percent(monkeypatch):
    """Two trainings started in the same second each see the memory the other has not taken
    yet: each may take its part of the 70%, so both together stay within it."""
    check_fits(35 * 2**20, 100 * 2**20)
    with pytest.raises(ValueError, match=r"^These settings need about 36 MB of memory to train; "
                                         r"this machine has about 100 MB free, and a training "
                                         r"may take 35% of it \(2 may run at once\)\."):
        check_fits(36 * 2**20, 100 * 2**20)
    monkeypatch.setenv(memory.TRAININGS_AT_ONCE, "1")  # a server that trains one at a time
    check_fits(70 * 2**20, 100 * 2**20)
    with pytest.raises(ValueError, match=r"may take 70% of it\. Choose"):
        check_fits(71 * 2**20, 100 * 2**20)
    monkeypatch.setenv(memory.TRAININGS_AT_ONCE, "4")
    with pytest.raises(ValueError, match=r"may take 18% of it \(4 may run at once\)"):
        check_fits(18 * 2**20, 100 * 2**20)


def test_the_estimate_follows_what_training_holds():
    base = text_training_bytes(TextConfig(), 65, 32)
    # The logits, their softmax and its gradient: three numbers per token and vocabulary entry,
    # and the head's extra weights with their gradients, Adam's two states and the best copy.
    more_words = text_training_bytes(TextConfig(), 1065, 32)
    config = TextConfig()
    extra_weights = 1000 * (config.embedding_dim + config.hidden_size + 1)
    assert more_words - base == 4 * (3 * 1000 * config.batch_size * config.seq_len
                                     + 6 * extra_weights)
    assert text_training_bytes(TextConfig(optimizer="sgd"), 65) < base
    # The activations grow with the batch; the weights stay.
    batch = {b: text_training_bytes(TextConfig(batch_size=b), 65, 32) for b in (32, 64, 128)}
    assert batch[128] - batch[64] == 2 * (batch[64] - batch[32]) > 0
    forecast = ForecastConfig(statistical_seconds=0, lookback=100, horizon=10)
    assert forecast_training_bytes(forecast, 10_000) > forecast_training_bytes(forecast, 0)
    assert forecast_training_bytes(ForecastConfig(statistical_seconds=0, lookback=100, horizon=10,
                                                  covariates=("promo",))) > \
        forecast_training_bytes(forecast)


def test_fitting_refuses_before_it_builds_anything(monkeypatch):
    for task_memory in ("lstm_app.text.memory", "lstm_app.series.memory"):
        monkeypatch.setattr(f"{task_memory}.available_bytes", lambda device=None: 20 * GB)
    text = (SAMPLES / "shakespeare_excerpt.txt").read_text(encoding="utf-8")[:5000]
    built = []
    monkeypatch.setattr("lstm_app.text.pipeline.TrainedLanguageModel.new",
                        lambda *args: built.append(args))
    with pytest.raises(ValueError, match="^These settings need about 426 GB of memory"):
        fit_text(text, ABSURD)
    series = load_series(SAMPLES / "airline_passengers.csv")
    with pytest.raises(ValueError, match="^These settings need about .* GB of memory to train; "
                                         "this machine has about 20 GB free"):
        fit_forecast(series, ForecastConfig(statistical_seconds=0, lookback=48, horizon=12, hidden_size=2048,
                                            num_layers=6, batch_size=4096))
    assert built == []


def test_available_memory_is_the_least_of_the_machine_and_its_container(tmp_path, monkeypatch):
    # A container's room: its limit less what it uses, the file cache it can drop given back.
    limit, used, stat = (tmp_path / name for name in ("limit", "used", "stat"))
    limit.write_text("8589934592\n")
    used.write_text("3221225472\n")
    stat.write_text("anon 2147483648\nfile 1073741824\n")
    assert memory._group_room(limit, used, stat, "file") == 6 * GB
    stat.write_text("cache 1073741824\nrss 2147483648\ntotal_cache 536870912\n")  # cgroup v1
    assert memory._group_room(limit, used, stat, "total_cache") == 5.5 * GB
    for unlimited in ("max\n", "9223372036854771712\n"):
        limit.write_text(unlimited)
        assert memory._group_room(limit, used, stat, "file") is None
    assert memory._group_room(tmp_path / "absent", used, stat, "file") is None
    assert memory.available_bytes() > 0
    monkeypatch.setattr(memory, "_meminfo_available", lambda: 20 * GB)
    monkeypatch.setattr(memory, "_container_room", lambda: None)
    assert memory.available_bytes() == 20 * GB
    monkeypatch.setattr(memory, "_container_room", lambda: 3 * GB)
    assert memory.available_bytes() == 3 * GB
