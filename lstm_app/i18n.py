"""The product's words in the reader's language: English (written in the code) and 简体中文.

Every visible sentence is written once, in English, as a whole sentence with named
placeholders inside ``tr``::

    tr("The file holds {count:,} series; at most {limit:,} are read.", count=n, limit=m)
    trn("{count:,} series is left out.", "{count:,} series are left out.", n)

and its Chinese is the entry with that English as its ``msgid`` in the gettext catalog
``lstm_app/locale/zh_CN/LC_MESSAGES/messages.po`` (read with Babel; a Chinese sentence puts the
placeholders where Chinese word order wants them). ``N_`` marks a sentence to be translated
where it is shown (a label in a table of constants). ``lstm_app/locale/glossary.csv`` fixes
the Chinese of the LSTM terms; tests/test_i18n.py checks that every ``tr`` and ``N_`` sentence
has its Chinese, with the same placeholders, and that the glossary is followed.

The language is the reader's: a context variable, set by each page run (the sidebar's switch,
``?lang=zh``, else the browser's language) and by the command line (``LANG``, ``LC_ALL`` or
``LC_MESSAGES``, e.g. ``zh_CN.UTF-8``). Column names, file names and the user's own text are
placeholders' values, never translated.

What ``tr`` returns is a ``Said``: the sentence as a str that remembers its English, its values
and its language, so that ``again`` says it in the reader's language of the moment (a verdict
made before a switch, a saved run's notices: ``said_form`` / ``said_from`` keep that in JSON and
read back only the catalog's own sentences). A sentence built by rules of its own is made by a
function marked ``sayable``, which ``again`` calls once more.

Updating the catalog after adding sentences: README, "English and 简体中文" (pybabel extract,
then pybabel update, then the new msgstrs).
"""

from __future__ import annotations

import functools
import os
import re
import string
import unicodedata
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Callable

LANGUAGES = {"en": "English", "zh": "简体中文"}
LOCALES = {"en": "en_US", "zh": "zh_CN"}  # Babel's names, for catalogs, numbers and dates
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
_language: ContextVar[str | None] = ContextVar("language", default=None)
_fallback: list[Callable[[], str | None]] = []  # where a context without a language asks


def set_language(code: str | None) -> str:
    """Use ``code`` ("en" or "zh"; anything else is English) from here on in this thread (or
    context); returns the language in use."""
    code = code if code in LANGUAGES else "en"
    _language.set(code)
    return code


def ask_language_with(source: Callable[[], str | None]) -> None:
    """Where a thread that has not set its language asks for it (the app: the session's
    choice, for callbacks that run before the page sets it)."""
    _fallback[:] = [source]


def language() -> str:
    code = _language.get()
    if code is None and _fallback:
        code = _fallback[0]()
    return code if code in LANGUAGES else "en"


class Said(str):
    """A sentence as ``tr``, ``trn``, ``sentences``, ``listing`` or ``capitalized`` made it, which
    remembers how (``how``) and in which language (``code``), so that ``again`` can say it once
    more in the reader's language of the moment: a verdict or a notice kept in a result while
    the reader switches language. Anywhere else it is the str it reads as (a file, a report, a
    comparison)."""

    def __new__(cls, text: str, how: tuple, code: str | None = None):
        said = super().__new__(cls, text)
        said.how, said.code = how, code or language()
        return said

    def __reduce__(self):  # a worker process sends results back pickled
        return (Said, (str(self), self.how, self.code))


def again(text):
    """``text`` in the reader's language now, where it is a ``Said`` made in another one (before
    a switch, or by a run trained in it); anything else as it is. The sentences it holds are
    said again too."""
    if not isinstance(text, Said) or text.code == language():
        return text
    try:
        kind, *rest = text.how
        if kind == "tr":
            message, values = rest
            return tr(message, **_again(values))
        if kind == "trn":
            singular, plural, count, values = rest
            return trn(singular, plural, count, **_again(values))
        if kind == "join":
            return sentences(*(again(part) for part in rest[0]))
        if kind == "list":
            return listing(again(item) for item in rest[0])
        if kind == "clauses":
            return clauses(again(item) for item in rest[0])
        if kind == "capitalized":
            return capitalized(again(rest[0]))
        if kind == "call":
            name, args = rest
            return _SAYABLE[name](*args)
    except Exception:  # a form from a file that does not fit its sentence: the text as saved
        pass
    return text


def _again(values: dict) -> dict:
    return {name: again(value) for name, value in values.items()}


_SAYABLE: dict[str, Callable] = {}  # the functions ``sayable`` marks, by name


def sayable(function: Callable) -> Callable:
    """Mark a function that makes a sentence by rules of its own rather than with one ``tr``
    (words joined by language; its arguments are plain values): what it returns is a ``Said``
    that ``again`` says once more by calling it with the same arguments."""
    name = f"{function.__module__}.{function.__qualname__}"

    @functools.wraps(function)
    def made(*args):
        text = function(*args)
        return Said(text, ("call", name, args)) if text else text

    _SAYABLE[name] = made
    return made


def said_form(text) -> list | None:
    """How ``text`` was said, as JSON can hold it (a saved run's notices; ``said_from`` reads it
    back): None where it is not a ``Said``. A value JSON has no type for is kept as its text."""
    if not isinstance(text, Said):
        return None
    kind, *rest = text.how
    if kind in ("tr", "trn"):
        *head, values = rest
        rest = [*head, {name: _value_form(value) for name, value in values.items()}]
    elif kind == "call":
        rest = [rest[0], [_value_form(arg) for arg in rest[1]]]
    elif kind in ("join", "list", "clauses"):
        rest = [[_value_form(part) for part in rest[0]]]
    else:
        rest = [_value_form(rest[0])]
    return [text.code, kind, *rest]


def _value_form(value):
    if isinstance(value, Said):
        return {"said": said_form(value), "text": str(value)}
    if isinstance(value, (str, bool, int, float)) or value is None:
        return value
    item = getattr(value, "item", None)  # a NumPy number
    number = item() if callable(item) and getattr(value, "ndim", 1) == 0 else None
    return number if isinstance(number, (bool, int, float)) else str(value)


def said_from(text: str, form, depth: int = 0) -> str:
    """``text`` as a ``Said`` again, where ``form`` (``said_form``'s, read from a file that may
    be a user's own) says it with sentences of this app's catalog; else ``text`` as it is."""
    try:
        code, how = form[0], _how_from(form[1:], depth)
        ok = how is not None and isinstance(text, str) and code in LANGUAGES
    except Exception:  # whatever a crafted form makes the checks raise
        ok = False
    return Said(text, how, code) if ok else text


def said_forms(texts) -> list:
    """``said_form`` of each text: what a saved run keeps beside its notices."""
    return [said_form(text) for text in texts]


def said_all(texts, forms) -> list:
    """``said_from`` of each text with its form, where ``forms`` (from a file) is a list."""
    forms = forms if isinstance(forms, list) else []
    return [said_from(text, forms[i] if i < len(forms) else None) for i, text in enumerate(texts)]


def _how_from(form, depth: int) -> tuple | None:
    if depth > 8 or not isinstance(form, list) or not form:
        return None
    known = _catalog("zh")  # every sentence of the app is a msgid there
    kind, *rest = form
    value = lambda v: (said_from(str(v["text"]), v["said"], depth + 1) if isinstance(v, dict)
                       else v if isinstance(v, (str, bool, int, float)) or v is None else None)
    if kind == "tr" and len(rest) == 2 and rest[0] in known and isinstance(rest[1], dict):
        return ("tr", rest[0], {str(k): value(v) for k, v in rest[1].items()})
    if kind == "trn" and len(rest) == 4 and rest[0] in known \
            and rest[1] == _plurals().get(rest[0]) and type(rest[2]) is int \
            and isinstance(rest[3], dict):  # the plural the catalog gives, not the file's own
        return ("trn", rest[0], rest[1], rest[2], {str(k): value(v) for k, v in rest[3].items()})
    if kind == "call" and len(rest) == 2 and rest[0] in _SAYABLE and isinstance(rest[1], list) \
            and all(isinstance(v, (str, bool, int, float)) or v is None for v in rest[1]):
        return ("call", rest[0], tuple(rest[1][:8]))
    if kind in ("join", "list", "clauses") and len(rest) == 1 and isinstance(rest[0], list):
        return (kind, tuple(value(part) for part in rest[0][:50]))
    if kind == "capitalized" and len(rest) == 1:
        return (kind, value(rest[0]))
    return None


def tr(message: str, /, **values) -> str:
    """``message`` in the reader's language, its placeholders filled with ``values`` (a ``Said``:
    ``again`` says it again in another language)."""
    text, code = message, language()
    if code != "en":
        text = _catalog(code).get(message) or message
    return Said(_filled(text, values, code) if values else text, ("tr", message, values), code)


def trn(singular: str, plural: str, count: int, /, **values) -> str:
    """The sentence for ``count`` things (English: ``singular`` for one, else ``plural``;
    Chinese has one form), its placeholders filled with ``values`` and ``count``."""
    text, code = (singular if count == 1 else plural), language()
    if code != "en":
        text = _catalog(code).get(singular) or text
    return Said(_filled(text, dict(values, count=count), code),
                ("trn", singular, plural, count, values), code)


_FORMATTER = string.Formatter()
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


def _filled(text: str, values: dict, code: str) -> str:
    """``text`` with its placeholders filled. In Chinese a value that begins or ends with a
    Latin letter (a method's name, an English column's) stands a space apart from the Chinese
    characters beside it, as the catalog spaces its own Latin words ("AutoARIMA 的预测", not
    "AutoARIMA的预测"); digits stay against them (2023年)."""
    if code == "en":
        return text.format(**values)
    pieces: list[tuple[str, bool]] = []  # (text, whether it is a value)
    for literal, field, spec, conversion in _FORMATTER.parse(text):
        if literal:
            pieces.append((literal, False))
        if field is not None:
            if "{" in (spec or ""):  # a nested field: left to str.format, unspaced
                return text.format(**values)
            value = _FORMATTER.convert_field(_FORMATTER.get_field(field, (), values)[0],
                                             conversion)
            pieces.append((_FORMATTER.format_field(value, spec or ""), True))
    out = ""
    for (before, value_before), (after, value_after) in zip([("", False)] + pieces, pieces):
        if out and (value_before or value_after) and (
                (value_after and HAN.match(out[-1]) and after[:1].isascii() and after[:1].isalpha())
                or (value_before and before[-1:].isascii() and before[-1:].isalpha()
                    and HAN.match(after[:1] or " "))):
            out += " "
        out += after
    return out


def capitalized(text: str) -> str:
    """``text`` with its first letter a capital (a sentence that begins with a method's name)."""
    return Said(text[:1].upper() + text[1:], ("capitalized", text))


def translator() -> Callable[[str], str]:
    """``tr`` (without values) fixed to the language in use now: a widget's ``format_func``,
    which Streamlit may call later and from another thread (AppTest calls it from the test's)."""
    code = language()
    return lambda message: (_catalog(code).get(message) or message) if code != "en" else message


def sentences(*parts: str) -> str:
    """Whole sentences one after another: a space after an English one, none after a Chinese
    one (ending in 。 or another wide character), whichever the reader's language: a run's
    saved message may be in the language it was trained in."""
    joined = ""
    for part in (part for part in parts if part):
        wide = joined and unicodedata.east_asian_width(joined.rstrip()[-1:] or " ") in "WF"
        joined = (joined.rstrip() + part) if wide else (f"{joined} {part}" if joined else part)
    return Said(joined, ("join", tuple(parts)))


@contextmanager
def speaking(code: str):
    """Within the ``with``, the language ``code``; then the one before (what a file for
    other programs writes is English whatever the reader's language)."""
    token = _language.set(code if code in LANGUAGES else "en")
    try:
        yield
    finally:
        _language.reset(token)


def listing(items) -> str:
    """Items of a list inside a sentence: "a, b" in English, "a、b" in Chinese."""
    items = tuple(items)
    return Said(tr(", ").join(items), ("list", items))


def joined(names, word: str = "and") -> str:
    """Names one after another with "and" (or "or") before each after the first, as a
    sentence of the reader's language writes them: "'a' and 'b'", "'a'和'b'"."""
    names = list(names)
    text = names[0] if names else ""
    for name in names[1:]:
        text = (tr("{names} or {name}", names=text, name=name) if word == "or"
                else tr("{names} and {name}", names=text, name=name))
    return text


def clauses(items) -> str:
    """Clauses that are lists themselves, inside a sentence: "a; b" in English, "a；b" in
    Chinese."""
    items = tuple(items)
    return Said(tr("; ").join(items), ("clauses", items))


def in_language(code: str, work: Callable, *args, **kwargs):
    """``work(*args, **kwargs)`` in the language ``code``: a training run in a worker process
    writes its messages (verdicts, notices) in the language of the session that started it."""
    set_language(code)
    return work(*args, **kwargs)


def N_(message: str) -> str:
    """Mark ``message`` for the catalog without translating it yet (``tr`` it where shown)."""
    return message


def from_locale(tag: str | None) -> str:
    """The language of a browser's or a system's locale tag: "zh-CN", "zh_CN.UTF-8", "zh-Hans"
    and the like are Chinese; anything else (or nothing) is English."""
    return "zh" if tag and re.match(r"zh([-_.@]|$)", tag.strip().lower()) else "en"


def language_from_environment(environ=os.environ) -> str:
    """The command line's language, as gettext reads it: LANGUAGE (its first entry), then
    LC_ALL, then LC_MESSAGES, then LANG. Chinese of any region reads 简体中文."""
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        if environ.get(name):
            return from_locale(environ[name].split(":")[0])
    return "en"


def locale_name() -> str:
    """Babel's name of the reader's locale (for numbers and dates)."""
    return LOCALES[language()]


def extract_samples(fileobj, keywords, comment_tags, options):
    """Babel's extractor for sample_data/samples.json (babel.cfg): each sample's title,
    description and unit are sentences of the catalog, shown with ``tr``."""
    import json
    for entry in json.loads(fileobj.read().decode("utf-8")):
        for field in ("title", "description", "unit"):
            if entry.get(field):
                yield 1, None, entry[field], []


@functools.cache
def _plurals() -> dict[str, str]:
    """Each counted sentence's English plural, by its singular (the catalog's msgids)."""
    from babel.messages.pofile import read_po
    path = LOCALE_DIR / LOCALES["zh"] / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        return {m.id[0]: m.id[1] for m in read_po(handle) if isinstance(m.id, tuple)}


@functools.cache
def _catalog(code: str) -> dict[str, str]:
    """The translated sentences of language ``code`` (msgid -> msgstr); fuzzy and empty
    entries are left out, so their English shows."""
    from babel.messages.pofile import read_po
    path = LOCALE_DIR / LOCALES[code] / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=LOCALES[code])
    found = {}
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        if isinstance(message.id, tuple):  # a plural: one Chinese form, under the singular
            if message.string and message.string[0]:
                found[message.id[0]] = message.string[0]
        elif message.string:
            found[message.id] = message.string
    return found
