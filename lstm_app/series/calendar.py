"""Inputs known from the time index alone, for any time, past or future.

Calendar inputs: where in the day, week and year each step falls, as sine and cosine pairs (so
that 23:00 sits next to 00:00 and December next to January). The cycles shorter than the data's
step are left out (an hourly series gets the hour, weekday and day of the year; a monthly one
only the month), and so are the cycles the data do not cover ``WHOLE`` times: with 38 weeks of
daily sales the training span never sees the spring, and a day-of-year input there only teaches
the network to read dates it meets for the first time in the test span (on the stores sample it
stopped training at epoch 8 and lost to seasonal naive: panel MASE 0.89 against 0.75 without).

Public holidays, from the ``holidays`` package: a country code with an optional region after a
hyphen ("DE", "CN", "US-CA", "DE-BY"). A step of a day or less reads 1 on a holiday and 0
otherwise; a longer step (a week, a month) counts the holidays it holds.
"""

from __future__ import annotations

import functools
import re

import holidays
import numpy as np
import pandas as pd
from pandas.tseries.frequencies import to_offset
from pandas.tseries.offsets import (BQuarterEnd, BusinessDay, BusinessMonthEnd, BYearEnd,
                                    MonthEnd, QuarterEnd, Tick, YearEnd)

from ..i18n import LOCALES, N_, language, sayable, tr, trn

# The inputs' names (they name the network's inputs: never translated) are sentences of the
# catalog too, for the notice that some were left out.
CYCLES = {"hour": N_("time of day"), "weekday": N_("day of week"), "yearday": N_("day of year"),
          "month": N_("month of year")}
CALENDAR_NAMES = [f"{words} ({wave})" for words in CYCLES.values() for wave in ("sine", "cosine")]
PERIODS = {"hour": pd.Timedelta(days=1), "weekday": pd.Timedelta(days=7),
           "yearday": pd.Timedelta(days=365.25), "month": pd.Timedelta(days=365.25)}
WHOLE = 1.5  # periods the data must span for a cycle: the training span (70%) then sees it all
# Each cycle's place in [0, 1) is (variable - offset) / period, the variable read from the
# step's time (pandas' names; export.json says them in words for programs outside the app).
PHASES = {"hour": ("minute_of_day", 0, 1440), "weekday": ("day_of_week", 0, 7),
          "yearday": ("day_of_year", 1, 366), "month": ("month", 1, 12)}
VARIABLES = {
    "minute_of_day": (lambda t: t.hour * 60 + t.minute,
                      "the step's hour * 60 + its minute (0 to 1439; seconds ignored)"),
    "day_of_week": (lambda t: t.day_of_week, "Monday 0, Tuesday 1, ... Sunday 6"),
    "day_of_year": (lambda t: t.day_of_year,
                    "the date's day of its year: 1 on 1 January ... 365, or 366 on 31 December "
                    "of a leap year"),
    "month": (lambda t: t.month, "January 1 ... December 12")}
WAVES = {"sin": "sine", "cos": "cosine"}


def _cycles(freq: str) -> list[str]:
    step = _step(freq)  # a calendar month counts as its 31 days: the year is what it sees
    cycles = []
    if step < pd.Timedelta(days=1):
        cycles.append("hour")
    if step < pd.Timedelta(days=7):
        cycles.append("weekday")
    if step < pd.Timedelta(days=28):
        cycles.append("yearday")
    elif step < pd.Timedelta(days=365):
        cycles.append("month")
    return cycles  # a yearly series: every step at the same place in the calendar


def _step(freq: str) -> pd.Timedelta:
    two = pd.date_range("2024-01-01", periods=2, freq=freq)
    return two[1] - two[0]


def calendar_cycles(freq: str | None, times: pd.DatetimeIndex) -> int:
    """How many of the cycles the step can see the data at ``times`` cover ``WHOLE`` times
    (the shorter cycles first: those are the ones kept)."""
    if freq is None or not len(times):
        return 0
    step = _step(freq)
    span = pd.Timestamp(times.max()) - pd.Timestamp(times.min()) + step
    # Half a step of slack: 18 months are a year and a half whichever months (and leap days)
    # they hold.
    return sum(span >= WHOLE * PERIODS[cycle] - step / 2 for cycle in _cycles(freq))


@sayable
def calendar_left_out(freq: str | None, read: int) -> str:
    """A sentence naming the calendar cycles the step could see but the data did not cover
    (all but the first ``read``), or "" when none was left out."""
    left = [tr(CYCLES[cycle]) for cycle in (_cycles(freq)[read:] if freq else [])]
    if not left:
        return ""
    if language() == "zh":  # 一天中的时刻、一周中的星期和一年中的日期
        cycles = "、".join(left[:-1]) + ("和" if len(left) > 1 else "") + left[-1]
    else:
        cycles = " and the ".join(left)
    return trn("The calendar inputs leave out the {cycles}: the data cover less than one and a "
               "half of its cycles, too little to learn it from.",
               "The calendar inputs leave out the {cycles}: the data cover less than one and a "
               "half of their cycles, too little to learn them from.", len(left), cycles=cycles)


def calendar_features(times: pd.DatetimeIndex, freq: str, cycles: int | None = None) -> np.ndarray:
    """``(len(times), 2 × cycles)`` in [-1, 1]: a sine and a cosine for each of the first
    ``cycles`` cycles the step can see (all of them when None)."""
    times = pd.DatetimeIndex(times)
    kept = _cycles(freq)[:cycles]
    if not kept:
        return np.zeros((len(times), 0))
    phase = 2 * np.pi * np.stack([_phase(times, c) for c in kept], axis=1)
    return np.concatenate([np.sin(phase), np.cos(phase)], axis=1)


def _phase(times: pd.DatetimeIndex, cycle: str) -> np.ndarray:
    """Where in ``cycle`` each time falls, in [0, 1): (variable - offset) / period."""
    variable, offset, period = PHASES[cycle]
    return (np.asarray(VARIABLES[variable][0](times), dtype=np.float64) - offset) / period


def calendar_rules(freq: str | None, cycles: int | None = None) -> list[dict]:
    """How each of ``calendar_features``' columns is computed, for a program outside the app
    (export.json): its name, a numpy expression of one variable of the step's time (the
    formula ``calendar_features`` computes, made from the same table) and that variable's
    meaning."""
    kept = _cycles(freq)[:cycles] if freq else []
    rules = []
    for wave in ("sin", "cos"):
        for cycle in kept:
            variable, offset, period = PHASES[cycle]
            shifted = f"({variable} - {offset})" if offset else variable
            rules.append({"name": f"{CYCLES[cycle]} ({WAVES[wave]})",
                          "formula": f"{wave}(2*pi*{shifted}/{period})",
                          "variable": variable, "variable_is": VARIABLES[variable][1]})
    return rules


def cycles_read(inputs) -> int:
    """How many calendar cycles a network reads among its ``inputs`` (a sine and a cosine each)."""
    return sum(name in CALENDAR_NAMES for name in inputs) // 2


def calendar_names(freq: str | None, cycles: int | None = None) -> list[str]:
    """The names of ``calendar_features``' columns, in order ("day of week (sine)", …)."""
    kept = _cycles(freq)[:cycles] if freq else []
    return [f"{CYCLES[c]} (sine)" for c in kept] + [f"{CYCLES[c]} (cosine)" for c in kept]


def calendar_count(freq: str | None, cycles: int | None = None) -> int:
    """How many columns ``calendar_features`` gives for ``freq`` (0 without dates)."""
    return len(calendar_names(freq, cycles))


def check_holidays(code: str) -> str:
    """The country (and region) ``code`` as the ``holidays`` package writes it, whatever its
    case ("cn" is CN, "de-by" DE-BY); one the package does not know refused in one sentence."""
    country, _, region = code.strip().partition("-")
    country = country.upper()
    known = holidays.list_supported_countries()
    if country not in known:
        raise ValueError(tr("'{code}' is not a country the holidays calendar knows; give a "
                            "two-letter country code such as DE, CN, US or GB (a region after a "
                            "hyphen: US-CA, DE-BY).", code=code))
    if not region:
        return country
    spelt = {r.casefold(): r for r in known[country]}
    if region.casefold() in spelt:
        return f"{country}-{spelt[region.casefold()]}"
    if not known[country]:
        raise ValueError(tr("The holidays calendar has no regions of {country}: give {country} "
                            "alone.", country=country))
    raise ValueError(tr("'{region}' is not a region of {country} the holidays calendar knows; "
                        "choose one of: {regions}.", region=region, country=country,
                        regions=", ".join(known[country])))  # all: codes are short


def holiday_choices() -> dict[str, str]:
    """Every country and region the ``holidays`` package knows, code → "Germany, BY (DE-BY)"
    (in Chinese "德国，BY（DE-BY）", the country named by Babel's CLDR data), by English name;
    "" (none) first. The codes are the same in every language."""
    return _holiday_choices(language())


@functools.cache  # the same ~900 choices on every page rerun, once per language
def _holiday_choices(lang: str) -> dict[str, str]:
    from holidays import registry  # the package's own table of countries and their names

    names = {entry[1]: key.replace("_", " ").title() for key, entry in registry.COUNTRIES.items()}
    own = {} if lang == "en" else _territories(LOCALES[lang])
    choices = {"": tr("none")}
    supported = holidays.list_supported_countries()
    for code in sorted((c for c in supported if c in names), key=names.get):  # not alpha-3 too
        name, regions = own.get(code) or names[code], supported[code]
        choices[code] = tr("{country} ({code})", country=name, code=code)
        choices.update({f"{code}-{r}": tr("{country}, {region} ({code})", country=name, region=r,
                                          code=f"{code}-{r}") for r in regions})
    return choices


def _territories(locale: str) -> dict[str, str]:
    """The countries' names in ``locale`` ("zh_CN": code → 德国), from Babel's CLDR data."""
    from babel import Locale
    return dict(Locale.parse(locale).territories)


def holiday_name(code: str) -> str:
    """The holiday input's name (it names the network's input and the plan's column: the same
    in every language)."""
    return f"public holiday ({code})"


def holiday_label(code: str) -> str:
    """The holiday input's name as the reader sees it (a table's header)."""
    return tr("public holiday ({code})", code=code)


def shown_column(column: str) -> str:
    """A plan's column as the reader sees it: the holiday input (``holiday_name``) in the
    reader's language, any other as it is."""
    found = re.fullmatch(r"public holiday \(([A-Z]{2}(?:-[A-Z0-9]{1,3})?)\)", str(column))
    return holiday_label(found[1]) if found else column


END_ANCHORED = (MonthEnd, QuarterEnd, YearEnd, BusinessMonthEnd, BQuarterEnd, BYearEnd)


def holiday_counts(times: pd.DatetimeIndex, freq: str, code: str) -> np.ndarray:
    """``(len(times),)``: how many public holidays of ``code`` each step holds. A step of a day
    or less, or of a business day, reads 1 on a holiday (its date's); a longer step counts the
    days of its period: from its date to the next step's for a step named by its start (a week
    of W-MON, a month of MS), from the step before it for one named by its end (ME, QE, YE)."""
    code = check_holidays(code)
    times = pd.DatetimeIndex(times)
    if not len(times):
        return np.zeros(0)
    offset, period = to_offset(freq), holiday_period(freq)
    if period == "since previous step":  # the period (previous end, this end]
        first, last = times - offset + pd.Timedelta(days=1), times + pd.Timedelta(days=1)
    else:
        first, last = times, times + (pd.Timedelta(days=1) if period == "day" else offset)
    first, last = first.normalize(), last.normalize()
    days = pd.date_range(min(first.min(), times.min().normalize()), last.max(), freq="D")
    country, _, region = code.partition("-")
    calendar = holidays.country_holidays(country, subdiv=region or None,
                                         years=range(days[0].year, days[-1].year + 1))
    is_holiday = np.fromiter((d in calendar for d in days.date), dtype=bool, count=len(days))
    counts = np.concatenate([[0], np.cumsum(is_holiday)])   # holidays before each day
    start, end = (first - days[0]).days, (last - days[0]).days
    return (counts[end] - counts[start]).astype(np.float64)


# The days whose holidays a step counts, by ``holiday_period``: [first, last) as dates.
HOLIDAY_PERIODS = {
    "day": "the step's own date: 1 if it is a public holiday, else 0",
    "until next step": "the dates from the step's date up to the next step's date (that one "
                       "excluded)",
    "since previous step": "the dates after the previous step's date up to the step's date "
                           "(that one included)"}


def holiday_period(freq: str) -> str:
    """Which days a step of ``freq`` counts the holidays of (a key of ``HOLIDAY_PERIODS``): a
    step of a day or less, or a business day, its own date; a step named by its end (ME, QE,
    YE) the days since the step before it; any other longer step the days until the next."""
    offset = to_offset(freq)
    if isinstance(offset, END_ANCHORED):
        return "since previous step"
    one_day = isinstance(offset, BusinessDay) or (isinstance(offset, Tick)
                                                  and pd.Timedelta(offset) <= pd.Timedelta(days=1))
    return "day" if one_day else "until next step"


def holiday_rule(freq: str, code: str) -> dict:
    """How the holiday input is computed, for a program outside the app (export.json)."""
    code = check_holidays(code)
    country, _, region = code.partition("-")
    period = holiday_period(freq)
    return {"name": holiday_name(code),
            "formula": "count of the days in the period that are public holidays in "
                       f"holidays.country_holidays({country!r}, subdiv={region or None!r})",
            "country": country, "subdivision": region or None, "period": period,
            "period_is": HOLIDAY_PERIODS[period],
            "source": "the Python package 'holidays' (pip install holidays)"}


def date_rules(freq: str | None, cycles: int, holidays: str | None) -> list[dict]:
    """How each input read from the dates alone is computed (``calendar_rules`` for the first
    ``cycles`` cycles, then ``holiday_rule`` with a country code), in the network's order."""
    return calendar_rules(freq, cycles) + ([holiday_rule(freq, holidays)] if holidays else [])
