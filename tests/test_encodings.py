"""Legacy encodings: Chinese exports read as Chinese, Western ones as Windows-1252."""

import pytest

from lstm_app.encodings import (NOTICES, PAIRED_SHARE, _all_chinese, _paired_share,
                                 decode_legacy)
from lstm_app.series.loading import load_series
from lstm_app.text.corpus import read_text

CHINESE_CSV = "日期,销售额（万元）,门店\n" + "".join(
    f"2024-{m:02d}-01,{100 + 7 * m},北京朝阳店\n" for m in range(1, 13))
WESTERN = "Café au lait, résumé, naïve façade; Zürich è già più così. Señor Müller's crème brûlée."


@pytest.mark.parametrize("encoding, notice", [("gbk", "gb18030"), ("gb18030", "gb18030"),
                                              ("big5", "big5")])
def test_a_chinese_export_is_read_as_chinese(encoding, notice):
    text = "日期,銷售額,門店\n2024-01-01,100,台北\n" if encoding == "big5" else CHINESE_CSV
    decoded, said = decode_legacy(text.encode(encoding))
    assert decoded == text and said == NOTICES[notice]


def test_a_gb18030_export_with_half_width_yen_signs_is_read_as_chinese():
    """¥ (U+00A5) is not in GBK: GB18030 writes it in four bytes, and a column of amounts makes
    it one character in four; the file was read as Western text and its headers scrambled."""
    text = "日期,销售额（元）\n" + "".join(f'2024-01-{d:02d},"¥{d},207,351"\n' for d in range(1, 29))
    decoded, said = decode_legacy(text.encode("gb18030"))
    assert decoded == text and said == NOTICES["gb18030"]


@pytest.mark.parametrize("text", [WESTERN, "ações não são", "Zürich Straße Öffnungszeiten",
                                  "Temperatur 20 °C, Preis 5 £ oder 6 €"])
def test_western_text_stays_western_even_where_its_bytes_are_valid_gbk(text):
    raw = text.encode("cp1252")
    decoded, said = decode_legacy(raw)
    assert decoded == text and said == NOTICES["cp1252"]


KOREAN = "날짜,매출\n2024-01-01,100\n이번 달 매출은 지난달보다 좋았습니다. 서울 강남점\n"
JAPANESE = "日付,売上\n2024-01-01,100\n今月の売上は先月より良かったです。東京本店\n"
RUSSIAN = "Дата,Выручка\n2024-01-01,100\nВыручка в этом месяце выше, чем в прошлом. Москва\n"


@pytest.mark.parametrize("text, encoding", [(KOREAN, "cp949"), (JAPANESE, "cp932"),
                                            (RUSSIAN, "cp1251")])
def test_korean_japanese_and_cyrillic_exports_read_as_written_with_what_to_do(text, encoding):
    decoded, said = decode_legacy(text.encode(encoding))
    assert decoded == text and said == NOTICES[encoding]
    assert said.endswith("save the file as UTF-8 and try again.")
    assert read_text(text.encode(encoding))[0] == text  # a text upload too, not "binary"


@pytest.mark.parametrize("text", ["日付,売上,店舗\n2024-01-01,100,本店\n2024-01-02,120,支店\n",
                                  "氏名,部署\n山田,営業部\n"])
def test_japanese_without_kana_reads_as_japanese(text):
    assert decode_legacy(text.encode("cp932")) == (text, NOTICES["cp932"])


@pytest.mark.parametrize("text", ["product,sales\nRock‘n’Roll Hits,120\nJazz,80\n",
                                  "y,m\n‘A’B,1\n", "x,X–Y–Z\n"])
def test_curly_quotes_and_dashes_between_letters_stay_western(text):
    assert decode_legacy(text.encode("cp1252")) == (text, NOTICES["cp1252"])


def test_western_text_with_many_accents_and_quotes_is_never_read_as_kanji():
    import random

    rng = random.Random(0)
    letters, marks = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ", "éèàüöäßçñ“”‘’–—…•€™ŠšŒœŽžŸ¡¿«»°±²"
    for _ in range(500):
        text = " ".join("".join(rng.choice(letters) if rng.random() > 0.25 else rng.choice(marks)
                                for _ in range(rng.randint(1, 9)))
                        for _ in range(rng.randint(1, 30)))
        assert decode_legacy(text.encode("cp1252"))[1] != NOTICES["cp932"], text
    for _ in range(1000):  # quotes and dashes right beside letters, cells of a CSV
        text = ",".join("".join(rng.choice("abcXYZ ") if rng.random() > 0.3 else
                                rng.choice("‘’“”•–—") for _ in range(rng.randint(1, 8)))
                        for _ in range(rng.randint(1, 6)))
        if any(c.isalpha() for c in text):  # (a cell of marks alone may read either way)
            assert decode_legacy(text.encode("cp1252"))[1] != NOTICES["cp932"], text


@pytest.mark.parametrize("text, encoding", [
    ("이름,도시\n김민수,서울\n이영희,부산\n", "euc-kr"),  # no spaces: its syllables decide
    ("날짜,매출\n2023-01-01,100\n", "euc-kr"),
    ("상품,가격\n똠얌꿍,12000\n", "cp949")])  # a syllable only Windows' Korean has
def test_korean_that_also_reads_as_chinese_is_told_by_its_words_and_syllables(text, encoding):
    raw = text.encode(encoding)
    assert encoding == "cp949" or (_all_chinese(raw.decode("gb18030"), "gb18030")
                                   and _paired_share(raw.decode("gb18030")) >= PAIRED_SHARE)
    assert decode_legacy(raw) == (text, NOTICES["cp949"])


@pytest.mark.parametrize("text", ["review,label\n房间,1\n", "产品 分类\n电脑 配件\n",
                                  "利润,酒店\n2024-01-01,100\n"])
def test_chinese_that_also_reads_as_korean_stays_chinese(text):
    decoded, said = decode_legacy(text.encode("gb18030"))
    assert (decoded, said) == (text, NOTICES["gb18030"])


@pytest.mark.parametrize("text", [WESTERN, "Müller, Straße, Größe"])
def test_western_text_is_not_read_as_cyrillic(text):
    assert decode_legacy(text.encode("cp1252"))[1] == NOTICES["cp1252"]


def test_the_last_two_western_samples_are_valid_gbk():  # so the test above means something
    assert "ações não são".encode("cp1252").decode("gb18030") == "a珲es n鉶 s鉶"


def test_a_gbk_csv_loads_with_its_chinese_column_names():
    # Before: GBK bytes were read as Windows-1252, the column names came out garbled and the
    # sales column was refused.
    data = load_series(CHINESE_CSV.encode("gbk"), name="销售.csv")
    assert data.time_col == "日期" and data.value_col == "销售额（万元）"
    assert NOTICES["gb18030"] in data.notices
    assert data.frame[data.value_col].iloc[:2].tolist() == [107.0, 114.0]


def test_a_gbk_text_upload_is_read_as_chinese():
    text = "长短期记忆网络（LSTM）是一种特殊的循环神经网络，能够学习长期依赖。" * 20
    decoded, notices = read_text(text.encode("gbk"))
    assert decoded == text and notices == [NOTICES["gb18030"]]


def test_an_export_whose_chinese_is_mostly_lone_yen_signs_and_commas_is_chinese():
    # As the newcomer's sales file: Chinese only in the header, then "￥110，5" on every row.
    text = "日期,销售额（万元）,门店数\n" + "".join(
        f"2023-{m:02d}-01,￥{100 + 7 * m}，5,{10 + m % 3}\n" for m in range(1, 13)) * 3
    decoded, said = decode_legacy(text.encode("gbk"))
    assert decoded == text and said == NOTICES["gb18030"]


@pytest.mark.parametrize("text", ["价格是€20，温度25℃，很舒服。第Ⅱ季度→增长≥5%。" * 20,
                                  "今天很开心😀，买了一只䶮。" * 20])
def test_chinese_with_the_symbols_a_chinese_keyboard_types_is_chinese(text):
    decoded, said = decode_legacy(text.encode("gb18030"))
    assert decoded == text and said == NOTICES["gb18030"]


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_saved_without_its_mark_is_read_and_binary_is_still_refused(encoding):
    from lstm_app.encodings import UTF16_NOTICE
    text = "date,sales\n" + "".join(f"2024-01-{d:02d},{10 + d}\n" for d in range(1, 29))
    decoded, notices = read_text(text.encode(encoding))
    assert decoded == text and notices == [UTF16_NOTICE]
    series = load_series(text.encode(encoding), name="sales.csv")
    assert series.value_col == "sales" and UTF16_NOTICE in series.notices
    import os
    with pytest.raises(ValueError, match="looks binary"):
        read_text(os.urandom(4000) + b"\x00" * 10)
    with pytest.raises(ValueError, match="looks binary"):
        read_text(b"\x00\x01" * 500)  # NULs on one side, but controls on the other
    with pytest.raises(ValueError, match="looks binary"):
        read_text(b"hello\x00world\x00" * 10)  # a NUL in every sixth byte is not UTF-16
    chinese = "日期,销售额\n" + "".join(f"2024-01-{d:02d},{100 + d}\n" for d in range(1, 29))
    assert load_series(chinese.encode(encoding), name="销售.csv").value_col == "销售额"


def test_utf8_with_a_stray_byte_is_utf8_in_a_csv_too_and_too_many_are_refused_in_words():
    from lstm_app.csv_table import read_csv_table
    from lstm_app.encodings import DAMAGED_UTF8
    raw = CHINESE_CSV.encode("utf-8")
    at = raw.index("北京".encode()) + 3  # after 北, on line 2
    notices = []
    table = read_csv_table(raw[:at] + b"\xff" + raw[at:], "sales.csv", notices)[0]
    # Latin-1 garbled every Chinese character before ("é\x94\x80å\x94®é¢\x9d")
    assert list(table.columns) == ["日期", "销售额（万元）", "门店"]
    assert table["门店"].iloc[0] == "北\ufffd京朝阳店" and table["门店"].iloc[1] == "北京朝阳店"
    assert notices == ["The file is UTF-8 text but for 1 byte that is not (on line 2): it reads "
                       "as \ufffd. Retype the character there to mend it."]
    # a stray byte on every other line: UTF-8 still, but damaged past reading; both readers
    # say so
    damaged = b"".join(line.encode() + b"\xe9" * (n % 2 == 0) + b"\n"
                       for n, line in enumerate(CHINESE_CSV.splitlines()))
    said = DAMAGED_UTF8.format(count=7, line=1)
    for read in (lambda: read_csv_table(damaged, "sales.csv", []), lambda: read_text(damaged)):
        with pytest.raises(ValueError) as refused:
            read()
        assert str(refused.value) == said
    # a Western file and a GBK one read as before (no UTF-8 beyond ASCII in them)
    assert decode_legacy(WESTERN.encode("cp1252"))[1] == NOTICES["cp1252"]
    assert read_csv_table(CHINESE_CSV.encode("gbk"), "sales.csv", [])[0].columns[2] == "门店"
