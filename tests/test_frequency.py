"""Frequency inference, grid snapping, date reading and season length, pinned against worked examples."""

import numpy as np
import pandas as pd
import pytest

from lstm_app.series.dates import parse_dates
from lstm_app.series.frequency import (
    infer_frequency,
    most_common_step,
    regular_grid,
    season_length_for,
    snap_to_grid,
)


def with_holes(freq: str, start: str = "2020-01-01", periods: int = 40) -> pd.DatetimeIndex:
    """A regular index with a couple of points missing, as real exports have."""
    return pd.date_range(start, periods=periods, freq=freq).delete([3, 17, 18])


@pytest.mark.parametrize(
    "freq, start, expected",
    [
        ("h", "2020-01-01", ("h", "hourly")),
        ("15min", "2020-01-01", ("15min", "every 15 minutes")),
        ("min", "2020-01-01", ("min", "every minute")),
        ("D", "2020-01-01", ("D", "daily")),
        ("B", "2020-01-01", ("B", "business-day")),
        ("W-SUN", "2020-01-01", ("W-SUN", "weekly (Sundays)")),
        ("W-WED", "2020-01-01", ("W-WED", "weekly (Wednesdays)")),
        ("MS", "2020-01-01", ("MS", "monthly")),
        ("ME", "2020-01-01", ("ME", "monthly")),
        ("QS-JAN", "2020-01-01", ("QS-JAN", "quarterly")),
        ("QE-DEC", "2020-01-01", ("QE-DEC", "quarterly")),
        ("YS-JAN", "1950-01-01", ("YS-JAN", "yearly")),
        ("YE-DEC", "1950-01-01", ("YE-DEC", "yearly")),
        ("6h", "2020-01-01", ("6h", "every 6 hours")),
        ("2MS", "2020-01-01", ("2MS", "every 2 months")),
    ],
)
def test_infer_frequency_with_missing_points(freq, start, expected):
    index = with_holes(freq, start)
    assert infer_frequency(index) == expected
    assert pd.tseries.frequencies.to_offset(expected[0]).freqstr == expected[0]  # a valid, canonical alias


def test_infer_frequency_ignores_order_duplicates_and_a_stray_point():
    index = pd.date_range("2020-01-01", periods=30, freq="D")
    messy = index[::-1].append(index[:3]).append(pd.DatetimeIndex(["2020-01-05 13:00"]))
    assert infer_frequency(messy) == ("D", "daily")


def test_daily_with_weekend_points_is_not_business_days():
    index = pd.date_range("2020-01-06", periods=30, freq="D")
    assert infer_frequency(index.delete([5, 6])) == ("D", "daily")


def test_month_lengths_do_not_outvote_monthly():
    # Spacings 29, 31, 30 days and one early point: still monthly, anchored at month end.
    index = pd.DatetimeIndex(["2020-01-31", "2020-02-29", "2020-03-31", "2020-04-30", "2020-05-15"])
    assert infer_frequency(index) == ("ME", "monthly")
    assert most_common_step(index) == pd.Timedelta(days=31)


def test_quarter_end_anchor_follows_the_months():
    index = pd.date_range("2020-01-01", periods=12, freq="QE-NOV")
    assert infer_frequency(index)[0] == "QE-NOV"


def test_too_few_timestamps_is_an_error():
    with pytest.raises(ValueError):
        infer_frequency(pd.DatetimeIndex(["2020-01-01", "2020-01-01"]))


def test_snap_months_within_their_own_month():
    index = pd.DatetimeIndex(["2020-01-15", "2020-02-01", "2020-03-31"])
    assert [f"{t:%Y-%m-%d}" for t in snap_to_grid(index, "MS")] == ["2020-01-01", "2020-02-01", "2020-03-01"]
    assert [f"{t:%Y-%m-%d}" for t in snap_to_grid(index, "ME")] == ["2020-01-31", "2020-02-29", "2020-03-31"]


def test_snap_fixed_steps_to_the_nearest_slot():
    index = pd.DatetimeIndex(["2020-01-01 00:00", "2020-01-01 01:02", "2020-01-01 02:59", "2020-01-01 05:00"])
    snapped = snap_to_grid(index, "h")
    assert [t.hour for t in snapped] == [0, 1, 3, 5]
    grid = regular_grid(snapped, "h")
    assert len(grid) == 6 and grid.freqstr == "h"


def test_regular_grid_keeps_weekly_anchor():
    index = pd.DatetimeIndex(["2020-01-05", "2020-01-19", "2020-01-26"])
    grid = regular_grid(snap_to_grid(index, "W-SUN"), "W-SUN")
    assert [f"{t:%m-%d}" for t in grid] == ["01-05", "01-12", "01-19", "01-26"]


# ---- reading dates ---------------------------------------------------------------------------


def parse(cells, **kwargs):
    notices = []
    kwargs.setdefault("named_like_time", True)
    kwargs.setdefault("first", True)
    times = parse_dates(pd.Series(cells, dtype="str"), notices=notices, **kwargs)
    return (None if times is None else [f"{t:%Y-%m-%d %H:%M}" if pd.notna(t) else None for t in times]), notices


def test_day_first_is_decided_from_all_values():
    times, notices = parse(["01/02/2020", "05/02/2020", "13/02/2020"])
    assert times == ["2020-02-01 00:00", "2020-02-05 00:00", "2020-02-13 00:00"] and notices == []


def test_month_first_when_a_second_part_exceeds_12():
    times, notices = parse(["02/01/2020", "02/13/2020"])
    assert times == ["2020-02-01 00:00", "2020-02-13 00:00"] and notices == []


def test_dotted_dates_with_times_and_two_digit_years():
    times, _ = parse(["31.12.99 23:30", "01.01.00 00:30"])
    assert times == ["1999-12-31 23:30", "2000-01-01 00:30"]


def test_time_zone_offsets_across_daylight_saving_become_utc():
    times, notices = parse(["2020-03-29T01:00:00+01:00", "2020-03-29T03:00:00+02:00"])
    assert times == ["2020-03-29 00:00", "2020-03-29 01:00"]
    assert notices == ["Times with a time-zone offset were converted to UTC."]


def test_days_written_with_their_zone_stay_the_days_meant():
    times, notices = parse(["2024-03-01T00:00:00+08:00", "2024-03-02T00:00:00+08:00",
                            "2024-03-03"])  # one offset, and a date without one among them
    assert times == ["2024-03-01 00:00", "2024-03-02 00:00", "2024-03-03 00:00"]
    assert notices == ["Times with a time-zone offset (+08:00) were read as the local times "
                       "written, the offset left aside."]
    times, _ = parse(["2020-03-28T00:00:00+0100", "2020-03-29T00:00:00+01:00",
                      "2020-03-30T00:00:00+02:00"])  # daily, across daylight saving: midnights
    assert times == ["2020-03-28 00:00", "2020-03-29 00:00", "2020-03-30 00:00"]


def test_numbers_are_not_dates():
    assert parse(["12.5", "13", "7.25"])[0] is None
    assert parse(["1990", "1985", "2001"], named_like_time=False, first=True)[0] is None  # not increasing
    assert parse(["1990", "1991", "1992"], named_like_time=False, first=False)[0] is None  # not first
    assert parse(["1990", "1991", "1992"], named_like_time=False, first=True)[0][0] == "1990-01-01 00:00"


def test_text_is_not_dates():
    assert parse(["paris", "rome", "oslo"])[0] is None


# ---- season length ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "freq, expected",
    [("h", 24), ("D", 7), ("B", 5), ("W-SUN", 52), ("MS", 12), ("ME", 12), ("QS-JAN", 4), ("QE-DEC", 4),
     ("YS-JAN", None), ("15min", 96), ("min", 60), ("30min", 48), ("6h", 4), ("s", 60)],
)
def test_calendar_season_lengths(freq, expected):
    assert season_length_for(freq, np.random.default_rng(0).normal(size=2000)) == expected


def test_short_minute_series_use_the_hour():
    assert season_length_for("15min", np.zeros(100)) == 4


@pytest.mark.parametrize("seed", range(5))
def test_noisy_sine_period_from_autocorrelation(seed):
    x = np.linspace(0, 50, 1000)
    values = np.sin(x) + 0.3 * np.random.default_rng(seed).normal(size=1000)
    assert abs(season_length_for(None, values) - 2 * np.pi / 0.05) <= 3


def test_seasonality_is_found_under_a_trend():
    steps = np.arange(300)
    values = 0.05 * steps + np.sin(2 * np.pi * steps / 12) + 0.1 * np.random.default_rng(1).normal(size=300)
    assert season_length_for(None, values) == 12


@pytest.mark.parametrize(
    "values",
    [
        np.random.default_rng(0).normal(size=500),  # white noise
        np.cumsum(np.random.default_rng(0).normal(size=500)),  # random walk
        np.arange(100.0),  # a straight line
        np.full(50, 3.0),  # constant
        np.array([1.0, 2.0, 3.0]),  # too short
    ],
)
def test_no_clear_season_gives_none(values):
    assert season_length_for(None, values) is None


def test_odd_steps_fall_back_to_autocorrelation():
    steps = np.arange(400)
    assert season_length_for("2D", np.sin(2 * np.pi * steps / 10)) == 10


def test_time_labels_of_steps_under_a_minute_keep_their_seconds_so_no_two_are_alike():
    import pandas as pd

    from lstm_app.series.frequency import time_labels

    every_ten = pd.date_range("2024-03-01 09:36", periods=7, freq="10s")
    labels = time_labels(every_ten, "10s")
    assert labels[:2] == ["2024-03-01 09:36:00", "2024-03-01 09:36:10"]
    assert len(set(labels)) == 7
    quarter_seconds = pd.date_range("2024-03-01", periods=3, freq="250ms")
    assert time_labels(quarter_seconds, "250ms")[1] == "2024-03-01 00:00:00.250000"
    hours = pd.date_range("2024-03-01 09:00", periods=2, freq="h")
    assert time_labels(hours, "h") == ["2024-03-01 09:00", "2024-03-01 10:00"]  # as before
    assert time_labels(every_ten[::6], "10s") == ["2024-03-01 09:36:00", "2024-03-01 09:37:00"]
    days = pd.date_range("2024-03-01", periods=2, freq="D")
    assert time_labels(days, "D") == ["2024-03-01", "2024-03-02"]


def _moment_format(t: pd.Timestamp, pattern: str) -> str:
    """momentJS's formatting of the tokens time_format uses (its English months), enough to
    check that the table writes what time_labels writes."""
    import re

    tokens = {"YYYY": f"{t.year}", "MMM": t.strftime("%b"), "MM": f"{t.month:02d}",
              "M": f"{t.month}", "DD": f"{t.day:02d}", "D": f"{t.day}", "HH": f"{t.hour:02d}",
              "mm": f"{t.minute:02d}", "ss": f"{t.second:02d}",
              "SSSSSS": f"{t.microsecond:06d}", "Q": f"{t.quarter}"}
    pieces = re.findall(r"\[[^\]]*\]|YYYY|MMM|MM|M|DD|D|HH|mm|ss|SSSSSS|Q|.", pattern)
    return "".join(p[1:-1] if p.startswith("[") else tokens.get(p, p) for p in pieces)


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize("index,freq", [
    (pd.date_range("2020-11-01", periods=4, freq="MS"), "MS"),
    (pd.date_range("2020-10-01", periods=4, freq="QS"), "QS"),
    (pd.date_range("2020-12-31", periods=4, freq="QE-DEC"), "QE-DEC"),
    (pd.date_range("2019-01-01", periods=3, freq="YS"), "YS"),
    (pd.date_range("2020-12-30", periods=4, freq="D"), "D"),
    (pd.date_range("2020-12-31 22:00", periods=4, freq="h"), "h"),
    (pd.date_range("2020-12-31 23:59:58", periods=4, freq="s"), "s"),
])
def test_a_tables_date_column_writes_the_dates_as_the_labels_do(index, freq, language):
    """The forecast table keeps its dates (a click sorts them by time, not "Apr" before "Jan")
    and writes them as time_labels does, in either language."""
    from lstm_app.i18n import speaking
    from lstm_app.series.frequency import time_format, time_labels

    with speaking(language):
        pattern = time_format(index, freq)
        assert [_moment_format(t, pattern) for t in index] == time_labels(index, freq), pattern
        assert time_format(pd.RangeIndex(3), None) is None  # rows: "row 1", written as text
        fractions = pd.date_range("2020-12-31", periods=4, freq="250us")  # the browser keeps ms
        assert time_format(fractions, "250us") is None
