"""Imported only by the worker forkserver: one tiny LSTM and GRU step, so that every training
forked from it skips torch's one-off set-up of its CPU kernels (about 1.3 s on our machines).
The tasks themselves are preloaded by whoever starts the forkserver and knows them (the app:
``lstm_app.ui.session``); this package knows no task.

Nothing here may touch CUDA: a child forked from a process that did cannot use the GPU
("Cannot re-initialize CUDA in forked subprocess", or "CUDA error: initialization error").
With a torch built for CUDA even a CPU backward pass asks how many GPUs there are (the autograd
engine starts a thread per device) and an optimizer step asks whether a CUDA graph is being
captured; so a CUDA build only imports torch, and each child sets up its kernels itself.
"""

import torch

torch.set_num_threads(1)
if not torch.backends.cuda.is_built():
    for _cell in (torch.nn.LSTM, torch.nn.GRU):
        _net = _cell(2, 8, num_layers=2, batch_first=True)
        _out, _ = _net(torch.randn(4, 5, 2))
        _out.pow(2).mean().backward()
        torch.optim.Adam(_net.parameters()).step()
    del _cell, _net, _out
