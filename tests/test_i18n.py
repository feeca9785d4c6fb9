"""English and 简体中文 (issue 17): every sentence in the code has its Chinese with the same
placeholders, the glossary's terms are used, the language comes from the address, the session,
the browser or the command line's locale, and a page in Chinese shows no English left."""

import csv
import json
import re
import string
import unicodedata

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from lstm_app.i18n import (LOCALE_DIR, from_locale, language_from_environment, set_language,
                           speaking, tr, trn)
from tests.chinese import NAMES, english_left, visible_text
from tests.conftest import REPO

KEYWORDS = {"tr": None, "trn": (1, 2), "N_": None}


def source_sentences() -> dict[str, tuple[str, ...]]:
    """Every sentence passed to tr, trn or N_ in the product's code: its msgid -> its forms."""
    method_map = [("app.py", "python"), ("pages/**.py", "python"), ("lstm_app/**.py", "python"),
                  ("sample_data/samples.json", "lstm_app.i18n:extract_samples")]
    found = {}
    for _file, _line, message, _comments, _context in extract_from_dir(
            REPO, method_map, keywords=KEYWORDS):
        forms = message if isinstance(message, tuple) else (message,)
        found[forms[0]] = forms
    return found


def chinese_catalog() -> dict:
    with (LOCALE_DIR / "zh_CN" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale="zh_CN")
    return {(m.id[0] if isinstance(m.id, tuple) else m.id): m for m in catalog if m.id}


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_every_sentence_has_its_chinese_with_the_same_placeholders():
    sentences, catalog = source_sentences(), chinese_catalog()
    assert len(sentences) >= 30
    missing = [s for s in sentences if s not in catalog]
    assert not missing, f"sentences without a catalog entry (pybabel update): {missing[:10]}"
    for msgid, forms in sentences.items():
        entry = catalog[msgid]
        chinese = entry.string[0] if isinstance(entry.string, tuple) else entry.string
        assert chinese and not entry.fuzzy, f"no Chinese for {msgid!r}"
        names = set().union(*(placeholders(form) for form in forms)) - {"count"} \
            if len(forms) == 2 else placeholders(msgid)
        assert placeholders(chinese) - {"count"} == names - {"count"}, msgid
        assert not re.search(r"[A-Za-z]{3,}", re.sub(r"\{[^}]*\}", "", chinese)) or \
            _only_names(chinese), f"English left in the Chinese of {msgid!r}: {chinese!r}"
    stale = sorted(set(catalog) - set(sentences))
    assert not stale, f"catalog entries no code uses any more: {stale[:10]}"


def test_a_change_shown_as_a_metrics_delta_keeps_its_sign_first_in_chinese():
    """Streamlit reads a delta's arrow and colour from its first character: a Chinese delta
    that opens with words showed a red up arrow for a perplexity that fell."""
    catalog = chinese_catalog()
    signed = [m for m in catalog if re.match(r"\{\w+:\+", m)]
    assert signed
    for msgid in signed:
        assert catalog[msgid].string.startswith(msgid.split("}", 1)[0] + "}"), msgid


# What a Chinese sentence keeps as it is: placeholders, code, file names, command-line options
# a database address and a CSV header line given as an example.
VERBATIM = re.compile(r"\{[^}]*\}|`[^`]*`|[a-z+]+://[\w:@/.*+-]+|[\w.-]+\.(?:csv|json|safetensors|txt|onnx|zip|md)\b"
                      r"|--[a-z][\w-]*|\b[a-z]+(?:,[a-z]+)+\b")


def _only_names(chinese: str) -> bool:
    words = re.findall(r"[A-Za-z][A-Za-z0-9]*", VERBATIM.sub(" ", chinese))
    return all(w.lower() in NAMES for w in words)


def glossary() -> list[dict]:
    with (LOCALE_DIR / "glossary.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_the_glossary_is_followed_wherever_its_terms_appear():
    terms = [row for row in glossary() if row["checked"] == "yes"]
    assert {"forget gate", "cell state", "learning rate", "lookback", "perplexity"} <= \
        {row["english"] for row in terms}
    for msgid, entry in chinese_catalog().items():
        chinese = entry.string[0] if isinstance(entry.string, tuple) else entry.string
        for row in terms:
            if re.search(rf"\b{re.escape(row['english'])}(s|es)?\b", msgid, re.IGNORECASE):
                assert row["chinese"] in chinese, (row["english"], msgid, chinese)


@pytest.mark.parametrize("tag, code", [
    ("zh-CN", "zh"), ("zh_CN.UTF-8", "zh"), ("zh-Hans", "zh"), ("zh", "zh"), ("ZH-tw", "zh"),
    ("en-US", "en"), ("de-DE", "en"), ("", "en"), (None, "en"), ("zu-ZA", "en"),
    ("C.UTF-8", "en")])
def test_a_locale_tag_names_the_language(tag, code):
    assert from_locale(tag) == code


def test_the_command_line_reads_language_then_lc_all_then_lc_messages_then_lang():
    assert language_from_environment({"LANG": "zh_CN.UTF-8"}) == "zh"
    assert language_from_environment({"LANG": "zh_CN.UTF-8", "LC_ALL": "en_US.UTF-8"}) == "en"
    assert language_from_environment({"LC_MESSAGES": "zh_CN", "LANG": "C"}) == "zh"
    assert language_from_environment({}) == "en"
    assert language_from_environment({"LANGUAGE": "zh_CN:en", "LANG": "en_US.UTF-8"}) == "zh"


def test_sentences_are_whole_with_their_values_in_either_language():
    try:
        set_language("zh")
        assert tr("Signed in as **{person}**", person="ana@example.org") == \
            "已登录：**ana@example.org**"
        assert tr("A sentence nobody translated.") == "A sentence nobody translated."
        # a Latin name filled in stands apart from the Chinese beside it; Chinese and digits not
        assert tr("{method} forecast", method="AutoARIMA") == "AutoARIMA 的预测"
        assert tr("beats {method} on", method="AutoETS") == "胜过 AutoETS 的序列"
        assert tr("beats {method} on", method="季节性朴素法") == "胜过季节性朴素法的序列"
        assert tr("Q{quarter} {year}", quarter=1, year=2023) == "2023年第1季度"
        set_language("en")
        assert tr("Signed in as **{person}**", person="{x}") == "Signed in as **{x}**"
        assert trn("{count} thing", "{count} things", 1) == "1 thing"
        assert trn("{count} thing", "{count} things", 3) == "3 things"
        set_language("fr")  # not offered: English
        assert tr("Home") == "Home"
    finally:
        set_language("en")


def test_home_and_its_sidebar_in_chinese_show_no_english(apps):
    at = apps(None)
    at.query_params["lang"] = "zh"
    at.run()
    assert not at.exception
    assert at.title[0].value == "LSTM Studio"
    assert any("一键试用" in s.value for s in at.subheader)
    texts = visible_text(at)
    assert any("时间序列" in t for t in texts)
    assert english_left(texts) == []
    # the Chinese demo of the Text page is the Chinese article
    assert "demo_lstm_zh" in [b.key for b in at.button]
    at.sidebar.radio[0].set_value("en").run()
    assert at.query_params["lang"] == "en" and any("Try it in one click" in s.value
                                                     for s in at.subheader)



def test_the_chinese_text_demo_trains_on_the_chinese_article(apps, app_store):
    at = apps(None)
    at.query_params["lang"] = "zh"
    at.session_state["tx_epochs"] = 1
    at.session_state["tx_hidden_size"] = 16
    at.run()
    at.button(key="demo_lstm_zh").click().run()
    assert not at.exception
    assert at.selectbox(key="tx_sample").value == "lstm_zh"
    assert "tx_job" in at.session_state, "the demo did not start a training"


def test_the_settings_and_their_refusals_speak_chinese(apps):
    from lstm_app.series.settings import ForecastConfig
    try:
        set_language("zh")
        with pytest.raises(ValueError) as refused:
            ForecastConfig(hidden_size=0)
        assert str(refused.value) == "隐藏单元（hidden_size）必须是 1 到 2,048 之间的整数。"
    finally:
        set_language("en")
    at = apps("pages/forecast.py")
    at.query_params["lang"] = "zh"
    at.run()
    assert not at.exception
    assert at.number_input(key="fc_hidden_size").label == "隐藏单元"
    assert at.number_input(key="fc_lookback").label == "回看窗口（窗口大小）"
    [cell] = [w for w in at.get("button_group") if w.key == "fc_cell"]
    assert cell.options == ["LSTM", "GRU", "带窥视孔连接的 LSTM"] and cell.proto.label == "循环层类型"
    assert "更多设置" in [e.label for e in at.expander]
    assert "航空旅客人数" in at.selectbox(key="fc_sample").options  # the samples' titles too
    assert any("Box 和 Jenkins" in c.value for c in at.caption)


def test_the_text_page_trains_and_shows_its_results_in_chinese(apps, app_store):
    from tests.conftest import poll
    at = apps("pages/text.py")
    at.query_params["lang"] = "zh"
    at.run()
    assert at.selectbox(key="tx_sample").value == "lstm_zh"  # a reader of Chinese starts on it
    en = apps("pages/text.py")
    en.query_params["lang"] = "en"
    assert en.run().selectbox(key="tx_sample").value == "shakespeare_excerpt"
    for key, value in {"tx_hidden_size": 16, "tx_embedding_dim": 8, "tx_num_layers": 1,
                       "tx_epochs": 1}.items():
        at.session_state[key] = value
    at.run()
    assert [t.value for t in at.title] == ["文本"] and at.button(key="tx_train").label == "训练"
    assert any("个不同的字符" in m.value for m in at.markdown)  # the text's summary
    at.button(key="tx_train").click().run()
    poll(at, lambda a: any(s.value == "训练结束时的样例" for s in a.subheader), "the results")
    shown = {s.value for s in at.subheader}
    assert {"生成", "温度探索", "下载", "继续训练"} <= shown
    assert at.button(key="tx_generate").label == "生成"
    assert [m.label for m in at.metric][:3] == ["验证损失", "困惑度", "每字符比特数"]
    # written while training, in the worker: the verdict and how training went, in Chinese too
    captions = " ".join(c.value for c in at.caption)
    assert "最好的验证损失" in captions and "已保存为运行记录" in captions, captions
    verdicts = [e.value for e in (*at.info, *at.warning, *at.success)]
    assert any("比特" in v for v in verdicts), verdicts


def test_the_holiday_countries_are_named_in_chinese_with_the_same_codes(apps):
    from lstm_app.series.calendar import holiday_choices
    english = holiday_choices()
    try:
        set_language("zh")
        chinese = holiday_choices()
    finally:
        set_language("en")
    assert list(chinese) == list(english)  # the widget's values: the codes, in the same order
    assert english["DE"] == "Germany (DE)" and english["DE-BY"] == "Germany, BY (DE-BY)"
    assert chinese["DE"] == "德国（DE）" and chinese["DE-BY"] == "德国，BY（DE-BY）"
    assert chinese["CN"] == "中国（CN）" and chinese[""] == "无"
    at = apps("pages/forecast.py")
    at.query_params["lang"] = "zh"
    at.run()
    holidays = at.selectbox(key="fc_holidays")
    assert "德国（DE）" in holidays.options and "日本（JP）" in holidays.options
    holidays.set_value("DE-BY").run()
    assert not at.exception and at.selectbox(key="fc_holidays").value == "DE-BY"
    assert at.selectbox(key="fc_holidays").format_func("DE-BY") == "德国，BY（DE-BY）"


def bold_breaks(text: str) -> list[int]:
    """Where a ``**`` in ``text`` would show as two asterisks: CommonMark opens bold only on a
    left-flanking run and closes it only on a right-flanking one, so "。**到" (a close after
    Chinese punctuation, before a character) is literal. Chinese puts the 。 after the **."""
    def punctuation(ch):
        return ch == "" or unicodedata.category(ch)[0] in "PS"

    def space(ch):
        return ch == "" or ch.isspace()

    broken, open_ = [], False
    for run in re.finditer(r"\*\*", text):
        before = text[run.start() - 1] if run.start() else ""
        after = text[run.end()] if run.end() < len(text) else ""
        left = not space(after) and (not punctuation(after) or space(before) or
                                     punctuation(before))
        right = not space(before) and (not punctuation(before) or space(after) or
                                       punctuation(after))
        if not (right if open_ else left):
            broken.append(run.start())
        open_ = not open_
    return broken


def test_bold_in_chinese_renders_as_bold():
    assert bold_breaks("**训练结束时它还在学习。**到最后一轮") == [13]
    assert bold_breaks("**训练结束时它还在学习**。到最后一轮") == []
    for msgid, entry in chinese_catalog().items():
        chinese = entry.string[0] if isinstance(entry.string, tuple) else entry.string
        filled = re.sub(r"\{[^}]*\}", "x", chinese or "")  # a value: letters
        assert not bold_breaks(filled), f"** shown as asterisks in the Chinese of {msgid!r}"


def test_every_sentence_in_the_code_reaches_the_catalog():
    """pybabel skips a tr() written inside an f-string's braces (it reads f-strings as text):
    such a sentence would never be translated. Every tr/trn/N_ call with a written sentence,
    wherever it stands, is among the extracted ones."""
    import ast
    extracted = set(source_sentences())
    missed = []
    for path in [REPO / "app.py", *(REPO / "pages").glob("*.py"),
                 *(REPO / "lstm_app").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in KEYWORDS and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)
                    and node.args[0].value not in extracted):
                missed.append(f"{path.relative_to(REPO)}:{node.lineno} {node.args[0].value!r}")
    assert not missed, f"sentences pybabel does not see (write them outside the f-string): {missed}"


@pytest.mark.parametrize("written", ["zh-CN", "zh_CN", "ZH"])
def test_a_locale_tag_in_the_address_opens_chinese_and_is_written_plainly(apps, written):
    at = apps(None)
    at.query_params["lang"] = written
    at.run()
    assert not at.exception
    assert any("一键试用" in s.value for s in at.subheader)
    assert at.query_params["lang"] == "zh"


def test_a_repair_note_a_run_saved_before_the_number_was_written_whole_is_said_in_chinese():
    """Runs saved before 2026-12-06 hold their repair notes with the number as {number:g}: the
    catalogue keeps those sentences, so such a run's notes still turn Chinese."""
    from lstm_app.i18n import again, said_form, said_from
    from lstm_app.series.numbers import FORMER_NOTES

    with speaking("en"):
        old = tr(FORMER_NOTES[0], column="'价格'", cell="'¥1,234'", number=1234.0)
    saved = said_from(str(old), json.loads(json.dumps(said_form(old))))
    with speaking("zh"):
        assert again(saved) == "已去掉 '价格' 中的货币符号（例如 '¥1,234' 读作 1234）。"
