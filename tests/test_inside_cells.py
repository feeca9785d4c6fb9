"""The explicit cells reproduce torch's fused LSTM and GRU, layer by layer, from the same weights."""

import pytest
import torch
from torch import nn

from lstm_app.inside.cells import trace


def network(cell, layers, inputs=3, hidden=5, seed=0, bias=True):
    torch.manual_seed(seed)
    rnn = (nn.LSTM if cell == "lstm" else nn.GRU)(inputs, hidden, layers, batch_first=True,
                                                  bias=bias, dropout=0.3 if layers > 1 else 0.0)
    return rnn.eval()


@pytest.mark.parametrize("cell", ["lstm", "gru"])
@pytest.mark.parametrize("layers", [1, 2, 3])
def test_the_explicit_cell_reproduces_torch(cell, layers):
    rnn = network(cell, layers)
    x = torch.randn(4, 9, 3)
    out, state = rnn(x)
    traces = trace(rnn, x)
    assert len(traces) == layers
    torch.testing.assert_close(traces[-1].h, out, atol=1e-5, rtol=0)
    h_n = state[0] if cell == "lstm" else state
    for layer, t in enumerate(traces):
        torch.testing.assert_close(t.h[:, -1], h_n[layer], atol=1e-5, rtol=0)
        if cell == "lstm":
            torch.testing.assert_close(t.c[:, -1], state[1][layer], atol=1e-5, rtol=0)
        assert all(g.shape == (4, 9, 5) for g in t.gates.values())


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_a_given_start_state_and_no_bias(cell):
    rnn = network(cell, 2, bias=False)
    x = torch.randn(2, 6, 3)
    h0 = torch.randn(2, 2, 5)
    state = (h0, torch.randn(2, 2, 5)) if cell == "lstm" else h0
    out, _ = rnn(x, state)
    torch.testing.assert_close(trace(rnn, x, state)[-1].h, out, atol=1e-5, rtol=0)


def test_the_lstm_gates_obey_the_cell_equations():
    rnn = network("lstm", 1)
    x = torch.randn(1, 5, 3)
    t = trace(rnn, x)[0]
    f, i, g, o = (t.gates[k] for k in "figo")
    assert ((0 < f) & (f < 1)).all() and ((-1 < g) & (g < 1)).all()
    previous_c = torch.cat([t.c0[:, None], t.c[:, :-1]], dim=1)
    torch.testing.assert_close(t.c, f * previous_c + i * g)
    torch.testing.assert_close(t.h, o * torch.tanh(t.c))


@pytest.mark.parametrize("cell", ["lstm", "gru", "peephole"])
@pytest.mark.parametrize("layers", [1, 2])
def test_a_bidirectional_network_is_traced_both_ways(cell, layers):
    """Forward then backward trace per layer; the backward one read from the last step, so
    flipped back it is the second half of torch's outputs; the top layer's two together are
    torch's output."""
    from lstm_app.training.rnn import make_rnn

    torch.manual_seed(1)
    rnn = make_rnn(cell, 3, 5, layers, 0.3, bidirectional=True).eval()
    x = torch.randn(2, 7, 3)
    out, state = rnn(x)
    traces = trace(rnn, x)
    assert [t.backward for t in traces] == [False, True] * layers
    forward, backward = traces[-2], traces[-1]
    torch.testing.assert_close(torch.cat([forward.h, backward.h.flip(1)], dim=-1), out,
                               atol=1e-5, rtol=0)
    h_n = state[0] if cell != "gru" else state
    for row, t in enumerate(traces):  # each direction's last step read is its final state
        torch.testing.assert_close(t.h[:, -1], h_n[row], atol=1e-5, rtol=0)


def test_a_negative_number_multiplied_in_an_equation_is_in_brackets():
    import pandas as pd

    from lstm_app.inside.explain import equations_with_numbers

    numbers = pd.Series({"f before σ/tanh": 0.3, "f": 0.585, "i before σ/tanh": 1.0, "i": 0.7,
                         "C̃ before σ/tanh": -0.8, "C̃": -0.66, "C(t−1)": -0.67, "C(t)": -0.852,
                         "o before σ/tanh": 0.1, "o": 0.5, "h(t)": -0.3, "h(t−1)": 0.1})
    lines = equations_with_numbers(numbers, lstm=True)
    assert lines[3].endswith(r"= 0.585 \times (-0.670) + 0.700 \times (-0.660) = -0.852")
    assert lines[2].endswith(r"= \tanh(-0.800) = -0.660")  # a result stays bare
    assert lines[5].endswith(r"\times \tanh(-0.852) = -0.300")


def test_a_step_is_said_in_words_as_shares_of_the_memory():
    import pandas as pd

    from lstm_app.inside.explain import in_words

    lstm = pd.Series({"f": 0.916, "i": 0.05, "o": 0.4999})
    assert in_words(lstm, True, 3) == ("In words: unit 3 keeps 92% of what its memory cell held, "
                                       "writes 5% of the new candidate into it, and lets 50% of "
                                       "its memory out as its output.")
    gru = pd.Series({"z": 0.25, "r": 1.0})
    assert in_words(gru, False, 0).startswith("In words: unit 0 keeps 25% of its previous output")
    assert "reads 100% of that previous output" in in_words(gru, False, 0)


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_gates_that_never_leave_0_3_to_0_7_are_said_to_look_alike(cell):
    from lstm_app.inside.explain import undecided

    rnn = network(cell, 1, hidden=8)
    x = torch.randn(1, 20, 3) * 0.1  # small inputs and weights: every gate near one half
    with torch.no_grad():
        for name, p in rnn.named_parameters():
            p.mul_(0.1)
    assert undecided(trace(rnn, x)[0])
    with torch.no_grad():  # one gate of one unit opened wide: the heatmaps differ
        rnn.bias_ih_l0[0 if cell == "gru" else 8] = 4.0  # σ(4) = 0.98
    assert not undecided(trace(rnn, x)[0])


def test_a_peephole_step_shows_its_peephole_terms_on_their_own():
    """The step's numbers hold each gate's p ∗ C term beside its value before σ, and the
    equation splits that value into the rest and the term (it showed only the sum)."""
    from lstm_app.inside.explain import PEEP_COLUMNS, equations_with_numbers, step_numbers
    from lstm_app.training.rnn import make_rnn

    torch.manual_seed(2)
    rnn = make_rnn("peephole", 3, 4, 1, 0.0).eval()
    with torch.no_grad():
        rnn.peephole_l0.copy_(torch.randn(3, 4))
    [layer] = trace(rnn, torch.randn(1, 6, 3))
    numbers = step_numbers(layer, 3, [0, 2])
    p_i, p_f, p_o = rnn.peephole_l0[:, 2].tolist()
    row = numbers.loc[2]
    assert row["p_f∗C(t−1)"] == pytest.approx(p_f * row["C(t−1)"], abs=1e-6)
    assert row["p_i∗C(t−1)"] == pytest.approx(p_i * row["C(t−1)"], abs=1e-6)
    assert row["p_o∗C(t)"] == pytest.approx(p_o * row["C(t)"], abs=1e-6)
    lines = equations_with_numbers(numbers.loc[2], lstm=True)
    rest = row["f before σ/tanh"] - row["p_f∗C(t−1)"]
    assert lines[0].startswith(r"f_t = \sigma(W_f \cdot [h_{t-1}, x_t] + b_f + p_f \ast C_{t-1})")
    assert f"\\sigma({rest:.3f} + " in lines[0]
    assert lines[4].startswith(r"o_t = \sigma(W_o") and r"p_o \ast C_t)" in lines[4]
    # A plain LSTM's step has no such columns, and its equations stay as they were.
    [plain] = trace(network("lstm", 1, hidden=4), torch.randn(1, 6, 3))
    assert not set(PEEP_COLUMNS.values()) & set(step_numbers(plain, 3, [0]).columns)


def test_a_long_equation_is_stacked_one_equals_sign_a_line_and_a_short_one_is_not():
    from lstm_app.ui.inside_view import stacked

    assert stacked(r"f_t = \sigma(0.300) = 0.574") == r"f_t = \sigma(0.300) = 0.574"
    gate = r"f_t = \sigma(W_f + p_f \ast C_{t-1}) = \sigma(0.2 + 0.1) = \sigma(0.3) = 0.574"
    assert stacked(gate) == (r"\begin{aligned} f_t &= \sigma(W_f + p_f \ast C_{t-1}) \\ "
                             r"&= \sigma(0.2 + 0.1) \\ &= \sigma(0.3) \\ &= 0.574 \end{aligned}")
