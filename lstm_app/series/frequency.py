"""Owns the time axis of a series: frequency inference, the regular grid, season length (reading
the dates themselves is dates.py's)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from pandas.tseries.frequencies import to_offset

from lstm_app.i18n import N_, language, tr
from pandas.tseries.offsets import (
    MonthBegin,
    MonthEnd,
    QuarterBegin,
    QuarterEnd,
    Tick,
    YearBegin,
    YearEnd,
)

MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
WEEKDAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
WEEKDAY_NAMES = ("Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays", "Sundays")
# A frequency's label stays English in the data (saved with a run, in REPORT.json); these are
# its words for a reader (``frequency_words``).
FREQUENCY_WORDS = {"hourly": N_("hourly"), "daily": N_("daily"), "business-day": N_("business-day"),
                   "monthly": N_("monthly"), "quarterly": N_("quarterly"), "yearly": N_("yearly"),
                   "every minute": N_("every minute"), "every second": N_("every second"),
                   "row order (no time column)": N_("row order (no time column)")}
WEEKLY_WORDS = dict(zip(WEEKDAY_NAMES, (N_("weekly (Mondays)"), N_("weekly (Tuesdays)"),
                                        N_("weekly (Wednesdays)"), N_("weekly (Thursdays)"),
                                        N_("weekly (Fridays)"), N_("weekly (Saturdays)"),
                                        N_("weekly (Sundays)"))))
EVERY_WORDS = {"years": N_("every {count} years"), "months": N_("every {count} months"),
               "days": N_("every {count} days"), "hours": N_("every {count} hours"),
               "minutes": N_("every {count} minutes"), "seconds": N_("every {count} seconds")}
MONTH_WORDS = (N_("Jan"), N_("Feb"), N_("Mar"), N_("Apr"), N_("May"), N_("Jun"), N_("Jul"),
               N_("Aug"), N_("Sep"), N_("Oct"), N_("Nov"), N_("Dec"))
# Quarter-end anchors by (0-based month % 3): pandas names a quarterly cycle after its last month.
QUARTER_END_ANCHOR = {2: "DEC", 1: "NOV", 0: "OCT"}
ACF_MIN_PEAK = 0.3  # below this an autocorrelation peak is too weak to call a season
ACF_MIN_RISE = 0.2  # a peak must rise this much above the trough before it (not just noise)

_MONTH_FAMILY = (MonthBegin, MonthEnd, QuarterBegin, QuarterEnd, YearBegin, YearEnd)
_END_ANCHORED = (MonthEnd, QuarterEnd, YearEnd)


def most_common_step(index: pd.DatetimeIndex) -> pd.Timedelta:
    """The most common spacing between consecutive distinct timestamps (ties: the smallest).

    Calendar months, quarters and years vary in length (28-31 days ...), so each of those
    ranges counts as one spacing; otherwise a few months could outvote them with a stray step.
    """
    index = pd.DatetimeIndex(index).dropna()
    stamps = np.unique(index.asi8)
    if len(stamps) < 2:
        raise ValueError(tr("At least two distinct timestamps are needed to find the spacing of "
                            "a series."))
    steps = pd.to_timedelta(np.diff(stamps), unit=index.unit)
    for low, high in ((28, 31), (89, 92), (365, 366)):
        steps = steps.where(~((steps >= pd.Timedelta(days=low)) & (steps <= pd.Timedelta(days=high))),
                            pd.Timedelta(days=high))
    values, counts = np.unique(steps.asi8, return_counts=True)
    # np.unique sorts ascending and argmax returns the first maximum, so ties go to the smaller step.
    return pd.Timedelta(int(values[np.argmax(counts)]), unit=steps.unit)


def infer_frequency(index: pd.DatetimeIndex) -> tuple[str, str]:
    """(pandas offset alias, plain-words label) of a DatetimeIndex, robust to gaps and a few odd points.

    The most common spacing decides the family; calendar rules then pick the anchor:
    28+ days -> months (start vs end of month, quarters, years), 7 days -> weekly on the
    most common weekday, 1 day -> business days when no weekend date occurs, else fixed steps.
    """
    index = pd.DatetimeIndex(index).dropna().unique().sort_values()
    step = most_common_step(index)
    if step >= pd.Timedelta(days=28):
        return _month_family_frequency(index)
    if step == pd.Timedelta(days=7):
        weekday = int(pd.Series(index.day_of_week).mode().iloc[0])
        return f"W-{WEEKDAYS[weekday]}", f"weekly ({WEEKDAY_NAMES[weekday]})"
    if step == pd.Timedelta(days=1) and _looks_like_business_days(index):
        return "B", "business-day"
    return _fixed_step_frequency(step)


def _looks_like_business_days(index: pd.DatetimeIndex) -> bool:
    # No Saturday or Sunday at all, and at least one Friday -> Monday jump that shows weekends were skipped.
    weekdays = index.day_of_week
    if (weekdays >= 5).any():
        return False
    days = index.normalize()
    jumps = (days[1:] - days[:-1]) == pd.Timedelta(days=3)
    return bool((jumps & (weekdays[:-1] == 4)).any())


def _month_family_frequency(index: pd.DatetimeIndex) -> tuple[str, str]:
    month_numbers = index.year * 12 + index.month - 1  # 0-based months since year 0
    month_steps = np.diff(month_numbers.to_numpy())
    month_steps = month_steps[month_steps > 0]
    n_months = int(pd.Series(month_steps).mode().min()) if len(month_steps) else 1
    end_anchored = index.is_month_end.mean() > index.is_month_start.mean()
    phase = int(pd.Series(month_numbers % 12).mode().iloc[0])  # most common calendar month, 0-based
    suffix = "E" if end_anchored else "S"
    if n_months == 1:
        return f"M{suffix}", "monthly"
    if n_months == 3:
        anchor = QUARTER_END_ANCHOR[phase % 3] if end_anchored else MONTHS[phase % 3]
        return f"Q{suffix}-{anchor}", "quarterly"
    if n_months % 12 == 0:
        years = n_months // 12
        alias = f"Y{suffix}-{MONTHS[phase]}"
        return (alias, "yearly") if years == 1 else (f"{years}{alias}", f"every {years} years")
    return f"{n_months}M{suffix}", f"every {n_months} months"


def _fixed_step_frequency(step: pd.Timedelta) -> tuple[str, str]:
    # Express the step in the largest unit that divides it exactly.
    for unit, alias, word, single in (
        (pd.Timedelta(days=1), "D", "days", "daily"),
        (pd.Timedelta(hours=1), "h", "hours", "hourly"),
        (pd.Timedelta(minutes=1), "min", "minutes", "every minute"),
        (pd.Timedelta(seconds=1), "s", "seconds", "every second"),
    ):
        if step % unit == pd.Timedelta(0):
            count = int(step // unit)
            return (alias, single) if count == 1 else (f"{count}{alias}", f"every {count} {word}")
    return to_offset(step).freqstr, f"every {step}"


def snap_to_grid(index: pd.DatetimeIndex, freq: str) -> pd.DatetimeIndex:
    """Move each timestamp onto the regular grid of `freq` (same length and order as `index`).

    Months, quarters and years snap within their own period (15 Jan 2020 -> 1 Jan 2020 for "MS",
    -> 31 Jan 2020 for "ME"); other frequencies snap to the nearest grid slot.
    """
    index = pd.DatetimeIndex(index)
    offset = to_offset(freq)
    if isinstance(offset, Tick):
        start, step = index.min(), pd.Timedelta(offset)
        slots = int(round((index.max() - start) / step)) + 1
        grid = pd.date_range(start, periods=slots, freq=offset)
    else:
        index = index.normalize()  # calendar grids sit at midnight
        if isinstance(offset, _MONTH_FAMILY):
            base = offset.base
            index = (index - base) + base if isinstance(offset, _END_ANCHORED) else (index + base) - base
        grid = pd.date_range(index.min(), index.max() + offset, freq=offset)
    positions = grid.get_indexer(index, method="nearest")
    return pd.DatetimeIndex(grid[positions])


def regular_grid(index: pd.DatetimeIndex, freq: str) -> pd.DatetimeIndex:
    """Every slot of `freq` from the first to the last timestamp of an index already on the grid."""
    return pd.date_range(index.min(), index.max(), freq=freq, name=index.name)


def season_length_for(freq: str | None, values: np.ndarray) -> int | None:
    """Season length in steps: the calendar default for `freq`, else detected from the autocorrelation.

    Calendar defaults: hourly 24, daily 7, business-day 5, weekly 52, monthly 12, quarterly 4,
    yearly None; minutes and seconds: one day of steps when that is at most 288 steps and the
    series holds two days, else one hour. Without a calendar default (row order, odd steps),
    the highest clear ACF peak of the detrended values is used.
    """
    values = np.asarray(values, dtype=float)
    if freq is not None:
        season = _calendar_season(to_offset(freq), len(values))
        if unseen_season(freq, len(values)):
            return None  # fewer values than two seasons: no season to see or repeat
        if season is not None or isinstance(to_offset(freq), (YearBegin, YearEnd)):
            return season
    return _acf_season(values)


def unseen_season(freq: str | None, n_values: int) -> int | None:
    """The calendar season (in steps) that ``n_values`` values are too few to hold twice, so
    that it is not used; None when the data holds it (or there is none)."""
    if freq is None:
        return None
    season = _calendar_season(to_offset(freq), n_values)
    return season if season is not None and n_values < 2 * season else None


def _calendar_season(offset, n_values: int) -> int | None:
    name, n = offset.rule_code, offset.n  # e.g. "h" and 6 for "6h"
    if name == "min":
        # One day of steps when that stays short enough to learn, else one hour.
        per_day = 1440 // n if 1440 % n == 0 else None
        if per_day is not None and per_day <= 288 and n_values >= 2 * per_day:
            return per_day
        return 60 // n if 60 % n == 0 and 60 // n >= 2 else None
    if name == "s":
        return 60 // n if 60 % n == 0 and 60 // n >= 2 else None
    per_cycle = {"h": 24, "D": 7, "B": 5, "MS": 12, "ME": 12}.get(name)
    if name.startswith("W-"):
        per_cycle = 52
    elif name.startswith(("QS-", "QE-")):
        per_cycle = 4
    if per_cycle is None or per_cycle % n or per_cycle // n < 2:
        return None
    return per_cycle // n


def _acf_season(values: np.ndarray) -> int | None:
    values = values[np.isfinite(values)]
    n = len(values)
    max_lag = n // 3
    if max_lag < 3:
        return None
    # Remove a straight-line trend first: a trend alone makes every lag look correlated.
    steps = np.arange(n)
    values = values - np.polyval(np.polyfit(steps, values, 1), steps)
    acf = _autocorrelation(values, max_lag)
    if acf is None:
        return None
    peaks = [lag for lag in _clear_peaks(acf) if acf[lag] >= ACF_MIN_PEAK]
    if not peaks:
        return None
    best = max(acf[lag] for lag in peaks)
    # Of nearly equal peaks take the shortest lag: the longer ones are usually its multiples.
    return _refine_peak(acf, min(lag for lag in peaks if acf[lag] >= best - 0.05))


def _refine_peak(acf: np.ndarray, lag: int) -> int:
    """Centre of a parabola fitted around a peak: the top of an ACF peak is flat, so noise alone
    can move its highest point by several lags; the fit over the whole cap averages that out."""
    half_width = max(2, lag // 8)
    lags = np.arange(max(1, lag - half_width), min(len(acf), lag + half_width + 1))
    curve, slope, _ = np.polyfit(lags, acf[lags], 2)
    if curve >= 0:
        return lag  # not a cap shape after all: keep the raw maximum
    centre = -slope / (2 * curve)
    return int(round(centre)) if lags[0] <= centre <= lags[-1] else lag


def _autocorrelation(values: np.ndarray, max_lag: int) -> np.ndarray | None:
    """Biased sample ACF for lags 0..max_lag via FFT (O(n log n))."""
    centered = values - values.mean()
    size = 1 << (2 * len(centered) - 1).bit_length()  # zero-pad so the correlation does not wrap
    spectrum = np.fft.rfft(centered, size)
    acov = np.fft.irfft(spectrum * np.conj(spectrum), size)[: max_lag + 1]
    if acov[0] <= 1e-12 * float(np.abs(values).max()) ** 2:
        return None  # constant series (its spread rounding noise): no season to find
    return acov / acov[0]


def _clear_peaks(acf: np.ndarray) -> list[int]:
    """Lags >= 2 that are local maxima and rise clearly above the lowest ACF value before them."""
    lags = np.arange(2, len(acf) - 1)
    is_peak = (acf[lags] > acf[lags - 1]) & (acf[lags] >= acf[lags + 1])
    trough_before = np.minimum.accumulate(acf)[lags - 1]
    clear = is_peak & (acf[lags] - trough_before >= ACF_MIN_RISE)
    return [int(lag) for lag in lags[clear]]


def time_labels(index: pd.Index, freq: str | None) -> list[str]:
    """Each timestamp as a person writes it at this frequency ("1960", "Dec 1960", "1960-12-31",
    "1960-12-31 14:00"); rows without dates as "row 1", "row 2", … (counted from one)."""
    if not isinstance(index, pd.DatetimeIndex):
        row = tr("row {number}")
        return [row.format(number=int(i) + 1) for i in index]
    kind = _label_kind(index, freq)
    if kind == "year":
        return [str(t.year) for t in index]
    if kind == "quarter":
        quarter = tr("Q{quarter} {year}")
        return [quarter.format(quarter=t.quarter, year=t.year) for t in index]
    if kind == "month":
        month, names = tr("{month} {year}"), [tr(name) for name in MONTH_WORDS]
        return [month.format(month=names[m - 1], year=y)
                for m, y in zip(index.month, index.year)]
    if kind in ("fraction", "second"):
        return list(index.strftime("%Y-%m-%d %H:%M:%S" + (".%f" if kind == "fraction" else "")))
    if language() == "zh":  # as the charts write them: 2023年5月13日
        day = [f"{t.year}年{t.month}月{t.day}日" for t in index]
        return day if kind == "day" else [f"{d} {t:%H:%M}" for d, t in zip(day, index)]
    return list(index.strftime("%Y-%m-%d" if kind == "day" else "%Y-%m-%d %H:%M"))


def _label_kind(index: pd.DatetimeIndex, freq: str | None) -> str:
    """How the times of ``index`` are written: "year", "quarter", "month", "day", "minute",
    "second" or "fraction" (steps under a minute, by the frequency, else by the stamps
    themselves, keep their seconds, and their fractions where there are any: one label per
    step, never two alike)."""
    offset = to_offset(freq) if freq else None
    if isinstance(offset, (YearBegin, YearEnd)):
        return "year"
    if isinstance(offset, (QuarterBegin, QuarterEnd)):
        return "quarter"
    if isinstance(offset, (MonthBegin, MonthEnd)):
        return "month"
    tick = offset.nanos if isinstance(offset, Tick) else None
    if (tick % 1_000_000_000 != 0) if tick else bool((index.microsecond != 0).any()):
        return "fraction"
    if (tick and tick < 60_000_000_000) or bool((index.second != 0).any()):
        return "second"
    return "day" if bool((index == index.normalize()).all()) else "minute"


# What a table's date column (a momentJS format) writes for each kind of label, as time_labels
# does: its dates stay dates, so that a click on the column's head sorts them by time.
MOMENT = {"year": "YYYY", "second": "YYYY-MM-DD HH:mm:ss", "day": "YYYY-MM-DD",
          "minute": "YYYY-MM-DD HH:mm"}


def time_format(index: pd.Index, freq: str | None) -> str | None:
    """The momentJS format (Streamlit's DatetimeColumn) that writes the times of ``index`` as
    ``time_labels`` does, in the reader's language; None for rows without dates, and for
    fractions of a second (the browser keeps milliseconds only: their labels, written in full,
    sort as text)."""
    if not isinstance(index, pd.DatetimeIndex):
        return None
    kind = _label_kind(index, freq)
    if kind == "fraction":
        return None
    chinese = language() == "zh"
    if kind == "quarter":
        return _moment(tr("Q{quarter} {year}"), quarter="Q", year="YYYY")
    if kind == "month":  # Jan (momentJS's English months) or 1月
        return _moment(tr("{month} {year}"), month="M[月]" if chinese else "MMM", year="YYYY")
    if chinese and kind in ("day", "minute"):
        return "YYYY[年]M[月]D[日]" + (" HH:mm" if kind == "minute" else "")
    return MOMENT[kind]


def _moment(template: str, **tokens: str) -> str:
    """A catalog template ("Q{quarter} {year}", "{year}年第{quarter}季度") as a momentJS format:
    its words in brackets (literal), its placeholders as ``tokens``."""
    parts = re.split(r"\{(\w+)\}", template)
    return "".join(tokens[part] if i % 2 else (f"[{part}]" if part.strip() else part)
                   for i, part in enumerate(parts))


def season_phrase(season_length: int | None, freq: str | None) -> str:
    """What repeating one season back means in everyday words, e.g. "last year's value"."""
    offset = to_offset(freq) if freq else None
    code = offset.rule_code if offset is not None else ""
    yearly = {("MS", 12), ("ME", 12)} | {(c, 4) for c in (code,) if c.startswith(("QS", "QE"))}
    if (code, season_length) in yearly or (code.startswith("W-") and season_length == 52):
        return tr("last year's value")
    if (code, season_length) in {("D", 7), ("B", 5)}:
        return tr("last week's value on the same day")
    if (code, season_length) == ("h", 24):
        return tr("yesterday's value at the same hour")
    return tr("the value from {steps} steps earlier", steps=season_length)


def frequency_words(label: str) -> str:
    """A frequency's label (``SeriesData.freq_label``, English in the data) in the reader's
    language: "hourly" -> "每小时"; a label it does not know, as it is."""
    if label in FREQUENCY_WORDS:
        return tr(FREQUENCY_WORDS[label])
    weekly = re.fullmatch(r"weekly \((\w+)\)", label)
    if weekly and weekly[1] in WEEKLY_WORDS:
        return tr(WEEKLY_WORDS[weekly[1]])
    every = re.fullmatch(r"every (\d+) (\w+)", label)
    if every and every[2] in EVERY_WORDS:
        return tr(EVERY_WORDS[every[2]], count=int(every[1]))
    return label
