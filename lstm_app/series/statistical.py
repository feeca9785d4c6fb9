"""The statistical forecasts on the scoreboard: AutoETS, AutoTheta and AutoARIMA from
statsforecast, scored on exactly the LSTM's windows.

Each model is fitted three times: on the training span, then applied at every validation origin
(what chooses the recommended forecast); on the training and validation spans, then applied at
every test origin (what it is scored on); and on every value, for the forecast after the last. Applied means statsforecast's ``forward``: the
fitted parameters run over the values before the origin, nothing after it is read (MSTL
decomposes those values again at each origin). Two leanings, stated plainly: on the test span
these models were fitted on the validation span as well, which the LSTM used only to choose its
epoch; on the validation span that choice of epoch flatters the LSTM a little.

Seasons longer than ``LONG_SEASON`` steps (52 weeks, 168 hours) make seasonal ETS impossible
(statsforecast, like R's forecast, stops at 24) and seasonal ARIMA slow (a 52-week season on
2,000 weeks ran for more than 14 minutes here): there each of the two is fitted to the series
less its season, by MSTL, which repeats the season. AutoARIMA's search grows with the length of
the series (33 s for 3,400 hourly values here, 2 s for 1,000), so it is fitted to the last ``ARIMA_ROWS`` values
before a span and applied to the last ``APPLY_ROWS`` before each origin (its filter forgets
older values: measured the same to three decimals from 250 values on). Over 150 values or with a
season over 12 steps, AutoARIMA ranks the candidate orders by an approximate likelihood (as R's
auto.arima does by the same rule) and fits only the chosen one exactly: on 47 M4 hourly series
drawn at random, 1.8 s a series instead of 20 to 120 s, and a mean MASE of 0.896 against 0.928
for the exact search (2026-12-04). Each model has a time
limit (``seconds``):
checked after each fit and each origin, so a model that runs over it is left out with a notice
(one fit already under way finishes first).
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from ..i18n import tr, trn

STATISTICAL = {"auto_ets": "AutoETS", "auto_theta": "AutoTheta", "auto_arima": "AutoARIMA"}
LONG_SEASON = 24
ARIMA_ROWS = 1_000
APPLY_ROWS = 500  # at least, and ten seasons
ARIMA_EXACT_ROWS, ARIMA_EXACT_SEASON = 150, 12  # beyond either, the search is approximate


class _TimeUp(Exception):
    pass


class _Stopped(Exception):
    """Stop was pressed while the models were being fitted."""


def stopped_notice(labels: list[str]) -> str:
    names = (tr("{names} and {name}", names=", ".join(labels[:-1]), name=labels[-1])
             if len(labels) > 1 else labels[0])
    return trn("{names} was left out of the scoreboard: Stop was pressed while the statistical "
               "models were being fitted.", "{names} were left out of the scoreboard: Stop was "
               "pressed while the statistical models were being fitted.", len(labels),
               names=names)


def how_notice(label: str, how: tuple) -> str:
    """How the model ``label`` was fitted when that is not plain (``how`` from _one_model)."""
    kind, number = how
    if kind == "mstl":
        return tr("{model} was fitted to the series less its {steps}-step season (MSTL), which "
                  "is repeated.", model=label, steps=number)
    return tr("{model} was fitted to the last {count:,} values before each span.", model=label,
              count=number)


@dataclass
class StatisticalForecasts:
    """Each model's forecasts, ``(origins, horizon)`` on validation and test, ``(horizon,)``
    after the last value; the models left out are in ``notices``."""

    val: dict[str, np.ndarray] = field(default_factory=dict)
    test: dict[str, np.ndarray] = field(default_factory=dict)
    future: dict[str, np.ndarray] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)  # "AutoETS", …
    seconds: dict[str, float] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)
    key: str = ""  # what they were made from (statistical_saved.key): "" when not made
    # Of a panel, per model: the series the simple rule forecast in its place (too short to
    # fit, or the model could not be fitted to it), so that a download names the rule there.
    stood_in: dict[str, list[int]] = field(default_factory=dict)

    def shaped(self, shapes: dict[str, tuple]) -> bool:
        """Whether every forecast has the shape ``shapes`` gives for its span."""
        return all(a.shape == shapes[span] for span in shapes
                   for a in getattr(self, span).values())


def model_for(name: str, season: int | None, length: int = 0):
    """The statsforecast model ``name`` for a series with this season (None or 1: none) fitted
    to ``length`` values, and how it is fitted when that is not plain (``how_notice`` says it;
    () when it is)."""
    from statsforecast.models import MSTL, AutoARIMA, AutoETS, AutoTheta

    m = season if season and season > 1 else 1
    # R's auto.arima rule: over 150 values or a season over 12, the order search ranks the
    # candidates by an approximate likelihood and refits only the chosen one exactly.
    approximate = length > ARIMA_EXACT_ROWS or m > ARIMA_EXACT_SEASON
    if name == "auto_theta":
        return AutoTheta(season_length=m), ()
    long = m > LONG_SEASON
    if name == "auto_ets":
        if long:
            return MSTL(season_length=m, trend_forecaster=AutoETS(model="ZZN")), ("mstl", m)
        return AutoETS(season_length=m), ()
    if name == "auto_arima":
        if long:
            return (MSTL(season_length=m, trend_forecaster=AutoARIMA(approximation=approximate)),
                    ("mstl", m))
        return AutoARIMA(season_length=m, approximation=approximate), ()
    raise ValueError(f"There is no statistical model {name!r}.")


def statistical_forecasts(y: np.ndarray, val_origins: np.ndarray, test_origins: np.ndarray,
                          horizon: int, season: int | None, seconds: float,
                          on_stage: Callable[[str], None] | None = None,
                          stop=None) -> StatisticalForecasts:
    """Every model's forecasts at the given origins (the index of each window's first predicted
    value) of ``y`` (the target in its own units), within ``seconds`` per model (0: none);
    once ``stop`` (an Event) is set, the models not yet fitted are left out."""
    out = StatisticalForecasts()
    if seconds <= 0:
        return out
    from . import statistical_saved as saved  # (it imports this module)

    out.key = saved.key("one series", y, val_origins, test_origins, horizon, season, seconds)
    found = saved.recall(out.key)
    shapes = {"val": (len(val_origins), horizon), "test": (len(test_origins), horizon),
              "future": (horizon,)}
    if found is not None and found.shaped(shapes):
        found.key = out.key
        return found
    for i, name in enumerate(STATISTICAL):
        label = STATISTICAL[name]
        if on_stage is not None:
            on_stage(tr("Fitting {model} ({number} of {count}) to score the LSTM against it",
                        model=label, number=i + 1, count=len(STATISTICAL)))
        started = time.perf_counter()
        try:
            val, test, future, how = _one_model(name, y, val_origins, test_origins, horizon,
                                                season, started + seconds, stop)
        except _Stopped:
            out.notices.append(stopped_notice(list(STATISTICAL.values())[i:]))
            break
        except _TimeUp:
            out.notices.append(tr("{model} was left out of the scoreboard: fitting and applying "
                                  "it at every origin took longer than its {seconds:g}-second "
                                  "limit (Time for each statistical model).", model=label,
                                  seconds=seconds))
            continue
        except Exception as error:  # statsforecast's own refusals: too short, constant, …
            reason = str(error).strip().splitlines()[0][:120] if str(error).strip() else \
                type(error).__name__
            out.notices.append(tr("{model} was left out of the scoreboard: it could not be "
                                  "fitted to this series ({reason}).", model=label,
                                  reason=reason))
            continue
        if not all(np.isfinite(a).all() for a in (val, test, future)):
            out.notices.append(tr("{model} was left out of the scoreboard: its forecasts were "
                                  "not all numbers on this series.", model=label))
            continue
        out.val[name], out.test[name], out.future[name] = val, test, future
        out.labels[name], out.seconds[name] = label, time.perf_counter() - started
        if how:
            out.notices.append(how_notice(label, how))
    else:  # every model tried (no Stop): what a reopened run reads instead of fitting
        saved.keep(out.key, out)
    return out


def _one_model(name, y, val_origins, test_origins, horizon, season, deadline, stop=None):
    """One model fitted before the validation span and applied at its origins, then fitted
    before the test span and applied at its origins, then fitted to every value for the
    forecast after the last (as the forecast a user takes away should be). An empty span is
    skipped (a panel's series may have no window of its own)."""
    def check():
        if stop is not None and stop.is_set():
            raise _Stopped
        if time.perf_counter() > deadline:
            raise _TimeUp

    arima = name == "auto_arima" and not (season or 0) > LONG_SEASON
    fit_rows = ARIMA_ROWS if arima else len(y)
    apply_rows = max(APPLY_ROWS, 10 * (season or 1)) if arima else len(y)

    def fitted(end: int):
        span = y[max(0, end - fit_rows):end]
        model, how = model_for(name, season, len(span))
        model = model.fit(span)
        check()
        return model, how

    def applied(model, origin: int) -> np.ndarray:
        forecast = model.forward(y=y[max(0, origin - apply_rows):origin], h=horizon)["mean"]
        check()
        return np.asarray(forecast, dtype=np.float64)

    spans, model = [], None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # statsforecast's warnings become our notices or nothing
        for origins in (val_origins, test_origins):
            if not len(origins):
                spans.append(np.zeros((0, horizon)))
                continue
            model, how = fitted(int(origins[0]))
            spans.append(np.stack([applied(model, o) for o in origins]).reshape(-1, horizon))
        model, how = fitted(len(y))  # the forecast after the last value reads every value
        future = applied(model, len(y))
    if arima and (int(test_origins[0]) if len(test_origins) else len(y)) > fit_rows:
        how = ("last", fit_rows)
    return spans[0], spans[1], future, how
