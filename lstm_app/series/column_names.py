"""What a column's name says it is: a quantity a business forecasts (sales, orders, visitors),
a total, an input to it (a price, a promotion, the weather), or a part of the calendar. Used
only where nobody chose: to pick the column to forecast (a café's "Net Sales ($)" before the
"Avg Price" to its right) and to say which other columns are series left unread."""

from __future__ import annotations

import re
from typing import Sequence

from .totals import is_total

# Whole words (or Chinese terms anywhere in the name), in any case; a name is split into its
# words first (Weekly_Sales, UnitPrice, dayOfWeek).
FORECAST_WORDS = re.compile(
    r"\b(sales?|revenue|turnover|demand|sold|orders?|quantity|qty|visits|visitors|passengers|"
    r"traffic|bookings|consumption|footfall)\b|销量|销售|营业额|收入|金额|客流|订单|流水",
    re.IGNORECASE)
INPUT_WORDS = re.compile(
    r"\b(price|prices|cost|costs|discount|promo|promotion|temperature|temp|weather|rain|"
    r"rainfall|holiday|holidays)\b|价格|单价|均价|成本|折扣|促销|气温|温度|天气|降雨|节假日",
    re.IGNORECASE)
CALENDAR_WORDS = re.compile(
    r"\b(year|month|day|week|weekday|hour|minute|quarter)s?\b|年份|月份|星期|季度|小时",
    re.IGNORECASE)


def words(name) -> str:
    """A column's name as words: "Weekly_Sales" → "Weekly Sales", "UnitPrice" → "Unit Price"."""
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", str(name)).replace("_", " ")


def says_forecast(name) -> bool:
    return bool(FORECAST_WORDS.search(words(name))) and not INPUT_WORDS.search(words(name))


def says_input(name) -> bool:
    return bool(INPUT_WORDS.search(words(name)))


def says_calendar(name) -> bool:
    return bool(CALENDAR_WORDS.search(words(name)))


def by_name(columns: Sequence[str]) -> list[str]:
    """``columns`` narrowed to those named as what a business forecasts or as a total (合计
    beside the stores' 销售额 it sums), where any is; else all of them (order kept: the
    right-most is taken)."""
    return [c for c in columns if says_forecast(c) or is_total(c)] or list(columns)
