"""How "auto" chooses one series' lookback and horizon (from its season, its length and the
plan of the columns known ahead), how long a lookback an auto-tune may try, and the sentences
that say which was chosen from what."""

from __future__ import annotations

from dataclasses import replace

from ..i18n import N_, tr, trn
from ..quoting import listed
from .known import planned_steps
from .loading import SeriesData
from .settings import ForecastConfig

MAX_AUTO_LOOKBACK = 336


def auto_horizon(n: int, season: int | None) -> int:
    """The horizon "auto" chooses for ``n`` values before any plan: the season where ten fit,
    else a twentieth of the values (1 to 24)."""
    return season if season and season <= n // 10 else max(1, min(24, n // 20))


def resolve_window(series: SeriesData, config: ForecastConfig) -> tuple[int, int]:
    """Numbers for ``lookback`` and ``horizon``; "auto" follows the season and the data length,
    and reaches no further than the rows after the last value plan the columns known ahead
    (where they plan any: else the plan's blanks are asked for)."""
    n, season = len(series.frame), series.season_length
    train_rows = n * (1 - _fraction(config.val_size, n) - _fraction(config.test_size, n))
    horizon = config.horizon
    if horizon == "auto":
        horizon = auto_horizon(n, season)
        if config.known_covariates:
            horizon = planned_steps(series, config, horizon) or horizon
    lookback = config.lookback
    if lookback == "auto":
        # Two seasons, or one horizon when that is longer, up to 336 steps: beyond that an
        # LSTM learns little more and each epoch gets slow.
        wanted = max(2 * season if season else 10, min(horizon, MAX_AUTO_LOOKBACK))
        lookback = int(max(2, min(wanted, (train_rows - horizon) // 2)))
    return int(lookback), int(horizon)


def lookback_by_horizon(series: SeriesData, config: ForecastConfig):
    """How "auto" chooses the lookback for each horizon (a shorter horizon leaves room for a
    longer lookback), for advice on a horizon that fits; None where the lookback is the user's."""
    if config.lookback != "auto" and "lookback" not in config.suggested:
        return None
    return lambda horizon: resolve_window(series, replace(config, lookback="auto",
                                                          horizon=horizon))[0]


def longest_lookback(series: SeriesData, config: ForecastConfig) -> int:
    """The longest lookback an auto-tune tries: as long as "auto" could choose, so that at least
    as many training windows remain as the lookback is long."""
    n = len(series.frame)
    train_rows = n * (1 - _fraction(config.val_size, n) - _fraction(config.test_size, n))
    return int(max(2, (train_rows - int(config.horizon)) // 2))


def _fraction(size: float, n: int) -> float:
    return size if size < 1 else size / n


CHOSEN = {  # (the window settings chosen for the user, from what) -> the sentence
    (("lookback", "horizon"), "season"): N_("Lookback {lookback} and horizon {horizon} were "
                                            "chosen from the detected season of {season} "
                                            "steps."),
    (("lookback", "horizon"), "length"): N_("Lookback {lookback} and horizon {horizon} were "
                                            "chosen from the length of the data."),
    (("lookback",), "season"): N_("Lookback {lookback} was chosen from the detected season of "
                                  "{season} steps."),
    (("lookback",), "length"): N_("Lookback {lookback} was chosen from the length of the data."),
    (("horizon",), "season"): N_("Horizon {horizon} was chosen from the detected season of "
                                 "{season} steps."),
    (("horizon",), "length"): N_("Horizon {horizon} was chosen from the length of the data."),
}


def _planned_horizon(config: ForecastConfig) -> str:
    """The sentence for a horizon chosen for the user that the plan cut short."""
    return trn("Horizon {horizon} was chosen from the plan, which gives {columns} for {count} "
               "step after the last value.", "Horizon {horizon} was chosen from the plan, which "
               "gives {columns} for {count} steps after the last value.", config.horizon,
               horizon=config.horizon, columns=listed(config.known_covariates))


def chosen_notices(series: SeriesData, config: ForecastConfig) -> list[str]:
    """The sentences for the window settings chosen for the user (a horizon typed in is the
    user's own), each said to come from the season only where the season gave it
    (``resolve_window``'s rules), or from the plan."""
    chosen = tuple(name for name in ("lookback", "horizon") if name in config.suggested)
    season, n = series.season_length, len(series.frame)
    auto = auto_horizon(n, season)
    source = {"horizon": "plan" if config.horizon != auto else
              "season" if season and auto == season else "length",
              "lookback": "season" if season and config.lookback == max(
                  2 * season, min(config.horizon, MAX_AUTO_LOOKBACK)) else "length"}
    groups = ([chosen] if len({source[name] for name in chosen}) == 1
              else [(name,) for name in chosen])
    return [_planned_horizon(config) if source[group[0]] == "plan" else
            tr(CHOSEN[group, source[group[0]]], lookback=config.lookback,
               horizon=config.horizon, season=season) for group in groups]
