"""The Forecaster: shapes, loss, the last-value anchor, and dropout on one layer."""
import warnings

import pytest
import torch

from lstm_app.series.model import Forecaster, ForecasterShape


@pytest.mark.parametrize("cell", ["lstm", "gru", "peephole"])
def test_shapes_with_covariates(cell):
    torch.manual_seed(0)
    model = Forecaster(ForecasterShape(n_features=3, horizon=5, hidden_size=8, num_layers=2, cell=cell))
    x = torch.randn(4, 12, 3)  # (batch, lookback, features)
    pred, loss = model(x)
    assert pred.shape == (4, 5) and loss is None
    pred, loss = model(x, torch.zeros(4, 5))
    assert loss.shape == () and loss.item() == pytest.approx(pred.pow(2).mean().item())


def test_unknown_cell_is_refused():
    with pytest.raises(ValueError, match="Unknown cell type 'rnn'; choose one of: lstm, gru, peephole."):
        Forecaster(ForecasterShape(n_features=1, horizon=2, cell="rnn"))


@pytest.mark.parametrize("anchor_last, expected", [(True, 7.5), (False, 0.0)])
def test_anchor_last_turns_a_zero_head_into_the_last_value(anchor_last, expected):
    torch.manual_seed(0)
    model = Forecaster(ForecasterShape(n_features=2, horizon=3, hidden_size=4, anchor_last=anchor_last))
    with torch.no_grad():
        model.head.weight.zero_()
        model.head.bias.zero_()
    x = torch.full((2, 6, 2), 7.5)
    x[..., 1] = torch.randn(2, 6)  # covariates do not matter to a zero head
    model.eval()
    assert model(x)[0].tolist() == [[expected] * 3] * 2


def test_dropout_with_one_layer_does_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = Forecaster(ForecasterShape(n_features=1, horizon=2, num_layers=1, dropout=0.5))
    assert model.rnn.dropout == 0.0 and model.dropout.p == 0.5


def test_a_season_anchor_turns_a_zero_head_into_the_seasonal_naive_forecast():
    model = Forecaster(ForecasterShape(n_features=1, horizon=5, season_anchor=3))
    torch.nn.init.zeros_(model.head.weight)
    torch.nn.init.zeros_(model.head.bias)
    window = torch.arange(8.0).reshape(1, 8, 1)  # 0 … 7: the last season is 5, 6, 7
    pred, _ = model(window)
    assert pred.tolist() == [[5.0, 6.0, 7.0, 5.0, 6.0]]


def test_a_series_embedding_reads_the_last_column_as_the_series_number():
    model = Forecaster(ForecasterShape(n_features=1, horizon=2, id_count=3, id_dim=2))
    window = torch.zeros(2, 4, 2)
    window[1, :, 1] = 2.0  # the second window belongs to series 2
    inputs = model.rnn_inputs(*model.split_ids(window))
    assert inputs.shape == (2, 4, 1 + 2)
    assert torch.equal(inputs[1, 0, 1:], model.ids.weight[2])
    assert torch.equal(inputs[0, 0, 1:], model.ids.weight[0])


@pytest.mark.parametrize("season_anchor", [0, 4])
def test_window_scale_reads_a_steeper_copy_of_a_window_as_the_window_itself(season_anchor):
    """A window that moves k times as fast (k ≥ 1, the window already at least the series'
    typical change) and sits at another level is forecast as the same shape, k times as
    steep, at that level: pred(c + k·x) = c + k·pred(x). Without window_scale it is not."""
    torch.manual_seed(0)
    x = torch.cumsum(torch.randn(3, 12, 1) * 2.0, dim=1)  # steps of about 2 > 1
    shifted = 5.0 + 3.0 * x
    for scaled, equal in [(True, True), (False, False)]:
        model = Forecaster(ForecasterShape(n_features=1, horizon=4, hidden_size=6,
                                           season_anchor=season_anchor, window_scale=scaled))
        model.eval()
        with torch.no_grad():
            close = torch.allclose(model(shifted)[0], 5.0 + 3.0 * model(x)[0], atol=1e-4)
        assert close is equal


def test_window_scale_leaves_a_window_quieter_than_the_series_as_it_was():
    """Windows that move less than the series' typical change (1 on the scaled series) are read
    as without window_scale: the same weights give the same forecast."""
    torch.manual_seed(0)
    x = torch.cumsum(torch.rand(4, 10, 2) * 0.1, dim=1)  # steps of at most 0.1
    plain = Forecaster(ForecasterShape(n_features=2, horizon=3, hidden_size=5))
    scaled = Forecaster(ForecasterShape(n_features=2, horizon=3, hidden_size=5,
                                        window_scale=True))
    scaled.load_state_dict(plain.state_dict())
    plain.eval(), scaled.eval()
    with torch.no_grad():
        assert torch.equal(plain(x)[0], scaled(x)[0])
    assert plain.rnn_inputs(x).equal(scaled.rnn_inputs(x))


@pytest.mark.parametrize("lookback, season_anchor", [(4, 4), (1, 0)])
def test_window_scale_never_gives_nan_when_the_lag_fills_the_window(lookback, season_anchor):
    """A season anchor as long as the lookback, or a lookback of 1, leaves no full lag inside
    the window: the scale falls back to a shorter lag or to 1, never NaN."""
    model = Forecaster(ForecasterShape(n_features=1, horizon=2, hidden_size=4,
                                       season_anchor=season_anchor, window_scale=True))
    x = torch.cumsum(torch.randn(3, lookback, 1) * 3.0, dim=1)
    pred, _ = model(x)
    assert torch.isfinite(pred).all() and torch.isfinite(model.window_scales(x)).all()


@pytest.mark.parametrize("cell", ["lstm", "gru", "peephole"])
@pytest.mark.parametrize("layers", [1, 2])
def test_the_forecast_reads_the_top_layers_output_at_the_last_step(cell, layers):
    """The forecaster takes the recurrent layer's final state (fewer ONNX nodes): the same
    numbers as its top layer's output at the window's last step."""
    torch.manual_seed(0)
    model = Forecaster(ForecasterShape(n_features=2, horizon=3, hidden_size=5, num_layers=layers,
                                       cell=cell)).eval()
    x = torch.randn(4, 7, 2)
    with torch.no_grad():
        out, _ = model.rnn(model.rnn_inputs(x))
        expected = model.head(out[:, -1]) + x[:, -1:, 0]  # anchored at the last value
        torch.testing.assert_close(model(x)[0], expected)
