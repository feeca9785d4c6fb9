import io
import json

import pytest
import torch

from lstm_app.text import corpus
from lstm_app.text.corpus import (
    CharVocab,
    WordVocab,
    chars_per_token,
    make_vocab,
    read_text,
    vocab_from_dict,
)

ENGLISH = "The cat sat on the mat. The dog sat, too!\n"
CHINESE = "长短期记忆网络是一种循环神经网络。"


# read_text


def test_reads_plain_utf8_bytes_path_and_file_like(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes("héllo\r\nworld\rend".encode("utf-8"))
    for source in (path, str(path), path.read_bytes(), io.BytesIO(path.read_bytes())):
        assert read_text(source) == ("héllo\nworld\nend", [])


def test_strips_utf8_bom():
    assert read_text(b"\xef\xbb\xbfhello") == ("hello", [])


def test_reads_utf16_with_bom():
    for encoding in ("utf-16-le", "utf-16-be"):
        bom = b"\xff\xfe" if encoding.endswith("le") else b"\xfe\xff"
        data = bom + f"{CHINESE}\r\nnext".encode(encoding)
        assert read_text(data) == (f"{CHINESE}\nnext", [])


def test_falls_back_to_cp1252_with_notice():
    text, notices = read_text("café crème".encode("cp1252"))
    assert text == "café crème"
    assert notices == [
        "The file was not UTF-8, so it was read as Windows-1252 (Western European); "
        "check that accented letters look right."
    ]


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "The file is empty; choose a .txt file with some text in it."),
        (b"\xef\xbb\xbf", "The file is empty; choose a .txt file with some text in it."),
        (b"   \n\t", "The file holds only spaces and line breaks; choose a .txt file with some text in it."),
        (b"\x00\x01\x02PNG", "This file is not text (it looks binary); save your text as a plain .txt file "
                             "(UTF-8) and use that file."),
        (b"\x01\x02\x03\x04abc", corpus.BINARY),  # control characters without NULs
        (b"\x81\x8d\x8f\x90", corpus.BINARY),  # neither UTF-8 nor Windows-1252
    ],
)
def test_refusals_are_one_plain_sentence(data, message):
    with pytest.raises(ValueError) as error:
        read_text(data)
    assert str(error.value) == message


def test_control_characters_past_one_in_a_hundred_are_binary_tabs_and_breaks_aside():
    from lstm_app.text.corpus import _looks_binary
    assert not _looks_binary("a\tb\nc\r\f\v" * 100)
    assert _looks_binary("x" * 98 + "\x1b\x85")  # 2 in 100: ESC and a C1 control (NEL)
    assert not _looks_binary("x" * 99 + "\x1b")  # 1 in 100: not more than the share
    assert _looks_binary("text\x00")


def test_refusal_constants_match_the_brief():
    assert corpus.EMPTY == "The file is empty; choose a .txt file with some text in it."
    assert corpus.WHITESPACE_ONLY == (
        "The file holds only spaces and line breaks; choose a .txt file with some text in it.")
    assert corpus.BINARY == ("This file is not text (it looks binary); save your text as a plain .txt "
                             "file (UTF-8) and use that file.")


# vocabularies


@pytest.mark.parametrize("text", [ENGLISH, CHINESE])
def test_char_vocab_round_trip(text):
    vocab = CharVocab().fit(text)
    assert vocab.level == "char"
    assert vocab.itos_[0] == "\ufffd"
    assert vocab.itos_[1:] == sorted(set(text))
    assert len(vocab) == len(set(text)) + 1
    ids = vocab.encode(text)
    assert len(ids) == len(text) and 0 not in ids
    assert vocab.decode(ids) == text


@pytest.mark.parametrize("text", [ENGLISH, CHINESE])
def test_word_vocab_round_trip(text):
    vocab = WordVocab().fit(text)
    assert vocab.level == "word"
    ids = vocab.encode(text)
    assert 0 not in ids
    assert vocab.decode(ids) == text


def test_word_tokens_are_words_punctuation_and_whitespace_runs():
    vocab = WordVocab().fit("Hi,  there!\n\nHi")
    assert vocab.decode(vocab.encode("Hi,  there!\n\nHi")) == "Hi,  there!\n\nHi"
    assert len(vocab.encode("Hi,  there!\n\nHi")) == 7  # Hi , "  " there ! "\n\n" Hi
    assert vocab.itos_ == ["<unk>", "Hi", ",", "  ", "there", "!", "\n\n"]


def test_char_unknown_maps_to_zero_and_decodes_to_replacement():
    vocab = CharVocab().fit("abc")
    assert vocab.encode("abz") == [1, 2, 0]
    assert vocab.decode([1, 2, 0]) == "ab\ufffd"


def test_word_unknown_maps_to_zero_and_decodes_to_replacement():
    vocab = WordVocab().fit("the cat")
    assert vocab.encode("the dog") == [vocab.stoi_["the"], vocab.stoi_[" "], 0]
    assert vocab.decode(vocab.encode("the dog")) == "the \ufffd"


def test_word_max_size_keeps_most_frequent_and_breaks_ties_by_first_appearance():
    # counts: " " 5, b 2, a 2 (a after b), c 1, d 1
    vocab = WordVocab(max_size=3).fit("b a c b a d")
    assert vocab.itos_ == ["<unk>", " ", "b", "a"]
    assert len(vocab) == 4
    assert vocab.encode("c") == [0]


@pytest.mark.parametrize("vocab", [CharVocab().fit(CHINESE + ENGLISH), WordVocab(max_size=5).fit(ENGLISH)])
def test_to_dict_from_dict_round_trip_through_json(vocab):
    restored = vocab_from_dict(json.loads(json.dumps(vocab.to_dict())))
    assert type(restored) is type(vocab)
    assert restored.itos_ == vocab.itos_ and restored.stoi_ == vocab.stoi_
    assert restored.encode(ENGLISH) == vocab.encode(ENGLISH)
    assert type(vocab).from_dict(vocab.to_dict()).itos_ == vocab.itos_


def test_make_vocab_falls_back_to_characters_for_unspaced_text():
    vocab, notices = make_vocab(CHINESE, "word")
    assert isinstance(vocab, CharVocab)
    assert notices == [
        "This text has almost no spaces between words (as in Chinese or Japanese), so it is read "
        "character by character instead of word by word."
    ]


def test_make_vocab_word_and_char_levels():
    vocab, notices = make_vocab(ENGLISH, "word", max_size=3)
    assert isinstance(vocab, WordVocab) and vocab.max_size == 3 and notices == []
    vocab, notices = make_vocab(CHINESE, "char")
    assert isinstance(vocab, CharVocab) and notices == []


def test_chars_per_token():
    assert chars_per_token(CHINESE, CharVocab().fit(CHINESE)) == 1.0
    text = "aaaa bb"  # tokens: aaaa, " ", bb
    assert chars_per_token(text, WordVocab().fit(text)) == pytest.approx(7 / 3)


def test_ids_is_encode_as_a_tensor_for_both_levels():
    text = "Ünïcode 中文 text, emoji 😀 and more.\nSecond line!"
    probe = text + " unseen: é€Ж 🙂 words"
    for vocab in (CharVocab().fit(text), WordVocab().fit(text)):
        ids = vocab.ids(probe)
        assert ids.dtype == torch.int64 and ids.tolist() == vocab.encode(probe)
    assert CharVocab().fit(text).ids("").tolist() == []


@pytest.mark.parametrize("level", ["char", "word"])
def test_a_vocabulary_counts_tokens_as_many_as_it_makes(level):
    from lstm_app.text.corpus import make_vocab
    text = "First Citizen:\nBefore we proceed any further, hear me speak. 长短期记忆 🙂\n" * 50
    vocab, _ = make_vocab(text[:2000], level, 10_000)
    for part in (text, text[2000:], "", "unseen ☃ characters ☃"):
        assert vocab.count(part) == len(vocab.ids(part)) == len(vocab.encode(part))
    if level == "char":  # the vectorised ids, unseen characters as 0
        assert vocab.ids("a☃").tolist() == [vocab.encode("a")[0], 0]


def test_utf8_with_a_stray_byte_is_read_as_utf8_and_the_line_said():
    lines = ["长短期记忆网络是一种特殊的循环神经网络。"] * 10
    raw = "\n".join(lines).encode("utf-8")
    at = raw.index(b"\n", raw.index(b"\n") + 1) + 4  # after the first character of line 3
    text, notices = read_text(raw[:at] + b"\xe9" + raw[at:])
    assert text.replace("\ufffd", "") == "\n".join(lines)
    assert notices == ["The file is UTF-8 text but for 1 byte that is not (on line 3): it reads "
                       "as \ufffd. Retype the character there to mend it."]
    # a real \ufffd on line 1 is no stray byte; a character cut to 2 of its 3 bytes is 2 bytes
    text, notices = read_text("\ufffd".encode() + raw[:at] + "长".encode()[:2] + raw[at:])
    assert notices == ["The file is UTF-8 text but for 2 bytes that are not (the first on line "
                       "3): they read as \ufffd. Retype the characters there to mend them."]
    assert text.count("\ufffd") == 3
    # a Western file in Windows-1252 (no UTF-8 beyond ASCII) is still read as such
    text, notices = read_text("café au lait, crème brûlée\n".encode("cp1252") * 5)
    assert text.startswith("café au lait") and "UTF-8 text but for" not in " ".join(notices)
