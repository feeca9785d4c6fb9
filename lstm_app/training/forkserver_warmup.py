"""Imported only by the worker forkserver: one tiny LSTM and GRU step, so that every training
forked from it skips torch's one-off set-up of its CPU kernels (about 1.3 s on our machines).

Nothing here may touch CUDA: a child forked from a process that did cannot use the GPU
("Cannot re-initialize CUDA in forked subprocess", or "CUDA error: initialization error").
With a torch built for CUDA even a CPU backward pass asks how many GPUs there are (the autograd
engine starts a thread per device) and an optimizer step asks whether a CUDA graph is being
captured; so a CUDA build only imports the engine, and each child sets up its kernels itself.
"""

import torch

import lstm_app.runs.recording  # noqa: F401  (the tasks the app submits: record_forecast/_text)
import lstm_app.series.pipeline  # noqa: F401  (the engine, imported once for every child)
import lstm_app.text.pipeline  # noqa: F401

torch.set_num_threads(1)
if not torch.backends.cuda.is_built():
    for _cell in (torch.nn.LSTM, torch.nn.GRU):
        _net = _cell(2, 8, num_layers=2, batch_first=True)
        _out, _ = _net(torch.randn(4, 5, 2))
        _out.pow(2).mean().backward()
        torch.optim.Adam(_net.parameters()).step()
    del _cell, _net, _out
