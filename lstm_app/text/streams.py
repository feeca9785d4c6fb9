"""Owns the stateful training layout: the token ids as parallel streams, cut into chunks for TBPTT."""

from __future__ import annotations

from typing import Iterator

import torch

from ..i18n import N_, tr

TOO_SHORT = N_("The text is too short for a batch size of {n_streams}; use a smaller batch "
               "size or a longer text.")


def to_streams(ids: torch.Tensor, n_streams: int) -> torch.Tensor:
    """Lay a 1-D tensor of ids out as `n_streams` rows, each one contiguous stretch of the text.

    The tail that does not fill a whole column is dropped. With ids 0..9 and 3 streams
    (length 3, ids 9 dropped):

        0 1 2      row 0 = ids[0:3]
        3 4 5      row 1 = ids[3:6]
        6 7 8      row 2 = ids[6:9]

    Reading along a row is reading the text, so the hidden state carried from one chunk to the
    next (left to right) continues the same passage. Returns a view: (n_streams, length).
    """
    if ids.dim() != 1:
        raise ValueError(f"The ids must be a 1-D tensor, not one of shape {tuple(ids.shape)}.")
    length = ids.numel() // n_streams if n_streams >= 1 else 0
    if length < 2:  # a stream needs at least one input and its next token
        raise ValueError(tr(TOO_SHORT, n_streams=n_streams))
    return ids[: n_streams * length].view(n_streams, length)  # (n_streams, length)


def chunks(streams: torch.Tensor, seq_len: int) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
    """Yield (x, y) chunks left to right; y is x shifted by one token. Both are views, no copies.

    x = streams[:, t:t+seq_len], y = streams[:, t+1:t+1+seq_len] for t = 0, seq_len, 2*seq_len...;
    the last chunk is shorter when the stream length minus one is not a multiple of seq_len.
    """
    last = streams.size(1) - 1  # the final column is only ever a target
    for t in range(0, last, seq_len):
        width = min(seq_len, last - t)
        yield streams[:, t : t + width], streams[:, t + 1 : t + 1 + width]  # (n_streams, width) each


def n_chunks(streams: torch.Tensor, seq_len: int) -> int:
    """How many chunks `chunks(streams, seq_len)` yields."""
    return -(-(streams.size(1) - 1) // seq_len)  # ceiling division
