"""User text inside the project's own sentences: file, column, setting and run names quoted in a
refusal or printed by the command line. Whatever the text holds, what comes out is one short
line a page or a terminal shows as it is: control characters (newlines, terminal escapes) become
spaces, and a long text is cut, so a 100 KB column name makes a sentence, not a 100 KB one."""

from __future__ import annotations

import re
from collections.abc import Iterable

CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
QUOTE_CHARS = 60  # the most of one name a sentence quotes
LIST_NAMES = 5  # the most names a sentence lists


def printable(text) -> str:
    """``text`` with every control character (and so every escape sequence that would move the
    cursor, recolour or retitle a terminal) made a space; otherwise whole."""
    return CONTROL.sub(" ", str(text))


def cut(text, limit: int = QUOTE_CHARS) -> str:
    """``text`` printable and at most ``limit`` characters, ending in … where it was cut."""
    text = printable(text)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def quoted(text, limit: int = QUOTE_CHARS) -> str:
    """``text`` cut and in single quotes, for a sentence: ``quoted(name)`` → ``'sales (€)'``."""
    return f"'{cut(text, limit)}'"


def listed(names: Iterable, limit: int = LIST_NAMES, each: int = 40) -> str:
    """Names for a sentence, each quoted and cut, the first ``limit`` of them and how many
    more: ``'a', 'b', 'c' and 12 more``."""
    names = list(names)
    shown = ", ".join(quoted(name, each) for name in names[:limit])
    more = len(names) - limit
    return f"{shown} and {more:,} more" if more > 0 else shown
