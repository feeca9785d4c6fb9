"""Weights as bytes: safetensors that say which epoch they are from, loaded only into the network
the settings describe (names, shapes and dtypes checked first; no pickle is ever read)."""

from __future__ import annotations

import json
from typing import Callable

import torch
from safetensors import SafetensorError
from safetensors.torch import load, save
from torch import nn

from ..i18n import tr
from ..user_json import parse_json

WEIGHTS = "weights.safetensors"


def weights_bytes(model: nn.Module, epoch: int) -> bytes:
    """The model's weights, with the epoch they are from in the file's metadata (a run's history
    may already hold a later epoch whose checkpoint a kill cut short)."""
    tensors = {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    return save(tensors, metadata={"epoch": str(epoch)})


def weights_epoch(blob: bytes) -> int | None:
    """The epoch written in a weights file's metadata, read from its header alone."""
    try:
        size = int.from_bytes(blob[:8], "little")
        header = parse_json(blob[8:8 + size])
    except ValueError:  # not UTF-8, not JSON, or nested too deep
        return None
    epoch = (header.get("__metadata__") or {}).get("epoch") if isinstance(header, dict) else None
    return int(epoch) if isinstance(epoch, str) and epoch.isdigit() else None


def json_bytes(value) -> bytes:
    """A saved model's JSON file (settings, scaler, vocabulary), readable by a person."""
    return json.dumps(value, indent=2, ensure_ascii=False, default=list).encode("utf-8")


def read_json(files: dict[str, bytes], name: str):
    """One JSON file of a saved model, or a ValueError saying which file is missing or broken."""
    if name not in files:
        raise ValueError(tr("The file {name} is missing.", name=name))
    try:
        return parse_json(files[name])
    except ValueError:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise ValueError(tr("The file {name} is not valid JSON.", name=name)) from None


def load_weights(build: Callable[[], nn.Module], blob: bytes) -> nn.Module:
    """``build()`` with the weights of ``blob`` loaded, or a ValueError in plain words.

    The network is first built on the meta device (shapes only, no memory, so a hostile size
    costs nothing) and the file's tensor names, shapes and dtypes are checked against it.
    """
    try:
        weights = load(blob)
    except (SafetensorError, ValueError, RuntimeError, OSError) as error:
        raise ValueError(tr("The weights are not a valid safetensors file ({reason}); no other "
                            "format (such as a pickle) is ever loaded.",
                            reason=str(error)[:80])) from None
    with torch.device("meta"):
        expected = {k: (tuple(v.shape), v.dtype) for k, v in build().state_dict().items()}
    if set(weights) != set(expected):
        odd = sorted(set(weights) ^ set(expected))[:4]
        raise ValueError(tr("The weights do not belong to the network the settings describe "
                            "(tensors {names} differ).", names=", ".join(odd)))
    for name, (shape, dtype) in expected.items():
        got = weights[name]
        if tuple(got.shape) != shape or got.dtype != dtype:
            raise ValueError(tr("The weight {name} is {got}, but the network the settings "
                                "describe needs {needed}.", name=f"'{name}'",
                                got=f"{tuple(got.shape)} {got.dtype}", needed=f"{shape} {dtype}"))
    model = build()
    model.load_state_dict(weights)
    return model.eval()
