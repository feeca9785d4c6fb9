"""User text (file, column and run names, cells, notes) shown inside markdown as itself."""

from __future__ import annotations

# What formats, links or directs inside a line of Streamlit markdown ("." and "-" only do at a
# line's start, where a name never stands).
MARKDOWN_CHARACTERS = frozenset("\\`*_{}[]()<>#!|~$:")


def plain(text) -> str:
    """``text`` with every markdown character escaped, so that a name can neither format the
    page nor make a link or an image: it reads exactly as it was written."""
    return "".join("\\" + c if c in MARKDOWN_CHARACTERS else c
                   for c in str(text).replace("\n", " "))
