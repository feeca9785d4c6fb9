"""plain(): user text inside markdown reads as written, and can neither format nor link."""

from lstm_app.ui.markdown import WORD_JOINER, plain


def test_markdown_characters_are_escaped():
    assert plain("**sales** [x](y) ![i](j) `c` <b>") == (
        "\\*\\*sales\\*\\* \\[x\\]\\(y\\) \\!\\[i\\]\\(j\\) \\`c\\` \\<b\\>")
    assert plain("two\nlines") == "two lines"
    # an entity is no entity: a note "R&amp;D &copy;" was shown as "R&D ©"
    assert plain("R&amp;D &copy; &#65;") == "R\\&amp;D \\&copy; \\&\\#65;"


def test_a_notes_lines_start_no_list_heading_or_rule():
    from lstm_app.ui.markdown import plain_lines

    assert plain_lines("lr 0.01\n\n---\n- try\n1. then\n12) b\n+x\n==") == (
        "lr 0.01  \n\\---  \n\\- try  \n1\\. then  \n12\\) b  \n\\+x  \n\\==")


def test_addresses_do_not_link_themselves():
    shown = plain("see http://evil.example/x, WWW.evil.example and me@evil.example")
    assert "http\\:" + WORD_JOINER + "//evil.example/x" in shown
    assert "W" + WORD_JOINER + "WW.evil.example" in shown
    assert "me@" + WORD_JOINER + "evil.example" in shown
    # Nothing else changes: without the invisible joiners it reads as written.
    assert shown.replace(WORD_JOINER, "").replace("\\", "") == (
        "see http://evil.example/x, WWW.evil.example and me@evil.example")


def test_shortcodes_draw_no_icon_or_emoji():
    """Streamlit draws ":material/home:" as an icon and ":tada:" as an emoji even with their
    colons escaped (a colleague's run name put a house in an alert): a joiner breaks each."""
    shown = plain("a :material/home: b :tada: c :+1: :100: 10:30:45 :x")
    assert ":" + WORD_JOINER + "material/home" in shown and ":" + WORD_JOINER + "tada" in shown
    assert ":" + WORD_JOINER + "+1" in shown and ":" + WORD_JOINER + "100" in shown
    assert "10\\:30\\:45" in shown  # a time is left as it is: copied, it holds no joiner
    assert shown.replace(WORD_JOINER, "").replace("\\", "") == (
        "a :material/home: b :tada: c :+1: :100: 10:30:45 :x")


def test_a_name_inside_bold_marks_stays_bold_whatever_its_ends():
    """Spaces at a name's ends (a control character written as one) kept "** neu **" from being
    drawn bold: plain() leaves them out, for every bold name at once."""
    from lstm_app.quoting import cut

    assert f"**{plain(cut(chr(0x202e) + 'neu' + chr(0x202c)))}**" == "**neu**"
    assert plain("  report.csv \n") == "report.csv"
