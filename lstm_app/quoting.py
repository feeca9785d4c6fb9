"""User text written out by the project: inside its own sentences (file, column, setting and
run names quoted in a refusal or printed by the command line), and in the CSV files it writes. Whatever the text holds, what comes out is one short
line a page or a terminal shows as it is: control characters (newlines, terminal escapes) become
spaces, and a long text is cut, so a 100 KB column name makes a sentence, not a 100 KB one."""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable

import pandas as pd

from .i18n import listing, tr

# The controls that reorder the text after them (embeddings, overrides, isolates): a name
# holding one would draw the app's own words around it backwards ("gpj.exe").
BIDI = "\u202a-\u202e\u2066-\u2069"
BIDI_CONTROL = re.compile(f"[{BIDI}]")
CONTROL = re.compile(f"[\\x00-\\x1f\\x7f-\\x9f{BIDI}]")
LINE_CONTROL = re.compile(f"[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f{BIDI}]")  # not tab, newline
# What draws nothing alone: format characters (zero-width spaces, joiners), combining marks
# (variation selectors), and the fillers and blanks that are letters or symbols by category.
UNSEEN_KINDS = ("Cf", "Mn", "Me")
UNSEEN = "\u115f\u1160\u3164\uffa0\u2800"
QUOTE_CHARS = 60  # the most of one name a sentence quotes
LIST_NAMES = 5  # the most names a sentence lists


def printable(text) -> str:
    """``text`` with every control character (and so every escape sequence that would move the
    cursor, recolour or retitle a terminal, and every control that reorders text) made a space;
    otherwise whole."""
    return CONTROL.sub(" ", str(text))


def name_given(text) -> str:
    """A name as typed, printable and stripped; "" (no name given) where nothing of it would be
    seen: only spaces and invisible characters (zero-width spaces, joiners)."""
    name = printable(text).strip()
    seen = "".join(c for c in name if unicodedata.category(c) not in UNSEEN_KINDS
                   and c not in UNSEEN)
    return name if seen.strip() else ""


def printable_lines(text) -> str:
    """``text`` as ``printable`` makes it, its lines and tabs kept (a generated sample)."""
    return LINE_CONTROL.sub(" ", str(text))


def no_bidi(text) -> str:
    """``text`` without the controls that would reorder what is drawn after it (for a page,
    where the other control characters draw nothing)."""
    return BIDI_CONTROL.sub("", str(text))


def cut(text, limit: int = QUOTE_CHARS) -> str:
    """``text`` printable and at most ``limit`` characters, ending in … where it was cut."""
    text = printable(text)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def readable_number(value: float) -> str:
    """A number in a sentence: three figures under 1,000 (0.123, 45.6), whole above (18,351;
    not 1.84e+04)."""
    return f"{value:,.3g}" if abs(float(f"{value:.3g}")) < 1000 else f"{value:,.0f}"


def quoted(text, limit: int = QUOTE_CHARS) -> str:
    """``text`` cut and in single quotes, for a sentence: ``quoted(name)`` → ``'sales (€)'``."""
    return f"'{cut(text, limit)}'"


def ljust(text: str, width: int) -> str:
    """``text`` padded to ``width`` terminal columns (a Chinese character takes two)."""
    return f"{text:{width - _wide(text)}}"


def rjust(text: str, width: int) -> str:
    """``text`` right-aligned in ``width`` terminal columns (a Chinese character takes two)."""
    return f"{text:>{width - _wide(text)}}"


def columns(text: str) -> int:
    """The terminal columns ``text`` takes (a Chinese character two)."""
    return len(text) + _wide(text)


def _wide(text: str) -> int:
    return sum(unicodedata.east_asian_width(ch) in "WF" for ch in text)


def listed(names: Iterable, limit: int = LIST_NAMES, each: int = 40) -> str:
    """Names for a sentence, each quoted and cut, the first ``limit`` of them and how many
    more: ``'a', 'b', 'c' and 12 more``."""
    names = list(names)
    shown = listing(quoted(name, each) for name in names[:limit])  # 、 between them in Chinese
    more = len(names) - limit
    return tr("{names} and {more} more", names=shown, more=f"{more:,}") if more > 0 else shown


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet runs as a formula


def spreadsheet_csv(table: pd.DataFrame) -> str:
    """``table`` as CSV, safe to open in a spreadsheet: a text cell (a name, a note, a series id:
    the user's) that a spreadsheet would run as a formula gets a leading apostrophe, and the
    text starts with a byte-order mark, without which Excel reads UTF-8 in the computer's code
    page (Chinese Windows: GBK, so 评论 becomes mojibake). pandas and the app read it as UTF-8."""
    table = table.copy()
    text = table.select_dtypes(exclude="number").columns
    table[text] = table[text].map(
        lambda v: "'" + v if isinstance(v, str) and v.startswith(FORMULA_STARTS) else v)
    return "\ufeff" + table.to_csv(index=False, quoting=csv.QUOTE_NONNUMERIC)  # a lone "\r" stays in its cell
