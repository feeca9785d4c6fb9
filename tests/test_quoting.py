"""User text quoted in the project's own sentences: one short printable line, whatever it holds."""

from lstm_app.quoting import cut, listed, printable, quoted


def test_control_characters_become_spaces_and_the_rest_stays():
    assert printable("a\nb\x1b]0;title\x07c\x9bd") == "a b ]0;title c d"
    assert printable("销售额 (€) ‮x") == "销售额 (€) ‮x"  # letters of any script are not controls


def test_a_long_name_is_cut_with_an_ellipsis():
    assert quoted("sales") == "'sales'"
    assert cut("v" * 100_000) == "v" * 59 + "…" and len(quoted("v" * 100_000)) == 62
    assert quoted("x" * 60) == f"'{'x' * 60}'"  # exactly the limit: whole
    assert quoted("abc", limit=2) == "'a…'"


def test_a_list_names_the_first_few_and_counts_the_rest():
    assert listed([]) == ""
    assert listed(["a", "b"]) == "'a', 'b'"
    assert listed([f"c{i}" for i in range(10_000)]) == "'c0', 'c1', 'c2', 'c3', 'c4' and 9,995 more"
    assert listed(["a\nb", "v" * 500], each=10) == "'a b', 'vvvvvvvvv…'"
