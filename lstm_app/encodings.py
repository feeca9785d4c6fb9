"""Reading bytes that are not UTF-8: the legacy encodings business files arrive in, and UTF-8
with a few stray bytes in it.

A Chinese Excel or Notepad export is usually GBK (read as GB18030, its superset) or, from
Taiwan and Hong Kong, Big5; a Western one is Windows-1252. Bytes alone do not say which: GBK's
two-byte characters can also be read as pairs of accented Latin letters, and some Latin text
decodes as GBK. What tells them apart is how the characters sit: Chinese text has its
characters side by side (words of two or more), while Western text read as Chinese gives a
lone ideograph here and there between ASCII letters. A Chinese reading is taken only when most
of its characters have a Chinese neighbour and all of them are Chinese ones (ideographs, CJK punctuation, full-width forms), a rare symbol aside.
"""

from __future__ import annotations

import re

from lstm_app.i18n import N_, tr, trn

# What a Chinese text holds beyond ASCII: ideographs, CJK and full-width punctuation, and the
# symbols a Chinese keyboard types (€ and currency signs, ℃ and №, Roman numerals, arrows, maths,
# circled numbers, shapes, emoji)
# The signs a Chinese file writes beside its own characters that GB2312 lacks (GB18030 writes
# them in four bytes): currencies (¥ as the half-width yen/yuan, £, ¢, €) and degrees.
SIGNS = "\u00a2\u00a3\u00a5\u00b0\u00b1\u20ac"
_CHINESE = re.compile(r"[\u2000-\u206f\u20a0-\u20cf\u2100-\u22ff\u3000-\u303f\u3400-\u4dbf"
                      r"\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef\u00b7\u00d7\u00f7\u2460-\u27bf"
                      rf"\U0001f300-\U0001faff{SIGNS}]")
_FULL_WIDTH = re.compile(r"[\u3000-\u303f\uff00-\uffef]")
PAIRED_SHARE = 0.5
JUDGED_CHARS = 200_000  # the characters judged (a Python loop each): a 50 MB file's start  # of the non-ASCII characters with a non-ASCII neighbour: Chinese above it

NOTICES = {  # English; shown with tr
    "gb18030": N_("The file is not UTF-8, so it was read as Chinese (GBK/GB18030) text, the way "
                  "Chinese Excel and Notepad save it; check that the characters look right."),
    "big5": N_("The file is not UTF-8, so it was read as Chinese (Big5) text, the way "
               "Traditional Chinese Excel and Notepad save it; check that the characters look "
               "right."),
    "cp1252": N_("The file was not UTF-8, so it was read as Windows-1252 (Western European); "
                 "check that accented letters look right."),
    "latin-1": N_("The file is not UTF-8, so it was read as Latin-1 text; check that accented "
                  "letters look right."),
    "cp949": N_("The file is not UTF-8, so it was read as Korean (EUC-KR) text; check that "
                 "the characters look right, and if they do not, save the file as UTF-8 and "
                 "try again."),
    "cp932": N_("The file is not UTF-8, so it was read as Japanese (Shift-JIS) text; check that "
                "the characters look right, and if they do not, save the file as UTF-8 and "
                "try again."),
    "cp1251": N_("The file is not UTF-8, so it was read as Windows-1251 (Cyrillic) text; check "
                 "that the letters look right, and if they do not, save the file as UTF-8 and "
                 "try again."),
}
# Scripts besides Chinese, each told by its own letters (the share of the non-ASCII characters
# that must be them, and that must sit next to another non-ASCII character, as words do):
# Korean read as GBK gives common ideographs, so where both read, its syllables decide; Japanese kana
# (full-width: a GBK text read as Shift-JIS gives half-width ones) and Cyrillic words (a
# Western text read as Windows-1251 gives lone Cyrillic letters between Latin ones) after.
_KOREAN = re.compile(r"[\uac00-\ud7a3]")
KOREAN_SPACES = 0.1  # spaces between Hangul words, per character: Korean ~0.3, Chinese ~0
# Syllables among the commonest in Korean writing: a Korean text is made of them for the most
# part; Chinese read as Korean gives syllables from all over the table, few of them.
COMMON_HANGUL = frozenset("이다는의에을를가고하지한로서기도사어으리나수있자아니대시인게요스정문"
                          "해들일라국만보여전적과상부면그제주성위생동원마것장세내경우소연관개했습"
                          "화된할신무조때회공실업학중비분영민김박최호안명금산구"
                          "날짜매출액량격품역객월년계합점")  # and a business table's headers
_KANA = re.compile(r"[\u3040-\u30ff]")
_CYRILLIC = re.compile(r"[\u0410-\u044fЁёІіЇїЄєҐґЎў]")  # Russian's, Ukrainian's, Belarusian's


STRAY_UTF8 = 50  # UTF-8 characters beyond ASCII per stray byte, at least, for "mostly UTF-8"
STRAY = re.compile("[\udc80-\udcff]")  # a byte UTF-8 could not read, as surrogateescape keeps it
DAMAGED_UTF8_SHARE = 4  # as many characters per stray byte, at least, for "damaged UTF-8"
STRAY_HEAD = 1_000_000  # bytes judged first: a legacy file's start is full of stray bytes
DAMAGED_UTF8 = N_("The file is UTF-8 text, but {count:,} of its bytes are not UTF-8 (the first "
                  "on line {line}): too many to read past. It may be damaged, or two files "
                  "saved in different encodings joined. Open it in a text editor, save it "
                  "again as UTF-8, and use that file.")
UTF16_NOTICE = N_("The file was saved as UTF-16 text without a byte order mark and was "
                  "converted; check that the characters look right.")


def utf16_without_bom(raw: bytes) -> str | None:
    """The text of UTF-16 bytes saved without a byte order mark (some programs' "Unicode"
    export), told apart from a binary file by where its NULs fall: mostly Latin text has a NUL
    in every other byte, all on the same side, and none on the other; None otherwise."""
    head = raw[:200_000]
    if len(raw) % 2 or len(head) < 4:
        return None
    even, odd = head[0::2].count(0) / (len(head) // 2), head[1::2].count(0) / (len(head) // 2)
    for encoding, nuls, others in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if nuls >= 0.5 and others <= 0.01:
            return _strict(raw, encoding)
    return None


def decode_8bit(raw: bytes) -> tuple[str, str | None]:
    """(text, notice) for bytes without NULs: UTF-8 (a BOM dropped) without a notice, UTF-8
    with a few stray bytes (``mostly_utf8``), else a legacy encoding (``decode_legacy``)."""
    text = _strict(raw, "utf-8-sig")
    return (text, None) if text is not None else mostly_utf8(raw) or decode_legacy(raw)


def mostly_utf8(raw: bytes) -> tuple[str, str] | None:
    """UTF-8 text with a few stray bytes (two files joined, one cut character), read as UTF-8
    with each stray byte as "\ufffd", and its notice; None where the bytes are not mostly
    UTF-8 (a legacy encoding reads them)."""
    counted = _utf8_reading(raw)
    if counted is None or not 0 < counted[1] * STRAY_UTF8 <= counted[2]:
        return None
    text, stray, _ = counted
    return STRAY.sub("\ufffd", text), trn(
        "The file is UTF-8 text but for {count} byte that is not (on line {line}): it reads as "
        "\ufffd. Retype the character there to mend it.",
        "The file is UTF-8 text but for {count} bytes that are not (the first on line {line}): "
        "they read as \ufffd. Retype the characters there to mend them.", stray,
        line=_first_stray_line(text))


def _utf8_reading(raw: bytes) -> tuple[str, int, int] | None:
    """``raw`` read as UTF-8, each stray byte kept as a surrogate, with the counts of stray
    bytes and of characters beyond ASCII that read; None where its start already has more
    stray bytes than such characters (a legacy encoding's text, judged without reading it
    all)."""
    counts = lambda text: (len(STRAY.findall(text)),
                           len(text) - len(text.encode("ascii", "ignore")))
    stray, beyond = counts(raw[:STRAY_HEAD].decode("utf-8", "surrogateescape"))
    if stray > beyond - stray:
        return None
    text = raw.decode("utf-8-sig", "surrogateescape")
    stray, beyond = counts(text)
    return text, stray, beyond - stray


def _first_stray_line(text: str) -> int:
    return text.count("\n", 0, STRAY.search(text).start()) + 1


def decode_legacy(raw: bytes) -> tuple[str, str]:
    """(text, notice) for bytes that are not UTF-8: Korean, Chinese, Japanese or Cyrillic when
    the bytes look it, else Windows-1252, else Latin-1 (which decodes anything; the caller
    checks for binary). Bytes that are UTF-8 for the most part (``DAMAGED_UTF8_SHARE``
    characters beyond ASCII read per stray byte), but with too many stray bytes to read past,
    are refused with a ValueError that says so: Windows-1252 or Latin-1 would garble every
    character."""
    found = None
    for encoding in ("gb18030", "big5"):
        text = _strict(raw, encoding)
        head = text[:JUDGED_CHARS] if text is not None else ""
        if (text is not None and _all_chinese(head, encoding)
                and _paired_share(head) >= PAIRED_SHARE):
            found = text, encoding
            break
    korean = _script(raw, "cp949", _KOREAN, 0.9)
    if korean is not None and _korean_words(korean[0], 0.3 if found is None else 0.6):
        found = korean  # Korean read as GBK passes for Chinese: its words and syllables decide
    found = (found or _script(raw, "cp932", _KANA, 0.2) or _kanji_words(raw)
             or _script(raw, "cp1251", _CYRILLIC, 0.9, 3))
    if found is not None:
        return found[0], tr(NOTICES[found[1]])
    counted = _utf8_reading(raw)
    if counted is not None and 0 < counted[1] * DAMAGED_UTF8_SHARE <= counted[2]:
        raise ValueError(tr(DAMAGED_UTF8, count=counted[1], line=_first_stray_line(counted[0])))
    text = _strict(raw, "cp1252")
    if text is not None:
        return text, tr(NOTICES["cp1252"])
    return raw.decode("latin-1"), tr(NOTICES["latin-1"])


def _script(raw: bytes, encoding: str, letters: re.Pattern, share: float, word: int = 2
            ) -> tuple[str, str] | None:
    """(text, encoding) where ``raw`` reads in ``encoding`` as words of its script: at least
    ``share`` of the non-ASCII characters its ``letters``, and most of them in runs of ``word``
    or more non-ASCII characters (a Cyrillic word is all Cyrillic; a Western word misread has
    one or two in it); None otherwise. Japanese also reads no half-width katakana to speak of
    (what a GBK text read as Shift-JIS is full of)."""
    text = _strict(raw, encoding)
    head = text[:JUDGED_CHARS] if text is not None else ""
    wide = [ch for ch in head if ord(ch) >= 0x80]
    if not wide or sum(bool(letters.match(ch)) for ch in wide) < share * len(wide):
        return None
    if encoding == "cp932" and sum("\uff61" <= ch <= "\uff9f" for ch in wide) > 0.05 * len(wide):
        return None
    in_words = sum(len(run) for run in re.findall(r"[^\x00-\x7f]+", head) if len(run) >= word)
    return (text, encoding) if in_words >= PAIRED_SHARE * len(wide) else None


def _kanji_words(raw: bytes) -> tuple[str, str] | None:
    """(text, "cp932") for Japanese without kana, as a spreadsheet's headers and names often are
    (日付, 売上, 本店): every non-ASCII character one of the common kanji (JIS level 1, lead bytes
    0x88-0x98) or a full-width form, in words of two or more. Chinese read first would have
    claimed a Chinese file; a Western one misread has lone ones between its letters."""
    text = _strict(raw, "cp932")
    head = text[:JUDGED_CHARS] if text is not None else ""
    wide = [ch for ch in head if ord(ch) >= 0x80]
    if not wide:
        return None
    level_one = lambda ch: (0x88 <= ch.encode("cp932")[0] <= 0x98  # (half-width kana: no)
                            or "\u3000" <= ch <= "\u303f" or "\uff01" <= ch <= "\uff60")
    if sum(level_one(ch) for ch in wide) < 0.95 * len(wide):
        return None
    # Western quotes and dashes (0x91-0x97) before a letter ("‘A’B", "X–Y–Z") read as kanji
    # too, but in Japanese hardly one kanji in ten is made of such a pair
    quote_letter = lambda b: (len(b) == 2 and 0x91 <= b[0] <= 0x97
                              and (0x41 <= b[1] <= 0x5a or 0x61 <= b[1] <= 0x7a))
    if sum(quote_letter(ch.encode("cp932")) for ch in wide) >= 0.5 * len(wide):
        return None
    # a word no Latin letter touches: "Rock‘n’Roll" read as Shift-JIS makes two kanji between
    # letters
    words = re.findall(r"(?<![A-Za-z])[^\x00-\x7f]{2,}(?![A-Za-z])", head)
    return (text, "cp932") if sum(map(len, words)) >= 0.9 * len(wide) else None


def _korean_words(text: str, bar: float) -> bool:
    """Whether a text read as Korean is Korean: at least ``bar`` of its syllables common ones
    (higher where it also reads as Chinese), or a fifth and spaces between its words (Korean
    writes a space after every word of a few syllables, Chinese hardly ever between
    characters). Bytes that are neither read as rare syllables."""
    head = text[:JUDGED_CHARS]
    hangul = [ch for ch in head if _KOREAN.match(ch)]
    common = sum(ch in COMMON_HANGUL for ch in hangul) / max(len(hangul), 1)
    spaced = len(re.findall(r"(?<=[^\x00-\x7f]) (?=[^\x00-\x7f])", head)) / max(len(hangul), 1)
    return common >= bar or (spaced >= KOREAN_SPACES and common >= 0.2)


def _paired_share(text: str) -> float:
    """The share of non-ASCII characters that read as Chinese in place: next to another one,
    next to a digit with no Latin letter on its other side (a date's 年 and 月 in "2023年1月5日",
    "1960年,"), or a full-width form or CJK punctuation mark (￥, ，, 。), which a Western text
    misread as GBK hardly ever gives (its accented letters come out as lone ideographs between
    letters)."""
    wide = [i for i, ch in enumerate(text) if ord(ch) >= 0x80]
    if not wide:
        return 0.0
    taken = set(wide)
    digit = lambda i: 0 <= i < len(text) and text[i].isascii() and text[i].isdigit()
    letter = lambda i: 0 <= i < len(text) and text[i].isascii() and text[i].isalpha()
    return sum(i - 1 in taken or i + 1 in taken or bool(_FULL_WIDTH.match(text[i]))
               or (digit(i - 1) and not letter(i + 1)) or (digit(i + 1) and not letter(i - 1))
               for i in wide) / len(wide)


def _all_chinese(text: str, encoding: str) -> bool:
    """Its non-ASCII characters are Chinese ones (a rare symbol such as ℃ aside) and, read as
    GBK, nearly all common ones (GB2312's): bytes that only GBK's rare extension reads are
    more likely binary than a text."""
    wide = [ch for ch in text if ord(ch) >= 0x80]
    if not wide or sum(bool(_CHINESE.match(ch)) for ch in wide) < 0.95 * len(wide):
        return False
    common = sum(_in_gb2312(ch) or ch in SIGNS or "\U0001f300" <= ch <= "\U0001faff"  # emoji
                 for ch in wide)
    return encoding != "gb18030" or common >= 0.9 * len(wide)


def _in_gb2312(ch: str) -> bool:
    try:
        ch.encode("gb2312")
        return True
    except UnicodeEncodeError:
        return False


def _strict(raw: bytes, encoding: str) -> str | None:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError:
        return None
