"""The peephole LSTM: nn.LSTM exactly when its peephole weights are zero, the peepholes change
the gates when they are not, padded sequences stop at their own ends, and every task can use it."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from lstm_app.training.peephole import PeepholeLSTM
from lstm_app.training.rnn import make_rnn


def twin(layers: int, bidirectional: bool) -> tuple[nn.LSTM, PeepholeLSTM]:
    torch.manual_seed(0)
    lstm = nn.LSTM(5, 7, layers, batch_first=True, bidirectional=bidirectional)
    peephole = PeepholeLSTM(5, 7, layers, bidirectional=bidirectional)
    missing, unexpected = peephole.load_state_dict(lstm.state_dict(), strict=False)
    assert unexpected == [] and all(name.startswith("peephole_") for name in missing)
    with torch.no_grad():
        for name, p in peephole.named_parameters():
            if name.startswith("peephole_"):
                p.zero_()
    return lstm, peephole


@pytest.mark.parametrize("layers,bidirectional", [(1, False), (2, False), (2, True)])
def test_with_its_peepholes_at_zero_it_is_nn_lstm(layers, bidirectional):
    lstm, peephole = twin(layers, bidirectional)
    x = torch.randn(3, 11, 5)
    state = (torch.randn(layers * (1 + bidirectional), 3, 7),
             torch.randn(layers * (1 + bidirectional), 3, 7))
    with torch.no_grad():
        want, (h, c) = lstm(x, state)
        got, (h2, c2) = peephole(x, state)
    assert torch.allclose(got, want, atol=1e-5)
    assert torch.allclose(h2, h, atol=1e-5) and torch.allclose(c2, c, atol=1e-5)


def test_the_peepholes_let_the_gates_read_the_cell_state():
    _, peephole = twin(1, False)
    x = torch.randn(2, 6, 5)
    with torch.no_grad():
        before, _ = peephole(x)
        peephole.peephole_l0.fill_(2.0)
        after, _ = peephole(x)
    assert not torch.allclose(before, after, atol=1e-3)
    # The same step written out: the output gate reads the new cell state.
    with torch.no_grad():
        w_ih = peephole.weight_ih_l0
        b = peephole.bias_ih_l0 + peephole.bias_hh_l0
        zi, zf, zg, zo = (x[:, 0] @ w_ih.T + b).chunk(4, dim=-1)  # h and C start at zero
        c1 = torch.sigmoid(zi) * torch.tanh(zg)
        h1 = torch.sigmoid(zo + 2.0 * c1) * torch.tanh(c1)
    assert torch.allclose(after[:, 0], h1, atol=1e-6)


def test_a_padded_sequence_stops_at_its_own_end_both_ways():
    torch.manual_seed(1)
    peephole = PeepholeLSTM(4, 3, 2, bidirectional=True).eval()
    long, short = torch.randn(1, 6, 4), torch.randn(1, 4, 4)
    padded = torch.cat([long, torch.cat([short, torch.zeros(1, 2, 4)], dim=1)])
    with torch.no_grad():
        out, (h, _) = peephole(padded, lengths=torch.tensor([6, 4]))
        alone, (h_alone, _) = peephole(short)
    assert torch.allclose(out[1, :4], alone[0], atol=1e-6)
    assert torch.all(out[1, 4:] == 0)
    assert torch.allclose(h[:, 1], h_alone[:, 0], atol=1e-6)


@pytest.mark.parametrize("task", ["forecast", "text", "classify"])
def test_every_task_trains_with_the_peephole_cell(task):
    assert isinstance(make_rnn("peephole", 3, 4, 1, 0.0), PeepholeLSTM)
    if task == "forecast":
        from lstm_app.series.loading import load_series
        from lstm_app.series.pipeline import run_forecast
        from lstm_app.series.settings import ForecastConfig

        series = load_series(b"v\n" + b"".join(f"{(i * 7) % 13}\n".encode() for i in range(120)))
        result = run_forecast(series, ForecastConfig(cell="peephole", lookback=12, horizon=3,
                                                     hidden_size=8, epochs=2,
                                                     statistical_seconds=0))
        assert result.model.rnn.__class__ is PeepholeLSTM and result.test.mae >= 0
    elif task == "text":
        from lstm_app.text.pipeline import fit_text
        from lstm_app.text.settings import TextConfig

        trained = fit_text("the cat sat on the mat. " * 60,
                           TextConfig(cell="peephole", hidden_size=16, num_layers=1,
                                      embedding_dim=8, seq_len=20, batch_size=4, epochs=1,
                                      length=10))
        assert trained.model.rnn.__class__ is PeepholeLSTM
        assert len(trained.training.history) == 1
    else:
        from lstm_app.classify.model import Classifier, ClassifierShape

        model = Classifier(ClassifierShape(10, 2, 4, 5, cell="peephole", pooling="last"))
        tokens = torch.tensor([[2, 3, 4], [5, 6, 0]])
        logits, loss = model(tokens, torch.tensor([3, 2]), torch.tensor([0, 1]))
        loss.backward()
        assert logits.shape == (2, 2) and model.rnn.peephole_l0.grad is not None


def test_the_inside_pages_explicit_cell_follows_the_peepholes():
    from lstm_app.inside.cells import trace

    torch.manual_seed(2)
    peephole = PeepholeLSTM(3, 4, 2).eval()
    with torch.no_grad():
        peephole.peephole_l0.uniform_(-2, 2)
        peephole.peephole_l1.uniform_(-2, 2)
        x = torch.randn(2, 7, 3)
        out, (h, c) = peephole(x)
    layers = trace(peephole, x)
    assert len(layers) == 2 and set(layers[0].gates) == {"i", "f", "g", "o"}
    assert torch.allclose(layers[-1].h, out, atol=1e-5)
    assert torch.allclose(layers[-1].c[:, -1], c[-1], atol=1e-5)
    # The output gate's value before σ includes p_o ∗ C_t.
    o_pre = layers[0].pre["o"][:, 0]
    assert torch.allclose(torch.sigmoid(o_pre), layers[0].gates["o"][:, 0])


def test_forecast_and_text_say_why_they_do_not_read_both_ways():
    from lstm_app.classify.settings import CLASSIFY_SETTINGS
    from lstm_app.series.settings import FORECAST_SETTINGS
    from lstm_app.text.settings import TEXT_SETTINGS

    assert "bidirectional" not in FORECAST_SETTINGS and "bidirectional" not in TEXT_SETTINGS
    assert "a forecast may not look at the future" in FORECAST_SETTINGS["cell"].help
    assert "the next character or word may not be read" in TEXT_SETTINGS["cell"].help
    assert "bidirectional" in CLASSIFY_SETTINGS
    for table in (FORECAST_SETTINGS, TEXT_SETTINGS, CLASSIFY_SETTINGS):
        assert "3 to 7 times slower" in table["cell"].help  # benchmarks.peephole
