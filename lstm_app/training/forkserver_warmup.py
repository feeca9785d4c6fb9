"""Imported only by the worker forkserver: one tiny LSTM and GRU step, so that every training
forked from it skips torch's one-off set-up of its CPU kernels (about 1.3 s on our machines)."""

import torch

import lstm_app.series.pipeline  # noqa: F401  (the engine, imported once for every child)

torch.set_num_threads(1)
for _cell in (torch.nn.LSTM, torch.nn.GRU):
    _net = _cell(2, 8, num_layers=2, batch_first=True)
    _out, _ = _net(torch.randn(4, 5, 2))
    _out.pow(2).mean().backward()
    torch.optim.Adam(_net.parameters()).step()
del _cell, _net, _out
