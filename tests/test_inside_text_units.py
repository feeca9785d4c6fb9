"""Units that track simple properties of the text, and the text coloured by a unit."""

import numpy as np

from lstm_app.inside.text_units import coloured_html, token_properties, tracking_units


def test_properties_of_each_character():
    p = token_properties(list('He said "Hi"\nok'))
    assert p["uppercase"].tolist()[:3] == [1, 0, 0]
    # inside quotes: from the character after the opening quote to the closing quote
    assert p["inside quotes"].tolist() == [0] * 8 + [0, 1, 1, 1] + [0, 0, 0]
    assert p["position in the line"].tolist()[-3:] == [12, 0, 1]
    assert p["start of a word"].tolist()[:4] == [1, 0, 0, 1]


def test_a_unit_that_copies_a_property_is_found_first():
    tokens = list('a "quoted bit" and "another" here')
    quotes = token_properties(tokens)["inside quotes"]
    rng = np.random.default_rng(0)
    h = rng.standard_normal((len(tokens), 6)) * 0.1
    h[:, 4] = -quotes + 0.01 * rng.standard_normal(len(tokens))  # unit 4 tracks quotes, negated
    table = tracking_units(h, tokens)
    first = table[table["property"] == "inside quotes"].iloc[0]
    assert first["unit"] == 4 and first["correlation"] < -0.99
    # A property that never changes in the text is left out.
    assert "uppercase" not in set(table["property"])


def test_the_coloured_text_escapes_and_shades():
    out = coloured_html(["<b>", "x"], np.array([1.0, -1.0]))
    assert "&lt;b&gt;" in out and "<b>" not in out.replace("<br>", "")
    assert "rgba(220,38,38,0.60)" in out and "rgba(37,99,235,0.60)" in out


def test_tokens_the_vocabulary_lacks_are_said_not_left_as_bare_marks():
    from lstm_app.inside.explain import unknown_note

    assert unknown_note(list("hello"), "char") == ""
    assert unknown_note(["h", "\ufffd", "\ufffd"], "char") == (
        "2 characters of this text never occur in the training text: the network reads each "
        "as the same unknown token, shown as “�”.")
    assert unknown_note(["the", " ", "\ufffd"], "word").startswith("1 word of this text is not")


def test_every_step_label_shows_something_even_for_characters_that_draw_nothing():
    from lstm_app.inside.explain import token_labels

    tokens = ["a", " ", "\u202e", "\u200d", "\u0301", "cafe\u0301", "\n", "\ufeff", "\u3000"]
    assert token_labels(tokens) == ["1:a", "2:␣", "3:U+202E", "4:U+200D", "5:◌\u0301",
                                    "6:cafe\u0301", "7:↵", "8:U+FEFF", "9:U+3000"]
