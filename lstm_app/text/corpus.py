"""Owns the text corpus: reading an uploaded .txt file and the character and word vocabularies.

`read_text` guarantees a non-empty str with "\n" line endings and a list of plain-words notices;
problems the user can fix raise a ValueError whose message is one plain sentence (the constants
below). Both vocabularies reserve id 0 for the unknown token, which decodes to "\ufffd".
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import numpy as np

from ..encodings import NOTICES, UTF16_NOTICE, decode_8bit, utf16_without_bom
from ..i18n import N_, tr
from ..scripts import UNSPACED

EMPTY = N_("The file is empty; choose a .txt file with some text in it.")
WHITESPACE_ONLY = N_("The file holds only spaces and line breaks; choose a .txt file with some text in it.")
BINARY = N_("This file is not text (it looks binary); save your text as a plain .txt file (UTF-8) "
          "and use that file.")
CP1252_NOTICE = NOTICES["cp1252"]
NO_SPACES_NOTICE = N_("This text has almost no spaces between words (as in Chinese or Japanese), so it is "
                    "read character by character instead of word by word.")

UNKNOWN_CHAR = "\ufffd"  # what an unknown id decodes to, at both levels
UNKNOWN_WORD = "<unk>"  # id 0 of a word vocabulary; the tokenizer never produces it from text
UNKNOWN_ID = 0  # the id of a token the vocabulary does not hold, at both levels
TOKEN_PATTERN = re.compile(r"\w+|[^\w\s]|\s+")  # covers every character, so tokens join back to the text
MIN_SPACES_PER_CHAR = 1 / 40  # below this a text is treated as unspaced (Chinese, Japanese)
CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")  # Cc, all of it but \t \n \v \f \r
MAX_CONTROL_SHARE = 0.01  # more control characters than this (tabs and line breaks aside) means binary


def read_text(source, name: str | None = None) -> tuple[str, list[str]]:
    """Read a path, bytes or binary file-like object as text; return (text, notices).

    UTF-8 (with or without a BOM) and UTF-16 with a BOM are read silently; other bytes without
    NULs are read as UTF-8 with a few stray bytes, or as Chinese (GBK, Big5) or Western
    (Windows-1252) text, with a notice (``decode_8bit``). `name` is the uploaded
    file's name; it is accepted for callers but the messages do not depend on it.
    """
    if isinstance(source, (str, Path)):
        data = Path(source).read_bytes()
    elif isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
    else:
        data = bytes(source.read())
    if not data:
        raise ValueError(tr(EMPTY))

    notices: list[str] = []
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 BOM; NULs are normal here
        text = _decode_or_none(data, "utf-16")
    elif b"\x00" in data:  # binary, or UTF-16 saved without its mark
        text = utf16_without_bom(data)
        if text is not None:
            notices.append(tr(UTF16_NOTICE))
    else:
        text, notice = decode_8bit(data)
        notices += [notice] if notice else []
    if text is None or _looks_binary(text):
        raise ValueError(tr(BINARY))

    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text:
        raise ValueError(tr(EMPTY))
    if not text.strip():
        raise ValueError(tr(WHITESPACE_ONLY))
    return text, notices


def _decode_or_none(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def _looks_binary(text: str) -> bool:
    """NULs, or more control characters (Unicode's Cc, tabs and line breaks aside) than
    ``MAX_CONTROL_SHARE`` of the text: counted by one regular expression (a loop over a 20 MB
    text's characters took 2.3 s of every upload)."""
    return "\x00" in text or len(CONTROLS.findall(text)) > MAX_CONTROL_SHARE * len(text)


class CharVocab:
    """One token per character: id 0 is the unknown "\ufffd", then the text's characters sorted."""

    level = "char"

    def __init__(self):
        pass  # no parameters: every distinct character of the fitted text is kept

    def fit(self, text: str) -> CharVocab:
        self.itos_ = [UNKNOWN_CHAR] + sorted(set(text) - {UNKNOWN_CHAR})
        self.stoi_ = {token: i for i, token in enumerate(self.itos_)}
        return self

    def encode(self, text: str) -> list[int]:
        return [self.stoi_.get(c, UNKNOWN_ID) for c in text]

    def ids(self, text: str):
        """``encode`` as an int64 tensor, vectorised: a 20 MB text takes a fraction of a second."""
        import torch  # here, not above: `predict` reads vocabularies without PyTorch
        codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
        known = np.array([ord(c) for c in self.itos_[1:]], dtype=np.uint32)  # sorted, as fitted
        pos = np.searchsorted(known, codes).astype(np.int64, copy=False)
        np.minimum(pos, max(len(known) - 1, 0), out=pos)
        hit = known[pos] == codes if len(known) else np.zeros(len(codes), dtype=bool)
        pos += 1  # in place: one array of the text's length, not three (a 49 MB text: 1.2 GB)
        pos[~hit] = 0
        return torch.from_numpy(pos)

    def count(self, text: str) -> int:
        """How many tokens ``text`` is: one a character."""
        return len(text)

    def decode(self, ids) -> str:
        return "".join(self.itos_[int(i)] for i in ids)

    def __len__(self) -> int:
        return len(self.itos_)

    def to_dict(self) -> dict:
        return {"level": self.level, "itos": list(self.itos_)}

    @classmethod
    def from_dict(cls, d: dict) -> CharVocab:
        vocab = cls()
        vocab.itos_ = list(d["itos"])
        vocab.stoi_ = {token: i for i, token in enumerate(vocab.itos_)}
        return vocab


class WordVocab:
    """Words, single punctuation marks and whitespace runs as tokens, so decode(encode(text)) == text.

    Keeps the `max_size` most frequent tokens (ties: first appearance first) after id 0, the
    unknown token "<unk>", which decodes to "\ufffd"; so len(vocab) <= max_size + 1.
    """

    level = "word"

    def __init__(self, max_size: int = 10000):
        self.max_size = max_size

    def fit(self, text: str) -> WordVocab:
        counts = Counter(tokenize(text))  # insertion order is first appearance
        kept = sorted(counts, key=lambda token: -counts[token])[: self.max_size]  # stable sort keeps ties in order
        self.itos_ = [UNKNOWN_WORD] + kept
        self.stoi_ = {token: i for i, token in enumerate(self.itos_)}
        return self

    def encode(self, text: str) -> list[int]:
        return [self.stoi_.get(token, UNKNOWN_ID) for token in tokenize(text)]

    def ids(self, text: str):
        """``encode`` as an int64 tensor."""
        import torch
        return torch.tensor(self.encode(text), dtype=torch.int64)

    def count(self, text: str) -> int:
        """How many tokens ``text`` is, counted without making them."""
        return sum(1 for _ in TOKEN_PATTERN.finditer(text))

    def decode(self, ids) -> str:
        return "".join(UNKNOWN_CHAR if int(i) == 0 else self.itos_[int(i)] for i in ids)

    def __len__(self) -> int:
        return len(self.itos_)

    def to_dict(self) -> dict:
        return {"level": self.level, "max_size": self.max_size, "itos": list(self.itos_)}

    @classmethod
    def from_dict(cls, d: dict) -> WordVocab:
        vocab = cls(max_size=d["max_size"])
        vocab.itos_ = list(d["itos"])
        vocab.stoi_ = {token: i for i, token in enumerate(vocab.itos_)}
        return vocab


def tokenize(text: str) -> list[str]:
    """Split into words, single punctuation marks and whitespace runs; "".join(tokens) == text."""
    return TOKEN_PATTERN.findall(text)


def token_rule(level: str) -> dict:
    """How a text becomes the language model's token ids and back, for a program outside the
    app (export.json), from the constants ``encode`` and ``decode`` use."""
    split = ({"split": "characters", "whitespace": "kept: every character is a token, spaces "
                                                   "and line breaks included"}
             if level == "char" else
             {"split": "pattern", "pattern": TOKEN_PATTERN.pattern,
              "pattern_is": "a Python re pattern on str (Unicode): words, single punctuation "
                            "marks and runs of whitespace, so the tokens join back to the text"})
    return {"level": level, **split, "lower_case": False, "unknown_id": UNKNOWN_ID,
            "id_is": f"a token's index in vocab.itos; a token not in it has id {UNKNOWN_ID}",
            "decode_is": f"vocab.itos[id], joined without separators; id {UNKNOWN_ID} "
                         f"decodes to {UNKNOWN_CHAR!r}",
            "state_is": "h (and c for an LSTM or peephole cell): zeros of (layers, batch, "
                        "hidden_size) float32 before the first tokens, then the h_out (and "
                        "c_out) of the previous call"}


def vocab_from_dict(d: dict) -> CharVocab | WordVocab:
    """Rebuild a vocabulary saved with `to_dict`, whichever its level; a ValueError if ``d`` is
    not one (it may come from a user's bundle)."""
    level = d.get("level") if isinstance(d, dict) else None
    itos = d.get("itos") if isinstance(d, dict) else None
    if level not in ("char", "word") or not isinstance(itos, list) or not itos or \
            not all(isinstance(t, str) for t in itos) or len(set(itos)) != len(itos):
        raise ValueError(tr("a vocabulary is a level and a list of distinct tokens"))
    if level == "char":
        if itos[0] != UNKNOWN_CHAR or any(len(t) != 1 for t in itos) or itos[1:] != sorted(itos[1:]):
            raise ValueError(tr("a character vocabulary starts with the unknown character and "
                                "lists single characters in order"))
        return CharVocab.from_dict(d)
    if itos[0] != UNKNOWN_WORD or not isinstance(d.get("max_size"), int):
        raise ValueError(tr("a word vocabulary starts with the unknown token and has a size "
                            "limit"))
    return WordVocab.from_dict(d)


def make_vocab(text: str, level: str, max_size: int = 10000) -> tuple[CharVocab | WordVocab, list[str]]:
    """Fit the vocabulary for `level` ("char" or "word"); return (vocab, notices).

    At word level a text written without spaces between words falls back to characters, since
    its "words" would be whole sentences: one with fewer than one whitespace per 40 characters,
    or one where most letters are Chinese, Japanese kana or Thai (these may still carry spaces
    and line breaks around Latin words and punctuation).
    """
    if level == "char":
        return CharVocab().fit(text), []
    if level != "word":
        raise ValueError(f"The level must be 'char' or 'word', not {level!r}.")
    spaces = sum(1 for c in text if c.isspace())
    letters = [c for c in text if c.isalpha()]
    unspaced = sum(1 for c in letters if UNSPACED.match(c))
    if text and (spaces < MIN_SPACES_PER_CHAR * len(text) or unspaced > 0.5 * len(letters)):
        return CharVocab().fit(text), [tr(NO_SPACES_NOTICE)]
    return WordVocab(max_size=max_size).fit(text), []


def chars_per_token(text: str, vocab: CharVocab | WordVocab) -> float:
    """Characters per token of `text` under `vocab`: bits per character = bits per token / this."""
    return len(text) / max(1, len(vocab.encode(text)))
