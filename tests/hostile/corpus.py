"""The hostile corpus as data: every case of tests/hostile/ with what it tries and what must happen.

Small cases are files beside this module (``csv/``, ``text/``, ``strings.json``); large or odd
ones (binary, 100 KB, 10,000 columns) are made here, and bundles are made by tampering with a
real exported run (``tamper``). README.md lists every case in one line; a test keeps the two in
step. A case's ``expect`` is ``WORKS`` or a piece of the plain sentence that refuses it.
"""

from __future__ import annotations

import io
import json
import pickle
import struct
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

HERE = Path(__file__).resolve().parent
WORKS = "works"
STRINGS = json.loads((HERE / "strings.json").read_text(encoding="utf-8"))
EVIL_HOST = "evil.example"  # every address the corpus holds is on this host


@dataclass(frozen=True)
class Case:
    id: str
    what: str      # what it tries, in one line (as README.md says it)
    data: bytes
    expect: str    # WORKS, or a piece of the refusal's sentence
    name: str = ""  # the file name it is uploaded under
    at_train: bool = False  # it loads, and training refuses it in ``expect``'s sentence


def _csv(file: str) -> bytes:
    return (HERE / "csv" / file).read_bytes()


def _text(file: str) -> bytes:
    return (HERE / "text" / file).read_bytes()


def _zip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of a duplicate name: that is the point
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, content in files:
                zf.writestr(name, content)
    return out.getvalue()


DAYS = "".join(f"2024-01-{d:02d},{10 + d % 7}\n" for d in range(1, 31))
PLAIN = _csv("plain.csv")
TEN_THOUSAND = (",".join(f"c{i}" for i in range(10_000)) + "\n"
                + "\n".join(",".join(str(i + j) for j in range(10_000)) for i in range(3))).encode()
BIG_HEADER = "v" * 100_000

CSV_CASES = [Case("csv_" + c[0], *c[1:]) for c in [
    ("markdown_columns", "column names that are markdown: bold, a link and an image on evil.example",
     _csv("markdown_columns.csv"), WORKS),
    ("html_columns", "column names that are HTML: a <script> and an <img onerror>",
     _csv("html_columns.csv"), WORKS),
    ("link_columns", "column names holding <a href> links and <b>, which Plotly's titles render",
     _csv("link_columns.csv"), WORKS),
    ("html_cells", "an <img onerror> cell among numbers (quoted back in a notice)",
     _csv("html_cells.csv"), WORKS),
    ("formula_cells", "spreadsheet formulas in cells: =cmd|' /C calc'!A0, +SUM, @SUM, =HYPERLINK",
     _csv("formula_cells.csv"), WORKS),
    ("newline_ansi_name", "a column name holding a newline, ANSI colours and a terminal title",
     _csv("newline_ansi_name.csv"), WORKS),
    ("bom_nul", "a UTF-8 BOM followed by NUL bytes",
     b"\xef\xbb\xbfdate,value\x00\n2024-01-01,1\x00\x00\n",
     "not a text CSV"),
    ("zip_renamed", "a .zip archive renamed to .csv", _zip([("data.csv", PLAIN)]),
     "is a zip archive (or a Word or LibreOffice text document), not a spreadsheet"),
    ("xlsx_renamed", "a broken .xlsx workbook (zip with [Content_Types].xml) renamed to .csv",
     _zip([("[Content_Types].xml", b"<Types/>"), ("xl/workbook.xml", b"<workbook/>")]),
     "The workbook could not be read"),
    ("utf16_no_bom", "UTF-16 text without a byte-order mark (NULs between the letters)",
     ("date,value\n" + DAYS).encode("utf-16-le"), WORKS),
    ("one_column", "one column of numbers, no header words, no dates", _csv("one_column.csv"), WORKS),
    ("header_only", "only a header row", _csv("header_only.csv"), "no rows of data"),
    ("ten_thousand_columns", "10,000 numeric columns of 3 rows (made in code, 60 KB)",
     TEN_THOUSAND, "at most 500 are read"),
    ("header_100kb", "a numeric column whose name is 100 KB long (made in code)",
     f"date,{BIG_HEADER}\n{DAYS}".encode(), WORKS),
    ("header_100kb_text", "a column of words whose name is 100 KB long, so no numbers (made in code)",
     (f"date,{BIG_HEADER}\n" + "".join(f"2024-01-{d:02d},word\n" for d in range(1, 31))).encode(),
     "No column of numbers"),
    ("all_nan", "every value NaN", _csv("all_nan.csv"), "has no values"),
    ("year_9999", "dates in December 9999, past pandas' nanosecond range", _csv("year_9999.csv"),
     WORKS),
    ("year_0001", "dates in January 0001", _csv("year_0001.csv"), WORKS),
    # pandas 2's dates end in 2262, so the mistyped row is dropped with a notice (pandas 3 read
    # it and the loader refused the span "far longer than" the rows).
    ("year_9999_typo", "one mistyped date 9999-01-30 among January 2024", _csv("year_9999_typo.csv"),
     WORKS),
    ("duplicate_timestamps", "each date three times", _csv("duplicate_timestamps.csv"), WORKS),
    ("mixed_decimal_commas", "decimal commas and decimal points mixed in one column",
     _csv("mixed_decimal_commas.csv"), WORKS),
    ("huge_and_infinite", "values of ±1e308 (whose sums overflow) with inf and -inf",
     _csv("huge_and_infinite.csv"), "too large to compute with"),
    ("negative_zero", "-0, -0.0 and 0.0 only: a series that never changes",
     _csv("negative_zero.csv"), "a series that never changes has nothing", "", True),
    ("emoji_rtl_names", "column names with emoji and a U+202E right-to-left override",
     _csv("emoji_rtl_names.csv"), WORKS),
    ("name_dot_dot", "a plain CSV uploaded as ../../etc/passwd.csv", PLAIN, WORKS,
     STRINGS["file_names"]["dot_dot"]),
    ("name_img_onerror", "a plain CSV uploaded as <img src=x onerror=alert(1)>.csv", PLAIN, WORKS,
     STRINGS["file_names"]["img_onerror"]),
    ("name_markdown_image", "a plain CSV uploaded as ![x](https:evil.example?name.png).csv",
     PLAIN, WORKS,
     STRINGS["file_names"]["markdown_image"]),
]]

PROMPT_100K = "x" * 100_000

TEXT_CASES = [Case("text_" + c[0], *c[1:]) for c in [
    ("binary", "a PNG header and every byte value", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4,
     "not text (it looks binary)"),
    ("repeated_100k", "one character repeated 100,000 times (made in code)", b"a" * 100_000, WORKS),
    ("whitespace_only", "only spaces, tabs and line breaks", _text("whitespace_only.txt"),
     "only spaces and line breaks"),
    ("empty", "no bytes at all", b"", "The file is empty"),
    ("control_characters", "a bell, a backspace, a clear-screen and a terminal title in prose",
     _text("control_characters.txt"), WORKS),
    ("control_heavy", "mostly control characters (made in code)", b"ab\x1b\x07" * 100,
     "not text (it looks binary)"),
    ("rtl_override", "U+202E right-to-left overrides and isolates in prose",
     _text("rtl_override.txt"), WORKS),
    ("markdown_html", "markdown images and links, <img onerror>, <script>, a table and a fence",
     _text("markdown_html.txt"), WORKS),
    ("utf16_no_bom", "UTF-16 text without a byte-order mark",
     ("hello there, " * 20).encode("utf-16-le"), WORKS),
]]

MB_NAME = "n" * 1_000_000
NAME_CASES = [Case(f"name_{key}", f"a run named {value[:60]!r}", value.encode(), WORKS)
              for key, value in STRINGS["names"].items()]
NAME_CASES.append(Case("name_1mb", "a run renamed to 1 MB of text (made in code)", MB_NAME.encode(),
                       "at most 200 characters"))
NOTE_CASES = [Case(f"note_{key}", f"a run note of {value[:60]!r}", value.encode(), WORKS)
              for key, value in STRINGS["notes"].items()]
NOTE_CASES.append(Case("note_1mb", "a run note of 1 MB (made in code)", MB_NAME.encode(),
                       "at most 10,000 characters"))

ADDRESS_CASES = [Case(f"run_{key}", f"?run={value!r}", value.encode(), "There is no run")
                 for key, value in STRINGS["addresses"].items()]
ADDRESS_CASES.append(Case("run_10kb", "?run= of 10 KB of letters (made in code)",
                          b"a" * 10_240, "There is no run"))

PROMPT_CASES = [Case(f"prompt_{key}", f"the prompt {value!r}", value.encode(), WORKS)
                for key, value in STRINGS["prompts"].items()]
PROMPT_CASES.append(Case("prompt_100k", "a prompt of 100,000 characters (made in code)",
                         PROMPT_100K.encode(), "at most 2,000 characters"))


def text_of(case: Case) -> str:
    """A string case (a name, note, address or prompt) as the string it is."""
    return case.data.decode("utf-8")


# --- bundles: a real exported run, tampered with ---------------------------------------------

class Evil:
    def __reduce__(self):
        return (print, ("a pickle was loaded",))


def _manifest(files: dict[str, bytes], **changes) -> dict[str, bytes]:
    return {**files, "manifest.json": json.dumps({**json.loads(files["manifest.json"]),
                                                  **changes}).encode()}


def _config(files: dict[str, bytes], **changes) -> dict[str, bytes]:
    return {**files, "config.json": json.dumps({**json.loads(files["config.json"]),
                                                **changes}).encode()}


def _patch_central(data: bytes, member: str, offset: int, fmt: str, value: int,
                   local_offset: int | None = None) -> bytes:
    """Overwrite one field of ``member``'s central-directory entry (and, with ``local_offset``,
    of its local header) in a zip's bytes: a declared size, the flags or the checksum."""
    data = bytearray(data)
    at = data.find(b"PK\x01\x02")
    while at != -1:
        name_len = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46:at + 46 + name_len].decode() == member:
            struct.pack_into(fmt, data, at + offset, value)
            if local_offset is not None:
                local = struct.unpack_from("<I", data, at + 42)[0]
                struct.pack_into(fmt, data, local + local_offset, value)
            return bytes(data)
        at = data.find(b"PK\x01\x02", at + 4)
    raise KeyError(member)


def _flags(data: bytes, member: str, bits: int) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        flags = zf.getinfo(member).flag_bits | bits
    return _patch_central(data, member, 8, "<H", flags, local_offset=6)


def _crc(data: bytes, member: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        crc = zf.getinfo(member).CRC ^ 0xFFFF
    return _patch_central(data, member, 16, "<I", crc, local_offset=14)


@dataclass(frozen=True)
class BundleCase:
    id: str
    what: str
    tamper: Callable[[dict[str, bytes]], bytes]  # the real bundle's members -> the .zip to import
    expect: str


def _zip_of(files: dict[str, bytes]) -> bytes:
    return _zip(list(files.items()))


BUNDLE_CASES = [BundleCase(*c) for c in [
    ("bundle_traversal", "a member named ../../evil_traversal.txt",
     lambda f: _zip_of({**f, "../../evil_traversal.txt": b"out of its folder"}), "never has"),
    ("bundle_absolute", "a member named /tmp/evil_absolute.txt",
     lambda f: _zip_of({**f, "/tmp/evil_absolute.txt": b"anywhere"}), "never has"),
    ("bundle_backslash", "a member named ..\\..\\evil_backslash.txt",
     lambda f: _zip_of({**f, "..\\..\\evil_backslash.txt": b"windows"}), "never has"),
    ("bundle_member_escapes", "a member whose name holds a newline and terminal escapes",
     lambda f: _zip_of({**f, "evil\x1b[2J\x1b]0;pwned\x07\nname.json": b"{}"}), "never has"),
    ("bundle_pickle", "weights.safetensors replaced by a pickle that prints when loaded",
     lambda f: _zip_of({**f, "weights.safetensors": pickle.dumps(Evil())}), "not a valid safetensors"),
    ("bundle_declared_bomb", "data.csv declaring 3 GB unpacked (a zip bomb by declared size)",
     lambda f: _patch_central(_zip_of(f), "data.csv", 24, "<I", 3 * 2**30), "would unpack to"),
    ("bundle_encrypted", "config.json flagged as encrypted",
     lambda f: _flags(_zip_of(f), "config.json", 0x1), "encrypted"),
    ("bundle_bad_crc", "config.json with a wrong CRC-32", lambda f: _crc(_zip_of(f), "config.json"),
     "damaged"),
    ("bundle_huge_name_note", "a manifest whose name and note are 1 MB each",
     lambda f: _zip_of(_manifest(f, name=MB_NAME, note=MB_NAME, data_name=MB_NAME)), WORKS),
    ("bundle_markdown_escape_name",
     "a manifest name and note holding markdown, HTML and terminal escapes",
     lambda f: _zip_of(_manifest(f, name=STRINGS["names"]["markdown_image"]
                                 + STRINGS["names"]["terminal_escapes"],
                                 note=STRINGS["notes"]["html"],
                                 data_name=STRINGS["file_names"]["img_onerror"])), WORKS),
    ("bundle_unknown_config_keys", "settings with unknown keys, one holding escapes and a newline",
     lambda f: _zip_of(_config(f, __class__="os.system", **{"evil\x1b[2J\nkey": 1})),
     "settings this task does not have"),
    ("bundle_suggested_100kb", "settings whose 'suggested' list names 500 settings of 200 "
     "characters that do not exist (100 KB)",
     lambda f: _zip_of(_config(f, suggested=[f"{i:03d}" + "x" * 197 for i in range(500)])),
     "do not exist"),
    ("bundle_value_col_markdown", "settings naming a markdown image as the value column",
     lambda f: _zip_of(_config(f, value_col=STRINGS["names"]["markdown_image"])),
     "trained on the column"),
    ("bundle_not_zip", "a CSV renamed to .zip", lambda f: PLAIN, "not a .zip bundle"),
    ("bundle_manifest_list", "a manifest that is a JSON list",
     lambda f: _zip_of({**f, "manifest.json": b"[1, 2]"}), "not an LSTM Studio run bundle"),
    ("bundle_duplicate_member", "config.json twice, the second with other settings",
     lambda f: _zip([*f.items(), ("config.json", b"{}")]), "same file twice"),
    ("bundle_wrong_task", "a forecast run's files under a manifest that says text",
     lambda f: _zip_of(_manifest(f, task="text")), "never has"),
]]

ALL_IDS = [c.id for c in CSV_CASES + TEXT_CASES + NAME_CASES + NOTE_CASES + ADDRESS_CASES
           + PROMPT_CASES + BUNDLE_CASES]
