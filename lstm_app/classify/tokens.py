"""Owns turning texts into token ids for the classifier: the level (characters or words), the
vocabulary (fitted on the training texts only) and the ids of every text, kept ragged.

Chinese, Japanese, Thai and other scripts written without spaces are read one character at a
time (the default wherever most letters are of such a script); languages with spaces one word
(or punctuation mark) at a time, lower-cased. Id 0 pads a batch, id 1 stands for a token the
training texts never had.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from ..scripts import UNSPACED

PAD, UNKNOWN = 0, 1
FIRST_ID = 2  # the id of the vocabulary's first token: its tokens follow PAD and UNKNOWN
WORD = re.compile(r"\w+|[^\w\s]")
SPACE = re.compile(r"\s")
WORD_OF_LETTERS = re.compile(r"[^\W\d_]+")
# Read by character where this share of the writing's words are characters of unspaced scripts
# (each such character counts as a word: a share of letters undercounted them, so that reviews
# three in four of which were Chinese, beside English words of five letters, read by word).
CHAR_SHARE = 0.3
JUDGED = 200_000  # characters the level is judged on


def choose_level(texts: list[str]) -> str:
    """"char" when much of the writing is in a script without spaces, else "word"; judged on
    about JUDGED characters of texts taken evenly from the whole file (its first ones alone
    judged a file of English rows above many more Chinese ones English)."""
    total = sum(map(len, texts))
    every = max(1, -(-total // JUDGED))  # every n-th text
    joined = "\n".join(texts[::every])
    unspaced = len(UNSPACED.findall(joined))
    words = unspaced + len(WORD_OF_LETTERS.findall(UNSPACED.sub(" ", joined)))
    return "char" if words and unspaced / words >= CHAR_SHARE else "word"


def token_spans(text: str, level: str) -> list[tuple[int, int]]:
    """Where each token of ``text`` lies in it: (start, end) of each character (spaces aside),
    or of each word and punctuation mark."""
    if level == "char":
        return [(i, i + 1) for i, ch in enumerate(text) if not ch.isspace()]
    return [match.span() for match in WORD.finditer(text)]


def tokenize(text: str, level: str) -> list[str]:
    """Characters (spaces aside), or lower-cased words and punctuation marks: the text at
    ``token_spans``."""
    if level == "char":
        return [ch for ch in text if not ch.isspace()]
    return [text[start:end].lower() for start, end in token_spans(text, level)]


def token_lengths(texts: list[str], level: str) -> np.ndarray:
    """(texts,) how many tokens each text has at ``level``, counted without making them."""
    if level == "char":
        return np.fromiter((len(text) - len(SPACE.findall(text)) for text in texts), np.int64,
                           len(texts))
    return np.fromiter((len(WORD.findall(text)) for text in texts), np.int64, len(texts))


@dataclass(frozen=True)
class TokenVocabulary:
    level: str
    tokens: tuple[str, ...]   # id FIRST_ID (2) onwards; 0 pads, 1 is unknown

    @classmethod
    def fit(cls, texts: list[str], level: str, max_size: int) -> "TokenVocabulary":
        """The ``max_size`` most frequent tokens of the (training) ``texts``, ties by first
        appearance."""
        counts = Counter(token for text in texts for token in tokenize(text, level))
        return cls(level, tuple(token for token, _ in counts.most_common(max_size)))

    def __len__(self) -> int:
        return len(self.tokens) + FIRST_ID

    def ids(self, text: str) -> list[int]:
        index = self.index
        return [index.get(token, UNKNOWN) for token in tokenize(text, self.level)]

    @cached_property
    def index(self) -> dict[str, int]:
        """Each token's id."""
        return {token: i + FIRST_ID for i, token in enumerate(self.tokens)}


def token_rule(level: str, max_length: int) -> dict:
    """How a text becomes the classifier's input, for a program outside the app (export.json),
    from the constants ``tokenize`` and ``classify.batches.encode`` use."""
    split = ({"split": "characters", "skip": "whitespace characters (Python str.isspace)",
              "lower_case": False} if level == "char" else
             {"split": "pattern", "pattern": WORD.pattern,
              "pattern_is": "a Python re pattern on str (Unicode: \\w is a letter, digit or "
                            "underscore of any script): words and single punctuation marks, "
                            "whitespace skipped",
              "lower_case": True, "lower_case_is": "each token lower-cased after the split "
                                                   "(Python str.lower)"})
    return {"level": level, **split, "padding_id": PAD, "unknown_id": UNKNOWN,
            "first_token_id": FIRST_ID,
            "id_is": f"vocab.tokens[i] has id i + {FIRST_ID}; a token not in vocab.tokens has "
                     f"id {UNKNOWN}",
            "max_length": max_length, "keep": "first",
            "keep_is": f"a text of more than max_length tokens reads its first {max_length}",
            "empty_text": [UNKNOWN],
            "batch_is": f"tokens: (batch, steps) int64, each text's ids then {PAD} up to the "
                        "longest text of the batch; lengths: (batch,) int64, each text's count "
                        "of ids (at least 1)"}
