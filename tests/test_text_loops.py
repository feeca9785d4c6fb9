"""A sample that ends going round the same characters is told why (greedy sampling, or a model
that has learnt little), by the temperature it was written at."""

from __future__ import annotations

import pytest

from lstm_app.i18n import speaking
from lstm_app.text.generate import LOOP_TAIL, loop_at_end
from lstm_app.ui.text_view import looping


@pytest.mark.parametrize("written, piece", [
    ("To be or not to be" + "\n" * 290, "\n"),                  # the teacher's blank lines
    ("床前明月光，" + "疑是地上霜。" * 20, "疑是地上霜。"),        # a line of a poem, again and again
    ("the cat " * 3 + "sat on the mat " * 12, "sat on the mat "),  # the shortest, as it ends
    ("abc" * 40 + "x", ""),                                      # broken at its very end
    ("ROMEO: " + "That we do send the common to the people,\n" * 6, "That we do send the "
     "common to the people,\n"),                                 # a class saw it, unexplained
    ("ab" * (LOOP_TAIL // 2 - 1), ""),                           # too short to tell
    ("a varied text, each sentence of its own. " * 1 + "no loop here at all, none whatsoever. "
     "Still nothing repeats: the end is as free as the start was.", ""),
])
def test_the_piece_a_sample_ends_repeating_is_found(written, piece):
    assert loop_at_end(written) == piece


def test_a_piece_longer_than_the_longest_looked_for_is_no_loop():
    unit = "".join(chr(0x4E00 + i) for i in range(150))
    assert loop_at_end(unit * 10) == ""
    assert loop_at_end(unit[:100] * 10) == unit[:100]


def test_a_loop_is_explained_by_the_temperature_it_was_written_at():
    assert looping("\n", 0.0) == (
        "The end of this sample is blank lines or spaces, over and over. At a low temperature "
        "the network takes its likeliest next character or word nearly every time, so once it "
        "is back where it was, it writes the same again: a temperature of 0.5 or more breaks the loop.")
    assert looping("的", 1.0) == (
        "The end of this sample writes the same character over and over. The network has "
        "learnt little more than this so far: training longer, or on a longer text, helps.")
    assert looping("ab cd", None).startswith(
        "The end of this sample writes the same 5 characters over and over.")
    with speaking("zh"):
        said = looping("疑是地上霜。", 0.2)
    assert said.startswith("这段样本的结尾一遍又一遍地写同样的 6 个字符。") and "0.5" in said
