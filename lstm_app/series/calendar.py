"""Calendar inputs from a time index: where in the day, week and year each step falls, as sine
and cosine pairs (so that 23:00 sits next to 00:00 and December next to January). Known for any
time, past or future; the cycles shorter than the data's step are left out (an hourly series
gets the hour, weekday and day of the year; a monthly one only the month)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def calendar_features(times: pd.DatetimeIndex, freq: str) -> np.ndarray:
    """``(len(times), 2 × cycles)`` in [-1, 1]: a sine and a cosine per cycle the step can see."""
    two = pd.date_range("2024-01-01", periods=2, freq=freq)
    step = two[1] - two[0]  # a calendar month counts as its 31 days: the year is what it sees
    times = pd.DatetimeIndex(times)
    cycles = []
    if step < pd.Timedelta(days=1):
        cycles.append((times.hour * 60 + times.minute) / 1440)  # the time of day
    if step < pd.Timedelta(days=7):
        cycles.append(times.day_of_week / 7)
    if step < pd.Timedelta(days=28):
        cycles.append((times.day_of_year - 1) / 366)
    elif step < pd.Timedelta(days=365):
        cycles.append((times.month - 1) / 12)
    if not cycles:  # a yearly series: every step at the same place in the calendar
        return np.zeros((len(times), 0))
    phase = 2 * np.pi * np.stack([np.asarray(c, dtype=np.float64) for c in cycles], axis=1)
    return np.concatenate([np.sin(phase), np.cos(phase)], axis=1)


def calendar_count(freq: str | None) -> int:
    """How many columns ``calendar_features`` gives for ``freq`` (0 without dates)."""
    if freq is None:
        return 0
    return calendar_features(pd.date_range("2024-01-01", periods=1, freq=freq), freq).shape[1]
