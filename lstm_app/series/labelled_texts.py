"""Owns telling a file of labelled texts (reviews and their sentiment) from a series: such a file
reads to the forecaster as one column of a few numbers (the labels) beside a column it cannot
read (the texts), and forecasting the labels is never what its user meant."""

from __future__ import annotations

import pandas as pd

from lstm_app.i18n import N_, sentences, tr, trn
from lstm_app.quoting import quoted

ADVICE = N_("If the file holds texts with their labels, train a classifier on it instead (the "
            "Classify page, or the {command} command).")
MOST_LABELS = 20  # distinct values of a column read as labels, not a series
TEXT_CHARACTERS = 12  # the median length of a column's cells read as texts
CELLS_READ = 1000  # per column: enough to tell texts from codes or names


def labelled_texts_notice(table: pd.DataFrame, numbers: pd.DataFrame, time_col: str | None,
                          value_col: str) -> str | None:
    """The notice that the file looks like labelled texts (``table``'s text cells, ``numbers``
    its numeric columns), or None: a file without a time column whose value column holds at
    most 20 different whole numbers, beside a column of cells a dozen characters long or more
    that are not numbers."""
    if time_col is not None:
        return None
    values = numbers[value_col].dropna()
    count = values.nunique()
    if count > MOST_LABELS or not (values == values.round()).all():
        return None
    for column in table.columns:
        if str(column) in numbers.columns:
            continue
        cells = table[column].dropna().head(CELLS_READ).astype(str)
        if len(cells) and cells.str.len().median() >= TEXT_CHARACTERS:
            return sentences(trn("The column {texts} holds texts and {value} only {count} value.",
                                 "The column {texts} holds texts and {value} only {count} "
                                 "different values.", count, texts=quoted(column),
                                 value=quoted(value_col)), tr(ADVICE, command="classify"))
    return None


def labelled_finding(notices) -> str | None:
    """What ``labelled_texts_notice`` found, among ``notices``, without its advice (for a
    command that gives its own); None when it found nothing."""
    advice = tr(ADVICE, command="classify")
    return next((n[:-len(advice)].rstrip() for n in notices if n.endswith(advice)), None)
