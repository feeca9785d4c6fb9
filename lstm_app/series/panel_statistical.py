"""The statistical models on a panel's scoreboard: AutoETS, AutoTheta and AutoARIMA fitted to
each series on its own, exactly as for one series (statistical.py: fitted before the validation
span and before the test span, applied at every origin of that series' windows, then after its
last value), so that they are scored on the LSTM's very windows.

A model is one fit per series, so a panel of thousands takes long: each model has the time limit
``seconds`` for the whole panel, and from its ``PROBE``-th series on, once a twentieth of that
time is spent, the time for all of them is projected after each one (the first series aside,
which pays for compiling the model's code); a
model that would run over is left out at once with a notice saying how long it would have
taken. On the 50 stores AutoARIMA takes about 0.9 s a series (4 s before its order search
became approximate past 150 values): 45 s in all, within the default minute; with the 20
seconds Home's demo gives it, it is left out after its third store, not after 20 s. Where a
model cannot be fitted to a series (too short, constant), the simple rule stands in for it there
(seasonal naive, else naive), as statsforecast's own fallback does, and a notice counts those
series.
"""

from __future__ import annotations

import math
import warnings
from time import perf_counter
from typing import Callable

import numpy as np

from ..i18n import tr
from . import statistical_saved as saved
from .statistical import (STATISTICAL, StatisticalForecasts, _one_model, _Stopped, _TimeUp,
                          how_notice, stopped_notice)

PROBE = 3  # series fitted before a model's time for the whole panel is first projected
# … and the share of its time limit spent first: fit times vary fifty-fold from series to series
# (AutoARIMA on M4 hourly, 0.2 to 10 s), so two slow series early must not decide alone (they
# projected 78 minutes for what takes about 24).
PROBE_SHARE = 0.05
MIN_VALUES = 4  # a series shorter than this keeps the rule's forecast (nothing to fit)


def _by_series(series: np.ndarray, n: int) -> list[np.ndarray]:
    """The window indices of each series, in order (one array per series)."""
    order = np.argsort(series, kind="stable")
    return np.split(order, np.cumsum(np.bincount(series, minlength=n))[:-1])


def panel_statistical(y: np.ndarray, starts: np.ndarray, ends: np.ndarray,
                      val: tuple[np.ndarray, np.ndarray], test: tuple[np.ndarray, np.ndarray],
                      fallback: tuple[np.ndarray, np.ndarray, np.ndarray], horizon: int,
                      season: int | None, seconds: float,
                      on_stage: Callable[[str], None] | None = None,
                      stop=None) -> StatisticalForecasts:
    """Each model's forecasts on the panel's validation and test windows (``val``, ``test``:
    each window's origin row and series) and after each series' last value, ``(windows,
    horizon)`` and ``(series, horizon)``; ``fallback`` holds the simple rule's forecasts on the
    same windows and after each series, for the series a model cannot be fitted to; once
    ``stop`` (an Event) is set, the models not yet fitted are left out."""
    out = StatisticalForecasts()
    n = len(starts)
    if seconds <= 0 or not n:
        return out
    out.key = saved.key("panel", y, starts, ends, *val, *test, *fallback, horizon, season,
                        seconds)
    found = saved.recall(out.key)
    shapes = {"val": (len(val[0]), horizon), "test": (len(test[0]), horizon),
              "future": (n, horizon)}
    fitted = [s for s in range(n) if ends[s] - starts[s] >= MIN_VALUES]
    unfitted = sorted(set(range(n)) - set(fitted))
    if found is not None and found.shaped(shapes):
        found.key = out.key
        for name in found.future:  # saved before the stand-ins were: the short series, known
            found.stood_in.setdefault(name, unfitted)
        return found
    val_of, test_of = _by_series(val[1], n), _by_series(test[1], n)
    # Every series with a few values (``fitted``): one without windows of its own still gets a
    # forecast after its last value (fitted to all of them), as the LSTM gives it one.
    for i, name in enumerate(STATISTICAL):
        label = STATISTICAL[name]
        if on_stage is not None:
            on_stage(tr("Fitting {model} to each of {series:,} series ({number} of {count}) to "
                        "score the LSTM against it", model=label, series=len(fitted),
                        number=i + 1, count=len(STATISTICAL)))
        started = perf_counter()
        try:
            forecasts, failed, how = _one_model_each(
                name, y, starts, ends, fitted, val, test, (val_of, test_of), fallback, horizon,
                season, started, seconds, stop)
        except _Stopped:
            out.notices.append(stopped_notice(list(STATISTICAL.values())[i:]))
            break
        except _TimeUp as up:
            out.notices.append(_time_up_notice(label, seconds, len(fitted), *up.args))
            continue
        out.val[name], out.test[name], out.future[name] = forecasts
        out.labels[name], out.seconds[name] = label, perf_counter() - started
        out.stood_in[name] = sorted(unfitted + failed)
        if failed:
            out.notices.append(tr("{model} could not be fitted to {failed:,} of {series:,} "
                                  "series; the simple rule stands in for it there.", model=label,
                                  failed=len(failed), series=len(fitted)))
        if how:
            out.notices.append(how_notice(label, how))
    else:  # every model tried (no Stop): what a reopened run reads instead of fitting
        saved.keep(out.key, out)
    return out


def _one_model_each(name, y, starts, ends, fitted, val, test, windows_of, fallback, horizon, season,
                    started, seconds, stop) -> tuple[list[np.ndarray], list[int], str]:
    """One model fitted to each series of ``fitted`` in turn: its forecasts on the validation
    and test windows and after each series (the rule's where it cannot be fitted), the series
    it could not be fitted to, and how it was fitted. Raises _TimeUp (with the time
    projected for all series, from the ``PROBE``-th on and a twentieth of the time) or
    _Stopped."""
    forecasts = [np.array(a, dtype=np.float64) for a in fallback]  # val, test, future
    failed, how, warm_up = [], (), 0.0
    for k, s in enumerate(fitted):
        ys, first = y[starts[s]:ends[s]], starts[s]
        v, t = windows_of[0][s], windows_of[1][s]
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                a, b, c, how_s = _one_model(name, ys, val[0][v] - first, test[0][t] - first,
                                            horizon, season, started + seconds, stop)
            if not all(np.isfinite(x).all() for x in (a, b, c)):
                raise ValueError("forecasts that are not numbers")
            forecasts[0][v], forecasts[1][t], forecasts[2][s] = a, b, c
            how = how or how_s
        except (_TimeUp, _Stopped):
            raise
        except Exception:  # statsforecast's refusals: the rule stands in
            failed.append(s)
        elapsed = perf_counter() - started
        if k == 0:
            warm_up = elapsed  # the first series pays for compiling the model's code
        if k + 1 >= PROBE and elapsed >= PROBE_SHARE * seconds and len(fitted) > k + 1:
            projected = warm_up + (elapsed - warm_up) * (len(fitted) - 1) / k
            if projected > seconds:
                raise _TimeUp(projected)
    return forecasts, failed, how


def _time_up_notice(label: str, seconds: float, series: int,
                    projected: float | None = None) -> str:
    """Why the model ``label`` was left out: its time limit, and (when it was projected) how
    long all ``series`` would have taken."""
    values = dict(model=label, seconds=seconds, series=series)
    if projected is not None:
        return tr("{model} was left out of the scoreboard: fitting it to each of the {series:,} "
                  "series would have taken about {duration}, over its {seconds:g}-second limit "
                  "for all of them together (the setting Time for each statistical model).",
                  duration=_duration(projected), **values)
    return tr("{model} was left out of the scoreboard: fitting it to each series took longer "
              "than its {seconds:g}-second limit for all of them together (the setting Time "
              "for each statistical model).", **values)


def _duration(seconds: float) -> str:
    """Rounded up: a time over the limit is never written as the limit itself."""
    return (tr("{minutes:.0f} minutes", minutes=math.ceil(seconds / 60)) if seconds >= 120 else
            tr("{seconds:.0f} seconds", seconds=math.ceil(seconds)))
