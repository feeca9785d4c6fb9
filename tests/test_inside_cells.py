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
