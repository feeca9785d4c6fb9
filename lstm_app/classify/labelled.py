"""Owns reading labelled texts: a CSV or TSV export with a column of texts and a column of
labels (words or numbers, any number of classes), in any of the encodings business files come
in (``csv_table`` reads the bytes: UTF-8 with or without BOM, UTF-16, GB18030/GBK, Big5,
Windows-1252, CRLF, quoted newlines inside a text).

What ``load_labelled`` guarantees: every text and label is a non-blank string; ``classes`` holds
each label once, in the order of how often it occurs (ties: by name), and ``y`` codes each text's
label by its place there; every class has at least ``MIN_PER_CLASS`` texts. Blank texts and
blank labels are dropped and counted, and a class with too few texts to be learnt and tested is
dropped, named, each in a notice; anything it cannot make into two classes is a ValueError in a
sentence that says what to do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..i18n import listing, tr, trn
from ..quoting import listed, quoted
from ..csv_header import MISSING_WORDS
from ..csv_table import read_csv_table

MIN_PER_CLASS = 3   # one each for training, validation and test
RATING_SCALES = {(1, 5), (0, 5), (1, 10), (0, 10)}  # stars and scores
MAX_CLASSES = 1_000  # more distinct labels than this is not a label column
HEADER_LONGEST = 40  # characters of a column name; a longer one is a text
# Names that say a column holds the labels: words of an English name, parts of a Chinese one.
LABEL_NAMES = {"label", "labels", "class", "category", "categories", "sentiment", "polarity",
               "target", "tag", "y"}
LABEL_NAME_PARTS = ("标签", "类别", "分类", "情感", "极性", "标注", "類別", "標籤")
# Names that say a column holds the texts: never proposed as the labels while another column is.
TEXT_NAMES = {"text", "texts", "review", "reviews", "comment", "comments", "content", "sentence",
              "message", "body", "description", "tweet", "title"}
TEXT_NAME_PARTS = ("文本", "内容", "评论", "句子", "留言", "內容", "評論")


@dataclass
class LabelledTexts:
    name: str
    texts: list[str]
    y: np.ndarray                   # (texts,) each text's class, by its place in ``classes``
    classes: tuple[str, ...]        # most frequent first
    text_col: str
    label_col: str
    columns: tuple[str, ...]        # every column of the file, for a page to offer
    notices: list[str] = field(default_factory=list)

    @property
    def counts(self) -> np.ndarray:
        return np.bincount(self.y, minlength=len(self.classes))


class OneClass(ValueError):
    """The column that looks like the labels holds one label only (the texts, read with it,
    are refused in a sentence of their own)."""


def propose_columns(table: pd.DataFrame) -> tuple[str, str]:
    """(text column, label column) as the file suggests: the label is the column with the
    fewest distinct values (at least two, at most half the rows; labels 1 and 1.0 count as
    one; on a tie the shorter cells), the text the remaining one with the longest cells that
    are mostly not numbers. A ValueError when the file has no such pair (``guess_columns``
    then gives the page a pair to start from)."""
    if table.shape[1] < 2:
        raise ValueError(tr("The file needs two columns, one of texts and one of their labels; "
                            "it has {count}.", count=table.shape[1]))
    text, label = guess_columns(table)
    words = _label_words(table[label])
    if not 2 <= words.nunique(dropna=True) <= min(MAX_CLASSES, max(2, len(table) // 2)):
        if words.nunique(dropna=True) == 1:
            raise OneClass(tr(
                "The column {column} looks like the labels, but every text has the same one, "
                "{label}: a classifier needs texts of at least two classes. Add texts of another "
                "class, or choose the label column yourself.", column=quoted(label),
                label=quoted(str(table[label].dropna().iloc[0]))))
        raise ValueError(tr("No column looks like labels (a few values, each repeated over many "
                            "texts); choose the label column yourself."))
    return text, label


def guess_columns(table: pd.DataFrame, text: str | None = None,
                  label: str | None = None) -> tuple[str, str]:
    """(text column, label column) of a table of two columns or more, whether or not the label
    column holds usable classes: the label the column of fewest distinct values (the ones with
    at least two and at most half the rows first, a column named as labels, "label", "情感",
    before the others among them; then those that repeat a value, of two values or more before
    a constant one), the text the wordiest of the others; a ``text`` or ``label`` given stays,
    and the other is guessed among the rest."""
    rows = max(len(table), 1)
    length = {c: table[c].dropna().str.len().mean() for c in table.columns}
    length = {c: v if np.isfinite(v) else 0.0 for c, v in length.items()}
    distinct = {c: _label_words(table[c]).nunique(dropna=True) for c in table.columns}
    usable = {c: 2 <= distinct[c] <= min(MAX_CLASSES, max(2, rows // 2)) for c in table.columns}
    # A column named as labels is one even with one value (a file of one class is said so).
    one_named = {c: _named_as_labels(c) and distinct[c] == 1 for c in table.columns}
    label = label if label is not None else min(
        (c for c in table.columns if c != text),
        key=lambda c: (not (usable[c] or one_named[c]),
                       _named_as_texts(c) and not _named_as_labels(c),  # "review_sentiment" is
                       not _named_as_labels(c),                          # a label column
                       distinct[c] >= rows, distinct[c] < 2, distinct[c] == 0, distinct[c],
                       length[c]))
    wordy = {c: pd.to_numeric(table[c], errors="coerce").isna().mean() >= 0.5
             for c in table.columns}  # an id or an amount is no text, however long
    text = text if text is not None else max((c for c in table.columns if c != label),
                                             key=lambda c: (wordy[c], length[c]))
    return text, label


def _named_as_labels(column: str) -> bool:
    """Whether a column's name says it holds labels ("label", "Sentiment", "y", "情感倾向")."""
    return _named(column, LABEL_NAMES, LABEL_NAME_PARTS)


def _named_as_texts(column: str) -> bool:
    """Whether a column's name says it holds the texts ("Review Text", "text", "评论内容")."""
    return _named(column, TEXT_NAMES, TEXT_NAME_PARTS)


def _named(column: str, words: set[str], parts: tuple[str, ...]) -> bool:
    """Whether one of the English ``words`` of ``column``'s name, or one of the Chinese
    ``parts`` in it, is there."""
    return (any(word in words for word in re.findall(r"[a-z]+", str(column).casefold()))
            or any(part in str(column) for part in parts))


def load_labelled(source, name: str | None = None, text_col: str | None = None,
                  label_col: str | None = None) -> LabelledTexts:
    """The labelled texts in ``source`` (a path, bytes or a binary file object); the columns
    are proposed by the file where not given."""
    notices: list[str] = []
    table, name = read_csv_table(source, name, notices, holding="texts")
    return labelled_from_table(table, name, text_col, label_col, notices)


def labelled_from_table(table: pd.DataFrame, name: str, text_col: str | None = None,
                        label_col: str | None = None,
                        notices: list[str] | None = None) -> LabelledTexts:
    """The labelled texts of a table ``read_csv_table`` read (whose ``notices`` come first);
    a page reads the file once and picks the columns from it. A refusal carries the reading's
    notices (``error.notices``), to be said beside it: they often say why (formulas never
    calculated, so a column of labels reads as blank)."""
    try:
        return _labelled(table, name, text_col, label_col, list(notices or []))
    except ValueError as error:
        error.notices = list(notices or [])
        raise


def _labelled(table: pd.DataFrame, name: str, text_col: str | None, label_col: str | None,
              notices: list[str]) -> LabelledTexts:
    for column in (text_col, label_col):
        if column is not None and column not in table.columns:
            raise ValueError(tr("The file has no column {column}; its columns are {columns}.",
                                column=quoted(column),
                                columns=listed([str(c) for c in table.columns])))
    if text_col is None and label_col is None:
        text_col, label_col = propose_columns(table)
    elif text_col is None or label_col is None:  # one given: the other guessed beside it
        if table.shape[1] < 2:
            propose_columns(table)  # its sentence: the file needs two columns
        text_col, label_col = guess_columns(table, text_col, label_col)
    if text_col == label_col:
        raise ValueError(tr("The text and the label must be two different columns."))
    if len(text_col) > HEADER_LONGEST:  # a column name that long is a text: no header row
        notices.append(tr("The first row was read as the column names, but {column} looks like "
                          "a text: if the file has no header row, that text and its label were "
                          "not learnt; add a first row of names (such as text,label) and try "
                          "again.", column=quoted(text_col)))
    texts, labels = table[text_col], _label_words(table[label_col])
    merged = _merged(table[label_col], labels)
    if merged:
        notices.append(tr("Labels that are whole numbers were read as the number, however they "
                          "were written (fractions stay as written): {classes}.",
                          classes=merged))
    blank_text, blank_label = texts.isna(), labels.isna() & texts.notna()
    if blank_text.any():
        notices.append(trn("{count:,} row with a blank text was left out.",
                           "{count:,} rows with a blank text were left out.",
                           int(blank_text.sum())))
    if blank_label.any():
        notices.append(trn("{count:,} row with a blank label was left out.",
                           "{count:,} rows with a blank label were left out.",
                           int(blank_label.sum())))
    kept = ~(blank_text | blank_label)
    texts, labels = texts[kept], labels[kept]
    distinct = labels.nunique()
    texts, labels = _without_rare_classes(texts, labels, notices)
    ordered = sorted(labels.value_counts().items(), key=lambda item: (-item[1], item[0]))
    classes = tuple(label for label, _ in ordered)
    if len(classes) < 2:
        raise ValueError(_too_few_classes(label_col, distinct, len(classes), len(labels)))
    if len(classes) > MAX_CLASSES:
        raise ValueError(tr("The label column {column} has {classes:,} different values; at most "
                            "{most:,} classes are learnt. Choose the column of labels.",
                            column=quoted(label_col), classes=len(classes), most=MAX_CLASSES))
    notices += _label_doubts(classes) + _repeats(texts, labels)
    notices += numbers_for_texts(texts, text_col)
    code = {label: i for i, label in enumerate(classes)}
    y = labels.map(code).to_numpy(dtype=np.int64)
    return LabelledTexts(name, texts.tolist(), y, classes, text_col, label_col,
                         tuple(str(c) for c in table.columns), notices)


def numbers_for_texts(texts: pd.Series, column: str) -> list[str]:
    """A sentence where the texts of ``column`` are nearly all numbers (ids, prices, dates
    written as numbers: nothing a classifier reads), for training and for labelling alike."""
    sample = texts.head(2000).astype(str).str.strip()  # enough to tell, for any file's size
    if len(sample) and pd.to_numeric(sample, errors="coerce").notna().mean() >= 0.9:
        return [tr("The texts of {column} are nearly all numbers: a classifier learns from "
                   "words. If that is not the column of texts, choose another.",
                   column=quoted(column))]
    return []


def _repeats(texts: pd.Series, labels: pd.Series) -> list[str]:
    """Said of texts the file holds more than once: how many rows repeat an earlier one (the
    leak check keeps each text in one part, so fewer are left to validate and test on), and a
    text labelled two ways (no classifier is right on every row of it)."""
    said = []
    key = texts.astype(str).str.strip()
    repeated = int(key.duplicated().sum())
    if repeated:
        said.append(trn("{count:,} text repeats a text already in the file ({distinct:,} "
                        "different texts in all): each text is kept in one of training, "
                        "validation and test, so fewer texts are left to check the model on.",
                        "{count:,} texts repeat a text already in the file ({distinct:,} "
                        "different texts in all): each text is kept in one of training, "
                        "validation and test, so fewer texts are left to check the model on.",
                        repeated, distinct=key.nunique()))
    ways = labels.groupby(key.to_numpy()).nunique()
    torn = ways[ways > 1]
    if len(torn):
        first = str(torn.index[0])
        counts = labels[(key == first).to_numpy()].value_counts()
        said.append(trn("{count:,} text has different labels in different rows, such as "
                        "{text} ({labels}): no classifier can be right on every row of it. "
                        "Check those labels.",
                        "{count:,} texts have different labels in different rows, such as "
                        "{text} ({labels}): no classifier can be right on every row of them. "
                        "Check those labels.", len(torn), text=quoted(first),
                        labels=listing(f"{quoted(str(label))} ×{n}"
                                       for label, n in counts.items())))
    return said


def _too_few_classes(column: str, distinct: int, classes: int, rows: int) -> str:
    """Why ``column`` gives fewer than two classes of MIN_PER_CLASS texts: its ``distinct``
    values (before the rare ones were left out) of which ``classes`` are that common."""
    values = dict(column=quoted(column), least=MIN_PER_CLASS, classes=classes,
                  distinct=distinct)
    if distinct > 2 * MIN_PER_CLASS and classes < 2 and distinct > rows / 2:
        return tr("The label column {column} holds {distinct:,} different values, nearly one "
                  "per row: it looks like a column of texts, not of labels. Choose the column "
                  "of labels (perhaps the two columns are the other way round).", **values)
    if distinct == 0:
        return tr("The label column {column} holds no labels (each row's is blank): choose the "
                  "column of labels.", **values)
    if distinct == 1:
        return tr("The label column {column} holds one value only, so there is nothing to tell "
                  "apart: choose the column of labels, or add texts of another class.", **values)
    if classes == 0:
        return tr("The label column {column} needs at least two classes with {least} texts or "
                  "more each; none of its {distinct:,} different values has that many. Choose "
                  "the column of labels, or add texts.", **values)
    return tr("The label column {column} needs at least two classes with {least} texts or more "
              "each; only one of its {distinct:,} different values has that many. Choose the "
              "column of labels, or add texts.", **values)


def _without_rare_classes(texts: pd.Series, labels: pd.Series,
                          notices: list[str]) -> tuple[pd.Series, pd.Series]:
    """The texts and labels without the classes of fewer than MIN_PER_CLASS texts (too few to
    learn and to test), with a notice naming them."""
    counts = labels.value_counts()
    rare = sorted(counts[counts < MIN_PER_CLASS].index)
    if rare:
        few = int(counts[rare].sum())
        values = dict(names=listed(rare), least=MIN_PER_CLASS)
        notices.append(trn(
            "The class {names} has fewer than {least} texts, too few to learn and to test, so "
            "{count:,} row was left out; add examples of it to train on it.",
            "The class {names} has fewer than {least} texts, too few to learn and to test, so "
            "{count:,} rows were left out; add examples of it to train on it.", few, **values)
            if len(rare) == 1 else trn(
            "The classes {names} have fewer than {least} texts, too few to learn and to test, "
            "so {count:,} row was left out; add examples of them to train on them.",
            "The classes {names} have fewer than {least} texts, too few to learn and to test, "
            "so {count:,} rows were left out; add examples of them to train on them.", few,
            **values))
        keep = ~labels.isin(rare)
        texts, labels = texts[keep], labels[keep]
    return texts, labels


def _label_doubts(classes: tuple[str, ...]) -> list[str]:
    """Classes that may not be what the file meant: labels that differ only in capitals
    (positive, Positive), or a word for "no label" (NA, null) learnt as a class."""
    said = []
    groups: dict[str, list[str]] = {}
    for label in classes:
        groups.setdefault(label.casefold(), []).append(label)
    for same in (g for g in groups.values() if len(g) > 1):
        said.append(tr("The labels {names} differ only in capital letters, so they are learnt "
                       "as different classes; if they mean one class, write them alike in the "
                       "file.", names=listed(same)))
    for label in (c for c in classes if c.strip().casefold() in MISSING_WORDS):
        said.append(tr("The label {name} looks like a missing value but is learnt as a class of "
                       "its own; if those texts have no label, leave it blank (they are then "
                       "left out).", name=quoted(label)))
    if all(re.fullmatch(r"\d{1,2}", c) for c in classes):
        numbers = sorted(int(c) for c in classes)
        scale = (numbers[0], numbers[-1])
        # every step of a rating's scale (topics numbered 1 to 4, or 0 to 9, are no rating)
        if scale in RATING_SCALES and numbers == list(range(scale[0], scale[1] + 1)):
            said.append(tr("The labels are the numbers {low} to {high}: if they are ratings, "
                           "each is learnt as a class of its own, and {near} taken for {high} "
                           "counts as wrong as {low} would. To learn good, neutral and bad, group "
                           "the numbers in the file into those three before loading it.",
                           low=numbers[0], high=numbers[-1], near=numbers[-1] - 1))
    return said


def _label_words(labels: pd.Series) -> pd.Series:
    """Labels as words: a whole number written as 1, 1.0, 1.00 or 1,0 is one class, "1"; any
    other cell (a word, a fraction, a number too big to be a count, 1,000 or 1.000: a thousand
    or one?, 1e0) stays as written."""
    plain = labels.str.fullmatch(r"\s*[-+]?\d+(?:[.,]\d{1,2})?\s*", na=False)
    numbers = pd.to_numeric(labels.where(plain).str.replace(",", ".", regex=False),
                            errors="coerce")
    whole = numbers.notna() & (numbers.abs() < 2**53) & (numbers == numbers.round())
    words = labels.copy()
    words[whole] = numbers[whole].astype(np.int64).astype(str)
    return words


def _merged(written: pd.Series, words: pd.Series) -> str:
    """The classes (up to three) that labels were read as otherwise than written (in more than
    one way, or one way that is not the class's: 2.0 read as 2), each with the ways it was
    written: "'1' ('1', '1.0')"; "" where none was."""
    pairs = pd.DataFrame({"written": written, "word": words}).dropna().drop_duplicates()
    ways = pairs.groupby("word", sort=True)["written"].agg(list)
    ways = ways[[len(w) > 1 or w[0] != word for word, w in ways.items()]]
    return "; ".join(f"{quoted(word)} ({listed(sorted(map(str, written)), limit=4)})"
                     for word, written in ways.head(3).items())
