"""The statistical forecasts kept, so that a run reopens without fitting its models again.

The forecasts of AutoETS, AutoTheta and AutoARIMA depend on the data, the origins, the horizon,
the season and the time limit, never on the LSTM: ``key`` fingerprints those. A fit's forecasts
are kept in this process under their key (the last ``KEEP`` of them), and saved with a run as
``statistical.safetensors`` (the arrays, with the key, the names, the seconds and the notices as
metadata). Reopening a run hands that file to ``remember``; the next fit with the same key
reads it instead of fitting. A file that is damaged, crafted or made for other data is simply
not used: the models are fitted again.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections import OrderedDict

import numpy as np
from safetensors.numpy import load, save

from ..i18n import language, said_all, said_forms, tr
from .statistical import STATISTICAL, StatisticalForecasts

FILE = "statistical.safetensors"
KEEP = 16
SPANS = ("val", "test", "future")
_kept: OrderedDict[str, StatisticalForecasts] = OrderedDict()


def key(*parts) -> str:
    """A fingerprint of what the forecasts are made from (arrays and plain values), and of the
    language their notices are written in (kept forecasts carry their notices)."""
    from statsforecast import __version__ as version

    digest = hashlib.sha256(version.encode() + language().encode())
    for part in parts:
        if isinstance(part, np.ndarray):
            digest.update(str((part.dtype, part.shape)).encode())
            digest.update(np.ascontiguousarray(part).tobytes())
        else:
            digest.update(repr(part).encode())
    return digest.hexdigest()


def _copy(forecasts: StatisticalForecasts) -> StatisticalForecasts:
    """A copy whose dicts and lists the caller may change (the arrays are not changed)."""
    return StatisticalForecasts(dict(forecasts.val), dict(forecasts.test), dict(forecasts.future),
                                dict(forecasts.labels), dict(forecasts.seconds),
                                list(forecasts.notices), stood_in=dict(forecasts.stood_in))


def recall(fingerprint: str) -> StatisticalForecasts | None:
    found = _kept.get(fingerprint)
    return None if found is None else _copy(found)


def keep(fingerprint: str, forecasts: StatisticalForecasts) -> None:
    _kept[fingerprint] = _copy(forecasts)
    _kept.move_to_end(fingerprint)
    while len(_kept) > KEEP:
        _kept.popitem(last=False)


def file_bytes(fingerprint: str) -> bytes | None:
    """The forecasts kept under ``fingerprint`` as the file a run saves (None: none kept)."""
    found = _kept.get(fingerprint)
    if found is None:
        return None
    arrays = {f"{span}/{name}": np.ascontiguousarray(getattr(found, span)[name])
              for span in SPANS for name in getattr(found, span)}
    meta = {"key": fingerprint, "labels": found.labels, "seconds": found.seconds,
            "notices": found.notices, "notices_said": said_forms(found.notices),
            "stood_in": found.stood_in}
    return save(arrays, metadata={"meta": json.dumps(meta)})


def remember(blob: bytes) -> None:
    """Keep the forecasts of a saved file (a run being reopened); ignore one that does not
    hold them as this module writes them."""
    try:
        arrays = load(blob)
        meta = json.loads(_metadata(blob)["meta"])
        names = set(meta["labels"])
        forecasts = StatisticalForecasts(
            *({name: arrays[f"{span}/{name}"].astype(np.float64) for name in names}
              for span in SPANS),
            labels={k: STATISTICAL[k] for k in names},
            seconds={k: float(meta["seconds"][k]) for k in names},
            notices=said_all([str(n)[:500] for n in meta["notices"]][:20],
                             meta.get("notices_said")),
            stood_in={k: _series_numbers(meta.get("stood_in", {})[k])
                      for k in names if k in meta.get("stood_in", {})})
        usable = (isinstance(meta["key"], str) and len(meta["key"]) == 64
                  and set(arrays) == {f"{s}/{n}" for s in SPANS for n in names}
                  and all(np.isfinite(a).all() for a in arrays.values()))
    except Exception:  # whatever a damaged or crafted file makes the readers raise
        return
    if usable:
        keep(meta["key"], copy.copy(forecasts))


def _series_numbers(values) -> list[int]:
    """A saved list of series numbers, checked (a crafted one raises: the file is not used)."""
    if not isinstance(values, list) or not all(
            type(s) is int and 0 <= s < 2**31 for s in values):
        raise ValueError(tr("not a list of series numbers"))
    return values


def _metadata(blob: bytes) -> dict:
    """The string metadata of a safetensors file (its JSON header's __metadata__)."""
    size = int.from_bytes(blob[:8], "little")
    return json.loads(blob[8:8 + size])["__metadata__"]
