"""What a column's name says it is: a quantity a business forecasts (sales, orders, visitors)
or an input to it (a price, a promotion, the weather). Used only to choose the column to
forecast when nobody chose it: a café's "Net Sales ($)" before the "Avg Price" to its right."""

from __future__ import annotations

import re
from typing import Sequence

from .totals import is_total

# Whole words (or Chinese terms anywhere in the name); lower case.
FORECAST_WORDS = re.compile(
    r"\b(sales?|revenue|turnover|demand|sold|orders?|quantity|qty|volume|visits|visitors|"
    r"passengers|traffic|bookings|consumption|footfall)\b|销量|销售|营业额|收入|金额|客流|订单|流水",
    re.IGNORECASE)
INPUT_WORDS = re.compile(
    r"\b(price|prices|cost|costs|discount|promo|promotion|temperature|temp|weather|rain|"
    r"rainfall|holiday)\b|价格|单价|折扣|促销|气温|温度|天气|降雨|节假日",
    re.IGNORECASE)


def says_forecast(name: str) -> bool:
    return bool(FORECAST_WORDS.search(str(name))) and not INPUT_WORDS.search(str(name))


def says_input(name: str) -> bool:
    return bool(INPUT_WORDS.search(str(name)))


def by_name(columns: Sequence[str]) -> list[str]:
    """``columns`` narrowed by their names: those named as what a business forecasts or as a
    total (合计 beside the stores' 销售额 it sums), if any; else those not named as an input, if
    any; else all of them (order kept)."""
    named = [c for c in columns if says_forecast(c) or is_total(c)]
    if named:
        return named
    return [c for c in columns if not says_input(c)] or list(columns)
