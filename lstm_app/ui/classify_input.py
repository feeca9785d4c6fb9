"""Choosing the labelled texts on the Classify page: a sample or an upload, its text and label
columns (proposed, changeable), and what the app read: each class's texts, the texts' lengths,
and the share longer than the longest text read."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from ..i18n import N_, language, tr, trn
from ..class_charts import class_counts_chart, length_chart
from ..classify.labelled import (LabelledTexts, OneClass, guess_columns, labelled_from_table,
                                 propose_columns)
from ..classify.tokens import choose_level, token_lengths
from ..csv_table import read_csv_table
from ..runs.recording import data_fingerprint
from ..quoting import no_bidi
from ..tasks import CLASSIFY
from .keys import CLASSIFY as KEYS
from .markdown import plain, table_shown
from .source_picker import Chosen, SourceWidgets, choose_source, show_notices

SOURCE = SourceWidgets(
    keys=KEYS, kind="labelled", label=N_("Labelled texts"), own_choice=N_("My own file"),
    radio_help=N_("Try the sample first, or upload a CSV of your own texts and their labels."),
    upload_label=N_("Upload a CSV, TSV or spreadsheet of labelled texts"),
    upload_types=("csv", "tsv", "txt", "xlsx", "xls", "xlsb", "ods"),
    upload_help=N_("A column of texts (reviews, tickets, messages) and a column of their labels "
                   "(positive / negative, a topic, a star rating: any number of classes). UTF-8 "
                   "is best; UTF-16, Chinese GB18030/GBK and Big5, and Windows-1252 exports are "
                   "read too, and so are Excel workbooks (.xlsx, .xls) and LibreOffice "
                   "spreadsheets (.ods)."),
    empty_hint=N_("Upload a CSV with a text column and a label column to start, or pick the "
                  "sample above."))


@st.cache_data(show_spinner=False, max_entries=8)
def table_cached(_data: bytes, digest: str, name: str, lang: str) -> tuple[pd.DataFrame, list[str]]:
    """The file as a table of text cells and what reading it said (in ``lang``), once per data
    (``digest``)."""
    notices: list[str] = []
    table, _ = read_csv_table(_data, name, notices, holding="texts")
    return table, notices


@st.cache_data(show_spinner=False, max_entries=8)
def labelled_cached(_table: pd.DataFrame, digest: str, name: str, text_col: str,
                    label_col: str, _notices: list[str], lang: str) -> LabelledTexts:
    return labelled_from_table(_table, name, text_col, label_col, _notices)


@st.cache_data(show_spinner=False, max_entries=8)
def fingerprint_cached(_data: LabelledTexts, digest: str, text_col: str, label_col: str) -> str:
    return data_fingerprint(CLASSIFY, _data)


def choose_labelled() -> Chosen | None:
    """A sample or an upload and its columns, read; None (and why) when there is none to use."""
    source = choose_source(SOURCE)
    if source is None:
        return None
    name, digest = source["name"], source["digest"]
    try:
        with st.spinner(tr("Reading the file…")):
            table, notices = table_cached(source["data"], digest, name, language())
    except ValueError as error:
        st.error(plain(error))
        return None
    columns = [str(c) for c in table.columns]
    text_col, label_col = _pick_columns(name, table, columns)
    if text_col is None:
        return None
    try:
        with st.spinner(tr("Reading the texts and labels…")):
            data = labelled_cached(table, digest, name, text_col, label_col, notices, language())
    except ValueError as error:
        st.error(plain(error))
        for notice in getattr(error, "notices", ()):  # what reading found: often the reason
            st.caption(f"ℹ️ {plain(notice)}")
        return None
    chosen = Chosen(data, name, fingerprint_cached(data, digest, text_col, label_col),
                    source.get("settings", {}), repaired=tuple(source.get("repaired", ())))
    show_notices(data.notices, chosen)  # a reopened run's: what was repaired at its upload
    return chosen


def _pick_columns(name: str, table: pd.DataFrame, columns: list[str]):
    """The text and label columns: the file's proposal until the user picks others."""
    text_key, label_key = KEYS.text_col(name), KEYS.label_col(name)
    if len(columns) < 2:
        st.error(tr("The file has {count} column; it needs two, one of texts and one of their "
                    "labels. Export it with both and upload it again.", count=len(columns)))
        return None, None
    if st.session_state.get(text_key) not in columns or \
            st.session_state.get(label_key) not in columns:
        try:
            proposed = propose_columns(table)
        except OneClass:  # reading the texts with it says so (said twice, it was)
            proposed = guess_columns(table)
        except ValueError as error:
            st.info(plain(error))
            proposed = guess_columns(table)
        st.session_state[text_key], st.session_state[label_key] = proposed
    a, b = st.columns(2)
    text_col = a.selectbox(tr("Text column"), columns, key=text_key, format_func=no_bidi,
                           help=tr("The column that holds the texts to classify."))
    label_col = b.selectbox(tr("Label column"), columns, key=label_key, format_func=no_bidi,
                            help=tr("The column that holds each text's class (a word or a "
                                    "number)."))
    if text_col == label_col:
        st.warning(tr("The text and the label must be two different columns: choose another."))
        return None, None
    return text_col, label_col


@st.cache_data(show_spinner=False, max_entries=16)
def lengths_cached(_texts: list[str], fingerprint: str, level: str) -> np.ndarray:
    return token_lengths(_texts, level)


def show_labelled(data: LabelledTexts, fingerprint: str, level: str, max_length: int) -> None:
    """How many texts of each class, how long they are (in the tokens the model reads), and
    the share cut at the longest text read."""
    level = choose_level(data.texts) if level == "auto" else level
    lengths = lengths_cached(data.texts, fingerprint, level)
    longer = float(np.mean(lengths > max_length)) if len(lengths) else 0.0
    counts = data.counts
    values = dict(name=plain(data.name), texts=len(data.texts), text_col=plain(data.text_col),
                  classes=len(data.classes), label_col=plain(data.label_col),
                  longer=longer, max_length=max_length)
    median = int(np.median(lengths))
    st.markdown(trn(
        "**{name}**: {texts:,} texts from the column **{text_col}** in **{classes}** classes "
        "from **{label_col}**; the median text is {count:,} character long, and "
        "**{longer:.0%}** are longer than the {max_length:,} characters read of each (the "
        "setting Longest text read; the rest of a text is not read).",
        "**{name}**: {texts:,} texts from the column **{text_col}** in **{classes}** classes "
        "from **{label_col}**; the median text is {count:,} characters long, and "
        "**{longer:.0%}** are longer than the {max_length:,} characters read of each (the "
        "setting Longest text read; the rest of a text is not read).", median, **values)
        if level == "char" else trn(
        "**{name}**: {texts:,} texts from the column **{text_col}** in **{classes}** classes "
        "from **{label_col}**; the median text is {count:,} word long, and **{longer:.0%}** "
        "are longer than the {max_length:,} words read of each (the setting Longest text "
        "read; the rest of a text is not read).",
        "**{name}**: {texts:,} texts from the column **{text_col}** in **{classes}** classes "
        "from **{label_col}**; the median text is {count:,} words long, and **{longer:.0%}** "
        "are longer than the {max_length:,} words read of each (the setting Longest text "
        "read; the rest of a text is not read).", median, **values))
    if counts.max() >= 3 * counts.min():
        st.info(tr("The classes are unbalanced: the largest has {times:g} times the texts of "
                   "the smallest. Accuracy alone flatters a model that ignores a rare class; "
                   "read its macro-F1 and each class's recall, or turn on Weigh rare classes "
                   "up.", times=round(counts.max() / counts.min(), 1)), icon=":material/balance:")
    a, b = st.columns(2)
    a.plotly_chart(class_counts_chart(list(data.classes), counts.tolist()), key=KEYS.class_chart)
    b.plotly_chart(length_chart(lengths, max_length, level), key=KEYS.length_chart)
    with st.expander(tr("The texts as read")):
        shown = pd.DataFrame({tr("text"): data.texts[:200],
                              tr("label"): [data.classes[y] for y in data.y[:200]]})
        st.dataframe(table_shown(shown), hide_index=True)
        if len(data.texts) > 200:
            st.caption(tr("The first 200 of {count:,} texts.", count=len(data.texts)))
