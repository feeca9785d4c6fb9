"""argparse's own words ("usage:", "options", "error:", "the following arguments are required:"
…) in the reader's language, for the command line (``cli.main`` and predict's own entry,
``export.commands.main``, which runs without PyTorch and so cannot import cli).

argparse translates its words with gettext's ``_``, imported into its module. While a parser is
built and used, ``argparse_in_language()`` points ``argparse._`` at ``argparse_word`` and puts
gettext's back afterwards (nothing else in the process sees the change after the ``with``).
``argparse_word`` gives argparse its own English untouched when the reader reads English or the
sentence has no Chinese; otherwise the catalog's Chinese of the sentence below. The catalog
writes each sentence with named ``{placeholders}`` (as every sentence of the product); argparse
fills its sentences with ``%`` formatting, so the hook puts argparse's own ``%(name)s``/``%s``
back where the Chinese has the placeholders (the n-th placeholder of the English, left to right,
is the n-th ``%`` of argparse's sentence).
"""

from __future__ import annotations

import argparse
import re
import unicodedata
from contextlib import contextmanager

from .i18n import N_, language, tr
from .quoting import columns

# argparse's sentence (Python 3.11 and later) -> the catalog's, with {named} placeholders.
ARGPARSE_WORDS = {
    "usage: ": N_("usage: "),
    "positional arguments": N_("positional arguments"),
    "options": N_("options"),
    "show this help message and exit": N_("show this help message and exit"),
    "%(prog)s: error: %(message)s\n": N_("{prog}: error: {message}"),
    "the following arguments are required: %s":
        N_("the following arguments are required: {arguments}"),
    "invalid choice: %(value)r (choose from %(choices)s)":
        N_("invalid choice: {value} (choose from {choices})"),
    "argument %(argument_name)s: %(message)s": N_("argument {argument_name}: {message}"),
    "unrecognized arguments: %s": N_("unrecognized arguments: {arguments}"),
    "expected one argument": N_("expected one argument"),
    "expected at least one argument": N_("expected at least one argument"),
    "expected at most one argument": N_("expected at most one argument"),
    "invalid %(type)s value: %(value)r": N_("invalid {type} value: {value}"),
    "ambiguous option: %(option)s could match %(matches)s":
        N_("ambiguous option: {option} could match {matches}"),
    "not allowed with argument %s": N_("not allowed with argument {argument}"),
    "one of the arguments %s is required": N_("one of the arguments {arguments} is required"),
    "ignored explicit argument %r": N_("ignored explicit argument {argument}"),
    "unknown parser %(parser_name)r (choices: %(choices)s)":
        N_("unknown parser {parser_name} (choices: {choices})"),
}
_PERCENT = re.compile(r"%(?:\(\w+\))?[rsd]")
_BRACES = re.compile(r"\{(\w+)\}")


def argparse_word(message: str) -> str:
    """argparse's ``message`` in the reader's language, with argparse's ``%`` placeholders."""
    ours = ARGPARSE_WORDS.get(message)
    if ours is None or language() == "en":
        return message
    text = tr(ours)
    if text == ours:  # no Chinese for it: argparse's own sentence
        return message
    spec = dict(zip(_BRACES.findall(ours), _PERCENT.findall(message)))
    text = _BRACES.sub(lambda found: spec[found.group(1)], text)
    return text + "\n" if message.endswith("\n") and not text.endswith("\n") else text


@contextmanager
def argparse_in_language():
    """argparse speaks the reader's language inside the ``with`` (build the parser and parse
    inside it: argparse asks for some words when a parser is made, others when it writes)."""
    saved = argparse._
    argparse._ = argparse_word
    try:
        yield
    finally:
        argparse._ = saved


# Chinese punctuation that never starts a line (it stays with the character before it).
CLOSING = set("，。、；：？！）」』”’》〉】…")


class Parser(argparse.ArgumentParser):
    """argparse's parser whose help is wrapped by terminal columns (``WideHelpFormatter``); its
    subcommands' parsers are of this class too."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", WideHelpFormatter)
        super().__init__(*args, **kwargs)


class WideHelpFormatter(argparse.HelpFormatter):
    """argparse counts characters when it wraps help; a Chinese character takes two columns
    of a terminal, so Chinese help ran past its edge. Text with wide characters is wrapped by
    columns here (English exactly as argparse wraps it)."""

    def _split_lines(self, text, width):
        if not _has_wide(text):
            return super()._split_lines(text, width)
        return wrapped(self._whitespace_matcher.sub(" ", text).strip(), width)

    def _fill_text(self, text, width, indent):
        if not _has_wide(text):
            return super()._fill_text(text, width, indent)
        text = self._whitespace_matcher.sub(" ", text).strip()
        return "\n".join(indent + line for line in wrapped(text, width - len(indent)))


def wrapped(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` terminal columns: a line may break between two
    Chinese characters or at a space, never inside a Latin word or a `code` span nor before
    。，） and the like."""
    units = re.findall(r"`[^`]*`\s*|[^\s`\u2e80-\uffef]+\s*|[\u2e80-\uffef]\s*|\s+|`", text)
    lines, line = [], ""
    for unit in units:
        if line and columns((line + unit).rstrip()) > width and unit[0] not in CLOSING:
            lines.append(line.rstrip())
            line = unit.lstrip()
        else:
            line += unit
    return [*lines, line.rstrip()] if line.strip() else lines


def _has_wide(text: str) -> bool:
    return any(unicodedata.east_asian_width(ch) in "WF" for ch in text)
