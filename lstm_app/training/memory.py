"""The memory a training needs, estimated before it starts, and the check that refuses too much.

A training holds, at its peak (in 4-byte floats):

- the weights, their gradients, the optimizer's state (Adam keeps 2 numbers per weight, SGD
  with momentum and RMSprop 1) and the best epoch's copy, two copies while it is replaced;
- the activations saved for backpropagation, for a batch of ``batch`` sequences of ``steps``
  steps: ``batch × steps × hidden × (12 × layers + 6)`` for the recurrent layers (measured:
  PyTorch keeps each layer's 4 gates, cell and hidden state, and backward needs as much again
  for their gradients), plus the inputs (the embedding of each token, or the window's values),
  plus the language model's logits ``batch × steps × vocabulary``, three times (the logits, the
  softmax kept for backward, and its gradient);
- or, if more, the validation pass, which reads without gradients: ``hidden × (layers + 2)``
  per sequence step plus, for text, the logits and their softmax; the forecaster reads all of
  its validation windows at once;
- about 100 MB that torch itself takes in a fresh worker process once it computes.

Estimated against measured peak memory (the growth of a fresh process's resident memory over
``fit_text`` / ``fit_forecast``, one epoch on two CPU cores, torch 2.13;
``python -m benchmarks.training_memory``):

    task      settings                                                  estimate  measured
    text      char (62), 256 units x 2 layers, batch 32, seq 100          218 MB    139 MB
    text      char (62), 512 units x 2 layers, batch 64, seq 200          941 MB    825 MB
    text      word (3,110), 256 units x 1 layer, batch 32, seq 100        302 MB    221 MB
    forecast  lookback 336, 256 units x 2 layers, batch 64 (157 val.)     749 MB    654 MB
    forecast  lookback 200, 8 inputs, 512 x 3 layers, batch 128           2323 MB   1859 MB

The estimate errs high (by 14-25% on the larger cases; the fixed 100 MB weighs on small ones):
a refusal should mean that the training really would not fit.

This module holds what every task shares (the recurrent layers' share, the total, the check and
the free memory); each task counts its own network and inputs: ``text/memory.py`` and
``series/memory.py``.
"""

from __future__ import annotations

import os
from pathlib import Path

import torch

from ..i18n import N_, sentences, tr


FLOAT = 4                     # bytes per number
TORCH_BASE = 100 * 2**20      # torch's own working memory in a fresh process
USABLE_SHARE = 0.7            # the trainings running at once may take this share of the free memory
TRAININGS_AT_ONCE = "LSTM_APP_MAX_TRAININGS"  # how many may run at once on one server (default 2)
OPTIMIZER_STATES = {"adam": 2, "adamw": 2, "sgd": 1, "rmsprop": 1}  # numbers kept per weight
FEWER = (N_("fewer hidden units"), N_("fewer layers"))  # what lowers any training's memory


def recurrent_training(hidden: int, layers: int) -> int:
    """Numbers per sequence step that the recurrent layers hold while training (measured)."""
    return hidden * (12 * layers + 6)


def recurrent_reading(hidden: int, layers: int) -> int:
    """Numbers per sequence step that the recurrent layers hold while reading without gradients."""
    return hidden * (layers + 2)


def total_bytes(weights: int, optimizer: str, activations: int) -> int:
    # The weights, their gradients, the optimizer's state and the best epoch's copy (two while
    # a better epoch replaces it), then the activations.
    kept = weights * (4 + OPTIMIZER_STATES.get(optimizer, 2))
    return TORCH_BASE + FLOAT * (kept + activations)


def machine(device: torch.device | None) -> str:
    """Where the training runs, as check_fits names it (marked here, translated there)."""
    return N_("this GPU") if device is not None and device.type == "cuda" else N_("this machine")


def halvings(batch_size: int) -> list[int]:
    """The smaller batch sizes to suggest, largest first: 256 -> 128, 64, ..., 1."""
    sizes = []
    while batch_size > 1:
        batch_size //= 2
        sizes.append(batch_size)
    return sizes


def trainings_at_once() -> int:
    """How many trainings one server runs at once ($LSTM_APP_MAX_TRAININGS, default 2)."""
    try:
        return max(1, int(os.environ.get(TRAININGS_AT_ONCE, "2")))
    except ValueError:
        return 2


def check_fits(need: int, available: int, smaller_batches: dict[int, int] | None = None,
               fixes: tuple[str, ...] = FEWER, machine: str = "this machine",
               at_once: int | None = None) -> None:
    """A ValueError in one plain sentence when ``need`` bytes are more than the share of the
    ``available`` bytes (on ``machine``) a training may take. It names the largest of
    ``smaller_batches`` (batch size -> the bytes it needs) that would fit, or else the ``fixes``
    (the other settings to lower).

    The share is USABLE_SHARE split between the ``at_once`` trainings (trainings_at_once())
    that may run at the same time: two started in the same second each see the memory the
    other has not taken yet, and each taking its part keeps both within the share."""
    at_once = trainings_at_once() if at_once is None else at_once
    share = USABLE_SHARE / at_once
    usable = share * available
    if need <= usable:
        return
    values = dict(need=_size(need), machine=tr(machine), available=_size(available),
                  share=f"{share:.0%}", at_once=at_once)
    sentence = (tr("These settings need about {need} of memory to train; {machine} has about "
                   "{available} free, and a training may take {share} of it ({at_once} may run "
                   "at once).", **values) if at_once > 1 else
                tr("These settings need about {need} of memory to train; {machine} has about "
                   "{available} free, and a training may take {share} of it.", **values))
    fixes = tuple(tr(fix) for fix in fixes)
    fits = [(batch, bytes_) for batch, bytes_ in (smaller_batches or {}).items()
            if bytes_ <= usable]
    if fits:
        batch, bytes_ = max(fits)
        smaller = tr("a smaller batch")
        raise ValueError(sentences(sentence, tr(
            "{choices} need less: batch {batch}, for example, needs about {size}.",
            choices=_either((smaller,) + fixes).capitalize(), batch=batch,
            size=_size(bytes_))))
    raise ValueError(sentences(sentence, tr(
        "Choose {choices}: a smaller batch alone is not enough.", choices=_either(fixes))))


def _either(choices: tuple[str, ...]) -> str:
    """("a", "b", "c") -> "a, b or c" (in Chinese: "a、b或c")."""
    if len(choices) == 1:
        return choices[0]
    return tr("{some} or {last}", some=tr(", ").join(choices[:-1]), last=choices[-1])


def _size(n: float) -> str:
    """Bytes the way a person reads them: 850 MB, 2.4 GB, 38 GB."""
    if n < 2**30:
        return f"{max(1, round(n / 2**20)):,} MB"
    gb = n / 2**30
    return f"{gb:.1f} GB" if gb < 10 else f"{round(gb):,} GB"


def available_bytes(device: torch.device | None = None) -> int:
    """The memory free for a new training: the GPU's free memory for a CUDA device; otherwise
    the machine's available memory (MemAvailable), or less when a container limits this process."""
    if device is not None and device.type == "cuda":
        return torch.cuda.mem_get_info(device)[0]
    free = _meminfo_available()
    room = _container_room()
    return free if room is None else min(free, room)


def _meminfo_available() -> int:
    """MemAvailable from /proc/meminfo (free memory plus what the page cache would give back);
    where there is none, the free pages the system reports."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")


def _container_room() -> int | None:
    """How much more this process's control group (its container) may take before it is killed;
    None without a limit. cgroup v2 first (its folder is named in /proc/self/cgroup), then v1."""
    try:
        line = next((line for line in Path("/proc/self/cgroup").read_text().splitlines()
                     if line.startswith("0::")), "0::/")
    except OSError:
        line = "0::/"
    v2 = Path("/sys/fs/cgroup") / line[3:].strip().lstrip("/")
    v1 = Path("/sys/fs/cgroup/memory")
    room = _group_room(v2 / "memory.max", v2 / "memory.current", v2 / "memory.stat", "file")
    if room is None:
        room = _group_room(v1 / "memory.limit_in_bytes", v1 / "memory.usage_in_bytes",
                           v1 / "memory.stat", "total_cache")
    return room


def _group_room(limit_file: Path, used_file: Path, stat_file: Path, cache: str) -> int | None:
    """A control group's limit less what it uses, the file cache it can drop given back; None
    when it has no limit ("max", or v1's huge number) or the files cannot be read."""
    try:
        limit = limit_file.read_text().strip()
        if limit == "max" or int(limit) >= 2**60:
            return None
        used = int(used_file.read_text())
        stats = dict(line.split() for line in stat_file.read_text().splitlines())
        return max(0, int(limit) - used + int(stats.get(cache, 0)))
    except (OSError, ValueError):
        return None
