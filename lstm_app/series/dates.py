"""Owns reading a column of date cells: ISO dates and times, day-first or month-first numbers,
month names, quarters (2020Q1), years, and dates written the Chinese way (2023年1月5日,
2023年第1季度), with a notice where the reading was a choice (``parse_dates``)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from lstm_app.i18n import listing, tr
from lstm_app.series.frequency import time_labels

MONTH_NAME_FORMATS = ("%b %Y", "%B %Y", "%Y-%b", "%Y-%B", "%b-%Y", "%B-%Y", "%b-%y", "%Y %b", "%d-%b-%Y",
                      "%d %b %Y", "%d %B %Y", "%B %d, %Y", "%b %d, %Y", "%d-%b-%y", "%b %d %Y")
DATE_SAMPLE_ROWS = 200  # enough cells to recognise a format; the full column is parsed only once
_PLAIN_NUMBER = r"[-+]?\d+(?:[.,]\d+)?"
# Excel's day numbers (days since 1899-12-30; a fraction is the time of day), as a date column
# exported without its format holds them: read as dates in a column named so, where they fall in
# 1980-2060, run in time order and step at most a year (not a column of amounts or codes)
EXCEL_DAY = r"\d{5}(?:\.\d+)?"
EXCEL_EPOCH = "1899-12-30"
EXCEL_SPAN = (29221, 58440)  # 1980-01-01 to 2060-01-01
EXCEL_SHARE = 0.9  # of the cells: the rest (a totals row's 合计) are dates that cannot be read


def _excel_days(cells: pd.Series, notices: list[str]) -> pd.Series | None:
    """Timestamps of Excel's day numbers (44931 is 2023-01-05), said in ``notices``; None where
    the numbers are not a time axis."""
    written = cells.where(cells.str.fullmatch(EXCEL_DAY, na=False))
    days = pd.to_numeric(written, errors="coerce")
    days = days.where(days.between(*EXCEL_SPAN))  # out of the span: a date that cannot be read
    read = days.dropna()
    if len(read) < 2 or len(read) < EXCEL_SHARE * len(cells.dropna()):
        return None
    step = (read.iloc[-1] - read.iloc[0]) / (len(read) - 1)
    if not ((read.diff().dropna() >= 0).all() and 0 < step <= 366):
        return None  # not in time order, or steps of more than a year: numbers, not days
    times = pd.to_datetime(days, unit="D", origin=EXCEL_EPOCH).dt.round("s")
    first = read.index[0]
    notices.append(tr("The dates are written as Excel's day numbers (for example {cell} is "
                      "{date}), as a date column saved without its date format holds them; they "
                      "were read as dates.", cell=f"'{cells[first]}'",
                      date=time_labels(pd.DatetimeIndex([times[first]]), None)[0]))
    return times


def parse_dates(cells: pd.Series, *, named_like_time: bool, first: bool, notices: list[str],
                 min_share: float = 0.5) -> pd.Series | None:
    """Timestamps for a column of text (NaT where unreadable), or None if it is not a date column.

    Reads ISO dates and datetimes, 31/12/2020-style dates (day-first when any first part > 12),
    month names ("Jan 2020"), quarters ("2020Q1"), ISO weeks ("2024-W05"), Chinese dates ("2023年1月5日", "2023年1月",
    "2023年第1季度"), 8-digit 20201231 and year-only columns
    (named like time, or the first column with increasing years). `min_share` of the cells
    present must parse; ambiguous or converted dates add a sentence to `notices`.
    """
    present = cells.dropna()
    if len(present) < 2:
        return None
    sample = present.head(DATE_SAMPLE_ROWS)
    if sample.str.fullmatch(r"\d{4}").all():
        # Four-digit numbers are years only by name, or in the first column counting up year by year.
        years = pd.to_numeric(cells, errors="coerce")
        increasing = years.dropna().is_monotonic_increasing and years.dropna().is_unique
        if not (years.dropna().between(1600, 2200).all() and (named_like_time or first and increasing)):
            return None
        return pd.to_datetime(years.astype("Int64").astype(str), format="%Y", errors="coerce")
    if named_like_time and sample.str.fullmatch(EXCEL_DAY).mean() >= EXCEL_SHARE:
        return _excel_days(cells, notices)
    if sample.str.fullmatch(_PLAIN_NUMBER).mean() > 0.5 and not sample.str.fullmatch(r"\d{8}").all():
        return None  # numbers are values, not dates (ISO parsing would read "2020" or "7" as dates)
    parsers = [_iso_dates, _numeric_dates, _quarter_dates, _week_dates]
    if sample.str.contains("年", regex=False).mean() >= 0.2:  # (with ISO dates among them)
        parsers.append(_chinese_dates)
    if sample.str.contains(r"[A-Za-z]{3}", regex=True).mean() > 0.5:
        parsers += [lambda s, _notices, fmt=fmt: pd.to_datetime(s, format=fmt, errors="coerce")
                    for fmt in MONTH_NAME_FORMATS]
    best = max(parsers, key=lambda parse: parse(sample, []).notna().mean())
    if best(sample, []).notna().mean() < min_share:
        return None
    times = best(cells, notices)
    return times if times.notna().sum() >= min_share * len(present) else None


OFFSET = r"(?:Z|[+-]\d{2}:?\d{2})$"  # a time-zone offset at the end of an ISO time


def _iso_dates(cells: pd.Series, notices: list[str]) -> pd.Series:
    """ISO 8601 dates and datetimes ("2020-01-31", "2020-01-31T10:00", "1949-01", "20200131").

    Times with a time-zone offset are read as the local times written where they share one
    offset, or are all midnights (a day's data from a system that writes its zone: its dates
    are the days meant; UTC would move each to the evening before). Times of several offsets
    (daylight saving) are converted to UTC, which keeps an hourly series regular."""
    offsets = cells.str.extract(f"({OFFSET})", expand=False)
    if offsets.isna().all():
        return pd.to_datetime(cells, format="ISO8601", errors="coerce")
    local = pd.to_datetime(cells.str.replace(OFFSET, "", regex=True).str.strip(),
                           format="ISO8601", errors="coerce")
    found = local.dropna()
    same = offsets.dropna().str.replace("Z", "+00:00").str.replace(
        r"(\d{2}):?(\d{2})$", r"\1:\2", regex=True).nunique() == 1  # Z, +0000, +00:00 alike
    if same or (found == found.dt.normalize()).all():
        if len(found):
            written = sorted(set(offsets.dropna()))
            shown = listing(written[:3])
            notices.append(tr("Times with a time-zone offset ({offsets}) were read as the local "
                              "times written, the offset left aside.",
                              offsets=tr("{names} and {more} more", names=shown,
                                         more=len(written) - 3) if len(written) > 3 else shown))
        return local
    times = pd.to_datetime(cells, format="ISO8601", errors="coerce", utc=True).dt.tz_localize(None)
    if times.notna().any():
        notices.append(tr("Times with a time-zone offset were converted to UTC."))
    return times


def _numeric_dates(cells: pd.Series, notices: list[str]) -> pd.Series:
    """Dates like 31/12/2020, 12.31.20, 2020/12/31 (optionally with a time): day-first if any first part > 12."""
    parts = cells.str.extract(r"^(\d{1,4})[/.\-](\d{1,2})[/.\-](\d{1,4})(.*)$")
    first, second, third = (pd.to_numeric(parts[i], errors="coerce") for i in range(3))
    year_first = parts[0].str.len() == 4
    day_first = (first[~year_first] > 12).any()
    if not day_first and not (second[~year_first] > 12).any() and (~year_first & parts[0].notna()).any():
        # Nothing tells the two apart: dots and dashes are day-first by custom, slashes month-first.
        day_first = not cells.str.contains("/", regex=False, na=False).any()
        example = cells[~year_first & parts[0].notna()].iloc[0]
        notices.append(tr("Dates such as '{example}' could be day-first or month-first; they were "
                          "read as day/month/year.", example=example) if day_first else
                       tr("Dates such as '{example}' could be day-first or month-first; they were "
                          "read as month/day/year.", example=example))
    day = third.where(year_first, first if day_first else second)
    month = second.where(year_first, second if day_first else first)
    year = first.where(year_first, third)
    year = year.where(year >= 100, year + np.where(year < 69, 2000, 1900))  # two-digit years as strptime's %y
    text = (year.astype("Int64").astype(str) + "-" + month.astype("Int64").astype(str).str.zfill(2) + "-"
            + day.astype("Int64").astype(str).str.zfill(2) + parts[3].fillna(""))
    return _iso_dates(text, notices)


CHINESE_NUMERALS = {"一": "1", "二": "2", "三": "3", "四": "4"}


def _chinese_dates(cells: pd.Series, notices: list[str]) -> pd.Series:
    """Dates written the Chinese (and Japanese) way: "2023年1月5日" (日 or 号, a weekday, as in
    "星期四", "（周四）" or "(木)", and a time after it or not), "2023年1月", "2023年第1季度" /
    "2023年一季度" (the quarter's first day), "2023年"; full-width digits too, and ISO dates
    mixed in among them."""
    cells = cells.str.normalize("NFKC")  # full-width digits: ２０２３年 as 2023年
    day = cells.str.extract(r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(?:(\d{1,2})\s*[日号])?"
                            r"\s*(?:[（(]\s*(?:星期|周)?[一二三四五六日天月火水木金土]\s*[)）]|(?:星期|周)[一二三四五六日天])?"
                            r"\s*(.*)$")
    quarter = cells.str.extract(r"^\s*(\d{4})\s*年\s*第?\s*([1-4一二三四])\s*季度?\s*$")
    month_of_quarter = (pd.to_numeric(quarter[1].replace(CHINESE_NUMERALS), errors="coerce")
                        * 3 - 2)
    text = (day[0] + "-" + day[1].str.zfill(2) + "-" + day[2].fillna("1").str.zfill(2)
            + day[3].fillna("").map(lambda rest: f" {rest}" if rest else ""))
    text = text.fillna(quarter[0] + "-" + month_of_quarter.astype("Int64").astype(str)
                       .str.zfill(2) + "-01")
    text = text.fillna(cells.str.extract(r"^\s*(\d{4})\s*年\s*$")[0] + "-01-01")  # a year
    return _iso_dates(text.fillna(cells).str.strip(), notices)  # ISO dates among them as well


def _quarter_dates(cells: pd.Series, notices: list[str]) -> pd.Series:
    """"2020Q1", "2020-Q1", "Q1 2020" -> the first day of the quarter."""
    parts = cells.str.extract(r"^(?:(\d{4})\s*[-/ ]?\s*Q([1-4])|Q([1-4])\s*[-/ ]?\s*(\d{4}))$", flags=re.I)
    year, quarter = parts[0].fillna(parts[3]), parts[1].fillna(parts[2])
    month = (pd.to_numeric(quarter, errors="coerce") * 3 - 2).astype("Int64").astype(str).str.zfill(2)
    return pd.to_datetime(year + "-" + month + "-01", format="%Y-%m-%d", errors="coerce")


def _week_dates(cells: pd.Series, notices: list[str]) -> pd.Series:
    """ISO weeks: "2024-W05", "2024W05", "2024 W5" -> that week's Monday; "2024-W05-3" -> its
    third day (weeks as ISO 8601 counts them: week 1 holds the year's first Thursday)."""
    parts = cells.str.extract(r"^(\d{4})\s*[-/ ]?\s*W(\d{1,2})(?:\s*[-/ ]?\s*([1-7]))?$", flags=re.I)
    week = pd.to_numeric(parts[1], errors="coerce").astype("Int64").astype(str).str.zfill(2)
    text = parts[0] + "-W" + week + "-" + parts[2].fillna("1")
    days = pd.to_datetime(text, format="%G-W%V-%u", errors="coerce")
    iso = days.dt.isocalendar()  # a week the year does not have (2021-W53) rolls on: unread
    real = (iso["year"].astype(str) == parts[0]) & (iso["week"].astype(str).str.zfill(2) == week)
    return days.where(real.fillna(False).astype(bool))
