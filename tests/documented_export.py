"""A program outside the app, written from export.json's documented keys alone (no lstm_app
import): it turns texts, dates and values into a network's inputs as export.json says, so that
tests can check the description against what ``predict`` feeds the network."""

import re

import holidays
import numpy as np
import pandas as pd

# The variables export.json's date formulas read, as their "variable_is" words describe them.
VARIABLES = {"minute_of_day": lambda t: t.hour * 60 + t.minute,
             "day_of_week": lambda t: t.dayofweek,  # Monday 0
             "day_of_year": lambda t: t.dayofyear,  # 1 on 1 January
             "month": lambda t: t.month}            # January 1


def classifier_ids(rule: dict, tokens: list[str], text: str) -> list[int]:
    """A text's ids by a classifier's ``token_rule`` and its ``vocab.tokens``."""
    if rule["split"] == "characters":
        pieces = [ch for ch in text if not ch.isspace()]
    else:
        pieces = re.findall(rule["pattern"], text)
    if rule["lower_case"]:
        pieces = [p.lower() for p in pieces]
    ids = {token: i + rule["first_token_id"] for i, token in enumerate(tokens)}
    out = [ids.get(p, rule["unknown_id"]) for p in pieces]
    assert rule["keep"] == "first"
    return out[:rule["max_length"]] or list(rule["empty_text"])


def classifier_batch(rule: dict, tokens: list[str], texts: list[str]):
    """(tokens, lengths) for ``texts`` in the order given, padded as ``batch_is`` says."""
    ids = [classifier_ids(rule, tokens, text) for text in texts]
    lengths = np.array([len(i) for i in ids], np.int64)
    batch = np.full((len(ids), lengths.max()), rule["padding_id"], np.int64)
    for row, i in enumerate(ids):
        batch[row, :len(i)] = i
    return batch, lengths


def text_ids(rule: dict, itos: list[str], text: str) -> list[int]:
    """A text's ids by a language model's ``token_rule`` and its ``vocab.itos``."""
    pieces = list(text) if rule["split"] == "characters" else re.findall(rule["pattern"], text)
    index = {token: i for i, token in enumerate(itos)}
    return [index.get(p, rule["unknown_id"]) for p in pieces]


def date_columns(rules: list[dict], times: pd.DatetimeIndex, freq: str) -> np.ndarray:
    """``(len(times), len(rules))``: each input of ``date_inputs`` computed by its rule."""
    columns = []
    for rule in rules:
        if "variable" in rule:  # a calendar input: a numpy expression of one variable
            value = np.asarray(VARIABLES[rule["variable"]](times), np.float64)
            columns.append(eval(rule["formula"], {"sin": np.sin, "cos": np.cos, "pi": np.pi,
                                                  rule["variable"]: value}))
        else:
            columns.append(holiday_column(rule, times, freq))
    return np.stack(columns, axis=1) if columns else np.zeros((len(times), 0))


def holiday_column(rule: dict, times: pd.DatetimeIndex, freq: str) -> np.ndarray:
    """The count of public holidays in each step's period, as ``period`` names it."""
    calendar = holidays.country_holidays(rule["country"], subdiv=rule["subdivision"],
                                         years=range(times.min().year - 1, times.max().year + 2))
    step = pd.tseries.frequencies.to_offset(freq)
    day = pd.Timedelta(days=1)
    out = []
    for t in times:
        if rule["period"] == "day":
            first, last = t.normalize(), t.normalize() + day
        elif rule["period"] == "until next step":
            first, last = t.normalize(), (t + step).normalize()
        else:
            assert rule["period"] == "since previous step"
            first, last = (t - step).normalize() + day, t.normalize() + day
        out.append(sum(d in calendar for d in pd.date_range(first, last - day, freq="D").date))
    return np.asarray(out, np.float64)
