"""User text written out by the project: inside its own sentences (file, column, setting and
run names quoted in a refusal or printed by the command line), and in the CSV files it writes. Whatever the text holds, what comes out is one short
line a page or a terminal shows as it is: control characters (newlines, terminal escapes) become
spaces, and a long text is cut, so a 100 KB column name makes a sentence, not a 100 KB one."""

from __future__ import annotations

import csv
import errno
import os
import re
import unicodedata
from pathlib import Path
from collections.abc import Iterable

import pandas as pd

from .i18n import N_, listing, tr

# The controls that reorder the text after them (embeddings, overrides, isolates): a name
# holding one would draw the app's own words around it backwards ("gpj.exe").
BIDI = "\u202a-\u202e\u2066-\u2069"
BIDI_CONTROL = re.compile(f"[{BIDI}]")
CONTROL = re.compile(f"[\\x00-\\x1f\\x7f-\\x9f{BIDI}]")
LINE_CONTROL = re.compile(f"[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f{BIDI}]")  # not tab, newline
QUOTE_CHARS = 60  # the most of one name a sentence quotes
LIST_NAMES = 5  # the most names a sentence lists


def printable(text) -> str:
    """``text`` with every control character (and so every escape sequence that would move the
    cursor, recolour or retitle a terminal, and every control that reorders text) made a space;
    otherwise whole."""
    return CONTROL.sub(" ", str(text))


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


def quoted(text, limit: int = QUOTE_CHARS) -> str:
    """``text`` cut and in single quotes, for a sentence: ``quoted(name)`` → ``'sales (€)'``."""
    return f"'{cut(text, limit)}'"


def ljust(text: str, width: int) -> str:
    """``text`` padded to ``width`` terminal columns (a Chinese character takes two)."""
    return f"{text:{width - _wide(text)}}"


def rjust(text: str, width: int) -> str:
    """``text`` right-aligned in ``width`` terminal columns (a Chinese character takes two)."""
    return f"{text:>{width - _wide(text)}}"


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


# The C library's words for a file that cannot be read (English), as the catalog has them.
OS_ERRORS = {errno.ENOENT: N_("No such file or directory"), errno.EACCES: N_("Permission denied"), errno.EISDIR: N_("Is a directory"),
             errno.ENOTDIR: N_("Not a directory"), errno.ENOSPC: N_("No space left on device"),
             errno.EROFS: N_("Read-only file system"), errno.EPERM: N_("Operation not permitted"),
             errno.EEXIST: N_("File exists")}


def error_sentence(error: ValueError | OSError) -> str:
    """What the command line says of bad input, in the reader's language: the refusal's own
    sentence (already in it), or for a file that cannot be read, which file and why."""
    if isinstance(error, FileNotFoundError):
        folder = Path(error.filename).parent if error.filename else None
        if folder is not None and str(folder) not in ("", ".") and not folder.exists():
            return tr("There is no folder {path}; create it or give another path.",
                      path=f"'{printable(folder)}'")
        return tr("There is no file at {path}; check the path.",
                  path=f"'{printable(error.filename)}'")
    if isinstance(error, FileExistsError) and error.filename:
        return tr("{path} is already there and is not a folder; give the name of a new folder.",
                  path=f"'{printable(error.filename)}'")
    if isinstance(error, IsADirectoryError) and error.filename:
        return tr("{path} is a folder; give the path of a file in it.",
                  path=f"'{printable(error.filename)}'")
    if isinstance(error, OSError) and error.strerror:
        return os_reason(error)
    return printable(str(error))


def check_writable(path) -> None:
    """Refuse, before any work, a file to write whose folder is not there, that is a folder
    (``error_sentence`` says which) or that cannot be written (opened to add to, and removed
    again where it was not there): a study or a training would otherwise run to its end
    first."""
    if path is None:
        return
    path = Path(path)
    if not path.parent.is_dir():
        raise FileNotFoundError(errno.ENOENT, "No such file or directory", str(path))
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, "Is a directory", str(path))
    there = os.path.lexists(path)  # a link to nowhere is there: never replaced by a file
    if there and not path.is_file():
        return  # a pipe or a device (/dev/stdout): written as it is, never opened to try
    try:  # opened without waiting, and created only where nothing was (then removed again)
        flags = os.O_WRONLY | os.O_NONBLOCK | (os.O_APPEND if there else os.O_CREAT | os.O_EXCL)
        os.close(os.open(path, flags, 0o644))
    except OSError as error:
        raise ValueError(tr("{path} cannot be created in its folder; give a path in a folder you "
                            "can write to.", path=f"'{printable(path)}'")
                         if error.errno == errno.ENOENT else
                         tr("{path} cannot be written ({reason}); give a path in a folder you "
                            "can write to.", path=f"'{printable(path)}'",
                            reason=os_reason(error))) from None
    if not there:
        path.unlink(missing_ok=True)


def check_apart(written: dict, read: Iterable) -> None:
    """Refuse, before any work, a file to write (``written``: its option, its path) that is one
    of the files the command reads, or that another option writes too: the user's data would be
    replaced by a report, or one output by the other."""
    def same(a, b) -> bool:
        try:
            return os.path.samefile(a, b)
        except OSError:  # one is not there yet: the same only by name
            return Path(a).resolve() == Path(b).resolve()

    # A device or a pipe (/dev/null, /dev/stdout) takes any number of writers: never refused
    named = [(option, path) for option, path in written.items() if path is not None
             and (os.path.isfile(path) or not os.path.exists(path))]
    for at, (option, path) in enumerate(named):
        for other, earlier in named[:at]:
            if same(path, earlier):
                raise ValueError(tr("{option} and {other} name the same file; give each its own "
                                    "path.", option=other, other=option))
        if any(source is not None and os.path.isfile(source) and same(path, source)
               for source in read):
            raise ValueError(tr("{option} names {path}, a file this command reads: writing it "
                                "would replace it. Give another path.", option=option,
                                path=f"'{printable(path)}'"))


def os_reason(error: OSError) -> str:
    """Why the system could not read a file, in the reader's language where the catalog has
    the C library's words (English otherwise)."""
    known = OS_ERRORS.get(error.errno)
    return printable(tr(known) if known and error.strerror == known else error.strerror or "")
