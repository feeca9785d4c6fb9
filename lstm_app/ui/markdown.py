"""User text (file, column and run names, cells, notes) shown inside markdown, and in tables, as
itself."""

from __future__ import annotations

import re

import pandas as pd

from ..i18n import again
from ..quoting import BIDI_CONTROL, no_bidi

# What formats, links or directs inside a line of Streamlit markdown ("." and "-" only do at a
# line's start, where a name never stands; "&" begins an entity: "&amp;" was read as "&").
MARKDOWN_CHARACTERS = frozenset("\\`*_{}[]()<>#!|~$:&")
# What the renderer turns into a link by itself, even escaped: web addresses and e-mail
# addresses. An invisible word joiner (U+2060) after their first character breaks the pattern.
AUTOLINKS = re.compile(r"://|www\.|@", re.IGNORECASE)
# What the renderer turns into an icon or an emoji, even with its colons escaped: a shortcode
# (":material/home:", ":tada:", ":100:"). The same joiner after its first colon breaks it; a
# time's colons (10:30:45: digits on both sides) are left alone.
SHORTCODE = re.compile(r"(?<!\d):(?=[\w+\-/]+:)|:(?=[\w+\-/]*[^\W\d][\w+\-/]*:)")
WORD_JOINER = "\u2060"


def plain(text) -> str:
    """``text`` with every markdown character escaped and no address left to link itself nor
    shortcode to draw itself, so that a name can neither format the page nor make a link, an
    image or an icon (nor turn the words around it backwards): it reads as it was written. A
    sentence the app made earlier (a result's notice) is said again in the reader's language of
    the moment first. Spaces at its ends are left out: markdown draws none there, and inside
    bold marks ("** neu **", a label whose control characters were written as spaces) they kept
    the bold from being drawn."""
    text = AUTOLINKS.sub(lambda m: m.group(0)[0] + WORD_JOINER + m.group(0)[1:],
                         no_bidi(again(text)).replace("\n", " ").strip())
    text = SHORTCODE.sub(":" + WORD_JOINER, text)
    return "".join("\\" + c if c in MARKDOWN_CHARACTERS else c for c in text)


LINE_START = re.compile(r"^([-+=]|\d+[.)])")  # a list, a numbered list or a heading's rule


def plain_lines(text) -> str:
    """``text`` of several lines (a note) as markdown that keeps its lines and formats nothing:
    each line ``plain``, and what would start a list or a heading at a line's start escaped;
    blank lines left out."""
    lines = [plain(line) for line in str(text).splitlines() if line.strip()]
    return "  \n".join(LINE_START.sub(lambda m: m.group(0)[:-1] + "\\" + m.group(0)[-1], line)
                       for line in lines)


def table_shown(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` for a table on the page: its text cells and column names without the controls
    that turn text around (a label "\\u202eevil" drew as "live"); numbers and order untouched."""
    out, names, seen = frame.copy(), [], set()
    for name in frame.columns:  # each still its own column ("sales" and "sales\u202e")
        shown = no_bidi(name) if isinstance(name, str) else name
        n, base = 1, shown
        while shown in seen:
            n += 1
            shown = f"{base} ({n})"
        seen.add(shown)
        names.append(shown)
    out.columns = names
    for i, dtype in enumerate(out.dtypes):
        if dtype == object or pd.api.types.is_string_dtype(dtype):
            values = out.iloc[:, i]
            out.iloc[:, i] = values.where(
                ~values.map(lambda v: isinstance(v, str)),
                values.astype(str).str.replace(BIDI_CONTROL, "", regex=True))
    return out
